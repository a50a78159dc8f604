"""The core's JSON writer and compact-JWS assembly (src/turbojwt/_jsonwrite.pxi, _sign.pxi).

The writer must produce json.dumps(obj, separators=(",", ":")) byte for byte
(the bytes PyJWT signs), or answer None so that the caller runs json.dumps:
differential tests against json.dumps with Hypothesis, and the fallback cases
written out.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import hashlib
import hmac
import json
import math
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turbojwt import InvalidKeyError, PyJWTError, _core, _testing

SECRET = b"a-secret-of-at-least-thirty-two-bytes!!"


def dumps(obj, sort_keys=False) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=sort_keys).encode("utf-8")


# Every code point, lone surrogates included (json.dumps escapes them as \udXXX).
any_text = st.text(st.characters(codec=None, categories=None), max_size=40)
special_floats = st.sampled_from(
    [-0.0, 0.0, 1e300, -1e300, 5e-324, -5e-324, 1e16, 1e-5, 1e-4, 0.1, 1.5, 2.0**53, 1.7976931348623157e308,
     math.nan, math.inf, -math.inf, 1700000000.123456]
)
big_ints = st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**40, -(10**40), 0, -1])
scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(-(2**200), 2**200) | big_ints
    | st.floats() | special_floats | any_text
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=6)
    | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(any_text, inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=600, deadline=None)
@given(documents)
def test_writer_is_json_dumps(doc):
    assert _core.json_compact(doc) == dumps(doc)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(any_text, documents, max_size=24))
def test_sorted_keys_are_json_dumps(doc):
    # up to 16 keys sorted in place, more with sorted(): both must be json's order
    assert _core.json_compact(doc, True) == dumps(doc, sort_keys=True)
    assert _core.json_compact(doc) == dumps(doc)


@pytest.mark.parametrize(
    "doc",
    [
        "\x00\x1f\x7f\x80\xff\b\f\n\r\t\"\\/",
        "\u2028\u2029\ufeff\uffff\U00010000\U0010ffff\U0001f600",
        "\ud800 \udfff \udbff\udc00",
        "plain ascii text that is longer than a few machine words, to cross the fast scan",
        "a" * 5000 + "\x01" + "é" * 3000,
        [1e300, 5e-324, -0.0, math.nan, math.inf, -math.inf, 1e16, 1e15, 123456789.0, 0.1 + 0.2],
        [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**100, -(10**100)],
        {"": "", "a": {}, "b": [], "c": (), "d": [[[]]], "e": {"f": {"g": None}}},
        [True, False, None],
        (),
        {},
        {str(i): i for i in range(40)},
    ],
)
def test_known_documents(doc):
    assert _core.json_compact(doc) == dumps(doc)
    if isinstance(doc, dict):
        assert _core.json_compact(doc, True) == dumps(doc, sort_keys=True)


class Color(enum.IntEnum):
    RED = 1


class Flag(str, enum.Enum):
    ON = "on"


class Text(str):
    def __str__(self):
        return "changed"


class Number(float):
    def __repr__(self):
        return "changed"


class Mapping(dict):
    pass


def _nested(depth):
    doc: list = []
    for _ in range(depth):
        doc = [doc]
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        Color.RED,
        {"c": Color.RED},
        [Flag.ON],
        {"t": Text("x")},
        Number(1.5),
        {"n": [Number(2.5)]},
        {"d": datetime.datetime(2030, 1, 1)},
        decimal.Decimal("1.5"),
        {1: "int key"},
        {1.5: "float key"},
        {True: "bool key"},
        {None: "none key"},
        {"a": 1, 2: "mixed keys"},
        Mapping(a=1),
        OrderedDict(a=1),
        {"set": {1, 2}},
        {"bytes": b"x"},
        _nested(150),
    ],
)
def test_anything_else_falls_back(doc):
    assert _core.json_compact(doc) is None
    assert _core.json_compact(doc, True) is None


def test_circular_documents_fall_back_and_json_dumps_refuses_them():
    loop: list = []
    loop.append(loop)
    cycle: dict = {}
    cycle["self"] = cycle
    for doc in (loop, cycle):
        assert _core.json_compact(doc) is None
        with pytest.raises(ValueError, match="Circular"):
            dumps(doc)


def test_depth_limit_is_below_json_dumps_limit():
    assert _core.json_compact(_nested(99)) == dumps(_nested(99))
    assert _core.json_compact({"a": _nested(98)}) == dumps({"a": _nested(98)})


def test_huge_int_raises_like_json_dumps():
    huge = 10**5000  # past sys.get_int_max_str_digits(): int.__repr__ refuses it
    with pytest.raises(ValueError) as ours:
        _core.json_compact([huge])
    with pytest.raises(ValueError) as theirs:
        dumps([huge])
    assert str(ours.value) == str(theirs.value)


@given(st.binary(max_size=300))
def test_b64url_encode(data):
    assert _core.b64url_encode(data) == base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@given(st.binary(max_size=200), st.binary(max_size=400))
def test_encode_compact_hs256(header, payload):
    key = _core.prepare_hmac_key(SECRET)
    signing_input = f"{_b64(header)}.{_b64(payload)}".encode()
    tag = hmac.new(SECRET, signing_input, hashlib.sha256).digest()
    assert _core.encode_compact(header, payload, key, "HS256") == f"{signing_input.decode()}.{_b64(tag)}"
    # detached (RFC 7797): the payload is signed as is and left out of the token
    signing_input = _b64(header).encode() + b"." + payload
    tag = hmac.new(SECRET, signing_input, hashlib.sha256).digest()
    assert _core.encode_compact(header, payload, key, "HS256", True) == f"{_b64(header)}..{_b64(tag)}"


def test_encode_compact_refuses_an_algorithm_the_key_cannot_serve():
    key = _core.prepare_hmac_key(SECRET)
    for alg in ("RS256", "none", "HS1024", "é"):
        with pytest.raises(InvalidKeyError):
            _core.encode_compact(b"{}", b"{}", key, alg)


def test_encode_claims_matches_json_dumps_and_hmac():
    claims = {"sub": "user-1", "name": "Zoë", "n": 1.5, "aud": ["a", "b"]}
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = f"{_b64(dumps(header, True))}.{_b64(dumps(claims))}".encode()
    tag = hmac.new(SECRET, signing_input, hashlib.sha256).digest()
    assert _core.encode_claims(claims, SECRET, "HS256") == f"{signing_input.decode()}.{_b64(tag)}"


@pytest.mark.parametrize(
    ("payload", "key", "kwargs"),
    [
        ({"exp": datetime.datetime(2030, 1, 1)}, SECRET, {}),        # converted by the general path
        ({"iss": 5}, SECRET, {}),                                      # PyJWT's TypeError
        ({"a": Color.RED}, SECRET, {}),
        (["not", "a", "dict"], SECRET, {}),
        ({"a": 1}, b"short", {}),                                      # warns: the general path
        ({"a": 1}, SECRET, {"algorithm": None}),                       # "none"
        ({"a": 1}, SECRET, {"algorithm": "ES521"}),
        ({"a": 1}, SECRET, {"algorithm": "RS256"}),                    # the key cannot serve it
        ({"a": 1}, SECRET, {"headers": {"b64": False}}),               # detached
        ({"a": 1}, SECRET, {"headers": {"kid": 5}}),                   # PyJWT's InvalidTokenError
        ({"a": 1}, SECRET, {"headers": {1: "x"}}),
        ({"a": 1}, SECRET, {"headers": {"typ": Text("x")}}),
        ({"a": 1}, SECRET, {"headers": OrderedDict(kid="x")}),
        ({"a": 1}, SECRET, {"headers": {"alg": 5}}),
        ({"a": 1}, 12345, {}),
        ({"a": 1}, bytearray(SECRET), {}),
    ],
)
def test_encode_claims_leaves_the_rest_to_the_general_path(payload, key, kwargs, recwarn):
    assert _core.encode_claims(payload, key, **kwargs) is None
    assert len(recwarn) == 0


def test_bench_raw_sign():
    key = _core.prepare_hmac_key(SECRET)
    assert _testing.bench_raw_sign(key, "HS256", b"message", 10) >= 0.0
    with pytest.raises(PyJWTError):
        _testing.bench_raw_sign(key, "RS256", b"message", 10)
