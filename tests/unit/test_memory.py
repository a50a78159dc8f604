"""Resource check: many decodes leave the process's memory flat.

After a warm-up, N decodes of a mix of valid and invalid tokens (every kind of
error raised and caught, both workspace paths: the stack buffer for small
tokens and the heap block for large ones, HS256 and ES256, decode,
decode_complete, Verifier, get_unverified_header and detached payloads) must
not grow the resident set by more than RSS_GROWTH_LIMIT. A leak of even a few
bytes per decode shows: 200,000 decodes x 16 bytes = 3.2 MB.

CI runs N = 200,000 (TURBOJWT_MEMORY_DECODES overrides it). The full
1,000,000-decode measurement quoted in docs/security.md is made with

    python tests/unit/test_memory.py 1000000

which prints the RSS before and after and the growth.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import hmac
import json
import os
import sys
import time

import pytest

import turbojwt
from _native import SANITIZED

DEFAULT_N = int(os.environ.get("TURBOJWT_MEMORY_DECODES", "200000"))
WARMUP = 30_000
RSS_GROWTH_LIMIT = 2 * 1024 * 1024  # bytes
KEY = b"memory-check-secret-0123456789ab"
NOW = int(time.time())


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs(header, payload, key=KEY) -> str:
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    p = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    si = f"{_b64(h)}.{_b64(p)}"
    return f"{si}.{_b64(hmac.new(key, si.encode(), hashlib.sha256).digest())}"


def _workload():
    """A list of zero-argument calls; each returns or raises a turbojwt exception."""
    claims = {"sub": "u", "iss": "urn:iss", "aud": "urn:aud", "exp": NOW + 3600, "iat": NOW - 10}
    hdr = {"alg": "HS256", "typ": "JWT"}
    good = _hs(hdr, claims)
    big = _hs(hdr, {**claims, "blob": "x" * 20_000})  # > 4096 bytes: the heap workspace path
    expired = _hs(hdr, {**claims, "exp": NOW - 3600})
    bad_sig = good[:-2] + ("AA" if not good.endswith("AA") else "BA")
    bad_b64 = good.replace(".", ".!", 1)
    bad_json = _hs(hdr, b'{"sub":')
    none_alg = _b64(json.dumps({"alg": "none"}).encode()) + "." + _b64(b"{}") + "."
    wrong_aud = _hs(hdr, {**claims, "aud": "urn:other"})
    kid_int = _hs({"alg": "HS256", "kid": 5}, claims)
    dup = _hs(b'{"alg":"HS256","alg":"HS256"}', claims)
    deep = _hs(hdr, b'{"a":' + b"[" * 100 + b"]" * 100 + b"}")
    float_exp = _hs(hdr, {**claims, "exp": NOW + 3600.5})  # deferred claims path
    det_header = _b64(json.dumps({"alg": "HS256", "b64": False, "crit": ["b64"]}).encode())
    det_payload = json.dumps(claims).encode()
    det_sig = _b64(hmac.new(KEY, f"{det_header}.".encode() + det_payload, hashlib.sha256).digest())
    detached = f"{det_header}..{det_sig}"

    kw = {"algorithms": ["HS256"], "audience": "urn:aud", "issuer": "urn:iss"}
    verifier = turbojwt.Verifier(KEY, ["HS256"], audience="urn:aud", issuer="urn:iss")

    calls = [
        lambda: turbojwt.decode(good, KEY, **kw),
        lambda: turbojwt.decode(big, KEY, **kw),
        lambda: turbojwt.decode(expired, KEY, **kw),
        lambda: turbojwt.decode(bad_sig, KEY, **kw),
        lambda: turbojwt.decode(bad_b64, KEY, **kw),
        lambda: turbojwt.decode(bad_json, KEY, **kw),
        lambda: turbojwt.decode(none_alg, KEY, **kw),
        lambda: turbojwt.decode(wrong_aud, KEY, **kw),
        lambda: turbojwt.decode(kid_int, KEY, **kw),
        lambda: turbojwt.decode(dup, KEY, **kw),
        lambda: turbojwt.decode(deep, KEY, algorithms=["HS256"]),
        lambda: turbojwt.decode(float_exp, KEY, **kw),
        lambda: turbojwt.decode(detached, KEY, detached_payload=det_payload, **kw),
        lambda: turbojwt.decode_complete(good, KEY, **kw),
        lambda: turbojwt.get_unverified_header(good),
        lambda: turbojwt.get_unverified_header(bad_b64),
        lambda: verifier.decode(good),
        lambda: verifier.decode(expired),
        lambda: verifier.decode(big),
        lambda: turbojwt.decode(good, b"another-key-0123456789abcdefghij", **kw),
    ]
    try:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import serialization as ser
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    except ImportError:
        return calls, []
    priv = ec.derive_private_key(0xC0FFEE, ec.SECP256R1())
    pem = priv.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
    si = _b64(json.dumps({"alg": "ES256"}).encode()) + "." + _b64(json.dumps(claims).encode())
    r, s = decode_dss_signature(priv.sign(si.encode(), ec.ECDSA(hashes.SHA256())))
    es_good = f"{si}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
    es_bad = f"{si}.{_b64(bytes(64))}"
    es_verifier = turbojwt.Verifier(pem, ["ES256"], audience="urn:aud", issuer="urn:iss")
    slow = [lambda: es_verifier.decode(es_good), lambda: es_verifier.decode(es_bad),
            lambda: turbojwt.decode(es_good, pem, **{**kw, "algorithms": ["ES256"]})]
    return calls, slow


def _run(calls, slow, n: int) -> None:
    k = len(calls)
    for i in range(n):
        call = slow[(i // 40) % len(slow)] if slow and i % 40 == 39 else calls[i % k]
        try:
            call()
        except turbojwt.PyJWTError:
            pass


def measure(n: int) -> dict:
    calls, slow = _workload()
    _run(calls, slow, WARMUP)
    gc.collect()
    before = _rss_bytes()
    start = time.perf_counter()
    _run(calls, slow, n)
    elapsed = time.perf_counter() - start
    gc.collect()
    after = _rss_bytes()
    return {"decodes": n, "rss_before": before, "rss_after": after, "growth": after - before,
            "seconds": elapsed}


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm (Linux)")
def test_memory_stays_flat():
    calls, slow = _workload()
    # Every call ends in a return or a documented exception (nothing else escapes).
    for call in calls + slow:
        try:
            call()
        except turbojwt.PyJWTError:
            pass
    result = measure(DEFAULT_N)
    if SANITIZED:
        # The workload ran under ASan (a memory error aborts the run), but
        # ASan's allocator (its quarantine of freed blocks, per-size caches)
        # moves RSS by megabytes on its own: a CI run at 3f7c62f saw 3.4 MiB
        # where the regular build, same commit, shows 0 KiB over 1,000,000
        # decodes. The regular pass of this test is the leak check.
        pytest.skip(f"RSS is no leak signal under ASan (grew {result['growth'] / 1024:.0f} KiB); "
                    "the regular pass checks it")
    assert result["growth"] < RSS_GROWTH_LIMIT, (
        f"RSS grew by {result['growth'] / 1024:.0f} KiB over {DEFAULT_N} decodes "
        f"({result['rss_before'] / 1048576:.1f} -> {result['rss_after'] / 1048576:.1f} MiB)")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    res = measure(count)
    print(f"turbojwt {turbojwt.__version__ if hasattr(turbojwt, '__version__') else ''} "
          f"({turbojwt.__file__})")
    print(f"{res['decodes']} decodes in {res['seconds']:.1f}s after {WARMUP} warm-up: RSS "
          f"{res['rss_before'] / 1048576:.2f} MiB -> {res['rss_after'] / 1048576:.2f} MiB, "
          f"growth {res['growth'] / 1024:.0f} KiB")
