"""Interoperability with PyJWT 2.15.1: tokens it makes, turbojwt verifies to the same result.

Claims dicts are compared with their types (1, 1.0 and True differ), headers and
signatures through decode_complete and get_unverified_header, and bad tokens
must raise exceptions of the same class, with the same message, in both libraries. Hypothesis generates
claims with unicode (non-BMP, characters that need escapes), nested containers,
big integers and floats that round-trip.
"""

from __future__ import annotations

import json
import time
import warnings

import jwt as pyjwt
import pytest
import turbojwt
from _compare import canon
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = {
    "HS256": b"interop-key-256-0123456789abcdef",
    "HS384": b"interop-key-384-0123456789abcdef0123456789abcdef",
    "HS512": b"interop-key-512-0123456789abcdef0123456789abcdef0123456789abcdef",
}
REGISTERED = {"exp", "nbf", "iat", "iss", "aud", "sub", "jti"}


def outcome(call):
    """("returns", value) or ("raises", class name, message): messages are PyJWT's, word for word."""
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return ("raises", type(exc).__name__, str(exc))
    return ("returns", canon(result))


def canon_complete(decoded):
    return {"payload": canon(decoded["payload"]), "header": canon(decoded["header"]),
            "signature": decoded["signature"]}


def assert_same_everywhere(token, key, algorithms, **kwargs):
    """decode, decode_complete, Verifier and get_unverified_header all agree with PyJWT."""
    ours = turbojwt.decode(token, key, algorithms=algorithms, **kwargs)
    theirs = pyjwt.decode(token, key, algorithms=algorithms, **kwargs)
    assert canon(ours) == canon(theirs)
    ours_c = turbojwt.decode_complete(token, key, algorithms=algorithms, **kwargs)
    theirs_c = pyjwt.decode_complete(token, key, algorithms=algorithms, **kwargs)
    assert canon_complete(ours_c) == canon_complete(theirs_c)
    options = kwargs.pop("options", None)
    verifier = turbojwt.Verifier(key, algorithms, options=options, **kwargs)
    assert canon(verifier.decode(token)) == canon(theirs)
    assert canon_complete(verifier.decode_complete(token)) == canon_complete(theirs_c)
    assert canon(turbojwt.get_unverified_header(token)) == canon(pyjwt.get_unverified_header(token))
    return ours


# ---------------------------------------------------------------- fixed tokens

HEADERS = {
    "default": None,
    "kid": {"kid": "2024-key-1"},
    "typ-at+jwt": {"typ": "at+jwt"},
    "no-typ": {"typ": None},
    "cty": {"cty": "JWT", "kid": "k"},
    "extra-fields": {"x5t": "dGh1bWI", "ext": {"a": [1, 2.5, None, True, "é"]}, "n": 7},
    "unicode": {"kid": "clé-\U0001F511", "note": "line\nbreak \"quoted\" \\ back"},
    "b64-true": {"b64": True},
}

CLAIMS = {
    "sub": "user-42",
    "name": "Zoë \U0001F600",
    "admin": True,
    "roles": ["read", "write"],
    "n": 12345678901234567890123,
    "neg": -7,
    "f": 0.1,
    "zero": 0.0,
    "big_float": 1.5e300,
    "nothing": None,
    "nested": {"a": {"b": [1, {"c": []}, {}]}},
    "escapes": "\"\\/\b\f\n\r\t\x00\x1f\u2028",
}


@pytest.mark.parametrize("alg", sorted(KEYS))
@pytest.mark.parametrize("header_name", HEADERS)
def test_pyjwt_tokens_verify(alg, header_name):
    now = int(time.time())
    claims = {**CLAIMS, "iat": now, "nbf": now - 60, "exp": now + 3600, "iss": "https://idp.example",
              "aud": ["api", "web"], "jti": "id-1"}
    token = pyjwt.encode(claims, KEYS[alg], algorithm=alg, headers=HEADERS[header_name])
    ours = assert_same_everywhere(token, KEYS[alg], [alg], audience="api", issuer="https://idp.example",
                                  subject="user-42")
    assert canon(ours) == canon(claims)
    # Also with every algorithm allowed, and with the token as bytes.
    assert canon(turbojwt.decode(token.encode(), KEYS[alg], algorithms=sorted(KEYS), audience="web",
                                 issuer=["https://idp.example"])) == canon(claims)


