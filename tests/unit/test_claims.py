"""Registered claims and decode options, checked against PyJWT 2.15.1.

Every case runs through ``turbojwt.decode`` and ``turbojwt.Verifier(...).decode``,
and again with PyJWT on the same token and arguments: both must return equal
claims (with equal types) or raise exceptions of the same class name, with the
same message.

Time and claim checks exist twice in turbojwt: in C on the JSON tape
(csrc/claims.c) and in Python (turbojwt/_claims.py), which takes over when a
time claim is not a small JSON integer or when the caller's issuer, subject or
required claims are not plain strings. The ``path`` axis forces the Python
fallback by passing a ``subject`` that is not a string (which changes nothing
for tokens without ``sub``), so each case runs both implementations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Container
from datetime import timedelta

import jwt as pyjwt
import pytest
import turbojwt

KEY = b"claims-test-key-0123456789abcdef"  # 32 bytes: no InsecureKeyLengthWarning for HS256


# ---------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload, header=None, key: bytes = KEY) -> str:
    """An HS256 token over raw JSON bytes (or a dict), signed with the stdlib alone."""
    if header is None:
        header = {"alg": "HS256", "typ": "JWT"}
    if not isinstance(header, bytes):
        header = json.dumps(header).encode()
    if not isinstance(payload, bytes):
        payload = json.dumps(payload).encode()
    signing_input = f"{b64url(header)}.{b64url(payload)}"
    tag = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(tag)}"


def canon(value):
    """A representation where 1, 1.0 and True differ (== alone would equate them)."""
    if isinstance(value, dict):
        return ("dict", [(k, canon(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [canon(v) for v in value])
    if isinstance(value, float):
        return ("float", repr(value))  # tells -0.0 from 0.0
    return (type(value).__name__, value)


def outcome(call):
    """("returns", claims) or ("raises", class name, message).

    turbojwt's claim errors carry PyJWT's messages word for word, so the
    message is compared too.
    """
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return ("raises", type(exc).__name__, str(exc))
    return ("returns", canon(result))


class Fresh:
    """An argument rebuilt for every call (a generator is consumed by its first user)."""

    def __init__(self, make):
        self.make = make


def materialize(kwargs):
    return {k: (v.make() if isinstance(v, Fresh) else v) for k, v in kwargs.items()}


class NotAString:
    """A ``subject`` that is not a str: turbojwt hands every claim check to _claims.py."""

    def __repr__(self):
        return "NotAString()"


def turbojwt_decode(api, token, key=KEY, **kwargs):
    kwargs = dict(kwargs)
    algorithms = kwargs.pop("algorithms", ["HS256"])
    if api == "decode":
        return turbojwt.decode(token, key, algorithms=algorithms, **kwargs)
    options = kwargs.pop("options", None)
    verifier = turbojwt.Verifier(key, algorithms, options=options, **kwargs)
    return verifier.decode(token)


def assert_like_pyjwt(api, token, *, path="c", key=KEY, **kwargs):
    """turbojwt and PyJWT give the same result, or the same exception class and message."""
    if path == "python":
        assert "subject" not in kwargs
        kwargs["subject"] = NotAString()
    ours = outcome(lambda: turbojwt_decode(api, token, key=key, **materialize(kwargs)))
    kwargs.setdefault("algorithms", ["HS256"])
    reference = outcome(lambda: pyjwt.decode(token, key, **materialize(kwargs)))
    assert ours == reference
    if ours[0] == "raises" and ours[1] != "TypeError":
        # The class raised by turbojwt is one of its own documented exceptions.
        assert issubclass(getattr(turbojwt.exceptions, ours[1]), turbojwt.PyJWTError)
    return ours


@pytest.fixture(params=["decode", "verifier"])
def api(request):
    return request.param


def both_paths(cases):
    """Parametrize (case, path) over the C checks and the Python fallback."""
    return [pytest.param(case, path, id=f"{case[0]}-{path}") for case in cases for path in ("c", "python")]


# ---------------------------------------------------------------- time claims

# (id, claim, value as a function of now, decode kwargs). The margins are large
# (>= 30 s) so that the second between two decodes never changes an answer, and
# the "short" leeways (70 s against a 100 s distance) would cover the distance if
# an implementation counted the leeway twice, so such a slip cannot pass.
TIME_CASES = [
    ("exp-past", "exp", lambda now: now - 100, {}),
    ("exp-future", "exp", lambda now: now + 100, {}),
    ("exp-past-leeway-int-covers", "exp", lambda now: now - 100, {"leeway": 150}),
    ("exp-past-leeway-int-short", "exp", lambda now: now - 100, {"leeway": 70}),
    ("exp-past-leeway-float-covers", "exp", lambda now: now - 100, {"leeway": 150.5}),
    ("exp-past-leeway-float-short", "exp", lambda now: now - 100, {"leeway": 70.5}),
    ("exp-past-leeway-timedelta-covers", "exp", lambda now: now - 100, {"leeway": timedelta(seconds=150)}),
    ("exp-past-leeway-timedelta-short", "exp", lambda now: now - 100, {"leeway": timedelta(seconds=70)}),
    ("exp-future-negative-leeway", "exp", lambda now: now + 100, {"leeway": -150}),
    ("exp-float-past", "exp", lambda now: now - 100.5, {}),
    ("exp-float-future", "exp", lambda now: now + 100.5, {}),
    ("exp-numeric-string-future", "exp", lambda now: str(now + 100), {}),
    ("exp-numeric-string-past", "exp", lambda now: str(now - 100), {}),
    ("exp-numeric-string-spaces", "exp", lambda now: f"  {now + 100}  ", {}),
    ("exp-string-123", "exp", lambda now: "123", {}),
    ("exp-decimal-string", "exp", lambda now: "12.5", {}),
    ("exp-word-string", "exp", lambda now: "soon", {}),
    ("exp-empty-string", "exp", lambda now: "", {}),
    ("exp-true", "exp", lambda now: True, {}),
    ("exp-false", "exp", lambda now: False, {}),
    ("exp-null", "exp", lambda now: None, {}),
    ("exp-list", "exp", lambda now: [now + 100], {}),
    ("exp-object", "exp", lambda now: {"t": now + 100}, {}),
    ("exp-2**63-1", "exp", lambda now: 2**63 - 1, {}),
    ("exp-2**63", "exp", lambda now: 2**63, {}),
    ("exp-2**64", "exp", lambda now: 2**64, {}),
    ("exp-10**30", "exp", lambda now: 10**30, {}),
    ("exp-minus-2**63", "exp", lambda now: -(2**63), {}),
    ("exp-minus-2**64", "exp", lambda now: -(2**64), {}),
    ("exp-negative", "exp", lambda now: -1, {}),
    ("exp-zero", "exp", lambda now: 0, {}),
    ("exp-1e300", "exp", lambda now: 1e300, {}),
    ("exp-15-digits", "exp", lambda now: 999_999_999_999_999, {}),
    ("exp-16-digits", "exp", lambda now: 1_000_000_000_000_000, {}),
    ("exp-past-verify_exp-off", "exp", lambda now: now - 100, {"options": {"verify_exp": False}}),
    ("exp-null-verify_exp-off", "exp", lambda now: None, {"options": {"verify_exp": False}}),
    ("iat-past", "iat", lambda now: now - 100, {}),
    ("iat-future", "iat", lambda now: now + 100, {}),
    ("iat-future-leeway-int-covers", "iat", lambda now: now + 100, {"leeway": 150}),
    ("iat-future-leeway-float-covers", "iat", lambda now: now + 100, {"leeway": 150.5}),
    ("iat-future-leeway-float-short", "iat", lambda now: now + 100, {"leeway": 70.5}),
    ("iat-future-leeway-int-short", "iat", lambda now: now + 100, {"leeway": 70}),
    ("iat-future-leeway-timedelta-short", "iat", lambda now: now + 100, {"leeway": timedelta(seconds=70)}),
    ("iat-future-leeway-timedelta-covers", "iat", lambda now: now + 100, {"leeway": timedelta(minutes=3)}),
    ("iat-float-future", "iat", lambda now: now + 100.7, {}),
    ("iat-float-past", "iat", lambda now: now - 100.7, {}),
    ("iat-numeric-string-future", "iat", lambda now: str(now + 100), {}),
    ("iat-numeric-string-past", "iat", lambda now: str(now - 100), {}),
    ("iat-word-string", "iat", lambda now: "yesterday", {}),
    ("iat-true", "iat", lambda now: True, {}),
    ("iat-null", "iat", lambda now: None, {}),
    ("iat-list", "iat", lambda now: [], {}),
    ("iat-2**64", "iat", lambda now: 2**64, {}),
    ("iat-minus-2**64", "iat", lambda now: -(2**64), {}),
    ("iat-future-verify_iat-off", "iat", lambda now: now + 100, {"options": {"verify_iat": False}}),
    ("iat-word-verify_iat-off", "iat", lambda now: "x", {"options": {"verify_iat": False}}),
    ("nbf-past", "nbf", lambda now: now - 100, {}),
    ("nbf-future", "nbf", lambda now: now + 100, {}),
    ("nbf-future-leeway-int-covers", "nbf", lambda now: now + 100, {"leeway": 150}),
    ("nbf-future-leeway-float-short", "nbf", lambda now: now + 100, {"leeway": 70.5}),
    ("nbf-future-leeway-int-short", "nbf", lambda now: now + 100, {"leeway": 70}),
    ("nbf-future-leeway-timedelta-covers", "nbf", lambda now: now + 100, {"leeway": timedelta(seconds=150)}),
    ("nbf-float-future", "nbf", lambda now: now + 100.2, {}),
    ("nbf-numeric-string-future", "nbf", lambda now: str(now + 100), {}),
    ("nbf-word-string", "nbf", lambda now: "later", {}),
    ("nbf-false", "nbf", lambda now: False, {}),
    ("nbf-null", "nbf", lambda now: None, {}),
    ("nbf-object", "nbf", lambda now: {}, {}),
    ("nbf-2**64", "nbf", lambda now: 2**64, {}),
    ("nbf-future-verify_nbf-off", "nbf", lambda now: now + 100, {"options": {"verify_nbf": False}}),
]


@pytest.mark.parametrize("case, path", both_paths(TIME_CASES))
def test_time_claim(api, case, path):
    _, claim, value, kwargs = case
    now = int(time.time())
    token = sign({claim: value(now), "name": "x"})
    assert_like_pyjwt(api, token, path=path, **kwargs)


# Raw JSON for values json.dumps cannot write (or writes differently).
RAW_TIME_CASES = [
    ("exp-1e400-is-infinity", b'{"exp": 1e400}'),
    ("exp-minus-1e400", b'{"exp": -1e400}'),
    ("exp-1e-400-underflows-to-zero", b'{"exp": 1e-400}'),
    ("exp-exponent-form", b'{"exp": 1e3}'),
    ("exp-minus-zero", b'{"exp": -0}'),
    ("exp-40-digits", b'{"exp": 1234567890123456789012345678901234567890}'),
    ("exp-17-digits", b'{"exp": 99999999999999999}'),
    ("exp-string-unicode-digits", b'{"exp": "\\u0661\\u0662"}'),
    ("exp-string-underscore", b'{"exp": "1_000"}'),
    ("iat-1e400", b'{"iat": 1e400}'),
    ("nbf-minus-1e400", b'{"nbf": -1e400}'),
    ("iat-then-exp-both-bad-order", b'{"exp": 1, "iat": "x"}'),
    ("nbf-future-and-exp-past-order", b'{"exp": 1, "nbf": 99999999999}'),
    ("iat-future-and-nbf-bad-order", b'{"nbf": "x", "iat": 99999999999}'),
]


@pytest.mark.parametrize("case, path", both_paths(RAW_TIME_CASES))
def test_time_claim_raw_json(api, case, path):
    token = sign(case[1])
    assert_like_pyjwt(api, token, path=path)


# ---------------------------------------------------------------- iss


class AllowedIssuers(Container):
    """A Container that is neither a str nor a list/tuple/set: PyJWT uses ``in``."""

    def __init__(self, *names):
        self.names = names

    def __contains__(self, item):
        return item in self.names


ISS_CASES = [
    ("str-match", {"iss": "https://a.example"}, {"issuer": "https://a.example"}),
    ("str-mismatch", {"iss": "https://b.example"}, {"issuer": "https://a.example"}),
    ("str-prefix-attack", {"iss": "https://a.example.evil"}, {"issuer": "https://a.example"}),
    ("str-prefix-of-expected", {"iss": "https://a.example"}, {"issuer": "https://a.example.evil"}),
    ("str-substring", {"iss": "a.example"}, {"issuer": "https://a.example"}),
    ("str-trailing-slash", {"iss": "https://a.example/"}, {"issuer": "https://a.example"}),
    ("str-case", {"iss": "HTTPS://A.EXAMPLE"}, {"issuer": "https://a.example"}),
    ("str-empty-both", {"iss": ""}, {"issuer": ""}),
    ("str-non-bmp", {"iss": "iss-\U0001F600"}, {"issuer": "iss-\U0001F600"}),
    ("list-member", {"iss": "b"}, {"issuer": ["a", "b"]}),
    ("list-not-member", {"iss": "c"}, {"issuer": ["a", "b"]}),
    ("list-prefix-attack", {"iss": "https://a.example.evil"}, {"issuer": ["https://a.example"]}),
    ("list-empty", {"iss": "a"}, {"issuer": []}),
    ("list-with-non-str", {"iss": "a"}, {"issuer": [1, None, "a"]}),
    ("tuple-member", {"iss": "a"}, {"issuer": ("a",)}),
    ("set-member", {"iss": "a"}, {"issuer": {"a", "b"}}),
    ("set-not-member", {"iss": "z"}, {"issuer": {"a", "b"}}),
    ("frozenset-member", {"iss": "a"}, {"issuer": frozenset({"a"})}),
    ("dict-keys", {"iss": "a"}, {"issuer": {"a": 1}}),
    ("container-member", {"iss": "a"}, {"issuer": AllowedIssuers("a", "b")}),
    ("container-not-member", {"iss": "c"}, {"issuer": AllowedIssuers("a", "b")}),
    ("container-prefix-attack", {"iss": "https://a.example.evil"}, {"issuer": AllowedIssuers("https://a.example")}),
    ("issuer-bytes-not-container-of-str", {"iss": "a"}, {"issuer": b"a"}),
    ("issuer-int", {"iss": "a"}, {"issuer": 5}),
    ("missing-iss", {"sub": "x"}, {"issuer": "a"}),
    ("missing-iss-list", {}, {"issuer": ["a"]}),
    ("missing-iss-container", {}, {"issuer": AllowedIssuers("a")}),
    ("iss-int", {"iss": 5}, {"issuer": "a"}),
    ("iss-null", {"iss": None}, {"issuer": "a"}),
    ("iss-list", {"iss": ["a"]}, {"issuer": ["a"]}),
    ("iss-list-vs-str", {"iss": ["a"]}, {"issuer": "a"}),
    ("iss-object", {"iss": {"a": 1}}, {"issuer": "a"}),
    ("iss-true", {"iss": True}, {"issuer": AllowedIssuers(True)}),
    ("iss-ignored-without-issuer", {"iss": 5}, {}),
    ("iss-mismatch-verify_iss-off", {"iss": "b"}, {"issuer": "a", "options": {"verify_iss": False}}),
]


@pytest.mark.parametrize("case, path", both_paths(ISS_CASES))
def test_iss(api, case, path):
    _, claims, kwargs = case
    assert_like_pyjwt(api, sign(claims), path=path, **kwargs)


def test_iss_partial_match_is_refused_cve_2024_53861(api):
    """PyJWT 2.10.0 matched issuer strings with `in`: "abc" accepted iss "b"."""
    for iss, issuer in [("https://a.example.evil", "https://a.example"), ("a.exam", "https://a.example"),
                        ("", "https://a.example"), ("https://a.example", "https://a.example ")]:
        with pytest.raises(turbojwt.InvalidIssuerError):
            turbojwt_decode(api, sign({"iss": iss}), issuer=issuer)


# ---------------------------------------------------------------- aud

AUD_CASES = [
    ("str-match", {"aud": "api"}, {"audience": "api"}),
    ("str-mismatch", {"aud": "api"}, {"audience": "web"}),
    ("str-vs-list-expected", {"aud": "api"}, {"audience": ["web", "api"]}),
    ("list-match", {"aud": ["web", "api"]}, {"audience": "api"}),
    ("list-mismatch", {"aud": ["web", "app"]}, {"audience": "api"}),
    ("list-vs-list", {"aud": ["a", "b"]}, {"audience": ["c", "b"]}),
    ("list-with-int", {"aud": ["api", 1]}, {"audience": "api"}),
    ("list-with-null", {"aud": [None, "api"]}, {"audience": "api"}),
    ("list-with-list", {"aud": ["api", ["x"]]}, {"audience": "api"}),
    ("aud-object", {"aud": {"api": 1}}, {"audience": "api"}),
    ("aud-int", {"aud": 5}, {"audience": "api"}),
    ("aud-true", {"aud": True}, {"audience": "api"}),
    ("aud-prefix", {"aud": "api.evil"}, {"audience": "api"}),
    ("aud-escaped", b'{"aud": "\\u0061pi"}', {"audience": "api"}),
    ("aud-non-bmp-escaped", b'{"aud": ["\\ud83d\\ude00"]}', {"audience": "\U0001F600"}),
    ("strict-match", {"aud": "api"}, {"audience": "api", "options": {"strict_aud": True}}),
    ("strict-mismatch", {"aud": "api"}, {"audience": "web", "options": {"strict_aud": True}}),
    ("strict-list-claim", {"aud": ["api"]}, {"audience": "api", "options": {"strict_aud": True}}),
    ("strict-list-expected", {"aud": "api"}, {"audience": ["api"], "options": {"strict_aud": True}}),
    ("strict-missing", {}, {"audience": "api", "options": {"strict_aud": True}}),
    ("missing-with-audience", {}, {"audience": "api"}),
    ("empty-str-with-audience", {"aud": ""}, {"audience": "api"}),
    ("empty-list-with-audience", {"aud": []}, {"audience": "api"}),
    ("zero-with-audience", {"aud": 0}, {"audience": "api"}),
    ("null-with-audience", {"aud": None}, {"audience": "api"}),
    ("false-with-audience", {"aud": False}, {"audience": "api"}),
    ("empty-object-with-audience", {"aud": {}}, {"audience": "api"}),
    ("no-audience-claim-present", {"aud": "api"}, {}),
    ("no-audience-list-claim-present", {"aud": ["api"]}, {}),
    ("no-audience-empty-str", {"aud": ""}, {}),
    ("no-audience-empty-list", {"aud": []}, {}),
    ("no-audience-zero", {"aud": 0}, {}),
    ("no-audience-float-zero", {"aud": 0.0}, {}),
    ("no-audience-null", {"aud": None}, {}),
    ("no-audience-false", {"aud": False}, {}),
    ("no-audience-empty-object", {"aud": {}}, {}),
    ("no-audience-minus-zero", b'{"aud": -0.0e5}', {}),
    ("no-audience-underflow-to-zero", b'{"aud": 1e-400}', {}),
    ("underflow-to-zero-with-audience", b'{"aud": 1e-400}', {"audience": "api"}),
    ("audience-tuple", {"aud": "api"}, {"audience": ("web", "api")}),
    ("audience-set", {"aud": "api"}, {"audience": {"web", "api"}}),
    ("audience-generator", {"aud": "api"}, {"audience": Fresh(lambda: (a for a in ["web", "api"]))}),
    ("audience-generator-mismatch", {"aud": "api"}, {"audience": Fresh(lambda: (a for a in ["web"]))}),
    ("audience-dict", {"aud": "api"}, {"audience": {"api": True}}),
    ("audience-empty-list", {"aud": "api"}, {"audience": []}),
    ("audience-list-with-int", {"aud": "api"}, {"audience": [1, "api"]}),
    ("audience-empty-str", {"aud": ""}, {"audience": ""}),
    ("audience-int-is-type-error", {"aud": "api"}, {"audience": 5}),
    ("mismatch-verify_aud-off", {"aud": "api"}, {"audience": "web", "options": {"verify_aud": False}}),
    ("present-verify_aud-off", {"aud": "api"}, {"options": {"verify_aud": False}}),
]


# "1e-400" is the float 0.0 once parsed: falsy, so an absent audience for PyJWT.
@pytest.mark.parametrize("case, path", both_paths(AUD_CASES))
def test_aud(api, case, path):
    _, claims, kwargs = case
    assert_like_pyjwt(api, sign(claims), path=path, **kwargs)


def test_verifier_keeps_a_generator_audience(api):
    """An audience iterator is read once, then serves every token (not only the first)."""
    verifier = turbojwt.Verifier(KEY, ["HS256"], audience=(a for a in ["web", "api"]))
    token = sign({"aud": "api"})
    for _ in range(3):
        assert verifier.decode(token) == {"aud": "api"}


# ---------------------------------------------------------------- sub, jti

SUB_JTI_CASES = [
    ("sub-str", {"sub": "alice"}, {}),
    ("sub-int", {"sub": 5}, {}),
    ("sub-null", {"sub": None}, {}),
    ("sub-list", {"sub": ["alice"]}, {}),
    ("sub-match", {"sub": "alice"}, {"subject": "alice"}),
    ("sub-mismatch", {"sub": "alice"}, {"subject": "bob"}),
    ("sub-prefix", {"sub": "alice2"}, {"subject": "alice"}),
    ("sub-escaped-match", b'{"sub": "\\u00e9"}', {"subject": "\u00e9"}),
    ("sub-mojibake", b'{"sub": "\\u00c3\\u00a9"}', {"subject": "\u00e9"}),
    ("sub-absent-subject-given", {"name": "x"}, {"subject": "alice"}),
    ("sub-int-subject-int", {"sub": 5}, {"subject": 5}),
    ("sub-str-subject-int", {"sub": "5"}, {"subject": 5}),
    ("sub-int-verify_sub-off", {"sub": 5}, {"options": {"verify_sub": False}}),
    ("sub-mismatch-verify_sub-off", {"sub": "a"}, {"subject": "b", "options": {"verify_sub": False}}),
    ("jti-str", {"jti": "id-1"}, {}),
    ("jti-empty", {"jti": ""}, {}),
    ("jti-int", {"jti": 5}, {}),
    ("jti-null", {"jti": None}, {}),
    ("jti-object", {"jti": {}}, {}),
    ("jti-int-verify_jti-off", {"jti": 5}, {"options": {"verify_jti": False}}),
]


@pytest.mark.parametrize("case", SUB_JTI_CASES, ids=[c[0] for c in SUB_JTI_CASES])
def test_sub_and_jti(api, case):
    # (A non-str subject already takes the Python path, so no path axis here.)
    _, claims, kwargs = case
    assert_like_pyjwt(api, sign(claims), **kwargs)


# ---------------------------------------------------------------- require

REQUIRE_CASES = [
    ("present", {"exp": 9999999999, "iss": "a"}, ["exp", "iss"]),
    ("absent", {"iss": "a"}, ["exp"]),
    ("null", {"exp": None}, ["exp"]),
    ("false-is-present", {"flag": False}, ["flag"]),
    ("zero-is-present", {"n": 0}, ["n"]),
    ("empty-str-is-present", {"s": ""}, ["s"]),
    ("second-missing", {"a": 1}, ["a", "b"]),
    ("custom-claim", {"tenant": "t1"}, ["tenant"]),
    ("tuple", {"a": 1}, ("a",)),
    ("str-iterates-characters", {"a": 1, "b": 2}, "ab"),
    ("str-iterates-characters-missing", {"a": 1}, "ab"),
    ("non-str-name", {"a": 1}, [1]),
    ("non-bmp-name", {"\U0001F600": 1}, ["\U0001F600"]),
]


@pytest.mark.parametrize("case, path", both_paths(REQUIRE_CASES))
def test_require(api, case, path):
    _, claims, require = case
    assert_like_pyjwt(api, sign(claims), path=path, options={"require": require})


@pytest.mark.parametrize(
    "raw, require",
    [
        (b'{"\\u0061": 1}', ["a"]),
        (b'{"a": 1, "a": null}', ["a"]),
        (b'{"a": null, "a": 1}', ["a"]),
        (b'{"a": 1, "\\u0061": null}', ["a"]),
    ],
    ids=["escaped-name", "last-duplicate-null", "last-duplicate-set", "escaped-duplicate-null"],
)
def test_require_raw_json(api, raw, require):
    assert_like_pyjwt(api, sign(raw), options={"require": require})


def test_require_runs_before_time_checks(api):
    now = int(time.time())
    token = sign({"exp": now - 1000})
    assert_like_pyjwt(api, token, options={"require": ["sub"]})
    with pytest.raises(turbojwt.MissingRequiredClaimError) as info:
        turbojwt_decode(api, token, options={"require": ["sub"]})
    assert info.value.claim == "sub"


# ---------------------------------------------------------------- verify_signature=False


def _expired_token_with_everything():
    now = int(time.time())
    return sign({"exp": now - 1000, "nbf": now + 1000, "iat": now + 1000, "aud": "api", "iss": "x",
                 "sub": 5, "jti": 5}, key=b"some other key, not KEY, 32 byte")


NO_SIGNATURE_CASES = [
    ("all-checks-off", {}),
    ("no-algorithms-needed", {"algorithms": None}),
    ("issuer-ignored", {"issuer": "y"}),
    ("audience-mismatch-ignored", {"audience": "web"}),
    ("verify_exp-on", {"options_extra": {"verify_exp": True}}),
    ("verify_nbf-on", {"options_extra": {"verify_nbf": True}}),
    ("verify_iat-on", {"options_extra": {"verify_iat": True}}),
    ("verify_aud-on-no-audience", {"options_extra": {"verify_aud": True}}),
    ("verify_aud-on-mismatch", {"audience": "web", "options_extra": {"verify_aud": True}}),
    ("verify_iss-on", {"issuer": "y", "options_extra": {"verify_iss": True}}),
    ("verify_sub-on", {"options_extra": {"verify_sub": True}}),
    ("verify_jti-on", {"options_extra": {"verify_jti": True}}),
    ("require-still-applies", {"options_extra": {"require": ["tenant"]}}),
    ("verify_exp-explicitly-off", {"options_extra": {"verify_exp": False, "verify_iat": False}}),
]


@pytest.mark.parametrize("case", NO_SIGNATURE_CASES, ids=[c[0] for c in NO_SIGNATURE_CASES])
def test_verify_signature_false_turns_other_checks_off(api, case):
    kwargs = dict(case[1])
    options = {"verify_signature": False, **kwargs.pop("options_extra", {})}
    kwargs.setdefault("algorithms", ["HS256"])
    assert_like_pyjwt(api, _expired_token_with_everything(), options=options, **kwargs)


def test_verify_signature_false_accepts_any_signature(api):
    token = _expired_token_with_everything()
    header, payload, _ = token.split(".")
    for signature in ("", "AAAA", b64url(b"\0" * 32)):
        forged = f"{header}.{payload}.{signature}"
        claims = turbojwt_decode(api, forged, algorithms=None, options={"verify_signature": False})
        assert claims["aud"] == "api"
        with pytest.raises(turbojwt.InvalidSignatureError):
            turbojwt_decode(api, forged, options={"verify_exp": False, "verify_nbf": False,
                                                  "verify_iat": False})


def test_options_none_and_empty_mean_defaults(api):
    now = int(time.time())
    token = sign({"exp": now - 100})
    for options in (None, {}):
        assert_like_pyjwt(api, token, options=options)


# ---------------------------------------------------------------- algorithms


@pytest.mark.parametrize("algorithms", [None, [], (), ""], ids=["None", "empty-list", "empty-tuple", "empty-str"])
def test_algorithms_required_when_verifying(api, algorithms):
    token = sign({"a": 1})
    assert assert_like_pyjwt(api, token, algorithms=algorithms)[:2] == ("raises", "DecodeError")
    with pytest.raises(turbojwt.DecodeError, match="algorithms"):
        turbojwt_decode(api, token, algorithms=algorithms)


def test_algorithms_not_required_without_verification(api):
    token = sign({"a": 1})
    assert turbojwt_decode(api, token, algorithms=None, options={"verify_signature": False}) == {"a": 1}


# ---------------------------------------------------------------- claim names on the wire

ESCAPED_NAME_CASES = [
    ("exp-escaped-past", b'{"\\u0065xp": 1}'),
    ("exp-escaped-future", b'{"\\u0065xp": 99999999999}'),
    ("exp-fully-escaped", b'{"\\u0065\\u0078\\u0070": 1}'),
    ("exp-escaped-null", b'{"\\u0065xp": null}'),
    ("iat-escaped-future", b'{"\\u0069at": 99999999999}'),
    ("nbf-escaped-future", b'{"n\\u0062f": 99999999999}'),
    ("sub-escaped-int", b'{"\\u0073ub": 5}'),
    ("jti-escaped-int", b'{"jt\\u0069": 5}'),
    ("aud-escaped-unexpected", b'{"\\u0061ud": "api"}'),
    ("exp-uppercase-is-not-exp", b'{"EXP": 1}'),
    ("exp-with-nul-is-not-exp", b'{"exp\\u0000": 1}'),
    ("exp-with-space-is-not-exp", b'{"exp ": 1}'),
]


@pytest.mark.parametrize("case, path", both_paths(ESCAPED_NAME_CASES))
def test_escaped_claim_names(api, case, path):
    assert_like_pyjwt(api, sign(case[1]), path=path)


def test_escaped_issuer_claim_name(api):
    token = sign(b'{"\\u0069ss": "https://a.example.evil"}')
    assert assert_like_pyjwt(api, token, issuer="https://a.example")[:2] == ("raises", "InvalidIssuerError")
    token = sign(b'{"\\u0069ss": "https://a.example"}')
    assert assert_like_pyjwt(api, token, issuer="https://a.example")[0] == "returns"


DUPLICATE_CASES = [
    ("exp-past-then-future", b'{"exp": 1, "exp": 99999999999}'),
    ("exp-future-then-past", b'{"exp": 99999999999, "exp": 1}'),
    ("exp-future-then-escaped-past", b'{"exp": 99999999999, "\\u0065xp": 1}'),
    ("exp-escaped-past-then-future", b'{"\\u0065xp": 1, "exp": 99999999999}'),
    ("exp-bad-then-good", b'{"exp": "x", "exp": 99999999999}'),
    ("exp-good-then-null", b'{"exp": 99999999999, "exp": null}'),
    ("iat-future-then-past", b'{"iat": 99999999999, "iat": 1}'),
    ("nbf-past-then-future", b'{"nbf": 1, "nbf": 99999999999}'),
    ("sub-str-then-int", b'{"sub": "a", "sub": 5}'),
    ("sub-int-then-str", b'{"sub": 5, "sub": "a"}'),
    ("jti-int-then-str", b'{"jti": 5, "jti": "a"}'),
    ("aud-str-then-empty", b'{"aud": "api", "aud": ""}'),
    ("aud-empty-then-str", b'{"aud": "", "aud": "api"}'),
]


@pytest.mark.parametrize("case, path", both_paths(DUPLICATE_CASES))
def test_duplicate_claim_names_last_wins(api, case, path):
    """Duplicate names in the payload: the last one counts, as with json.loads."""
    result = assert_like_pyjwt(api, sign(case[1]), path=path)
    if result[0] == "returns":
        assert result[1] == canon(json.loads(case[1]))


@pytest.mark.parametrize(
    "raw, kwargs",
    [
        (b'{"iss": "a", "iss": 5}', {"issuer": "a"}),
        (b'{"iss": 5, "iss": "a"}', {"issuer": "a"}),
        (b'{"iss": "evil", "\\u0069ss": "a"}', {"issuer": "a"}),
        (b'{"iss": "a", "\\u0069ss": "evil"}', {"issuer": "a"}),
        (b'{"aud": "web", "aud": "api"}', {"audience": "api"}),
        (b'{"aud": "api", "\\u0061ud": "web"}', {"audience": "api"}),
        (b'{"sub": "bob", "sub": "alice"}', {"subject": "alice"}),
    ],
    ids=["iss-good-then-int", "iss-int-then-good", "iss-evil-then-escaped-good",
         "iss-good-then-escaped-evil", "aud-web-then-api", "aud-api-then-escaped-web",
         "sub-bob-then-alice"],
)
def test_duplicate_string_claims_last_wins(api, raw, kwargs):
    assert_like_pyjwt(api, sign(raw), **kwargs)


# ---------------------------------------------------------------- misc


def test_claims_order_matches_pyjwt(api):
    """Several claims wrong at once: the first check in PyJWT's order decides the class."""
    now = int(time.time())
    payloads = [
        {"iat": "x", "nbf": now + 500, "exp": now - 500, "iss": "b", "aud": 1, "sub": 1, "jti": 1},
        {"nbf": now + 500, "exp": now - 500, "iss": "b", "aud": 1, "sub": 1, "jti": 1},
        {"exp": now - 500, "iss": "b", "aud": 1, "sub": 1, "jti": 1},
        {"iss": "b", "aud": 1, "sub": 1, "jti": 1},
        {"iss": "a", "aud": 1, "sub": 1, "jti": 1},
        {"iss": "a", "aud": "api", "sub": 1, "jti": 1},
        {"iss": "a", "aud": "api", "sub": "s", "jti": 1},
    ]
    seen = []
    for payload in payloads:
        seen.append(assert_like_pyjwt(api, sign(payload), issuer="a", audience="api")[1])
    assert seen == ["InvalidIssuedAtError", "ImmatureSignatureError", "ExpiredSignatureError",
                    "InvalidIssuerError", "InvalidAudienceError", "InvalidSubjectError",
                    "InvalidJTIError"]


