"""turbojwt.algorithms, turbojwt.utils and turbojwt.types against PyJWT 2.15.1's modules.

Differential where possible: the same inputs go to ``jwt.algorithms.X`` and
``turbojwt.algorithms.X`` and the outputs (JWK dicts and their JSON text, key
numbers, deterministic signatures, warning messages) or exception classes are
compared; signatures made by one library are verified by the other. Where
turbojwt deliberately differs (every malformed key is an InvalidKeyError,
a slightly wider HMAC-secret guard), the test says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import turbojwt
from hypothesis import given
from hypothesis import strategies as st
from turbojwt import algorithms as tj_alg
from turbojwt import types as tj_types
from turbojwt import utils as tj_utils
from turbojwt.exceptions import InvalidKeyError

pyjwt = pytest.importorskip("jwt")
pytest.importorskip("cryptography")

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa  # noqa: E402
from jwt import algorithms as py_alg  # noqa: E402
from jwt import exceptions as py_exceptions  # noqa: E402
from jwt import types as py_types  # noqa: E402
from jwt import utils as py_utils  # noqa: E402

MSG = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0dXJib2p3dCJ9"

# --------------------------------------------------------------------------
# Keys, generated once per test run


@pytest.fixture(scope="module")
def keys():
    rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "rsa": rsa2048,
        "rsa1024": rsa.generate_private_key(public_exponent=65537, key_size=1024),
        "P-256": ec.generate_private_key(ec.SECP256R1()),
        "P-384": ec.generate_private_key(ec.SECP384R1()),
        "P-521": ec.generate_private_key(ec.SECP521R1()),
        "secp256k1": ec.generate_private_key(ec.SECP256K1()),
        "secp192r1": ec.generate_private_key(ec.SECP192R1()),
        "Ed25519": ed25519.Ed25519PrivateKey.generate(),
        "Ed448": ed448.Ed448PrivateKey.generate(),
    }


# (algorithm name, key name); the HMAC ones use a secret.
ASYMMETRIC_CASES = [
    ("RS256", "rsa"), ("RS384", "rsa"), ("RS512", "rsa"),
    ("PS256", "rsa"), ("PS384", "rsa"), ("PS512", "rsa"),
    ("ES256", "P-256"), ("ES384", "P-384"), ("ES512", "P-521"), ("ES521", "P-521"),
    ("ES256K", "secp256k1"),
    ("EdDSA", "Ed25519"), ("EdDSA", "Ed448"),
]
DETERMINISTIC = {"RS256", "RS384", "RS512", "EdDSA"}
HMAC_SECRET = b"an HMAC secret that is long enough for HS512 .........................."


def both(name):
    """(turbojwt's, PyJWT's) default algorithm objects for name."""
    return tj_alg.get_default_algorithms()[name], py_alg.get_default_algorithms()[name]


def outcome(call):
    """("ok", value) or ("raises", exception class name): the two libraries have their own classes."""
    try:
        return ("ok", call())
    except Exception as exc:  # noqa: BLE001
        return ("raises", type(exc).__name__)


def pem(key, private=True):
    if private:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


# --------------------------------------------------------------------------
# The module's shape


def test_default_algorithms_match_pyjwt():
    ours, theirs = tj_alg.get_default_algorithms(), py_alg.get_default_algorithms()
    assert list(ours) == list(theirs)
    for name in ours:
        assert type(ours[name]).__name__ == type(theirs[name]).__name__
        assert getattr(ours[name], "hash_alg", None) is getattr(theirs[name], "hash_alg", None)
        assert getattr(ours[name], "expected_curve", None) is getattr(theirs[name], "expected_curve", None)
    assert tj_alg.requires_cryptography == py_alg.requires_cryptography
    assert tj_alg.has_crypto is True
    # Fresh objects on every call, as in PyJWT.
    assert tj_alg.get_default_algorithms()["HS256"] is not ours["HS256"]


def test_public_names_exist():
    for name in ("Algorithm", "NoneAlgorithm", "HMACAlgorithm", "RSAAlgorithm", "RSAPSSAlgorithm",
                 "ECAlgorithm", "OKPAlgorithm", "AllowedRSAKeys", "AllowedECKeys", "AllowedOKPKeys",
                 "AllowedKeys", "AllowedPrivateKeys", "AllowedPublicKeys"):
        assert hasattr(tj_alg, name), name
    assert issubclass(tj_alg.RSAPSSAlgorithm, tj_alg.RSAAlgorithm)
    assert tj_alg.HMACAlgorithm.SHA256 is hashlib.sha256
    assert tj_alg.RSAAlgorithm.SHA384 is hashes.SHA384
    with pytest.raises(TypeError):
        tj_alg.Algorithm()  # abstract


def test_custom_algorithm_subclass():
    class Reversed(tj_alg.Algorithm):
        def prepare_key(self, key):
            return key

        def sign(self, msg, key):
            return msg[::-1]

        def verify(self, msg, key, sig):
            return sig == msg[::-1]

        @staticmethod
        def to_jwk(key_obj, as_dict=False):
            raise NotImplementedError

        @staticmethod
        def from_jwk(jwk):
            raise NotImplementedError

    algo = Reversed()
    assert algo.verify(b"abc", None, algo.sign(b"abc", None))
    assert algo.check_key_length(b"") is None
    with pytest.raises(NotImplementedError):
        algo.compute_hash_digest(b"x")  # no hash_alg
    with pytest.raises(ValueError):
        algo.check_crypto_key_type("key")


def test_types_match_pyjwt():
    for name in ("SigOptions", "Options", "FullOptions"):
        ours, theirs = getattr(tj_types, name), getattr(py_types, name)
        assert list(ours.__annotations__) == list(theirs.__annotations__), name
        assert ours.__required_keys__ == theirs.__required_keys__, name
        assert ours.__optional_keys__ == theirs.__optional_keys__, name
    assert tj_types.JWKDict == py_types.JWKDict


def test_import_without_cryptography():
    """Blocking cryptography: turbojwt.algorithms still imports, with HMAC and none only."""
    src = Path(turbojwt.__file__).resolve().parent.parent
    script = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "cryptography" or name.startswith("cryptography."):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, Block())
        from turbojwt import algorithms, utils

        assert algorithms.has_crypto is False
        assert sorted(algorithms.get_default_algorithms()) == ["HS256", "HS384", "HS512", "none"]
        assert not hasattr(algorithms, "RSAAlgorithm")
        hs = algorithms.HMACAlgorithm(algorithms.HMACAlgorithm.SHA256)
        key = hs.prepare_key("secret")
        assert hs.verify(b"msg", key, hs.sign(b"msg", key))
        assert utils.base64url_encode(b"\\xff") == b"_w"
        try:
            algorithms.NoneAlgorithm().check_crypto_key_type("key")
        except ValueError:
            pass
        else:
            raise AssertionError("check_crypto_key_type must raise ValueError")
        assert "cryptography" not in sys.modules
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(src)}, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


# --------------------------------------------------------------------------
# HMAC


@pytest.mark.parametrize("name", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("msg", [b"", b"x", MSG, bytes(range(256)) * 5])
def test_hmac_sign_verify_match(name, msg):
    ours, theirs = both(name)
    key = ours.prepare_key(HMAC_SECRET)
    assert key == theirs.prepare_key(HMAC_SECRET)
    sig = ours.sign(msg, key)
    assert sig == theirs.sign(msg, key)
    assert ours.verify(msg, key, sig) and theirs.verify(msg, key, sig)
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    assert not ours.verify(msg, key, bad)
    assert not ours.verify(msg, key, sig[:-1])
    assert not ours.verify(msg, key, b"")
    assert ours.compute_hash_digest(msg) == theirs.compute_hash_digest(msg)


def test_hmac_other_hash_and_types_fall_back_to_python():
    ours = tj_alg.HMACAlgorithm(hashlib.sha1)
    theirs = py_alg.HMACAlgorithm(hashlib.sha1)
    assert ours.sign(MSG, b"k") == theirs.sign(MSG, b"k")
    assert ours.verify(MSG, b"k", theirs.sign(MSG, b"k"))
    hs = tj_alg.HMACAlgorithm(tj_alg.HMACAlgorithm.SHA256)
    assert hs.sign(bytearray(MSG), b"k") == py_alg.HMACAlgorithm(hashlib.sha256).sign(bytearray(MSG), b"k")
    # A str signature is a TypeError in both (hmac.compare_digest).
    with pytest.raises(TypeError):
        hs.verify(MSG, b"k", "sig")
    with pytest.raises(TypeError):
        py_alg.HMACAlgorithm(hashlib.sha256).verify(MSG, b"k", "sig")


@pytest.mark.parametrize("name", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("length", [1, 31, 32, 47, 48, 63, 64, 100])
def test_hmac_check_key_length_matches(name, length):
    ours, theirs = both(name)
    assert ours.check_key_length(b"k" * length) == theirs.check_key_length(b"k" * length)


def _rsa_der_inputs(keys):
    public = keys["rsa"].public_key()
    return [
        public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
        public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1),
    ]


def test_hmac_prepare_key_matches_pyjwt(keys):
    jwk = py_alg.RSAAlgorithm.to_jwk(keys["rsa"].public_key())
    secrets = [
        "awesome", b"awesome", b"\x30\x82not-a-der-key", '{"no": "kty"}', "[1, 2, 3]",
        "é unicode secret",
        pem(keys["rsa"]), pem(keys["rsa"], private=False), pem(keys["P-256"], private=False),
        pem(keys["rsa"], private=False).replace(b"\n", b""),
        pem(keys["rsa"], private=False).replace(b"\n", b"\r"),
        b"ssh-rsa AAAA", b"ssh-ed25519 AAAA", b"ecdsa-sha2-nistp256 AAAA",
        jwk, json.dumps({"keys": [json.loads(jwk)]}), json.dumps([[json.loads(jwk)]]),
        b"\xef\xbb\xbf" + jwk.encode(), jwk.encode("utf-16"),
        b"-----BEGIN PUBLIC KEY-----" * 20,
        *_rsa_der_inputs(keys),
    ]
    for secret in secrets:
        ours = outcome(lambda: tj_alg.HMACAlgorithm(hashlib.sha256).prepare_key(secret))
        theirs = outcome(lambda: py_alg.HMACAlgorithm(hashlib.sha256).prepare_key(secret))
        assert ours == theirs, secret


@pytest.mark.parametrize("bad", [None, 1, object(), ["k"]])
def test_hmac_prepare_key_type_error(bad):
    with pytest.raises(TypeError, match="Expected a string or bytes value"):
        tj_alg.HMACAlgorithm(hashlib.sha256).prepare_key(bad)


@pytest.mark.parametrize("empty", ["", b""])
def test_hmac_empty_key(empty):
    with pytest.raises(InvalidKeyError, match="must not be empty"):
        tj_alg.HMACAlgorithm(hashlib.sha256).prepare_key(empty)


def test_hmac_guard_matches_pyjwt_for_json_too_deep_to_parse():
    """JSON too deep to parse: refused only when it is an object, or a list with a "kty" member name."""
    plain = b"[" * 1100 + b"0" + b"]" * 1100
    assert py_alg.HMACAlgorithm(hashlib.sha256).prepare_key(plain) == plain
    assert tj_alg.HMACAlgorithm(hashlib.sha256).prepare_key(plain) == plain
    with_kty = b'[{"kty":"oct","n":' + b"[" * 1100 + b"0" + b"]" * 1100 + b"}]"
    with pytest.raises(py_exceptions.InvalidKeyError, match="looks like a JWK"):
        py_alg.HMACAlgorithm(hashlib.sha256).prepare_key(with_kty)
    with pytest.raises(InvalidKeyError, match="looks like a JWK"):
        tj_alg.HMACAlgorithm(hashlib.sha256).prepare_key(with_kty)


@pytest.mark.parametrize("secret", [b"s", b"secret", bytes(range(256)), "unicode é"])
@pytest.mark.parametrize("as_dict", [False, True])
def test_hmac_jwk_round_trip(secret, as_dict):
    ours = tj_alg.HMACAlgorithm.to_jwk(secret, as_dict=as_dict)
    assert ours == py_alg.HMACAlgorithm.to_jwk(secret, as_dict=as_dict)
    expected = secret.encode() if isinstance(secret, str) else secret
    assert tj_alg.HMACAlgorithm.from_jwk(ours) == expected
    assert py_alg.HMACAlgorithm.from_jwk(ours) == expected


# --------------------------------------------------------------------------
# Public-key algorithms: sign in one library, verify in the other


@pytest.mark.parametrize(("name", "key_name"), ASYMMETRIC_CASES)
def test_sign_and_verify_across_libraries(keys, name, key_name):
    ours, theirs = both(name)
    private = keys[key_name]
    public = private.public_key()
    for msg in (MSG, b"", bytes(range(256)) * 3):
        sig = ours.sign(msg, ours.prepare_key(private))
        assert theirs.verify(msg, theirs.prepare_key(public), sig)
        assert ours.verify(msg, public, sig)
        assert ours.verify(msg, private, sig)  # a private key verifies too
        py_sig = theirs.sign(msg, private)
        assert ours.verify(msg, ours.prepare_key(public), py_sig)
        if name in DETERMINISTIC:
            assert sig == py_sig
        else:
            assert len(sig) == len(py_sig)
        bad = sig[:-1] + bytes([sig[-1] ^ 1])
        assert not ours.verify(msg, public, bad)
        assert not theirs.verify(msg, public, bad)
        assert not ours.verify(msg, public, sig[:-1])
        assert not ours.verify(msg + b".", public, sig)


def test_signing_goes_through_the_core_and_is_cached(keys, monkeypatch):
    calls = []
    real = tj_alg._core.sign_raw
    monkeypatch.setattr(tj_alg._core, "sign_raw", lambda *args: calls.append(args[1]) or real(*args))
    algos = tj_alg.get_default_algorithms()
    for name, key_name in ASYMMETRIC_CASES:
        algos[name].sign(MSG, keys[key_name])
    assert calls == [("ES512" if name == "ES521" else name) for name, _ in ASYMMETRIC_CASES]
    cache = tj_alg.PRIVATE_SIGNING_KEYS
    entry = cache.by_id[id(keys["rsa"])]
    assert entry[1] is keys["rsa"] and entry[0] is not None
    prepared = entry[0]
    algos["RS256"].sign(MSG, keys["rsa"])
    assert cache.by_id[id(keys["rsa"])][0] is prepared


def test_signing_cache_is_bounded():
    cache = tj_alg.PRIVATE_SIGNING_KEYS
    for _ in range(cache.capacity + 10):
        tj_alg.OKPAlgorithm().sign(MSG, ed25519.Ed25519PrivateKey.generate())
    assert len(cache.by_id) <= cache.capacity


def test_combinations_the_core_does_not_sign_fall_back(keys):
    """Non-standard curve/hash pairs, P-192 and non-bytes messages: cryptography signs, as in PyJWT."""
    cases = [
        (tj_alg.ECAlgorithm(hashes.SHA512), py_alg.ECAlgorithm(hashes.SHA512), keys["P-256"]),
        (tj_alg.ECAlgorithm(hashes.SHA256), py_alg.ECAlgorithm(hashes.SHA256), keys["secp192r1"]),
        (tj_alg.RSAAlgorithm(hashes.SHA224), py_alg.RSAAlgorithm(hashes.SHA224), keys["rsa"]),
        (tj_alg.RSAPSSAlgorithm(hashes.SHA256), py_alg.RSAPSSAlgorithm(hashes.SHA256), keys["rsa1024"]),
    ]
    for ours, theirs, key in cases:
        for msg in (MSG, bytearray(MSG)):
            sig = ours.sign(msg, key)
            assert theirs.verify(bytes(msg), key.public_key(), sig)
            assert ours.verify(bytes(msg), key.public_key(), sig)
    # PS512 needs a key of more than 1024 bits: cryptography's error, as in PyJWT.
    assert outcome(lambda: tj_alg.RSAPSSAlgorithm(hashes.SHA512).sign(MSG, keys["rsa1024"]))[0] == "raises"
    okp = tj_alg.OKPAlgorithm()
    sig = okp.sign("text message", keys["Ed25519"])
    assert okp.verify("text message", keys["Ed25519"].public_key(), sig)
    assert py_alg.OKPAlgorithm().verify(b"text message", keys["Ed25519"].public_key(), sig)


def test_signing_with_a_public_key_fails_like_pyjwt(keys):
    for name, key_name in [("RS256", "rsa"), ("ES256", "P-256"), ("EdDSA", "Ed25519")]:
        ours, theirs = both(name)
        public = keys[key_name].public_key()
        assert outcome(lambda: ours.sign(MSG, public)) == outcome(lambda: theirs.sign(MSG, public))


@pytest.mark.parametrize(("name", "key_name"), [("RS256", "rsa"), ("PS256", "rsa"), ("RS256", "rsa1024")])
def test_rsa_check_key_length_matches(keys, name, key_name):
    ours, theirs = both(name)
    for key in (keys[key_name], keys[key_name].public_key()):
        assert ours.check_key_length(key) == theirs.check_key_length(key)


@pytest.mark.parametrize(("name", "key_name"), ASYMMETRIC_CASES)
def test_compute_hash_digest_matches(name, key_name):
    ours, theirs = both(name)
    if name == "EdDSA":
        with pytest.raises(NotImplementedError):
            ours.compute_hash_digest(MSG)
    else:
        assert ours.compute_hash_digest(MSG) == theirs.compute_hash_digest(MSG)


# --------------------------------------------------------------------------
# prepare_key


def _same_key(a, b):
    assert type(a) is type(b) or (isinstance(a, type(b)) and isinstance(b, type(a)))
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    pub_a = a.public_key() if hasattr(a, "private_bytes") else a
    pub_b = b.public_key() if hasattr(b, "private_bytes") else b
    assert pub_a.public_bytes(serialization.Encoding.DER, fmt) == pub_b.public_bytes(serialization.Encoding.DER, fmt)


@pytest.mark.parametrize(("name", "key_name"), ASYMMETRIC_CASES)
def test_prepare_key_matches_pyjwt(keys, name, key_name):
    ours, theirs = both(name)
    private = keys[key_name]
    inputs = [private, private.public_key(), pem(private), pem(private).decode(),
              pem(private, private=False), pem(private, private=False).decode()]
    if key_name != "Ed448" and not key_name.startswith("secp"):
        inputs.append(private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                        serialization.PublicFormat.OpenSSH))
    for key in inputs:
        got = ours.prepare_key(key)
        _same_key(got, theirs.prepare_key(key))
        assert ours.prepare_key(got) is got  # idempotent


def test_prepare_key_refusals_match_pyjwt(keys):
    """Wrong key families, wrong curves and garbage: InvalidKeyError where PyJWT raises it.

    Where PyJWT lets a ValueError out of cryptography's loaders (EC and EdDSA
    garbage), turbojwt raises InvalidKeyError: a documented difference. A key
    object of another family is a TypeError for RSA and EC in both.
    """
    algos = tj_alg.get_default_algorithms()
    py_algos = py_alg.get_default_algorithms()
    inputs = [keys["rsa"], keys["P-256"], keys["P-384"], keys["Ed25519"], pem(keys["rsa"]),
              pem(keys["P-384"], private=False), pem(keys["Ed448"]), "not a key", b"ssh-rsa AAAAB3Nz",
              b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"]
    for name in ("RS256", "PS256", "ES256", "ES384", "EdDSA"):
        for key in inputs:
            ours = outcome(lambda: algos[name].prepare_key(key))
            theirs = outcome(lambda: py_algos[name].prepare_key(key))
            if theirs[0] == "ok":
                assert ours[0] == "ok", (name, key)
                _same_key(ours[1], theirs[1])
            elif theirs[1] in ("ValueError", "UnsupportedAlgorithm"):
                assert ours == ("raises", "InvalidKeyError"), (name, key)
            else:
                assert ours == theirs, (name, key)
    for name in ("RS256", "ES256"):
        for bad in (None, 1, {"kty": "RSA"}):
            with pytest.raises(TypeError, match="Expecting a PEM-formatted key"):
                algos[name].prepare_key(bad)
    with pytest.raises(InvalidKeyError):
        algos["EdDSA"].prepare_key(None)


def test_ec_expected_curve_message_matches(keys):
    for name, key_name in [("ES256", "P-384"), ("ES384", "P-256"), ("ES512", "P-256"), ("ES256K", "P-256"),
                           ("ES256", "secp192r1")]:
        ours, theirs = both(name)
        for key in (keys[key_name], pem(keys[key_name])):
            with pytest.raises(InvalidKeyError) as ours_exc:
                ours.prepare_key(key)
            with pytest.raises(pyjwt.InvalidKeyError) as theirs_exc:
                theirs.prepare_key(key)
            assert str(ours_exc.value) == str(theirs_exc.value)


def test_encrypted_pem_is_a_clear_invalid_key_error(keys):
    encrypted = keys["rsa"].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.BestAvailableEncryption(b"password"))
    with pytest.raises(InvalidKeyError, match="encrypted"):
        tj_alg.RSAAlgorithm(hashes.SHA256).prepare_key(encrypted)


# --------------------------------------------------------------------------
# JWK conversion


JWK_KEYS = ["rsa", "rsa1024", "P-256", "P-384", "P-521", "secp256k1", "Ed25519", "Ed448"]


def _jwk_class(key_name):
    if key_name.startswith("rsa"):
        return "RSAAlgorithm"
    return "OKPAlgorithm" if key_name.startswith("Ed") else "ECAlgorithm"


@pytest.mark.parametrize("key_name", JWK_KEYS)
@pytest.mark.parametrize("private", [True, False])
def test_to_jwk_is_pyjwt_exactly(keys, key_name, private):
    cls = _jwk_class(key_name)
    key = keys[key_name] if private else keys[key_name].public_key()
    ours, theirs = getattr(tj_alg, cls), getattr(py_alg, cls)
    # The JSON text, key order included, and the dict.
    assert ours.to_jwk(key) == theirs.to_jwk(key)
    assert ours.to_jwk(key, as_dict=False) == theirs.to_jwk(key, as_dict=False)
    as_dict = ours.to_jwk(key, as_dict=True)
    assert list(as_dict.items()) == list(theirs.to_jwk(key, as_dict=True).items())
    # Round trips, both ways.
    for jwk in (as_dict, json.dumps(as_dict)):
        back = ours.from_jwk(jwk)
        assert type(back) is type(theirs.from_jwk(jwk))
        assert ours.to_jwk(back, as_dict=True) == as_dict
    if private and key_name.startswith("rsa"):
        assert ours.from_jwk(as_dict).private_numbers() == key.private_numbers()


@pytest.mark.parametrize("cls", ["RSAAlgorithm", "ECAlgorithm", "OKPAlgorithm"])
def test_to_jwk_refuses_non_keys(keys, cls):
    for bad in ({"not": "a key"}, "text", keys["secp192r1"]):
        with pytest.raises(InvalidKeyError):
            getattr(tj_alg, cls).to_jwk(bad)


def test_rsa_from_jwk_recovers_crt_members(keys):
    full = tj_alg.RSAAlgorithm.to_jwk(keys["rsa"], as_dict=True)
    partial = {k: v for k, v in full.items() if k not in ("p", "q", "dp", "dq", "qi")}
    assert tj_alg.RSAAlgorithm.from_jwk(partial).private_numbers() == keys["rsa"].private_numbers()


def _malformed_jwks(keys):
    rsa_jwk = py_alg.RSAAlgorithm.to_jwk(keys["rsa"], as_dict=True)
    ec_jwk = py_alg.ECAlgorithm.to_jwk(keys["P-256"], as_dict=True)
    ed_jwk = py_alg.OKPAlgorithm.to_jwk(keys["Ed25519"], as_dict=True)
    ed448_jwk = py_alg.OKPAlgorithm.to_jwk(keys["Ed448"], as_dict=True)

    def edit(jwk, **changes):
        out = dict(jwk)
        for k, v in changes.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
        return out

    flipped_d = base64.urlsafe_b64decode(ed_jwk["d"] + "=")
    return {
        "RSAAlgorithm": [
            "{not json", "[]", 123, {"kty": "RSA"}, edit(rsa_jwk, kty="EC"), edit(rsa_jwk, p=None),
            edit(rsa_jwk, oth=[]), edit(rsa_jwk, n=None), edit(rsa_jwk, e=None),
            edit(rsa_jwk, d="AQAB"), edit(rsa_jwk, n=123), edit(rsa_jwk, d=None, p=None, q=None),
            edit(rsa_jwk, d=None), edit(rsa_jwk, p=None, q=None, dp=None, dq=None, qi=None, d="Aw"),
        ],
        "ECAlgorithm": [
            "<not json>", {"kty": "RSA"}, {"kty": "EC"}, {"kty": "EC", "x": "1"}, {"kty": "EC", "y": "1"},
            {"kty": "EC", "x": "dGVzdA==", "y": "dGVzdA=="},
            edit(ec_jwk, crv="P-384"), edit(ec_jwk, crv="P-192"), edit(ec_jwk, crv=["P-256"]),
            edit(ec_jwk, d="dGVzdA=="), edit(ec_jwk, y=ec_jwk["x"]), edit(ec_jwk, d=None, y=ec_jwk["x"]),
            edit(ec_jwk, d="A" * 43), edit(ec_jwk, x=7),
        ],
        "OKPAlgorithm": [
            123, "<not json>", edit(ed_jwk, kty="oct"), edit(ed_jwk, crv="P-256"), edit(ed_jwk, crv="Ed448"),
            edit(ed_jwk, crv="X25519"), edit(ed_jwk, x=None), edit(ed_jwk, x="123"), edit(ed_jwk, d="123"),
            edit(ed_jwk, d=base64.urlsafe_b64encode(bytes([flipped_d[0] ^ 1]) + flipped_d[1:]).decode().rstrip("=")),
            edit(ed448_jwk, x="AAAA"), edit(ed448_jwk, d=None, x="AAAA"),
        ],
        "HMACAlgorithm": ["{", {"kty": "oct", "k": ""}, {"kty": "RSA"}, {}, {"kty": "oct"}],
    }


def test_from_jwk_refusals_match_pyjwt(keys):
    """Every JWK PyJWT refuses, turbojwt refuses with InvalidKeyError (PyJWT sometimes raises other classes)."""
    for cls, cases in _malformed_jwks(keys).items():
        for jwk in cases:
            theirs = outcome(lambda: getattr(py_alg, cls).from_jwk(jwk))
            ours = outcome(lambda: getattr(tj_alg, cls).from_jwk(jwk))
            if theirs[0] == "ok":
                assert ours[0] == "ok", (cls, jwk)
            else:
                assert ours == ("raises", "InvalidKeyError"), (cls, jwk, theirs)


def test_none_algorithm_matches_pyjwt():
    ours, theirs = both("none")
    for key in (None, ""):
        assert ours.prepare_key(key) is None and theirs.prepare_key(key) is None
    for key in ("123", b"", 0):
        assert outcome(lambda: ours.prepare_key(key))[0] == outcome(lambda: theirs.prepare_key(key))[0]
    assert ours.sign(MSG, None) == b""
    assert ours.verify(MSG, None, b"") is False
    with pytest.raises(NotImplementedError):
        ours.to_jwk("x")
    with pytest.raises(NotImplementedError):
        ours.from_jwk({})


# --------------------------------------------------------------------------
# utils


@given(st.binary(max_size=200))
def test_base64url_matches(data):
    encoded = tj_utils.base64url_encode(data)
    assert encoded == py_utils.base64url_encode(data)
    assert tj_utils.base64url_decode(encoded) == data
    assert tj_utils.base64url_decode(encoded.decode()) == data
    padded = base64.urlsafe_b64encode(data)
    assert tj_utils.base64url_decode(padded) == py_utils.base64url_decode(padded)


@given(st.integers(min_value=0, max_value=2**600), st.one_of(st.none(), st.integers(0, 700)))
def test_uint_helpers_match(value, bit_length):
    ours = outcome(lambda: tj_utils.to_base64url_uint(value, bit_length=bit_length))
    theirs = outcome(lambda: py_utils.to_base64url_uint(value, bit_length=bit_length))
    assert ours == theirs
    assert tj_utils.from_base64url_uint(py_utils.to_base64url_uint(value)) == value
    assert tj_utils.bytes_from_int(value) == py_utils.bytes_from_int(value)
    size = (value.bit_length() + 7) // 8 + 3
    assert tj_utils.number_to_bytes(value, size) == py_utils.number_to_bytes(value, size)
    raw = value.to_bytes(size, "big")
    assert tj_utils.bytes_to_number(raw) == py_utils.bytes_to_number(raw)


def test_uint_helper_edges():
    assert tj_utils.to_base64url_uint(0) == b"AA"
    assert tj_utils.to_base64url_uint(65537) == b"AQAB"
    with pytest.raises(ValueError):
        tj_utils.to_base64url_uint(-1)
    with pytest.raises(ValueError):
        tj_utils.bytes_to_number(b"")
    with pytest.raises(TypeError, match="Expected a string or bytes value"):
        tj_utils.force_bytes({})
    assert tj_utils.force_bytes("é") == "é".encode()


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1(), ec.SECP256K1()])
def test_der_raw_signature_conversion_matches(curve):
    key = ec.generate_private_key(curve)
    for _ in range(5):
        der = key.sign(MSG, ec.ECDSA(hashes.SHA256()))
        raw = tj_utils.der_to_raw_signature(der, curve)
        assert raw == py_utils.der_to_raw_signature(der, curve)
        assert tj_utils.raw_to_der_signature(raw, curve) == py_utils.raw_to_der_signature(raw, curve) == der
    with pytest.raises(ValueError):
        tj_utils.raw_to_der_signature(b"\x01" * 10, curve)


def _pem_candidates():
    body = b"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
    block = b"-----BEGIN PUBLIC KEY-----\n" + body + b"-----END PUBLIC KEY-----\n"
    return [
        block, block.replace(b"\n", b""), block.replace(b"\n", b"\r"), b"x" + block,
        block.replace(b"-----BEGIN", b"---- BEGIN"), block.replace(b"KEY-----\n", b"KEY ----\n"),
        b"-----END PUBLIC KEY-----" + block, b"-----END PUBLIC KEY----------BEGIN PUBLIC KEY-----",
        b"-----BEGIN PUBLIC KEY----------END PUBLIC KEY-----",
        b"-----BEGIN PUBLIC KEY-----x-----END PUBLIC KEY-----",
        b"-----BEGIN PUBLIC KEY-----x-----END PRIVATE KEY-----",
        b"-----BEGIN FOO-----x-----END FOO-----", b"-----BEGIN PUBLIC KEY-----" * 50,
        b"-----END CERTIFICATE" + block, b"-----BEGIN RSA PUBLIC KEY-----\n-----END RSA PUBLIC KEY-----",
        b"", b"plain secret",
    ]


@pytest.mark.parametrize("candidate", _pem_candidates())
def test_is_pem_format_matches(candidate):
    assert tj_utils.is_pem_format(candidate) == py_utils.is_pem_format(candidate)


@given(st.lists(st.sampled_from([b"-----BEGIN ", b"-----END ", b"---- BEGIN ", b"PUBLIC KEY", b"CERTIFICATE",
                                 b"-----", b" ----", b"x", b"\n", b"-"]), max_size=25))
def test_is_pem_format_matches_on_marker_soup(parts):
    data = b"".join(parts)
    assert tj_utils.is_pem_format(data) == py_utils.is_pem_format(data)


def test_is_pem_format_is_linear():
    import time

    data = b"-----BEGIN PUBLIC KEY-----" * 20000
    start = time.perf_counter()
    assert tj_utils.is_pem_format(data) is False
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("prefix", [b"ssh-ed25519", b"ssh-rsa", b"ssh-dss", b"ecdsa-sha2-nistp256",
                                    b"ecdsa-sha2-nistp384", b"ecdsa-sha2-nistp521", b"ssh-ed448", b"sk-ssh", b""])
def test_is_ssh_key_matches(prefix):
    for data in (prefix, prefix + b" AAAA", b" " + prefix):
        assert tj_utils.is_ssh_key(data) == py_utils.is_ssh_key(data)
