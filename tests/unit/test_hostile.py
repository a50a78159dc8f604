"""Malformed and hostile input: every one ends in a documented turbojwt exception.

No input may crash, hang, or surface a SystemError/TypeError/ValueError: each
ends in a subclass of InvalidTokenError (InvalidKeyError for keys). Where
PyJWT 2.15.1 raises the same class, the test says so by comparing; where
turbojwt is stricter on purpose, the test names the documented choice
(csrc/json.h, csrc/jws.c, csrc/tj_limits.h) and asserts turbojwt's behaviour.
The seeded mutation tests at the end check "stricter, never looser": turbojwt
never accepts a token that PyJWT rejects.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time
import warnings

import jwt as pyjwt
import pytest
import turbojwt
from _compare import canon

KEY = b"hostile-test-key-0123456789abcde"  # 32 bytes
ALGS = ["HS256"]


# ---------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(signing_input: bytes, key: bytes = KEY) -> str:
    return b64url(hmac.new(key, signing_input, hashlib.sha256).digest())


def sign(payload=b'{"sub":"x"}', header=b'{"alg":"HS256","typ":"JWT"}', key: bytes = KEY) -> str:
    if not isinstance(header, bytes):
        header = json.dumps(header).encode()
    if not isinstance(payload, bytes):
        payload = json.dumps(payload).encode()
    signing_input = f"{b64url(header)}.{b64url(payload)}"
    return f"{signing_input}.{hs256(signing_input.encode(), key)}"


def sign_segments(header_seg: str, payload_seg: str, key: bytes = KEY) -> str:
    """A token whose signature is correct for exactly these (possibly odd) segments."""
    signing_input = f"{header_seg}.{payload_seg}"
    return f"{signing_input}.{hs256(signing_input.encode(), key)}"


def outcome(call):
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return ("raises", type(exc).__name__)
    return ("returns", canon(result))


def turbojwt_outcome(call):
    """Like outcome(), but any exception must be one of turbojwt's documented classes."""
    try:
        result = call()
    except turbojwt.PyJWTError as exc:
        return ("raises", type(exc).__name__)
    return ("returns", canon(result))


@pytest.fixture(params=["decode", "verifier"])
def api(request):
    return request.param


def tj_decode(api, token, key=KEY, algorithms=ALGS, **kwargs):
    if api == "decode":
        return turbojwt.decode(token, key, algorithms=algorithms, **kwargs)
    detached = kwargs.pop("detached_payload", None)
    return turbojwt.Verifier(key, algorithms, **kwargs).decode(token, detached_payload=detached)


def expect(api, token, cls, *, pyjwt_gives="same", key=KEY, algorithms=ALGS, **kwargs):
    """turbojwt raises exactly ``cls``; PyJWT raises the same class, or ``pyjwt_gives``.

    ``pyjwt_gives`` other than "same" marks a deliberate difference: "returns"
    (PyJWT accepts the token) or the name of the class PyJWT raises.
    """
    with pytest.raises(turbojwt.PyJWTError) as info:
        tj_decode(api, token, key=key, algorithms=algorithms, **kwargs)
    assert type(info.value) is cls, f"{type(info.value).__name__}: {info.value}"
    reference = outcome(lambda: pyjwt.decode(token, key, algorithms=algorithms, **kwargs))
    if pyjwt_gives == "same":
        assert reference == ("raises", cls.__name__)
    elif pyjwt_gives == "returns":
        assert reference[0] == "returns"
    else:
        assert reference == ("raises", pyjwt_gives)


def same_as_pyjwt(api, token, key=KEY, algorithms=ALGS, **kwargs):
    ours = turbojwt_outcome(lambda: tj_decode(api, token, key=key, algorithms=algorithms, **kwargs))
    theirs = outcome(lambda: pyjwt.decode(token, key, algorithms=algorithms, **kwargs))
    assert ours == theirs
    return ours


def header_same_as_pyjwt(token):
    ours = turbojwt_outcome(lambda: turbojwt.get_unverified_header(token))
    theirs = outcome(lambda: pyjwt.get_unverified_header(token))
    assert ours == theirs
    return ours


GOOD = sign()
H, P, S = GOOD.split(".")


# ---------------------------------------------------------------- segments

SEGMENT_CASES = {
    "empty": "",
    "one-segment": H,
    "two-segments": f"{H}.{P}",
    "four-segments": f"{GOOD}.{S}",
    "five-segments": f"{H}.{P}.{P}.{P}.{S}",
    "only-dots": "..",
    "many-dots": "....",
    "empty-header": f".{P}.{S}",
    "empty-payload": f"{H}..{S}",
    "empty-signature": f"{H}.{P}.",
    "all-empty-but-header": f"{H}..",
    "leading-dot": f".{GOOD}",
    "trailing-dot": f"{GOOD}.",
    "dot-in-payload-signed": sign_segments(H, f"{P}.{P}"),
    "whitespace-around": f" {GOOD} ",
    "newline-at-end": f"{GOOD}\n",
    "bearer-prefix": f"Bearer {GOOD}",
}


@pytest.mark.parametrize("name", SEGMENT_CASES)
def test_segments(api, name):
    token = SEGMENT_CASES[name]
    result = same_as_pyjwt(api, token)
    assert result[0] == "raises"
    header_same_as_pyjwt(token)


def test_signature_tampering_is_invalid_signature(api):
    for i in range(len(S) - 1):  # the last character also carries unused bits
        for c in "AQgw_-":
            if c != S[i]:
                forged = f"{H}.{P}.{S[:i]}{c}{S[i + 1:]}"
                with pytest.raises(turbojwt.InvalidSignatureError):
                    tj_decode(api, forged)
                break


# ---------------------------------------------------------------- base64url

BAD_CHARS = ["+", "/", " ", "\t", "\n", "!", "*", "%", "\x00", "\x7f", "é", "\u2028", "\uff21", "\U0001F600", "="]


