"""turbojwt.encode against PyJWT 2.15.1's jwt.encode.

HS*, RS* and EdDSA are deterministic: the tokens must be byte for byte
PyJWT's. PS* and ES* are randomized: PyJWT must verify turbojwt's tokens.
"""

from __future__ import annotations

import datetime
import warnings

import jwt as pyjwt
import pytest

import turbojwt

crypto = pytest.importorskip("cryptography")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402

CLAIMS = {"sub": "user-1", "name": "Zoë", "iat": 1700000000, "exp": 4102444800, "aud": ["a", "b"], "n": 1.5}
SECRET = "a-secret-of-at-least-thirty-two-bytes!!"


@pytest.fixture(scope="module")
def keys():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "RS256": rsa_key, "RS384": rsa_key, "RS512": rsa_key, "PS256": rsa_key, "PS384": rsa_key,
        "PS512": rsa_key,
        "ES256": ec.generate_private_key(ec.SECP256R1()), "ES384": ec.generate_private_key(ec.SECP384R1()),
        "ES512": ec.generate_private_key(ec.SECP521R1()), "ES256K": ec.generate_private_key(ec.SECP256K1()),
        "EdDSA": ed25519.Ed25519PrivateKey.generate(),
    }


def _pem(key, fmt=serialization.PrivateFormat.PKCS8) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_tokens_are_pyjwts(alg):
    secret = SECRET * 2
    for headers in (None, {"kid": "k1"}, {"typ": None, "cty": "x"}, {"alg": alg, "z": 1, "a": [1, 2]}):
        assert turbojwt.encode(CLAIMS, secret, algorithm=alg, headers=headers) == pyjwt.encode(
            CLAIMS, secret, algorithm=alg, headers=headers
        )


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512", "EdDSA"])
def test_deterministic_tokens_are_pyjwts(keys, alg):
    expected = pyjwt.encode(CLAIMS, keys[alg], algorithm=alg, headers={"kid": "k1"})
    for key in (keys[alg], _pem(keys[alg]), _pem(keys[alg]).decode()):
        assert turbojwt.encode(CLAIMS, key, algorithm=alg, headers={"kid": "k1"}) == expected


@pytest.mark.parametrize("alg", ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K"])
def test_randomized_tokens_verify_in_pyjwt(keys, alg):
    token = turbojwt.encode(CLAIMS, keys[alg], algorithm=alg)
    assert pyjwt.decode(token, keys[alg].public_key(), algorithms=[alg], audience="a") == CLAIMS
    assert token.split(".")[:2] == pyjwt.encode(CLAIMS, keys[alg], algorithm=alg).split(".")[:2]


def test_traditional_private_key_formats(keys):
    pkcs1 = _pem(keys["RS256"], serialization.PrivateFormat.TraditionalOpenSSL)
    sec1 = _pem(keys["ES256"], serialization.PrivateFormat.TraditionalOpenSSL)
    assert b"RSA PRIVATE KEY" in pkcs1 and b"EC PRIVATE KEY" in sec1
    assert turbojwt.encode(CLAIMS, pkcs1, algorithm="RS256") == pyjwt.encode(CLAIMS, keys["RS256"], algorithm="RS256")
    token = turbojwt.encode(CLAIMS, sec1, algorithm="ES256")
    assert pyjwt.decode(token, keys["ES256"].public_key(), algorithms=["ES256"], audience="a") == CLAIMS


def test_datetime_claims_and_defaults():
    now = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    claims = {"exp": now, "iat": now, "nbf": now, "sub": "x"}
    assert turbojwt.encode(claims, SECRET) == pyjwt.encode(claims, SECRET)
    options = {"verify_iat": False, "verify_nbf": False}  # 2030 is in the future
    assert turbojwt.decode(turbojwt.encode(claims, SECRET), SECRET, algorithms=["HS256"], options=options)["exp"] == (
        1893553445
    )


def test_unsorted_headers_and_detached_payload():
    assert turbojwt.encode(CLAIMS, SECRET, headers={"z": 1, "kid": "a"}, sort_headers=False) == pyjwt.encode(
        CLAIMS, SECRET, headers={"z": 1, "kid": "a"}, sort_headers=False
    )
    detached = turbojwt.encode(CLAIMS, SECRET, headers={"b64": False})
    assert detached == pyjwt.encode(CLAIMS, SECRET, headers={"b64": False})
    assert detached.split(".")[1] == ""


def test_none_algorithm():
    assert turbojwt.encode(CLAIMS, None, algorithm=None) == pyjwt.encode(CLAIMS, None, algorithm=None)
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.encode(CLAIMS, "a key", algorithm="none")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: turbojwt.encode(["not", "a", "dict"], SECRET), TypeError),
        (lambda: turbojwt.encode({"iss": 5}, SECRET), TypeError),
        (lambda: turbojwt.encode(CLAIMS, SECRET, headers={"kid": 5}), turbojwt.InvalidTokenError),
        (lambda: turbojwt.encode(CLAIMS, SECRET, algorithm="HS1024"), NotImplementedError),
        (lambda: turbojwt.encode(CLAIMS, ""), turbojwt.InvalidKeyError),
    ],
)
def test_errors_are_pyjwts(call, error):
    with pytest.raises(error):
        call()


def test_public_or_encrypted_keys_cannot_sign(keys):
    public_pem = keys["RS256"].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(turbojwt.InvalidKeyError, match="public"):
        turbojwt.encode(CLAIMS, public_pem, algorithm="RS256")
    encrypted = keys["RS256"].private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"password"),
    )
    with pytest.raises(turbojwt.InvalidKeyError, match="encrypted"):
        turbojwt.encode(CLAIMS, encrypted, algorithm="RS256")
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.encode(CLAIMS, keys["ES256"], algorithm="RS256")


def test_short_hmac_key_warns():
    with pytest.warns(turbojwt.InsecureKeyLengthWarning, match="10 bytes"):
        turbojwt.encode(CLAIMS, "short-key!", algorithm="HS256")


def test_pyjwk_signs_with_its_algorithm(keys):
    from jwt.algorithms import ECAlgorithm

    jwk = turbojwt.PyJWK(ECAlgorithm.to_jwk(keys["ES256"], as_dict=True))
    token = turbojwt.encode(CLAIMS, jwk)
    assert turbojwt.get_unverified_header(token)["alg"] == "ES256"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pyjwt.decode(token, keys["ES256"].public_key(), algorithms=["ES256"], audience="a") == CLAIMS
