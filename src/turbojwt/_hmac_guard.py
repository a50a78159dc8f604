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

from ._policy import EMPTY_HMAC_KEY_MESSAGE
from .exceptions import InvalidKeyError

__all__ = ["check_hmac_secret"]

# A PEM marker line; PyJWT also accepts a space instead of the fifth dash.
# (A lookahead, so overlapping markers such as "-----END X-----BEGIN Y-----" all count.)
_PEM_MARKER = re.compile(rb"(?=----[- ](BEGIN|END) ([A-Z0-9 ]+?)[- ]----)")
# A JSON member name (a string followed by a colon), for a too-deep document.
_JSON_MEMBER_NAME = re.compile(r'"(?:[^"\\]|\\.)*"(?=\s*:)')
_SSH_PREFIXES = (
    b"ssh-ed25519",
    b"ssh-ed448",
    b"ssh-rsa",
    b"ssh-dss",
    b"ecdsa-sha2-",
    b"sk-ssh-ed25519",
    b"sk-ecdsa-sha2-",
)


def _is_kty(quoted: str) -> bool:
    try:
        return bool(json.loads(quoted) == "kty")
    except ValueError:
        return False


def _has_pem_block(secret: bytes) -> bool:
    """A BEGIN marker followed later by the END marker of the same label.

    One pass over the markers (a regex spanning BEGIN to END would rescan the
    rest of the input from every BEGIN: quadratic in the secret's length).
    """
    first_begin: dict[bytes, int] = {}
    for m in _PEM_MARKER.finditer(secret):
        kind, label = m.group(1), m.group(2)
        if kind == b"BEGIN":
            first_begin.setdefault(label, m.start() + len(label) + 16)  # the end of "-----BEGIN <label>-----"
        elif label in first_begin and first_begin[label] <= m.start():
            return True
    return False


def _looks_like_jwk(secret: bytes) -> bool:
    """Does the secret parse as JSON holding a JWK ("kty") anywhere?"""
    try:
        # json.loads(bytes) detects UTF-8 with a BOM and UTF-16/32 as PyJWT's
        # check does. Integers are irrelevant; parsing them could be slow.
        doc: Any = json.loads(secret, parse_int=lambda _: 0)
    except RecursionError:
        # Too deep to parse (as PyJWT decides it): an object, or a list with a
        # "kty" member name somewhere inside, is refused; other bytes are not.
        try:
            text = secret.decode(json.detect_encoding(secret), errors="surrogatepass")
        except UnicodeError:
            return False
        body = text.lstrip("\ufeff \t\r\n")
        if body.startswith("{"):
            return True
        return body.startswith("[") and any(_is_kty(m.group(0)) for m in _JSON_MEMBER_NAME.finditer(body))
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
        raise InvalidKeyError(EMPTY_HMAC_KEY_MESSAGE)
    if (
        _has_pem_block(secret)
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
