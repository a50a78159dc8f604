"""turbojwt's algorithm policy, in one place: which algorithm names exist, the key
family each needs, the minimum key lengths, the weak-key message and the cache
of prepared signing keys.

Everything else reads it: the binding (allow-lists, key-length checks, encode's
hot path), ``_encode``, ``algorithms``, ``api_jwk`` and the CLI. The C core has
its own table of names and families (csrc/algs.c); tests/unit/test_policy.py proves
that the two agree. A change of policy is one edit here (and, for a new
algorithm, one in csrc/algs.c, which that test then demands).

This module imports nothing of turbojwt's, so any module (the binding
included) may import it at load time without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

__all__ = [
    "ALGORITHM_ALIASES",
    "EMPTY_HMAC_KEY_MESSAGE",
    "FAMILIES",
    "HMAC_ALGORITHMS",
    "HMAC_MIN_KEY_BYTES",
    "PUBLIC_KEY_ALGORITHMS",
    "RSA_MIN_KEY_BITS",
    "SIGNING_ALGORITHMS",
    "SUPPORTED_ALGORITHMS",
    "SigningKeyCache",
    "HMAC_SIGNING_KEYS",
    "PRIVATE_SIGNING_KEYS",
    "signing_keys",
    "family",
    "hmac_weak_key_message",
    "rsa_weak_key_message",
    "weak_key_message",
]

# ---------------------------------------------------------------- names and families

#: Key family of each algorithm the C core implements, by its canonical JWS name
#: (RFC 7518, RFC 8037): "HMAC", "RSA" (RS* and PS*), "EC" (ES*, each bound to
#: one curve), "OKP" (EdDSA: Ed25519 or Ed448). "none" has no family.
FAMILIES: Final[dict[str, str]] = {
    "HS256": "HMAC", "HS384": "HMAC", "HS512": "HMAC",
    "RS256": "RSA", "RS384": "RSA", "RS512": "RSA",
    "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
    "ES256": "EC", "ES384": "EC", "ES512": "EC", "ES256K": "EC",
    "EdDSA": "OKP",
}

#: Other names the core takes for one of the above. ES521 is PyJWT's historical
#: name for ES512 (P-521 with SHA-512), still in its default registry.
ALGORITHM_ALIASES: Final[dict[str, str]] = {"ES521": "ES512"}

#: The canonical names turbojwt verifies and signs ("none" is never one of them).
SUPPORTED_ALGORITHMS: Final[tuple[str, ...]] = tuple(FAMILIES)

#: Every name turbojwt signs and verifies with a key: the canonical ones and the aliases.
SIGNING_ALGORITHMS: Final[tuple[str, ...]] = SUPPORTED_ALGORITHMS + tuple(ALGORITHM_ALIASES)

#: The HMAC algorithms.
HMAC_ALGORITHMS: Final[tuple[str, ...]] = tuple(n for n in SIGNING_ALGORITHMS if FAMILIES.get(n) == "HMAC")

#: The public-key algorithms (aliases included): PyJWT's ``requires_cryptography``.
PUBLIC_KEY_ALGORITHMS: Final[frozenset[str]] = frozenset(
    n for n in SIGNING_ALGORITHMS if n not in HMAC_ALGORITHMS)


def family(name: str) -> str | None:
    """The key family of an algorithm name (an alias too), or None for "none" and unknown names."""
    return FAMILIES.get(ALGORITHM_ALIASES.get(name, name))


# ---------------------------------------------------------------- key lengths

#: PyJWT's minimum HMAC secret length, in bytes: the hash's output size (RFC 7518 3.2).
HMAC_MIN_KEY_BYTES: Final[dict[str, int]] = {"HS256": 32, "HS384": 48, "HS512": 64}

#: PyJWT's refusal of an empty HMAC secret (prepare_hmac_key, HMACAlgorithm.from_jwk).
EMPTY_HMAC_KEY_MESSAGE: Final[str] = "HMAC key must not be empty."

#: The smallest RSA modulus, in bits, used without a warning (NIST SP 800-131A).
RSA_MIN_KEY_BITS: Final[int] = 2048


def hmac_weak_key_message(size: int, minimum: int, hash_name: str) -> str | None:
    """The InsecureKeyLengthWarning text for an HMAC secret of ``size`` bytes, or None when long enough."""
    if size >= minimum:
        return None
    return (f"The HMAC key is {size} bytes long, which is below the minimum recommended "
            f"length of {minimum} bytes for {hash_name}. See RFC 7518 Section 3.2.")


def rsa_weak_key_message(bits: int) -> str | None:
    """The InsecureKeyLengthWarning text for an RSA key of ``bits`` bits, or None when large enough."""
    if bits >= RSA_MIN_KEY_BITS:
        return None
    return (f"The RSA key is {bits} bits long, which is below the minimum "
            f"recommended size of {RSA_MIN_KEY_BITS} bits. See NIST SP 800-131A.")


def weak_key_message(algorithm: str, key_family: str, size: int) -> str | None:
    """The warning text when a key of ``key_family`` and ``size`` (HMAC: bytes; RSA:
    bits) is below the recommended length for ``algorithm``, else None."""
    minimum = HMAC_MIN_KEY_BYTES.get(algorithm)
    if minimum is not None:
        return hmac_weak_key_message(size, minimum, f"SHA{minimum * 8}")
    if key_family == "RSA":
        return rsa_weak_key_message(size)
    return None


# ---------------------------------------------------------------- prepared signing keys

class SigningKeyCache:
    """Keys prepared once for signing, by the key given: str and bytes keys by
    value (apart, so a str never matches bytes), other objects (``cryptography``
    keys: immutable, but neither hashable nor weak-referenceable) by ``id`` with
    the object held, so that its id cannot be reused while the entry lives.

    Bounded: the oldest entry goes first. Threads may race on an eviction;
    losing that race is harmless (an entry prepared twice). The dicts are never
    replaced, so the binding's hot path may hold them and look keys up itself.
    """

    def __init__(self, prepare: Callable[[Any], Any], capacity: int = 64) -> None:
        self.prepare = prepare
        self.capacity = capacity
        self.by_str: dict[str, Any] = {}
        self.by_bytes: dict[bytes, Any] = {}
        self.by_id: dict[int, tuple[Any, Any]] = {}     # id -> (prepared, the key object)

    def get(self, key: Any) -> Any:
        """The prepared key remembered for ``key``, or None."""
        tk = type(key)
        if tk is str:
            return self.by_str.get(key)
        if tk is bytes:
            return self.by_bytes.get(key)
        hit = self.by_id.get(id(key))
        return hit[0] if hit is not None and hit[1] is key else None

    def put(self, key: Any, prepared: Any) -> None:
        """Remember ``prepared`` for ``key`` (only str, bytes and ``cryptography`` key objects are kept)."""
        tk = type(key)
        per: dict[Any, Any]
        slot: Any = key
        value: Any = prepared
        if tk is str:
            per = self.by_str
        elif tk is bytes:
            per = self.by_bytes
        elif tk.__module__.startswith("cryptography."):
            per, slot, value = self.by_id, id(key), (prepared, key)
        else:
            return
        if len(per) >= self.capacity:
            try:
                oldest: Any = next(iter(per))
                per.pop(oldest)
            except (KeyError, RuntimeError, StopIteration):   # another thread changed it: harmless
                pass
        per[slot] = value

    def __call__(self, key: Any) -> Any:
        """The prepared key for ``key``: remembered, or prepared now (raising what ``prepare`` raises)."""
        found = self.get(key)
        if found is None:
            found = self.prepare(key)
            self.put(key, found)
        return found

    def clear(self) -> None:
        """Forget every prepared key."""
        self.by_str.clear()
        self.by_bytes.clear()
        self.by_id.clear()


def _not_bound(key: Any) -> Any:
    raise RuntimeError("turbojwt._core has not given _policy its key preparers")


# The binding gives each cache its preparer when it is imported (this module
# imports nothing of turbojwt's): prepare_hmac_key and prepare_private_key.
#: HMAC secrets prepared for signing (HS*): encode's hot path, ``_encode`` and ``algorithms``.
HMAC_SIGNING_KEYS: Final = SigningKeyCache(_not_bound)
#: Private keys prepared for signing (RS*, PS*, ES*, EdDSA).
PRIVATE_SIGNING_KEYS: Final = SigningKeyCache(_not_bound)


def signing_keys(algorithm: str) -> SigningKeyCache:
    """The cache that holds keys prepared for signing with ``algorithm``."""
    return HMAC_SIGNING_KEYS if algorithm in HMAC_MIN_KEY_BYTES else PRIVATE_SIGNING_KEYS
