#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS [extra libFuzzer args...]
#
# Build one libFuzzer target (fuzz/TARGET.c + csrc/*.c) with clang and
# -fsanitize=fuzzer,address,undefined into fuzz/build/, generate the seed
# corpus (fuzz/make_corpus.py), and run it for SECONDS seconds of wall time.
# Crashes go to fuzz/build/crashes-TARGET/, the growing corpus to
# fuzz/build/corpus-TARGET/. Prints libFuzzer's final stats.
#
# Installs clang and the matching libclang-rt-NN-dev with apt-get when they
# are missing (root only). Environment: CLANG (default clang),
# FUZZ_BUILD_ONLY=1 to build and stop, FUZZ_DEFINES (extra -D flags; a
# build with them goes to fuzz/build/TARGET-variant and its own crashes dir).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:?usage: fuzz/run.sh TARGET SECONDS}"
SECONDS_TO_RUN="${2:?usage: fuzz/run.sh TARGET SECONDS}"
shift 2
TARGET="${TARGET%.c}"
TARGET="$(basename "$TARGET")"
SRC="$ROOT/fuzz/$TARGET.c"
[ -f "$SRC" ] || { echo "no such target: $SRC" >&2; exit 2; }
BUILD="$ROOT/fuzz/build"
mkdir -p "$BUILD"

log() { printf '[fuzz] %s\n' "$*" >&2; }

# --- toolchain ---------------------------------------------------------------
probe_fuzzer() {   # can ${CLANG} link a libFuzzer + ASan + UBSan program?
    local d; d="$(mktemp -d)"
    printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n){(void)d;(void)n;return 0;}\n' >"$d/p.c"
    "$CLANG" -fsanitize=fuzzer,address,undefined "$d/p.c" -o "$d/p" >/dev/null 2>&1
    local rc=$?; rm -rf "$d"; return $rc
}
CLANG="${CLANG:-clang}"
if ! command -v "$CLANG" >/dev/null 2>&1 || ! probe_fuzzer; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        pkgs=(clang)
        command -v "$CLANG" >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq --no-install-recommends clang >/dev/null; }
        ver="$("$CLANG" --version | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -1)"
        log "installing libclang-rt-$ver-dev for clang $ver"
        apt-get install -y -qq --no-install-recommends "libclang-rt-$ver-dev" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null; apt-get install -y -qq --no-install-recommends "libclang-rt-$ver-dev" >/dev/null; }
        probe_fuzzer || { log "clang cannot build libFuzzer targets even after installing"; exit 3; }
    else
        log "clang with libFuzzer is not available (install clang and libclang-rt-NN-dev)"; exit 3
    fi
fi
command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libcrypto \
    || { log "pkg-config / libcrypto (libssl-dev) missing"; exit 3; }

# --- build -------------------------------------------------------------------
VARIANT="${FUZZ_DEFINES:+-variant}"
EXE="$BUILD/$TARGET$VARIANT"
CFLAGS=(-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
        -fno-sanitize-recover=undefined -I"$ROOT/csrc" $(pkg-config --cflags libcrypto) ${FUZZ_DEFINES:-})
newest_src="$(ls -t "$SRC" "$ROOT"/fuzz/*.h "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h | head -1)"
stamp="$EXE.flags"
if [ ! -x "$EXE" ] || [ "$newest_src" -nt "$EXE" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${CFLAGS[*]}" ]; then
    log "building $EXE"
    "$CLANG" "${CFLAGS[@]}" "$SRC" "$ROOT"/csrc/*.c -o "$EXE.tmp" $(pkg-config --libs libcrypto)
    mv "$EXE.tmp" "$EXE"
    echo "${CFLAGS[*]}" >"$stamp"
fi
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# --- corpus ------------------------------------------------------------------
SEEDS="$BUILD/seeds-$TARGET"
CORPUS="$BUILD/corpus-$TARGET"
CRASHES="$BUILD/crashes-$TARGET$VARIANT"
mkdir -p "$CORPUS" "$CRASHES"
PY="${PYTHON:-python3}"
[ -z "${PYTHON:-}" ] && [ -x "$ROOT/.venv/bin/python" ] && PY="$ROOT/.venv/bin/python"
"$PY" "$ROOT/fuzz/make_corpus.py" "$TARGET" "$SEEDS" >/dev/null

# --- run ---------------------------------------------------------------------
log "running $TARGET for ${SECONDS_TO_RUN}s"
LOG="${FUZZ_LOG:-$BUILD/run-$TARGET$VARIANT.log}"
set +e
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
"$EXE" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=1024 -timeout=5 -print_final_stats=1 \
    -artifact_prefix="$CRASHES/" "$@" "$CORPUS" "$SEEDS" >"$LOG" 2>&1
rc=$?
set -e
grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$LOG" | tail -1 || true
grep -E '^stat::' "$LOG" || true
ncrash="$(find "$CRASHES" -type f | wc -l)"
echo "target=$TARGET rc=$rc corpus=$(find "$CORPUS" -type f | wc -l) crashes=$ncrash log=$LOG"
if [ "$rc" -ne 0 ] || [ "$ncrash" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|runtime error|deadly signal|Test unit written' "$LOG" | head -20 >&2 || true
    exit 1
fi