def test_unsorted_headers():
    token = pyjwt.encode({"a": 1}, KEYS["HS256"], headers={"kid": "k", "zz": 1, "aa": 2}, sort_headers=False)
    assert_same_everywhere(token, KEYS["HS256"], ["HS256"])
    assert list(turbojwt.get_unverified_header(token)) == list(pyjwt.get_unverified_header(token))


@pytest.mark.parametrize("key", ["a str secret of 32+ characters !!", "clé secrète \U0001F511 of some length",
                                 b"\x00\xff" * 20], ids=["ascii-str", "unicode-str", "binary-bytes"])
def test_key_as_str_or_bytes(key):
    token = pyjwt.encode({"a": 1}, key, algorithm="HS256")
    assert_same_everywhere(token, key, ["HS256"])
    other = key.encode() if isinstance(key, str) else key
    assert turbojwt.decode(token, other, algorithms=["HS256"]) == {"a": 1}


def test_raw_utf8_payload_made_by_pyjws():
    """JSON written without ensure_ascii: the payload carries raw UTF-8, not escapes."""
    claims = {"name": "Zoë", "emoji": "\U0001F600", "cjk": "日本", "mixed": "a\u2028b"}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    token = pyjwt.api_jws.encode(payload, KEYS["HS256"], algorithm="HS256")
    assert canon(assert_same_everywhere(token, KEYS["HS256"], ["HS256"])) == canon(claims)


def test_deprecated_arguments_warn_like_pyjwt():
    token = pyjwt.encode({"a": 1}, KEYS["HS256"])
    seen = {}
    for lib in (turbojwt, pyjwt):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert lib.decode(token, KEYS["HS256"], algorithms=["HS256"], verify=False) == {"a": 1}
            assert lib.decode(token, KEYS["HS256"], algorithms=["HS256"], unknown=1) == {"a": 1}
            assert lib.decode_complete(token, KEYS["HS256"], algorithms=["HS256"], unknown=1)["payload"] == {"a": 1}
        seen[lib.__name__] = [(w.category.__name__, str(w.message)) for w in caught]
    assert seen["turbojwt"] == seen["jwt"]
    assert len(seen["jwt"]) == 3


# ---------------------------------------------------------------- same failures


def _good(alg="HS256", **extra):
    now = int(time.time())
    claims = {"sub": "s", "iss": "https://idp.example", "aud": "api", "exp": now + 600, "iat": now - 5, **extra}
    return pyjwt.encode(claims, KEYS[alg], algorithm=alg, headers={"kid": "k1"})


def _tamper_signature(token):
    head, sig = token.rsplit(".", 1)
    return f"{head}.{('A' if sig[0] != 'A' else 'B')}{sig[1:]}"


def _tamper_payload(token):
    header, payload, sig = token.split(".")
    other = pyjwt.encode({"sub": "admin"}, KEYS["HS256"]).split(".")[1]
    return f"{header}.{other}.{sig}"


def _retag_alg(token, alg):
    """Same payload and signature, header claiming another alg (signature then fails)."""
    header, payload, sig = token.split(".")
    import base64
    new_header = base64.urlsafe_b64encode(json.dumps({"alg": alg, "typ": "JWT"}).encode()).rstrip(b"=").decode()
    return f"{new_header}.{payload}.{sig}"


