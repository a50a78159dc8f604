"""Batch verification (decode_many, verify_many), the verified-token cache, and thread safety."""

from __future__ import annotations

import os
import signal
import threading
import time

import jwt as pyjwt
import pytest

import turbojwt

SECRET = "a-batch-secret-of-at-least-32-bytes!!"
NOW = int(time.time())
CLAIMS = {"sub": "user", "iat": NOW, "exp": NOW + 86400, "aud": "api", "iss": "idp"}
CHECKS = {"audience": "api", "issuer": "idp"}


def _tokens() -> list:
    good = [pyjwt.encode({**CLAIMS, "n": i}, SECRET) for i in range(40)]
    bad = [
        good[0][:-4] + "AAAA",                                   # bad signature
        pyjwt.encode({**CLAIMS, "exp": NOW - 100}, SECRET),      # expired
        pyjwt.encode({**CLAIMS, "aud": "other"}, SECRET),        # wrong audience
        pyjwt.encode({**CLAIMS, "nbf": NOW + 3600}, SECRET),     # not yet valid
        pyjwt.encode({**CLAIMS, "exp": "soon"}, SECRET),         # needs the Python claim path
        "not.a.token",
        "",
        b"\xff\xfe",
        12345,
        None,
        "x" * (2 * 1024 * 1024),                                 # over the size limit
    ]
    mixed = []
    for i, token in enumerate(good):
        mixed.append(token)
        mixed.append(bad[i % len(bad)])
    return mixed


def _one_by_one(verifier, tokens):
    out = []
    for token in tokens:
        try:
            out.append(verifier.decode(token))
        except Exception as exc:  # noqa: BLE001 - the exception is the expected result
            out.append(exc)
    return out


def _same(a, b) -> bool:
    if isinstance(a, Exception) or isinstance(b, Exception):
        return type(a) is type(b) and str(a) == str(b)
    return a == b


@pytest.mark.parametrize("threads", [1, 2, 4, None])
def test_decode_many_equals_decode_in_order(threads):
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS)
    tokens = _tokens() * 30          # over one chunk (1024), so chunking and ordering are exercised
    expected = _one_by_one(verifier, tokens)
    got = verifier.decode_many(tokens, threads=threads)
    assert len(got) == len(tokens)
    assert all(_same(a, b) for a, b in zip(expected, got))
    assert any(isinstance(r, dict) for r in got) and any(isinstance(r, Exception) for r in got)


def test_verify_many_gives_validity_and_reason():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS)
    tokens = _tokens()
    expected = [("ok" if isinstance(r, dict) else type(r).__name__) for r in _one_by_one(verifier, tokens)]
    got = verifier.verify_many(iter(tokens), threads=2)       # any iterable
    assert [reason for _, reason in got] == expected
    assert [valid for valid, _ in got] == [reason == "ok" for reason in expected]


@pytest.mark.parametrize("threads", [2, 8])
def test_an_iterator_failing_mid_batch_leaves_no_worker_behind(threads):
    # The workers may be on a chunk when the iterator raises: decode_many must
    # wait for them before that chunk's memory goes, then raise the error.
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS)
    tokens = _tokens() * 60

    def failing():
        for i, token in enumerate(tokens):
            if i == 3000:
                raise RuntimeError("log file vanished")
            yield token

    for _ in range(5):
        with pytest.raises(RuntimeError, match="log file vanished"):
            verifier.decode_many(failing(), threads=threads)
    got = verifier.decode_many(tokens, threads=threads)
    assert all(_same(a, b) for a, b in zip(_one_by_one(verifier, tokens), got))


def test_threads_beyond_the_core_count_and_short_batches():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS)
    for tokens in (_tokens()[:1], _tokens() * 7, _tokens() * 26):   # 1, 560 and 2080 tokens
        expected = _one_by_one(verifier, tokens)
        for threads in (3, 16):
            got = verifier.decode_many(tokens, threads=threads)
            assert len(got) == len(tokens)
            assert all(_same(a, b) for a, b in zip(expected, got))


