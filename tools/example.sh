#!/usr/bin/env bash
# Install turbojwt into a virtualenv and verify the example tokens it ships:
#   bash tools/example.sh
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