def test_missing_required_claim_error_names_the_claim(api):
    for kwargs, claim in [({"issuer": "a"}, "iss"), ({"audience": "api"}, "aud"),
                          ({"options": {"require": ["tenant"]}}, "tenant")]:
        with pytest.raises(turbojwt.MissingRequiredClaimError) as info:
            turbojwt_decode(api, sign({"name": "x"}), **kwargs)
        assert info.value.claim == claim
        assert claim in str(info.value)


def test_exception_hierarchy_matches_pyjwt():
    names = ["DecodeError", "InvalidSignatureError", "ExpiredSignatureError", "InvalidAudienceError",
             "InvalidIssuerError", "InvalidIssuedAtError", "ImmatureSignatureError", "InvalidKeyError",
             "InvalidAlgorithmError", "MissingRequiredClaimError", "InvalidSubjectError", "InvalidJTIError",
             "InvalidTokenError", "PyJWTError"]
    for a in names:
        for b in names:
            ours = issubclass(getattr(turbojwt.exceptions, a), getattr(turbojwt.exceptions, b))
            theirs = issubclass(getattr(pyjwt.exceptions, a), getattr(pyjwt.exceptions, b))
            assert ours == theirs, (a, b)


def test_python_path_axis_reaches_the_fallback(monkeypatch):
    """The "python" cases really run _claims.validate_claims; the "c" cases never do."""
    import turbojwt._core as core

    calls = []
    real = core._validate_claims

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "_validate_claims", counting)
    exp = int(time.time()) + 100
    token = sign({"exp": exp})
    assert turbojwt_decode("verifier", token) == {"exp": exp}
    assert calls == []
    turbojwt_decode("verifier", token, subject=NotAString())
    assert len(calls) == 1


