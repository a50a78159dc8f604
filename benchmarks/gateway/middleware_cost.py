"""What turbojwt.asgi.JWTAuthMiddleware adds to a request, in one process, without HTTP.

    python3 benchmarks/gateway/middleware_cost.py [--rounds 9] [--json out.json] [--quick]

The wrk runs of run.py measure whole requests on a shared 2-core machine whose
speed drifts by 10-30% between rounds: a few microseconds per request are below
what they resolve. This script times the same ASGI call, side by side in one
process, on the event loop: the bare app, then the middleware in front of it
(a RemoteJWKSet Verifier with cache=10000, as in apps.py) on 1,000 users'
RS256 tokens (cache hits) and on 20,000 distinct ones (every request a cache
miss), and the raw RS256 verify in a C loop. Interleaved rounds, medians.
The difference, set against run.py's server CPU per request of the Starlette
ceiling, is the share of a request the middleware costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))  # the IdP stub

import run  # noqa: E402  (beside this file: the RS256 raw verify timer)
from _idp_stub import IdP  # noqa: E402

from turbojwt import RemoteJWKSet, Verifier  # noqa: E402
from turbojwt.asgi import JWTAuthMiddleware  # noqa: E402

USERS, UNIQUE, PER_SAMPLE = 1000, 20_000, 20_000
QUICK = 100, 2000, 2000  # --quick: a smoke run (tests/integration/test_gateway_bench_smoke.py)


async def _app(scope: Any, receive: Any, send: Any) -> None:
    scope["state"]["jwt_claims"]["sub"]  # what an endpoint does with the claims


async def _bare(scope: Any, receive: Any, send: Any) -> None:
    return None


async def _receive() -> dict[str, Any]:
    return {}


async def _send(message: Any) -> None:
    return None


def _scopes(tokens: list[str]) -> list[dict[str, Any]]:
    # headers as uvicorn gives them: lower-case names, bytes
    return [{"type": "http", "path": "/me", "state": {},
             "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk"),
                         (b"authorization", b"Bearer " + t.encode())]}
            for t in tokens]


async def _time(app: Any, scopes: list[dict[str, Any]], requests: int) -> float:
    n = len(scopes)
    start = time.perf_counter()
    for i in range(requests):
        await app(scopes[i % n], _receive, _send)
    return (time.perf_counter() - start) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quick", action="store_true", help="fewer tokens and requests: a smoke run")
    args = parser.parse_args()
    users, distinct, per_sample = QUICK if args.quick else (USERS, UNIQUE, PER_SAMPLE)

    idp = IdP().start()
    idp.publish("rs", "RS256")
    cached = _scopes([idp.sign("rs", lifetime=3600, sub=f"user{i}") for i in range(users)])
    unique = _scopes([idp.sign("rs", lifetime=3600, sub=f"u{i}") for i in range(distinct)])
    keys = RemoteJWKSet(idp.jwks_url)
    keys.wait_ready(10)
    # why half: the distinct tokens, cycled in order, evict each other before they come back
    verifier = Verifier(keys, algorithms=["RS256"], audience=idp.audience, issuer=idp.issuer, cache=distinct // 2)
    middleware = JWTAuthMiddleware(_app, verifier)
    raw_verify_us = run.rs256_raw_verify(idp)

    samples: dict[str, list[float]] = {"bare app": [], "middleware, cache hits": [],
                                       "middleware, every token unique": [], "raw RS256 verify (C loop)": []}

    async def rounds() -> None:
        for _ in range(args.rounds):
            for scope in cached:  # the 1,000 users' tokens back in the cache (the unique run evicted them)
                await middleware(scope, _receive, _send)
            samples["bare app"].append(await _time(_bare, cached, per_sample))
            samples["middleware, cache hits"].append(await _time(middleware, cached, per_sample))
            samples["middleware, every token unique"].append(await _time(middleware, unique, per_sample))
            samples["raw RS256 verify (C loop)"].append(raw_verify_us())

    try:
        asyncio.run(rounds())
    finally:
        verifier.close()
        idp.stop()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    bare = medians["bare app"]
    print("| µs per request (median) | time | added to the bare app |\n|---|---:|---:|")
    for name, value in medians.items():
        added = f"{value - bare:.2f}" if name.startswith("middleware") else ""
        print(f"| {name} | {value:.2f} | {added} |")
    if args.json:
        args.json.write_text(json.dumps({"medians_us": medians, "rounds": args.rounds,
                                         "samples_us": samples}, indent=2) + "\n")


if __name__ == "__main__":
    main()
