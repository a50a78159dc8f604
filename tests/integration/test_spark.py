"""turbojwt.spark.verify_tokens in Spark's local mode (issue 13, item 4).

One SparkSession for the module and a few rows: the suite runs several times in CI.
"""

import datetime as dt
import os
import shutil

import pytest

if os.environ.get("TURBOJWT_SANITIZED") == "1":
    pytest.skip("Spark's Python workers are not run under the sanitizer build (ASan preload into the JVM's "
                "worker processes); the Arrow path they call is tested by test_arrow.py there",
                allow_module_level=True)
if shutil.which("java") is None:
    pytest.skip("no Java runtime: tools/test.sh installs openjdk-17-jre-headless with apt-get; "
                "it could not here", allow_module_level=True)
pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'turbojwt[spark]')")
pytest.importorskip("pyarrow")

import turbojwt  # noqa: E402
from turbojwt import Verifier  # noqa: E402
from turbojwt.spark import verify_tokens  # noqa: E402

KEY = "k" * 32
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def spark():
    import sys
    from pyspark.sql import SparkSession
    # The workers must run this interpreter (the one turbojwt is installed in), not python3 on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("turbojwt-test")
               .config("spark.pyspark.python", sys.executable)
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "3")
               .getOrCreate())
    yield session
    session.stop()


def tok(sub, exp=2000, key=KEY):
    return turbojwt.encode({"sub": sub, "n": len(sub), "exp": exp}, key, algorithm="HS256")


ROWS = [(tok("alice"), 1000), (tok("bob"), 2500), (tok("eve", key="x" * 32), 1000), ("junk", 1000),
        (None, 1000), (tok("carol"), 1500), ("", 1000)]


def test_verify_tokens_as_of_each_rows_time(spark):
    df = spark.createDataFrame(ROWS, "tok string, t bigint")     # two partitions in local[2]
    out = verify_tokens(df, "tok", key=KEY, algorithms=["HS256"], time_column="t",
                        claims=["sub", ("n", "int64")])
    assert out.columns == ["tok", "t", "valid", "reason", "sub", "n"]
    got = {r["tok"]: (r["valid"], r["reason"], r["sub"], r["n"]) for r in out.collect()}
    v = Verifier(KEY, ["HS256"])
    for token, t in ROWS:
        if token is None:
            assert got[None] == (False, "MissingToken", None, None)
            continue
        ok, reason = v.verify_many([token], now=t)[0]
        claims = v.decode(token, now=t) if ok else {}
        assert got[token] == (ok, reason, claims.get("sub"), claims.get("n"))


def test_timestamp_column_and_key_as_jwks(spark):
    from cryptography.hazmat.primitives.asymmetric import ec
    from turbojwt.algorithms import ECAlgorithm
    import json
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(ECAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid="k1", alg="ES256")
    token = turbojwt.encode({"sub": "dana", "exp": 2000}, private, algorithm="ES256", headers={"kid": "k1"})
    rows = [(token, dt.datetime.fromtimestamp(1000, UTC)), (token, dt.datetime.fromtimestamp(3000, UTC))]
    df = spark.createDataFrame(rows, "tok string, at timestamp")
    out = verify_tokens(df, "tok", key={"keys": [jwk]}, algorithms=["ES256"], time_column="at", claims=["sub"])
    assert sorted((r["valid"], r["reason"], r["sub"]) for r in out.collect()) == [
        (False, "ExpiredSignatureError", None), (True, "ok", "dana")]


def test_configuration_errors_fail_on_the_driver(spark):
    df = spark.createDataFrame([("x",)], "tok string")
    with pytest.raises(TypeError):
        verify_tokens(df, "tok", key=object(), algorithms=["HS256"])
    with pytest.raises(ValueError):
        verify_tokens(df, "nope", key=KEY, algorithms=["HS256"])
    with pytest.raises(ValueError):
        verify_tokens(df, "tok", key=KEY, algorithms=["HS256"], claims=[("sub", "decimal")])


def test_the_audit_example_agrees_with_turbojwt_verify(spark, tmp_path):
    # examples/spark_log_audit.py at a small size (the example itself does the million).
    import importlib.util
    import json
    from pathlib import Path
    example = Path(__file__).resolve().parents[2] / "examples" / "spark_log_audit.py"
    spec = importlib.util.spec_from_file_location("spark_log_audit", example)
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    path = tmp_path / "requests.parquet"
    made = audit.write_dataset(path, 600, seed=7, row_group=250)
    assert set(made) == {"valid", "expired", "wrong_key", "leaked_key", "malformed"}
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(audit.jwks()))
    by_spark = audit.spark_counts(spark, path)
    by_cli = audit.cli_counts(path, key_file)
    assert by_spark == by_cli
    assert by_spark["ok"] == made["valid"]
    assert by_spark["UnknownKeyError"] == made["leaked_key"]
    assert by_spark["ExpiredSignatureError"] == made["expired"]
