#!/usr/bin/env bash
# The static checks, with the tools of a virtualenv that has '.[test,lint]'
# installed (tools/test.sh makes it and runs this before pytest):
#   bash tools/lint.sh          (VENV=directory, default .venv)
# - ruff check over the repository (rules in pyproject.toml, [tool.ruff]);
# - mypy on the package src/turbojwt (pyproject.toml, [tool.mypy]), where the
#   compiled modules are typed by their .pyi stubs;
# - tools/check_stubs.py: every compiled module of the installed package
#   against its stub (mypy's stubtest).
# Exits non-zero at the first check that fails. A few seconds in all.
set -euo pipefail
# shellcheck source=tools/_setup_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup_env.sh"

py="$VENV/bin/python"
[ -x "$py" ] || tj_die "no virtualenv at $VENV: run tools/test.sh first"
"$py" -c 'import ruff, mypy' 2>/dev/null \
    || tj_die "ruff or mypy missing in $VENV: pip install '.[test,lint]' (tools/test.sh does)"
cd "$TJ_ROOT"
tj_log "ruff check"
"$py" -m ruff check --quiet . || tj_die "ruff found problems (above)"
tj_log "mypy (src/turbojwt)"
"$py" -m mypy || tj_die "mypy found problems (above)"
tj_log "stub check (tools/check_stubs.py)"
"$py" tools/check_stubs.py || tj_die "a compiled module and its .pyi stub disagree (above)"
