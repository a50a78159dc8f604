"""Refuse HMAC secrets that are really public-key material.

Algorithm confusion (CVE-2022-29217, CVE-2017-11424): if a verifier that holds
an RSA public key in PEM form lets the token pick ``HS256``, an attacker signs
with the public key's text as the HMAC secret. PyJWT 2.15 refuses such
secrets; so does turbojwt, with a slightly wider net (any PEM block, any SSH
public key type, DER keys and certificates, anything that parses as a JWK).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .exceptions import InvalidKeyError

__all__ = ["check_hmac_secret"]

# Any PEM block: a BEGIN line and an END line with the same label after it.
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.DOTALL)
# PyJWT also accepts markers written with a space instead of the fifth dash.
_PEM_LOOSE = re.compile(rb"----[- ]BEGIN ([A-Z0-9 ]+)[- ]----.*?----[- ]END \1[- ]----", re.DOTALL)
_SSH_PREFIXES = (
    b"ssh-ed25519",
    b"ssh-ed448",
    b"ssh-rsa",
    b"ssh-dss",
    b"ecdsa-sha2-",
    b"sk-ssh-ed25519",
    b"sk-ecdsa-sha2-",
)


def _looks_like_jwk(secret: bytes) -> bool:
    """Does the secret parse as JSON holding a JWK ("kty") anywhere?"""
    try:
        # json.loads(bytes) detects UTF-8 with a BOM and UTF-16/32 as PyJWT's
        # check does. Integers are irrelevant; parsing them could be slow.
        doc: Any = json.loads(secret, parse_int=lambda _: 0)
    except RecursionError:
        # Too deep to parse: a JSON-shaped secret is refused either way.
        return True
    except ValueError:
        return False
    pending = [doc]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "kty" in item:
                return True
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def check_hmac_secret(secret: bytes, der_key_check: Callable[[bytes], bool] | None = None) -> None:
    """Raise InvalidKeyError unless ``secret`` may serve as an HMAC key.

    ``der_key_check`` (bytes -> bool) says whether bytes are a DER public key,
    private key or certificate; the binding passes OpenSSL's answer.
    """
    if len(secret) == 0:
        raise InvalidKeyError("HMAC key must not be empty.")
    if (
        _PEM_BLOCK.search(secret)
        or _PEM_LOOSE.search(secret)
        or secret.startswith(_SSH_PREFIXES)
        or (der_key_check is not None and der_key_check(secret))
    ):
        raise InvalidKeyError(
            "The specified key is an asymmetric key or x509 certificate and"
            " should not be used as an HMAC secret."
        )
    if _looks_like_jwk(secret):
        raise InvalidKeyError(
            "The specified key looks like a JWK and should not be used directly"
            " as an HMAC secret. Load it via PyJWK / HMACAlgorithm.from_jwk first."
        )
