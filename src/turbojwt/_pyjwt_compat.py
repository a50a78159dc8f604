"""PyJWT 2.15 compatibility of turbojwt's module-level decode, in Python.

The binding (``_core.decode``) is the entry point, and it keeps only what a
decode needs per call: the prepared-Verifier lookup for the common call shape
and the calls into C. Everything PyJWT-specific that is not on that path is
here (option merging is in ``_options``): the deprecation warnings for ``verify=`` and unknown
keyword arguments, the switch that sends decode through the PyJWS algorithm
registry (``use_python_algorithms``), and the general path that the binding
hands any other call to.

Imports run one way: this module imports ``_core`` and ``api_jwt``; ``_core``
imports neither (it is given this module's general path at import, see the
bottom of this file).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from . import _core
from .warnings import RemovedInPyjwt3Warning

__all__ = ["use_python_algorithms", "warn_unknown_kwargs", "warn_verify_argument"]

# Each warning helper takes the stacklevel that warnings.warn would get at its
# caller's site (the helper's own frame is added here).

def warn_unknown_kwargs(where: str, kwargs: Mapping[str, Any], stacklevel: int) -> None:
    """PyJWT 2.15's warning for keyword arguments that ``where`` does not know."""
    if kwargs:
        warnings.warn(
            f"passing additional kwargs to {where}() is deprecated and will be removed in pyjwt "
            f"version 3. Unsupported kwargs: {tuple(kwargs.keys())}",
            RemovedInPyjwt3Warning,
            stacklevel=stacklevel + 1,
        )


def warn_verify_argument(verify: Any, options: Mapping[str, Any] | None, stacklevel: int) -> None:
    """PyJWT 2.15's warning for a ``verify=`` that disagrees with ``options["verify_signature"]``."""
    if verify is not None:
        verify_signature = True if options is None else options.get("verify_signature", True)
        if verify != verify_signature:
            warnings.warn(
                "The `verify` argument to `decode` does nothing in PyJWT 2.0 and newer. "
                "The equivalent is setting `verify_signature` to False in the `options` dictionary. "
                "This invocation has a mismatch between the kwarg and the option entry.",
                category=DeprecationWarning,
                stacklevel=stacklevel + 1,
            )


# Set when the module-level PyJWS's algorithms differ from the defaults (a
# registered custom Algorithm): decode then goes through turbojwt.api_jwt.
_python_algorithms = False


def use_python_algorithms(flag: bool) -> None:
    """Send module-level decode through the PyJWS algorithm registry (True) or the core alone."""
    global _python_algorithms
    _python_algorithms = bool(flag)
    _core._route_all_calls(_python_algorithms)


# The general path of _core.decode / _core.decode_complete: the binding calls
# these for any call it does not finish itself (a deprecated argument, the
# Python algorithms), with the caller's arguments as given. The warnings point
# at the caller of turbojwt.decode: this frame and the binding's are below it.

def _decode_general(complete: bool, jwt: Any, key: Any, algorithms: Any, options: Any, verify: Any,
                    detached_payload: Any, audience: Any, issuer: Any, subject: Any, leeway: Any,
                    kwargs: dict[str, Any]) -> dict[str, Any]:
    where = "decode_complete" if complete else "decode"
    if _python_algorithms:
        from . import api_jwt

        fn = api_jwt.decode_complete if complete else api_jwt.decode
        return fn(jwt, key, algorithms, options, verify, detached_payload, audience=audience, issuer=issuer,
                  subject=subject, leeway=leeway, **kwargs)
    # The caller of turbojwt.decode is two frames up (the binding has none).
    warn_unknown_kwargs(where, kwargs, stacklevel=4)
    warn_verify_argument(verify, options, stacklevel=4)
    verifier = _core.cached_verifier(key, algorithms, options, audience, issuer, subject, leeway)
    if complete:
        return verifier.decode_complete(jwt, detached_payload)
    return verifier.decode(jwt, detached_payload)


_core._set_general_path(_decode_general)
