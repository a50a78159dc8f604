#!/usr/bin/env bash
# Build turbojwt's sdist and wheel into dist/ and prove each one installs and
# works on its own:
#   bash tools/check_dist.sh
# - `python -m build` (in a throw-away virtualenv) makes the sdist, then the
#   wheel from that sdist;
# - the sdist's file list is printed and checked against the source tree
#   (tools/check_dist_contents.py);
# - each artifact is installed into a fresh virtualenv (the sdist is compiled
#   from itself, which proves csrc/, the .pyx/.pxd/.pxi files and the headers
#   are in it), and tools/smoke_installed.py runs from a temporary directory.
# PYTHON selects the interpreter (default python3).
set -euo pipefail
# shellcheck source=tools/_setup_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup_env.sh"

tj_system_packages
tmp="$(mktemp -d "${TMPDIR:-/tmp}/turbojwt-dist.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

tj_log "making a build environment"
"$PYTHON" -m venv "$tmp/build-env"
"$tmp/build-env/bin/python" -m pip install -q build

cd "$TJ_ROOT"
rm -f dist/turbojwt-*.tar.gz dist/turbojwt-*.whl
# A SOURCES.txt left by an earlier build would put back in the sdist files that
# MANIFEST.in no longer names, and hide its mistakes from the check below.
rm -rf src/turbojwt.egg-info
tj_log "python -m build (sdist, then the wheel from the sdist); log: dist/build.log"
mkdir -p dist
if ! "$tmp/build-env/bin/python" -m build --outdir dist . >dist/build.log 2>&1; then
    tail -n 40 dist/build.log >&2
    tj_die "python -m build failed"
fi
# setuptools only warns when a MANIFEST.in include pattern matches nothing.
if grep -F "warning: no files found matching" dist/build.log >&2; then
    tj_die "MANIFEST.in names files that do not exist (above)"
fi
sdists=(dist/turbojwt-*.tar.gz)
wheels=(dist/turbojwt-*.whl)
[ "${#sdists[@]}" -eq 1 ] && [ -f "${sdists[0]}" ] || tj_die "expected one sdist in dist/"
[ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] || tj_die "expected one wheel in dist/"
sdist="$TJ_ROOT/${sdists[0]}"
wheel="$TJ_ROOT/${wheels[0]}"

"$PYTHON" tools/check_dist_contents.py "$sdist" "$wheel" || tj_die "artifact contents are wrong"

cp tools/smoke_installed.py "$tmp/smoke_installed.py"
for artifact in "$wheel" "$sdist"; do
    name="$(basename "$artifact")"
    env="$tmp/venv-${name##*.}"
    tj_log "installing $name into a clean virtualenv"
    "$PYTHON" -m venv "$env"
    "$env/bin/python" -m pip install -q --upgrade pip
    if ! "$env/bin/python" -m pip install -q "$artifact" >"$tmp/install.log" 2>&1; then
        tail -n 40 "$tmp/install.log" >&2
        tj_die "pip install $name failed"
    fi
    (cd "$tmp" && "$env/bin/python" smoke_installed.py) || tj_die "smoke test of $name failed"
done
tj_log "check_dist: OK (${sdists[0]}, ${wheels[0]})"
