"""Two gateway apps driven by wrk at the same time: server CPU per request of each, in the same moments.

    python3 benchmarks/gateway/side_by_side.py [--variants starlette-noauth,starlette-mw]
                                               [--users 1000] [--rounds 8] [--duration 8] [--app-dir DIR]

run.py times its cases one after the other, and on this 2-core virtual machine the
speed drifts by 10-30% between them. Here both servers (apps.py variants, each
its own uvicorn process) are loaded at once, each by its own wrk: both see the same
machine at the same moments, so the difference in CPU µs per request between
them is the cost of what differs between the apps, not of the drift. The
requests/s of each is not a ceiling (the two share the cores); the CPU per
request is the measure. Prints one line per round and the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (beside this file: the IdP stub, Server, wrk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default="starlette-noauth,starlette-mw", help="two apps.py variants")
    parser.add_argument("--users", type=int, default=1000, help="distinct RS256 tokens, cycled (default 1000)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--duration", type=int, default=8, help="seconds per round (default 8)")
    parser.add_argument("--app-dir", type=Path, help="serve the variants of another apps.py (an experiment's copy)")
    args = parser.parse_args()
    if args.app_dir:
        run.HERE = args.app_dir
    variants = args.variants.split(",")
    if len(variants) != 2:
        raise SystemExit("--variants takes two apps.py variants")

    wrk = run.ensure_wrk()
    idp = run.IdP().start()
    idp.publish("rs", "RS256")
    work = Path(tempfile.mkdtemp(prefix="gateway-side-by-side-"))
    lua = work / "tokens.lua"
    lua.write_text(run.LUA)
    tokens = work / "rs.txt"
    tokens.write_text("\n".join(idp.sign("rs", lifetime=3600, sub=f"user{i}") for i in range(args.users)))
    servers = [run.Server(v, idp, 1.0) for v in variants]
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    try:
        for server in servers:
            server.wait_ready(idp.sign("rs"))

        def load(seconds: float, into: dict[str, dict[str, float]] | None) -> None:
            def drive(server: run.Server) -> None:
                sample = run.run_wrk(wrk, server.url, lua, tokens, seconds)
                if into is not None:
                    into[server.variant] = sample
            threads = [threading.Thread(target=drive, args=(s,)) for s in servers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        for round_number in range(args.rounds):
            load(1.0, None)  # warm-up: caches filled, both at speed
            before = {s.variant: run.cpu_seconds(s.process.pid) for s in servers}
            samples: dict[str, dict[str, float]] = {}
            load(args.duration, samples)
            line = []
            for s in servers:
                used = run.cpu_seconds(s.process.pid) - before[s.variant]
                per_request = used / samples[s.variant]["requests"] * 1e6
                cpu[s.variant].append(per_request)
                line.append(f"{s.variant} {samples[s.variant]['rps']:,.0f} req/s, {per_request:.1f} µs CPU/request")
            a, b = variants
            difference = cpu[b][-1] - cpu[a][-1]
            print(f"round {round_number + 1}: " + " | ".join(line) + f" | difference {difference:+.1f} µs", flush=True)
    finally:
        for server in servers:
            server.stop()
        idp.stop()
    a, b = variants
    diffs = [y - x for x, y in zip(cpu[a], cpu[b])]
    ratio = statistics.median(cpu[b]) / statistics.median(cpu[a])
    print(f"median CPU µs/request: {a} {statistics.median(cpu[a]):.1f}, {b} {statistics.median(cpu[b]):.1f}; "
          f"median difference {statistics.median(diffs):+.1f} µs, ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
