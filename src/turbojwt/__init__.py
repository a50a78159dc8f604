"""turbojwt: JSON Web Token verification at the speed of the cryptography underneath.

A C core (base64url, JSON, HMAC through OpenSSL, registered claims) behind
PyJWT 2.15's API, so ``import turbojwt as jwt`` works in existing code, and a
prepared :class:`Verifier` for the fastest path.
"""

from __future__ import annotations

from ._core import (
    PreparedKey,
    Verifier,
    clear_cache,
    decode,
    decode_complete,
    get_unverified_header,
)
from ._encode import encode
from .api_jwk import PyJWK, PyJWKSet
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKError,
    PyJWKSetError,
    PyJWTError,
    UnknownKeyError,
)
from .warnings import InsecureKeyLengthWarning

__version__ = "0.1.0"

__all__ = [
    "Verifier",
    "PreparedKey",
    "PyJWK",
    "PyJWKSet",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
    "clear_cache",
    "InsecureKeyLengthWarning",
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "MissingRequiredClaimError",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "PyJWKError",
    "PyJWKSetError",
    "PyJWTError",
    "UnknownKeyError",
]
