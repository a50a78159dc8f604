"""Logged tokens at scale (issue 13): the Arrow path against decode_many, per-core cost, and peak memory.

    python benchmarks/arrow_logs.py [--rows 1000000] [--rsa-rows 20000] [--rss 1000000,10000000] [--rounds 5]

1. HS256, ``--rows`` tokens (90% valid, 10% expired at their request time),
   each checked as of its own time: ``turbojwt.arrow.verify`` returning
   ``valid``, ``reason`` and two claim columns (``sub`` string, ``n`` int64),
   against ``Verifier.decode_many(now=...)`` plus building the same four
   Arrow columns from its Python results. Same process, interleaved rounds,
   medians; the bar is a ratio of at least 1.5.
2. RS256 per core: the Arrow path on one thread against the prepared key's raw
   verify in a C loop (``_core.bench_raw_verify``), per token; the bar is 1.1.
3. Peak RSS (ru_maxrss of a fresh process) of the Arrow path streaming a
   Parquet file in batches of 65,536 rows, and of ``turbojwt verify --format
   parquet``, at each row count of ``--rss``: it must stay flat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import turbojwt
from turbojwt import Verifier, _core
from turbojwt import arrow as tja

KEY = "benchmark-only HS256 key of 32+ bytes......"
NOW = 1_767_225_600


def hs256_tokens(rows: int, distinct: int = 20_000) -> tuple[list[str], list[int]]:
    """rows tokens (distinct ones repeated) and their request times: 90% valid, 10% expired."""
    base = [turbojwt.encode({"sub": f"user{i}", "n": i, "iat": NOW - 60, "exp": NOW + 3600}, KEY, algorithm="HS256")
            for i in range(distinct)]
    tokens = [base[i % distinct] for i in range(rows)]
    times = [NOW + (7200 if i % 10 == 9 else 0) for i in range(rows)]
    return tokens, times


def columns_from_python(results: list, rows: int) -> pa.RecordBatch:
    """What a caller of decode_many builds to get the same Arrow columns."""
    valid, reason, sub, n = [], [], [], []
    for r in results:
        if isinstance(r, dict):
            valid.append(True)
            reason.append("ok")
            sub.append(r.get("sub"))
            n.append(r.get("n"))
        else:
            valid.append(False)
            reason.append(type(r).__name__)
            sub.append(None)
            n.append(None)
    return pa.record_batch([pa.array(valid, pa.bool_()), pa.array(reason).dictionary_encode(),
                            pa.array(sub, pa.string()), pa.array(n, pa.int64())],
                           names=["valid", "reason", "sub", "n"])


def bench_hs256(rows: int, rounds: int) -> dict:
    tokens, times = hs256_tokens(rows)
    v = Verifier(KEY, ["HS256"])
    arrow_tokens = pa.array(tokens)
    arrow_times = pa.array(times, pa.int64())
    a = tja.verify(v, arrow_tokens, now=arrow_times, claims=["sub", "n"])
    b = columns_from_python(v.decode_many(tokens, now=times), rows)
    assert a.column(0).equals(b.column(0)) and a.column(2).equals(b.column(2)) and a.column(3).equals(b.column(3))
    assert a.column(1).to_pylist() == b.column(1).to_pylist()
    samples: dict[str, list[float]] = {"arrow": [], "decode_many": []}
    for r in range(rounds):
        order = ("arrow", "decode_many") if r % 2 == 0 else ("decode_many", "arrow")
        for name in order:
            t0 = time.perf_counter()
            if name == "arrow":
                tja.verify(v, arrow_tokens, now=arrow_times, claims=["sub", "n"])
            else:
                columns_from_python(v.decode_many(tokens, now=times), rows)
            samples[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(s) for k, s in samples.items()}
    return {"rows": rows, "threads": os.cpu_count(), "arrow_s": med["arrow"], "decode_many_s": med["decode_many"],
            "arrow_tokens_per_s": rows / med["arrow"], "decode_many_tokens_per_s": rows / med["decode_many"],
            "ratio": med["decode_many"] / med["arrow"]}


def bench_rs256(rows: int, rounds: int) -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    token = turbojwt.encode({"sub": "user1", "n": 1, "exp": NOW + 3600}, private, algorithm="RS256")
    v = Verifier(public_pem, ["RS256"])
    signing_input, sig = token.rsplit(".", 1)
    sig_bytes = _core.b64url_decode(sig.encode())
    key = _core.prepare_public_key(public_pem)
    arrow_tokens = pa.array([token] * rows)
    samples: dict[str, list[float]] = {"arrow": [], "raw": []}
    for _ in range(rounds):
        t0 = time.perf_counter()
        res = tja.verify(v, arrow_tokens, now=NOW, claims=["sub", "n"], threads=1)
        samples["arrow"].append((time.perf_counter() - t0) / rows)
        samples["raw"].append(_core.bench_raw_verify(key, "RS256", signing_input.encode(), sig_bytes, rows) / rows)
    assert res.column(0).to_pylist().count(True) == rows
    med = {k: statistics.median(s) for k, s in samples.items()}
    return {"rows": rows, "arrow_us_per_token": med["arrow"] * 1e6, "raw_verify_us_per_token": med["raw"] * 1e6,
            "ratio": med["arrow"] / med["raw"]}


def write_parquet(path: Path, rows: int) -> None:
    tokens, _ = hs256_tokens(min(rows, 100_000))
    times = pa.array([NOW] * len(tokens), pa.int64())
    chunk = pa.table({"token": tokens, "t": times})
    with pq.ParquetWriter(path, chunk.schema) as w:
        left = rows
        while left > 0:
            part = chunk.slice(0, min(left, chunk.num_rows))
            w.write_table(part, row_group_size=100_000)
            left -= part.num_rows


_STREAM = """
import sys, pyarrow.parquet as pq, turbojwt
from turbojwt import arrow as tja
v = turbojwt.Verifier(sys.argv[2], ["HS256"])
valid = 0
f = pq.ParquetFile(sys.argv[1], buffer_size=1 << 20, pre_buffer=False)
for b in f.iter_batches(batch_size=65536, use_threads=False):
    r = tja.verify(v, b.column(0), now=b.column(1), claims=["sub", "n"])
    valid += r.column(0).to_pylist().count(True)
