"""turbojwt.arrow.verify: Arrow-native batch verification (issue 13, item 3)."""

import datetime as dt
import math
import os

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'turbojwt[arrow]')")

import turbojwt  # noqa: E402
from turbojwt import Verifier  # noqa: E402
from turbojwt import arrow as tja  # noqa: E402

KEY = "k" * 32
UTC = dt.timezone.utc


def token(key=KEY, **claims):
    return turbojwt.encode(claims, key, algorithm="HS256")


GOOD = [token(sub=f"user{i}", n=i, exp=2000, iat=900, admin=bool(i % 2), score=i + 0.5) for i in range(6)]
V = Verifier(KEY, ["HS256"])


def rows(result):
    return result.to_pylist()


@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()])
def test_types_and_claim_columns(arrow_type):
    values = [t.encode() if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type) else t
              for t in GOOD]
    got = tja.verify(V, pa.array(values, arrow_type), now=1000, claims=["sub", "n", "admin", "score"])
    assert isinstance(got, pa.RecordBatch)
    assert got.schema.field("n").type == pa.int64()
    assert got.schema.field("admin").type == pa.bool_()
    assert got.schema.field("score").type == pa.float64()
    assert got.schema.field("sub").type == pa.string()
    assert pa.types.is_dictionary(got.schema.field("reason").type)
    assert rows(got) == [{"valid": True, "reason": "ok", "sub": f"user{i}", "n": i, "admin": bool(i % 2),
                          "score": i + 0.5} for i in range(6)]


def test_same_answers_as_verify_many_and_decode():
    other = token("x" * 32, sub="mallory", exp=2000)
    tokens = GOOD + [other, "", "a.b.c", token(sub="late", exp=500), token(sub="early", nbf=1500)]
    got = tja.verify(V, pa.array(tokens), now=1000, claims=["sub"])
    assert [(r["valid"], r["reason"]) for r in rows(got)] == V.verify_many(tokens, now=1000)
    for r, tok in zip(rows(got), tokens):
        assert r["sub"] == (V.decode(tok, now=1000)["sub"] if r["valid"] else None)


def test_nulls_empty_and_hostile_values_are_rows_with_a_reason():
    huge = "e" * (V.max_token_length + 1)
    tokens = pa.array([GOOD[0], None, "", huge, "\x00" * 10, "ü.ü.ü", GOOD[1]])
    got = rows(tja.verify(V, tokens, now=1000, claims=["sub"]))
    assert [r["reason"] for r in got] == ["ok", tja.MISSING_TOKEN, "DecodeError", "DecodeError", "DecodeError",
                                          "DecodeError", "ok"]
    assert [r["valid"] for r in got] == [True] + [False] * 5 + [True]


def test_non_utf8_bytes_in_a_binary_column():
    tokens = pa.array([b"\xff\xfe\xfd", GOOD[0].encode() + b"\xff", b"\x80." + GOOD[0].encode(), GOOD[2].encode()],
                      pa.binary())
    got = rows(tja.verify(V, tokens, now=1000))
    assert [r["valid"] for r in got] == [False, False, False, True]
    assert {r["reason"] for r in got[:3]} == {"DecodeError"}


def test_sliced_and_chunked_arrays():
    arr = pa.array([None] + GOOD + [None])
    sliced = arr.slice(2, 4)
    got = rows(tja.verify(V, sliced, now=1000, claims=["n"]))
    assert [r["n"] for r in got] == [1, 2, 3, 4]
    chunked = pa.chunked_array([arr.slice(0, 3), pa.array([], pa.string()), arr.slice(3)])
    table = tja.verify(V, chunked, now=1000, claims=["n"])
    assert isinstance(table, pa.Table)
    assert table.column("n").to_pylist() == [None, 0, 1, 2, 3, 4, 5, None]
    assert table.column("reason").to_pylist()[0] == tja.MISSING_TOKEN


