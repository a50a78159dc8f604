"""Type names of PyJWT 2.15's ``jwt.types``: JWK dicts, hash constructors and the options dicts."""

from __future__ import annotations

from typing import Any, Callable, TypedDict

__all__ = ["JWKDict", "HashlibHash", "SigOptions", "Options", "FullOptions"]

#: A JSON Web Key as a parsed JSON object.
JWKDict = dict[str, Any]

#: A hashlib constructor such as ``hashlib.sha256``.
HashlibHash = Callable[..., Any]


class SigOptions(TypedDict, total=False):
    """The options of the JWS layer (``PyJWS``): a subset of :class:`Options`."""

    verify_signature: bool
    """Check the signature (default ``True``)."""
    enforce_minimum_key_length: bool
    """Raise InvalidKeyError instead of warning for keys below the recommended size (default ``False``)."""


class Options(TypedDict, total=False):
    """The ``options`` of ``decode`` and ``decode_complete``; every key is optional.

    ``exp``, ``iat``, ``nbf``, ``jti`` and ``sub`` are checked only when present:
    list them in ``require`` to make them mandatory.
    """

    verify_signature: bool
    """Check the signature (default ``True``); the ``verify_*`` defaults follow it."""
    require: list[str]
    """Claims that must be present (default ``[]``); only their presence is checked here."""
    strict_aud: bool
    """Require ``aud`` to be a single string equal to the expected audience (default ``False``)."""
    verify_aud: bool
    """Check ``aud`` against the expected audience."""
    verify_exp: bool
    """Check that ``exp``, when present, is in the future (with leeway)."""
    verify_iat: bool
    """Check that ``iat``, when present, is a number."""
    verify_iss: bool
    """Check ``iss`` against the expected issuer."""
    verify_jti: bool
    """Check that ``jti``, when present, is a string."""
    verify_nbf: bool
    """Check that ``nbf``, when present, is in the past (with leeway)."""
    verify_sub: bool
    """Check that ``sub``, when present, is a string equal to the expected subject."""
    enforce_minimum_key_length: bool
    """Raise InvalidKeyError instead of warning for keys below the recommended size (default ``False``)."""


class FullOptions(TypedDict):
    """:class:`Options` with every key present (the merged options a decoder works with)."""

    verify_signature: bool
    require: list[str]
    strict_aud: bool
    verify_aud: bool
    verify_exp: bool
    verify_iat: bool
    verify_iss: bool
    verify_jti: bool
    verify_nbf: bool
    verify_sub: bool
    enforce_minimum_key_length: bool
