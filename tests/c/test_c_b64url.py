"""Build and run the C tests of the base64url decoder (tests/c/test_b64url.c + csrc/b64url.c).

The C program does the real work (exhaustive short inputs, every byte at every
position, padding and trailing-bit rules, and four decoders compared on a few
hundred thousand random inputs: the SIMD dispatcher, the scalar path, the
pre-SIMD decoder and a bit-by-bit one). This file compiles it with the system C
compiler, under AddressSanitizer and UBSan when the toolchain supports them, in
each build the library has:

- default: AVX2 or SSSE3 kernel picked at run time on x86-64 (scalar elsewhere);
- TJ_B64_NO_AVX2: the SSSE3 kernel, even on a CPU with AVX2;
- TJ_B64_SCALAR_ONLY: the portable code alone.

It also runs an optimised build without sanitizers, which prints the
micro-benchmark (see it with ``pytest -s``; it is never asserted), and checks
that b64url.c compiles without a warning under the strict flags with every C
compiler found (cc, gcc, clang). It is skipped only when no C compiler exists.
"""

import shutil
import sys
from pathlib import Path

import pytest
from _native import all_compilers, find_cc, native_env, run, sanitizers_work

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
TEST_SRC = ROOT / "tests" / "c" / "test_b64url.c"
B64_SRC = CSRC / "b64url.c"

BASE_FLAGS = ["-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-g"]
SAN_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
STRICT_FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror"]

SAN_ENV = {
    # b64url.c never allocates, and LeakSanitizer dies outright where ptrace is
    # restricted (some containers): leave leak checking off.
    "ASAN_OPTIONS": "halt_on_error=1:detect_leaks=0",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
}

VARIANTS = {
    "default": [],
    "ssse3": ["-DTJ_B64_NO_AVX2"],
    "scalar": ["-DTJ_B64_SCALAR_ONLY"],
}


CC = find_cc()
CLANG = ["clang"] if shutil.which("clang") else None
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler (cc, gcc or clang) on PATH")


def _sanitizers_work(cc, tmp_path):
    return sanitizers_work(cc, tmp_path, BASE_FLAGS + SAN_FLAGS, SAN_ENV)


def _build_and_run(cc, flags, tmp_path, args, env=None):
    exe = tmp_path / "test_b64url"
    cmd = cc + flags + [str(TEST_SRC), str(B64_SRC), "-o", str(exe)]
    build = run(cmd)
    assert build.returncode == 0, "compile failed:\n%s\n%s%s" % (" ".join(cmd), build.stdout, build.stderr)
    result = run([str(exe)] + args, env=native_env(env), timeout=900)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stdout.write(output)
    assert result.returncode == 0, "test_b64url failed (%s):\n%s" % (" ".join(cmd), output[-20000:])
    last = result.stdout.strip().splitlines()[-1]
    assert last.endswith(" passed, 0 failed"), output[-20000:]
    return result.stdout


@pytest.mark.parametrize("variant", list(VARIANTS), ids=list(VARIANTS))
def test_c_b64url(tmp_path, variant):
    """The tests, under the sanitizers when they work, in each build."""
    sanitize = _sanitizers_work(CC, tmp_path)
    flags = BASE_FLAGS + VARIANTS[variant] + (SAN_FLAGS if sanitize else [])
    _build_and_run(CC, flags, tmp_path, ["--no-bench"], SAN_ENV)


@pytest.mark.skipif(CLANG is None, reason="clang not installed")
def test_c_b64url_clang(tmp_path):
    """clang compiles the target attributes and intrinsics its own way: run the
    default build with it too."""
    sanitize = _sanitizers_work(CLANG, tmp_path)
    flags = BASE_FLAGS + (SAN_FLAGS if sanitize else [])
    _build_and_run(CLANG, flags, tmp_path, ["--no-bench"], SAN_ENV)


def test_c_b64url_optimised_and_benchmark(tmp_path):
    """An -O2 build without sanitizers (the code the extension gets; overreads
    are still caught by the guard-page test): the tests, then the benchmark,
    printed for information only."""
    flags = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"]
    out = _build_and_run(CC, flags, tmp_path, [])
    sys.stdout.write(out)


@pytest.mark.parametrize("variant", list(VARIANTS), ids=list(VARIANTS))
@pytest.mark.parametrize("cc", all_compilers() or [["cc"]], ids=lambda cc: cc[0])
def test_c_b64url_strict_warnings(tmp_path, cc, variant):
    """b64url.c compiles without a single warning under the project's strict flags."""
    cmd = cc + STRICT_FLAGS + VARIANTS[variant] + ["-c", str(B64_SRC), "-o", str(tmp_path / "b64url.o")]
    r = run(cmd)
    assert r.returncode == 0, "%s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr)
