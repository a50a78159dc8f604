"""PyJWT 2.15's ``jwt.algorithms``: one object per JWS algorithm, with prepare_key, sign, verify and JWK conversion.

This is the object-level API that existing code reaches for
(``RSAAlgorithm.from_jwk``, ``HMACAlgorithm(HMACAlgorithm.SHA256).sign``, a
custom ``Algorithm`` subclass). Like PyJWT's, it deals in ``cryptography`` key
objects for the public-key algorithms: ``prepare_key`` and ``from_jwk`` return
them and ``to_jwk`` takes them, so those classes exist only when
``cryptography`` is installed (``has_crypto``). HMAC and ``none`` need nothing.

Where the C core can do the work it does:

- HMAC signatures and constant-time verification for HS256/HS384/HS512;
- RSA, RSA-PSS, ECDSA and EdDSA signing: each ``cryptography`` private key is
  converted once to a prepared C key (kept in ``_policy``'s signing-key cache,
  by the object's identity) and signed by ``_core.sign_raw``.

Public-key verification goes through ``cryptography``, as in PyJWT (the C
core verifies signatures inside token decoding only: Verifier and decode).
Anything the core does not support (another curve,
another hash, a message that is not ``bytes``) falls back to ``cryptography``,
so results and errors are PyJWT's.

Differences from PyJWT, all on inputs PyJWT does not handle cleanly: every
malformed key given to ``prepare_key`` or ``from_jwk`` raises
``InvalidKeyError`` (PyJWT lets some ``ValueError``, ``TypeError`` or
``KeyError`` out); HMAC secrets are refused by turbojwt's own guard
(``_hmac_guard``), which is a little wider than PyJWT's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from abc import ABC, abstractmethod
from typing import Any, ClassVar, NoReturn, Union, cast

from . import _core
from ._hmac_guard import check_hmac_secret
from ._policy import (
    EMPTY_HMAC_KEY_MESSAGE,
    PRIVATE_SIGNING_KEYS,
    PUBLIC_KEY_ALGORITHMS,
    RSA_MIN_KEY_BITS,
    hmac_weak_key_message,
    rsa_weak_key_message,
)
from .exceptions import InvalidKeyError
from .types import HashlibHash, JWKDict
from .utils import (
    base64url_decode,
    base64url_encode,
    der_to_raw_signature,
    force_bytes,
    raw_to_der_signature,
    to_base64url_uint,
)

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric.ec import (
        ECDSA,
        SECP256K1,
        SECP256R1,
        SECP384R1,
        SECP521R1,
        EllipticCurve,
        EllipticCurvePrivateKey,
        EllipticCurvePrivateNumbers,
        EllipticCurvePublicKey,
        EllipticCurvePublicNumbers,
    )
    from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey, Ed448PublicKey
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.rsa import (
        RSAPrivateKey,
        RSAPrivateNumbers,
        RSAPublicKey,
        RSAPublicNumbers,
        rsa_crt_dmp1,
        rsa_crt_dmq1,
        rsa_crt_iqmp,
        rsa_recover_prime_factors,
    )
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
        load_pem_private_key,
        load_pem_public_key,
        load_ssh_public_key,
    )

    #: RSA key objects the RSA algorithms take.
    AllowedRSAKeys = Union[RSAPrivateKey, RSAPublicKey]
    #: EC key objects ECAlgorithm takes.
    AllowedECKeys = Union[EllipticCurvePrivateKey, EllipticCurvePublicKey]
    #: EdDSA key objects OKPAlgorithm takes.
    AllowedOKPKeys = Union[Ed25519PrivateKey, Ed25519PublicKey, Ed448PrivateKey, Ed448PublicKey]
    AllowedKeys = Union[AllowedRSAKeys, AllowedECKeys, AllowedOKPKeys]
    #: ``cryptography`` private keys that can sign.
    AllowedPrivateKeys = Union[RSAPrivateKey, EllipticCurvePrivateKey, Ed25519PrivateKey, Ed448PrivateKey]
    #: ``cryptography`` public keys that can verify.
    AllowedPublicKeys = Union[RSAPublicKey, EllipticCurvePublicKey, Ed25519PublicKey, Ed448PublicKey]

    has_crypto = True
except ModuleNotFoundError:
    if sys.version_info >= (3, 11):
        from typing import Never as _Never
    else:  # pragma: no cover - Python 3.10
        _Never = NoReturn

    AllowedRSAKeys = _Never  # type: ignore[misc]
    AllowedECKeys = _Never  # type: ignore[misc]
    AllowedOKPKeys = _Never  # type: ignore[misc]
    AllowedKeys = _Never  # type: ignore[misc]
    AllowedPrivateKeys = _Never  # type: ignore[misc]
    AllowedPublicKeys = _Never  # type: ignore[misc]
    has_crypto = False

__all__ = [
    "Algorithm",
    "NoneAlgorithm",
    "HMACAlgorithm",
    "RSAAlgorithm",
    "RSAPSSAlgorithm",
    "ECAlgorithm",
    "OKPAlgorithm",
    "get_default_algorithms",
    "has_crypto",
    "requires_cryptography",
]

#: The algorithm names that need ``cryptography`` (PyJWT's set, ``ES521`` included).
requires_cryptography = set(PUBLIC_KEY_ALGORITHMS)


def get_default_algorithms() -> dict[str, Algorithm]:
    """A fresh ``{name: Algorithm}`` of every algorithm available (the public-key ones need ``cryptography``)."""
    algorithms: dict[str, Algorithm] = {
        "none": NoneAlgorithm(),
        "HS256": HMACAlgorithm(HMACAlgorithm.SHA256),
        "HS384": HMACAlgorithm(HMACAlgorithm.SHA384),
        "HS512": HMACAlgorithm(HMACAlgorithm.SHA512),
    }
    if has_crypto:
        algorithms.update(
            {
                "RS256": RSAAlgorithm(RSAAlgorithm.SHA256),
                "RS384": RSAAlgorithm(RSAAlgorithm.SHA384),
                "RS512": RSAAlgorithm(RSAAlgorithm.SHA512),
                "ES256": ECAlgorithm(ECAlgorithm.SHA256, SECP256R1),
                "ES256K": ECAlgorithm(ECAlgorithm.SHA256, SECP256K1),
                "ES384": ECAlgorithm(ECAlgorithm.SHA384, SECP384R1),
                # ES521 is PyJWT's historical name for ES512 (P-521 with SHA-512).
                "ES521": ECAlgorithm(ECAlgorithm.SHA512, SECP521R1),
                "ES512": ECAlgorithm(ECAlgorithm.SHA512, SECP521R1),
                "PS256": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA256),
                "PS384": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA384),
                "PS512": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA512),
                "EdDSA": OKPAlgorithm(),
            }
        )
    return algorithms


# --------------------------------------------------------------------------
# Signing in the C core


def _core_signing_key(key: Any) -> Any:
    """The C core's PreparedKey for a ``cryptography`` private key (prepared once,
    kept in _policy's signing-key cache), or None when the core cannot take it."""
    try:
        return PRIVATE_SIGNING_KEYS(key)
    except Exception:  # noqa: BLE001
        # Any failure (an unsupported curve, a key that refuses export) only
        # means "let cryptography sign": it then succeeds or raises the error
        # PyJWT users expect.
        return None


