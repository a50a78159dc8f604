"""turbojwt verify over logs: --format jsonl/parquet/arrow, --at (issue 13, item 2)."""

import json

import pytest

import turbojwt
from turbojwt import cli
from turbojwt._cli_logs import parse_time

KEY = "k" * 32
ARGS = ["verify", "--secret", KEY, "--algorithms", "HS256"]


def tok(sub, exp=2000, key=KEY):
    return turbojwt.encode({"sub": sub, "exp": exp, "iat": 900}, key, algorithm="HS256")


def run(capsys, *argv):
    status = cli.main([*ARGS, *argv, "--summary-json"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return status, out[:-1], out[-1]["summary"]


@pytest.mark.parametrize("text, seconds", [
    (1000, 1000.0), ("1000", 1000.0), (1500.5, 1500.5), (1_700_000_000_000, 1_700_000_000.0),
    (99_999_999_999, 99_999_999_999.0), ("1970-01-01T00:16:40Z", 1000.0), ("1970-01-01T01:16:40+01:00", 1000.0),
    ("1970-01-01 00:16:40.5z", 1000.5), ("1970-01-01T00:16:40.250Z", 1000.25),
    ("1970-01-01T00:16:40.000001Z", 1000.000001), ("1970-01-01T00:16:40.1234567Z", 1000.1234567),
])
def test_parse_time(text, seconds):
    assert parse_time(text) == pytest.approx(seconds, rel=0, abs=1e-9)


@pytest.mark.parametrize("bad", ["yesterday", "2026-01-01T00:00:00", True, None, [1], "nan", float("inf")])
def test_parse_time_refuses(bad):
    with pytest.raises(ValueError):
        parse_time(bad)


def test_jsonl_fields_bearer_times_and_unreadable_lines(tmp_path, capsys):
    lines = [json.dumps({"req": {"auth": "Bearer " + tok("a")}, "ts": 1000}),
             json.dumps({"req": {"auth": tok("b")}, "ts": "1970-01-01T00:41:40Z"}),
             json.dumps({"req": {"auth": tok("c", exp=2_000_000_000)}, "ts": 1_700_000_000_000}),   # ms
             json.dumps({"req": {}, "ts": 1000}),
             "{not json",
             json.dumps({"req": {"auth": tok("d")}, "ts": "noon"}),
             json.dumps({"req": {"auth": tok("e", key="x" * 32)}, "ts": 1000})]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n")
    status, rows, summary = run(capsys, str(path), "--format", "jsonl", "--token-field", "req.auth",
                                "--time-field", "ts", "--claims", "sub")
    assert status == 1
    assert [(r["line"], r["reason"]) for r in rows] == [
        (1, "ok"), (2, "ExpiredSignatureError"), (3, "ok"), (4, "Unreadable"), (5, "Unreadable"),
        (6, "Unreadable"), (7, "InvalidSignatureError")]
    assert rows[0]["claims"] == {"sub": "a"}
    assert "req.auth" in rows[3]["error"] and "noon" in rows[5]["error"]
    assert summary["unreadable"] == 3 and summary["total"] == 7 and summary["reasons"]["Unreadable"] == 3


def test_at_applies_to_plain_lines(tmp_path, capsys):
    path = tmp_path / "tokens.txt"
    path.write_text(tok("a") + "\n" + tok("b", exp=1100) + "\n")
    status, rows, _ = run(capsys, str(path), "--at", "1970-01-01T00:20:00Z")
    assert status == 1 and [r["reason"] for r in rows] == ["ok", "ExpiredSignatureError"]
    status, rows, _ = run(capsys, str(path), "--at", "1000")
    assert status == 0


@pytest.mark.parametrize("argv", [["--format", "jsonl"], ["--format", "parquet"],
                                  ["--at", "noon"], ["--token-field", "x"],
                                  ["--format", "jsonl", "--token-field", "t", "--time-field", "s", "--at", "1"]])
def test_usage_errors(argv, capsys):
    assert cli.main([*ARGS, *argv]) == 2
    assert "error" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["parquet", "arrow"])
def test_parquet_and_arrow_ipc_in_batches(tmp_path, capsys, fmt):
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"tok": [tok("a"), "Bearer " + tok("b"), None, tok("d"), "junk", tok("f", exp=2_000_000_000)],
                      "t": pa.array([1000, 2500, 1000, None, 1000, 1_700_000_000_000], pa.int64())})
    path = tmp_path / f"log.{fmt}"
    if fmt == "parquet":
        import pyarrow.parquet as pq
        pq.write_table(table, path, row_group_size=4)
    else:
        with pa.ipc.new_file(str(path), table.schema) as w:
            w.write_table(table, max_chunksize=4)
    status, rows, summary = run(capsys, str(path), "--format", fmt, "--token-column", "tok", "--time-column", "t",
                                "--claims", "sub", "--batch-size", "2")
    assert status == 1
    assert [(r["row"], r["reason"]) for r in rows] == [
        (0, "ok"), (1, "ExpiredSignatureError"), (2, "Unreadable"), (3, "Unreadable"), (4, "DecodeError"), (5, "ok")]
    assert rows[0]["claims"] == {"sub": "a"} and rows[5]["claims"] == {"sub": "f"}
    assert summary["unreadable"] == 2 and summary["valid"] == 2


def test_parquet_missing_column_is_a_usage_error(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"x": ["a"]}), tmp_path / "x.parquet")
    assert cli.main([*ARGS, str(tmp_path / "x.parquet"), "--format", "parquet", "--token-column", "tok"]) == 2
    assert "no column 'tok'" in capsys.readouterr().err


def test_parquet_timestamp_and_string_time_columns(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    toks = [tok("a"), tok("b"), tok("c")]
    for times in (pa.array([1_000_000, 2_500_000, None], pa.timestamp("ms", tz="UTC")),
                  pa.array(["1970-01-01T00:16:40Z", "2500", "later"])):
        path = tmp_path / "t.parquet"
        pq.write_table(pa.table({"tok": toks, "t": times}), path)
        _, rows, summary = run(capsys, str(path), "--format", "parquet", "--token-column", "tok", "--time-column", "t")
        assert [r["reason"] for r in rows] == ["ok", "ExpiredSignatureError", "Unreadable"]
        assert summary["unreadable"] == 1
