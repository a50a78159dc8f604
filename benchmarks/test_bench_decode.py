"""Decode per algorithm, for regression tracking: turbojwt's Verifier.decode and drop-in decode, and PyJWT
as the reference, on compare.py's tokens (signature + exp + aud + iss). Each call is checked once first."""

from __future__ import annotations

import pytest

from compare import AUDIENCE, ISSUER, turbojwt

DECODE_ALGS = ("HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA")


def key_for(fx):
    return fx.keys.secret if fx.keys.hmac else fx.keys.public


def checked(benchmark, fx, call):
    assert call(fx.token) == fx.claims, "wrong claims: nothing to time"
    result = benchmark(call, fx.token)
    assert result == fx.claims


@pytest.mark.parametrize("alg", DECODE_ALGS)
def test_verifier_decode(benchmark, fixtures, alg):
    fx = fixtures(alg)
    benchmark.group = f"decode {alg}"
    verifier = turbojwt.Verifier(key_for(fx), algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)
    checked(benchmark, fx, verifier.decode)


@pytest.mark.parametrize("alg", DECODE_ALGS)
def test_dropin_decode(benchmark, fixtures, alg):
    fx = fixtures(alg)
    benchmark.group = f"decode {alg}"
    key = key_for(fx)
    checked(benchmark, fx, lambda t: turbojwt.decode(t, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER))


@pytest.mark.parametrize("alg", DECODE_ALGS)
def test_pyjwt_decode(benchmark, fixtures, alg):
    jwt = pytest.importorskip("jwt")
    fx = fixtures(alg)
    benchmark.group = f"decode {alg}"
    key = key_for(fx)
    checked(benchmark, fx, lambda t: jwt.decode(t, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER))
