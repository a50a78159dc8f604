"""Regression tests for the inputs the libFuzzer targets (fuzz/) found crashing.

Each file under tests/vectors/fuzz-regressions/ is a crashing input exactly as
the fuzzer wrote it, named TARGET-what.bin. The inputs are fed to the Python
binding in a child process (a memory error there must fail this test, not kill
pytest) and must end in a documented turbojwt exception or a clean result.

Input formats (see the fuzz target's header comment):
  fuzz_header-*: one mode byte, then the token; what follows the first '\\n'
                 is a detached payload (RFC 7797).
  fuzz_verify_*, fuzz_b64url-*, fuzz_json-*: the raw bytes.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "fuzz-regressions"
CASES = sorted(VECTORS.glob("*.bin"))

# The child: decode one input every way the binding offers, print what ended it.
CHILD = textwrap.dedent(r"""
    import sys, turbojwt
    data = open(sys.argv[1], "rb").read()
    target = sys.argv[2]
    det = None
    if target == "fuzz_header":
        data = data[1:]
        if b"\n" in data:
            data, det = data.split(b"\n", 1)
    key = b"fuzz-regression-key-0123456789ab"
    calls = [
        lambda: turbojwt.decode(data, key, algorithms=["HS256", "ES256"], detached_payload=det),
        lambda: turbojwt.decode(data, key, algorithms=["HS256"], detached_payload=det,
                                options={"verify_signature": False}),
        lambda: turbojwt.decode_complete(data, key, algorithms=["HS256"], detached_payload=det,
                                         options={"verify_signature": False}),
        lambda: turbojwt.get_unverified_header(data),
    ]
    for call in calls:
        try:
            call()
            print("returns")
        except turbojwt.PyJWTError as exc:
            print("raises", type(exc).__name__)
""")


def _run_child(path: Path, target: str):
    return subprocess.run([sys.executable, "-c", CHILD, str(path), target],
                          capture_output=True, text=True, timeout=120)


def test_regression_inputs_are_there():
    """Without the .bin files (an sdist that left them out) the test below would have no
    cases and pytest would only skip it: that is a failure, not a pass."""
    assert CASES, f"no fuzz regression input in {VECTORS}: the tests of the pinned crashes cannot run"


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_fuzz_regression_input_is_refused_cleanly(path):
    target = path.name.split("-", 1)[0]
    r = _run_child(path, target)
    assert r.returncode == 0, f"child died (rc {r.returncode}):\n{r.stdout}\n{r.stderr[-3000:]}"
    lines = r.stdout.split("\n")
    assert all(line.startswith(("raises ", "returns")) for line in lines if line), r.stdout


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("detached", [b"x", b""], ids=["one-byte", "empty"])
def test_detached_payload_large_header_does_not_overflow(tmp_path, detached):
    """The fuzz_header crash scaled up: a 200 kB header with b64=false and a 1-byte (or empty)
    detached payload. The signing input copy then overruns the heap workspace by ~150 kB; in a normal
    build the process dies (SIGSEGV). It must end in a clean turbojwt exception."""
    header = json.dumps({"alg": "HS256", "crit": ["b64"], "b64": False, "pad": "A" * 200_000}).encode()
    token = f"{_b64(header)}..c2ln".encode()
    path = tmp_path / "fuzz_header-scaled.bin"
    path.write_bytes(b"\x01" + token + b"\n" + detached)
    r = _run_child(path, "fuzz_header")
    assert r.returncode == 0, f"child died (rc {r.returncode}):\n{r.stderr[-2000:]}"
    assert r.stdout.startswith("raises "), r.stdout


@pytest.mark.parametrize("pad", [1800, 2400, 2900])
def test_detached_payload_stack_workspace_is_not_overrun(tmp_path, pad):
    """The same overflow where the workspace is the binding's stack buffer: the signature is
    wrong, so every call that checks it must say InvalidSignatureError, whatever the token's
    size. With the bug the copied header segment overwrites the parsed header tape."""
    header = json.dumps({"alg": "HS256", "crit": ["b64"], "b64": False, "pad": "A" * pad}).encode()
    token = f"{_b64(header)}..c2ln".encode()
    assert 2400 < len(token) < 4096
    path = tmp_path / "fuzz_header-stack.bin"
    path.write_bytes(b"\x01" + token + b"\n")
    r = _run_child(path, "fuzz_header")
    assert r.returncode == 0, f"child died (rc {r.returncode}):\n{r.stderr[-2000:]}"
    assert r.stdout.splitlines()[0] == "raises InvalidSignatureError", r.stdout
