"""now=: verification as of a given time (issue 13, item 1)."""

import datetime as dt
import math

import pytest

import turbojwt
from turbojwt import Verifier
from turbojwt.exceptions import ExpiredSignatureError, ImmatureSignatureError

KEY = "k" * 32
UTC = dt.timezone.utc


def token(**claims):
    return turbojwt.encode(claims, KEY, algorithm="HS256")


# Valid from 1000 (nbf) to 2000 (exp), issued at 990: long ago, as a logged token is.
TOK = token(sub="alice", iat=990, nbf=1000, exp=2000)


@pytest.mark.parametrize("now", [1500, 1500.25, dt.datetime.fromtimestamp(1500, UTC),
                                 dt.datetime.fromtimestamp(1500, dt.timezone(dt.timedelta(hours=5)))])
def test_decode_as_of_a_time_inside_the_window(now):
    assert Verifier(KEY, ["HS256"]).decode(TOK, now=now)["sub"] == "alice"
    assert Verifier(KEY, ["HS256"]).decode_complete(TOK, now=now)["payload"]["sub"] == "alice"


def test_without_now_the_clock_decides():
    with pytest.raises(ExpiredSignatureError):
        Verifier(KEY, ["HS256"]).decode(TOK)


@pytest.mark.parametrize("now, error", [(2001, ExpiredSignatureError), (999, ImmatureSignatureError),
                                        (980, ImmatureSignatureError)])
def test_decode_outside_the_window(now, error):
    with pytest.raises(error):
        Verifier(KEY, ["HS256"]).decode(TOK, now=now)


def test_leeway_applies_around_now():
    assert Verifier(KEY, ["HS256"], leeway=10).decode(TOK, now=2005)["sub"] == "alice"


@pytest.mark.parametrize("bad, error", [
    (True, TypeError), (False, TypeError), ("1500", TypeError), (b"1500", TypeError), ({1500}, TypeError),
    (dt.date(2020, 1, 1), TypeError), (dt.datetime(2020, 1, 1), ValueError), (math.nan, ValueError),
    (math.inf, ValueError), (-math.inf, ValueError), (10**400, ValueError), (object(), TypeError),
])
def test_bad_times_are_refused_never_read_as_now(bad, error):
    v = Verifier(KEY, ["HS256"], cache=4)
    with pytest.raises(error):
        v.decode(TOK, now=bad)
    with pytest.raises(error):
        v.verify_many([TOK], now=bad)
    with pytest.raises(TypeError):
        v.decode(TOK, now=[1500])
    with pytest.raises(error):
        v.decode_many([TOK, TOK], now=[1500, bad])


def test_batch_with_one_time_and_with_one_per_token():
    v = Verifier(KEY, ["HS256"])
    assert v.verify_many([TOK] * 3, now=1500) == [(True, "ok")] * 3
    got = v.verify_many([TOK] * 3, now=[1500, 2001, dt.datetime.fromtimestamp(999, UTC)])
    assert got == [(True, "ok"), (False, "ExpiredSignatureError"), (False, "ImmatureSignatureError")]
    out = v.decode_many([TOK, TOK], now=(2001, 1500))
    assert isinstance(out[0], ExpiredSignatureError) and out[1]["sub"] == "alice"


@pytest.mark.parametrize("threads", [1, 2])
def test_per_token_times_stay_with_their_tokens_across_chunks(threads):
    # Enough tokens for several chunks and for the worker threads.
    n = 1000
    times = [1500 if i % 3 else 2500 for i in range(n)]
    got = Verifier(KEY, ["HS256"]).verify_many([TOK] * n, threads=threads, now=times)
    assert got == [(True, "ok") if i % 3 else (False, "ExpiredSignatureError") for i in range(n)]


@pytest.mark.parametrize("make_tokens", [lambda: [TOK] * 3, lambda: iter([TOK] * 3)])
@pytest.mark.parametrize("times", [[1500], [1500] * 4, []])
def test_wrong_number_of_times(make_tokens, times):
    with pytest.raises(ValueError, match="one per token"):
        Verifier(KEY, ["HS256"]).verify_many(make_tokens(), now=times)


def test_times_for_no_tokens():
    assert Verifier(KEY, ["HS256"]).verify_many([], now=[]) == []
    with pytest.raises(ValueError):
        Verifier(KEY, ["HS256"]).verify_many(iter([]), now=[1])


def test_claims_checked_in_python_use_the_per_token_time():
    # A float exp is left to Python's checks (TJ_DEFER_CLAIMS): it must see the
    # token's time too. PyJWT compares int(exp), so 2000.5 has expired at 2000.
    tok = token(sub="bob", exp=2000.5)
    v = Verifier(KEY, ["HS256"])
    assert v.verify_many([tok, tok], now=[1999, 2000]) == [(True, "ok"), (False, "ExpiredSignatureError")]
    assert v.decode(tok, now=1999)["sub"] == "bob"
    with pytest.raises(ExpiredSignatureError):
        v.decode(tok, now=2000)


def test_cache_checks_hits_as_of_now_and_keeps_entries_expired_only_then():
    v = Verifier(KEY, ["HS256"], cache=8)
    assert v.decode(TOK, now=1500)["sub"] == "alice"          # miss, stored
    assert v.decode(TOK, now=1600)["sub"] == "alice"          # hit
    assert v.cache_info[:2] == (1, 1)
    with pytest.raises(ExpiredSignatureError):
        v.decode(TOK, now=2500)                                # hit, expired as of 2500
    assert v.cache_info[2] == 1                                # ...but not by the clock's word
    with pytest.raises(ExpiredSignatureError):
        v.decode(TOK)                                          # the clock: expired, dropped
    assert v.cache_info[2] == 0
