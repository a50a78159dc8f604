"""Key material from JWKs (RFC 7517/7518/8037) and OpenSSH public key lines.

The binding turns a ``KeyMaterial`` into an OpenSSL key through the C core
(csrc/pkey.h). The split of work: this module checks the *shape* (members
present, strict encodings, exact sizes, cheap sanity checks on RSA integers)
and gives each mistake a message naming the member; the C core checks the
*math* (point on the curve, private scalar matching the point, p * q == n).

Everything here is pure standard library: turbojwt never needs
``cryptography``. Every failure is an ``InvalidKeyError``, never a
``KeyError``, ``TypeError``, ``ValueError`` or ``binascii.Error``.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .exceptions import InvalidKeyError

__all__ = ["KeyMaterial", "jwk_key_material", "ssh_key_material", "looks_like_ssh_public_key"]

# Longest JWK member or SSH line we decode. A 16384-bit RSA modulus is about
# 2.7 KiB of base64url, so 16 KiB leaves room while bounding the work a
# hostile key can cause.
MAX_TEXT_LEN = 16 * 1024

# RSA modulus sizes the C core accepts (csrc/pkey.h); checked here too so the
# message is clear.
_RSA_MIN_BITS = 512
_RSA_MAX_BITS = 16384

# Coordinate (and private scalar) size in bytes per curve: RFC 7518 6.2.1.2
# says x, y and d MUST be the full size, and PyJWT checks the same sizes.
_EC_SIZES = {"P-256": 32, "P-384": 48, "P-521": 66, "secp256k1": 32}
# Raw key sizes, RFC 8037 2.
_OKP_SIZES = {"Ed25519": 32, "Ed448": 57}
_RSA_CRT = ("p", "q", "dp", "dq", "qi")

_B64URL_BODY = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class KeyMaterial:
    """Validated key material as raw big-endian bytes, ready for the C core.

    - ``RSA``: ``n``, ``e`` (minimal big-endian, no leading zero bytes); a
      private key adds ``d`` and either all of ``p``, ``q``, ``dp``, ``dq``,
      ``qi`` or none of them (then the C core works from ``d`` alone).
    - ``EC``: ``curve`` (P-256, P-384, P-521, secp256k1), ``x`` and ``y`` of
      exactly the coordinate size, optional ``d`` of the same size.
    - ``OKP``: ``curve`` (Ed25519, Ed448), ``x`` (32 or 57 bytes), optional
      ``d`` of the same size.
    - ``oct``: ``k``, the secret bytes (possibly empty: the HMAC key policy
      decides about emptiness and length).

    Secret members (d, p, q, dp, dq, qi, k) are left out of ``repr`` so that
    logging a key never prints its secret.
    """

    kind: str
    n: bytes | None = None
    e: bytes | None = None
    d: bytes | None = field(default=None, repr=False)
    p: bytes | None = field(default=None, repr=False)
    q: bytes | None = field(default=None, repr=False)
    dp: bytes | None = field(default=None, repr=False)
    dq: bytes | None = field(default=None, repr=False)
    qi: bytes | None = field(default=None, repr=False)
    curve: str | None = None
    x: bytes | None = None
    y: bytes | None = None
    k: bytes | None = field(default=None, repr=False)

    @property
    def is_private(self) -> bool:
        """True when the material can sign: a private key or an HMAC secret."""
        return self.kind == "oct" or self.d is not None


# --------------------------------------------------------------------------
# JWK


def _bad_jwk(message: str) -> InvalidKeyError:
    return InvalidKeyError(f"Invalid JWK: {message}")


def _b64url_member(jwk: Mapping[str, Any], name: str, *, allow_empty: bool = False) -> bytes:
    """Decode a required base64url member strictly, or raise InvalidKeyError."""
    if name not in jwk:
        raise _bad_jwk(f"member '{name}' is missing")
    text = jwk[name]
    if not isinstance(text, str):
        raise _bad_jwk(f"member '{name}' must be a base64url string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_LEN:
        raise _bad_jwk(f"member '{name}' is too long ({len(text)} characters, at most {MAX_TEXT_LEN})")
    body = text.rstrip("=")
    # RFC 7515 base64url has no padding, but PyJWT 2.15 accepts it; we accept
    # the subset the C core accepts in tokens (csrc/b64url.c): one or two '='
    # completing a multiple of 4.
    if body != text and (len(text) % 4 != 0 or len(text) - len(body) > 2):
        raise _bad_jwk(f"member '{name}' has invalid '=' padding")
    if not _B64URL_BODY.fullmatch(body) or len(body) % 4 == 1:
        raise _bad_jwk(f"member '{name}' is not valid base64url")
    if not body and not allow_empty:
        raise _bad_jwk(f"member '{name}' must not be empty")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    # Non-zero trailing bits would give one value several spellings: refuse
    # anything that is not the canonical encoding of the bytes it decodes to.
    if base64.urlsafe_b64encode(raw).rstrip(b"=") != body.encode("ascii"):
        raise _bad_jwk(f"member '{name}' is not canonical: non-zero trailing bits")
    return raw


def _str_member(jwk: Mapping[str, Any], name: str) -> str:
    if name not in jwk:
        raise _bad_jwk(f"member '{name}' is missing")
    value = jwk[name]
    if not isinstance(value, str):
        raise _bad_jwk(f"member '{name}' must be a string, not {type(value).__name__}")
    return value


def _rsa_uint(jwk: Mapping[str, Any], name: str) -> bytes:
    # PyJWT reads these with int.from_bytes, so leading zero bytes (which RFC
    # 7518 6.3 forbids) are tolerated; we strip them to give minimal bytes.
    value = _b64url_member(jwk, name).lstrip(b"\x00")
    if not value:
        raise _bad_jwk(f"RSA member '{name}' must not be zero")
    return value


def _check_rsa_public(n: bytes, e: bytes, bad: Callable[[str], InvalidKeyError]) -> None:
    """Cheap sanity checks on a public RSA key (``bad`` builds the exception)."""
    n_int, e_int = int.from_bytes(n, "big"), int.from_bytes(e, "big")
    bits = n_int.bit_length()
    if not _RSA_MIN_BITS <= bits <= _RSA_MAX_BITS:
        raise bad(f"RSA modulus 'n' is {bits} bits; must be {_RSA_MIN_BITS} to {_RSA_MAX_BITS}")
    if not n_int & 1:
        raise bad("RSA modulus 'n' must be odd")
    if e_int <= 1 or not e_int & 1:
        raise bad("RSA exponent 'e' must be odd and greater than 1")
    if e_int >= n_int:
        raise bad("RSA exponent 'e' must be smaller than the modulus 'n'")


def _rsa_jwk(jwk: Mapping[str, Any]) -> KeyMaterial:
    if "oth" in jwk:
        # Multi-prime keys (RFC 7518 6.3.2.7): PyJWT refuses them, so do we.
        raise _bad_jwk("member 'oth' (RSA with more than two primes) is not supported")
    n, e = _rsa_uint(jwk, "n"), _rsa_uint(jwk, "e")
    _check_rsa_public(n, e, _bad_jwk)
    crt_present = [name for name in _RSA_CRT if name in jwk]
    if "d" not in jwk:
        # PyJWT ignores CRT members without 'd'; a public JWK carrying prime
        # factors is malformed (and leaks a private key), so refuse it.
        if crt_present:
            raise _bad_jwk(f"RSA member '{crt_present[0]}' is present without 'd'")
        return KeyMaterial(kind="RSA", n=n, e=e)
    d = _rsa_uint(jwk, "d")
    if not crt_present:
        return KeyMaterial(kind="RSA", n=n, e=e, d=d)
    missing = [name for name in _RSA_CRT if name not in jwk]
    if missing:
        # RFC 7518 6.3.2: the CRT members come all together or not at all.
        raise _bad_jwk(f"RSA member '{missing[0]}' is missing (p, q, dp, dq, qi go together)")
    p, q, dp, dq, qi = (_rsa_uint(jwk, name) for name in _RSA_CRT)
    return KeyMaterial(kind="RSA", n=n, e=e, d=d, p=p, q=q, dp=dp, dq=dq, qi=qi)


def _curve(jwk: Mapping[str, Any], sizes: Mapping[str, int], family: str) -> str:
    crv = _str_member(jwk, "crv")
    if crv in ("X25519", "X448") and family == "OKP":
        raise _bad_jwk(f"crv {crv!r} is a key-agreement curve and cannot sign")
    if crv not in sizes:
        raise _bad_jwk(f"unsupported crv {crv!r} for kty {family} (supported: {', '.join(sizes)})")
    return crv


def _sized_member(jwk: Mapping[str, Any], name: str, size: int, crv: str) -> bytes:
    value = _b64url_member(jwk, name)
    if len(value) != size:
        raise _bad_jwk(f"member '{name}' must be {size} bytes for crv {crv}, got {len(value)}")
    return value


def _ec_jwk(jwk: Mapping[str, Any]) -> KeyMaterial:
    crv = _curve(jwk, _EC_SIZES, "EC")
    size = _EC_SIZES[crv]
    x, y = _sized_member(jwk, "x", size, crv), _sized_member(jwk, "y", size, crv)
    d = _sized_member(jwk, "d", size, crv) if "d" in jwk else None
    return KeyMaterial(kind="EC", curve=crv, x=x, y=y, d=d)


def _okp_jwk(jwk: Mapping[str, Any]) -> KeyMaterial:
    crv = _curve(jwk, _OKP_SIZES, "OKP")
    size = _OKP_SIZES[crv]
    x = _sized_member(jwk, "x", size, crv)
    d = _sized_member(jwk, "d", size, crv) if "d" in jwk else None
    return KeyMaterial(kind="OKP", curve=crv, x=x, d=d)


def _oct_jwk(jwk: Mapping[str, Any]) -> KeyMaterial:
    return KeyMaterial(kind="oct", k=_b64url_member(jwk, "k", allow_empty=True))


_JWK_PARSERS = {"RSA": _rsa_jwk, "EC": _ec_jwk, "OKP": _okp_jwk, "oct": _oct_jwk}


def jwk_key_material(jwk: Mapping[str, Any]) -> KeyMaterial:
    """Read the key material of a JWK (a parsed JSON object).

    Raises InvalidKeyError, with a message naming the member and the problem,
    for anything that is not a well-formed RSA, EC, OKP (Ed25519/Ed448) or
    oct key. Members other than the key material (``kid``, ``use``, ``alg``,
    ``x5c``, ...) are not looked at.
    """
    if not isinstance(jwk, Mapping):
        raise _bad_jwk(f"expected a mapping (a JSON object), not {type(jwk).__name__}")
    kty = _str_member(jwk, "kty")
    parser = _JWK_PARSERS.get(kty)
    if parser is None:
        raise InvalidKeyError(f"Unsupported kty: {kty!r}")
    return parser(jwk)


# --------------------------------------------------------------------------
# OpenSSH public keys: "type base64(blob) [comment]" (RFC 4253 6.6, RFC 5656
# 3.1, RFC 8709 4). ssh-ed448, although RFC 8709 defines it, is refused:
# OpenSSH does not implement it and cryptography (hence PyJWT) cannot load it.

_SSH_EC_TYPES = {
    b"ecdsa-sha2-nistp256": (b"nistp256", "P-256"),
    b"ecdsa-sha2-nistp384": (b"nistp384", "P-384"),
    b"ecdsa-sha2-nistp521": (b"nistp521", "P-521"),
}
_SSH_TYPES = (b"ssh-rsa", b"ssh-ed25519", *_SSH_EC_TYPES)
# type, blanks, base64 blob, then an optional comment and one line ending.
# No leading blanks and no options prefix (those belong to authorized_keys).
_SSH_LINE = re.compile(rb"([\x21-\x7e]+)[ \t]+([A-Za-z0-9+/=]+)(?:[ \t][^\r\n]*)?(?:\r?\n)?")


def _bad_ssh(message: str) -> InvalidKeyError:
    return InvalidKeyError(f"Invalid SSH public key: {message}")


def looks_like_ssh_public_key(data: bytes) -> bool:
    """True when ``data`` starts with a supported OpenSSH key type and a blank.

    Supported: ssh-rsa, ecdsa-sha2-nistp256/384/521, ssh-ed25519. Used to pick
    the parser; ``ssh_key_material`` still validates everything. A str is
    accepted as its UTF-8 encoding; any other type gives False.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes):
        return False
    return any(data.startswith((t + b" ", t + b"\t")) for t in _SSH_TYPES)