def test_decode_many_from_several_python_threads_at_once():
    # One call gets the process's shared worker pool, the others start their own.
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS)
    tokens = _tokens() * 20
    expected = _one_by_one(verifier, tokens)
    failures = []

    def run():
        for _ in range(5):
            got = verifier.decode_many(tokens, threads=2)
            if len(got) != len(expected) or not all(_same(a, b) for a, b in zip(expected, got)):
                failures.append(got)

    workers = [threading.Thread(target=run) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not failures


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_decode_many_in_a_forked_child():
    # The shared pool's threads do not survive fork(): the child must make its own.
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS)
    tokens = _tokens() * 10
    expected = _one_by_one(verifier, tokens)
    assert all(_same(a, b) for a, b in zip(expected, verifier.decode_many(tokens, threads=2)))
    pid = os.fork()
    if pid == 0:        # the child: exit status 0 only if the batch is right, killed if it hangs
        ok = False
        try:
            signal.alarm(30)
            ok = all(_same(a, b) for a, b in zip(expected, verifier.decode_many(tokens, threads=2)))
        finally:
            os._exit(0 if ok else 3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert all(_same(a, b) for a, b in zip(expected, verifier.decode_many(tokens, threads=3)))


def test_decode_many_rejects_a_bad_thread_count():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"])
    with pytest.raises(ValueError):
        verifier.decode_many([], threads=0)
    assert verifier.decode_many([]) == []


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_decode_many_public_keys(alg):
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(65537, 2048) if alg == "RS256" else crypto.generate_private_key(crypto.SECP256R1())
    tokens = [pyjwt.encode({**CLAIMS, "n": i}, key, algorithm=alg) for i in range(30)]
    tokens[7] = tokens[7][:-6] + "AAAAAA"
    verifier = turbojwt.Verifier(key.public_key(), algorithms=[alg], **CHECKS)
    got = verifier.decode_many(tokens, threads=2)
    assert all(_same(a, b) for a, b in zip(_one_by_one(verifier, tokens), got))
    assert isinstance(got[7], turbojwt.InvalidSignatureError)


def test_one_verifier_shared_by_many_threads():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], cache=64, **CHECKS)
    tokens = _tokens()
    expected = _one_by_one(turbojwt.Verifier(SECRET, algorithms=["HS256"], **CHECKS), tokens)
    failures = []

    def worker(seed: int) -> None:
        order = list(range(len(tokens)))
        order = order[seed:] + order[:seed]
        for _ in range(5):
            for i in order:
                try:
                    got = verifier.decode(tokens[i])
                except Exception as exc:  # noqa: BLE001
                    got = exc
                if not _same(expected[i], got):
                    failures.append((i, got))
            batch = verifier.decode_many(tokens, threads=2)
            failures.extend((i, r) for i, r in enumerate(batch) if not _same(expected[i], r))

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_cache_hit_skips_the_signature_but_not_the_claims():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], cache=10, **CHECKS)
    token = pyjwt.encode(CLAIMS, SECRET)
    first = verifier.decode(token)
    second = verifier.decode(token)
    assert first == second == CLAIMS
    assert verifier.cache_info == (1, 1, 1)
    # No shared mutable state: editing one caller's dict (or a nested list) changes nothing for the next.
    listed = pyjwt.encode({**CLAIMS, "aud": ["api", "x"]}, SECRET)
    mine = verifier.decode(listed)
    mine["aud"].append("tampered")
    mine["sub"] = "admin"
    assert verifier.decode(listed) == {**CLAIMS, "aud": ["api", "x"]}


def test_cache_entry_expires_with_its_token():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], cache=10, leeway=0)
    token = pyjwt.encode({"sub": "x", "exp": int(time.time()) + 1}, SECRET)
    verifier.decode(token)
    time.sleep(1.2)
    with pytest.raises(turbojwt.ExpiredSignatureError):
        verifier.decode(token)
    assert verifier.cache_info[2] == 0          # the expired entry is gone


def test_cache_checks_nbf_again_and_caches_no_failures():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], cache=10, leeway=0)
    soon = pyjwt.encode({"sub": "x", "nbf": int(time.time()) + 3600}, SECRET)
    for _ in range(2):
        with pytest.raises(turbojwt.ImmatureSignatureError):
            verifier.decode(soon)
    bad = pyjwt.encode({"sub": "x"}, SECRET)[:-3] + "AAA"
    for _ in range(2):
        with pytest.raises(turbojwt.InvalidSignatureError):
            verifier.decode(bad)
    assert verifier.cache_info[2] == 0


def test_cache_is_bounded_and_keyed_by_the_whole_token():
    verifier = turbojwt.Verifier(SECRET, algorithms=["HS256"], cache=5)
    tokens = [pyjwt.encode({"sub": str(i)}, SECRET) for i in range(20)]
    for token in tokens:
        verifier.decode(token)
    assert verifier.cache_info[2] == 5
    # A token that shares a long prefix with a cached one but has another signature is verified afresh.
    forged = tokens[-1][:-2] + ("AA" if not tokens[-1].endswith("AA") else "BB")
    with pytest.raises(turbojwt.DecodeError):
        verifier.decode(forged)
    with pytest.raises(ValueError):
        turbojwt.Verifier(SECRET, algorithms=["HS256"], cache=-1)