@pytest.mark.parametrize("segment", ["header", "payload", "signature"])
@pytest.mark.parametrize("char", BAD_CHARS, ids=[f"U+{ord(c):04X}" for c in BAD_CHARS])
def test_characters_outside_base64url(api, segment, char):
    parts = [H, P, S]
    index = ["header", "payload", "signature"].index(segment)
    for position in (0, 5, len(parts[index]) // 2):
        mutated = list(parts)
        mutated[index] = parts[index][:position] + char + parts[index][position:]
        if index < 2:
            token = sign_segments(mutated[0], mutated[1])  # the signature is right for them
        else:
            token = ".".join(mutated)
        result = same_as_pyjwt(api, token)
        assert result == ("raises", "DecodeError")


def _padding_cases():
    """Segments of every length class with 0-4 '=' appended, in each position."""
    cases = []
    for n in range(1, 9):  # decoded lengths 1..8: encoded length % 4 in {2, 3, 0}
        for pads in range(5):
            cases.append((n, pads))
    return cases


@pytest.mark.parametrize("n, pads", _padding_cases())
def test_padding_forms_like_pyjwt(api, n, pads):
    """'=' is accepted only as PyJWT's _decode_base64url_segment accepts it."""
    filler = "x" * n
    header = b64url(json.dumps({"alg": "HS256", "f": filler}).encode()) + "=" * pads
    payload = b64url(json.dumps({"sub": filler}).encode()) + "=" * pads
    for token in (
        sign_segments(header, P),
        sign_segments(H, payload),
        f"{H}.{P}.{S}" + "=" * pads,
        f"{H}.{P}.{b64url(b'x' * n)}" + "=" * pads,  # a wrong signature of each length class
    ):
        same_as_pyjwt(api, token)
        header_same_as_pyjwt(token)


def test_padding_accepted_where_pyjwt_accepts_it(api):
    """AWS ALB style: a signature padded to a multiple of four verifies."""
    assert len(S) % 4 == 3
    assert tj_decode(api, f"{H}.{P}.{S}=") == {"sub": "x"}
    for bad in ("==", "===", "====", "=A"):
        with pytest.raises(turbojwt.DecodeError):
            tj_decode(api, f"{H}.{P}.{S}{bad}")


def test_non_canonical_trailing_bits(api):
    """A last character with unused bits set is a second spelling: refused like PyJWT."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for raw in (b"{}", b'{"a":1}', b'{"alg":"HS256"}', b'{"alg":"HS256","x":"ab"}'):
        seg = b64url(raw)
        if len(seg) % 4 == 0:
            continue
        unused = 4 if len(seg) % 4 == 2 else 2  # bits of the last character that carry nothing
        last = alphabet.index(seg[-1])
        for low in range(1, 1 << unused):
            odd = seg[:-1] + alphabet[last | low]
            for token in (sign_segments(odd, P), sign_segments(H, odd)):
                assert same_as_pyjwt(api, token) == ("raises", "DecodeError")
    odd_sig = S[:-1] + alphabet[alphabet.index(S[-1]) | 1]
    assert odd_sig != S
    assert same_as_pyjwt(api, f"{H}.{P}.{odd_sig}") == ("raises", "DecodeError")


def test_segment_length_one_mod_four(api):
    for token in (sign_segments(H + "A", P), sign_segments(H, "A"), f"{H}.{P}.{S}AA"):
        assert same_as_pyjwt(api, token) == ("raises", "DecodeError")


# ---------------------------------------------------------------- header and payload JSON

HEADER_SAME = {
    "not-json": b"not json",
    "empty": b"",
    "whitespace": b"  ",
    "array": b'["alg","HS256"]',
    "string": b'"HS256"',
    "number": b"256",
    "null": b"null",
    "true": b"true",
    "trailing-data": b'{"alg":"HS256"}x',
    "two-objects": b'{"alg":"HS256"}{}',
    "single-quotes": b"{'alg':'HS256'}",
    "trailing-comma": b'{"alg":"HS256",}',
    "invalid-utf8": b'{"alg":"HS256","x":"\xff"}',
    "truncated-utf8": b'{"alg":"HS256","x":"\xc3"}',
    "overlong-utf8": b'{"alg":"HS256","x":"\xc0\xaf"}',
    "above-u10ffff": b'{"alg":"HS256","x":"\xf4\x90\x80\x80"}',
    "raw-control-char": b'{"alg":"HS256","x":"\x01"}',
    "nul-after": b'{"alg":"HS256"}\x00',
    "bad-escape": b'{"alg":"HS256","x":"\\x"}',
    "short-unicode-escape": b'{"alg":"HS256","x":"\\u12"}',
    "unterminated": b'{"alg":"HS256"',
}


@pytest.mark.parametrize("name", HEADER_SAME)
def test_bad_header_json(api, name):
    token = sign(header=HEADER_SAME[name])
    expect(api, token, turbojwt.DecodeError)
    assert header_same_as_pyjwt(token) == ("raises", "DecodeError")


PAYLOAD_SAME = {
    "not-json": b"not json",
    "empty": b"",
    "array": b"[1,2]",
    "string": b'"claims"',
    "number": b"1",
    "null": b"null",
    "trailing-data": b'{"a":1} 2',
    "invalid-utf8": b'{"a":"\xff"}',
    "truncated-utf8": b'{"a":"\xe2\x82"}',
    "raw-tab-in-string": b'{"a":"\t"}',
    "leading-zero": b'{"a":01}',
    "plus-sign": b'{"a":+1}',
    "hex": b'{"a":0x1}',
    "bare-word": b'{"a":undefined}',
    "comment": b'{"a":1 /* x */}',
}


@pytest.mark.parametrize("name", PAYLOAD_SAME)
def test_bad_payload_json(api, name):
    expect(api, sign(payload=PAYLOAD_SAME[name]), turbojwt.DecodeError)


# Deliberate strictness (csrc/json.h): refused by turbojwt, accepted by json.loads and so by PyJWT.
STRICT_JSON = {
    # json.h: "a lone surrogate is refused (Python's json module accepts one; we are stricter)"
    "lone-high-surrogate": b'{"alg":"HS256","x":"\\ud800"}',
    "lone-low-surrogate": b'{"alg":"HS256","x":"\\udc00"}',
    "reversed-surrogates": b'{"alg":"HS256","x":"\\udd1e\\ud834"}',
    "surrogate-then-letter": b'{"alg":"HS256","x":"\\ud834A"}',
    "lone-surrogate-in-name": b'{"alg":"HS256","\\ud800":1}',
    # json.h: UTF-8 is validated, "no surrogates" (json.loads decodes bytes with surrogatepass)
    "utf8-encoded-surrogate": b'{"alg":"HS256","x":"\xed\xa0\x80"}',
    # json.h: "NaN, Infinity and -Infinity are refused (json.loads accepts them)"
    "nan": b'{"alg":"HS256","x":NaN}',
    "infinity": b'{"alg":"HS256","x":Infinity}',
    "minus-infinity": b'{"alg":"HS256","x":-Infinity}',
    # json.h: "a byte order mark is refused" (json.loads detects and strips it)
    "utf8-bom": b'\xef\xbb\xbf{"alg":"HS256"}',
    # BOM/UTF-16/UTF-32 JSON refused (json.loads on bytes detects these encodings)
    "utf16": '{"alg":"HS256"}'.encode("utf-16"),
    "utf16-le-no-bom": '{"alg":"HS256"}'.encode("utf-16-le"),
    "utf16-be-no-bom": '{"alg":"HS256"}'.encode("utf-16-be"),
    "utf32": '{"alg":"HS256"}'.encode("utf-32"),
}


@pytest.mark.parametrize("name", STRICT_JSON)
def test_deliberately_stricter_json_in_header(api, name):
    token = sign(header=STRICT_JSON[name])
    expect(api, token, turbojwt.DecodeError, pyjwt_gives="returns")
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.get_unverified_header(token)


@pytest.mark.parametrize("name", STRICT_JSON)
def test_deliberately_stricter_json_in_payload(api, name):
    payload = STRICT_JSON[name].replace(b'"alg"', b'"sub"').replace(
        '"alg"'.encode("utf-16-le"), '"sub"'.encode("utf-16-le")).replace(
        '"alg"'.encode("utf-16-be"), '"sub"'.encode("utf-16-be")).replace(
        '"alg"'.encode("utf-32-le"), '"sub"'.encode("utf-32-le"))
    expect(api, sign(payload=payload), turbojwt.DecodeError, pyjwt_gives="returns")


def _nested(depth: int, kind: str) -> bytes:
    """A JSON value nested ``depth`` levels deep."""
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


@pytest.mark.parametrize("kind", ["array", "object"])
def test_nesting_limit_64(api, kind):
    """tj_limits.h TJ_JSON_MAX_DEPTH: 64 levels, the outer object included (deliberate)."""
    ok_payload = b'{"x":' + _nested(63, kind) + b"}"
    deep_payload = b'{"x":' + _nested(64, kind) + b"}"
    assert tj_decode(api, sign(payload=ok_payload)) == json.loads(ok_payload)
    expect(api, sign(payload=deep_payload), turbojwt.DecodeError, pyjwt_gives="returns")
    ok_header = b'{"alg":"HS256","x":' + _nested(63, kind) + b"}"
    deep_header = b'{"alg":"HS256","x":' + _nested(64, kind) + b"}"
    assert turbojwt.get_unverified_header(sign(header=ok_header)) == json.loads(ok_header)
    expect(api, sign(header=deep_header), turbojwt.DecodeError, pyjwt_gives="returns")


@pytest.mark.parametrize("where", ["header", "payload"])
def test_very_deep_nesting(api, where):
    """100000 levels: turbojwt stops at 64; PyJWT hits RecursionError, also a DecodeError."""
    deep = b'{"alg":"HS256","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    token = sign(header=deep) if where == "header" else sign(payload=deep)
    expect(api, token, turbojwt.DecodeError)


HUGE_HEADER = b'{"alg":"HS256","x":' + b"9" * 5000 + b"}"


@pytest.mark.parametrize("where", [
    "header",
    "payload",
    "exp",
])
def test_huge_integer(api, where):
    """5000 digits: past Python's int() digit limit, DecodeError in both."""
    digits = b"9" * 5000
    if where == "header":
        token = sign(header=b'{"alg":"HS256","x":' + digits + b"}")
    elif where == "payload":
        token = sign(payload=b'{"x":' + digits + b"}")
    else:
        token = sign(payload=b'{"exp":' + digits + b"}")
    expect(api, token, turbojwt.DecodeError)


def test_huge_integer_in_header_decode_complete():
    token = sign(header=HUGE_HEADER)
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.decode_complete(token, KEY, algorithms=ALGS)


def test_huge_integer_in_header_get_unverified_header():
    token = sign(header=HUGE_HEADER)
    assert outcome(lambda: pyjwt.get_unverified_header(token)) == ("raises", "DecodeError")
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.get_unverified_header(token)


def test_integer_at_python_digit_limit_decodes(api):
    payload = b'{"x":' + b"7" * 4300 + b"}"
    assert tj_decode(api, sign(payload=payload)) == json.loads(payload)


def test_header_parameter_count_limit(api):
    """tj_limits.h TJ_MAX_HEADER_PARAMS = 64 (deliberate: duplicate detection is quadratic)."""
    ok = {"alg": "HS256", **{f"p{i}": i for i in range(63)}}
    too_many = {"alg": "HS256", **{f"p{i}": i for i in range(64)}}
    assert tj_decode(api, sign(header=ok)) == {"sub": "x"}
    expect(api, sign(header=too_many), turbojwt.DecodeError, pyjwt_gives="returns")


# ---------------------------------------------------------------- size and type

def test_oversized_token_is_refused_quickly(api):
    """tj_limits.h TJ_DEFAULT_MAX_TOKEN_LEN = 1 MiB (deliberate: PyJWT has no limit)."""
    big = sign(payload=json.dumps({"x": "y" * (800 * 1024)}).encode())
    assert len(big) > 1024 * 1024
    start = time.perf_counter()
    for _ in range(100):
        with pytest.raises(turbojwt.DecodeError):
            tj_decode(api, big)
        with pytest.raises(turbojwt.DecodeError):
            turbojwt.get_unverified_header(big)
    # Refused on its length, before any decoding: far below a millisecond each.
    assert time.perf_counter() - start < 0.5
    assert outcome(lambda: pyjwt.decode(big, KEY, algorithms=ALGS))[0] == "returns"
    junk = "." * (1024 * 1024 + 1)
    with pytest.raises(turbojwt.DecodeError, match="larger"):
        tj_decode(api, junk)


def test_token_just_under_the_limit_decodes(api):
    token = sign(payload=json.dumps({"x": "y" * 786_000}).encode())
    assert 1024 * 1024 - 1024 < len(token) <= 1024 * 1024
    assert tj_decode(api, token)["x"] == "y" * 786_000


def test_max_token_length_boundary():
    token = sign()
    assert turbojwt.Verifier(KEY, ALGS, max_token_length=len(token)).decode(token) == {"sub": "x"}
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.Verifier(KEY, ALGS, max_token_length=len(token) - 1).decode(token)
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.Verifier(KEY, ALGS, max_token_length=len(token) - 1).decode(token.encode())


TOKEN_TYPES = {
    "int": 5,
    "None": None,
    "float": 1.5,
    "bytearray": bytearray(GOOD.encode()),
    "memoryview": memoryview(GOOD.encode()),
    "list": [GOOD],
    "tuple": (H, P, S),
    "dict": {"token": GOOD},
    "object": object(),
}


@pytest.mark.parametrize("name", TOKEN_TYPES)
def test_token_of_wrong_type(api, name):
    expect(api, TOKEN_TYPES[name], turbojwt.DecodeError)
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.get_unverified_header(TOKEN_TYPES[name])


def test_bytes_and_str_tokens_are_equivalent(api):
    assert tj_decode(api, GOOD) == tj_decode(api, GOOD.encode()) == {"sub": "x"}


@pytest.mark.parametrize("token", [GOOD + "\ud800", "\udc00" + GOOD, "\ud800", H + ".\udfff." + S],
                         ids=["end", "start", "alone", "payload"])
def test_str_token_with_lone_surrogate(api, token):
    """Deliberate: PyJWT lets UnicodeEncodeError (a ValueError) escape; turbojwt fails closed."""
    expect(api, token, turbojwt.DecodeError, pyjwt_gives="UnicodeEncodeError")
    with pytest.raises(turbojwt.DecodeError):
        turbojwt.get_unverified_header(token)


def test_non_ascii_str_token(api):
    assert same_as_pyjwt(api, "é" + GOOD) == ("raises", "DecodeError")


# ---------------------------------------------------------------- header rules

DUPLICATE_HEADERS = {
    "alg-twice": b'{"alg":"HS256","alg":"HS256"}',
    "alg-none-then-hs256": b'{"alg":"none","alg":"HS256"}',
    "alg-hs256-then-none": b'{"alg":"HS256","alg":"none"}',
    "alg-escaped-duplicate": b'{"alg":"HS256","\\u0061lg":"HS256"}',
    "alg-fully-escaped-duplicate": b'{"\\u0061\\u006c\\u0067":"HS512","alg":"HS256"}',
    "typ-twice": b'{"alg":"HS256","typ":"JWT","typ":"at+jwt"}',
    "kid-twice": b'{"alg":"HS256","kid":"a","kid":"b"}',
    "custom-twice": b'{"alg":"HS256","x":1,"x":1}',
    "non-bmp-escaped-duplicate": '{"alg":"HS256","\U0001F600":1,"\\ud83d\\ude00":2}'.encode(),
}


@pytest.mark.parametrize("name", DUPLICATE_HEADERS)
def test_duplicate_header_names(api, name):
    """jws.c scan_header: RFC 7515 section 4, duplicate names rejected (PyJWT keeps the last)."""
    token = sign(header=DUPLICATE_HEADERS[name])
    with pytest.raises(turbojwt.DecodeError, match="Duplicate"):
        tj_decode(api, token)
    with pytest.raises(turbojwt.DecodeError, match="Duplicate"):
        turbojwt.get_unverified_header(token)
    # PyJWT takes the last value instead (whatever it then makes of it).
    assert outcome(lambda: pyjwt.get_unverified_header(token))[0] == "returns"


def test_duplicate_names_inside_header_values_are_allowed(api):
    token = sign(header=b'{"alg":"HS256","x":{"a":1,"a":2}}')
    assert same_as_pyjwt(api, token)[0] == "returns"
    assert turbojwt.get_unverified_header(token) == {"alg": "HS256", "x": {"a": 2}}


KID_CASES = {
    "int": b'{"alg":"HS256","kid":5}',
    "null": b'{"alg":"HS256","kid":null}',
    "list": b'{"alg":"HS256","kid":["a"]}',
    "object": b'{"alg":"HS256","kid":{}}',
    "bool": b'{"alg":"HS256","kid":false}',
    "escaped-name": b'{"alg":"HS256","\\u006bid":5}',
}


@pytest.mark.parametrize("name", KID_CASES)
def test_kid_not_a_string(api, name):
    token = sign(header=KID_CASES[name])
    expect(api, token, turbojwt.InvalidTokenError)
    assert header_same_as_pyjwt(token) == ("raises", "InvalidTokenError")


def test_kid_string_forms_accepted(api):
    for kid in ("", "k1", "é\U0001F600", "a" * 1000):
        token = sign(header={"alg": "HS256", "kid": kid})
        assert same_as_pyjwt(api, token)[0] == "returns"
        assert header_same_as_pyjwt(token) == ("returns", canon({"alg": "HS256", "kid": kid}))


CRIT_CASES = {
    "string": (b'{"alg":"HS256","crit":"b64","b64":true}', turbojwt.InvalidTokenError),
    "null": (b'{"alg":"HS256","crit":null}', turbojwt.InvalidTokenError),
    "object": (b'{"alg":"HS256","crit":{"b64":1}}', turbojwt.InvalidTokenError),
    "empty-list": (b'{"alg":"HS256","crit":[]}', turbojwt.InvalidTokenError),
    "non-string-element": (b'{"alg":"HS256","crit":[1]}', turbojwt.InvalidTokenError),
    "null-element": (b'{"alg":"HS256","crit":[null]}', turbojwt.InvalidTokenError),
    "unsupported": (b'{"alg":"HS256","crit":["exp"],"exp":1}', turbojwt.InvalidTokenError),
    "unsupported-after-b64": (b'{"alg":"HS256","crit":["b64","x5t"],"b64":true,"x5t":"a"}',
                              turbojwt.InvalidTokenError),
    "listed-but-absent": (b'{"alg":"HS256","crit":["b64"]}', turbojwt.InvalidTokenError),
    "listed-escaped-but-absent": (b'{"alg":"HS256","crit":["\\u0062\\u0036\\u0034"]}', turbojwt.InvalidTokenError),
    "string-element-after-bad": (b'{"alg":"HS256","crit":[true,"b64"],"b64":true}', turbojwt.InvalidTokenError),
}


@pytest.mark.parametrize("name", CRIT_CASES)
def test_crit_rules(api, name):
    raw, cls = CRIT_CASES[name]
    token = sign(header=raw)
    expect(api, token, cls)
    assert header_same_as_pyjwt(token) == ("raises", cls.__name__)


def test_crit_b64_true_is_understood(api):
    for raw in (b'{"alg":"HS256","crit":["b64"],"b64":true}',
                b'{"alg":"HS256","crit":["b64","b64"],"b64":true}',
                b'{"alg":"HS256","\\u0063rit":["b64"],"\\u0062\\u0036\\u0034":true}'):
        assert same_as_pyjwt(api, sign(header=raw)) == ("returns", canon({"sub": "x"}))


# ---------------------------------------------------------------- b64=false (RFC 7797)

DETACHED = b'{"sub":"detached"}'


def detached_token(header: dict, payload: bytes = DETACHED, segment: str = "") -> str:
    header_seg = b64url(json.dumps(header).encode())
    signature = hs256(f"{header_seg}.".encode() + payload)
    return f"{header_seg}.{segment}.{signature}"


B64_HEADER = {"alg": "HS256", "b64": False, "crit": ["b64"]}

DETACHED_CASES = {
    "valid": (detached_token(B64_HEADER), {"detached_payload": DETACHED}, None),
    "made-by-pyjwt": (pyjwt.api_jws.encode(DETACHED, KEY, "HS256", is_payload_detached=True),
                      {"detached_payload": DETACHED}, None),
    "no-detached-payload": (detached_token(B64_HEADER), {}, turbojwt.DecodeError),
    "wrong-detached-payload": (detached_token(B64_HEADER), {"detached_payload": b'{"sub":"other"}'},
                               turbojwt.InvalidSignatureError),
    "b64-not-in-crit": (detached_token({"alg": "HS256", "b64": False}), {"detached_payload": DETACHED},
                        turbojwt.InvalidTokenError),
    "crit-lists-other": (detached_token({"alg": "HS256", "b64": False, "crit": ["x"], "x": 1}),
                         {"detached_payload": DETACHED}, turbojwt.InvalidTokenError),
    "crit-not-a-list": (detached_token({"alg": "HS256", "b64": False, "crit": "b64"}),
                        {"detached_payload": DETACHED}, turbojwt.InvalidTokenError),
    "payload-segment-not-empty": (detached_token(B64_HEADER, segment=b64url(DETACHED)),
                                  {"detached_payload": DETACHED}, turbojwt.DecodeError),
    "payload-segment-junk": (detached_token(B64_HEADER, segment="!!!!"), {"detached_payload": DETACHED},
                             turbojwt.DecodeError),
    "detached-but-b64-absent": (sign(), {"detached_payload": b'{"sub":"x"}'}, turbojwt.DecodeError),
    "detached-but-b64-true": (sign(header={"alg": "HS256", "b64": True, "crit": ["b64"]}),
                              {"detached_payload": b'{"sub":"x"}'}, turbojwt.DecodeError),
    "b64-zero-is-not-false": (detached_token({"alg": "HS256", "b64": 0, "crit": ["b64"]}),
                              {"detached_payload": DETACHED}, turbojwt.DecodeError),
    "b64-null-is-not-false": (detached_token({"alg": "HS256", "b64": None, "crit": ["b64"]}),
                              {"detached_payload": DETACHED}, turbojwt.DecodeError),
    "detached-not-json": (detached_token(B64_HEADER, b"hello"), {"detached_payload": b"hello"},
                          turbojwt.DecodeError),
    "detached-empty": (detached_token(B64_HEADER, b""), {"detached_payload": b""}, turbojwt.DecodeError),
    "detached-json-array": (detached_token(B64_HEADER, b"[1]"), {"detached_payload": b"[1]"},
                            turbojwt.DecodeError),
    "detached-with-dots": (detached_token(B64_HEADER, b'{"a":"x.y.z"}'), {"detached_payload": b'{"a":"x.y.z"}'},
                           None),
    "signature-not-checked-when-off": (detached_token(B64_HEADER, b'{"a":1}'),
                                       {"detached_payload": b'{"a":2}', "options": {"verify_signature": False}},
                                       None),
}


@pytest.mark.parametrize("name", DETACHED_CASES)
def test_b64_false_detached_payload(api, name):
    token, kwargs, cls = DETACHED_CASES[name]
    if cls is None:
        result = same_as_pyjwt(api, token, **kwargs)
        assert result[0] == "returns"
        assert result == ("returns", canon(json.loads(kwargs["detached_payload"])))
    else:
        expect(api, token, cls, **kwargs)


def test_b64_false_decode_complete(api):
    token = detached_token(B64_HEADER)
    ours = turbojwt.decode_complete(token, KEY, algorithms=ALGS, detached_payload=DETACHED)
    theirs = pyjwt.decode_complete(token, KEY, algorithms=ALGS, detached_payload=DETACHED)
    assert ours == theirs


def test_b64_false_huge_payload_segment_is_not_decoded(api):
    """The unused payload segment is refused on sight (PyJWT 2.15: no unauthenticated work)."""
    token = detached_token(B64_HEADER, segment="A" * 500_000)
    expect(api, token, turbojwt.DecodeError, detached_payload=DETACHED)


# ---------------------------------------------------------------- alg

ALG_CASES = {
    "missing": b'{"typ":"JWT"}',
    "null": b'{"alg":null}',
    "empty": b'{"alg":""}',
    "number": b'{"alg":256}',
    "zero": b'{"alg":0}',
    "false": b'{"alg":false}',
    "true": b'{"alg":true}',
    "list": b'{"alg":["HS256"]}',
    "object": b'{"alg":{"HS256":1}}',
    "none": b'{"alg":"none"}',
    "None": b'{"alg":"None"}',
    "lowercase": b'{"alg":"hs256"}',
    "trailing-space": b'{"alg":"HS256 "}',
    "trailing-nul": b'{"alg":"HS256\\u0000"}',
    "other-hmac": b'{"alg":"HS512"}',
    "rs256": b'{"alg":"RS256"}',
}


@pytest.mark.parametrize("name", ALG_CASES)
def test_alg_not_allowed(api, name):
    token = sign(header=ALG_CASES[name])
    expect(api, token, turbojwt.InvalidAlgorithmError)


def test_alg_escaped_is_the_same_name(api):
    token = sign(header=b'{"alg":"HS\\u0032\\u00356"}')
    assert same_as_pyjwt(api, token) == ("returns", canon({"sub": "x"}))


@pytest.mark.parametrize("alg", ["XX256", "HS1", "HS256K", "hs256"])
def test_alg_allowed_but_unsupported(api, alg):
    token = sign(header={"alg": alg})
    expect(api, token, turbojwt.InvalidAlgorithmError, algorithms=[alg, "HS256"])


NONE_HEADER = b64url(b'{"alg":"none"}')


def test_alg_none_allowed_without_key(api):
    """alg "none" never verifies, even when the caller allows it (key None or empty)."""
    token = f"{NONE_HEADER}.{P}."
    for key in (None, ""):
        expect(api, token, turbojwt.InvalidSignatureError, key=key, algorithms=["none"])
    assert tj_decode(api, token, key=None, algorithms=None, options={"verify_signature": False}) == {"sub": "x"}


def test_alg_none_allowed_with_a_key(api):
    token = f"{NONE_HEADER}.{P}."
    expect(api, token, turbojwt.InvalidKeyError, algorithms=["none"])


def test_algorithms_as_a_string(api):
    """PyJWT tests `alg in "HS256"` (a substring test); turbojwt takes the string as one name."""
    assert tj_decode(api, GOOD, algorithms="HS256") == {"sub": "x"}
    token = sign(header={"alg": "S25"})
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        tj_decode(api, token, algorithms="HS256")
    # PyJWT: "S25" in "HS256" is True, then the name is unknown: InvalidAlgorithmError too.
    assert outcome(lambda: pyjwt.decode(token, KEY, algorithms="HS256")) == ("raises", "InvalidAlgorithmError")


# ---------------------------------------------------------------- HMAC key guard


def _key_material():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization as s
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.x509.oid import NameOID
    import datetime

    ec_key = ec.derive_private_key(1234567, ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ed_key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "turbojwt test")])
    start = datetime.datetime(2020, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(ec_key.public_key())
            .serial_number(1).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=1))
            .sign(ec_key, hashes.SHA256()))
    spki = s.PublicFormat.SubjectPublicKeyInfo
    jwk = json.dumps({"kty": "oct", "k": b64url(b"k" * 32)})
    return {
        "empty-str": "",
        "empty-bytes": b"",
        "pem-ec-public": ec_key.public_key().public_bytes(s.Encoding.PEM, spki),
        "pem-ec-public-str": ec_key.public_key().public_bytes(s.Encoding.PEM, spki).decode(),
        "pem-rsa-public-pkcs1": rsa_key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.PKCS1),
        "pem-private": ec_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()),
        "pem-certificate": cert.public_bytes(s.Encoding.PEM),
        "pem-crlf": ec_key.public_key().public_bytes(s.Encoding.PEM, spki).replace(b"\n", b"\r\n"),
        "pem-after-text": b"my key: " + ec_key.public_key().public_bytes(s.Encoding.PEM, spki),
        "pem-loose-markers": b"---- BEGIN PUBLIC KEY ----\nMFkw\n---- END PUBLIC KEY ----",
        "ssh-ed25519": ed_key.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH),
        "ssh-rsa-str": rsa_key.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH).decode(),
        "ssh-ecdsa": ec_key.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH),
        "jwk-str": jwk,
        "jwk-bytes": jwk.encode(),
        "jwk-leading-whitespace": " \r\n\t" + jwk,
        "jwk-in-list": f"[{jwk}]",
        "jwk-set": json.dumps({"keys": [json.loads(jwk)]}),
        "jwk-utf16-le-no-bom": jwk.encode("utf-16-le"),
        "jwk-rsa-public": json.dumps({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
        # DER keys and certificates: PyJWT asks cryptography, turbojwt asks OpenSSL.
        "der-ec-public": ec_key.public_key().public_bytes(s.Encoding.DER, spki),
        "der-rsa-public": rsa_key.public_key().public_bytes(s.Encoding.DER, spki),
        "der-certificate": cert.public_bytes(s.Encoding.DER),
        # json.loads(bytes) detects a BOM and UTF-16/32, so PyJWT refuses these JWKs too.
        "jwk-utf8-bom": "\ufeff" + jwk,
        "jwk-utf16": jwk.encode("utf-16"),
        "jwk-utf32": jwk.encode("utf-32"),
    }


KEYS = _key_material()

def _key_params():
    return [pytest.param(name, id=name) for name in KEYS]


def _secret_bytes(key) -> bytes:
    return key.encode() if isinstance(key, str) else key


@pytest.mark.parametrize("name", _key_params())
def test_hmac_key_guard(api, name):
    """Public-key material, certificates and JWK JSON are never HMAC secrets."""
    key = KEYS[name]
    # The token is correctly signed with the key's bytes: only the guard stands in the way.
    token = sign(key=_secret_bytes(key))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect(api, token, turbojwt.InvalidKeyError, key=key)


@pytest.mark.parametrize("name", [
    "pem-ec-public",
    "pem-certificate",
    "der-ec-public",
    "der-certificate",
])
def test_algorithm_confusion_with_a_mixed_allow_list(api, name):
    """CVE-2022-29217 shape: the verifier holds an EC public key and allows ES256 and HS256;
    the attacker signs an HS256 token with the public key's bytes as the secret."""
    key = KEYS[name]
    forged = sign(payload={"sub": "admin"}, key=_secret_bytes(key))
    expect(api, forged, turbojwt.InvalidKeyError, key=key, algorithms=["ES256", "HS256"])


def test_key_error_needs_an_allowed_hmac_alg(api):
    """A bad key is only an error once the token's alg selects it (PyJWT's order)."""
    token = sign(header={"alg": "HS512"})
    expect(api, token, turbojwt.InvalidAlgorithmError, key=KEYS["pem-ec-public"])
    bad = f"{H}.{P}.{S}!"
    expect(api, bad, turbojwt.DecodeError, key="")


STRICTER_KEYS = {
    # _hmac_guard.py: "a slightly wider net (any PEM block ...)"; PyJWT knows a fixed list of labels.
    "pem-unknown-label": b"-----BEGIN FOO KEY-----\nabc\n-----END FOO KEY-----",
}


@pytest.mark.parametrize("name", STRICTER_KEYS)
def test_hmac_key_guard_wider_net(api, name):
    key = STRICTER_KEYS[name]
    token = sign(key=key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect(api, token, turbojwt.InvalidKeyError, key=key, pyjwt_gives="returns")


@pytest.mark.parametrize("key, pyjwt_class", [
    (None, "TypeError"), (5, "TypeError"), (bytearray(b"k" * 32), "TypeError"), (["k"], "TypeError"),
    ("k\ud800" * 16, "UnicodeEncodeError"),
], ids=["None", "int", "bytearray", "list", "lone-surrogate-str"])
def test_hmac_key_of_wrong_type(api, key, pyjwt_class):
    """Deliberate (GUIDE security stance): bad keys end in InvalidKeyError, not TypeError/ValueError."""
    expect(api, GOOD, turbojwt.InvalidKeyError, key=key, pyjwt_gives=pyjwt_class)


def test_plain_secrets_are_not_refused(api):
    for key in ("s" * 32, b"\x00" * 32, "{not json at all, just braces}" * 2, b"[1, 2, 3]" * 4,
                '{"k": "no kty member here", "pad": "........"}', "ssh-rsX" + "a" * 32,
                "-----BEGIN PUBLIC KEY----- but no end marker, so not PEM"):
        token = sign(key=_secret_bytes(key))
        assert same_as_pyjwt(api, token, key=key) == ("returns", canon({"sub": "x"}))


@pytest.mark.parametrize("alg, minimum", [("HS256", 32), ("HS384", 48), ("HS512", 64)])
def test_short_key_warns_and_can_be_refused(api, alg, minimum):
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    for length, weak in ((1, True), (minimum - 1, True), (minimum, False), (minimum + 1, False)):
        key = b"w" * length
        header = b64url(json.dumps({"alg": alg}).encode())
        signing_input = f"{header}.{P}"
        token = f"{signing_input}.{b64url(hmac.new(key, signing_input.encode(), digest).digest())}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert tj_decode(api, token, key=key, algorithms=[alg]) == {"sub": "x"}
        ours = [w for w in caught if issubclass(w.category, turbojwt.InsecureKeyLengthWarning)]
        assert len(ours) == (1 if weak else 0)
        assert len(caught) == len(ours)
        options = {"enforce_minimum_key_length": True}
        if weak:
            expect(api, token, turbojwt.InvalidKeyError, key=key, algorithms=[alg], options=options)
            with pytest.raises(turbojwt.InvalidKeyError, match=f"{length} bytes"):
                tj_decode(api, token, key=key, algorithms=[alg], options=options)
        else:
            assert same_as_pyjwt(api, token, key=key, algorithms=[alg], options=options)[0] == "returns"


def test_insecure_key_warning_class_matches_pyjwt():
    assert turbojwt.InsecureKeyLengthWarning.__name__ == pyjwt.warnings.InsecureKeyLengthWarning.__name__
    assert issubclass(turbojwt.InsecureKeyLengthWarning, UserWarning)


# ---------------------------------------------------------------- JSON conformance, differential

# (document, expected): "same" = turbojwt and json.loads/PyJWT agree (value or DecodeError);
# "strict" = refused by turbojwt by a documented choice of csrc/json.h, accepted by PyJWT.
JSON_DOCS = [
    (b"{}", "same"), (b" \t\r\n{}\n", "same"), (b'{"a":1.}', "same"), (b'{"a":.5}', "same"),
    (b'{"a":-}', "same"), (b'{"a":1e}', "same"), (b'{"a":1e+}', "same"), (b'{"a":1E+2}', "same"),
    (b'{"a":1e-2}', "same"), (b'{"a":-0.0}', "same"), (b'{"a":-0}', "same"), (b'{"a":00}', "same"),
    (b'{"a":1e999}', "same"), (b'{"a":-1e999}', "same"), (b'{"a":1.5e-400}', "same"),
    (b'{"a":0.1e1}', "same"), (b'{"a":1.0e+0009}', "same"),
    (b'{"a":9223372036854775807}', "same"), (b'{"a":9223372036854775808}', "same"),
    (b'{"a":-9223372036854775809}', "same"), (b'{"a":999999999999999999}', "same"),
    (b'{"a":1000000000000000000}', "same"), (b'{"a":123456789012345678901234567890}', "same"),
    (b'{"a":0.30000000000000004}', "same"), (b'{"a":1.7976931348623157e308}', "same"),
    (b'{"a":5e-324}', "same"), (b'{"a":"\\/\\b\\f\\n\\r\\t\\"\\\\"}', "same"), (b'{"a":"\\u0000"}', "same"),
    (b'{"a":"\\uD834\\uDD1E"}', "same"), (b'{"a":"\\u00e9\\u00E9"}', "same"), (b'{"a":"\\U00e9"}', "same"),
    (b'{"a":"\\\'"}', "same"), (b'{"a":"\xef\xbf\xbe"}', "same"), (b'{"a":"\xe2\x80\xa8"}', "same"),
    (b'{"a":"\x7f"}', "same"), (b'{"a":"\xf0\x9f\x98\x80"}', "same"), (b'{"a":"\xf0\x9f\x98"}', "same"),
    (b'{"a":"\xc0\xaf"}', "same"), (b'{"a\x01":1}', "same"), (b'{"a":[1,2,]}', "same"),
    (b'{"a":[,]}', "same"), (b'{"a":tru}', "same"), (b'{"a":True}', "same"), (b'{"a":nul}', "same"),
    (b'{"a":1}\x00', "same"), (b"\x00{}", "same"), (b'{"a" 1}', "same"), (b'{"a":1 "b":2}', "same"),
    (b"{a:1}", "same"), (b"\xc2\xa0{}", "same"), (b'{"a":1}\x0c', "same"), (b'{"a"\n:\r1\t}', "same"),
    (b'{"a":{"b":1,"b":2}}', "same"), (b'{"a":[[],[[]],{}]}', "same"), (b'{"":""}', "same"),
    (b'{"a":"' + b"x" * 5000 + b'"}', "same"), (b'{"a":"\\u12"}', "same"), (b'{"a":"\\u12G4"}', "same"),
    (b'{"\\u0000":0}', "same"), (b'{"a":[' + b"1," * 2000 + b"1]}", "same"),
    (b'{"a":"\\ud800"}', "strict"), (b'{"a":"\\udfff"}', "strict"), (b'{"a":"\\uD834\\u0041"}', "strict"),
    (b'{"a":"\\uDD1E\\uD834"}', "strict"), (b'{"\\ud800":1}', "strict"), (b'{"a":"\xed\xa0\x80"}', "strict"),
    (b'{"a":"\xed\xbf\xbf"}', "strict"), (b'{"a":NaN}', "strict"), (b'{"a":Infinity}', "strict"),
    (b'{"a":-Infinity}', "strict"), (b'\xef\xbb\xbf{"a":1}', "strict"),
]


@pytest.mark.parametrize("doc, expected", JSON_DOCS, ids=[f"doc{i}" for i in range(len(JSON_DOCS))])
def test_json_payload_conformance(doc, expected):
    token = sign(payload=doc)
    ours = turbojwt_outcome(lambda: turbojwt.decode(token, KEY, algorithms=ALGS))
    theirs = outcome(lambda: pyjwt.decode(token, KEY, algorithms=ALGS))
    if expected == "same":
        assert ours == theirs
        if ours[0] == "returns":
            assert ours == ("returns", canon(json.loads(doc)))
    else:
        assert ours == ("raises", "DecodeError")
        assert theirs[0] == "returns"


@pytest.mark.parametrize("doc, expected", JSON_DOCS, ids=[f"doc{i}" for i in range(len(JSON_DOCS))])
def test_json_header_conformance(doc, expected):
    header = doc.replace(b"{", b'{"alg":"HS256",', 1) if doc.lstrip().startswith(b"{") and doc != b"{}" else doc
    token = sign(header=header)
    ours = turbojwt_outcome(lambda: turbojwt.get_unverified_header(token))
    theirs = outcome(lambda: pyjwt.get_unverified_header(token))
    if expected == "same":
        assert ours == theirs
    else:
        assert ours == ("raises", "DecodeError")


# ---------------------------------------------------------------- seeded mutations


def _base_material():
    now = int(time.time())
    claims = {"sub": "user-1", "iss": "https://issuer.example", "aud": ["api", "web"], "exp": now + 3600,
              "iat": now - 10, "nbf": now - 10, "jti": "j-1", "scope": "read write", "n": 12345678901234567890,
              "f": 1.5, "nested": {"a": [1, 2, {"b": None}], "t": True}, "u": "é\U0001F600\\\"\n"}
    token = pyjwt.encode(claims, KEY, algorithm="HS256", headers={"kid": "k1"})
    return token, claims


DECODE_KW = {"audience": "api", "issuer": "https://issuer.example"}
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
NOISE = ALPHABET + ".=+/ \x00\t!é\U0001F600"


def _mutate_text(rng: random.Random, text: str) -> str:
    op = rng.randrange(7)
    i = rng.randrange(len(text) + 1)
    if op == 0 and i < len(text):  # replace one character
        return text[:i] + rng.choice(NOISE) + text[i + 1:]
    if op == 1:  # insert one character
        return text[:i] + rng.choice(NOISE) + text[i:]
    if op == 2 and i < len(text):  # delete a run
        return text[:i] + text[i + rng.randrange(1, 8):]
    if op == 3:  # truncate
        return text[:i]
    if op == 4:  # duplicate a slice
        j = rng.randrange(i, len(text) + 1)
        return text[:j] + text[i:j] + text[j:]
    if op == 5:  # swap two segments
        parts = text.split(".")
        if len(parts) >= 2:
            a, b = rng.sample(range(len(parts)), 2)
            parts[a], parts[b] = parts[b], parts[a]
        return ".".join(parts)
    return text[:i] + rng.choice(ALPHABET) * rng.randrange(1, 4) + text[i:]


JSON_NOISE = b'{}[]",:\\ 0123456789.eE+-tfnul\x00\x7f\xc3\xa9\xed\xa0\x80\xef\xbb\xbf\xff'


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    op = rng.randrange(5)
    i = rng.randrange(len(data) + 1)
    noise = bytes([rng.choice(JSON_NOISE) if rng.random() < 0.8 else rng.randrange(256)])
    if op == 0 and i < len(data):
        return data[:i] + noise + data[i + 1:]
    if op == 1:
        return data[:i] + noise + data[i:]
    if op == 2 and i < len(data):
        return data[:i] + data[i + rng.randrange(1, 6):]
    if op == 3:
        j = rng.randrange(i, len(data) + 1)
        return data[:j] + data[i:j] + data[j:]
    return data[:i]


def _segments_json(token: str) -> list[bytes]:
    out = []
    for seg in token.split(".")[:2]:
        seg = seg.rstrip("=")
        try:
            out.append(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))
        except ValueError:
            out.append(b"")
    return out


def _documented_strictness(token: str, message: str) -> bool:
    """Is this refusal one of turbojwt's documented stricter-than-PyJWT choices?"""
    if any(reason in message for reason in (
        "Duplicate header parameter name",  # jws.c scan_header, RFC 7515 section 4
        "lone surrogate",  # json.h
        "invalid UTF-8 or byte order mark",  # json.h: surrogates in UTF-8, BOM
        "nested too deeply",  # tj_limits.h TJ_JSON_MAX_DEPTH
        "Too many header parameters",  # tj_limits.h TJ_MAX_HEADER_PARAMS
        "larger than the configured maximum",  # tj_limits.h TJ_DEFAULT_MAX_TOKEN_LEN
    )):
        return True
    if "invalid JSON syntax" in message:  # json.h: NaN/Infinity; UTF-16/32 documents
        return any(b"NaN" in doc or b"Infinity" in doc or b"\x00" in doc for doc in _segments_json(token))
    return False


def _check_stricter_never_looser(token, decode_kwargs, tally, expected_claims=None):
    try:
        ours = ("returns", canon(turbojwt.decode(token, KEY, algorithms=ALGS, **decode_kwargs)))
    except turbojwt.PyJWTError as exc:
        # Every refusal is a token error (never a key error, never a bare Python exception).
        assert isinstance(exc, turbojwt.InvalidTokenError), (token, exc)
        ours = ("raises", type(exc).__name__)
        message = str(exc)
    theirs = outcome(lambda: pyjwt.decode(token, KEY, algorithms=ALGS, **decode_kwargs))
    if ours[0] == "returns":
        assert theirs == ours, f"turbojwt accepted what PyJWT gives as {theirs}: {token!r}"
        if expected_claims is not None:
            assert ours == ("returns", canon(expected_claims)), token
        tally["accepted"] += 1
    else:
        tally["rejected"] += 1
        if theirs[0] == "returns":
            # Stricter is allowed, but only for a documented reason.
            assert _documented_strictness(token, message), (token, message)
            tally["stricter"] += 1


def test_mutated_token_text_never_looser():
    token, claims = _base_material()
    rng = random.Random(1234)
    tally = {"accepted": 0, "rejected": 0, "stricter": 0}
    for _ in range(4000):
        mutated = token
        for _ in range(rng.randrange(1, 4)):
            mutated = _mutate_text(rng, mutated)
        # With the signature checked, only a no-op mutation can decode, to the same claims.
        _check_stricter_never_looser(mutated, DECODE_KW, tally, expected_claims=claims)
        # get_unverified_header: whatever turbojwt returns, PyJWT returns too.
        ours = turbojwt_outcome(lambda: turbojwt.get_unverified_header(mutated))
        if ours[0] == "returns":
            assert outcome(lambda: pyjwt.get_unverified_header(mutated)) == ours
    assert tally["rejected"] > 3500


def test_mutated_token_text_without_signature_check_never_looser():
    token, _ = _base_material()
    rng = random.Random(1234)
    tally = {"accepted": 0, "rejected": 0, "stricter": 0}
    kwargs = {"options": {"verify_signature": False}}
    for _ in range(4000):
        mutated = token
        for _ in range(rng.randrange(1, 3)):
            mutated = _mutate_text(rng, mutated)
        _check_stricter_never_looser(mutated, kwargs, tally)
    # Without the signature many mutations (in the signature, or harmless) still decode.
    assert tally["accepted"] > 100 and tally["rejected"] > 1000


@pytest.mark.parametrize("part", ["header", "payload"])
def test_mutated_json_resigned_never_looser(part):
    """Mutate the JSON itself and sign the result: the parser and the claim checks are exercised."""
    token, _ = _base_material()
    header_seg, payload_seg, _ = token.split(".")
    header = base64.urlsafe_b64decode(header_seg + "==")
    payload = base64.urlsafe_b64decode(payload_seg + "==")
    rng = random.Random(1234 if part == "payload" else 4321)
    tally = {"accepted": 0, "rejected": 0, "stricter": 0}
    for _ in range(4000):
        if part == "header":
            mutated = sign(payload=payload, header=_mutate_bytes(rng, header))
        else:
            mutated = sign(payload=_mutate_bytes(rng, payload), header=header)
        _check_stricter_never_looser(mutated, DECODE_KW, tally)
    assert tally["accepted"] > 100 and tally["rejected"] > 1000 and tally["stricter"] > 0
