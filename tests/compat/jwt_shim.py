"""A package named `jwt` that is turbojwt: PyJWT's tests import it unchanged.

Copied to <tmp>/shim/jwt/__init__.py by run_pyjwt_suite.sh; never installed.
"""

import sys

import turbojwt
from turbojwt import (  # noqa: F401  (each submodule must be importable as jwt.<name>)
    algorithms,
    api_jwk,
    api_jws,
    api_jwt,
    exceptions,
    jwk_set_cache,
    jwks_client,
    types,
    utils,
    warnings,
)

for _name in ("algorithms", "api_jwk", "api_jws", "api_jwt", "exceptions", "jwk_set_cache", "jwks_client",
              "types", "utils", "warnings"):
    sys.modules[f"jwt.{_name}"] = getattr(turbojwt, _name)
sys.modules["jwt"] = turbojwt
