#!/usr/bin/env bash
# turbojwt's test command:  bash tools/test.sh [pytest arguments...]
#
# Installs the system packages the build needs if they are missing (apt-get,
# as root), and clang with its libFuzzer runtime for the fuzz smoke test
# (TURBOJWT_FUZZ_SMOKE=0 leaves them out), makes a virtualenv (PYTHON=
# interpreter, VENV=directory, default .venv; TURBOJWT_CRYPTO=aws-lc builds
# against a static aws-lc, tools/build_awslc.sh, in its own VENV), does a regular
# `pip install '.[test,lint]'` with compiler warnings as errors, runs the static
# checks of tools/lint.sh (ruff, mypy, the stub check; a failure ends the run),
# and runs pytest on tests/ against the installed extension (never src/). Exits
# with pytest's status; "no tests collected" (5) is a failure.
# tools/test_sanitized.sh does the same against a sanitizer build (without the
# static checks: this script runs those).
set -euo pipefail
# shellcheck source=tools/_setup_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup_env.sh"

export TURBOJWT_WERROR=1
# tests/conftest.py would otherwise import src/ instead of the installed package
unset TURBOJWT_TEST_SRC
tj_system_packages
# clang and its libFuzzer runtime, so that tests/c/test_fuzz_smoke.py runs rather
# than skips (and tests/c/test_build_warnings.py compiles with clang too)
tj_fuzz_toolchain
# Java for Spark's local mode (tests/integration/test_spark.py)
tj_java
tj_crypto_backend
tj_venv
tj_install "[test,lint]"
tj_check_installed
VENV="$VENV" bash "$TJ_ROOT/tools/lint.sh"

cd "$TJ_ROOT"
# Run tests/ unless the arguments name test paths of their own.
targets=(tests)
for arg in "$@"; do
    if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then targets=(); break; fi
done
# The plugin fails the run if anything imports turbojwt from src/.
set +e
"$TJ_PY" -m pytest -p tools._pytest_installed_guard "${targets[@]}" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    tj_log "error: pytest collected no tests"
    exit 1
fi
exit "$rc"
