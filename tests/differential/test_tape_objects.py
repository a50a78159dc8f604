"""The Python objects built from the core's JSON tape (src/turbojwt/_tape.pxi).

The claims dict must equal what json.loads makes of the payload, value for
value and type for type, whatever shortcuts the builder takes: common names
shared as one str object, an expected ``iss``/``aud`` shared with the
Verifier's own configured str, integers read eight digits at a time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
import turbojwt
from turbojwt import _core, _testing

KEY = b"tape-objects-test-key-0123456789"
ISSUER = "https://issuer.example/"
AUDIENCE = "api://tape"


def token(payload: dict | bytes) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(body)
    tag = hmac.new(KEY, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(tag)


def same(a, b) -> bool:
    """Equal, with equal types all the way down (True is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def test_every_common_name_is_shared():
    # A slot collision in the name table would silently cost a str per token.
    assert len(_core._common_names_shared()) == 20


def test_common_names_are_one_object_across_tokens():
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], options={"verify_aud": False})
    a = v.decode(token({"sub": "a", "scope": "x", "name": "n", "exp": 4102444800}))
    b = v.decode(token({"sub": "b", "scope": "y", "name": "m", "exp": 4102444800}))
    for ka, kb in zip(a, b):
        assert ka is kb


@pytest.mark.parametrize("audience", [AUDIENCE, ["other", AUDIENCE], (AUDIENCE,)])
def test_expected_iss_and_aud_are_the_configured_objects(audience):
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=ISSUER, audience=audience)
    claims = v.decode(token({"iss": ISSUER, "aud": AUDIENCE, "sub": ISSUER}))
    assert claims == {"iss": ISSUER, "aud": AUDIENCE, "sub": ISSUER}
    assert claims["iss"] is v.issuer
    expected_aud = v.audience if isinstance(v.audience, str) else v.audience[list(v.audience).index(AUDIENCE)]
    assert claims["aud"] is expected_aud
    # Only iss and aud are shared: sub with the same text is a str of its own.
    assert claims["sub"] is not v.issuer


def test_shared_values_are_exact_str_even_for_a_str_subclass_audience():
    class Tagged(str):
        pass

    aud = Tagged(AUDIENCE)
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], audience=aud)
    claims = v.decode(token({"aud": AUDIENCE}))
    assert type(claims["aud"]) is str and claims["aud"] == AUDIENCE


@pytest.mark.parametrize("payload", [
    b'{"iss":"https:\\/\\/issuer.example\\/","aud":"api:\\/\\/tape"}',   # escaped: equal text, new objects
    b'{"iss":"https://issuer.example/","aud":["api://tape","x"]}',       # aud as a list
    b'{"iss":"https://issuer.example/","aud":"api://tape","iss":"https://issuer.example/"}',  # duplicate: last wins
    b'{"iss":"other","aud":"api://tape","iss":"https://issuer.example/"}',   # only the last iss is checked
    b'{"\\u0069ss":"https://issuer.example/","a\\u0075d":"api://tape"}',   # escaped names
])
def test_claims_equal_json_loads_whatever_is_shared(payload):
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE)
    assert same(v.decode(token(payload)), json.loads(payload))


def test_escaped_claim_names_are_the_shared_names():
    # The claim checks decode an escaped name to find iss and aud; the dict
    # gets the one shared str for the name and the configured value objects.
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE)
    claims = v.decode(token(b'{"\\u0069ss":"https://issuer.example/","a\\u0075d":"api://tape"}'))
    names = dict.fromkeys(_core._common_names_shared())
    assert [k for k in claims] == ["iss", "aud"]
    assert all(any(k is n for n in names) for k in claims)
    assert claims["iss"] is v.issuer and claims["aud"] is v.audience


@pytest.mark.parametrize("issuer", [["other", ISSUER], ("other", ISSUER), {"other", ISSUER}])
def test_an_issuer_container_shares_the_member_that_matched(issuer):
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=issuer, options={"verify_aud": False})
    claims = v.decode(token({"iss": ISSUER}))
    member = next(i for i in issuer if i == ISSUER)
    assert claims["iss"] is member


