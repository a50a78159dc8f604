"""Where an HS256 Verifier.decode spends its time: the parts against the whole, in one process.

compare.py's HS256 token and Verifier, timed four ways, interleaved, medians of
the rounds (µs per token):

- raw HMAC: the prepared HMAC-SHA256 verify of the signing input, in a C loop
  (compare.py's limit);
- C core: ``tj_decode`` alone (split, base64url, JSON, signature, claim checks),
  in a C loop, no Python object built;
- claims dict: building and freeing the claims dict from the decoded tape, in a
  C loop: the Python objects a decode returns;
- Verifier.decode: the whole call from Python, as compare.py times it.

What the whole costs beyond core + dict is the Python call and the glue. The
dict's cost depends on the interpreter (its allocator and dict code), the
rest does not.

    python3 benchmarks/hs256_breakdown.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import repeat
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (the fixture, and turbojwt from this checkout when built in place)

_testing = compare._testing
turbojwt = compare.turbojwt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--n", type=int, default=200_000, help="tokens per sample (default 200000)")
    args = parser.parse_args(argv)

    fx = compare.make_hs256_fixture()
    verifier = turbojwt.Verifier(fx.keys.secret, algorithms=["HS256"], audience=compare.AUDIENCE,
                                 issuer=compare.ISSUER)
    token = fx.token
    token_bytes = token.encode()
    n = args.n

    def whole() -> float:
        decode = verifier.decode
        t0 = time.perf_counter()
        for _ in repeat(None, n):
            decode(token)
        return time.perf_counter() - t0

    parts = {
        "raw HMAC-SHA256 verify (C loop)": lambda: _testing.bench_raw_hmac(fx.keys.secret, "HS256",
                                                                        fx.signing_input, n),
        "C core: tj_decode alone (C loop)": lambda: _testing.bench_core_decode(verifier, token_bytes, n),
        "claims dict: build and free (C loop)": lambda: _testing.bench_build_claims(verifier, token_bytes, n),
        "Verifier.decode (from Python)": whole,
    }
    samples: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(args.rounds):
        for name, run in parts.items():
            samples[name].append(run() / n * 1e6)
    med = {name: statistics.median(values) for name, values in samples.items()}

    print(f"Python {sys.version.split()[0]}, turbojwt from {Path(turbojwt.__file__).parent}")
    print(f"{args.rounds} rounds of {n} tokens; medians, µs per token\n")
    print("| part | µs | share of Verifier.decode |")
    print("|---|---:|---:|")
    total = med["Verifier.decode (from Python)"]
    for name, value in med.items():
        print(f"| {name} | {value:.3f} | {value / total:.0%} |")
    core, dict_, raw = (med["C core: tj_decode alone (C loop)"], med["claims dict: build and free (C loop)"],
                        med["raw HMAC-SHA256 verify (C loop)"])
    print(f"| rest: Python call and glue (whole - core - dict) | {total - core - dict_:.3f} | "
          f"{(total - core - dict_) / total:.0%} |")
    print(f"\nVerifier.decode / raw HMAC: {total / raw:.2f}x; C core / raw HMAC: {core / raw:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
