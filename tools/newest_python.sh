#!/usr/bin/env bash
# Print the path of the newest CPython 3.x release that pyenv has installed
# (e.g. /root/.pyenv/versions/3.13.0/bin/python3), for .ci/run's pass on it:
#   bash tools/newest_python.sh
# Only final releases count (3.13.0, not 3.14.0a1 or 3.13.0t). Fails, saying
# why, when there is no pyenv or no such version: CI must not pass quietly on
# one interpreter only.
set -euo pipefail
root="${PYENV_ROOT:-}"
if [ -z "$root" ] && command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
fi
root="${root:-$HOME/.pyenv}"
if [ ! -d "$root/versions" ]; then
    echo "newest_python.sh: error: no pyenv versions in $root/versions (install pyenv and a CPython 3.x with it)" >&2
    exit 1
fi
newest="$(find "$root/versions" -mindepth 1 -maxdepth 1 -printf '%f\n' \
          | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1 || true)"
python="$root/versions/$newest/bin/python3"
if [ -z "$newest" ] || [ ! -x "$python" ]; then
    echo "newest_python.sh: error: no CPython 3.x.y release under $root/versions" >&2
    exit 1
fi
echo "$python"
