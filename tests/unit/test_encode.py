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


# ------------------------------------------------------------------ the hot path (_core.encode_claims)
# turbojwt._encode.encode writes plain claims with the core's JSON writer and
# signs in one call; anything else goes through json.dumps as before. Either
# way the token must be PyJWT's, and errors and warnings must be PyJWT's.

import enum  # noqa: E402
import threading  # noqa: E402
from decimal import Decimal  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from turbojwt import _core, _encode  # noqa: E402

json_text = st.text(st.characters(codec=None, categories=None), max_size=24)
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(-(2**100), 2**100) | json_text
    | st.floats() | st.sampled_from([-0.0, 1e300, 5e-324, float("nan"), float("inf"), -float("inf")])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=20,
)
claim_sets = st.dictionaries(json_text.filter(lambda k: k != "iss"), json_values, max_size=8) | st.builds(
    lambda base, iss: {**base, "iss": iss}, st.dictionaries(json_text, json_values, max_size=4), json_text
)
extra_headers = st.none() | st.dictionaries(
    st.sampled_from(["kid", "cty", "typ", "x5t", "zz", "a", "nested"]), json_values, max_size=3
).map(lambda h: {**h, "kid": str(h["kid"])} if "kid" in h else h)


def _same_outcome(ours, theirs):
    """Both return the same token, or both raise the same exception type."""
    try:
        expected = theirs()
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(Exception) as raised:  # noqa: PT011 - compared by name just below
            ours()
        assert type(raised.value).__name__ == type(exc).__name__  # jwt.X or turbojwt.X
        return
    assert ours() == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_sets, extra_headers, st.sampled_from(["HS256", "HS384", "HS512"]), st.booleans())