class _WireReader:
    """Reads RFC 4251 5 strings and mpints from a blob, refusing overruns."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._pos = 0

    def string(self, what: str) -> bytes:
        if len(self._blob) - self._pos < 4:
            raise _bad_ssh(f"truncated before the length of {what}")
        (length,) = struct.unpack_from(">I", self._blob, self._pos)
        start = self._pos + 4
        if length > len(self._blob) - start:
            raise _bad_ssh(f"length of {what} ({length}) points past the end of the key")
        self._pos = start + length
        return self._blob[start : self._pos]

    def mpint(self, what: str) -> bytes:
        """A non-negative mpint as minimal big-endian bytes."""
        value = self.string(what)
        if value and value[0] & 0x80:
            raise _bad_ssh(f"{what} is negative")
        # Strip the sign-padding zero byte (and, as OpenSSH and cryptography
        # tolerate them, any further leading zeros): the output is minimal.
        return value.lstrip(b"\x00")

    def finish(self) -> None:
        if self._pos != len(self._blob):
            raise _bad_ssh(f"{len(self._blob) - self._pos} trailing bytes after the key")


def _ssh_blob(line: bytes) -> tuple[bytes, bytes]:
    """Split and strictly decode a key line into (type, blob)."""
    match = _SSH_LINE.fullmatch(line)
    if match is None:
        raise _bad_ssh("expected 'type base64-key [comment]' on one line")
    key_type, text = match.groups()
    if key_type not in _SSH_TYPES:
        raise _bad_ssh(f"unsupported key type {key_type.decode('ascii')!r}")
    try:
        blob = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise _bad_ssh("the key is not valid base64") from None
    # b64decode accepts non-zero trailing bits and misplaced '='; only the
    # canonical encoding of the decoded bytes is a valid key line.
    if base64.b64encode(blob) != text:
        raise _bad_ssh("the key is not canonical base64")
    return key_type, blob


def ssh_key_material(data: str | bytes) -> KeyMaterial:
    """Read an OpenSSH public key line (ssh-rsa, ecdsa-sha2-nistp*, ssh-ed25519).

    The blob is parsed strictly: its inner type must equal the line's type,
    every length must stay inside the blob, EC points must be uncompressed
    with exact sizes, and no byte may follow the key. Any failure raises
    ``InvalidKeyError("Invalid SSH public key: ...")``.
    """
    if not isinstance(data, (str, bytes)):
        raise _bad_ssh(f"expected str or bytes, not {type(data).__name__}")
    # Checked before and after encoding: a huge str is refused without copying it.
    if len(data) > MAX_TEXT_LEN:
        raise _bad_ssh(f"the line is too long ({len(data)} characters, at most {MAX_TEXT_LEN})")
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_TEXT_LEN:
        raise _bad_ssh(f"the line is too long ({len(data)} bytes, at most {MAX_TEXT_LEN})")
    key_type, blob = _ssh_blob(data)
    reader = _WireReader(blob)
    # RFC 4253 6.6: the blob repeats the type; a mismatch means a spliced key.
    inner_type = reader.string("the key type")
    if inner_type != key_type:
        raise _bad_ssh("the type inside the key does not match the line's type")
    if key_type == b"ssh-rsa":
        # RFC 4253 6.6: e comes before n.
        e, n = reader.mpint("the exponent e"), reader.mpint("the modulus n")
        reader.finish()
        _check_rsa_public(n, e, _bad_ssh)
        return KeyMaterial(kind="RSA", n=n, e=e)
    if key_type == b"ssh-ed25519":
        x = reader.string("the Ed25519 key")
        reader.finish()
        if len(x) != 32:
            raise _bad_ssh(f"an Ed25519 key is 32 bytes, got {len(x)}")
        return KeyMaterial(kind="OKP", curve="Ed25519", x=x)
    ssh_curve, curve = _SSH_EC_TYPES[key_type]
    # RFC 5656 3.1: string curve identifier, string Q (SEC1 point encoding).
    if reader.string("the curve identifier") != ssh_curve:
        raise _bad_ssh("the curve identifier does not match the key type")
    point = reader.string("the EC point")
    reader.finish()
    size = _EC_SIZES[curve]
    if not point or point[0] != 0x04:
        raise _bad_ssh("the EC point must be uncompressed (0x04 || x || y)")
    if len(point) != 1 + 2 * size:
        raise _bad_ssh(f"the EC point must be {1 + 2 * size} bytes for {curve}, got {len(point)}")
    return KeyMaterial(kind="EC", curve=curve, x=point[1 : 1 + size], y=point[1 + size :])
