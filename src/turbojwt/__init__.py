"""turbojwt: JSON Web Token verification at the speed of the cryptography underneath.

A C core (base64url, JSON, signatures through OpenSSL, registered claims) behind
PyJWT 2.15's API, so ``import turbojwt as jwt`` works in existing code, and a
prepared :class:`Verifier` for the fastest path.
"""

from __future__ import annotations

from ._core import (
    PreparedKey,
    Verifier,
    backend_version,
    clear_cache,
    decode,
    decode_complete,
    get_unverified_header,
)
from . import algorithms, api_jwk, api_jws, api_jwt, exceptions, jwk_set_cache, jwks_client, types, utils, warnings
from . import _pyjwt_compat  # noqa: F401  (gives the binding decode's general path)
from .api_jwk import PyJWK, PyJWKSet
from .api_jws import (
    PyJWS,
    get_algorithm_by_name,
    register_algorithm,
    unregister_algorithm,
)
from .api_jwt import PyJWT, encode
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
    KeySetUnavailableError,
    MissingRequiredClaimError,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKError,
    PyJWKSetError,
    PyJWTError,
    UnknownKeyError,
)
from .jwks_client import PyJWKClient
from .remote_jwks import RemoteJWKSet
from .warnings import InsecureKeyLengthWarning

__version__ = "0.1.0"

__all__ = [
    "Verifier",
    "PreparedKey",
    "PyJWK",
    "PyJWKSet",
    "PyJWS",
    "PyJWT",
    "register_algorithm",
    "unregister_algorithm",
    "get_algorithm_by_name",
    "PyJWKClient",
    "RemoteJWKSet",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
    "clear_cache",
    "backend_version",
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
    "KeySetUnavailableError",
    "MissingRequiredClaimError",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "PyJWKError",
    "PyJWKSetError",
    "PyJWTError",
    "UnknownKeyError",
]
