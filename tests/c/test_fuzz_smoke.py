"""Smoke run of the libFuzzer targets in fuzz/: build each, run it briefly, no crash.

Each target (fuzz/fuzz_*.c) is built with clang -fsanitize=fuzzer,address,undefined
against csrc/*.c and libcrypto, seeded with fuzz/make_corpus.py, and run for a
bounded number of inputs (FUZZ_SMOKE_RUNS, default 20000, and at most
FUZZ_SMOKE_SECONDS, default 5 s, each). A crash, a sanitizer report, a leak or an
oracle failure (an abort() in the target) fails the test and leaves the input in
the test's temporary directory.

This test never installs anything: without clang and its libFuzzer runtime
(Debian: clang and libclang-rt-NN-dev) it is skipped, saying so. fuzz/run.sh,
which installs them, is the way to run the targets for longer.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from _native import backend_crypto_flags, native_env, run

ROOT = Path(__file__).resolve().parents[2]
FUZZ = ROOT / "fuzz"
TARGETS = sorted(p.stem for p in FUZZ.glob("fuzz_*.c"))
CLANG = os.environ.get("CLANG", "clang")
RUNS = int(os.environ.get("FUZZ_SMOKE_RUNS", "20000"))
SECONDS = int(os.environ.get("FUZZ_SMOKE_SECONDS", "5"))




def _libfuzzer_reason(tmp: Path):
    """None when clang can build and run a libFuzzer+ASan+UBSan program, else why not."""
    if not shutil.which(CLANG):
        return f"{CLANG} not found (install clang and libclang-rt-NN-dev to run the fuzz smoke test)"
    src = tmp / "probe.c"
    src.write_text("#include <stdint.h>\n#include <stddef.h>\n"
                   "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
    r = run([CLANG, "-fsanitize=fuzzer,address,undefined", str(src), "-o", str(tmp / "probe")])
    if r.returncode:
        return f"{CLANG} cannot link libFuzzer (install libclang-rt-NN-dev): {r.stderr.strip()[-200:]}"
    r = run([str(tmp / "probe"), "-runs=1"], timeout=60)
    if r.returncode:
        return f"libFuzzer probe does not run: {r.stderr.strip()[-200:]}"
    if backend_crypto_flags() is None:
        return "pkg-config or libcrypto development files (libssl-dev) missing"
    return None


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz-probe")
    reason = _libfuzzer_reason(tmp)
    if reason:
        pytest.skip(reason)
    return backend_crypto_flags()  # the aws-lc pass fuzzes the aws-lc backend


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_smoke(fuzz_env, target, tmp_path):
    cflags, libs = fuzz_env
    exe = tmp_path / target
    cmd = ([CLANG, "-std=c11", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=fuzzer,address,undefined",
            "-fno-sanitize-recover=undefined", f"-I{ROOT / 'csrc'}"] + cflags
           + [str(FUZZ / f"{target}.c")] + sorted(str(p) for p in (ROOT / "csrc").glob("*.c"))
           + ["-o", str(exe)] + libs)
    build = run(cmd, timeout=600)
    assert build.returncode == 0, "build failed:\n%s\n%s" % (" ".join(cmd), build.stderr[-4000:])

    seeds = tmp_path / "seeds"
    gen = run([sys.executable, str(FUZZ / "make_corpus.py"), target, str(seeds)], timeout=120)
    assert gen.returncode == 0, gen.stderr
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    env = native_env({"ASAN_OPTIONS": "detect_leaks=1", "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"})
    fuzz = run([str(exe), f"-runs={RUNS}", f"-max_total_time={SECONDS}", "-rss_limit_mb=1024", "-timeout=5",
                "-seed=1", f"-artifact_prefix={tmp_path}/", str(corpus), str(seeds)],
               env=env, timeout=SECONDS + 120)
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "leak-", "timeout-", "oom-"))]
    assert fuzz.returncode == 0 and not crashes, (
        f"{target} failed (rc {fuzz.returncode}, artifacts {crashes} in {tmp_path}):\n{fuzz.stderr[-4000:]}")
