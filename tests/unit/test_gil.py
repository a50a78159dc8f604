"""The GIL around a public-key verify: released when another Python thread can use it.

With the switch interval raised to 10 s, the interpreter does not take the GIL
from a thread that holds it for the length of this test: a ticker thread that
wakes every 0.5 ms gets to run during a run of decodes only if the decodes
release the GIL themselves (src/turbojwt/gil_release.h). The ticker gives the
GIL back at once (it sleeps again), so the decodes never wait long for it.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import turbojwt


@pytest.fixture
def es384():
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    token = turbojwt.encode({"sub": "u"}, key, algorithm="ES384")
    return turbojwt.Verifier(pem, algorithms=["ES384"]), token


@pytest.fixture
def long_switch_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    yield
    sys.setswitchinterval(before)


def test_another_thread_runs_while_tokens_verify(es384, long_switch_interval):
    verifier, token = es384
    ticks = 0
    started = threading.Event()
    stop = False

    def ticker() -> None:
        nonlocal ticks
        started.set()
        while not stop:
            ticks += 1
            time.sleep(0.0005)

    thread = threading.Thread(target=ticker, daemon=True)
    thread.start()
    started.wait(5)
    before = ticks
    for _ in range(200):  # ES384 verifies take 150-500 µs each: 30-100 ms in all
        assert verifier.decode(token) == {"sub": "u"}
    during = ticks - before
    stop = True
    thread.join(20)
    assert during > 0, "the ticker never ran: the verifies held the GIL"


def test_a_lone_thread_decodes_the_same(es384):
    verifier, token = es384
    assert threading.active_count() >= 1
    for _ in range(3):
        assert verifier.decode(token) == {"sub": "u"}
    with pytest.raises(turbojwt.InvalidSignatureError):
        verifier.decode(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
