"""The header memo (csrc/jws.c): header segments of verified tokens, remembered decoded.

A token whose header segment equals a remembered one skips that header's
base64url, JSON parse and scan. Whatever the memo holds, every token must get
exactly the verdict, claims and header that a verifier without it gives.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time

import pytest
import turbojwt

KEY = b"header-memo-test-key-0123456789a"
OTHER_KEY = b"header-memo-other-key-0123456789"
NOW = int(time.time())


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(header: dict | bytes, payload: dict, key: bytes = KEY, alg: str = "sha256") -> str:
    head = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    signing_input = b64(head) + "." + b64(json.dumps(payload).encode())
    tag = hmac.new(key, signing_input.encode(), getattr(hashlib, alg)).digest()
    return signing_input + "." + b64(tag)


HEADERS = [
    {"alg": "HS256", "typ": "JWT"},
    {"typ": "JWT", "alg": "HS256"},
    {"alg": "HS256"},
    {"alg": "HS256", "kid": "k1", "typ": "JWT"},
    {"alg": "HS256", "typ": "at+jwt"},
    {"alg": "HS256", "typ": "JWT", "cty": "x"},
]
GOOD = {"sub": "u", "exp": NOW + 86400, "iat": NOW}  # valid however long the run takes


def outcome(verifier, tok):
    try:
        return ("ok", verifier.decode_complete(tok))
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return (type(exc).__name__, str(exc))


def fresh():
    return turbojwt.Verifier(KEY, algorithms=["HS256"])


def mixed_tokens() -> list[str]:
    out = []
    for h in HEADERS:
        out += [
            token(h, GOOD),
            token(h, GOOD, key=OTHER_KEY),                          # bad signature
            token(h, {**GOOD, "exp": NOW - 100}),                   # expired
            token(h, {**GOOD, "exp": "soon"}),                      # claims checked in Python
            token(h, GOOD)[:-2],                                    # truncated signature
            token(h, GOOD).replace(".", ".x", 1),                   # bad payload base64url
        ]
    out += [token({"alg": "HS256", "crit": ["b64"], "b64": False}, GOOD),   # b64 rules after the header
            token({"alg": "HS256", "kid": 7}, GOOD),                          # kid not a string
            token({"alg": "none"}, GOOD),
            token(b'{"alg":"HS256","alg":"HS256"}', GOOD)]                   # duplicate names
    return out


def test_outcomes_equal_a_verifier_without_memory():
    warmed = fresh()
    for h in HEADERS:
        warmed.decode(token(h, GOOD))           # teaches the first four headers
    assert warmed._remembered_headers == 4
    for tok in mixed_tokens() * 2:
        assert outcome(warmed, tok) == outcome(fresh(), tok), tok


def test_only_verified_tokens_teach_it():
    v = fresh()
    for h in HEADERS:
        for bad in (token(h, GOOD, key=OTHER_KEY), token(h, GOOD)[:-2]):
            with pytest.raises(turbojwt.InvalidTokenError):
                v.decode(bad)
    assert v._remembered_headers == 0
    # A token whose claims fail was still signed by the key holder: its header counts.
    with pytest.raises(turbojwt.ExpiredSignatureError):
        v.decode(token(HEADERS[0], {**GOOD, "exp": NOW - 100}))
    assert v._remembered_headers == 1
    unverified = turbojwt.Verifier(KEY, algorithms=["HS256"], options={"verify_signature": False})
    unverified.decode(token(HEADERS[1], GOOD, key=OTHER_KEY))
    assert unverified._remembered_headers == 0


def test_at_most_four_headers_and_the_rest_still_verify():
    v = fresh()
    for h in HEADERS * 3:
        assert v.decode(token(h, GOOD)) == GOOD
    assert v._remembered_headers == 4


def test_a_remembered_header_comes_back_whole_in_decode_complete():
    v = fresh()
    h = {"alg": "HS256", "kid": "k1", "typ": "JWT", "x5t": "abc", "nested": {"a": [1, 2]}}
    tok = token(h, GOOD)
    first = v.decode_complete(tok)
    second = v.decode_complete(tok)
    assert v._remembered_headers == 1
    assert first["header"] == second["header"] == h
    assert turbojwt.get_unverified_header(tok) == h


def test_key_sets_pick_the_key_by_kid_with_remembered_headers():
    jwks = {"keys": [
        {"kty": "oct", "kid": "a", "alg": "HS256", "k": b64(KEY)},
        {"kty": "oct", "kid": "b", "alg": "HS256", "k": b64(OTHER_KEY)},
    ]}
    v = turbojwt.Verifier(jwks, algorithms=["HS256"])
    tok_a = token({"alg": "HS256", "kid": "a"}, GOOD, key=KEY)
    tok_b = token({"alg": "HS256", "kid": "b"}, GOOD, key=OTHER_KEY)
    forged = token({"alg": "HS256", "kid": "a"}, GOOD, key=OTHER_KEY)   # kid a, signed with b's key
    for _ in range(3):
        assert v.decode(tok_a) == GOOD
        assert v.decode(tok_b) == GOOD
        with pytest.raises(turbojwt.InvalidSignatureError):
            v.decode(forged)
    assert v._remembered_headers == 2


def test_many_threads_learning_at_once():
    v = fresh()
    tokens = mixed_tokens()
    expected = [outcome(fresh(), t) for t in tokens]
    errors = []
    start = threading.Barrier(6)

    def run(offset):
        start.wait()
        for i in range(len(tokens) * 5):
            j = (i + offset) % len(tokens)
            if outcome(v, tokens[j]) != expected[j]:
                errors.append(tokens[j])

    threads = [threading.Thread(target=run, args=(k * 7,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert v._remembered_headers == 4


def test_decode_many_shares_the_memory_between_worker_threads():
    v = fresh()
    tokens = mixed_tokens() * 40
    expected = [outcome(fresh(), t) for t in tokens]
    got = v.decode_many(tokens, threads=2)
    for tok, exp, res in zip(tokens, expected, got):
        if isinstance(res, Exception):
            assert (type(res).__name__, str(res)) == exp, tok
        else:
            assert exp[0] == "ok" and res == exp[1]["payload"], tok
    assert v._remembered_headers == 4
