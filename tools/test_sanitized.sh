#!/usr/bin/env bash
# The whole test suite against a sanitizer build of the extension:
#   bash tools/test_sanitized.sh [pytest arguments...]
#
# Like tools/test.sh, but the extension is built with TURBOJWT_SANITIZE=1
# (gcc -fsanitize=address,undefined -fno-sanitize-recover=undefined -O1 -g
# -fno-wrapv; see setup.py) and installed into its own virtualenv (ASAN_VENV,
# default .venv-asan), so it never mixes with the regular build in .venv.
# pytest then runs with gcc's ASan runtime preloaded into the (uninstrumented)
# interpreter, PYTHONMALLOC=malloc so that Python's own objects come from
# ASan's allocator too, and every AddressSanitizer or UndefinedBehaviorSanitizer
# report aborts the process that made it: in the pytest process that ends the
# run with a non-zero status, in a child process it fails the test that started
# it (and an ASan report there fails the run as well, see below).
#
# TURBOJWT_SANITIZED=1 is set for the tests, for any test that cannot run
# under ASan to skip on, saying why (pytest -ra lists skips); none needs to now.
set -euo pipefail
VENV="${ASAN_VENV:-.venv-asan}"
# shellcheck source=tools/_setup_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup_env.sh"

export TURBOJWT_WERROR=1 TURBOJWT_SANITIZE=1
# gcc: the ASan runtime preloaded below is gcc's (clang links its own statically).
export CC=gcc
unset TURBOJWT_TEST_SRC
tj_system_packages
tj_fuzz_toolchain
tj_venv
# setup.py builds a sanitizer build in build/sanitize/, apart from the regular
# one; --no-cache-dir keeps pip from reusing a wheel it built and cached before.
tj_install "[test]" --no-cache-dir
# The extension links to libasan, whose runtime must come first in the process,
# before any other library: it is preloaded into every Python process below.
# It must be the very runtime the extension is linked to.
asan="$("$CC" -print-file-name=libasan.so)"
[ -e "$asan" ] || tj_die "$CC has no libasan.so (Debian: libgcc-NN-dev, libasan8)"
ext="$("$TJ_PY" -c 'import glob, os, sysconfig; print(*glob.glob(os.path.join(sysconfig.get_paths()["platlib"], "turbojwt", "_core*.so")))')"
linked="$(ldd "$ext" | awk '$1 ~ /^libasan\.so/ {print $3}')"
[ -n "$linked" ] || tj_die "$ext is not linked to libasan: not a sanitizer build"
[ "$(readlink -f "$linked")" = "$(readlink -f "$asan")" ] \
    || tj_die "$ext is linked to $linked, not to $CC's $asan"
tj_log "sanitizer build: $ext; preloading $asan"
LD_PRELOAD="$asan" ASAN_OPTIONS=detect_leaks=0 tj_check_installed

cd "$TJ_ROOT"
targets=(tests)
for arg in "$@"; do
    if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then targets=(); break; fi
done

export TURBOJWT_SANITIZED=1
# Python's own allocator would hide overruns of Python objects inside its pools.
export PYTHONMALLOC=malloc
# pytest's default capture (--capture=fd) would swallow a report written to
# stderr by the pytest process itself when it aborts: --capture=sys below
# leaves file descriptor 2 alone. AddressSanitizer also writes each report to
# a file in $reports (NAME.PID), printed at the end: any report there fails
# the run, also one made in a child process whose test did not see it.
# (UBSan ignores log_path in this combined build and writes to stderr.)
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
# detect_leaks=0: CPython does not free everything at exit (interned strings,
# static types, module state), so LeakSanitizer would report on every run.
# Leaks of the C core are checked by tests/unit/test_memory.py (RSS), the C tests
# (tests/c/, LeakSanitizer on) and the fuzz targets instead.
# abort_on_error=1: a report ends the process with SIGABRT (pytest's
# faulthandler then prints the test that was running), which no test result
# or exit status can be mistaken for.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$reports/asan"
# The extension is built with -fno-sanitize-recover=undefined: UBSan stops at
# its first report too.
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
set +e
LD_PRELOAD="$asan${LD_PRELOAD:+ $LD_PRELOAD}" \
    "$TJ_PY" -m pytest -p tools._pytest_installed_guard --capture=sys "${targets[@]}" "$@"
rc=$?
set -e
found=0
for f in "$reports"/*; do
    [ -e "$f" ] || continue
    found=1
    tj_log "sanitizer report ($(basename "$f")):"
    cat "$f" >&2
done
if [ "$found" = 1 ]; then
    tj_log "error: AddressSanitizer reported an error (pytest status $rc)"
    exit 1
fi
if [ "$rc" -eq 5 ]; then
    tj_log "error: pytest collected no tests"
    exit 1
fi
if [ "$rc" -gt 128 ]; then
    tj_log "error: pytest was killed by signal $((rc - 128)) (6, SIGABRT: a sanitizer report, printed above)"
fi
exit "$rc"
