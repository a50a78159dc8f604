"""PyJWT 2.15's decode options: their defaults and how a caller's options merge with them.

Read by the binding (a Verifier's options), by ``api_jwt`` (PyJWT instances)
and by ``api_jws``. Imports nothing of turbojwt's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["CLAIM_CHECKS", "DEFAULT_OPTIONS", "merge_options"]

#: PyJWT 2.15's decode options and their defaults.
DEFAULT_OPTIONS: dict[str, Any] = {
    "verify_signature": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iat": True,
    "verify_aud": True,
    "verify_iss": True,
    "verify_sub": True,
    "verify_jti": True,
    "require": [],
    "strict_aud": False,
    "enforce_minimum_key_length": False,
}

#: The claim checks, which default to off when ``verify_signature`` is off.
CLAIM_CHECKS: tuple[str, ...] = ("verify_exp", "verify_nbf", "verify_iat", "verify_aud", "verify_iss",
                                 "verify_sub", "verify_jti")


def merge_options(options: Mapping[str, Any] | None = None, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PyJWT 2.15's full option dict for ``options`` over ``base`` (default: DEFAULT_OPTIONS).

    With ``verify_signature`` off, every ``verify_*`` check defaults to off too
    unless the caller turns it on explicitly.
    """
    base = DEFAULT_OPTIONS if base is None else base
    if options is None:
        return dict(base)
    merged = dict(options)
    if not merged.get("verify_signature", True):
        for name in CLAIM_CHECKS:
            merged.setdefault(name, False)
    return {**base, **merged}