def test_hot_path_hmac_tokens_are_pyjwts(claims, headers, alg, sort_headers):
    secret = SECRET * 2
    for encode in (_encode.encode, turbojwt.encode):
        _same_outcome(
            lambda: encode(claims, secret, algorithm=alg, headers=headers, sort_headers=sort_headers),
            lambda: pyjwt.encode(claims, secret, algorithm=alg, headers=headers, sort_headers=sort_headers),
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(claims=claim_sets, headers=extra_headers, alg=st.sampled_from(["RS256", "RS512", "EdDSA"]))
def test_hot_path_deterministic_tokens_are_pyjwts(keys, claims, headers, alg):
    _same_outcome(
        lambda: _encode.encode(claims, keys[alg], algorithm=alg, headers=headers),
        lambda: pyjwt.encode(claims, keys[alg], algorithm=alg, headers=headers),
    )


def test_hot_path_takes_plain_claims(keys):
    # The hot path itself (not the fallback) makes these tokens.
    assert _core.encode_claims(CLAIMS, SECRET) == pyjwt.encode(CLAIMS, SECRET)
    assert _core.encode_claims(CLAIMS, SECRET, "HS256", {"kid": "k1", "nested": {"b": 1, "a": 2}}) == (
        pyjwt.encode(CLAIMS, SECRET, headers={"kid": "k1", "nested": {"b": 1, "a": 2}})
    )
    long_secret = (SECRET * 2).encode()
    assert _core.encode_claims(CLAIMS, long_secret, "HS384", None, False) == pyjwt.encode(
        CLAIMS, long_secret, algorithm="HS384", sort_headers=False
    )
    assert _core.encode_claims(CLAIMS, SECRET.encode(), "HS384") is None  # short for HS384: PyJWT warns
    for alg in ("RS256", "EdDSA"):
        assert _core.encode_claims(CLAIMS, keys[alg], alg) == pyjwt.encode(CLAIMS, keys[alg], algorithm=alg)
        assert _core.encode_claims(CLAIMS, _pem(keys[alg]).decode(), alg) == pyjwt.encode(
            CLAIMS, keys[alg], algorithm=alg
        )
    prepared = _core.prepare_private_key(keys["RS256"])
    assert _core.encode_claims(CLAIMS, prepared, "RS256") == pyjwt.encode(CLAIMS, keys["RS256"], algorithm="RS256")


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


class DateEncoder(__import__("json").JSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


WHEN = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    ("claims", "kwargs"),
    [
        ({"level": Level.HIGH}, {}),
        ({"name": Name("ada"), "iss": Name("me")}, {}),
        ({"sub": "x", "exp": WHEN, "iat": WHEN}, {}),
        ({"sub": "x", "exp": WHEN}, {"headers": {"kid": "k"}}),
        ({"deep": {"when": [WHEN, {"at": WHEN}]}, "price": Decimal("1.50")}, {"json_encoder": DateEncoder}),
        ({"sub": "x"}, {"json_encoder": DateEncoder, "headers": {"kid": "k", "at": WHEN}}),
        ({1: "int key", 2.5: "float key", None: "none key"}, {}),
        ({"sub": "x"}, {"headers": {"typ": None}}),
        ({"sub": "x"}, {"headers": {"typ": ""}}),
        ({"sub": "x"}, {"headers": {"typ": 0, "b64": True}}),
        ({"sub": "x"}, {"headers": {"alg": None}}),
        ({"sub": "x"}, {"headers": {"alg": "HS384", "kid": Name("k")}}),
        ({"sub": "x"}, {"headers": {"b64": False}}),
        ({"sub": "x"}, {"headers": {"b64": False, "crit": ["other"]}}),
        ({"sub": "x"}, {"algorithm": None}),
    ],
)
@pytest.mark.filterwarnings("ignore::UserWarning")  # HS384 with a 39-byte secret: both warn
def test_fallback_cases_are_pyjwts(claims, kwargs):
    key = None if kwargs.get("algorithm", "HS256") is None else SECRET
    for encode in (_encode.encode, turbojwt.encode):
        _same_outcome(lambda: encode(claims, key, **kwargs), lambda: pyjwt.encode(claims, key, **kwargs))


def test_pyjwk_and_datetimes_take_the_hot_path_after_conversion(keys):
    from jwt.algorithms import OKPAlgorithm

    jwk = turbojwt.PyJWK(OKPAlgorithm.to_jwk(keys["EdDSA"], as_dict=True))
    claims = {"sub": "x", "exp": WHEN}
    assert _encode.encode(claims, jwk) == pyjwt.encode(claims, keys["EdDSA"], algorithm="EdDSA")


@pytest.mark.parametrize(
    ("claims", "key", "kwargs", "error"),
    [
        # PyJWT serializes the payload before it looks at the header or the key
        ({"x": object()}, "", {}, TypeError),
        ({"x": object()}, SECRET, {"headers": {"kid": 5}}, TypeError),
        ({"x": 1}, SECRET, {"headers": {"kid": 5}}, turbojwt.InvalidTokenError),
        ({"x": 1}, "", {}, turbojwt.InvalidKeyError),
        ({"x": 1}, SECRET, {"algorithm": "HS1024"}, NotImplementedError),
        ({"iss": 1}, SECRET, {}, TypeError),
        ({"x": 1, 2: 3}, SECRET, {"headers": {"kid": "k"}}, None),
        ({"x": 1}, SECRET, {"headers": {"kid": "k", 3: 4}}, TypeError),  # sorting str and int keys
    ],
)
def test_errors_come_in_pyjwts_order(claims, key, kwargs, error):
    if error is None:
        assert _encode.encode(claims, key, **kwargs) == pyjwt.encode(claims, key, **kwargs)
        return
    with pytest.raises(getattr(pyjwt, error.__name__, error)):
        pyjwt.encode(claims, key, **kwargs)
    with pytest.raises(error):
        _encode.encode(claims, key, **kwargs)


def test_weak_key_warns_once_pointing_at_the_caller():
    with pytest.warns(turbojwt.InsecureKeyLengthWarning) as record:
        token = _encode.encode(CLAIMS, "short-key!")
    with pytest.warns(pyjwt.warnings.InsecureKeyLengthWarning):
        assert token == pyjwt.encode(CLAIMS, "short-key!")
    assert len(record) == 1 and record[0].filename == __file__
    with pytest.warns(turbojwt.InsecureKeyLengthWarning):  # and on every call, not just the first
        _encode.encode(CLAIMS, "short-key!")


def test_equal_secrets_of_either_type_share_nothing_wrong():
    a, b = "s" * 40, "".join(["s"] * 40)
    assert a is not b
    assert _encode.encode(CLAIMS, a) == _encode.encode(CLAIMS, b) == pyjwt.encode(CLAIMS, a)
    assert _encode.encode(CLAIMS, a.encode()) == pyjwt.encode(CLAIMS, a.encode())
    other = "t" * 40
    assert _encode.encode(CLAIMS, other) == pyjwt.encode(CLAIMS, other) != pyjwt.encode(CLAIMS, a)


def test_hot_path_from_many_threads(keys):
    expected = {alg: pyjwt.encode(CLAIMS, keys[alg], algorithm=alg) for alg in ("RS256", "EdDSA")}
    expected["HS256"] = pyjwt.encode(CLAIMS, SECRET)
    results: list[bool] = []

    def work():
        for _ in range(20):
            for alg, token in expected.items():
                key = SECRET if alg == "HS256" else keys[alg]
                results.append(_encode.encode(CLAIMS, key, algorithm=alg) == token)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 * 20 * 3 and all(results)


def test_randomized_algorithms_on_the_hot_path_verify(keys):
    for alg in ("PS256", "ES256", "ES384", "ES512", "ES256K"):
        token = _encode.encode(CLAIMS, keys[alg], algorithm=alg, headers={"kid": "k"})
        assert pyjwt.decode(token, keys[alg].public_key(), algorithms=[alg], audience="a") == CLAIMS
        assert token.split(".")[:2] == pyjwt.encode(CLAIMS, keys[alg], algorithm=alg, headers={"kid": "k"}).split(
            "."
        )[:2]