def _core_sign(key: Any, alg: str, msg: Any) -> bytes | None:
    """``alg``'s signature of ``msg`` by the C core, or None when the core cannot make it."""
    if type(msg) is not bytes:
        return None
    prepared = _core_signing_key(key)
    if prepared is None:
        return None
    try:
        return _core.sign_raw(prepared, alg, msg)
    except InvalidKeyError:
        # For example PS512 with a 1024-bit key: cryptography raises its own error.
        return None


# The JWS digits of the hashes the C core implements, by cryptography's hash name.
_CORE_HASH_BITS = {"sha256": "256", "sha384": "384", "sha512": "512"}


# --------------------------------------------------------------------------
# JWK helpers


def _jwk_object(jwk: str | JWKDict) -> dict[str, Any]:
    """The JWK as a dict, from JSON text or a dict; InvalidKeyError for anything else."""
    if isinstance(jwk, str):
        try:
            obj = json.loads(jwk)
        except (ValueError, RecursionError):
            raise InvalidKeyError("Key is not valid JSON") from None
    else:
        obj = jwk
    if not isinstance(obj, dict):
        raise InvalidKeyError("Key is not valid JSON")
    return obj


# Longest member decoded (as in _keyformats): a 16384-bit RSA modulus is about
# 2.7 KiB of base64url, so this bounds the work a hostile JWK can cause.
_MAX_MEMBER_LEN = 16 * 1024


