"""Public-key verification through the binding: RS*, PS*, ES*, ES256K, EdDSA.

Tokens are made by PyJWT 2.15.1 with keys from ``cryptography`` and verified by
turbojwt with the key as a cryptography object, as PEM text and as the private
key (whose public half verifies). The C-level Wycheproof and RFC vectors are in
test_c_pkey.py; this file pins what the Python API does with those keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import warnings

import jwt as pyjwt
import pytest

import turbojwt

crypto = pytest.importorskip("cryptography")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa  # noqa: E402

NOW = int(time.time())
CLAIMS = {"sub": "user-1", "iat": NOW, "exp": NOW + 86400, "aud": "api", "iss": "https://idp.example"}
CHECKS = {"audience": "api", "issuer": "https://idp.example"}


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY_MAKERS = {
    "RS256": _rsa,
    "RS384": _rsa,
    "RS512": _rsa,
    "PS256": _rsa,
    "PS384": _rsa,
    "PS512": _rsa,
    "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "ES384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "ES512": lambda: ec.generate_private_key(ec.SECP521R1()),
    "ES256K": lambda: ec.generate_private_key(ec.SECP256K1()),
    "EdDSA": lambda: ed25519.Ed25519PrivateKey.generate(),
}


@pytest.fixture(scope="module")
def keys():
    return {alg: make() for alg, make in KEY_MAKERS.items()}


def _pem(public_key) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _forms(private_key):
    public = private_key.public_key()
    return {
        "object": public,
        "pem": _pem(public),
        "pem-bytes": _pem(public).encode(),
        "der": public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
        "private-object": private_key,
    }


@pytest.mark.parametrize("alg", sorted(KEY_MAKERS))
def test_pyjwt_tokens_verify_with_every_key_form(keys, alg):
    token = pyjwt.encode(CLAIMS, keys[alg], algorithm=alg, headers={"kid": "k1"})
    for form, key in _forms(keys[alg]).items():
        assert turbojwt.decode(token, key, algorithms=[alg], **CHECKS) == CLAIMS, form
        verifier = turbojwt.Verifier(key, algorithms=[alg], **CHECKS)
        full = verifier.decode_complete(token)
        assert full == pyjwt.decode_complete(token, keys[alg].public_key(), algorithms=[alg], **CHECKS)


@pytest.mark.parametrize("alg", sorted(KEY_MAKERS))
def test_tampered_signature_and_payload_are_rejected_like_pyjwt(keys, alg):
    token = pyjwt.encode(CLAIMS, keys[alg], algorithm=alg)
    head, payload, sig = token.split(".")
    other_payload = base64.urlsafe_b64encode(json.dumps({**CLAIMS, "sub": "admin"}).encode()).rstrip(b"=").decode()
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[len(raw) // 2] ^= 0x01
    flipped = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    public = keys[alg].public_key()
    for bad in (f"{head}.{other_payload}.{sig}", f"{head}.{payload}.{flipped}", f"{head}.{payload}."):
        with pytest.raises(pyjwt.InvalidSignatureError):
            pyjwt.decode(bad, public, algorithms=[alg], **CHECKS)
        with pytest.raises(turbojwt.InvalidSignatureError):
            turbojwt.decode(bad, public, algorithms=[alg], **CHECKS)


def test_ecdsa_der_signature_is_rejected(keys):
    # JWS ECDSA signatures are raw r||s; a DER signature of the same input must fail.
    key = keys["ES256"]
    token = pyjwt.encode(CLAIMS, key, algorithm="ES256")
    head, payload, _ = token.split(".")
    from cryptography.hazmat.primitives import hashes

    der = key.sign(f"{head}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    bad = f"{head}.{payload}." + base64.urlsafe_b64encode(der).rstrip(b"=").decode()
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(bad, key.public_key(), algorithms=["ES256"], **CHECKS)


@pytest.mark.parametrize("r_s", ["zero", "order"])
def test_psychic_ecdsa_signatures_are_rejected(keys, r_s):
    # CVE-2022-21449: r = s = 0 (or r = s = n) must never verify.
    key = keys["ES256"]
    token = pyjwt.encode(CLAIMS, key, algorithm="ES256")
    head, payload, _ = token.split(".")
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    value = 0 if r_s == "zero" else n
    sig = value.to_bytes(32, "big") * 2
    bad = f"{head}.{payload}." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(bad, key.public_key(), algorithms=["ES256"], **CHECKS)


def test_key_of_the_wrong_family_or_curve_is_an_invalid_key_error(keys):
    es256 = pyjwt.encode(CLAIMS, keys["ES256"], algorithm="ES256")
    # PyJWT 2.15.1 leaks a TypeError for an RSA key under ES256; turbojwt names the problem.
    with pytest.raises(turbojwt.InvalidKeyError, match="RSA key cannot be used with ES256"):
        turbojwt.decode(es256, keys["RS256"].public_key(), algorithms=["ES256"], **CHECKS)
    with pytest.raises(turbojwt.InvalidKeyError, match="EC key cannot be used with ES256"):
        turbojwt.decode(es256, keys["ES384"].public_key(), algorithms=["ES256"], **CHECKS)
    eddsa = pyjwt.encode(CLAIMS, keys["EdDSA"], algorithm="EdDSA")
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(eddsa, keys["ES256"].public_key(), algorithms=["EdDSA"], **CHECKS)


def test_ed448_verifies():
    key = ed448.Ed448PrivateKey.generate()
    token = pyjwt.encode(CLAIMS, key, algorithm="EdDSA")
    assert turbojwt.decode(token, _pem(key.public_key()), algorithms=["EdDSA"], **CHECKS) == CLAIMS


@pytest.mark.parametrize("allowed", [["HS256"], ["RS256", "HS256"]])
def test_hmac_signed_with_the_public_pem_is_refused(keys, allowed):
    # RS/HS key confusion (CVE-2022-29217, CVE-2017-11424): the attacker signs HS256
    # with the public key's PEM text; the PEM must never serve as an HMAC secret.
    pem = _pem(keys["RS256"].public_key()).encode()

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(json.dumps(CLAIMS).encode())
    forged = (signing_input + b"." + b64(hmac.new(pem, signing_input, hashlib.sha256).digest())).decode()
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(forged, pem, algorithms=allowed, **CHECKS)


def test_small_rsa_key_warns_and_can_be_enforced():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        token = pyjwt.encode(CLAIMS, small, algorithm="RS256")
    with pytest.warns(turbojwt.InsecureKeyLengthWarning, match="1024 bits"):
        assert turbojwt.decode(token, small.public_key(), algorithms=["RS256"], **CHECKS) == CLAIMS
    with pytest.raises(turbojwt.InvalidKeyError, match="1024 bits"):
        turbojwt.decode(
            token, small.public_key(), algorithms=["RS256"], options={"enforce_minimum_key_length": True}, **CHECKS
        )


@pytest.mark.parametrize("bad_key", ["not a key", b"\x30\x03\x02\x01\x01", 12345, None])
def test_unparseable_public_key_is_an_invalid_key_error(keys, bad_key):
    token = pyjwt.encode(CLAIMS, keys["RS256"], algorithm="RS256")
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(token, bad_key, algorithms=["RS256"], **CHECKS)


def test_attacker_jwk_in_header_is_not_used(keys):
    # A token signed by the attacker's own key, carrying that key as "jwk" in the
    # header, must be verified with the caller's key only.
    attacker = ec.generate_private_key(ec.SECP256R1())
    numbers = attacker.public_key().public_numbers()

    def b64int(v: int) -> str:
        return base64.urlsafe_b64encode(v.to_bytes(32, "big")).rstrip(b"=").decode()

    jwk = {"kty": "EC", "crv": "P-256", "x": b64int(numbers.x), "y": b64int(numbers.y)}
    token = pyjwt.encode(CLAIMS, attacker, algorithm="ES256", headers={"jwk": jwk, "jku": "https://evil.example/jwks"})
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(token, keys["ES256"].public_key(), algorithms=["ES256"], **CHECKS)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("alg", sorted(KEY_MAKERS))
def test_pyjwt_verifies_what_the_core_signs(keys, alg):
    # The other direction of interop: the C core signs (raw r||s for ECDSA, PSS
    # salt = hash length), PyJWT 2.15.1 verifies. turbojwt.encode comes later;
    # this pins the signatures it will produce.
    private_pem = keys[alg].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    prepared = turbojwt._core.prepare_public_key(private_pem)
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(CLAIMS).encode())
    signing_input = f"{header}.{payload}"
    token = f"{signing_input}.{_b64(turbojwt._core.sign_raw(prepared, alg, signing_input.encode()))}"
    assert pyjwt.decode(token, keys[alg].public_key(), algorithms=[alg], **CHECKS) == CLAIMS
    assert turbojwt.decode(token, keys[alg].public_key(), algorithms=[alg], **CHECKS) == CLAIMS


def test_core_hmac_signature_equals_pyjwts():
    secret = b"an-hmac-secret-of-thirty-two-bytes!!"
    prepared = turbojwt._core.prepare_hmac_key(secret)
    token = pyjwt.encode(CLAIMS, secret, algorithm="HS256")
    signing_input, signature = token.rsplit(".", 1)
    assert _b64(turbojwt._core.sign_raw(prepared, "HS256", signing_input.encode())) == signature


def test_a_public_key_cannot_sign(keys):
    prepared = turbojwt._core.prepare_public_key(keys["ES256"].public_key())
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt._core.sign_raw(prepared, "ES256", b"a.b")


def test_a_jwk_dict_is_a_key(keys):
    from jwt.algorithms import ECAlgorithm

    jwk = ECAlgorithm.to_jwk(keys["ES256"].public_key(), as_dict=True)
    token = pyjwt.encode(CLAIMS, keys["ES256"], algorithm="ES256")
    assert turbojwt.decode(token, jwk, algorithms=["ES256"], **CHECKS) == CLAIMS
    assert turbojwt.Verifier(jwk, **CHECKS).decode(token) == CLAIMS
