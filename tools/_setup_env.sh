# shellcheck shell=bash
# Shared set-up for tools/test.sh, tools/test_sanitized.sh and tools/example.sh:
# sourced, not run.
#
# After sourcing, call:
#   tj_system_packages   install what the build needs from Debian, if missing
#   tj_fuzz_toolchain    install clang + libFuzzer runtime for tests/c/test_fuzz_smoke.py
#                        (tools/test.sh calls it; TURBOJWT_FUZZ_SMOKE=0 skips it)
#   tj_venv              create (or reuse) the virtualenv; sets TJ_PY
#   tj_install EXTRAS [PIP ARGS...]
#                        regular (non-editable) install of the repository
#   tj_check_installed   fail unless `import turbojwt` finds the installed copy
#   tj_crypto_backend    TURBOJWT_CRYPTO=aws-lc: build (once, cached) the static
#                        aws-lc and export TURBOJWT_AWSLC_PREFIX for setup.py
#                        and the C-level tests; nothing for openssl (default)
#
# Environment:
#   PYTHON  interpreter the virtualenv is made from (default: python3)
#   VENV    virtualenv directory, relative to the repository root or absolute
#           (default: .venv); use one per interpreter, e.g. VENV=.venv-3.12

TJ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$TJ_ROOT/$VENV" ;; esac
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

tj_log() { printf '[turbojwt] %s\n' "$*" >&2; }
tj_die() { tj_log "error: $*"; exit 1; }

# Debian package name for a development file of the interpreter PYTHON, or
# nothing when PYTHON is not Debian's own (pyenv, actions/setup-python, ...):
# there Debian's packages would not help.
_tj_debian_python_pkg() {   # $1: suffix ("venv" or "dev")
    local real ver
    real="$(command -v "$PYTHON" 2>/dev/null)" || return 0
    real="$(readlink -f "$real")"
    case "$real" in /usr/bin/python3*) ;; *) return 0 ;; esac
    if [ "$real" = "$(readlink -f /usr/bin/python3 2>/dev/null)" ]; then
        echo "python3-$1"
    else
        ver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        echo "python$ver-$1"
    fi
}

_tj_have_deb() { dpkg -s "$1" >/dev/null 2>&1; }

# Install, with apt-get, the system packages the build needs and that are
# missing. Runs `apt-get update` once, and only if something must be
# installed. Without root or apt-get it says what is missing and goes on.
tj_system_packages() {
    local missing=() pkg pc="${TURBOJWT_OPENSSL_PC:-libcrypto}" have_dpkg=0
    command -v dpkg >/dev/null 2>&1 && have_dpkg=1

    if [ -z "${CC:-}" ] && ! command -v gcc >/dev/null 2>&1 && ! command -v cc >/dev/null 2>&1; then
        missing+=(gcc)
    fi
    # gcc only recommends the C library headers; the build needs them.
    if [ "$have_dpkg" = 1 ] && ! _tj_have_deb libc6-dev; then missing+=(libc6-dev); fi
    if ! command -v pkg-config >/dev/null 2>&1; then
        missing+=(pkg-config)
        if [ "$have_dpkg" = 1 ] && ! _tj_have_deb libssl-dev; then missing+=(libssl-dev); fi
    elif ! pkg-config --exists "$pc >= 3.0"; then
        missing+=(libssl-dev)
    fi
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        [ "$PYTHON" = python3 ] || tj_die "PYTHON=$PYTHON: no such interpreter"
        missing+=(python3 python3-venv python3-dev)
    else
        if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
            pkg="$(_tj_debian_python_pkg venv)"
            [ -n "$pkg" ] && missing+=("$pkg") || tj_log "warning: $PYTHON cannot create virtualenvs (no ensurepip)"
        fi
        if ! "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' >/dev/null 2>&1; then
            pkg="$(_tj_debian_python_pkg dev)"
            [ -n "$pkg" ] && missing+=("$pkg") || tj_log "warning: Python.h of $PYTHON not found; the build will fail"
        fi
    fi

    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        tj_log "missing system packages: ${missing[*]}"
        tj_log "install them (e.g. sudo apt-get install ${missing[*]}); trying anyway"
        return 0
    fi
    tj_log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || tj_die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || tj_die "apt-get install ${missing[*]} failed"
}

# clang and its libFuzzer runtime (Debian: clang and libclang-rt-NN-dev; on
# Debian 12 about 55 MB of packages with --no-install-recommends) for
# tests/c/test_fuzz_smoke.py, which skips without them; tests/c/test_build_warnings.py
# also compiles csrc/ with clang when it is there. tools/test.sh (and so CI) and
# tools/test_sanitized.sh call it after tj_system_packages. Never fatal: without
# root or apt-get, or if the install fails, it says so and the test skips.
# TURBOJWT_FUZZ_SMOKE=0 turns it off.
_tj_clang_links_libfuzzer() {
    local d rc
    d="$(mktemp -d)" || return 1
    printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$d/p.c"
    clang -fsanitize=fuzzer,address,undefined "$d/p.c" -o "$d/p" >/dev/null 2>&1
    rc=$?
    rm -rf "$d"
    return $rc
}

