"""turbojwt's exceptions: PyJWT 2.15's names and hierarchy, one class per reason.

Code that catches ``jwt.InvalidTokenError`` or ``jwt.ExpiredSignatureError``
keeps working after ``import turbojwt as jwt``.
"""

from __future__ import annotations

__all__ = [
    "PyJWTError",
    "InvalidTokenError",
    "DecodeError",
    "InvalidSignatureError",
    "ExpiredSignatureError",
    "InvalidAudienceError",
    "InvalidIssuerError",
    "InvalidIssuedAtError",
    "ImmatureSignatureError",
    "InvalidKeyError",
    "InvalidAlgorithmError",
    "UnknownKeyError",
    "MissingRequiredClaimError",
    "InvalidSubjectError",
    "InvalidJTIError",
    "PyJWKError",
    "MissingCryptographyError",
    "PyJWKSetError",
    "PyJWKClientError",
    "PyJWKClientConnectionError",
    "KeySetUnavailableError",
]


class PyJWTError(Exception):
    """Base class of every turbojwt exception."""


class InvalidTokenError(PyJWTError):
    """A token was refused: the base of every error about a token's content."""


class DecodeError(InvalidTokenError):
    """The token is malformed: segments, base64url, JSON or a header rule."""


class InvalidSignatureError(DecodeError):
    """The signature does not verify with the key and algorithm."""


class ExpiredSignatureError(InvalidTokenError):
    """The ``exp`` claim is in the past (beyond the leeway)."""


class InvalidAudienceError(InvalidTokenError):
    """The ``aud`` claim is malformed or names none of the expected audiences."""


class InvalidIssuerError(InvalidTokenError):
    """The ``iss`` claim is not a string or is not an accepted issuer."""


class InvalidIssuedAtError(InvalidTokenError):
    """The ``iat`` claim is not a number."""


class ImmatureSignatureError(InvalidTokenError):
    """The ``nbf`` or ``iat`` claim is in the future (beyond the leeway)."""


class InvalidKeyError(PyJWTError):
    """The key is malformed, or of the wrong kind for the algorithm."""


class InvalidAlgorithmError(InvalidTokenError):
    """The token's ``alg`` is missing, not allowed, or not supported."""


class UnknownKeyError(InvalidTokenError):
    """No usable key of the key set matches the token's ``kid`` (or it has none and the set holds several)."""


class MissingRequiredClaimError(InvalidTokenError):
    """A required claim is absent (or null)."""

    def __init__(self, claim: str) -> None:
        super().__init__(claim)
        self.claim = claim

    def __str__(self) -> str:
        return f'Token is missing the "{self.claim}" claim'


class InvalidSubjectError(InvalidTokenError):
    """The ``sub`` claim is not a string or is not the expected subject."""


class InvalidJTIError(InvalidTokenError):
    """The ``jti`` claim is not a string."""


class PyJWKError(PyJWTError):
    """A JWK could not be loaded or used."""


class MissingCryptographyError(PyJWKError):
    """Kept for PyJWT compatibility: turbojwt never needs ``cryptography``."""


class PyJWKSetError(PyJWTError):
    """A JWK set could not be loaded, or holds no usable key."""


class PyJWKClientError(PyJWTError):
    """PyJWKClient could not find a signing key."""


class PyJWKClientConnectionError(PyJWKClientError):
    """PyJWKClient could not fetch the JWK set."""


class KeySetUnavailableError(PyJWKClientConnectionError):
    """No usable key set: a RemoteJWKSet could never fetch one, or its last one went stale past ``max_stale``.

    Not an InvalidTokenError: the token may be fine, the server cannot check it
    now (the middlewares answer 503).
    """