@pytest.mark.parametrize("times", [
    pa.array([1000, 2500, None, 1000], pa.int64()),
    pa.array([1000.0, 2500.0, math.nan, 1000.0]),
    pa.array([dt.datetime.fromtimestamp(t, UTC) if t else None for t in (1000, 2500, None, 1000)],
             pa.timestamp("ms", tz="UTC")),
    pa.array([1000 * 10**9, 2500 * 10**9, None, 1000 * 10**9], pa.timestamp("ns")),
    pa.chunked_array([pa.array([1000, 2500]), pa.array([None, 1000])]),
])
def test_per_row_times(times):
    got = rows(tja.verify(V, pa.array(GOOD[:4]), now=times))
    assert [r["reason"] for r in got] == ["ok", "ExpiredSignatureError", tja.INVALID_TIME, "ok"]


def test_one_time_for_every_row_and_the_clock():
    assert rows(tja.verify(V, pa.array(GOOD[:1]), now=dt.datetime.fromtimestamp(1000, UTC)))[0]["valid"]
    assert rows(tja.verify(V, pa.array(GOOD[:1])))[0]["reason"] == "ExpiredSignatureError"


@pytest.mark.parametrize("bad, error", [(math.nan, ValueError), (True, TypeError), ("1000", TypeError),
                                        (dt.datetime(2020, 1, 1), ValueError),
                                        (pa.array([1000]), ValueError),                # wrong length
                                        ([dt.datetime(2020, 1, 1)] * 2, ValueError),   # naive in a list
                                        (pa.array(["x", "y"]), TypeError)])
def test_bad_times_are_refused(bad, error):
    with pytest.raises(error):
        tja.verify(V, pa.array(GOOD[:2]), now=bad)


def test_bad_arguments():
    with pytest.raises(TypeError):
        tja.verify(V, GOOD)
    with pytest.raises(TypeError):
        tja.verify(V, pa.array([1, 2]))
    with pytest.raises(TypeError):
        tja.verify("not a verifier", pa.array(GOOD))
    with pytest.raises(ValueError):
        tja.verify(V, pa.array(GOOD), claims=["valid"])
    with pytest.raises(ValueError):
        tja.verify(V, pa.array(GOOD), claims=[("n", "decimal")])
    with pytest.raises(TypeError):
        tja.verify(V, pa.array(GOOD), claims="sub")


def test_claim_types_mixed_json_and_explicit():
    tokens = [token(v=1, o={"a": [1, "q\"\n"]}, exp=2000), token(v="one", o=[True, None], exp=2000),
              token(v=2**70, exp=2000), token(v=None, exp=2000), token(exp=2000), token(v=2.5, exp=2000)]
    got = tja.verify(V, pa.array(tokens), now=1000,
                     claims=["v", "o"])
    assert got.schema.field("v").metadata[b"turbojwt.claim"] == b"json"
    vals = got.column(2).to_pylist()
    assert vals == ["1", '"one"', str(2**70), None, None, "2.5"]
    import json
    assert json.loads(got.column(3).to_pylist()[0]) == {"a": [1, "q\"\n"]}
    assert json.loads(got.column(3).to_pylist()[1]) == [True, None]
    typed = tja.verify(V, pa.array(tokens), now=1000, claims=[("v", "int64")])
    assert typed.column(2).to_pylist() == [1, None, None, None, None, None]
    as_text = tja.verify(V, pa.array(tokens), now=1000, claims=[("v", "string")])
    assert as_text.column(2).to_pylist() == ["1", "one", str(2**70), None, None, "2.5"]
    as_float = tja.verify(V, pa.array(tokens), now=1000, claims=[("v", "float64")])
    assert as_float.column(2).to_pylist() == [1.0, None, None, None, None, 2.5]


def test_escaped_and_non_ascii_strings():
    tokens = [token(sub="a\"b\\c\u00e9\U0001f600\t", exp=2000)]
    got = tja.verify(V, pa.array(tokens), now=1000, claims=["sub"])
    assert got.column(2).to_pylist() == ["a\"b\\c\u00e9\U0001f600\t"]
    import json
    js = tja.verify(V, pa.array(tokens), now=1000, claims=[("sub", "json")]).column(2).to_pylist()[0]
    assert json.loads(js) == "a\"b\\c\u00e9\U0001f600\t"


