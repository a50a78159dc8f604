"""JSON Web Keys, key sets and OpenSSH keys through turbojwt's public API.

Pinned here, against PyJWT 2.15.1 wherever PyJWT has the same feature:

1. PyJWK / PyJWKSet: algorithm_name, key_id, key_type, public_key_use,
   from_dict / from_json, ``set[kid]``, and which members a set skips.
2. Known answers through decode / Verifier with the RFCs' own JWKs:
   RFC 7515 A.2-A.4 (tests/_rfc7515.py), RFC 7520 4.1-4.3 and RFC 8037 A.4/A.5
   (tests/vectors/jose-cookbook/, sources in its README).
3. Verifier over a key set (JWKS dict or PyJWKSet): kid selection,
   UnknownKeyError, keys refused by ``use`` / ``key_ops`` / ``alg``, keys and
   URLs in token headers never used, weak RSA keys, many threads at once.
4. A PyJWK as the key of decode: its algorithm is the one that verifies.
5. OpenSSH public keys, and HMAC confusion with every public-key format.
6. JWK validation on import (point on the curve, RSA exponent, sizes, d).
7. Hostile signatures for every asymmetric algorithm: the same exception
   class as PyJWT for the same bad token.

Where turbojwt differs from PyJWT on purpose, the test says so in a comment and
asserts turbojwt's behaviour. Keys are generated once, when the module loads.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import random
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt as pyjwt
import pytest
import turbojwt
from _rfc7515 import (
    RFC7515_A2_JWK,
    RFC7515_A2_SIG,
    RFC7515_A3_JWK,
    RFC7515_A3_SIG,
    RFC7515_A4_INPUT,
    RFC7515_A4_JWK,
    RFC7515_A4_SIG,
    RFC7515_PAYLOAD,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from cryptography.x509.oid import NameOID
from jwt.algorithms import get_default_algorithms

COOKBOOK = Path(__file__).resolve().parents[1] / "vectors" / "jose-cookbook"
NOW = int(time.time())
CLAIMS = {"sub": "user-1", "iat": NOW, "exp": NOW + 86400}  # valid however long the run takes

# ---------------------------------------------------------------- keys (generated once)

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_WEAK = rsa.generate_private_key(public_exponent=65537, key_size=1024)
P256 = ec.generate_private_key(ec.SECP256R1())
P256_OTHER = ec.generate_private_key(ec.SECP256R1())
P384 = ec.generate_private_key(ec.SECP384R1())
P521 = ec.generate_private_key(ec.SECP521R1())
K256 = ec.generate_private_key(ec.SECP256K1())
ED25519 = ed25519.Ed25519PrivateKey.generate()
ED448 = ed448.Ed448PrivateKey.generate()
ATTACKER = ec.generate_private_key(ec.SECP256R1())

# Every asymmetric algorithm, with the key that signs it (test id -> (alg, key)).
SIGNING = {
    "RS256": ("RS256", RSA_KEY),
    "RS384": ("RS384", RSA_KEY),
    "RS512": ("RS512", RSA_KEY),
    "PS256": ("PS256", RSA_KEY),
    "PS384": ("PS384", RSA_KEY),
    "PS512": ("PS512", RSA_KEY),
    "ES256": ("ES256", P256),
    "ES384": ("ES384", P384),
    "ES512": ("ES512", P521),
    "ES256K": ("ES256K", K256),
    "EdDSA-Ed25519": ("EdDSA", ED25519),
    "EdDSA-Ed448": ("EdDSA", ED448),
}

CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp256k1": "secp256k1"}
# Group orders (SEC 2), for out-of-range ECDSA signatures.
CURVE_ORDER = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16
    ),
    "secp521r1": int(
        "01FF" + "FFFFFFFF" * 7 + "FFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", 16
    ),
    "secp256k1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
}
ED25519_L = 2**252 + 27742317777372353535851937790883648493  # RFC 8032 5.1


# ---------------------------------------------------------------- helpers


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64json(obj) -> str:
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


def uint(value: int, size: int | None = None) -> str:
    return b64u(value.to_bytes(size or max(1, (value.bit_length() + 7) // 8), "big"))


def jwk_of(key, *, private: bool = False, **members) -> dict:
    """The JWK of a cryptography private key (its public half unless private=True), plus members."""
    if isinstance(key, rsa.RSAPrivateKey):
        priv = key.private_numbers()
        jwk = {"kty": "RSA", "n": uint(priv.public_numbers.n), "e": uint(priv.public_numbers.e)}
        if private:
            jwk.update(d=uint(priv.d), p=uint(priv.p), q=uint(priv.q), dp=uint(priv.dmp1),
                       dq=uint(priv.dmq1), qi=uint(priv.iqmp))
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        nums = key.private_numbers()
        jwk = {"kty": "EC", "crv": CURVE_NAMES[key.curve.name],
               "x": uint(nums.public_numbers.x, size), "y": uint(nums.public_numbers.y, size)}
        if private:
            jwk["d"] = uint(nums.private_value, size)
    else:
        crv = "Ed25519" if isinstance(key, ed25519.Ed25519PrivateKey) else "Ed448"
        jwk = {"kty": "OKP", "crv": crv, "x": b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))}
        if private:
            jwk["d"] = b64u(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))
    jwk.update(members)
    return jwk


def public_half(jwk: dict) -> dict:
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}


def pem(key) -> bytes:
    public = key.public_key() if hasattr(key, "public_key") else key
    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def openssh(key) -> bytes:
    return key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)


def certificate(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "turbojwt test")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )


def raw_sign(alg: str, key, signing_input: bytes) -> bytes:
    """The JWS signature (raw r||s for ECDSA) of signing_input, made by PyJWT's algorithm objects."""
    return get_default_algorithms()[alg].sign(signing_input, key)


def make_token(alg: str, key, payload=None, **header) -> str:
    """A compact JWS with exactly this header ({"alg": alg, **header}) and payload, signed by key."""
    payload = CLAIMS if payload is None else payload
    body = b64u(payload) if isinstance(payload, bytes) else b64json(payload)
    signing_input = f"{b64json({'alg': alg, **header})}.{body}"
    return f"{signing_input}.{b64u(raw_sign(alg, key, signing_input.encode()))}"


def signature_of(token: str) -> bytes:
    return unb64u(token.rsplit(".", 1)[1])


def with_signature(token: str, sig: bytes) -> str:
    return f"{token.rsplit('.', 1)[0]}.{b64u(sig)}"


