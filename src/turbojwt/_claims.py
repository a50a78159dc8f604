"""Registered-claim checks in Python, for the cases the C core hands back.

The C core checks claims on the JSON tape (csrc/claims.c). When a time claim
is not a small JSON integer (a float, a numeric string, a boolean, a huge
number) PyJWT 2.15 applies Python's ``int()`` to it, and when the caller's
issuer is an arbitrary container PyJWT uses ``in``; rather than imitate
Python in C, the core returns TJ_DEFER_CLAIMS and this module checks the
built dict with the same rules, in the same order: require, iat, nbf, exp,
iss, aud, sub, jti.
"""

from __future__ import annotations

import math
import time
from collections.abc import Container, Iterable, Mapping
from typing import Any

from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidSubjectError,
    MissingRequiredClaimError,
)

__all__ = ["validate_claims", "check_issuer"]


def _as_int(value: Any, error: type[Exception], message: str) -> int:
    try:
        return int(value)
    except (ValueError, TypeError, OverflowError):
        raise error(message) from None


def _check_audience(payload: Mapping[str, Any], audience: Any, strict: bool) -> None:
    claimed = payload.get("aud")
    if audience is None:
        if claimed:
            raise InvalidAudienceError("Invalid audience")
        return
    if not claimed:
        raise MissingRequiredClaimError("aud")
    if strict:
        if not isinstance(audience, str):
            raise InvalidAudienceError("Invalid audience (strict)")
        if not isinstance(claimed, str):
            raise InvalidAudienceError("Invalid claim format in token (strict)")
        if audience != claimed:
            raise InvalidAudienceError("Audience doesn't match (strict)")
        return
    claimed_list = [claimed] if isinstance(claimed, str) else claimed
    if not isinstance(claimed_list, list) or not all(isinstance(c, str) for c in claimed_list):
        raise InvalidAudienceError("Invalid claim format in token")
    expected = [audience] if isinstance(audience, str) else audience
    if not any(a in claimed_list for a in expected):
        raise InvalidAudienceError("Audience doesn't match")


def check_issuer(payload: Mapping[str, Any], issuer: Any) -> None:
    if "iss" not in payload:
        raise MissingRequiredClaimError("iss")
    iss = payload["iss"]
    if not isinstance(iss, str):
        raise InvalidIssuerError("Payload Issuer (iss) must be a string")
    if isinstance(issuer, str):
        ok = iss == issuer
    else:
        try:
            ok = iss in issuer
        except TypeError:
            raise InvalidIssuerError('Issuer param must be "str" or "Container[str]"') from None
    if not ok:
        raise InvalidIssuerError("Invalid issuer")


def check_leeway(seconds: float) -> float:
    """``seconds`` if it is a finite number; ValueError otherwise.

    NaN makes every time comparison false and an infinite leeway accepts any
    time: either would turn the exp/nbf/iat checks off silently (fail open).
    """
    if not math.isfinite(seconds):
        raise ValueError(f"leeway must be a finite number of seconds, not {seconds!r}")
    return seconds


def validate_claims(
    payload: Mapping[str, Any],
    options: Mapping[str, Any],
    audience: str | Iterable[str] | None,
    issuer: str | Container[str] | None,
    subject: Any,
    leeway: float,
    now: float | None = None,
) -> None:
    """Check the registered claims of ``payload`` as PyJWT 2.15 does; raise on the first failure.

    ``options`` is the full, merged option dict; ``leeway`` is in seconds.
    """
    check_leeway(leeway)
    for claim in options["require"]:
        if payload.get(claim) is None:
            raise MissingRequiredClaimError(claim)
    if now is None:
        now = time.time()
    if "iat" in payload and options["verify_iat"]:
        iat = _as_int(payload["iat"], InvalidIssuedAtError, "Issued At claim (iat) must be an integer.")
        if iat > now + leeway:
            raise ImmatureSignatureError("The token is not yet valid (iat)")
    if "nbf" in payload and options["verify_nbf"]:
        nbf = _as_int(payload["nbf"], DecodeError, "Not Before claim (nbf) must be an integer.")
        if nbf > now + leeway:
            raise ImmatureSignatureError("The token is not yet valid (nbf)")
    if "exp" in payload and options["verify_exp"]:
        exp = _as_int(payload["exp"], DecodeError, "Expiration Time claim (exp) must be an integer.")
        if exp <= now - leeway:
            raise ExpiredSignatureError("Signature has expired")
    if options["verify_iss"] and issuer is not None:
        check_issuer(payload, issuer)
    if options["verify_aud"]:
        _check_audience(payload, audience, bool(options.get("strict_aud", False)))
    if options["verify_sub"] and "sub" in payload:
        if not isinstance(payload["sub"], str):
            raise InvalidSubjectError("Subject must be a string")
        if subject is not None and payload["sub"] != subject:
            raise InvalidSubjectError("Invalid subject")
    if options["verify_jti"] and "jti" in payload and not isinstance(payload["jti"], str):
        raise InvalidJTIError("JWT ID must be a string")