def test_many_rows_on_threads_agree_with_one_thread():
    tokens = (GOOD + [None, "x", token(sub="late", exp=500)]) * 200
    times = pa.array([1000 + (i % 7) * 200 for i in range(len(tokens))])
    one = tja.verify(V, pa.array(tokens), now=times, claims=["sub", "n"], threads=1)
    two = tja.verify(V, pa.array(tokens), now=times, claims=["sub", "n"], threads=2)
    assert one.equals(two)
    assert one.num_rows == len(tokens)


def test_python_claim_checks_and_key_errors_give_verify_many_reasons():
    class Issuers:
        """A container that is no list: the core leaves the claims to Python."""
        def __contains__(self, item):
            return item == "me"

    v = Verifier(KEY, ["HS256"], issuer=Issuers())
    tokens = [token(iss="me", exp=2000, sub="s"), token(iss="you", exp=2000, sub="t"),
              token(iss="me", exp=500, sub="u")]
    expected = v.verify_many(tokens, now=1000)
    assert expected == [(True, "ok"), (False, "InvalidIssuerError"), (False, "ExpiredSignatureError")]
    got = rows(tja.verify(v, pa.array(tokens), now=1000, claims=["sub"]))
    assert [(r["valid"], r["reason"]) for r in got] == expected
    assert [r["sub"] for r in got] == ["s", None, None]


def test_duckdb_calls_it_on_its_own_arrow_data():
    if os.environ.get("TURBOJWT_SANITIZED") == "1":
        pytest.skip("DuckDB's own C++ exceptions abort under the preloaded ASan runtime "
                    "(its __cxa_throw interceptor finds no real one); the Arrow path runs in the other tests")
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE log(tok VARCHAR, t BIGINT)")
    con.executemany("INSERT INTO log VALUES (?, ?)", [(t, 1000) for t in GOOD[:3]] + [(None, 1000)])
    log = con.sql("SELECT tok, t FROM log").to_arrow_table()
    got = tja.verify(V, log.column("tok"), now=log.column("t"), claims=["sub"])
    assert got.column("valid").to_pylist() == [True, True, True, False]
    # And DuckDB queries the result as its own table.
    assert con.execute("SELECT count(*) FROM got WHERE valid").fetchone()[0] == 3


def test_polars_calls_it_on_its_own_arrow_data():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"tok": GOOD[:3] + ["bad"], "at": [1000, 1000, 2500, 1000]})
    res = tja.verify(V, df["tok"].to_arrow(), now=df["at"].to_arrow(), claims=["n"])
    out = pl.from_arrow(res)
    assert out["reason"].to_list() == ["ok", "ok", "ExpiredSignatureError", "DecodeError"]
    assert out["n"].to_list() == [0, 1, None, None]


def test_offsets_outside_the_data_buffer_are_refused_not_read():
    # pyarrow refuses to build such an array (validate); the C side does not rely on
    # that: given a data buffer shorter than the offsets span, the values past it
    # are refused as DecodeError, never read.
    from turbojwt import _core
    arr = pa.array(GOOD[:3])
    validity, offsets, data = arr.buffers()
    short = len(GOOD[0]) + len(GOOD[1]) - 1          # the second value runs past this size
    chunk = (3, 0, 0, offsets.address, data.address, short, False)
    valid, reason, names, _ = _core.arrow_verify_buffers(V, [chunk], 3, 1000, 0, [])
    codes = list(memoryview(reason).cast("i"))
    assert [names[c] for c in codes] == ["ok", "DecodeError", "DecodeError"]
    assert valid[0] & 7 == 1


def test_huge_claim_values_and_many_rows_of_text():
    big = "x" * 300_000
    v = Verifier(KEY, ["HS256"], max_token_length=2_000_000)
    tokens = [token(sub=big, o={"k": [big[:1000]] * 50}, exp=2000)] * 3 + [token(sub="s", exp=2000)]
    got = tja.verify(v, pa.array(tokens, pa.large_string()), now=1000, claims=["sub", "o"])
    assert got.column("sub").to_pylist() == [big] * 3 + ["s"]
    import json
    assert json.loads(got.column("o").to_pylist()[0]) == {"k": [big[:1000]] * 50}
    assert got.column("o").to_pylist()[3] is None