def _jwk_bytes(obj: dict[str, Any], name: str) -> bytes:
    """The base64url-decoded member ``name``, or InvalidKeyError."""
    value = obj.get(name)
    if not isinstance(value, (str, bytes)):
        raise InvalidKeyError(f"Invalid JWK: member '{name}' must be a base64url string")
    if len(value) > _MAX_MEMBER_LEN:
        raise InvalidKeyError(f"Invalid JWK: member '{name}' is too long")
    try:
        return base64url_decode(value)
    except (ValueError, UnicodeError):
        raise InvalidKeyError(f"Invalid JWK: member '{name}' is not valid base64url") from None


def _jwk_uint(obj: dict[str, Any], name: str) -> int:
    return int.from_bytes(_jwk_bytes(obj, name), "big")


def _jwk_result(obj: dict[str, Any], as_dict: bool) -> dict[str, Any] | str:
    return obj if as_dict else json.dumps(obj)


# --------------------------------------------------------------------------
# The algorithms


class Algorithm(ABC):
    """The interface of a JWS algorithm: prepare a key, sign, verify, convert to and from JWK."""

    # The cryptography key classes this algorithm takes (None for HMAC and none).
    _crypto_key_types: ClassVar[tuple[type, ...] | None] = None

    def compute_hash_digest(self, bytestr: bytes) -> bytes:
        """The digest of ``bytestr`` with this algorithm's hash; NotImplementedError when it has none."""
        hash_alg = getattr(self, "hash_alg", None)
        if hash_alg is None:
            raise NotImplementedError
        if has_crypto and isinstance(hash_alg, type) and issubclass(hash_alg, hashes.HashAlgorithm):
            digest = hashes.Hash(hash_alg())
            digest.update(bytestr)
            return bytes(digest.finalize())
        return bytes(hash_alg(bytestr).digest())

    def check_crypto_key_type(self, key: Any) -> None:
        """Raise InvalidKeyError unless ``key`` is one of this algorithm's ``cryptography`` key classes.

        ValueError when cryptography is missing or the algorithm takes no
        cryptography keys (HMAC, none).
        """
        if not has_crypto or self._crypto_key_types is None:
            raise ValueError(
                "This method requires the cryptography library, and should only be used by "
                "cryptography-based algorithms."
            )
        if not isinstance(key, self._crypto_key_types):
            expected = ", ".join(cls.__name__ for cls in self._crypto_key_types)
            raise InvalidKeyError(
                f"Expected one of {expected}, got: {type(key).__name__}. "
                f"Invalid Key type for {type(self).__name__}"
            )

    @abstractmethod
    def prepare_key(self, key: Any) -> Any:
        """Validate ``key`` and return it in the form ``sign`` and ``verify`` take."""

    @abstractmethod
    def sign(self, msg: bytes, key: Any) -> bytes:
        """The signature of ``msg`` with ``key`` (as returned by ``prepare_key``)."""

    @abstractmethod
    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        """Whether ``sig`` is a valid signature of ``msg`` with ``key``."""

    @staticmethod
    @abstractmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> JWKDict | str:
        """The key as a JWK: JSON text, or a dict with ``as_dict=True``."""

    @staticmethod
    @abstractmethod
    def from_jwk(jwk: str | JWKDict) -> Any:
        """The key of a JWK (JSON text or a dict)."""

    def check_key_length(self, key: Any) -> str | None:
        """A warning message when ``key`` is below the recommended size for this algorithm, else None."""
        return None