now_ = int(time.time())
BAD = {
    "tampered-signature": (lambda: _tamper_signature(_good()), {}),
    "tampered-payload": (lambda: _tamper_payload(_good()), {}),
    "truncated-signature": (lambda: _good()[:-4], {}),
    "signature-removed": (lambda: _good().rsplit(".", 1)[0] + ".", {}),
    "wrong-key": (lambda: _good(), {"key": b"another key that is 32 bytes lon"}),
    "key-of-other-alg": (lambda: _good(), {"key": KEYS["HS512"]}),
    "alg-not-in-list": (lambda: _good("HS384"), {"algorithms": ["HS256", "HS512"]}),
    "alg-retagged-allowed": (lambda: _retag_alg(_good(), "HS512"), {"algorithms": ["HS256", "HS512"]}),
    "alg-retagged-none": (lambda: _retag_alg(_good(), "none"), {}),
    "expired": (lambda: _good(exp=now_ - 3600), {}),
    "expired-within-leeway": (lambda: _good(exp=now_ - 60), {"leeway": 600}),
    "not-yet-valid": (lambda: _good(nbf=now_ + 3600), {}),
    "issued-in-future": (lambda: _good(iat=now_ + 3600), {}),
    "wrong-audience": (lambda: _good(), {"audience": "other"}),
    "wrong-issuer": (lambda: _good(), {"issuer": "https://evil.example"}),
    "wrong-subject": (lambda: _good(), {"subject": "t"}),
    "missing-required": (lambda: _good(), {"options": {"require": ["nonce"]}}),
    "unexpected-audience": (lambda: _good(), {"audience": None}),
}


@pytest.mark.parametrize("name", BAD)
def test_same_exception_for_the_same_bad_token(name):
    make, overrides = BAD[name]
    token = make()
    kwargs = {"key": KEYS["HS256"], "algorithms": ["HS256"], "audience": "api", "issuer": "https://idp.example"}
    kwargs.update(overrides)
    key = kwargs.pop("key")
    algorithms = kwargs.pop("algorithms")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pyjwt.warnings.InsecureKeyLengthWarning)
        warnings.simplefilter("ignore", turbojwt.InsecureKeyLengthWarning)
        ours = outcome(lambda: turbojwt.decode(token, key, algorithms=algorithms, **kwargs))
        theirs = outcome(lambda: pyjwt.decode(token, key, algorithms=algorithms, **kwargs))
        assert ours == theirs
        options = kwargs.pop("options", None)
        via_verifier = outcome(lambda: turbojwt.Verifier(key, algorithms, options=options, **kwargs).decode(token))
        assert via_verifier == theirs


def test_every_signature_character_matters():
    token = _good()
    head, sig = token.rsplit(".", 1)
    for i in range(len(sig) - 1):
        for c in "AgQw":
            if c != sig[i]:
                forged = f"{head}.{sig[:i]}{c}{sig[i + 1:]}"
                assert outcome(lambda: turbojwt.decode(forged, KEYS["HS256"], algorithms=["HS256"],
                                                       audience="api"))[:2] == ("raises", "InvalidSignatureError")
                break


# ---------------------------------------------------------------- Hypothesis round trips

# Characters that JSON must escape, and characters around the edges of UTF-8 and UTF-16.
TRICKY = '"\\/\b\f\n\r\t\x00\x01\x1f\x7f\x80\u00e9\u07ff\u0800\u2028\u2029\ud7ff\ue000\ufeff\ufffd\uffff' \
         '\U00010000\U0001F600\U0010FFFF'
texts = st.one_of(st.text(max_size=12), st.text(alphabet=st.sampled_from(TRICKY), max_size=8))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63) - 5, max_value=2**63 + 5),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)),
    max_leaves=16,
)
claim_names = texts.filter(lambda name: name not in REGISTERED)
claims_dicts = st.dictionaries(claim_names, json_values, max_size=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=claims_dicts, alg=st.sampled_from(sorted(KEYS)), ensure_ascii=st.booleans())
def test_roundtrip_claims(claims, alg, ensure_ascii):
    if ensure_ascii:
        token = pyjwt.encode(claims, KEYS[alg], algorithm=alg)
    else:
        payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
        token = pyjwt.api_jws.encode(payload, KEYS[alg], algorithm=alg)
    ours = turbojwt.decode(token, KEYS[alg], algorithms=[alg])
    assert canon(ours) == canon(claims)
    assert canon(ours) == canon(pyjwt.decode(token, KEYS[alg], algorithms=[alg]))
    complete = turbojwt.decode_complete(token, KEYS[alg], algorithms=[alg])
    assert canon_complete(complete) == canon_complete(pyjwt.decode_complete(token, KEYS[alg], algorithms=[alg]))


header_names = texts.filter(lambda name: name not in {"alg", "kid", "crit", "b64", "typ"})


@settings(max_examples=100, deadline=None)
@given(extra=st.dictionaries(header_names, json_values, max_size=5), kid=st.one_of(st.none(), texts),
       typ=st.one_of(st.none(), texts))