def flip_signature(token: str) -> str:
    raw = bytearray(signature_of(token))
    raw[len(raw) // 2] ^= 0x01
    return with_signature(token, bytes(raw))


def hs256_forgery(secret: bytes) -> str:
    """An HS256 token whose MAC key is secret: the key-confusion attack."""
    signing_input = f"{b64json({'alg': 'HS256', 'typ': 'JWT'})}.{b64json(CLAIMS)}"
    return f"{signing_input}.{b64u(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def outcome(call):
    """("returns", value) or ("raises", exception class name): PyJWT and turbojwt share the names."""
    try:
        return ("returns", call())
    except Exception as exc:  # noqa: BLE001 - the class is the result
        return ("raises", type(exc).__name__)


RSA_PUB = jwk_of(RSA_KEY)
P256_PUB = jwk_of(P256)
OCT = {"kty": "oct", "k": b64u(b"jwk-test-hmac-secret-" + bytes(range(43)))}  # 64 bytes: no length warning


def _flip_y(jwk: dict) -> dict:
    y = bytearray(unb64u(jwk["y"]))
    y[-1] ^= 0x01
    return {**jwk, "y": b64u(bytes(y))}


# ======================================================================
# 1. PyJWK / PyJWKSet interface, compared with PyJWT


def _attributes(make):
    try:
        key = make()
    except Exception as exc:  # noqa: BLE001
        return ("raises", type(exc).__name__)
    return ("loads", key.algorithm_name, key.key_id, key.key_type, key.public_key_use)


INTERFACE_CASES = {
    # loaded by both
    "rsa": RSA_PUB,
    "rsa-alg-kid-use": {**RSA_PUB, "alg": "RS384", "kid": "rsa-1", "use": "sig"},
    "rsa-alg-ps512": {**RSA_PUB, "alg": "PS512"},
    "rsa-private": jwk_of(RSA_KEY, private=True, kid="rsa-private"),
    "rsa-use-enc": {**RSA_PUB, "kid": "rsa-enc", "use": "enc"},  # loads; refused only to verify (section 3)
    "rsa-key-ops-verify": {**RSA_PUB, "key_ops": ["verify"]},
    "p256": P256_PUB,
    "p256-alg-kid": {**P256_PUB, "alg": "ES256", "kid": "ec-1"},
    "p384": jwk_of(P384),
    "p384-alg": jwk_of(P384, alg="ES384"),
    "p521": jwk_of(P521),
    "p521-private-alg-kid": jwk_of(P521, private=True, alg="ES512", kid="p521"),
    "secp256k1": jwk_of(K256),
    "secp256k1-alg": jwk_of(K256, alg="ES256K"),
    "ed25519": jwk_of(ED25519),
    "ed25519-alg-kid-use": jwk_of(ED25519, alg="EdDSA", kid="ed", use="sig"),
    "ed25519-private": jwk_of(ED25519, private=True),
    "ed448-alg": jwk_of(ED448, alg="EdDSA"),
    "oct": OCT,
    "oct-alg-kid": {**OCT, "alg": "HS512", "kid": "oct-1"},
    "kid-not-a-string": {**P256_PUB, "kid": 7},
    # refused by both, with the same class
    "no-kty": {k: v for k, v in P256_PUB.items() if k != "kty"},
    "empty-kty": {**P256_PUB, "kty": ""},
    "unknown-kty": {**P256_PUB, "kty": "XYZ"},
    "ec-unknown-crv": {**P256_PUB, "crv": "P-192"},
    "ec-no-crv": {k: v for k, v in P256_PUB.items() if k != "crv"},
    "okp-no-crv": {k: v for k, v in jwk_of(ED25519).items() if k != "crv"},
    "okp-x25519": {"kty": "OKP", "crv": "X25519", "x": b64u(bytes(range(32)))},
    "alg-unknown": {**RSA_PUB, "alg": "RSA-OAEP"},
    "alg-hs256-on-rsa": {**RSA_PUB, "alg": "HS256"},
    "alg-rs256-on-ec": {**P256_PUB, "alg": "RS256"},
    "alg-eddsa-on-ec": {**P256_PUB, "alg": "EdDSA"},
    "alg-es256-on-okp": jwk_of(ED25519, alg="ES256"),
    "alg-rs256-on-oct": {**OCT, "alg": "RS256"},
    "oct-empty-k": {"kty": "oct", "k": ""},
    "ec-off-curve": _flip_y(P256_PUB),
}


@pytest.mark.parametrize("name", sorted(INTERFACE_CASES))
def test_pyjwk_interface_matches_pyjwt(name):
    jwk = INTERFACE_CASES[name]
    expected = _attributes(lambda: pyjwt.PyJWK(jwk))
    assert expected[0] == "loads" or expected[1] in ("InvalidKeyError", "PyJWKError"), expected
    assert _attributes(lambda: turbojwt.PyJWK(jwk)) == expected
    assert _attributes(lambda: turbojwt.PyJWK.from_dict(jwk)) == expected
    text = json.dumps(jwk)
    assert _attributes(lambda: turbojwt.PyJWK.from_json(text)) == _attributes(lambda: pyjwt.PyJWK.from_json(text))
    assert _attributes(lambda: turbojwt.PyJWK.from_json(text.encode())) == expected


@pytest.mark.parametrize("name, algorithm", [
    ("rsa", "PS384"),
    ("rsa-alg-kid-use", "RS512"),  # the argument wins over the JWK's own "alg"
    ("p384", "ES384"),
    ("secp256k1", "ES256K"),
    ("ed25519", "EdDSA"),
    ("oct", "HS384"),
    ("rsa", "HS256"),  # a family the key is not: InvalidKeyError in both
    ("p256", "XX999"),  # no such algorithm: PyJWKError in both
])
def test_pyjwk_algorithm_argument_matches_pyjwt(name, algorithm):
    jwk = INTERFACE_CASES[name]
    expected = _attributes(lambda: pyjwt.PyJWK(jwk, algorithm=algorithm))
    assert _attributes(lambda: turbojwt.PyJWK(jwk, algorithm=algorithm)) == expected
    assert _attributes(lambda: turbojwt.PyJWK.from_json(json.dumps(jwk), algorithm)) == expected


def test_pyjwk_key_is_a_prepared_key_usable_directly():
    key = turbojwt.PyJWK.from_dict(jwk_of(P384, kid="p384"))
    token = pyjwt.encode(CLAIMS, P384, algorithm="ES384")
    assert isinstance(key.key, turbojwt.PreparedKey)
    assert key.key.supports("ES384") and not key.key.supports("ES256") and not key.key.supports("HS256")
    assert turbojwt.decode(token, key.key, algorithms=["ES384"]) == CLAIMS


def test_ed448_without_alg_defaults_to_eddsa():
    # Deliberate difference: PyJWT 2.15.1 picks EdDSA for Ed25519 only and refuses an
    # Ed448 JWK without "alg" ("Unsupported crv"); RFC 8037 3.1 signs with both curves
    # under EdDSA, so turbojwt maps Ed448 to EdDSA too.
    jwk = jwk_of(ED448)
    with pytest.raises(pyjwt.InvalidKeyError, match="Unsupported crv"):
        pyjwt.PyJWK(jwk)
    key = turbojwt.PyJWK(jwk)
    assert (key.algorithm_name, key.key_type) == ("EdDSA", "OKP")
    token = pyjwt.encode(CLAIMS, ED448, algorithm="EdDSA")
    assert turbojwt.decode(token, key) == CLAIMS
    assert [k.algorithm_name for k in turbojwt.PyJWKSet([jwk, OCT])] == ["EdDSA", "HS256"]
    assert [k.algorithm_name for k in pyjwt.PyJWKSet([jwk, OCT])] == ["HS256"]


def test_alg_none_in_a_jwk_is_a_pyjwk_error():
    # Deliberate difference: PyJWT 2.15.1 looks "none" up as an algorithm and leaks
    # NotImplementedError from its from_jwk; no key serves "none", so turbojwt says
    # PyJWKError ("Unable to find an algorithm"), and a key set skips the key.
    jwk = {**P256_PUB, "alg": "none"}
    with pytest.raises(NotImplementedError):
        pyjwt.PyJWK(jwk)
    with pytest.raises(turbojwt.PyJWKError, match="Unable to find an algorithm"):
        turbojwt.PyJWK(jwk)
    assert [k.key_id for k in turbojwt.PyJWKSet([jwk, {**P256_PUB, "kid": "ok"}])] == ["ok"]


def test_alg_of_another_curve_is_refused_on_import():
    # Deliberate difference: PyJWT 2.15.1 loads a P-256 key labelled ES384 (or given
    # algorithm="ES384") and only fails when it verifies (InvalidKeyError, curve
    # mismatch). The key can never verify anything, so turbojwt refuses it on import
    # with the same class, and a key set skips it where PyJWT keeps a dead key.
    jwk = {**P256_PUB, "alg": "ES384", "kid": "mislabelled"}
    theirs = pyjwt.PyJWK(jwk)
    token = make_token("ES384", P384, kid="mislabelled")
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.decode(token, theirs)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK(jwk)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK(P256_PUB, algorithm="ES512")
    assert [k.key_id for k in pyjwt.PyJWKSet([jwk, {**OCT, "kid": "o"}])] == ["mislabelled", "o"]
    assert [k.key_id for k in turbojwt.PyJWKSet([jwk, {**OCT, "kid": "o"}])] == ["o"]


def test_non_mapping_jwk_and_jwks_are_turbojwt_errors():
    # Deliberate difference: PyJWT 2.15.1 leaks AttributeError ('list' object has no
    # attribute 'get'); turbojwt raises its documented classes.
    with pytest.raises(AttributeError):
        pyjwt.PyJWK([RSA_PUB])
    with pytest.raises(AttributeError):
        pyjwt.PyJWKSet.from_dict([RSA_PUB])
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK([RSA_PUB])
    with pytest.raises(turbojwt.PyJWKSetError):
        turbojwt.PyJWKSet.from_dict([RSA_PUB])


MIXED_SET = [
    {**RSA_PUB, "kid": "rsa"},
    "not a key",  # non-dict members are skipped
    7,
    None,
    ["nested", "list"],
    {**P256_PUB, "kid": "unknown-kty", "kty": "XYZ"},
    {**P256_PUB, "kid": "bad-crv", "crv": "P-192"},
    {**P256_PUB, "kid": "p256"},
    {**RSA_PUB, "kid": "oaep", "alg": "RSA-OAEP"},
    jwk_of(ED25519, kid="ed"),
    {"kty": "OKP", "crv": "X25519", "x": b64u(bytes(range(32))), "kid": "x25519"},
    {**OCT, "kid": "oct"},
    jwk_of(K256, kid="k256"),
    {**RSA_PUB, "kid": "rsa-as-hmac", "alg": "HS256"},
    {**RSA_PUB, "kid": "enc", "use": "enc"},  # kept: refused only when it would verify
    {**_flip_y(P256_PUB), "kid": "off-curve"},
    {"kid": "no-kty"},
    jwk_of(P521, kid="p521", alg="ES512"),
]


def _set_members(make):
    try:
        key_set = make()
    except Exception as exc:  # noqa: BLE001
        return ("raises", type(exc).__name__)
    return ("loads", [(k.key_id, k.algorithm_name, k.key_type, k.public_key_use) for k in key_set])


def test_pyjwkset_skips_exactly_what_pyjwt_skips():
    expected = _set_members(lambda: pyjwt.PyJWKSet(MIXED_SET))
    assert [m[0] for m in expected[1]] == ["rsa", "p256", "ed", "oct", "k256", "enc", "p521"]
    assert _set_members(lambda: turbojwt.PyJWKSet(MIXED_SET)) == expected
    assert _set_members(lambda: turbojwt.PyJWKSet.from_dict({"keys": MIXED_SET})) == expected
    text = json.dumps({"keys": MIXED_SET})
    assert _set_members(lambda: turbojwt.PyJWKSet.from_json(text)) == expected
    assert _set_members(lambda: turbojwt.PyJWKSet.from_json(text.encode())) == expected

    ours, theirs = turbojwt.PyJWKSet(MIXED_SET), pyjwt.PyJWKSet(MIXED_SET)
    assert len(ours) == len(theirs.keys) == 7
    for kid in ("rsa", "p256", "ed", "p521"):
        assert _attributes(lambda: ours[kid]) == _attributes(lambda: theirs[kid])
    for missing in ("nope", "unknown-kty", "off-curve", None, 7):
        with pytest.raises(KeyError):
            theirs[missing]
        with pytest.raises(KeyError):
            ours[missing]
    assert list(ours) == ours.keys


SET_ERRORS = {
    "empty-list": [],
    "none": None,
    "zero": 0,
    "string": "keys",
    "dict-not-list": {"kty": "RSA"},
    "tuple-not-list": (RSA_PUB,),
    "no-usable-key": [1, "x", {"kty": "XYZ"}, {"kty": "EC", "crv": "P-192"}],
    "only-refused-keys": [{"kty": "oct", "k": ""}, _flip_y(P256_PUB)],
}


@pytest.mark.parametrize("name", sorted(SET_ERRORS))
def test_pyjwkset_errors_match_pyjwt(name):
    keys = SET_ERRORS[name]
    assert outcome(lambda: pyjwt.PyJWKSet(keys)) == ("raises", "PyJWKSetError")
    assert outcome(lambda: turbojwt.PyJWKSet(keys)) == ("raises", "PyJWKSetError")
    assert outcome(lambda: turbojwt.PyJWKSet.from_dict({"keys": keys})) == ("raises", "PyJWKSetError")


def test_pyjwkset_without_keys_member():
    for doc in ({}, {"other": []}):
        with pytest.raises(pyjwt.PyJWKSetError):
            pyjwt.PyJWKSet.from_dict(doc)
        with pytest.raises(turbojwt.PyJWKSetError):
            turbojwt.PyJWKSet.from_dict(doc)
    with pytest.raises(turbojwt.PyJWKSetError):
        turbojwt.PyJWKSet.from_json('{"keys": []}')


# ======================================================================
# 2. Known answers: the RFCs' tokens verified with the RFCs' JWKs


def _cookbook(rel: str) -> tuple[dict, str, str]:
    doc = json.loads((COOKBOOK / rel).read_text())
    token = doc["output"]["compact"]
    assert token == f"{doc['signing']['sig-input']}.{doc['signing']['sig']}"
    return doc["input"]["key"], doc["input"]["alg"], token


RFC7515_CLAIMS = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
NO_EXP = {"verify_exp": False}

# Payload a JSON claims set (RFC 7515 A.2, A.3).
JSON_KATS = {
    "rfc7515-A.2": (RFC7515_A2_JWK, "RS256", f"eyJhbGciOiJSUzI1NiJ9.{RFC7515_PAYLOAD}.{RFC7515_A2_SIG}"),
    "rfc7515-A.3": (RFC7515_A3_JWK, "ES256", f"eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{RFC7515_A3_SIG}"),
}
# Payload plain text, not JSON: RFC 7515 A.4 "Payload", RFC 7520's Tolkien quote,
# RFC 8037 "Example of Ed25519 signing".
TEXT_KATS = {
    "rfc7515-A.4": (RFC7515_A4_JWK, "ES512", f"{RFC7515_A4_INPUT}.{RFC7515_A4_SIG}"),
    "rfc7520-4.1": _cookbook("jws/4_1.rsa_v15_signature.json"),
    "rfc7520-4.2": _cookbook("jws/4_2.rsa-pss_signature.json"),
    "rfc7520-4.3": _cookbook("jws/4_3.ecdsa_signature.json"),
    "rfc8037-A.4": _cookbook("curve25519/jws.json"),
}


@pytest.mark.parametrize("half", ["private", "public"])
@pytest.mark.parametrize("name", sorted(JSON_KATS))
def test_rfc7515_json_known_answers(name, half):
    jwk, alg, token = JSON_KATS[name]
    jwk = jwk if half == "private" else public_half(jwk)
    key = turbojwt.PyJWK.from_dict(jwk)
    assert key.algorithm_name == alg
    assert turbojwt.decode(token, key, options=NO_EXP) == RFC7515_CLAIMS
    full = turbojwt.decode_complete(token, key, algorithms=[alg], options=NO_EXP)
    assert full == {"header": {"alg": alg}, "payload": RFC7515_CLAIMS, "signature": signature_of(token)}
    # PyJWT 2.15.1 cannot verify with a private RSA JWK (AttributeError: 'RSA' object has
    # no attribute 'verify'), so the reference gets the public half.
    theirs = pyjwt.PyJWK.from_dict(public_half(jwk))
    assert full == pyjwt.decode_complete(token, theirs, algorithms=[alg], options=NO_EXP)
    # A set of one key verifies a token without kid.
    for key_set in ({"keys": [jwk]}, turbojwt.PyJWKSet([jwk])):
        assert turbojwt.Verifier(key_set, algorithms=[alg], options=NO_EXP).decode(token) == RFC7515_CLAIMS
    # "exp" 1300819380 is in 2011.
    with pytest.raises(turbojwt.ExpiredSignatureError):
        turbojwt.decode(token, key)
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(flip_signature(token), key, options=NO_EXP)
    other = token.replace(RFC7515_PAYLOAD, b64json({**RFC7515_CLAIMS, "iss": "mallory"}))
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(other, key, options=NO_EXP)


@pytest.mark.parametrize("name", sorted(TEXT_KATS))
def test_plain_text_known_answers_verify_then_refuse_the_payload(name):
    # decode() needs a JSON claims set. The signature is checked first (jws.c step 4
    # before step 5, as PyJWT): a good signature then ends in exactly DecodeError
    # "Invalid payload string", a bad one in InvalidSignatureError (a DecodeError
    # subclass, hence the `type(...) is` checks).
    jwk, alg, token = TEXT_KATS[name]
    keys = [turbojwt.PyJWK.from_dict(jwk, algorithm=alg), turbojwt.PyJWK.from_dict(public_half(jwk), algorithm=alg)]
    calls = [lambda k=k: turbojwt.decode(token, k) for k in keys]
    calls.append(lambda: turbojwt.decode_complete(token, keys[1], algorithms=[alg]))
    calls.append(lambda: turbojwt.Verifier({"keys": [jwk]}, algorithms=[alg]).decode(token))
    public_set = turbojwt.PyJWKSet([public_half(jwk)])
    calls.append(lambda: turbojwt.Verifier(public_set, algorithms=[alg]).decode_complete(token))
    for call in calls:
        with pytest.raises(turbojwt.DecodeError, match="^Invalid payload string") as info:
            call()
        assert type(info.value) is turbojwt.DecodeError
    with pytest.raises(pyjwt.DecodeError, match="^Invalid payload string") as theirs:
        pyjwt.decode(token, pyjwt.PyJWK.from_dict(public_half(jwk), algorithm=alg))
    assert type(theirs.value) is pyjwt.DecodeError

    head, payload, sig = token.split(".")
    other_text = b64u(b"Not " + unb64u(payload))
    for bad in (flip_signature(token), f"{head}.{other_text}.{sig}", f"{head}.{payload}."):
        with pytest.raises(turbojwt.InvalidSignatureError):
            turbojwt.decode(bad, keys[1])
        with pytest.raises(turbojwt.InvalidSignatureError):
            turbojwt.Verifier({"keys": [jwk]}, algorithms=[alg]).decode(bad)


def test_cookbook_keys_carry_the_tokens_kid():
    # RFC 7520 4.1-4.3: the JWK's kid is the token's kid, so a set picks it by kid.
    for name in ("rfc7520-4.1", "rfc7520-4.2", "rfc7520-4.3"):
        jwk, alg, token = TEXT_KATS[name]
        assert turbojwt.get_unverified_header(token) == {"alg": alg, "kid": jwk["kid"]}
        key_set = {"keys": [jwk_of(P256, kid="other"), jwk]}
        with pytest.raises(turbojwt.DecodeError, match="^Invalid payload string") as info:
            turbojwt.Verifier(key_set, algorithms=[alg]).decode(token)
        assert type(info.value) is turbojwt.DecodeError


@pytest.mark.parametrize("order", ["rsa-first", "ec-first"])
def test_keys_of_different_kty_may_share_a_kid(order):
    rsa_jwk, _, rs256 = TEXT_KATS["rfc7520-4.1"]
    ec_jwk, _, es512 = TEXT_KATS["rfc7520-4.3"]
    keys = [rsa_jwk, ec_jwk] if order == "rsa-first" else [ec_jwk, rsa_jwk]
    verifier = turbojwt.Verifier({"keys": keys}, algorithms=["RS256", "ES512"])
    for token in (rs256, es512):
        with pytest.raises(turbojwt.DecodeError, match="^Invalid payload string"):
            verifier.decode(token)


# ======================================================================
# 3. Verifier over a key set


SET_ALGS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"]
JWKS = {"keys": [
    jwk_of(RSA_KEY, kid="rsa"),
    jwk_of(P256, kid="p256"),
    jwk_of(P384, kid="p384", use="sig"),
    jwk_of(ED25519, kid="ed", key_ops=["verify"]),
    jwk_of(RSA_KEY, kid="rsa-enc", use="enc"),
    jwk_of(P256, kid="p256-encrypt-only", key_ops=["encrypt"]),
    jwk_of(RSA_KEY, kid="rs256-only", alg="RS256"),
    jwk_of(P256_OTHER),  # no kid
]}


@pytest.fixture(params=["dict", "PyJWKSet", "PyJWKSet.from_json"])
def key_set(request):
    if request.param == "dict":
        return JWKS
    if request.param == "PyJWKSet":
        return turbojwt.PyJWKSet.from_dict(JWKS)
    return turbojwt.PyJWKSet.from_json(json.dumps(JWKS))


@pytest.mark.parametrize("alg, kid, key", [
    ("RS256", "rsa", RSA_KEY),
    ("PS256", "rsa", RSA_KEY),
    ("ES256", "p256", P256),
    ("ES384", "p384", P384),
    ("EdDSA", "ed", ED25519),
    ("RS256", "rs256-only", RSA_KEY),
])
def test_key_set_picks_the_key_by_kid(key_set, alg, kid, key):
    verifier = turbojwt.Verifier(key_set, algorithms=SET_ALGS)
    token = pyjwt.encode(CLAIMS, key, algorithm=alg, headers={"kid": kid})
    assert verifier.decode(token) == CLAIMS
    assert verifier.decode_complete(token)["header"] == {"alg": alg, "kid": kid, "typ": "JWT"}
    assert turbojwt.decode(token, key_set, algorithms=SET_ALGS) == CLAIMS
    with pytest.raises(turbojwt.InvalidSignatureError):
        verifier.decode(flip_signature(token))


def _pss_under_rs256(kid: str) -> str:
    """An RS256 header over a PS256 signature of the same input (right key, wrong padding)."""
    token = make_token("RS256", RSA_KEY, kid=kid)
    return with_signature(token, raw_sign("PS256", RSA_KEY, token.rsplit(".", 1)[0].encode()))


SET_REFUSALS = {
    # name: (token, exception class)
    "no-kid-several-keys": (make_token("ES256", P256), turbojwt.UnknownKeyError),
    "unknown-kid": (make_token("ES256", P256, kid="nobody"), turbojwt.UnknownKeyError),
    "kid-differs-in-case": (make_token("ES256", P256, kid="P256"), turbojwt.UnknownKeyError),
    "empty-kid": (make_token("ES256", P256, kid=""), turbojwt.UnknownKeyError),
    "kid-of-use-enc-key": (make_token("RS256", RSA_KEY, kid="rsa-enc"), turbojwt.InvalidKeyError),
    "kid-of-encrypt-only-key": (make_token("ES256", P256, kid="p256-encrypt-only"), turbojwt.InvalidKeyError),
    "explicit-alg-key-other-alg": (make_token("PS256", RSA_KEY, kid="rs256-only"), turbojwt.InvalidKeyError),
    "kid-of-other-curve": (make_token("ES256", P256, kid="p384"), turbojwt.InvalidKeyError),
    "kid-of-other-family": (make_token("ES256", P256, kid="rsa"), turbojwt.InvalidKeyError),
    "eddsa-on-rsa-kid": (make_token("EdDSA", ED25519, kid="rsa"), turbojwt.InvalidKeyError),
    "alg-not-allowed": (make_token("RS384", RSA_KEY, kid="rsa"), turbojwt.InvalidAlgorithmError),
    "alg-not-allowed-es512": (make_token("ES512", P521, kid="p256"), turbojwt.InvalidAlgorithmError),
    "alg-none": (f"{b64json({'alg': 'none', 'kid': 'p256'})}.{b64json(CLAIMS)}.", turbojwt.InvalidAlgorithmError),
    "hs256-with-rsa-kid": (make_token("HS256", b"s" * 32, kid="rsa"), turbojwt.InvalidAlgorithmError),
    "kid-int": (make_token("ES256", P256, kid=5), turbojwt.InvalidTokenError),
    "kid-null": (make_token("ES256", P256, kid=None), turbojwt.InvalidTokenError),
    "kid-list": (make_token("ES256", P256, kid=["p256"]), turbojwt.InvalidTokenError),
    "kid-object": (make_token("ES256", P256, kid={"kid": "p256"}), turbojwt.InvalidTokenError),
    "kid-true": (make_token("ES256", P256, kid=True), turbojwt.InvalidTokenError),
    "signed-by-another-key": (make_token("ES256", ATTACKER, kid="p256"), turbojwt.InvalidSignatureError),
    "pss-signature-under-rs256": (_pss_under_rs256("rsa"), turbojwt.InvalidSignatureError),
}


@pytest.mark.parametrize("name", sorted(SET_REFUSALS))
def test_key_set_refusals(key_set, name):
    token, expected = SET_REFUSALS[name]
    verifier = turbojwt.Verifier(key_set, algorithms=SET_ALGS)
    with pytest.raises(expected) as info:
        verifier.decode(token)
    # Exactly this class: InvalidTokenError for a non-string kid (as PyJWT), never a subclass.
    assert type(info.value) is expected, repr(info.value)
    with pytest.raises(expected):
        turbojwt.decode(token, key_set, algorithms=SET_ALGS)


def test_unknown_key_error_is_an_invalid_token_error():
    assert issubclass(turbojwt.UnknownKeyError, turbojwt.InvalidTokenError)
    assert turbojwt.exceptions.UnknownKeyError is turbojwt.UnknownKeyError


@pytest.mark.parametrize("kid", [5, 1.5, None, True, ["p256"], {"kid": "p256"}], ids=repr)
def test_non_string_kid_matches_pyjwt(kid):
    token = make_token("ES256", P256, kid=kid)
    with pytest.raises(pyjwt.InvalidTokenError, match="Key ID header parameter must be a string") as theirs:
        pyjwt.decode(token, P256.public_key(), algorithms=["ES256"])
    assert type(theirs.value) is pyjwt.InvalidTokenError
    with pytest.raises(turbojwt.InvalidTokenError, match="Key ID header parameter must be a string"):
        turbojwt.Verifier(JWKS, algorithms=SET_ALGS).decode(token)


def test_token_without_kid_needs_exactly_one_usable_key():
    token = make_token("ES256", P256)
    # One key: accepted, whether or not the key has a kid.
    for keys in ([jwk_of(P256)], [jwk_of(P256, kid="p256")]):
        assert turbojwt.Verifier({"keys": keys}, algorithms=["ES256"]).decode(token) == CLAIMS
    # One usable key beside keys that may not verify (use=enc, key_ops without verify): accepted.
    keys = [jwk_of(RSA_KEY, kid="enc", use="enc"), jwk_of(P256, kid="p256"), jwk_of(P384, key_ops=["sign"])]
    assert turbojwt.Verifier({"keys": keys}, algorithms=["ES256", "RS256"]).decode(token) == CLAIMS
    # Two usable keys, even if only one could serve ES256: refused.
    keys = [jwk_of(P256, kid="p256"), jwk_of(RSA_KEY, kid="rsa")]
    with pytest.raises(turbojwt.UnknownKeyError):
        turbojwt.Verifier({"keys": keys}, algorithms=["ES256", "RS256"]).decode(token)
    # A token with a kid and a set whose only key has none: the kid names no key.
    with pytest.raises(turbojwt.UnknownKeyError):
        turbojwt.Verifier({"keys": [jwk_of(P256)]}, algorithms=["ES256"]).decode(make_token("ES256", P256, kid="x"))


def test_kid_is_compared_after_json_unescaping():
    # The header's kid is a JSON string: "p\u003256" is "p256", as PyJWT reads it.
    for raw_kid, key_kid in ((b"p\\u003256", "p256"), (b"\\u043a\\u043b\\u044e\\u0447", "\u043a\u043b\u044e\u0447")):
        header = b'{"alg":"ES256","kid":"' + raw_kid + b'"}'
        signing_input = f"{b64u(header)}.{b64json(CLAIMS)}"
        token = f"{signing_input}.{b64u(raw_sign('ES256', P256, signing_input.encode()))}"
        assert pyjwt.get_unverified_header(token)["kid"] == key_kid
        keys = {"keys": [jwk_of(P384, kid="p384"), jwk_of(P256, kid=key_kid)]}
        assert turbojwt.Verifier(keys, algorithms=["ES256"]).decode(token) == CLAIMS
    # and a non-ASCII kid written out in UTF-8
    keys = {"keys": [jwk_of(P384, kid="p384"), jwk_of(P256, kid="cl\u00e9-\U0001f511")]}
    token = make_token("ES256", P256, kid="cl\u00e9-\U0001f511")
    assert turbojwt.Verifier(keys, algorithms=["ES256"]).decode(token) == CLAIMS


def test_key_set_without_algorithms_uses_the_keys_algorithms():
    verifier = turbojwt.Verifier(JWKS)
    assert set(verifier.algorithms) == {"RS256", "ES256", "ES384", "EdDSA"}
    assert verifier.decode(pyjwt.encode(CLAIMS, P384, algorithm="ES384", headers={"kid": "p384"})) == CLAIMS
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        verifier.decode(make_token("PS256", RSA_KEY, kid="rsa"))


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u", "x5c"])
def test_keys_and_urls_in_the_header_are_never_used(key_set, header):
    attacker_jwk = jwk_of(ATTACKER, kid="attacker")
    value = {
        "jwk": attacker_jwk,
        "jku": "https://attacker.example/jwks.json",
        "x5u": "https://attacker.example/cert.pem",
        "x5c": [base64.b64encode(certificate(ATTACKER).public_bytes(Encoding.DER)).decode()],
    }[header]
    verifier = turbojwt.Verifier(key_set, algorithms=SET_ALGS)
    # a kid the set lacks (the attacker's own)
    with pytest.raises(turbojwt.UnknownKeyError):
        verifier.decode(make_token("ES256", ATTACKER, kid="attacker", **{header: value}))
    # a kid the set has, signed by the attacker's key
    with pytest.raises(turbojwt.InvalidSignatureError):
        verifier.decode(make_token("ES256", ATTACKER, kid="p256", **{header: value}))
    # no kid, against a set of one key and against a single PyJWK
    token = make_token("ES256", ATTACKER, **{header: value})
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.Verifier({"keys": [jwk_of(P256)]}, algorithms=["ES256"]).decode(token)
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(token, turbojwt.PyJWK(jwk_of(P256)))
    # an HMAC key in the header, with HS256 allowed too
    if header == "jwk":
        secret = b"attacker-chosen-hmac-secret-0123456789"
        forged = make_token("HS256", secret, kid="p256", jwk={"kty": "oct", "k": b64u(secret)})
        with pytest.raises(turbojwt.InvalidKeyError):
            turbojwt.Verifier(key_set, algorithms=[*SET_ALGS, "HS256"]).decode(forged)


def test_weak_rsa_key_in_a_set_warns_on_use_and_can_be_refused():
    keys = {"keys": [jwk_of(RSA_WEAK, kid="weak"), jwk_of(P256, kid="p256")]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weak_token = pyjwt.encode(CLAIMS, RSA_WEAK, algorithm="RS256", headers={"kid": "weak"})
    p256_token = pyjwt.encode(CLAIMS, P256, algorithm="ES256", headers={"kid": "p256"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when preparing, nor for the other key
        verifier = turbojwt.Verifier(keys, algorithms=["RS256", "ES256"])
        assert verifier.decode(p256_token) == CLAIMS
    with pytest.warns(turbojwt.InsecureKeyLengthWarning, match="1024 bits"):
        assert verifier.decode(weak_token) == CLAIMS
    enforcing = turbojwt.Verifier(keys, algorithms=["RS256", "ES256"], options={"enforce_minimum_key_length": True})
    with pytest.raises(turbojwt.InvalidKeyError, match="1024 bits"):
        enforcing.decode(weak_token)
    assert enforcing.decode(p256_token) == CLAIMS
    # PyJWT does the same with the key as a PyJWK.
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.decode(weak_token, pyjwt.PyJWK(jwk_of(RSA_WEAK)), options={"enforce_minimum_key_length": True})
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(weak_token, turbojwt.PyJWK(jwk_of(RSA_WEAK)), options={"enforce_minimum_key_length": True})


def test_one_verifier_over_a_key_set_from_many_threads():
    verifier = turbojwt.Verifier(JWKS, algorithms=SET_ALGS)
    good = [pyjwt.encode({**CLAIMS, "n": i}, key, algorithm=alg, headers={"kid": kid})
            for i, (alg, kid, key) in enumerate([("RS256", "rsa", RSA_KEY), ("PS256", "rsa", RSA_KEY),
                                                 ("ES256", "p256", P256), ("ES384", "p384", P384),
                                                 ("EdDSA", "ed", ED25519)])]
    bad = [flip_signature(t) for t in good] + [token for token, _ in SET_REFUSALS.values()]
    bad.append(make_token("ES256", P256, payload={**CLAIMS, "exp": NOW - 60}, kid="p256"))
    tokens = good + bad
    expected = [outcome(lambda t=t: verifier.decode(t)) for t in tokens]
    assert sum(o[0] == "returns" for o in expected) == len(good)
    start = threading.Barrier(8)

    def worker(seed: int):
        order = list(range(len(tokens))) * 4
        random.Random(seed).shuffle(order)
        start.wait()
        return [(i, outcome(lambda: verifier.decode(tokens[i]))) for i in order]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(worker, range(8)))
    for per_thread in results:
        for i, got in per_thread:
            assert got == expected[i], (i, tokens[i])


# ======================================================================
# 4. A PyJWK as the key of decode


@pytest.mark.parametrize("sid", sorted(SIGNING))
def test_pyjwk_brings_its_algorithm_like_pyjwt(sid):
    alg, key = SIGNING[sid]
    token = pyjwt.encode(CLAIMS, key, algorithm=alg, headers={"kid": "k"})
    ours = turbojwt.PyJWK.from_dict(jwk_of(key, alg=alg))
    theirs = pyjwt.PyJWK.from_dict(jwk_of(key, alg=alg))
    assert turbojwt.decode(token, ours) == pyjwt.decode(token, theirs) == CLAIMS
    assert turbojwt.Verifier(ours).decode(token) == CLAIMS
    assert turbojwt.decode_complete(token, ours) == pyjwt.decode_complete(token, theirs)


def test_hmac_pyjwk_brings_its_algorithm():
    token = pyjwt.encode(CLAIMS, unb64u(OCT["k"]), algorithm="HS384")
    assert turbojwt.decode(token, turbojwt.PyJWK(OCT, "HS384")) == pyjwt.decode(token, pyjwt.PyJWK(OCT, "HS384"))
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(token, turbojwt.PyJWK(OCT))  # HS256 by default


@pytest.mark.parametrize("jwk, token, algorithms", [
    # token alg of another family than the key's
    (P256_PUB, make_token("RS256", RSA_KEY), None),
    (P256_PUB, make_token("RS256", RSA_KEY), ["ES256", "RS256"]),
    # same family, other algorithm: an RSA JWK defaults to RS256 (PyJWT 2.15's fixed algorithm)
    (RSA_PUB, make_token("PS256", RSA_KEY), ["RS256", "PS256"]),
    (RSA_PUB, make_token("PS256", RSA_KEY), None),
    (TEXT_KATS["rfc7520-4.2"][0], TEXT_KATS["rfc7520-4.2"][2], None),
    # the key's own alg, but not in the caller's allow-list
    (P256_PUB, make_token("ES256", P256), ["ES384"]),
    # "none" never verifies with a key
    (P256_PUB, f"{b64json({'alg': 'none'})}.{b64json(CLAIMS)}.", None),
], ids=["es256-key-rs256-token", "es256-key-rs256-token-both-allowed", "rs256-key-ps256-token-both-allowed",
        "rs256-key-ps256-token", "rfc7520-4.2-default-alg", "alg-not-in-algorithms", "alg-none"])
def test_pyjwk_with_a_mismatching_token_alg(jwk, token, algorithms):
    with pytest.raises(pyjwt.InvalidAlgorithmError):
        pyjwt.decode(token, pyjwt.PyJWK(jwk), algorithms=algorithms)
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(token, turbojwt.PyJWK(jwk), algorithms=algorithms)
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.Verifier(turbojwt.PyJWK(jwk), algorithms=algorithms).decode(token)


@pytest.mark.parametrize("algorithms", [[], (), ""], ids=["list", "tuple", "str"])
def test_pyjwk_with_an_empty_allow_list_accepts_nothing(algorithms):
    token = make_token("ES256", P256)
    with pytest.raises(pyjwt.InvalidAlgorithmError):
        pyjwt.decode(token, pyjwt.PyJWK(P256_PUB), algorithms=algorithms)
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(token, turbojwt.PyJWK(P256_PUB), algorithms=algorithms)


def test_key_set_with_an_empty_allow_list_accepts_nothing():
    token = make_token("ES256", P256)
    with pytest.raises(turbojwt.PyJWTError):
        turbojwt.Verifier({"keys": [P256_PUB]}, algorithms=[]).decode(token)


@pytest.mark.parametrize("members", [{"use": "enc"}, {"key_ops": ["encrypt"]}, {"key_ops": []}, {"key_ops": "verify"}])
def test_pyjwk_not_for_signatures_is_refused_as_a_key(members):
    # Beyond PyJWT (which verifies with any key): RFC 7517 4.2/4.3 keys marked for
    # encryption, or whose key_ops lack "verify", never verify a signature.
    jwk = jwk_of(P256, **members)
    token = make_token("ES256", P256)
    assert pyjwt.decode(token, pyjwt.PyJWK(jwk)) == CLAIMS
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(token, turbojwt.PyJWK(jwk))
    # key_ops with "verify" among others is fine
    assert turbojwt.decode(token, turbojwt.PyJWK(jwk_of(P256, key_ops=["sign", "verify"]))) == CLAIMS


# ======================================================================
# 5. OpenSSH public keys; HMAC confusion with every public-key format


SSH_CASES = {"RS256": RSA_KEY, "PS512": RSA_KEY, "ES256": P256, "ES384": P384, "ES512": P521, "EdDSA": ED25519}


@pytest.mark.parametrize("alg", sorted(SSH_CASES))
def test_ssh_public_keys_verify_pyjwt_tokens(alg):
    key = SSH_CASES[alg]
    ssh = openssh(key)
    assert ssh.startswith((b"ssh-rsa ", b"ecdsa-sha2-nistp", b"ssh-ed25519 "))
    token = pyjwt.encode(CLAIMS, key, algorithm=alg)
    assert pyjwt.decode(token, ssh, algorithms=[alg]) == CLAIMS
    for form in (ssh, ssh.decode(), ssh + b" alice@example.org\n", ssh.decode() + " alice@example.org"):
        assert turbojwt.decode(token, form, algorithms=[alg]) == CLAIMS
        assert turbojwt.Verifier(form, algorithms=[alg]).decode(token) == CLAIMS
        with pytest.raises(turbojwt.InvalidSignatureError):
            turbojwt.decode(flip_signature(token), form, algorithms=[alg])


@pytest.mark.parametrize("alg, signer, ssh_key", [
    ("ES256", P256, P384),
    ("ES384", P384, P256),
    ("ES512", P521, P384),
    ("EdDSA", ED25519, P256),
    ("RS256", RSA_KEY, ED25519),
    ("ES256", P256, RSA_KEY),
])
def test_ssh_key_of_the_wrong_curve_or_family(alg, signer, ssh_key):
    token = make_token(alg, signer)
    ssh = openssh(ssh_key)
    theirs = outcome(lambda: pyjwt.decode(token, ssh, algorithms=[alg]))
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(token, ssh, algorithms=[alg])
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.Verifier(ssh.decode(), algorithms=[alg]).decode(token)
    # Where PyJWT raises one of its own errors it is the same class; for some family
    # mismatches it leaks TypeError ("Expecting a PEM-formatted key") or, for an
    # ssh-rsa key under ES256, ValueError from cryptography's SSH loader.
    assert theirs in (("raises", "InvalidKeyError"), ("raises", "TypeError"), ("raises", "ValueError"))


def _public_key_texts() -> dict[str, bytes]:
    cert = certificate(RSA_KEY)
    return {
        "pem-spki-rsa": pem(RSA_KEY),
        "pem-pkcs1-rsa": RSA_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.PKCS1),
        "pem-spki-ec": pem(P256),
        "pem-spki-ed25519": pem(ED25519),
        "pem-private-ec": P256.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()),
        "der-spki-rsa": RSA_KEY.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
        "ssh-rsa": openssh(RSA_KEY),
        "ssh-ecdsa-p256": openssh(P256),
        "ssh-ecdsa-p384": openssh(P384),
        "ssh-ecdsa-p521": openssh(P521),
        "ssh-ed25519": openssh(ED25519),
        "ssh-rsa-with-comment": openssh(RSA_KEY) + b" alice@example.org\n",
        "jwk-json-rsa": json.dumps(jwk_of(RSA_KEY, kid="rsa")).encode(),
        "jwk-json-ec": json.dumps(P256_PUB).encode(),
        "jwk-json-okp": json.dumps(jwk_of(ED25519)).encode(),
        "jwks-json": json.dumps({"keys": [RSA_PUB]}).encode(),
        "certificate-pem": cert.public_bytes(Encoding.PEM),
        "certificate-der": cert.public_bytes(Encoding.DER),
    }


PUBLIC_KEY_TEXTS = _public_key_texts()


@pytest.mark.parametrize("form", sorted(PUBLIC_KEY_TEXTS))
def test_hmac_confusion_with_every_public_key_format(form):
    # RS/HS confusion (CVE-2016-10555, CVE-2022-29217): the attacker MACs with the
    # public key's text; that text must never serve as an HMAC secret.
    secret = PUBLIC_KEY_TEXTS[form]
    forged = hs256_forgery(secret)
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.decode(forged, secret, algorithms=["HS256"])
    keys = [secret] if form.startswith(("der-", "certificate-der")) else [secret, secret.decode()]
    for key in keys:
        for algorithms in (["HS256"], ["RS256", "ES256", "EdDSA", "HS256"]):
            with pytest.raises(turbojwt.InvalidKeyError):
                turbojwt.decode(forged, key, algorithms=algorithms)
            with pytest.raises(turbojwt.InvalidKeyError):
                turbojwt.Verifier(key, algorithms=algorithms).decode(forged)


def test_certificate_pem_verifies_rs256():
    # Beyond PyJWT 2.15.1 ("Could not parse the provided public key"): a certificate's
    # public key verifies.
    token = make_token("RS256", RSA_KEY)
    cert_pem = PUBLIC_KEY_TEXTS["certificate-pem"]
    assert turbojwt.decode(token, cert_pem, algorithms=["RS256"]) == CLAIMS
    assert turbojwt.decode(token, cert_pem.decode(), algorithms=["RS256"]) == CLAIMS


def test_oct_jwk_holding_public_key_text_is_refused():
    # Beyond PyJWT (whose HMACAlgorithm.from_jwk takes any bytes): an oct JWK whose
    # secret is a public key's PEM or SSH text is the confusion attack in JWK form.
    for form in ("pem-spki-rsa", "ssh-rsa", "jwk-json-rsa", "certificate-pem"):
        jwk = {"kty": "oct", "k": b64u(PUBLIC_KEY_TEXTS[form]), "kid": "oct"}
        pyjwt.PyJWK(jwk)
        with pytest.raises(turbojwt.InvalidKeyError):
            turbojwt.PyJWK(jwk)
    jwk = {"kty": "oct", "k": b64u(PUBLIC_KEY_TEXTS["pem-spki-rsa"]), "kid": "oct"}
    key_set = {"keys": [jwk_of(RSA_KEY, kid="rsa"), jwk]}
    assert [k.key_id for k in turbojwt.PyJWKSet.from_dict(key_set)] == ["rsa"]
    verifier = turbojwt.Verifier(key_set, algorithms=["RS256", "HS256"])
    signing_input = f"{b64json({'alg': 'HS256', 'kid': 'oct'})}.{b64json(CLAIMS)}"
    mac = hmac.new(PUBLIC_KEY_TEXTS["pem-spki-rsa"], signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(turbojwt.UnknownKeyError):
        verifier.decode(f"{signing_input}.{b64u(mac)}")
    signing_input = f"{b64json({'alg': 'HS256', 'kid': 'rsa'})}.{b64json(CLAIMS)}"
    mac = hmac.new(PUBLIC_KEY_TEXTS["pem-spki-rsa"], signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(turbojwt.InvalidKeyError):
        verifier.decode(f"{signing_input}.{b64u(mac)}")


# ======================================================================
# 6. JWK validation on import


def _b64_int(jwk: dict, name: str, change) -> dict:
    value = change(int.from_bytes(unb64u(jwk[name]), "big"))
    return {**jwk, name: uint(value)}


def _resized(jwk: dict, name: str, delta: int) -> dict:
    raw = unb64u(jwk[name])
    return {**jwk, name: b64u(raw[1:] if delta < 0 else b"\x00" + raw)}


OTHER_P256_D = jwk_of(P256_OTHER, private=True)["d"]
OTHER_ED25519_D = jwk_of(ed25519.Ed25519PrivateKey.generate(), private=True)["d"]

INVALID_JWKS = {
    # refused by PyJWT too (InvalidKeyError), and by turbojwt
    "p256-off-curve": _flip_y(P256_PUB),
    "p384-off-curve": _flip_y(jwk_of(P384)),
    "p521-off-curve": _flip_y(jwk_of(P521)),
    "secp256k1-off-curve": _flip_y(jwk_of(K256)),
    "p256-point-of-secp256k1": {**jwk_of(K256), "crv": "P-256"},
    "rsa-e-1": {**RSA_PUB, "e": uint(1)},
    "rsa-e-2": {**RSA_PUB, "e": uint(2)},
    "rsa-e-even": {**RSA_PUB, "e": uint(65536)},
    "p256-x-short": _resized(P256_PUB, "x", -1),
    "p256-x-long": _resized(P256_PUB, "x", +1),
    "p256-y-short": _resized(P256_PUB, "y", -1),
    "p521-x-short": _resized(jwk_of(P521), "x", -1),
    "p256-d-short": _resized(jwk_of(P256, private=True), "d", -1),
    "ed25519-x-short": _resized(jwk_of(ED25519), "x", -1),
    "ed25519-x-long": _resized(jwk_of(ED25519), "x", +1),
    "ed448-x-short": _resized(jwk_of(ED448, alg="EdDSA"), "x", -1),
    "p256-d-of-another-key": {**jwk_of(P256, private=True), "d": OTHER_P256_D},
    "ed25519-d-of-another-key": {**jwk_of(ED25519, private=True), "d": OTHER_ED25519_D},
}

# Stricter than PyJWT 2.15.1, on purpose (csrc/pkey_load.c, _keyformats._check_rsa_public).
STRICTER_JWKS = {
    "rsa-n-even": _b64_int(RSA_PUB, "n", lambda n: n ^ 1),
    "rsa-n-too-small": {**RSA_PUB, "n": uint(0xC5 << 256 | 1)},
}

# A private RSA JWK whose private members do not belong to its n and e.
RSA_PRIVATE = jwk_of(RSA_KEY, private=True)
INCONSISTENT_RSA = {
    "rsa-d-changed": _b64_int(RSA_PRIVATE, "d", lambda d: d ^ 2),
    "rsa-d-changed-without-crt": {
        k: v for k, v in _b64_int(RSA_PRIVATE, "d", lambda d: d ^ 2).items() if k not in ("p", "q", "dp", "dq", "qi")
    },
    "rsa-dp-changed": _b64_int(RSA_PRIVATE, "dp", lambda v: v ^ 2),
    "rsa-qi-changed": _b64_int(RSA_PRIVATE, "qi", lambda v: v ^ 2),
    "rsa-p-q-swapped": {**RSA_PRIVATE, "p": RSA_PRIVATE["q"], "q": RSA_PRIVATE["p"]},
}


@pytest.mark.parametrize("name", sorted(INVALID_JWKS))
def test_invalid_jwk_is_refused_on_import(name):
    jwk = INVALID_JWKS[name]
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.PyJWK(jwk)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK(jwk)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK.from_json(json.dumps(jwk))


@pytest.mark.parametrize("name", sorted(STRICTER_JWKS))
def test_jwk_refused_where_pyjwt_is_looser(name):
    jwk = STRICTER_JWKS[name]
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK(jwk)


def test_key_set_skips_invalid_keys_like_pyjwt():
    members = [{**jwk, "kid": name} for name, jwk in sorted(INVALID_JWKS.items())]
    members.insert(3, jwk_of(P256, kid="good"))
    assert [k.key_id for k in pyjwt.PyJWKSet(members)] == ["good"]
    assert [k.key_id for k in turbojwt.PyJWKSet(members)] == ["good"]
    with pytest.raises(turbojwt.PyJWKSetError):
        turbojwt.PyJWKSet([m for m in members if m["kid"] != "good"])
    verifier = turbojwt.Verifier({"keys": members}, algorithms=["ES256", "ES384", "ES512", "RS256", "EdDSA"])
    assert verifier.decode(make_token("ES256", P256)) == CLAIMS  # the one usable key, token without kid
    with pytest.raises(turbojwt.UnknownKeyError):
        verifier.decode(make_token("ES256", P256, kid="p256-off-curve"))


@pytest.mark.parametrize("name", sorted(INCONSISTENT_RSA))
def test_inconsistent_rsa_private_jwk_is_refused(name):
    jwk = INCONSISTENT_RSA[name]
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.PyJWK(jwk)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK(jwk)


def test_key_set_skips_inconsistent_rsa_private_keys_like_pyjwt():
    members = [{**jwk, "kid": name} for name, jwk in sorted(INCONSISTENT_RSA.items())]
    members.append(jwk_of(P256, kid="good"))
    assert [k.key_id for k in pyjwt.PyJWKSet(members)] == ["good"]
    assert [k.key_id for k in turbojwt.PyJWKSet(members)] == ["good"]


def test_consistent_private_jwks_load_and_verify():
    # The counterpart of the refusals above: a correct private JWK of every kind loads.
    for alg, key in (("RS256", RSA_KEY), ("ES256", P256), ("ES512", P521), ("ES256K", K256),
                     ("EdDSA", ED25519), ("EdDSA", ED448)):
        token = make_token(alg, key)
        jwk = jwk_of(key, private=True, alg=alg)
        assert turbojwt.decode(token, turbojwt.PyJWK(jwk)) == CLAIMS
    d_only = {k: v for k, v in RSA_PRIVATE.items() if k not in ("p", "q", "dp", "dq", "qi")}
    assert turbojwt.decode(make_token("RS256", RSA_KEY), turbojwt.PyJWK(d_only)) == CLAIMS


# ======================================================================
# 7. Hostile signatures: the same exception class as PyJWT, every asymmetric alg


def _ecdsa_variants(alg: str, key, good: str) -> dict[str, str]:
    raw = signature_of(good)
    size = len(raw) // 2
    n = CURVE_ORDER[key.curve.name]
    r, s = int.from_bytes(raw[:size], "big"), int.from_bytes(raw[size:], "big")

    def rs(a: int, b: int) -> str:
        return with_signature(good, a.to_bytes(size, "big") + b.to_bytes(size, "big"))

    out = {
        "der-signature": with_signature(good, encode_dss_signature(r, s)),
        "psychic-zero": rs(0, 0),  # CVE-2022-21449
        "psychic-order": rs(n, n),
        "r-zero": rs(0, s),
        "s-zero": rs(r, 0),
        "r-order": rs(n, s),
        "s-order": rs(r, n),
        "r-s-swapped": rs(s, r),
        "high-s": rs(r, n - s),  # JWS has no low-s rule: valid in both
    }
    if key.curve.name == "secp521r1":
        # 66 bytes hold 528 bits, so r + n and s + n (equal to r and s modulo n) fit:
        # out-of-range values must be refused, not reduced.
        out["r-plus-order"] = rs(r + n, s)
        out["s-plus-order"] = rs(r, s + n)
    return out


def _variants(alg: str, key) -> dict[str, str]:
    good = make_token(alg, key, kid="k")
    raw = signature_of(good)
    head, payload, _ = good.split(".")
    expired = make_token(alg, key, payload={**CLAIMS, "exp": NOW - 3600}, kid="k")
    out = {
        "valid": good,
        "tampered-payload": f"{head}.{b64json({**CLAIMS, 'sub': 'admin'})}.{b64u(raw)}",
        "tampered-header": f"{b64json({'alg': alg, 'kid': 'k', 'typ': 'JWT'})}.{payload}.{b64u(raw)}",
        "flipped-bit": flip_signature(good),
        "truncated-signature": with_signature(good, raw[:-1]),
        "half-signature": with_signature(good, raw[: len(raw) // 2]),
        "empty-signature": with_signature(good, b""),
        "extended-signature": with_signature(good, raw + b"\x00"),
        "zero-prefixed-signature": with_signature(good, b"\x00" + raw),
        "all-zero-signature": with_signature(good, bytes(len(raw))),
        "all-ones-signature": with_signature(good, b"\xff" * len(raw)),
        "doubled-signature": with_signature(good, raw + raw),
        "expired": expired,
        "expired-bad-signature": flip_signature(expired),
        "not-yet-valid": make_token(alg, key, payload={**CLAIMS, "nbf": NOW + 3600}, kid="k"),
    }
    if alg.startswith("ES"):
        out.update(_ecdsa_variants(alg, key, good))
    elif alg.startswith(("RS", "PS")):
        modulus = key.public_key().public_numbers().n
        other = ("PS" if alg.startswith("RS") else "RS") + alg[2:]
        signing_input = good.rsplit(".", 1)[0].encode()
        out["other-rsa-padding"] = with_signature(good, raw_sign(other, key, signing_input))
        out["modulus-as-signature"] = with_signature(good, modulus.to_bytes(len(raw), "big"))
        out["other-hash"] = with_signature(good, raw_sign(alg[:2] + ("384" if alg[2:] != "384" else "512"), key,
                                                          signing_input))
    else:
        half = len(raw) // 2
        s = int.from_bytes(raw[half:], "little")
        if isinstance(key, ed25519.Ed25519PrivateKey):
            # RFC 8032 5.1.7: S must be < L; S + L is the malleated, non-canonical form.
            out["s-plus-l"] = with_signature(good, raw[:half] + (s + ED25519_L).to_bytes(half, "little"))
        out["r-zero"] = with_signature(good, bytes(half) + raw[half:])
    return out


VARIANTS = {sid: _variants(alg, key) for sid, (alg, key) in SIGNING.items()}
DIFF_PARAMS = [(sid, name) for sid in SIGNING for name in VARIANTS[sid]]
ACCEPTED = {"valid", "high-s"}
EXPECTED_CLASS = {"expired": "ExpiredSignatureError", "not-yet-valid": "ImmatureSignatureError"}


@pytest.mark.parametrize("sid, variant", DIFF_PARAMS, ids=[f"{s}-{v}" for s, v in DIFF_PARAMS])
def test_same_outcome_as_pyjwt(sid, variant):
    alg, key = SIGNING[sid]
    token = VARIANTS[sid][variant]
    public = key.public_key()
    theirs = outcome(lambda: pyjwt.decode(token, public, algorithms=[alg]))
    if variant in ACCEPTED:
        want = ("returns", CLAIMS)
    else:
        want = ("raises", EXPECTED_CLASS.get(variant, "InvalidSignatureError"))
    assert theirs == want  # pins the reference too
    assert outcome(lambda: turbojwt.decode(token, public, algorithms=[alg])) == theirs
    assert outcome(lambda: turbojwt.decode(token, pem(public), algorithms=[alg])) == theirs
    # the same through a key set (the token's kid picks the key) and through a PyJWK
    key_set = {"keys": [jwk_of(key, kid="k"), jwk_of(P256_OTHER, kid="other")]}
    assert outcome(lambda: turbojwt.Verifier(key_set, algorithms=[alg]).decode(token)) == theirs
    assert outcome(lambda: turbojwt.decode(token, turbojwt.PyJWK(jwk_of(key), algorithm=alg))) == theirs


def _sign_with_hash(key, hash_cls, signing_input: bytes) -> bytes:
    """Raw r||s of an ECDSA signature with any hash (to put a P-256 signature under ES384)."""
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hash_cls())))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _curve_mismatch_token(alg: str, key, hash_cls) -> str:
    signing_input = f"{b64json({'alg': alg, 'kid': 'k'})}.{b64json(CLAIMS)}"
    return f"{signing_input}.{b64u(_sign_with_hash(key, hash_cls, signing_input.encode()))}"


MISMATCHES = {
    # name: (token, verifying key, allowed algorithms)
    "es256-token-p384-key": (make_token("ES256", P256, kid="k"), P384, ["ES256"]),
    "es384-token-p256-key": (make_token("ES384", P384, kid="k"), P256, ["ES384"]),
    "es512-token-p384-key": (make_token("ES512", P521, kid="k"), P384, ["ES512"]),
    "es256k-token-p256-key": (make_token("ES256K", K256, kid="k"), P256, ["ES256K"]),
    "es256-token-secp256k1-key": (make_token("ES256", P256, kid="k"), K256, ["ES256"]),
    # a signature that does verify on the key's curve, put under another curve's alg
    "es384-header-p256-signature": (_curve_mismatch_token("ES384", P256, hashes.SHA384), P256, ["ES256", "ES384"]),
    "es512-header-p384-signature": (_curve_mismatch_token("ES512", P384, hashes.SHA512), P384, ["ES384", "ES512"]),
    "eddsa-token-rsa-key": (make_token("EdDSA", ED25519, kid="k"), RSA_KEY, ["EdDSA"]),
    "eddsa-token-p256-key": (make_token("EdDSA", ED25519, kid="k"), P256, ["EdDSA"]),
    "rs256-token-p256-key": (make_token("RS256", RSA_KEY, kid="k"), P256, ["RS256"]),
    "ps256-token-ed25519-key": (make_token("PS256", RSA_KEY, kid="k"), ED25519, ["PS256"]),
    "es256-token-rsa-key": (make_token("ES256", P256, kid="k"), RSA_KEY, ["ES256"]),
    "es256-token-ed448-key": (make_token("ES256", P256, kid="k"), ED448, ["ES256"]),
}


@pytest.mark.parametrize("name", sorted(MISMATCHES))
def test_curve_or_family_mismatch_is_an_invalid_key_error(name):
    token, key, algorithms = MISMATCHES[name]
    public = key.public_key()
    theirs = outcome(lambda: pyjwt.decode(token, public, algorithms=algorithms))
    # PyJWT raises InvalidKeyError, except that for some family mismatches it leaks
    # TypeError ("Expecting a PEM-formatted key"); turbojwt names the problem always.
    assert theirs in (("raises", "InvalidKeyError"), ("raises", "TypeError"))
    for form in (public, pem(public)):
        with pytest.raises(turbojwt.InvalidKeyError):
            turbojwt.decode(token, form, algorithms=algorithms)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.Verifier({"keys": [jwk_of(key, kid="k")]}, algorithms=algorithms).decode(token)
    alg = turbojwt.get_unverified_header(token)["alg"]
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.PyJWK(jwk_of(key), algorithm=alg)