class NoneAlgorithm(Algorithm):
    """``alg: none``: no key, an empty signature, and nothing ever verifies."""

    def prepare_key(self, key: str | None) -> None:
        if key == "":
            key = None
        if key is not None:
            raise InvalidKeyError('When alg = "none", key value must be None.')
        return key

    def sign(self, msg: bytes, key: None) -> bytes:
        return b""

    def verify(self, msg: bytes, key: None, sig: bytes) -> bool:
        return False

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> NoReturn:
        raise NotImplementedError()

    @staticmethod
    def from_jwk(jwk: str | JWKDict) -> NoReturn:
        raise NotImplementedError()


def _is_der_key(data: bytes) -> bool:
    """Is ``data`` a DER public key, private key or certificate (OpenSSL's answer, through the core)?"""
    return _core._is_der_key(bytes(data))


class HMACAlgorithm(Algorithm):
    """HMAC with SHA-256, SHA-384 or SHA-512 (HS256, HS384, HS512); the C core computes the standard three."""

    SHA256: ClassVar[HashlibHash] = hashlib.sha256
    SHA384: ClassVar[HashlibHash] = hashlib.sha384
    SHA512: ClassVar[HashlibHash] = hashlib.sha512

    def __init__(self, hash_alg: HashlibHash) -> None:
        self.hash_alg = hash_alg

    def _core_alg(self) -> str | None:
        """The JWS name the C core computes this HMAC as, or None for another hash."""
        hash_alg = self.hash_alg
        if hash_alg is hashlib.sha256:
            return "HS256"
        if hash_alg is hashlib.sha384:
            return "HS384"
        if hash_alg is hashlib.sha512:
            return "HS512"
        return None

    def prepare_key(self, key: str | bytes) -> bytes:
        """The secret as bytes; InvalidKeyError when it is empty or is really key material.

        Algorithm confusion (CVE-2022-29217): a PEM, SSH, DER or JWK key used as
        an HMAC secret lets anyone holding the public key forge tokens, so such
        secrets are refused (turbojwt's guard, shared with decode).
        """
        key_bytes = force_bytes(key)
        check_hmac_secret(key_bytes, _is_der_key)
        return key_bytes

    @staticmethod
    def to_jwk(key_obj: str | bytes, as_dict: bool = False) -> JWKDict | str:
        return _jwk_result({"k": base64url_encode(force_bytes(key_obj)).decode(), "kty": "oct"}, as_dict)

    @staticmethod
    def from_jwk(jwk: str | JWKDict) -> bytes:
        obj = _jwk_object(jwk)
        if obj.get("kty") != "oct":
            raise InvalidKeyError("Not an HMAC key")
        if "k" not in obj:
            raise InvalidKeyError("Invalid JWK: member 'k' is missing")
        key_bytes = _jwk_bytes(obj, "k")
        if not key_bytes:
            raise InvalidKeyError(EMPTY_HMAC_KEY_MESSAGE)
        return key_bytes

    def check_key_length(self, key: bytes) -> str | None:
        hash_obj = self.hash_alg()
        return hmac_weak_key_message(len(key), hash_obj.digest_size, hash_obj.name.upper())

    def sign(self, msg: bytes, key: bytes) -> bytes:
        alg = self._core_alg()
        if alg is not None and type(msg) is bytes and type(key) is bytes:
            return _core.hmac_digest(key, alg, msg)
        return hmac.new(key, msg, self.hash_alg).digest()

    def verify(self, msg: bytes, key: bytes, sig: bytes) -> bool:
        alg = self._core_alg()
        if alg is not None and type(msg) is bytes and type(key) is bytes and type(sig) is bytes:
            # The core compares tags in constant time (CRYPTO_memcmp).
            return _core.hmac_verify(key, alg, msg, sig)
        return hmac.compare_digest(sig, self.sign(msg, key))


