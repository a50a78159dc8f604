#!/usr/bin/env bash
# Install turbojwt into a virtualenv and verify the example tokens it ships:
#   bash tools/example.sh
# First the HS256 tokens of examples/tokens.txt with the Python API, then the
# `turbojwt` command on examples/tokens.log (a JWK set, access-log lines).
# PYTHON (interpreter) and VENV (virtualenv directory, default .venv) as for
# tools/test.sh.
set -euo pipefail
# shellcheck source=tools/_setup_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup_env.sh"

tj_system_packages
tj_venv
tj_install ""
tj_check_installed

# From outside the repository, so that nothing but the installed package is found.
cd /
"$TJ_PY" "$TJ_ROOT/examples/verify_example.py" \
    --tokens "$TJ_ROOT/examples/tokens.txt" \
    --secret "$TJ_ROOT/examples/hs256_secret.txt" \
    --expected "$TJ_ROOT/examples/tokens_expected.txt"

# The command line on the example log. The log holds invalid tokens on purpose
# (expired, bad signature, unknown kid, ...), so `turbojwt verify` exits 1;
# check_log_results.py compares every line's result with the expected one.
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
status=0
"$(dirname "$TJ_PY")/turbojwt" verify "$TJ_ROOT/examples/tokens.log" \
    --jwks "$TJ_ROOT/examples/jwks.json" --extract bearer \
    --audience https://api.example.com --issuer https://auth.example.com \
    --claims sub --summary-json >"$results" || status=$?
[ "$status" -eq 1 ] || tj_die "turbojwt verify exited $status; 1 expected (the log holds invalid tokens)"
tail -3 "$results"
"$TJ_PY" "$TJ_ROOT/examples/check_log_results.py" "$results" "$TJ_ROOT/examples/tokens_log_expected.txt"
