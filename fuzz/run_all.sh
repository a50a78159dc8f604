#!/usr/bin/env bash
# fuzz/run_all.sh SECONDS: run every fuzz target (fuzz/fuzz_*.c) one after the
# other for SECONDS each; exits non-zero if any target found a crash.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECS="${1:?usage: fuzz/run_all.sh SECONDS}"
shift
status=0
for src in "$HERE"/fuzz_*.c; do
    t="$(basename "$src" .c)"
    "$HERE/run.sh" "$t" "$SECS" "$@" || status=1
done
exit $status
