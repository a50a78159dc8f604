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

ROOT = Path(__file__).resolve().parent.parent
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