if has_crypto:

    def _load_key_text(key_bytes: bytes, ssh_prefix: bytes, failure: str) -> Any:
        """A cryptography key from PEM (public or private) or an OpenSSH public key line."""
        if key_bytes.startswith(ssh_prefix):
            try:
                return load_ssh_public_key(key_bytes)
            except (ValueError, UnsupportedAlgorithm):
                raise InvalidKeyError(failure) from None
        try:
            return load_pem_public_key(key_bytes)
        except (ValueError, UnsupportedAlgorithm):
            pass
        try:
            return load_pem_private_key(key_bytes, password=None)
        except TypeError:
            raise InvalidKeyError(
                "The private key is encrypted: decrypt it first (for example with cryptography's "
                "load_pem_private_key(data, password)) and pass the key object"
            ) from None
        except (ValueError, UnsupportedAlgorithm):
            raise InvalidKeyError(failure) from None

    class RSAAlgorithm(Algorithm):
        """RSASSA-PKCS1-v1_5 with SHA-256, SHA-384 or SHA-512 (RS256, RS384, RS512)."""

        SHA256: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA256
        SHA384: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA384
        SHA512: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA512

        _crypto_key_types = (RSAPrivateKey, RSAPublicKey)
        _MIN_KEY_SIZE: ClassVar[int] = RSA_MIN_KEY_BITS
        _JWS_PREFIX: ClassVar[str] = "RS"

        def __init__(self, hash_alg: type[hashes.HashAlgorithm]) -> None:
            self.hash_alg = hash_alg

        def _padding(self) -> Any:
            return padding.PKCS1v15()

        def check_key_length(self, key: AllowedRSAKeys) -> str | None:
            return rsa_weak_key_message(key.key_size)

        def prepare_key(self, key: AllowedRSAKeys | str | bytes) -> AllowedRSAKeys:
            """A cryptography RSA key from a key object, PEM (public or private) or an ``ssh-rsa`` line."""
            if isinstance(key, self._crypto_key_types):
                return key
            if not isinstance(key, (bytes, str)):
                raise TypeError("Expecting a PEM-formatted key.")
            loaded: AllowedRSAKeys = _load_key_text(
                force_bytes(key), b"ssh-rsa", "Could not parse the provided public key.")
            self.check_crypto_key_type(loaded)
            return loaded

        @staticmethod
        def to_jwk(key_obj: AllowedRSAKeys, as_dict: bool = False) -> JWKDict | str:
            if isinstance(key_obj, RSAPrivateKey):
                numbers = key_obj.private_numbers()
                obj = {
                    "kty": "RSA",
                    "key_ops": ["sign"],
                    "n": to_base64url_uint(numbers.public_numbers.n).decode(),
                    "e": to_base64url_uint(numbers.public_numbers.e).decode(),
                    "d": to_base64url_uint(numbers.d).decode(),
                    "p": to_base64url_uint(numbers.p).decode(),
                    "q": to_base64url_uint(numbers.q).decode(),
                    "dp": to_base64url_uint(numbers.dmp1).decode(),
                    "dq": to_base64url_uint(numbers.dmq1).decode(),
                    "qi": to_base64url_uint(numbers.iqmp).decode(),
                }
            elif isinstance(key_obj, RSAPublicKey):
                public = key_obj.public_numbers()
                obj = {
                    "kty": "RSA",
                    "key_ops": ["verify"],
                    "n": to_base64url_uint(public.n).decode(),
                    "e": to_base64url_uint(public.e).decode(),
                }
            else:
                raise InvalidKeyError("Not a public or private key")
            return _jwk_result(obj, as_dict)

        @staticmethod
        def from_jwk(jwk: str | JWKDict) -> AllowedRSAKeys:
            obj = _jwk_object(jwk)
            if obj.get("kty") != "RSA":
                raise InvalidKeyError("Not an RSA key")
            if "n" not in obj or "e" not in obj:
                raise InvalidKeyError("Not a public or private key")
            public = RSAPublicNumbers(_jwk_uint(obj, "e"), _jwk_uint(obj, "n"))
            if "d" not in obj:
                try:
                    return public.public_key()
                except ValueError as exc:
                    raise InvalidKeyError(f"Invalid RSA public key: {exc}") from None
            if "oth" in obj:
                raise InvalidKeyError("Unsupported RSA private key: > 2 primes not supported")
            crt_names = ("p", "q", "dp", "dq", "qi")
            present = [name in obj for name in crt_names]
            if any(present) and not all(present):
                raise InvalidKeyError("RSA key must include all parameters if any are present besides d")
            d = _jwk_uint(obj, "d")
            try:
                if all(present):
                    p, q, dp, dq, qi = (_jwk_uint(obj, name) for name in crt_names)
                else:
                    # RFC 7518 6.3.2: the CRT members are optional; recover them from d.
                    p, q = rsa_recover_prime_factors(public.n, public.e, d)
                    dp, dq, qi = rsa_crt_dmp1(d, p), rsa_crt_dmq1(d, q), rsa_crt_iqmp(p, q)
                numbers = RSAPrivateNumbers(p=p, q=q, d=d, dmp1=dp, dmq1=dq, iqmp=qi, public_numbers=public)
                return numbers.private_key()
            except ValueError as exc:
                raise InvalidKeyError(f"Invalid RSA private key: {exc}") from None

        def sign(self, msg: bytes, key: RSAPrivateKey) -> bytes:
            bits = _CORE_HASH_BITS.get(getattr(self.hash_alg, "name", ""))
            if bits is not None and isinstance(key, RSAPrivateKey):
                signature = _core_sign(key, self._JWS_PREFIX + bits, msg)
                if signature is not None:
                    return signature
            return key.sign(msg, self._padding(), self.hash_alg())

        def verify(self, msg: bytes, key: AllowedRSAKeys, sig: bytes) -> bool:
            public = key.public_key() if isinstance(key, RSAPrivateKey) else key
            try:
                public.verify(sig, msg, self._padding(), self.hash_alg())
            except InvalidSignature:
                return False
            return True

    class RSAPSSAlgorithm(RSAAlgorithm):
        """RSASSA-PSS with MGF1 and a salt as long as the hash (PS256, PS384, PS512)."""

        _JWS_PREFIX: ClassVar[str] = "PS"

        def _padding(self) -> Any:
            return padding.PSS(mgf=padding.MGF1(self.hash_alg()), salt_length=self.hash_alg().digest_size)

    # JWK "crv" <-> cryptography curve, and the coordinate size in bytes.
    _EC_CURVES: dict[str, tuple[type[EllipticCurve], int]] = {
        "P-256": (SECP256R1, 32),
        "P-384": (SECP384R1, 48),
        "P-521": (SECP521R1, 66),
        "secp256k1": (SECP256K1, 32),
    }
    _JWK_CURVE_NAMES = {curve().name: crv for crv, (curve, _size) in _EC_CURVES.items()}
    # (curve, hash) -> the JWS algorithm the C core signs as.
    _EC_CORE_ALGS = {
        ("secp256r1", "sha256"): "ES256",
        ("secp384r1", "sha384"): "ES384",
        ("secp521r1", "sha512"): "ES512",
        ("secp256k1", "sha256"): "ES256K",
    }

    class ECAlgorithm(Algorithm):
        """ECDSA with a JWS ``r || s`` signature (ES256, ES256K, ES384, ES512).

        With ``expected_curve`` (as the default algorithms have), ``prepare_key``
        refuses keys on any other curve (RFC 7518 3.4).
        """

        SHA256: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA256
        SHA384: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA384
        SHA512: ClassVar[type[hashes.HashAlgorithm]] = hashes.SHA512

        _crypto_key_types = (EllipticCurvePrivateKey, EllipticCurvePublicKey)

        def __init__(
            self,
            hash_alg: type[hashes.HashAlgorithm],
            expected_curve: type[EllipticCurve] | None = None,
        ) -> None:
            self.hash_alg = hash_alg
            self.expected_curve = expected_curve

        def _validate_curve(self, key: AllowedECKeys) -> None:
            if self.expected_curve is not None and not isinstance(key.curve, self.expected_curve):
                raise InvalidKeyError(
                    f"The key's curve '{key.curve.name}' does not match the expected "
                    f"curve '{self.expected_curve.name}' for this algorithm"
                )

        def prepare_key(self, key: AllowedECKeys | str | bytes) -> AllowedECKeys:
            """A cryptography EC key from a key object, PEM (public or private) or an ``ecdsa-sha2-*`` line."""
            if isinstance(key, self._crypto_key_types):
                self._validate_curve(key)
                return key
            if not isinstance(key, (bytes, str)):
                raise TypeError("Expecting a PEM-formatted key.")
            loaded: AllowedECKeys = _load_key_text(
                force_bytes(key), b"ecdsa-sha2-", "Could not parse the provided EC key.")
            self.check_crypto_key_type(loaded)
            self._validate_curve(loaded)
            return loaded

        def sign(self, msg: bytes, key: EllipticCurvePrivateKey) -> bytes:
            if isinstance(key, EllipticCurvePrivateKey):
                alg = _EC_CORE_ALGS.get((key.curve.name, getattr(self.hash_alg, "name", "")))
                if alg is not None:
                    signature = _core_sign(key, alg, msg)
                    if signature is not None:
                        return signature
            return der_to_raw_signature(key.sign(msg, ECDSA(self.hash_alg())), key.curve)

        def verify(self, msg: bytes, key: AllowedECKeys, sig: bytes) -> bool:
            try:
                der_sig = raw_to_der_signature(sig, key.curve)
            except ValueError:
                return False
            public = key.public_key() if isinstance(key, EllipticCurvePrivateKey) else key
            try:
                public.verify(der_sig, msg, ECDSA(self.hash_alg()))
            except InvalidSignature:
                return False
            return True

        @staticmethod
        def to_jwk(key_obj: AllowedECKeys, as_dict: bool = False) -> JWKDict | str:
            if isinstance(key_obj, EllipticCurvePrivateKey):
                public = key_obj.public_key().public_numbers()
            elif isinstance(key_obj, EllipticCurvePublicKey):
                public = key_obj.public_numbers()
            else:
                raise InvalidKeyError("Not a public or private key")
            crv = _JWK_CURVE_NAMES.get(key_obj.curve.name)
            if crv is None:
                raise InvalidKeyError(f"Invalid curve: {key_obj.curve.name}")
            bits = key_obj.curve.key_size
            obj = {
                "kty": "EC",
                "crv": crv,
                "x": to_base64url_uint(public.x, bit_length=bits).decode(),
                "y": to_base64url_uint(public.y, bit_length=bits).decode(),
            }
            if isinstance(key_obj, EllipticCurvePrivateKey):
                obj["d"] = to_base64url_uint(key_obj.private_numbers().private_value, bit_length=bits).decode()
            return _jwk_result(obj, as_dict)

        @staticmethod
        def from_jwk(jwk: str | JWKDict) -> AllowedECKeys:
            obj = _jwk_object(jwk)
            if obj.get("kty") != "EC" or "x" not in obj or "y" not in obj:
                raise InvalidKeyError("Not an Elliptic curve key")
            x, y = _jwk_bytes(obj, "x"), _jwk_bytes(obj, "y")
            crv = obj.get("crv")
            spec = _EC_CURVES.get(crv) if isinstance(crv, str) else None
            if spec is None:
                raise InvalidKeyError(f"Invalid curve: {crv}")
            curve, size = spec
            # RFC 7518 6.2.1.2: coordinates are exactly the curve's size.
            if len(x) != size or len(y) != size:
                raise InvalidKeyError(f"Coords should be {size} bytes for curve {crv}")
            public_numbers = EllipticCurvePublicNumbers(
                x=int.from_bytes(x, "big"), y=int.from_bytes(y, "big"), curve=curve()
            )
            try:
                if "d" not in obj:
                    return public_numbers.public_key()
                d = _jwk_bytes(obj, "d")
                if len(d) != size:
                    raise InvalidKeyError(f"D should be {size} bytes for curve {crv}")
                return EllipticCurvePrivateNumbers(int.from_bytes(d, "big"), public_numbers).private_key()
            except ValueError as exc:
                raise InvalidKeyError(f"Invalid EC key: {exc}") from None

    class OKPAlgorithm(Algorithm):
        """EdDSA with Ed25519 or Ed448 keys (``EdDSA``)."""

        _crypto_key_types = (Ed25519PrivateKey, Ed25519PublicKey, Ed448PrivateKey, Ed448PublicKey)

        def __init__(self, **kwargs: Any) -> None:
            pass

        def prepare_key(self, key: AllowedOKPKeys | str | bytes) -> AllowedOKPKeys:
            """A cryptography EdDSA key from a key object, PEM (public or private) or an ``ssh-ed25519`` line."""
            if not isinstance(key, (str, bytes)):
                self.check_crypto_key_type(key)
                return key
            key_bytes = force_bytes(key)
            loaded: object  # any key type until check_crypto_key_type below
            try:
                if b"-----BEGIN PUBLIC" in key_bytes:
                    loaded = load_pem_public_key(key_bytes)
                elif b"-----BEGIN PRIVATE" in key_bytes:
                    loaded = load_pem_private_key(key_bytes, password=None)
                elif key_bytes[:4] == b"ssh-":
                    loaded = load_ssh_public_key(key_bytes)
                else:
                    raise InvalidKeyError("Not a public or private key")
            except (ValueError, TypeError, UnsupportedAlgorithm):
                raise InvalidKeyError("Could not parse the provided EdDSA key.") from None
            self.check_crypto_key_type(loaded)
            return cast("AllowedOKPKeys", loaded)

        def sign(self, msg: str | bytes, key: Ed25519PrivateKey | Ed448PrivateKey) -> bytes:
            msg_bytes = msg.encode("utf-8") if isinstance(msg, str) else msg
            if isinstance(key, (Ed25519PrivateKey, Ed448PrivateKey)):
                signature = _core_sign(key, "EdDSA", msg_bytes)
                if signature is not None:
                    return signature
            return key.sign(msg_bytes)

        def verify(self, msg: str | bytes, key: AllowedOKPKeys, sig: str | bytes) -> bool:
            msg_bytes = msg.encode("utf-8") if isinstance(msg, str) else msg
            sig_bytes = sig.encode("utf-8") if isinstance(sig, str) else sig
            public = key.public_key() if isinstance(key, (Ed25519PrivateKey, Ed448PrivateKey)) else key
            try:
                public.verify(sig_bytes, msg_bytes)
            except InvalidSignature:
                return False
            return True

        @staticmethod
        def to_jwk(key: AllowedOKPKeys, as_dict: bool = False) -> JWKDict | str:
            if isinstance(key, (Ed25519PublicKey, Ed448PublicKey)):
                x = key.public_bytes(encoding=Encoding.Raw, format=PublicFormat.Raw)
                crv = "Ed25519" if isinstance(key, Ed25519PublicKey) else "Ed448"
                obj = {"x": base64url_encode(x).decode(), "kty": "OKP", "crv": crv}
            elif isinstance(key, (Ed25519PrivateKey, Ed448PrivateKey)):
                d = key.private_bytes(
                    encoding=Encoding.Raw, format=PrivateFormat.Raw, encryption_algorithm=NoEncryption()
                )
                x = key.public_key().public_bytes(encoding=Encoding.Raw, format=PublicFormat.Raw)
                crv = "Ed25519" if isinstance(key, Ed25519PrivateKey) else "Ed448"
                obj = {"x": base64url_encode(x).decode(), "d": base64url_encode(d).decode(), "kty": "OKP", "crv": crv}
            else:
                raise InvalidKeyError("Not a public or private key")
            return _jwk_result(obj, as_dict)

        @staticmethod
        def from_jwk(jwk: str | JWKDict) -> AllowedOKPKeys:
            obj = _jwk_object(jwk)
            if obj.get("kty") != "OKP":
                raise InvalidKeyError("Not an Octet Key Pair")
            crv = obj.get("crv")
            if crv not in ("Ed25519", "Ed448"):
                raise InvalidKeyError(f"Invalid curve: {crv}")
            if "x" not in obj:
                raise InvalidKeyError('OKP should have "x" parameter')
            x = _jwk_bytes(obj, "x")
            public_class, private_class = (
                (Ed25519PublicKey, Ed25519PrivateKey) if crv == "Ed25519" else (Ed448PublicKey, Ed448PrivateKey)
            )
            try:
                if "d" not in obj:
                    return public_class.from_public_bytes(x)
                private_key = private_class.from_private_bytes(_jwk_bytes(obj, "d"))
            except ValueError as exc:
                raise InvalidKeyError("Invalid key parameter") from exc
            # The public half must be the one the private key derives (RFC 8037 2).
            if private_key.public_key().public_bytes(encoding=Encoding.Raw, format=PublicFormat.Raw) != x:
                raise InvalidKeyError("Public key does not match private key")
            return private_key