print(valid)
"""


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of a command run in a fresh process."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True).stdout
    rss, seconds = out.split()
    return float(rss), float(seconds)


def bench_rss(sizes: list[int]) -> list[dict]:
    out = []
    turbojwt_cmd = os.path.join(os.path.dirname(sys.executable), "turbojwt")
    with tempfile.TemporaryDirectory() as d:
        for rows in sizes:
            path = Path(d) / f"{rows}.parquet"
            write_parquet(path, rows)
            arrow_rss, arrow_s = peak_rss_mb([sys.executable, "-c", _STREAM, str(path), KEY])
            cli_rss, cli_s = peak_rss_mb([turbojwt_cmd, "verify", str(path), "--format", "parquet",
                                          "--token-column", "token", "--time-column", "t", "--secret", KEY,
                                          "--algorithms", "HS256", "--batch-size", "65536"])
            out.append({"rows": rows, "arrow_peak_rss_mb": arrow_rss, "arrow_s": arrow_s,
                        "cli_peak_rss_mb": cli_rss, "cli_s": cli_s})
            path.unlink()
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--rsa-rows", type=int, default=20_000)
    p.add_argument("--rss", default="1000000,10000000", help="row counts for the peak-RSS runs ('' for none)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--json", metavar="PATH")
    p.add_argument("--spark-output", metavar="PATH",
                   help="the output of examples/spark_log_audit.py, kept in the JSON for docs/benchmarks.md")
    args = p.parse_args()
    report = {"command": " ".join(["python benchmarks/arrow_logs.py", *sys.argv[1:]]),
              "python": sys.version.split()[0], "pyarrow": pa.__version__, "cores": os.cpu_count()}
    if args.spark_output:
        report["spark"] = Path(args.spark_output).read_text().splitlines()
    hs = report["hs256"] = bench_hs256(args.rows, args.rounds)
    print(f"HS256, {hs['rows']:,} tokens, {hs['threads']} threads: arrow.verify {hs['arrow_s']:.3f} s "
          f"({hs['arrow_tokens_per_s']:,.0f}/s); decode_many + columns {hs['decode_many_s']:.3f} s "
          f"({hs['decode_many_tokens_per_s']:,.0f}/s); ratio {hs['ratio']:.2f}x "
          f"({'PASS' if hs['ratio'] >= 1.5 else 'FAIL'} >= 1.5x)")
    rs = report["rs256"] = bench_rs256(args.rsa_rows, args.rounds)
    print(f"RS256 per core, {rs['rows']:,} tokens: arrow.verify {rs['arrow_us_per_token']:.2f} us/token; raw verify "
          f"{rs['raw_verify_us_per_token']:.2f} us/token; ratio {rs['ratio']:.3f} "
          f"({'PASS' if rs['ratio'] <= 1.1 else 'FAIL'} <= 1.1)")
    sizes = [int(s) for s in args.rss.split(",") if s]
    report["rss"] = bench_rss(sizes)
    for r in report["rss"]:
        print(f"peak RSS at {r['rows']:,} rows: arrow.verify streaming {r['arrow_peak_rss_mb']:.0f} MB "
              f"({r['arrow_s']:.1f} s); turbojwt verify --format parquet {r['cli_peak_rss_mb']:.0f} MB "
              f"({r['cli_s']:.1f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
