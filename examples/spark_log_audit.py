"""A key-leak audit over a Parquet log of logged requests, with Spark and with `turbojwt verify`.

    python examples/spark_log_audit.py [--rows 1000000] [--dir DIR] [--seed 13]

Writes DIR/requests.parquet (fixed seed): one row per logged request with its
time and its Authorization header. The tokens are HS256, signed with the
service's key ("current") or, for some, with a key that leaked ("leaked-2025",
since removed from the service's JWK set) or an attacker's key under the
current kid; some had expired at the time of their request, and some are
malformed. Then it runs the audit twice over the same file:

1. Spark (local[2]): turbojwt.spark.verify_tokens through mapInArrow, each
   token checked as of its request time; counts per reason.
2. `turbojwt verify --format parquet` over the same file; counts per reason.

The two sets of counts must be equal (exit 1 if not). It also times a Spark
job that only passes the batches through (mapInArrow with no verification), to
show how much of the Spark run is Spark's own work and how much turbojwt's.
Needs pyspark, pyarrow and a Java runtime (tools/test.sh installs one).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import turbojwt

CURRENT = b"example-only current HS256 key, 32+ bytes long....."
LEAKED = b"example-only key that leaked in 2025, 32+ bytes long"
ATTACKER = b"example-only attacker's key, also 32+ bytes long...."
START = 1_767_225_600          # 2026-01-01T00:00:00Z: the log covers the 30 days after
KINDS = (("valid", 70), ("expired", 12), ("wrong_key", 6), ("leaked_key", 8), ("malformed", 4))


def jwks() -> dict:
    """The service's JWK set at audit time: the current key only (the leaked one was removed)."""
    k = base64.urlsafe_b64encode(CURRENT).rstrip(b"=").decode()
    return {"keys": [{"kty": "oct", "kid": "current", "alg": "HS256", "k": k}]}


