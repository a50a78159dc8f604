"""The drop-in decode's layers: the binding (_core) keeps the per-call path and
imports no PyJWT-compatibility module; the Python side (_pyjwt_compat, _options,
api_jwk.resolve_key) does the rest. And the binding's memo of the last call never
hands one call's Verifier to a call with other arguments."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import turbojwt
from turbojwt import _core

ROOT = Path(__file__).resolve().parents[2]
BINDING = sorted((ROOT / "src" / "turbojwt").glob("_*.p[yx][xi]"))
SECRET = b"s" * 40
OTHER = b"o" * 40


def test_the_binding_imports_no_api_module():
    assert any(p.name == "_core.pyx" for p in BINDING)
    for path in BINDING:
        text = path.read_text()
        found = re.findall(r"^\s*(?:from\s+\.(?:\s+import\s+)?(?:api_\w+|_pyjwt_compat)|import\s+turbojwt\.api_)",
                           text, re.M)
        assert not found, f"{path.name} imports {found}"


def _token(key=SECRET, **claims):
    return turbojwt.encode({"sub": "x", "exp": int(time.time()) + 60, **claims}, key)


def test_the_last_call_memo_never_mixes_arguments():
    turbojwt.clear_cache()
    good = _token(aud="a", iss="i")
    assert turbojwt.decode(good, SECRET, algorithms=["HS256"], audience="a", issuer="i")["sub"] == "x"
    # Each argument changed in turn must give that argument's answer, not the memo's.
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(good, OTHER, algorithms=["HS256"], audience="a", issuer="i")
    with pytest.raises(turbojwt.InvalidAudienceError):
        turbojwt.decode(good, SECRET, algorithms=["HS256"], audience="b", issuer="i")
    with pytest.raises(turbojwt.InvalidIssuerError):
        turbojwt.decode(good, SECRET, algorithms=["HS256"], audience="a", issuer="j")
    with pytest.raises(turbojwt.InvalidSubjectError):
        turbojwt.decode(good, SECRET, algorithms=["HS256"], audience="a", issuer="i", subject="y")
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(good, SECRET, algorithms=["HS384"], audience="a", issuer="i")
    expired = turbojwt.encode({"exp": int(time.time()) - 30, "aud": "a", "iss": "i"}, SECRET)
    with pytest.raises(turbojwt.ExpiredSignatureError):
        turbojwt.decode(expired, SECRET, algorithms=["HS256"], audience="a", issuer="i", leeway=0)
    assert turbojwt.decode(expired, SECRET, algorithms=["HS256"], audience="a", issuer="i", leeway=60)
    # A str secret equal to the bytes one is a different key type, as in the cache.
    assert turbojwt.decode(good, SECRET.decode(), algorithms=["HS256"], audience="a", issuer="i")["sub"] == "x"
    # Equal values that are other objects find the same Verifier.
    v = _core.cached_verifier(SECRET, ["HS256"], None, "a", "i")
    assert _core.cached_verifier(bytes(SECRET), ["HS256"], None, "".join(["a"]), "i") is v


def test_module_decode_warns_and_routes_through_the_python_side():
    token = _token()
    with pytest.warns(DeprecationWarning, match="verify"):
        assert turbojwt.decode(token, SECRET, algorithms=["HS256"], verify=False)["sub"] == "x"
    with pytest.warns(turbojwt.warnings.RemovedInPyjwt3Warning, match="unknown"):
        assert turbojwt.decode_complete(token, SECRET, algorithms=["HS256"], unknown=1)["payload"]["sub"] == "x"


# ---------------------------------------------------------------- the C entry of turbojwt.decode
# dropin_call.h binds decode(token, key, algorithms=..., audience=..., issuer=...,
# subject=..., leeway=...) itself; every other call goes to the general entry.
# Each way of calling must give what PyJWT's signature gives.

def test_decode_has_pyjwt_s_signature():
    import inspect

    import jwt as pyjwt

    ours = inspect.signature(turbojwt.decode)
    theirs = inspect.signature(pyjwt.decode)
    assert list(ours.parameters) == [p for p in theirs.parameters if p != "self"]
    assert [p.default for p in ours.parameters.values()] == [
        p.default for n, p in theirs.parameters.items() if n != "self"]


@pytest.mark.parametrize("call", [
    lambda t: turbojwt.decode(t, SECRET, algorithms=["HS256"], audience="a", issuer="i"),
    lambda t: turbojwt.decode(t, SECRET, ["HS256"], audience="a", issuer="i"),
    lambda t: turbojwt.decode(t, key=SECRET, algorithms=["HS256"], audience="a", issuer="i"),
    lambda t: turbojwt.decode(jwt=t, key=SECRET, algorithms=["HS256"], audience="a", issuer="i"),
    lambda t: turbojwt.decode(t, SECRET, **{"".join(["algo", "rithms"]): ["HS256"]}, audience="a", issuer="i"),
    lambda t: turbojwt.decode(t, SECRET, algorithms=("HS256",), audience="a", issuer="i"),
    lambda t: turbojwt.decode(t, SECRET, algorithms=["HS384", "HS256"], audience=["a"], issuer="i"),
    lambda t: turbojwt.decode(t, SECRET, algorithms=["HS256"], options={}, audience="a", issuer="i"),
    lambda t: turbojwt.decode(t, SECRET, algorithms=["HS256"], audience="a", issuer="i", leeway=1.5, subject="x"),
    lambda t: turbojwt.decode(t, bytearray(SECRET).decode(), algorithms=["HS256"], audience="a", issuer="i"),
], ids=["keywords", "positional algorithms", "key keyword", "all keywords", "name not interned", "tuple",
        "two algorithms", "options", "leeway and subject", "str key"])
def test_every_call_shape_decodes_the_same(call):
    turbojwt.clear_cache()
    token = _token(aud="a", iss="i")
    assert call(token) == call(token) == turbojwt.Verifier(SECRET, ["HS256"], audience="a", issuer="i").decode(token)


@pytest.mark.parametrize(("call", "error"), [
    (lambda t: turbojwt.decode(t, SECRET, ["HS256"], algorithms=["HS256"]), "multiple values for"),
    (lambda t: turbojwt.decode(t, SECRET, algorithms=["HS256"], key=SECRET), "multiple values for"),
    (lambda t: turbojwt.decode(), "positional argument"),
    (lambda t: turbojwt.decode(t, SECRET, ["HS256"], None, None, None, None, None, None, 0, 1), "positional"),
])
def test_bad_calls_raise_what_the_signature_raises(call, error):
    with pytest.raises(TypeError, match=error):
        call(_token())


def test_errors_of_the_fast_entry_are_the_general_ones():
    token = _token(aud="a")
    with pytest.raises(turbojwt.InvalidAudienceError):
        turbojwt.decode(token, SECRET, algorithms=["HS256"], audience="b")
    with pytest.raises(turbojwt.DecodeError, match="Invalid token type"):
        turbojwt.decode(["a.b.c"], SECRET, algorithms=["HS256"], audience="a")
    with pytest.raises(turbojwt.InvalidKeyError):
        turbojwt.decode(token, "", algorithms=["HS256"], audience="a")
    with pytest.raises(ValueError, match="finite"):
        turbojwt.decode(token, SECRET, algorithms=["HS256"], audience="a", leeway=float("nan"))
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(token, SECRET, algorithms=[b"HS256"], audience="a")
    with pytest.raises(turbojwt.DecodeError, match="algorithms"):
        turbojwt.decode(token, SECRET, algorithms=[], audience="a")


def test_a_registered_algorithm_sends_the_fast_shape_through_python(monkeypatch):
    """With a custom algorithm registered, even the common call shape takes api_jwt's path."""
    from turbojwt import _pyjwt_compat

    calls = []
    real = _pyjwt_compat._decode_general

    def spy(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(_pyjwt_compat, "_decode_general", spy)
    _core._set_general_path(spy)
    try:
        _pyjwt_compat.use_python_algorithms(True)
        token = _token(aud="a")
        assert turbojwt.decode(token, SECRET, algorithms=["HS256"], audience="a")["sub"] == "x"
        assert calls == [False]
    finally:
        _pyjwt_compat.use_python_algorithms(False)
        _core._set_general_path(real)
    turbojwt.decode(token, SECRET, algorithms=["HS256"], audience="a")
    assert calls == [False]
