"""Token-size sweep: decode time of HS256 and RS256 as the payload grows from 100 bytes to 64 KiB.

turbojwt's Verifier.decode and PyJWT's jwt.decode (same checks as compare.py:
signature + exp + aud + iss) and turbojwt's raw verify over the same signing
input (C loop), on payloads of 100 B, 1 KiB, 4 KiB, 16 KiB and 64 KiB. The
payload is the registered claims plus a `groups` list of short strings (what
makes real tokens large), padded to the size. Correctness is checked before
timing, as in compare.py. About 20 s by default.

    python3 benchmarks/sweep.py [--quick] [--json PATH] [--chart PNG] [--sizes 100,1024,...] [--iterations-scale S]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import compare
from _timing import measure, python_runner, summarize
from compare import AUDIENCE, ISSUER, CorrectnessError, Contender, compact_json, turbojwt

SIZES = (100, 1024, 4096, 16384, 65536)
SETTINGS = {"default": (20, 20), "quick": (8, 8)}       # (rounds, sample ms)
ALGS = ("HS256", "RS256")


def sized_claims(now: int, size: int) -> dict:
    """Claims whose compact JSON is `size` bytes (or a few bytes over when `size` is below the minimum)."""
    claims: dict = {"sub": "user-4821", "exp": now + 3600, "iss": ISSUER, "aud": AUDIENCE}
    if len(compact_json({**claims, "groups": [], "pad": ""})) < size:
        groups: list[str] = []
        claims["groups"] = groups
        item = len(b'"group-000000",')
        while len(compact_json(claims)) + item + len(b',"pad":""') <= size:
            groups.append(f"group-{len(groups):06d}")
    room = size - len(compact_json({**claims, "pad": ""}))
    if room >= 0:
        claims["pad"] = "x" * room
    return claims


def fixture(alg: str, size: int, rsa_keys) -> compare.Fixture:
    claims = sized_claims(int(time.time()), size)
    if alg == "HS256":
        return compare.make_hs256_fixture(claims)
    return compare.make_asymmetric_fixture(alg, claims, rsa_keys)


def contenders(fx: compare.Fixture) -> list[Contender]:
    key = fx.keys.secret if fx.keys.hmac else fx.keys.public
    verifier = turbojwt.Verifier(key, algorithms=[fx.alg], audience=AUDIENCE, issuer=ISSUER)
    mine = Contender("verifier", "turbojwt Verifier.decode", verifier.decode, turbojwt.InvalidTokenError)
    return [mine, *[c for c in compare.decode_peers(fx.keys) if c.key == "pyjwt"]]


def run(mode: str, sizes: tuple[int, ...], scale: float = 1.0) -> dict:
    rounds, sample_ms = SETTINGS[mode]
    rounds, sample_ms = max(3, round(rounds * scale)), sample_ms * scale
    rsa_keys = compare.asymmetric_keys("RS256")
    results = {}
    for alg in ALGS:
        raw_limit = compare.hs256_raw_limit if alg == "HS256" else compare.asymmetric_raw_limit
        labels, points = {}, []
        for size in sizes:
            fx = fixture(alg, size, rsa_keys)
            cs = contenders(fx)
            compare.check_decoders(fx, cs)
            raw = raw_limit(fx)
            runners = {c.key: python_runner(c.call, fx.token) for c in cs if c.call is not None}
            runners["raw"] = lambda n, raw=raw: raw(n) * 1e9
            labels.update({c.key: {"label": c.label if c.call else f"{c.label}: {c.skipped}"} for c in cs})
            labels["raw"] = {"label": f"raw {alg} verify (C loop)"}
            batches, samples = measure(runners, rounds, sample_ms * 1e6)
            rows = {k: {"batch": batches[k], **summarize(v)} for k, v in samples.items()}
            points.append({"payload_bytes": len(compact_json(fx.claims)), "token_chars": len(fx.token),
                           "rows": rows})
            print(f"{alg} {points[-1]['payload_bytes']:>6} B payload, {len(fx.token):>6}-char token: "
                  + ", ".join(f"{labels[k]['label']} {r['median_us']:.2f} µs" for k, r in rows.items()))
            sys.stdout.flush()
        results[alg] = {"key": compare.key_description(fx), "contenders": labels, "points": points}
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer, shorter samples (a few seconds)")
    p.add_argument("--json", metavar="PATH", help="write the results and machine info as JSON")
    p.add_argument("--chart", metavar="PNG", help="draw µs per token against payload size (needs matplotlib)")
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), help="payload sizes in bytes, comma-separated")
    p.add_argument("--iterations-scale", type=float, default=1.0, metavar="S",
                   help="multiply rounds and sample length by S (0.01 makes a smoke run)")
    args = p.parse_args(argv)
    if args.iterations_scale <= 0:
        p.error("--iterations-scale must be positive")
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    started, cpu_started = time.monotonic(), time.process_time()
    info = compare.machine_info(turbojwt, compare.ROOT)
    print(f"# Token-size sweep: {info['cpu']}, Python {info['python']}, turbojwt on "
          f"{info['turbojwt_libcrypto']}, PyJWT {info['PyJWT']}, cryptography {info['cryptography']}\n")
    try:
        results = run("quick" if args.quick else "default", sizes, args.iterations_scale)
    except CorrectnessError as exc:
        print(f"ABORTED before timing: correctness check failed: {exc}", file=sys.stderr)
        return 2
    wall = time.monotonic() - started
    cpu_share = (time.process_time() - cpu_started) / wall if wall else 1.0
    data = {"machine": info, "settings": {"mode": "quick" if args.quick else "default", "rounds_and_sample_ms":
                                          SETTINGS["quick" if args.quick else "default"],
                                          "iterations_scale": args.iterations_scale, "sizes": sizes,
                                          "wall_time_s": round(wall, 1), "cpu_share": round(cpu_share, 3),
                                          "command": compare.command_line(argv, __file__),
                                          "python_executable": sys.executable},
            "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(f"Wrote {args.json}")
    if args.chart:
        import render
        if render.have_matplotlib():
            render.draw_sweep_chart(data, Path(args.chart))
            print(f"Wrote {args.chart}")
        else:
            print("matplotlib is not installed: no chart", file=sys.stderr)
    print(f"Total wall time: {wall:.0f} s (this process had the CPU {cpu_share:.0%} of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
