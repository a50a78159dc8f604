"""Batch verification and the verified-token cache, for regression tracking (skipped on a turbojwt without
them): Verifier.decode_many on 1 and 2 threads, and a Verifier(cache=...) hit against a plain decode.

One benchmark round of decode_many is a whole batch (BATCH[alg] distinct tokens); `extra_info["tokens"]`
says how many, to turn its time into µs per token. Every result is checked before it is timed.
benchmarks/batch_cache.py prints the same with issue 5's bars.
"""

from __future__ import annotations

import pytest

from compare import AUDIENCE, ISSUER, hs256_token, signed_token, turbojwt

BATCH = {"HS256": 2000, "RS256": 200, "ES256": 100}


def batch_tokens(fx, n: int) -> tuple[list[str], list[dict]]:
    """n distinct tokens (a "n" claim each) signed like the fixture's, and the claims each must give."""
    claims = [{**fx.claims, "n": i} for i in range(n)]
    if fx.keys.hmac:
        return [hs256_token(fx.keys.secret, c) for c in claims], claims
    import compare
    _, sign = compare.asymmetric_signer(fx.alg)
    private = fx.keys.private
    return [signed_token(fx.alg, lambda m: sign(private, m), c) for c in claims], claims


def verifier(fx, **extra):
    key = fx.keys.secret if fx.keys.hmac else fx.keys.public
    return turbojwt.Verifier(key, algorithms=[fx.alg], audience=AUDIENCE, issuer=ISSUER, **extra)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("alg", list(BATCH))
def test_decode_many(benchmark, fixtures, alg, threads):
    if not hasattr(turbojwt.Verifier, "decode_many"):
        pytest.skip("this turbojwt has no Verifier.decode_many")
    fx = fixtures(alg)
    tokens, claims = batch_tokens(fx, BATCH[alg])
    v = verifier(fx)
    assert v.decode_many(tokens, threads=threads) == claims, "wrong claims: nothing to time"
    benchmark.group = f"decode_many {alg} ({len(tokens)} tokens)"
    benchmark.extra_info["tokens"] = len(tokens)
    assert benchmark(v.decode_many, tokens, threads=threads) == claims


@pytest.mark.parametrize("alg", ["HS256", "RS256"])
def test_cache_hit_against_decode(benchmark, fixtures, alg):
    fx = fixtures(alg)
    try:
        cached = verifier(fx, cache=1000)
    except TypeError:
        pytest.skip("this turbojwt's Verifier has no cache")
    assert cached.decode(fx.token) == fx.claims       # the miss that fills the cache
    benchmark.group = f"cache {alg}"
    assert benchmark(cached.decode, fx.token) == fx.claims
    assert cached.cache_info[0] > 0, "no cache hit was counted"


@pytest.mark.parametrize("alg", ["HS256", "RS256"])
def test_plain_decode_for_the_cache(benchmark, fixtures, alg):
    """The same token through a Verifier without a cache: what a cache hit is measured against."""
    fx = fixtures(alg)
    plain = verifier(fx)
    benchmark.group = f"cache {alg}"
    assert benchmark(plain.decode, fx.token) == fx.claims
