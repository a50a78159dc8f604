"""Example-only signing keys and signatures in pure Python (standard library only).

make_examples.py signs the RS256 and ES256 tokens of examples/tokens.log with
these helpers, so that the example data needs nothing but the standard library
and comes out the same, byte for byte, on every run:

- RSA keys are generated from a seeded ``random.Random`` (Miller-Rabin primes),
  and RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 8017 8.2) is deterministic.
- P-256 keys are a seeded scalar, and ES256 uses the deterministic nonce of
  RFC 6979 (HMAC-SHA256), so the signatures do not change between runs either.

EXAMPLE ONLY. Anyone can rebuild these private keys from the seed in
make_examples.py: they protect nothing and must never sign a real token. The
arithmetic is plain Python integers, neither constant-time nor fast.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import random
from dataclasses import dataclass

__all__ = ["RSAKey", "ECKey", "b64url", "rsa_key", "ec_key"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(value: int, size: int | None = None) -> bytes:
    size = size if size is not None else max(1, (value.bit_length() + 7) // 8)
    return value.to_bytes(size, "big")


# ------------------------------------------------------------------ RSA

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % q for q in range(2, math.isqrt(p) + 1))]


def _probable_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    """Miller-Rabin with ``rounds`` random bases (after trial division by small primes)."""
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int, e: int) -> int:
    while True:
        # The top two bits set: the product of two such primes has exactly 2*bits bits.
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if math.gcd(candidate - 1, e) == 1 and _probable_prime(candidate, rng):
            return candidate


# DigestInfo prefix of SHA-256 (RFC 8017 9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


@dataclass(frozen=True)
class RSAKey:
    """An RSA private key (CRT form) that signs RS256."""
    n: int
    e: int
    d: int
    p: int
    q: int

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    def sign_rs256(self, message: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 with SHA-256 (deterministic)."""
        t = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        em = b"\x00\x01" + b"\xff" * (self.size - len(t) - 3) + b"\x00" + t
        m = int.from_bytes(em, "big")
        # CRT: two half-size exponentiations instead of one full-size one.
        s1 = pow(m, self.d % (self.p - 1), self.p)
        s2 = pow(m, self.d % (self.q - 1), self.q)
        h = (pow(self.q, -1, self.p) * (s1 - s2)) % self.p
        s = s2 + h * self.q
        assert pow(s, self.e, self.n) == m
        return _uint(s, self.size)

    def public_jwk(self, kid: str) -> dict:
        return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                "n": b64url(_uint(self.n)), "e": b64url(_uint(self.e))}


def rsa_key(rng: random.Random, bits: int = 2048, e: int = 65537) -> RSAKey:
    """A ``bits``-bit RSA key from ``rng`` (the same rng state gives the same key)."""
    while True:
        p = _prime(rng, bits // 2, e)
        q = _prime(rng, bits // 2, e)
        if p == q:
            continue
        lam = math.lcm(p - 1, q - 1)
        return RSAKey(n=p * q, e=e, d=pow(e, -1, lam), p=max(p, q), q=min(p, q))


# ------------------------------------------------------------------ P-256

_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_A = _P - 3
_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
      0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def _jacobian_double(pt: tuple[int, int, int]) -> tuple[int, int, int]:
    x, y, z = pt
    if y == 0 or z == 0:
        return (0, 1, 0)
    ysq = y * y % _P
    s = 4 * x * ysq % _P
    zsq = z * z % _P
    m = 3 * (x - zsq) * (x + zsq) % _P          # a = -3
    nx = (m * m - 2 * s) % _P
    ny = (m * (s - nx) - 8 * ysq * ysq) % _P
    nz = 2 * y * z % _P
    return (nx, ny, nz)


def _jacobian_add(p1: tuple[int, int, int], p2: tuple[int, int, int]) -> tuple[int, int, int]:
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == 0:
        return p2
    if z2 == 0:
        return p1
    z1sq, z2sq = z1 * z1 % _P, z2 * z2 % _P
    u1, u2 = x1 * z2sq % _P, x2 * z1sq % _P
    s1, s2 = y1 * z2sq * z2 % _P, y2 * z1sq * z1 % _P
    if u1 == u2:
        return _jacobian_double(p1) if s1 == s2 else (0, 1, 0)
    h, r = (u2 - u1) % _P, (s2 - s1) % _P
    hsq = h * h % _P
    hcu = hsq * h % _P
    nx = (r * r - hcu - 2 * u1 * hsq) % _P
    ny = (r * (u1 * hsq - nx) - s1 * hcu) % _P
    nz = h * z1 * z2 % _P
    return (nx, ny, nz)


def _multiply_g(k: int) -> tuple[int, int]:
    """k * G in affine coordinates (double and add; not constant-time: example keys only)."""
    result = (0, 1, 0)
    addend = (_G[0], _G[1], 1)
    while k:
        if k & 1:
            result = _jacobian_add(result, addend)
        addend = _jacobian_double(addend)
        k >>= 1
    x, y, z = result
    zinv = pow(z, -1, _P)
    return (x * zinv * zinv % _P, y * zinv * zinv * zinv % _P)


def _rfc6979_nonce(d: int, digest: bytes) -> int:
    """The deterministic ECDSA nonce of RFC 6979 3.2 for P-256 and SHA-256."""
    x = _uint(d, 32)
    h = _uint(int.from_bytes(digest, "big") % _N, 32)
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        nonce = int.from_bytes(v, "big")
        if 1 <= nonce < _N:
            return nonce
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


@dataclass(frozen=True)
class ECKey:
    """A P-256 private key that signs ES256."""
    d: int

    @property
    def public_point(self) -> tuple[int, int]:
        return _multiply_g(self.d)

    def sign_es256(self, message: bytes) -> bytes:
        """ECDSA P-256 with SHA-256 and the RFC 6979 nonce, as JWS wants it: r || s, 32 bytes each."""
        digest = hashlib.sha256(message).digest()
        k = _rfc6979_nonce(self.d, digest)
        r = _multiply_g(k)[0] % _N
        s = pow(k, -1, _N) * (int.from_bytes(digest, "big") + r * self.d) % _N
        assert r and s, "r or s is zero (probability about 2**-256)"
        return _uint(r, 32) + _uint(s, 32)

    def public_jwk(self, kid: str) -> dict:
        x, y = self.public_point
        return {"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
                "x": b64url(_uint(x, 32)), "y": b64url(_uint(y, 32))}


def ec_key(rng: random.Random) -> ECKey:
    """A P-256 key from ``rng``."""
    return ECKey(d=rng.randrange(1, _N))
