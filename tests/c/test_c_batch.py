"""Concurrency tests of the batch job and worker pool (csrc/batch.h, batch.c), at C level.

tests/c/test_batch.c (see the comment at its top) runs hundreds of jobs of HS256
tokens through pools of 1 to 4 workers and compares every result with a
single-threaded tj_decode. This file builds it, with all of csrc/*.c, twice:

  thread   -fsanitize=thread: any unsynchronised access between the calling
           thread and the workers (the claim counter, the hand-off of a job,
           the results read after tj_pool_finish) is a report, and a report fails.
  address  -fsanitize=address,undefined: a worker touching a job the caller has
           already freed, or a workspace overrun, is a report.

Each build uses the first compiler (CC, cc, gcc, clang) whose sanitizer runtime
actually runs a probe program here. ThreadSanitizer refuses to start on some
kernels' address-space layouts ("unexpected memory mapping"); the program is
then run under `setarch <machine> -R` (no ASLR), and the test is skipped, with
the failure named, only when that does not help either. A build is skipped only
when no compiler supports its sanitizer.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _native import all_compilers, crypto_flags, native_env

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
C_TEST = ROOT / "tests" / "c" / "test_batch.c"
SOURCES = sorted(CSRC.glob("*.c"))

BASE_FLAGS = ["-std=c11", "-O1", "-g", "-Wall", "-Wextra", "-Wshadow", "-Werror"]

SANITIZERS = {
    "thread": {
        "flags": ["-fsanitize=thread", "-fno-omit-frame-pointer"],
        # halt_on_error: the first report ends the program with a non-zero exit (66).
        "envs": [{"TSAN_OPTIONS": "halt_on_error=1 second_deadlock_stack=1"}],
    },
    "address": {
        "flags": ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"],
        # As tests/c/test_c_pkey.py; LeakSanitizer dies where ptrace is restricted
        # (some containers), so without it when the probe shows that.
        "envs": [
            {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=99",
             "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"},
            {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0:exitcode=99",
             "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"},
        ],
    },
}

# Sanitizer output that fails the test whatever the exit status.
REPORT = re.compile(r"WARNING: ThreadSanitizer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")
# ThreadSanitizer could not start (the kernel's memory layout), as opposed to a report.
TSAN_STARTUP = re.compile(r"unexpected memory mapping|FATAL: ThreadSanitizer|ThreadSanitizer: CHECK failed")

PROBE = r"""
#include <pthread.h>
#include <stdlib.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int shared;
static void *run(void *arg) { pthread_mutex_lock(&m); shared++; pthread_mutex_unlock(&m); return arg; }
int main(void)
{
    pthread_t t;
    char *p = malloc(4);
    p[0] = 0;
    if (pthread_create(&t, NULL, run, p) != 0) return 1;
    pthread_mutex_lock(&m); shared++; pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    free(p);
    return shared == 2 ? 0 : 1;
}
"""


def _no_aslr() -> list[str] | None:
    setarch = shutil.which("setarch")
    return [setarch, platform.machine(), "-R"] if setarch else None


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0][:200] if lines else "(no output)"


class Build:
    def __init__(self, kind: str, cc: list[str], runner: list[str], env: dict[str, str]):
        self.kind, self.cc, self.runner, self.env = kind, cc, runner, env
        self.exe: Path | None = None

    def run(self, *args: str) -> subprocess.CompletedProcess:
        assert self.exe is not None
        return subprocess.run([*self.runner, str(self.exe), *args], capture_output=True, text=True,
                              env=native_env(self.env), timeout=300)


def _probe(kind: str, tmp: Path) -> tuple[Build | None, str]:
    """The first compiler whose `kind` sanitizer runs a threaded probe here, or why none does."""
    spec = SANITIZERS[kind]
    src = tmp / "probe.c"
    src.write_text(PROBE)
    why = []
    for cc in all_compilers():
        exe = tmp / f"probe_{Path(cc[0]).name}"
        r = subprocess.run([*cc, *spec["flags"], "-pthread", str(src), "-o", str(exe)],
                           capture_output=True, text=True, env=native_env())
        if r.returncode != 0:
            why.append(f"{cc[0]}: does not build with {' '.join(spec['flags'][:1])}: {_first_line(r.stderr)}")
            continue
        runners = [[]]
        if kind == "thread" and _no_aslr():
            runners.append(_no_aslr())
        for env in spec["envs"]:
            for runner in runners:
                try:
                    r = subprocess.run([*runner, str(exe)], capture_output=True, text=True,
                                       env=native_env(env), timeout=60)
                except (OSError, subprocess.TimeoutExpired) as exc:
                    why.append(f"{cc[0]} {' '.join(runner)}: {exc}")
                    continue
                if r.returncode == 0 and not REPORT.search(r.stderr):
                    return Build(kind, cc, runner, env), ""
                why.append(f"{cc[0]}{' under ' + ' '.join(runner) if runner else ''}: probe exited "
                           f"{r.returncode}: {_first_line(r.stderr)}")
    if not why:
        why.append("no C compiler (CC, cc, gcc, clang) on PATH")
    return None, "; ".join(why)


_builds: dict[str, Build] = {}


@pytest.fixture(scope="module", params=["thread", "address"])
def build(request, tmp_path_factory) -> Build:
    kind = request.param
    if kind in _builds:
        return _builds[kind]
    tmp = tmp_path_factory.mktemp(f"c_batch_{kind}")
    b, why = _probe(kind, tmp)
    if b is None:
        pytest.skip(f"no compiler supports -fsanitize={kind} here: {why}")
    cflags, libs = crypto_flags()
    exe = tmp / f"test_batch_{kind}"
    cmd = [*b.cc, *BASE_FLAGS, *SANITIZERS[kind]["flags"], *cflags, f"-I{CSRC}",
           str(C_TEST), *map(str, SOURCES), *libs, "-pthread", "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=native_env())
    if proc.returncode != 0 and "openssl/" in proc.stderr and "No such file" in proc.stderr:
        pytest.skip("OpenSSL development headers not found")
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    b.exe = exe
    print(f"\nbuilt {exe.name} with {b.cc[0]} -fsanitize={kind}"
          f"{', run under ' + ' '.join(b.runner) if b.runner else ''}")
    _builds[kind] = b
    return b


def _summary(proc: subprocess.CompletedProcess) -> tuple[int, int] | None:
    m = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _run_checked(b: Build, *args: str) -> subprocess.CompletedProcess:
    proc = b.run(*args)
    if b.kind == "thread" and TSAN_STARTUP.search(proc.stderr) and _summary(proc) is None:
        # The probe started but this (larger, PIE) program did not: the layout
        # again. Without ASLR if not tried yet, else there is no way to run it.
        if not b.runner and _no_aslr():
            b.runner = _no_aslr()
            proc = b.run(*args)
        if TSAN_STARTUP.search(proc.stderr) and _summary(proc) is None:
            pytest.skip(f"ThreadSanitizer cannot start here ({' '.join(b.runner) or 'with ASLR'}): "
                        f"{_first_line(proc.stderr)}")
    return proc


def test_pool_under_sanitizer(build: Build):
    """Every job's results equal the single-threaded decode; no sanitizer report at all."""
    proc = _run_checked(build)
    out = proc.stdout + proc.stderr
    print(proc.stdout)
    report = REPORT.search(proc.stderr)
    assert report is None, f"{build.kind} sanitizer report (exit {proc.returncode}):\n{proc.stderr[-12000:]}"
    summary = _summary(proc)
    assert summary is not None, f"no summary line (exit {proc.returncode})\n{out[-12000:]}"
    passed, failed = summary
    assert failed == 0, out[-12000:]
    assert proc.returncode == 0, out[-12000:]
    # 4 pools x (200 + 1000) jobs and more: a count far below means the schedule did not run.
    assert passed > 4000, out[-4000:]


def test_wrong_result_is_reported(build: Build):
    """The harness can fail: with one expected status falsified, the jobs holding that token fail."""
    proc = _run_checked(build, "--wrong-expectation")
    assert REPORT.search(proc.stderr) is None, proc.stderr[-12000:]
    summary = _summary(proc)
    assert summary is not None, f"no summary line (exit {proc.returncode})\n{proc.stderr[-4000:]}"
    assert summary[1] > 0 and proc.returncode == 1, (summary, proc.returncode)
    assert "result differs from the single-threaded decode" in proc.stdout


@pytest.mark.parametrize("std", ["c99", "c11"])
def test_batch_c_compiles_strict(tmp_path, std):
    """The test program itself is warning-free C99 and C11 at -O2 (no sanitizer)."""
    ccs = all_compilers()
    if not ccs:
        pytest.skip("no C compiler")
    cflags, _ = crypto_flags()
    cmd = [*ccs[0], f"-std={std}", "-O2", "-Wall", "-Wextra", "-Wshadow", "-Werror", *cflags, f"-I{CSRC}",
           "-c", str(C_TEST), "-o", str(tmp_path / "test_batch.o")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=native_env())
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