def write_dataset(path: Path, rows: int, seed: int = 13, row_group: int = 100_000) -> Counter:
    """Write the log; the kinds of request it holds, counted."""
    rnd = random.Random(seed)
    kinds = [k for k, w in KINDS for _ in range(w)]
    made: Counter = Counter()
    schema = pa.schema([("request_time", pa.timestamp("s", tz="UTC")), ("authorization", pa.string()),
                        ("path", pa.string())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, row_group):
            times, headers, paths = [], [], []
            for i in range(start, min(rows, start + row_group)):
                at = START + rnd.randrange(30 * 86400)
                kind = rnd.choice(kinds)
                made[kind] += 1
                iat = at - rnd.randrange(3600)
                claims = {"sub": f"user{rnd.randrange(50_000)}", "iat": iat, "exp": iat + 3600, "rid": i}
                key, kid = CURRENT, "current"
                if kind == "expired":
                    claims["exp"] = at - 1 - rnd.randrange(86400)
                elif kind == "wrong_key":
                    key = ATTACKER
                elif kind == "leaked_key":
                    key, kid = LEAKED, "leaked-2025"
                token = turbojwt.encode(claims, key, algorithm="HS256", headers={"kid": kid})
                if kind == "malformed":
                    token = token[: rnd.randrange(10, len(token) - 1)]
                times.append(at)
                headers.append("Bearer " + token)
                paths.append(rnd.choice(("/api/orders", "/api/users", "/api/health")))
            writer.write_batch(pa.record_batch([pa.array(times, pa.timestamp("s", tz="UTC")),
                                                pa.array(headers), pa.array(paths)], schema=schema))
    return made


def spark_session(cores: int = 2, batch: int = 10_000):
    from pyspark.sql import SparkSession
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (SparkSession.builder.master(f"local[{cores}]").appName("turbojwt-log-audit")
            .config("spark.ui.enabled", "false")
            .config("spark.pyspark.python", sys.executable)
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
            .config("spark.python.worker.reuse", "true")
            .getOrCreate())


def _with_token(spark, path: Path):
    """The log with its bare token beside the Authorization header (Spark SQL strips "Bearer ")."""
    from pyspark.sql import functions as sql
    df = spark.read.parquet(str(path))
    return df.withColumn("token", sql.regexp_replace("authorization", r"^(?i)bearer\s+", ""))


def spark_counts(spark, path: Path) -> dict[str, int]:
    """The Spark audit: counts per reason."""
    from turbojwt.spark import verify_tokens
    out = verify_tokens(_with_token(spark, path), "token", key=jwks(), algorithms=["HS256"],
                        time_column="request_time", claims=["sub"])
    return {r["reason"]: r["count"] for r in out.groupBy("reason").count().collect()}


def spark_passthrough_seconds(spark, path: Path) -> float:
    """The same job, the same columns in and out, with mapInArrow adding constant
    result columns instead of verifying: what Spark itself costs."""
    from turbojwt.spark import result_schema
    df = _with_token(spark, path)

    def passthrough(batches):
        import pyarrow as pa_
        for b in batches:
            n = b.num_rows
            yield pa_.RecordBatch.from_arrays(
                list(b.columns) + [pa_.array([True] * n), pa_.array(["ok"] * n), pa_.nulls(n, pa_.string())],
                names=list(b.schema.names) + ["valid", "reason", "sub"])

    t0 = time.perf_counter()
    df.mapInArrow(passthrough, result_schema(df, ["sub"])).groupBy("reason").count().collect()
    return time.perf_counter() - t0


def turbojwt_core_seconds(path: Path, batch: int = 10_000) -> float:
    """Seconds one core spends in turbojwt.arrow.verify over the same batches (what each Spark worker runs)."""
    import pyarrow.compute as pc
    from turbojwt import Verifier, arrow
    v = Verifier(jwks(), ["HS256"])
    spent = 0.0
    for b in pq.ParquetFile(path).iter_batches(batch_size=batch, columns=["request_time", "authorization"]):
        tokens = pc.replace_substring_regex(b.column(1), r"^(?i)bearer\s+", "")
        t0 = time.perf_counter()
        arrow.verify(v, tokens, now=b.column(0), claims=["sub"], threads=1)
        spent += time.perf_counter() - t0
    return spent


def cli_counts(path: Path, key_file: Path) -> dict[str, int]:
    """`turbojwt verify --format parquet` over the same file: counts per reason."""
    cmd = [os.path.join(os.path.dirname(sys.executable), "turbojwt"), "verify", str(path), "--format", "parquet",
           "--token-column", "authorization", "--time-column", "request_time", "--jwks", str(key_file),
           "--algorithms", "HS256", "--summary-json", "--batch-size", "65536"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    last = proc.stdout.rstrip("\n").rsplit("\n", 1)[-1]
    return json.loads(last)["summary"]["reasons"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--dir", default=None, help="where to write requests.parquet (default: a temporary directory)")
    args = p.parse_args()
    where = Path(args.dir or tempfile.mkdtemp(prefix="turbojwt-audit-"))
    where.mkdir(parents=True, exist_ok=True)
    path = where / "requests.parquet"
    key_file = where / "jwks.json"
    key_file.write_text(json.dumps(jwks()))

    t0 = time.perf_counter()
    made = write_dataset(path, args.rows, args.seed)
    print(f"wrote {args.rows:,} requests to {path} in {time.perf_counter() - t0:.1f} s: {dict(made)}")

    spark = spark_session()
    try:
        spark_passthrough_seconds(spark, path)          # warm-up: JVM, workers, file cache
        t0 = time.perf_counter()
        by_spark = spark_counts(spark, path)
        spark_s = time.perf_counter() - t0
        passthrough_s = spark_passthrough_seconds(spark, path)
    finally:
        spark.stop()
    t0 = time.perf_counter()
    by_cli = cli_counts(path, key_file)
    cli_s = time.perf_counter() - t0
    core_s = turbojwt_core_seconds(path)

    print(f"Spark local[2]: {spark_s:.1f} s, {args.rows / spark_s:,.0f} tokens/s")
    print(f"  the same job with constant result columns instead of verifying: {passthrough_s:.1f} s "
          f"({passthrough_s / spark_s:.0%} of the run is Spark's own work)")
    print(f"  turbojwt.arrow.verify over the same batches on one core: {core_s:.2f} s "
          f"({args.rows / core_s:,.0f} tokens/s per core), about {core_s / 2 / spark_s:.0%} of the run's "
          "wall time on two cores")
    print(f"turbojwt verify --format parquet: {cli_s:.1f} s, {args.rows / cli_s:,.0f} tokens/s")
    print(f"{'reason':<24} {'spark':>10} {'turbojwt verify':>16}")
    for reason in sorted(set(by_spark) | set(by_cli)):
        print(f"{reason:<24} {by_spark.get(reason, 0):>10,} {by_cli.get(reason, 0):>16,}")
    if by_spark != by_cli:
        print("MISMATCH: the Spark job and turbojwt verify disagree")
        return 1
    print("the Spark job and turbojwt verify agree on every reason")
    return 0


if __name__ == "__main__":
    sys.exit(main())
