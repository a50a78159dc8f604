"""Encoding helpers with PyJWT 2.15's names and behaviour (``jwt.utils``).

Code written against PyJWT reaches into ``jwt.utils`` for base64url and
integer helpers; these give the same results. The token path itself does not
use them: base64url decoding of tokens happens in the C core, which is
stricter (see docs/compatibility.md). ``der_to_raw_signature`` and
``raw_to_der_signature`` need the ``cryptography`` package, as in PyJWT;
everything else is standard library only.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

try:
    from cryptography.hazmat.primitives.asymmetric.utils import (
        decode_dss_signature,
        encode_dss_signature,
    )
except ModuleNotFoundError:  # pragma: no cover - exercised only without cryptography
    pass

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurve

__all__ = [
    "force_bytes",
    "base64url_decode",
    "base64url_encode",
    "to_base64url_uint",
    "from_base64url_uint",
    "number_to_bytes",
    "bytes_to_number",
    "bytes_from_int",
    "der_to_raw_signature",
    "raw_to_der_signature",
    "is_pem_format",
    "is_ssh_key",
]


def force_bytes(value: str | bytes) -> bytes:
    """``value`` as bytes: a str is encoded as UTF-8; anything but str or bytes is a TypeError."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("Expected a string or bytes value")


def base64url_decode(input: str | bytes) -> bytes:  # noqa: A002 - PyJWT's parameter name
    """Decode base64url with or without ``=`` padding (lenient, as PyJWT's helper)."""
    data = force_bytes(input)
    missing = -len(data) % 4
    if missing:
        data += b"=" * missing
    return base64.urlsafe_b64decode(data)


def base64url_encode(input: bytes) -> bytes:  # noqa: A002 - PyJWT's parameter name
    """Encode as base64url without padding."""
    return base64.urlsafe_b64encode(input).rstrip(b"=")


def bytes_from_int(val: int, *, bit_length: int | None = None) -> bytes:
    """Big-endian bytes of a non-negative ``val``, ``ceil(bit_length / 8)`` long.

    ``bit_length`` defaults to ``val``'s own, so 0 gives ``b""``.
    """
    bits = val.bit_length() if bit_length is None else bit_length
    return val.to_bytes((bits + 7) // 8, "big", signed=False)


def to_base64url_uint(val: int, *, bit_length: int | None = None) -> bytes:
    """The JWK encoding of an unsigned integer (RFC 7518 2: "Base64urlUInt").

    Zero is encoded as one zero byte (``b"AA"``); a negative value is a ValueError.
    """
    if val < 0:
        raise ValueError("Must be a positive integer")
    raw = bytes_from_int(val, bit_length=bit_length)
    return base64url_encode(raw or b"\x00")


def from_base64url_uint(val: str | bytes) -> int:
    """The unsigned integer of a Base64urlUInt string."""
    return int.from_bytes(base64url_decode(force_bytes(val)), "big")


def number_to_bytes(num: int, num_bytes: int) -> bytes:
    """``num`` as big-endian bytes, left-padded with zeros to ``num_bytes``."""
    size = max(num_bytes, (num.bit_length() + 7) // 8)
    return num.to_bytes(size, "big")


def bytes_to_number(string: bytes) -> int:
    """The big-endian unsigned integer of ``string`` (which must not be empty)."""
    if not string:
        raise ValueError("Cannot convert an empty byte string to a number")
    return int.from_bytes(string, "big")


def _coordinate_size(curve: EllipticCurve) -> int:
    return (curve.key_size + 7) // 8


def der_to_raw_signature(der_sig: bytes, curve: EllipticCurve) -> bytes:
    """An ECDSA signature from DER (``Ecdsa-Sig-Value``) to JWS form: ``r || s``, each of the curve's size."""
    size = _coordinate_size(curve)
    r, s = decode_dss_signature(der_sig)
    return number_to_bytes(r, size) + number_to_bytes(s, size)


def raw_to_der_signature(raw_sig: bytes, curve: EllipticCurve) -> bytes:
    """An ECDSA signature from JWS form (``r || s``) to DER; ValueError when the length is wrong."""
    size = _coordinate_size(curve)
    if len(raw_sig) != 2 * size:
        raise ValueError("Invalid signature")
    r = int.from_bytes(raw_sig[:size], "big")
    s = int.from_bytes(raw_sig[size:], "big")
    return bytes(encode_dss_signature(r, s))


# The PEM labels PyJWT recognises (the list of the ``pem`` project).
_PEM_LABELS = (
    b"CERTIFICATE",
    b"TRUSTED CERTIFICATE",
    b"PRIVATE KEY",
    b"PUBLIC KEY",
    b"ENCRYPTED PRIVATE KEY",
    b"OPENSSH PRIVATE KEY",
    b"DSA PRIVATE KEY",
    b"RSA PRIVATE KEY",
    b"RSA PUBLIC KEY",
    b"EC PRIVATE KEY",
    b"DH PARAMETERS",
    b"NEW CERTIFICATE REQUEST",
    b"CERTIFICATE REQUEST",
    b"SSH2 PUBLIC KEY",
    b"SSH2 ENCRYPTED PRIVATE KEY",
    b"X509 CRL",
)
# A BEGIN or END marker; the fifth dash on either side may be a space, as
# OpenSSL's loader tolerates. Wrapped in a lookahead so that overlapping
# markers are all seen; each attempt is bounded by the longest label, so the
# scan is linear in the input.
_PEM_MARKER = re.compile(
    rb"(?=(----[- ](BEGIN|END) (" + b"|".join(re.escape(label) for label in _PEM_LABELS) + rb")[- ]----))"
)


def is_pem_format(key: bytes) -> bool:
    """Does ``key`` hold a PEM block: a BEGIN marker of a known label, then an END marker of the same label?"""
    earliest_begin_end: dict[bytes, int] = {}
    for marker in _PEM_MARKER.finditer(key):
        kind, label = marker.group(2), marker.group(3)
        if kind == b"BEGIN":
            earliest_begin_end.setdefault(label, marker.end(1))
        elif label in earliest_begin_end and earliest_begin_end[label] < marker.start(1):
            return True
    return False


# The OpenSSH public key types cryptography can load (and PyJWT checks for).
_SSH_KEY_TYPES = (
    b"ssh-ed25519",
    b"ssh-rsa",
    b"ssh-dss",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
)


def is_ssh_key(key: bytes) -> bool:
    """Does ``key`` start with an OpenSSH public key type?"""
    return key.startswith(_SSH_KEY_TYPES)
