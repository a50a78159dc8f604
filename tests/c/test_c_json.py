"""Build and run the C tests of the JSON parser (tests/c/test_json.c + csrc/json.c).

The C program does the real work (tables, exhaustive UTF-8 and escape checks, a
reference parser run side by side on random documents); this file compiles it
with the system C compiler, under AddressSanitizer and UBSan when the toolchain
supports them, and fails if it reports any failure. It is skipped only when no
C compiler exists at all.
"""

import sys
from pathlib import Path

import pytest
from _native import find_cc, native_env, run, sanitizers_work

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
TEST_SRC = ROOT / "tests" / "c" / "test_json.c"
JSON_SRC = CSRC / "json.c"

BASE_FLAGS = ["-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-g"]
SAN_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
# The flags the core is held to (see the build notes): json.c alone must compile
# cleanly with them at -O2.
STRICT_FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror"]

SAN_ENV = {
    # Stop at the first report. json.c never allocates, so leak checking would
    # only test the test program, and LeakSanitizer dies outright where ptrace
    # is restricted (some containers): leave it off.
    "ASAN_OPTIONS": "halt_on_error=1:detect_leaks=0",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
}


CC = find_cc()
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler (cc, gcc or clang) on PATH")


# The default build (on x86 the SSE2 string window), one with TJ_JSON_NO_SSE2,
# which takes the eight-bytes-at-a-time string scan other GCC and Clang targets
# use, and one with TJ_JSON_PORTABLE, which also swaps the compiler builtins for
# plain C99 (the path other compilers take).
@pytest.mark.parametrize("variant", [[], ["-DTJ_JSON_NO_SSE2"], ["-DTJ_JSON_PORTABLE"]],
                         ids=["default", "no_sse2", "portable"])
def test_c_json(tmp_path, variant):
    sanitize = sanitizers_work(CC, tmp_path, BASE_FLAGS + SAN_FLAGS, SAN_ENV)
    exe = tmp_path / "test_json"
    cmd = CC + BASE_FLAGS + variant + (SAN_FLAGS if sanitize else []) + [
        str(TEST_SRC), str(JSON_SRC), "-o", str(exe)]
    build = run(cmd)
    assert build.returncode == 0, "compile failed:\n%s\n%s%s" % (" ".join(cmd), build.stdout, build.stderr)

    result = run([str(exe)], env=native_env(SAN_ENV), timeout=600)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stdout.write(output)
    assert result.returncode == 0, "test_json failed (sanitizers %s):\n%s" % (
        "on" if sanitize else "off", output[-20000:])
    last = result.stdout.strip().splitlines()[-1]
    assert last.endswith(" passed, 0 failed"), output[-20000:]


def test_c_json_strict_warnings(tmp_path):
    """json.c compiles without a single warning under the project's strict flags."""
    cmd = CC + STRICT_FLAGS + ["-c", str(JSON_SRC), "-o", str(tmp_path / "json.o")]
    r = run(cmd)
    assert r.returncode == 0, "%s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr)