tj_fuzz_toolchain() {
    local ver
    [ "${TURBOJWT_FUZZ_SMOKE:-1}" = 0 ] && return 0
    command -v clang >/dev/null 2>&1 && _tj_clang_links_libfuzzer && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        tj_log "clang with libFuzzer not available: tests/c/test_fuzz_smoke.py will skip"
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v clang >/dev/null 2>&1; then
        tj_log "installing clang (for the fuzz smoke test)"
        apt-get update -qq >/dev/null 2>&1
        apt-get install -y -qq --no-install-recommends clang >/dev/null 2>&1 \
            || { tj_log "warning: apt-get install clang failed; the fuzz smoke test will skip"; return 0; }
    fi
    ver="$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -1)"
    if [ -n "$ver" ] && ! _tj_clang_links_libfuzzer; then
        tj_log "installing libclang-rt-$ver-dev (libFuzzer runtime)"
        apt-get install -y -qq --no-install-recommends "libclang-rt-$ver-dev" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1
                 apt-get install -y -qq --no-install-recommends "libclang-rt-$ver-dev" >/dev/null 2>&1; } \
            || tj_log "warning: apt-get install libclang-rt-$ver-dev failed; the fuzz smoke test will skip"
    fi
    return 0
}

# A Java runtime for Spark's local mode (tests/integration/test_spark.py), from Debian's
# openjdk-17-jre-headless when `java` is missing. Never fatal: without root or
# apt-get, or if the install fails, it says so and the Spark tests skip.
tj_java() {
    command -v java >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        tj_log "no java and no way to install it: tests/integration/test_spark.py will skip"
        return 0
    fi
    tj_log "installing openjdk-17-jre-headless (for the Spark tests)"
    export DEBIAN_FRONTEND=noninteractive
    mkdir -p /usr/share/man/man1     # the JRE's postinst expects it on slim images
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; } >/dev/null 2>&1 \
        || tj_log "warning: apt-get install openjdk-17-jre-headless failed; the Spark tests will skip"
    return 0
}

tj_crypto_backend() {
    [ "${TURBOJWT_CRYPTO:-openssl}" = aws-lc ] || return 0
    if ! command -v cmake >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
            tj_log "installing cmake (to build aws-lc)"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null 2>&1
            apt-get install -y -qq --no-install-recommends cmake >/dev/null || tj_die "apt-get install cmake failed"
        else
            tj_die "TURBOJWT_CRYPTO=aws-lc needs cmake"
        fi
    fi
    if [ -z "${TURBOJWT_AWSLC_PREFIX:-}" ]; then
        TURBOJWT_AWSLC_PREFIX="$(PYTHON="$PYTHON" bash "$TJ_ROOT/tools/build_awslc.sh")" \
            || tj_die "building aws-lc failed"
    fi
    export TURBOJWT_AWSLC_PREFIX
    tj_log "crypto backend: aws-lc from $TURBOJWT_AWSLC_PREFIX"
}

# Create the virtualenv VENV from PYTHON, or reuse it if it is sound and made
# from the same interpreter version. Sets TJ_PY to its python.
tj_venv() {
    local want have=""
    want="$("$PYTHON" -c 'import sys; print(sys.implementation.name, *sys.version_info[:3])')" \
        || tj_die "cannot run $PYTHON"
    if [ -x "$VENV/bin/python" ]; then
        have="$("$VENV/bin/python" -c 'import sys; print(sys.implementation.name, *sys.version_info[:3])' 2>/dev/null || true)"
    fi
    if [ "$have" != "$want" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        tj_log "creating virtualenv $VENV from $PYTHON ($want)"
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV" || tj_die "$PYTHON -m venv $VENV failed"
        "$VENV/bin/python" -m pip install -q --upgrade pip || tj_die "upgrading pip failed"
    fi
    # Keep any VENV name out of git (Python 3.13's venv does this itself).
    [ -e "$VENV/.gitignore" ] || echo '*' >"$VENV/.gitignore"
    TJ_PY="$VENV/bin/python"
}

# A regular install of the repository (never editable), so that what runs is
# the built and installed extension, not src/. $1: extras, e.g. "[test]";
# any further arguments go to pip (e.g. --no-cache-dir).
tj_install() {
    local extras="$1"
    shift
    tj_log "building and installing turbojwt$extras into $VENV"
    (cd "$TJ_ROOT" && "$TJ_PY" -m pip install -q "$@" ".$extras") || tj_die "pip install $* .$extras failed"
}

# Fail unless `import turbojwt` (from a directory outside the repository)
# finds the copy installed in the virtualenv's site-packages.
tj_check_installed() {
    local where
    where="$(cd / && "$TJ_PY" -c '
import sys, sysconfig, turbojwt, os
site = os.path.realpath(sysconfig.get_paths()["platlib"])
path = os.path.realpath(turbojwt.__file__)
print(path)
sys.exit(0 if path.startswith(site + os.sep) else 3)
')" || tj_die "turbojwt is not imported from the virtualenv's site-packages: ${where:-import failed}"
    tj_log "turbojwt imported from $where"
}