def test_decode_cache_never_mixes_arguments():
    """The module-level decode caches prepared Verifiers: changing any argument changes the answer."""
    now = int(time.time())
    token = sign({"aud": "api", "iss": "a", "sub": "s", "exp": now - 100})
    for _ in range(3):
        for kwargs, expected in [
            ({"audience": "api", "leeway": 200}, "returns"),
            ({"audience": "web", "leeway": 200}, "InvalidAudienceError"),
            ({"audience": ["web", "api"], "leeway": 200}, "returns"),
            ({"audience": ("web",), "leeway": 200}, "InvalidAudienceError"),
            ({"audience": "api"}, "ExpiredSignatureError"),
            ({"audience": "api", "leeway": timedelta(seconds=200)}, "returns"),
            ({"audience": "api", "leeway": 200, "issuer": "b"}, "InvalidIssuerError"),
            ({"audience": "api", "leeway": 200, "issuer": {"a"}}, "returns"),
            ({"audience": "api", "leeway": 200, "subject": "t"}, "InvalidSubjectError"),
            ({"options": {"verify_aud": False, "verify_exp": False}}, "returns"),
            ({"options": {"verify_aud": False}}, "ExpiredSignatureError"),
            ({"audience": "api", "leeway": 200, "options": {"require": ["jti"]}}, "MissingRequiredClaimError"),
        ]:
            result = assert_like_pyjwt("decode", token, **kwargs)
            assert (result[0] if result[0] == "returns" else result[1]) == expected, kwargs


def test_decode_cache_sees_a_mutated_options_dict():
    now = int(time.time())
    token = sign({"exp": now - 100})
    options = {"verify_exp": False}
    assert turbojwt.decode(token, KEY, algorithms=["HS256"], options=options) == {"exp": now - 100}
    options["verify_exp"] = True
    with pytest.raises(turbojwt.ExpiredSignatureError):
        turbojwt.decode(token, KEY, algorithms=["HS256"], options=options)
    algorithms = ["HS384"]
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(token, KEY, algorithms=algorithms, options={"verify_exp": False})
    algorithms.append("HS256")
    assert turbojwt.decode(token, KEY, algorithms=algorithms, options={"verify_exp": False}) == {"exp": now - 100}
    key = "claims-test-key-0123456789abcdef"
    assert turbojwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False}) == {"exp": now - 100}
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(token, key[:-1] + "g", algorithms=["HS256"], options={"verify_exp": False})
