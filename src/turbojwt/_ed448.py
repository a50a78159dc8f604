"""Ed448 through the ``cryptography`` package, for builds whose crypto backend has none (aws-lc).

aws-lc implements Ed25519 but not Ed448. Rather than drop Ed448 from those
builds, the C core delegates an Ed448 key's two operations (verify, sign) to
``cryptography``'s Ed448 objects (binding: _ed448.pxi; core: tj_pkey_from_delegate
in csrc/pkey.h). The key is loaded here once, when it is prepared; each token
then costs one ``Ed448PublicKey.verify`` call. The core keeps its own checks
(the signature is exactly 114 bytes, the key serves EdDSA only).

Without ``cryptography`` an Ed448 key is refused with an InvalidKeyError that
says what to install. In an OpenSSL build this module is never used: OpenSSL
has Ed448 and the core uses it directly.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Optional, Tuple

from .exceptions import InvalidKeyError

# id-Ed448 (RFC 8410 3): the OID's DER encoding, as it appears in every Ed448
# SubjectPublicKeyInfo, PKCS#8 PrivateKeyInfo and certificate.
_ED448_OID = bytes.fromhex("06032b6571")
_PEM_BODY = re.compile(rb"-----BEGIN [A-Z0-9 ]+-----\s*(.*?)\s*-----END", re.S)

MISSING = ("Ed448 keys need the 'cryptography' package in this build of turbojwt "
           "(its crypto backend, {backend}, has no Ed448): pip install cryptography")

Keys = Tuple[Any, Optional[Any]]  # (Ed448PublicKey, Ed448PrivateKey or None)


def _mentions_ed448(material: bytes, is_pem: bool) -> bool:
    """Does this PEM or DER material name the Ed448 algorithm (so the error can say so)?"""
    if not is_pem:
        return _ED448_OID in material
    for body in _PEM_BODY.findall(material):
        try:
            if _ED448_OID in base64.b64decode(re.sub(rb"\s+", b"", body), validate=True):
                return True
        except (binascii.Error, ValueError):
            continue
    return False


def _require_cryptography(backend: str) -> None:
    try:
        import cryptography.hazmat.primitives.asymmetric.ed448  # noqa: F401
    except ImportError:
        raise InvalidKeyError(MISSING.format(backend=backend)) from None


def load(material: bytes, is_pem: bool, backend: str) -> Optional[Keys]:
    """The Ed448 keys in PEM or DER ``material`` (public key, private key or certificate).

    None when the material is no Ed448 key (the caller raises its usual error).
    Encrypted keys are never decrypted, as everywhere in turbojwt.
    """
    if not _mentions_ed448(material, is_pem):
        return None
    _require_cryptography(backend)
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey, Ed448PublicKey

    if is_pem:
        loaders = (serialization.load_pem_public_key,
                   lambda m: serialization.load_pem_private_key(m, password=None),
                   lambda m: x509.load_pem_x509_certificate(m).public_key())
    else:
        loaders = (serialization.load_der_public_key,
                   lambda m: serialization.load_der_private_key(m, password=None),
                   lambda m: x509.load_der_x509_certificate(m).public_key())
    for loader in loaders:
        try:
            key = loader(material)
        except (ValueError, TypeError, binascii.Error):
            continue
        if isinstance(key, Ed448PrivateKey):
            return key.public_key(), key
        if isinstance(key, Ed448PublicKey):
            return key, None
        return None
    return None


def from_raw(x: bytes, d: Optional[bytes], backend: str) -> Keys:
    """The Ed448 keys of an OKP JWK's (or SSH key's) raw x and optional d (57 bytes each)."""
    _require_cryptography(backend)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey, Ed448PublicKey

    if len(x) != 57 or (d is not None and len(d) != 57):
        raise InvalidKeyError("The OKP key is not valid: Ed448 keys are 57 bytes")
    try:
        public = Ed448PublicKey.from_public_bytes(x)
        private = Ed448PrivateKey.from_private_bytes(d) if d is not None else None
    except ValueError as exc:
        raise InvalidKeyError(f"The OKP key is not valid: {exc}") from None
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    # why: a JWK whose x is not the public key of its d would sign for one key
    # and verify for another (the core checks the same for Ed25519).
    if private is not None and private.public_key().public_bytes(*raw) != x:
        raise InvalidKeyError("The OKP key is not valid: 'x' is not the public key of 'd'")
    return public, private
