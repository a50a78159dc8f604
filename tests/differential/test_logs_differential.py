"""One answer everywhere (issue 13, item 5): the same tokens and times through decode,
decode_many, verify_many, turbojwt.arrow.verify and `turbojwt verify` (lines with --at,
JSON lines, Parquet) agree on validity, reason and the requested claims.
(turbojwt.spark.verify_tokens is held to verify_many and decode in tests/integration/test_spark.py.)"""

import json
import random

import pytest

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

import turbojwt  # noqa: E402
from turbojwt import Verifier, cli  # noqa: E402
from turbojwt import arrow as tja  # noqa: E402

KEY = "k" * 32
LEAKED = "l" * 32


def make_cases(n=300, seed=13):
    rnd = random.Random(seed)
    cases = []
    for i in range(n):
        at = 1_000_000 + rnd.randrange(0, 10_000)
        kind = rnd.choice(["valid", "expired", "early", "wrong_key", "malformed", "float_exp", "no_sub"])
        claims = {"sub": f"user{i}", "exp": at + 100, "nbf": at - 100, "n": i}
        key = KEY
        if kind == "expired":
            claims["exp"] = at - 1
        elif kind == "early":
            claims["nbf"] = at + 50
        elif kind == "wrong_key":
            key = LEAKED
        elif kind == "float_exp":
            claims["exp"] = at + rnd.choice([-0.5, 0.5, 2.5])
        elif kind == "no_sub":
            del claims["sub"]
        token = turbojwt.encode(claims, key, algorithm="HS256")
        if kind == "malformed":
            token = token[: rnd.randrange(1, len(token))] + rnd.choice(["", "!", "."])
        cases.append((token, at))
    return cases


CASES = make_cases()
TOKENS = [t for t, _ in CASES]
TIMES = [a for _, a in CASES]
V = Verifier(KEY, ["HS256"])


def reference():
    out = []
    for token, at in CASES:
        try:
            claims = V.decode(token, now=at)
            out.append((True, "ok", claims.get("sub"), claims.get("n")))
        except turbojwt.exceptions.PyJWTError as exc:
            out.append((False, type(exc).__name__, None, None))
    return out


REF = reference()


def test_cases_cover_every_kind():
    assert {r[1] for r in REF} >= {"ok", "ExpiredSignatureError", "ImmatureSignatureError",
                                   "InvalidSignatureError", "DecodeError"}


def test_batch_calls_agree_with_decode():
    assert V.verify_many(TOKENS, now=TIMES) == [(r[0], r[1]) for r in REF]
    many = V.decode_many(TOKENS, now=TIMES)
    assert [(True, "ok", m.get("sub"), m.get("n")) if isinstance(m, dict) else (False, type(m).__name__, None, None)
            for m in many] == REF


def test_arrow_agrees_with_decode():
    got = tja.verify(V, pa.array(TOKENS), now=pa.array(TIMES), claims=["sub", "n"]).to_pylist()
    assert [(r["valid"], r["reason"], r["sub"], r["n"]) for r in got] == REF


def cli_rows(capsys, *argv):
    cli.main(["verify", "--secret", KEY, "--algorithms", "HS256", "--claims", "sub,n", *argv])
    out = []
    for line in capsys.readouterr().out.splitlines():
        r = json.loads(line)
        c = r.get("claims", {})
        out.append((r["valid"], r["reason"], c.get("sub"), c.get("n")))
    return out


def test_cli_lines_jsonl_and_parquet_agree(tmp_path, capsys):
    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text("".join(json.dumps({"h": {"authorization": "Bearer " + t}, "ts": a}) + "\n"
                             for t, a in CASES))
    assert cli_rows(capsys, str(jsonl), "--format", "jsonl", "--token-field", "h.authorization",
                    "--time-field", "ts") == REF
    parquet = tmp_path / "log.parquet"
    pq.write_table(pa.table({"tok": TOKENS, "ts": TIMES}), parquet, row_group_size=64)
    assert cli_rows(capsys, str(parquet), "--format", "parquet", "--token-column", "tok",
                    "--time-column", "ts", "--batch-size", "50") == REF
    # Plain lines take one time for every token (--at): the reference is decode as of that time.
    lines = tmp_path / "tokens.txt"
    lines.write_text("".join(t + "\n" for t in TOKENS))
    at = 1_005_000
    expected = []
    for token in TOKENS:
        try:
            claims = V.decode(token, now=at)
            expected.append((True, "ok", claims.get("sub"), claims.get("n")))
        except turbojwt.exceptions.PyJWTError as exc:
            expected.append((False, type(exc).__name__, None, None))
    assert cli_rows(capsys, str(lines), "--at", str(at)) == expected
    assert tja.verify(V, pa.array(TOKENS), now=at, claims=["sub", "n"]).to_pylist() == [
        {"valid": e[0], "reason": e[1], "sub": e[2], "n": e[3]} for e in expected]