def test_roundtrip_headers(extra, kid, typ):
    headers = dict(extra)
    if kid is not None:
        headers["kid"] = kid
    headers["typ"] = typ
    token = pyjwt.encode({"a": 1}, KEYS["HS256"], algorithm="HS256", headers=headers)
    assert canon(turbojwt.get_unverified_header(token)) == canon(pyjwt.get_unverified_header(token))
    complete = turbojwt.decode_complete(token, KEYS["HS256"], algorithms=["HS256"])
    assert canon_complete(complete) == canon_complete(
        pyjwt.decode_complete(token, KEYS["HS256"], algorithms=["HS256"]))


# Registered claims with arbitrary values, and times kept >= 30 s away from now
# (plus at most 3 s of leeway) so the clock cannot move an answer between calls.
offsets = st.one_of(st.integers(min_value=30, max_value=10**7), st.integers(min_value=-(10**7), max_value=-30))
float_offsets = st.one_of(st.floats(min_value=30, max_value=1e7), st.floats(min_value=-1e7, max_value=-30))
audiences = st.sampled_from(["api", "web", "", "\U0001F600"])
time_values = st.one_of(
    offsets.map(lambda d: ("int", d)),
    float_offsets.map(lambda d: ("float", d)),
    offsets.map(lambda d: ("str", d)),
    json_values.map(lambda v: ("raw", v)),
)
registered = st.fixed_dictionaries({}, optional={
    "exp": time_values, "nbf": time_values, "iat": time_values,
    "iss": st.one_of(st.sampled_from(["https://idp.example", "https://idp.example.evil", ""]), json_values),
    "aud": st.one_of(audiences, st.lists(st.one_of(audiences, json_values), max_size=3), json_values),
    "sub": st.one_of(st.sampled_from(["alice", "bob"]), json_values),
    "jti": st.one_of(texts, json_values),
})
decode_args = st.fixed_dictionaries({}, optional={
    "audience": st.one_of(audiences, st.lists(audiences, max_size=3)),
    "issuer": st.one_of(st.sampled_from(["https://idp.example", ""]),
                        st.lists(st.sampled_from(["https://idp.example", "x"]), max_size=2)),
    "subject": st.sampled_from(["alice", "bob"]),
    "leeway": st.one_of(st.integers(min_value=0, max_value=3), st.floats(min_value=0, max_value=3)),
    "options": st.fixed_dictionaries({}, optional={
        "verify_exp": st.booleans(), "verify_nbf": st.booleans(), "verify_iat": st.booleans(),
        "verify_aud": st.booleans(), "verify_iss": st.booleans(), "verify_sub": st.booleans(),
        "verify_jti": st.booleans(), "strict_aud": st.booleans(),
        "require": st.lists(st.sampled_from(sorted(REGISTERED)), max_size=2),
    }),
})


def _realize(claims, now):
    out = {}
    for name, value in claims.items():
        if name in ("exp", "nbf", "iat"):
            kind, v = value
            if kind in ("int", "float"):
                out[name] = now + v
            elif kind == "str":
                out[name] = str(now + v)
            else:
                out[name] = v
        else:
            out[name] = value
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=registered, extra=claims_dicts, args=decode_args)
def test_registered_claims_same_outcome(claims, extra, args):
    now = int(time.time())
    payload = {**extra, **_realize(claims, now)}
    # PyJWS, not PyJWT: jwt.encode refuses a non-string iss, and such tokens are the point here.
    token = pyjwt.api_jws.encode(json.dumps(payload).encode(), KEYS["HS256"], algorithm="HS256")
    theirs = outcome(lambda: pyjwt.decode(token, KEYS["HS256"], algorithms=["HS256"], **args))
    ours = outcome(lambda: turbojwt.decode(token, KEYS["HS256"], algorithms=["HS256"], **args))
    assert ours == theirs
    options = args.get("options")
    rest = {k: v for k, v in args.items() if k != "options"}
    via_verifier = outcome(lambda: turbojwt.Verifier(KEYS["HS256"], ["HS256"], options=options, **rest).decode(token))
    assert via_verifier == theirs
