"""Encode (sign) for HS256 and RS256, for regression tracking: turbojwt.encode (skipped until it exists) and
PyJWT's jwt.encode as the reference, with the key PyJWT takes. Each token is checked with PyJWT first."""

from __future__ import annotations

import pytest

from compare import AUDIENCE, ISSUER, turbojwt

ENCODE_ALGS = ("HS256", "RS256")


def signing_key(fx):
    return fx.keys.secret if fx.keys.hmac else fx.keys.private


def checked(benchmark, fx, call):
    jwt = pytest.importorskip("jwt")
    verify_key = fx.keys.secret if fx.keys.hmac else fx.keys.public
    token = call(fx.claims)
    assert jwt.decode(token, verify_key, algorithms=[fx.alg], audience=AUDIENCE, issuer=ISSUER) == fx.claims
    assert benchmark(call, fx.claims) == token       # HS256 and RS256 are deterministic


@pytest.mark.parametrize("alg", ENCODE_ALGS)
def test_turbojwt_encode(benchmark, fixtures, alg):
    if not hasattr(turbojwt, "encode"):
        pytest.skip("turbojwt.encode is not built yet")
    fx = fixtures(alg)
    benchmark.group = f"encode {alg}"
    key = signing_key(fx)
    checked(benchmark, fx, lambda claims: turbojwt.encode(claims, key, algorithm=alg))


@pytest.mark.parametrize("alg", ENCODE_ALGS)
def test_pyjwt_encode(benchmark, fixtures, alg):
    jwt = pytest.importorskip("jwt")
    fx = fixtures(alg)
    benchmark.group = f"encode {alg}"
    key = signing_key(fx)
    checked(benchmark, fx, lambda claims: jwt.encode(claims, key, algorithm=alg))