@pytest.mark.parametrize("options", [{"verify_iss": False}, {"verify_signature": False}])
def test_values_not_checked_are_equal_but_not_shared(options):
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE,
                          options={**options, "verify_aud": False})
    claims = v.decode(token({"iss": ISSUER, "aud": AUDIENCE}))
    assert claims == {"iss": ISSUER, "aud": AUDIENCE}
    assert claims["iss"] is not v.issuer


@pytest.mark.parametrize("issuer, exp", [
    (ISSUER, 4102444800.5),             # a float exp: the checks stop at it, after naming
    ({ISSUER: 1}.keys(), 4102444800),   # a container only Python checks: no C claim checks
])
def test_batch_claims_left_to_python_equal_the_payloads(issuer, exp):
    # Claims left to Python (TJ_DEFER_CLAIMS): the names come from the claim
    # checks, the batch worker's hook, or the builder's own lookup.
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=issuer, options={"verify_aud": False})
    payloads = [{"iss": ISSUER, "sub": f"u{i}", "exp": exp} for i in range(600)]
    out = v.decode_many([token(p) for p in payloads], threads=2)
    assert all(same(a, b) for a, b in zip(out, payloads)) and len(out) == len(payloads)
    first_keys = list(out[0])
    for claims in out:
        assert all(a is b for a, b in zip(claims, first_keys))


def test_a_caller_editing_its_claims_changes_nothing_shared():
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=ISSUER, audience=[AUDIENCE])
    tok = token({"iss": ISSUER, "aud": [AUDIENCE]})
    first = v.decode(tok)
    first["aud"].append("mine")
    first["iss"] = "changed"
    assert v.decode(tok) == {"iss": ISSUER, "aud": [AUDIENCE]}
    assert v.audience == [AUDIENCE]


INTS = [0, 7, -7, 9, 10, 99, 12345678, 99999999, 100000000, 123456789, 1795932251,
        -1795932251, 1234567890123456, 12345678901234567, 123456789012345678,
        -123456789012345678, 999999999999999999, 1000000000000000000,
        9223372036854775807, 9223372036854775808, -9223372036854775809, 10**40]


@pytest.mark.parametrize("n", INTS)
def test_integers_read_like_json_loads(n):
    # 18 digits and fewer are read in C, eight at a time; longer ones by int().
    doc = json.dumps({"n": n, "neg": -n, "list": [n, n + 1]}).encode()
    assert same(_testing.json_loads(doc), json.loads(doc))
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], options={"verify_aud": False})
    assert same(v.decode(token(doc)), json.loads(doc))


def test_every_integer_length_and_digit_position():
    for length in range(1, 21):
        for digit in "0123456789":
            for pos in range(length):
                text = ["1"] * length
                text[pos] = digit
                if text[0] == "0" and length > 1:
                    continue
                doc = f"[{''.join(text)}, -{''.join(text)}]".encode()
                assert same(_testing.json_loads(doc), json.loads(doc)), doc


@pytest.mark.parametrize("limit", [None, 1000])
def test_a_number_past_pythons_digit_limit_is_a_decode_error(limit):
    # Past 4300 digits the core refuses the number; below that, int() applies
    # Python's own limit (sys.set_int_max_str_digits), as json.loads does.
    import sys

    digits = 4301 if limit is None else 2000
    if limit is not None:
        old = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(limit)
    try:
        v = turbojwt.Verifier(KEY, algorithms=["HS256"], options={"verify_aud": False})
        with pytest.raises(turbojwt.DecodeError, match="Invalid payload string"):
            v.decode(token(b'{"n": ' + b"7" * digits + b"}"))
    finally:
        if limit is not None:
            sys.set_int_max_str_digits(old)


def test_a_verifier_cannot_be_initialized_again():
    # Its C policy points into objects __init__ keeps (the expected iss/aud
    # strs among them); a second __init__ would drop them under that policy.
    v = turbojwt.Verifier(KEY, algorithms=["HS256"], issuer=ISSUER, options={"verify_aud": False})
    with pytest.raises(TypeError, match="initialized once"):
        v.__init__(KEY, algorithms=["HS256"], issuer=["other"])
    claims = v.decode(token({"iss": ISSUER}))
    assert claims["iss"] is v.issuer


def test_an_uninitialized_verifier_refuses_every_token():
    v = turbojwt.Verifier.__new__(turbojwt.Verifier)
    with pytest.raises(turbojwt.DecodeError):
        v.decode(token({"iss": ISSUER}))
