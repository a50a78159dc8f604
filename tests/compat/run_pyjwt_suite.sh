#!/usr/bin/env bash
# Runs PyJWT 2.15.1's own test suite against turbojwt, through a shim package
# named `jwt` that maps `jwt` and its submodules onto turbojwt's.
#
# PyJWT's source release is downloaded from PyPI (and cached); neither its
# code nor its tests are committed here. Exits non-zero when fewer than
# TURBOJWT_COMPAT_BAR percent (default 95) of its 475 tests pass.
#   PYTHON=...                   interpreter with turbojwt and the test extra installed (default python3)
#   TURBOJWT_COMPAT_CACHE=...    where the sdist is kept (default ~/.cache/turbojwt-compat)
#   extra arguments go to pytest (e.g. -k jwks)
set -euo pipefail

PY=${PYTHON:-python3}
BAR=${TURBOJWT_COMPAT_BAR:-95}
TOTAL=475
VERSION=2.15.1
cache=${TURBOJWT_COMPAT_CACHE:-$HOME/.cache/turbojwt-compat}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mkdir -p "$cache"
sdist="$cache/pyjwt-$VERSION.tar.gz"
if [ ! -f "$sdist" ]; then
    "$PY" -m pip download --quiet --no-deps --no-binary :all: "pyjwt==$VERSION" -d "$cache"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$sdist" -C "$work"
# Only PyJWT's tests are used: remove its own package, which would otherwise be
# imported from the working directory instead of the shim.
rm -rf "$work/pyjwt-$VERSION/jwt" "$work/pyjwt-$VERSION/PyJWT.egg-info"
mkdir -p "$work/shim/jwt"
cp "$here/jwt_shim.py" "$work/shim/jwt/__init__.py"

cd "$work/pyjwt-$VERSION"
set +e
PYTHONPATH="$work/shim${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest tests -q -p no:cacheprovider -rfE \
    --junitxml="$work/results.xml" "$@" | tee "$work/pytest.log"
set -e

# Prove the suite imported turbojwt, not an installed PyJWT.
PYTHONPATH="$work/shim${PYTHONPATH:+:$PYTHONPATH}" "$PY" -c \
    'import jwt, sys; assert jwt.__name__ == "turbojwt", jwt.__file__; print("jwt is", jwt.__file__)'

"$PY" - "$work/results.xml" "$BAR" "$TOTAL" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

path, bar, total = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
suite = ET.parse(path).getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
tests = int(suite.get("tests"))
failed = int(suite.get("failures")) + int(suite.get("errors"))
skipped = int(suite.get("skipped"))
passed = tests - failed - skipped
rate = 100.0 * passed / total
print(f"PyJWT 2.15.1 suite against turbojwt: {passed} of {total} passed ({rate:.1f}%), "
      f"{failed} failed, {skipped} skipped; bar {bar:.0f}%")
sys.exit(0 if rate >= bar else 1)
PYEOF
