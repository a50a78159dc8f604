"""Binding defects of issue 15: each check fails closed and each bad argument gets the error it
gets elsewhere."""

from __future__ import annotations

import datetime
import math
import threading
import time

import pytest

import turbojwt

SECRET = b"k" * 32


def _token(**claims):
    return turbojwt.encode({"sub": "x", **claims}, SECRET)


@pytest.mark.parametrize("bad", [["a.b.c"], {"a": 1}, 42, None, bytearray(b"a.b.c")])
def test_the_token_cache_does_not_change_the_error_for_a_non_token(bad):
    plain = turbojwt.Verifier(SECRET, ["HS256"])
    cached = turbojwt.Verifier(SECRET, ["HS256"], cache=10)
    with pytest.raises(turbojwt.DecodeError) as without:
        plain.decode(bad)
    with pytest.raises(turbojwt.DecodeError) as with_cache:
        cached.decode(bad)
    assert type(with_cache.value) is type(without.value)
    assert str(with_cache.value) == str(without.value)


def test_the_token_cache_still_serves_str_and_bytes():
    v = turbojwt.Verifier(SECRET, ["HS256"], cache=10)
    token = _token()
    assert v.decode(token) == v.decode(token) == v.decode(token.encode()) == {"sub": "x"}
    assert v.cache_info[0] >= 1


@pytest.mark.parametrize("leeway", [math.nan, math.inf, -math.inf])
def test_a_non_finite_leeway_is_refused(leeway):
    with pytest.raises(ValueError, match="leeway must be a finite number"):
        turbojwt.Verifier(SECRET, ["HS256"], leeway=leeway)
    expired = _token(exp=int(time.time()) - 3600)
    turbojwt.clear_cache()
    with pytest.raises(ValueError, match="leeway must be a finite number"):
        turbojwt.decode(expired, SECRET, algorithms=["HS256"], leeway=leeway)
    with pytest.raises(ValueError, match="leeway must be a finite number"):
        turbojwt.PyJWT().decode(expired, SECRET, algorithms=["HS256"], leeway=leeway)


@pytest.mark.parametrize("leeway", [math.nan, math.inf])
def test_a_non_finite_leeway_is_refused_on_the_python_path_too(leeway):
    """A PyJWT subclass with a payload hook checks claims in Python (_claims.validate_claims)."""

    class Hooked(turbojwt.PyJWT):
        def _decode_payload(self, decoded):
            return super()._decode_payload(decoded)

    expired = _token(exp=int(time.time()) - 3600)
    with pytest.raises(ValueError, match="leeway must be a finite number"):
        Hooked().decode(expired, SECRET, algorithms=["HS256"], leeway=leeway)


def test_a_finite_leeway_still_works():
    expired = _token(exp=int(time.time()) - 30)
    assert turbojwt.Verifier(SECRET, ["HS256"], leeway=60).decode(expired)["sub"] == "x"
    assert turbojwt.Verifier(SECRET, ["HS256"], leeway=datetime.timedelta(seconds=60)).decode(expired)
    with pytest.raises(turbojwt.ExpiredSignatureError):
        turbojwt.Verifier(SECRET, ["HS256"], leeway=0.0).decode(expired)


@pytest.mark.parametrize("tokens", ["a.b.c", b"a.b.c", bytearray(b"a.b.c"), memoryview(b"a.b.c")])
@pytest.mark.parametrize("method", ["decode_many", "verify_many"])
def test_decode_many_refuses_one_token_given_as_the_iterable(tokens, method):
    v = turbojwt.Verifier(SECRET, ["HS256"])
    with pytest.raises(TypeError, match="iterable of tokens"):
        getattr(v, method)(tokens)


def test_decode_many_caps_the_thread_count():
    v = turbojwt.Verifier(SECRET, ["HS256"])
    tokens = [_token(i=i) for i in range(300)]
    before = threading.active_count()
    huge = 10**6
    assert v.decode_many(tokens, threads=huge) == [{"sub": "x", "i": i} for i in range(300)]
    # The pool's workers are C threads (not in threading's count): ask the OS.
    import os
    tasks = len(os.listdir(f"/proc/{os.getpid()}/task")) if os.path.isdir("/proc/self/task") else None
    if tasks is not None:
        assert tasks <= before + 64 + 8, tasks
    with pytest.raises(TypeError):
        v.decode_many(tokens, threads=2.5)
    with pytest.raises(ValueError):
        v.decode_many(tokens, threads=0)
