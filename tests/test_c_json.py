"""Build and run the C tests of the JSON parser (tests/c/test_json.c + csrc/json.c).

The C program does the real work (tables, exhaustive UTF-8 and escape checks, a
reference parser run side by side on random documents); this file compiles it
with the system C compiler, under AddressSanitizer and UBSan when the toolchain
supports them, and fails if it reports any failure. It is skipped only when no
C compiler exists at all.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _native import native_env

ROOT = Path(__file__).resolve().parent.parent
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


def _find_cc():
    for name in (os.environ.get("CC"), "cc", "gcc"):
        if name and shutil.which(name.split()[0]):
            return name.split()
    return None


CC = _find_cc()
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler (cc or gcc) on PATH")


def _run(cmd, **kw):
    kw.setdefault("env", native_env())
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def _sanitizers_work(tmp_path):
    """Compile and run a trivial program with the sanitizers: the flags may be
    accepted while the runtime library is missing, so running it is the test."""
    probe = tmp_path / "probe.c"
    probe.write_text("int main(void) { return 0; }\n")
    exe = tmp_path / "probe"
    r = _run(CC + BASE_FLAGS + SAN_FLAGS + [str(probe), "-o", str(exe)])
    if r.returncode != 0:
        return False
    r = _run([str(exe)], env=native_env(SAN_ENV), timeout=60)
    return r.returncode == 0


# The default build (on x86 the SSE2 string window), one with TJ_JSON_NO_SSE2,
# which takes the eight-bytes-at-a-time string scan other GCC and Clang targets
# use, and one with TJ_JSON_PORTABLE, which also swaps the compiler builtins for
# plain C99 (the path other compilers take).
@pytest.mark.parametrize("variant", [[], ["-DTJ_JSON_NO_SSE2"], ["-DTJ_JSON_PORTABLE"]],
                         ids=["default", "no_sse2", "portable"])
def test_c_json(tmp_path, variant):
    sanitize = _sanitizers_work(tmp_path)
    exe = tmp_path / "test_json"
    cmd = CC + BASE_FLAGS + variant + (SAN_FLAGS if sanitize else []) + [
        str(TEST_SRC), str(JSON_SRC), "-o", str(exe)]
    build = _run(cmd)
    assert build.returncode == 0, "compile failed:\n%s\n%s%s" % (" ".join(cmd), build.stdout, build.stderr)

    run = _run([str(exe)], env=native_env(SAN_ENV), timeout=600)
    output = run.stdout + run.stderr
    if run.returncode != 0:
        sys.stdout.write(output)
    assert run.returncode == 0, "test_json failed (sanitizers %s):\n%s" % (
        "on" if sanitize else "off", output[-20000:])
    last = run.stdout.strip().splitlines()[-1]
    assert last.endswith(" passed, 0 failed"), output[-20000:]


def test_c_json_strict_warnings(tmp_path):
    """json.c compiles without a single warning under the project's strict flags."""
    cmd = CC + STRICT_FLAGS + ["-c", str(JSON_SRC), "-o", str(tmp_path / "json.o")]
    r = _run(cmd)
    assert r.returncode == 0, "%s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr)
