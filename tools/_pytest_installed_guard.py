"""pytest plugin loaded by tools/test.sh: the tests must run on the installed turbojwt.

tools/test.sh does a regular install, so ``import turbojwt`` finds the built
extension in site-packages. If anything (a conftest fallback, a stray
sys.path entry) imports the copy in src/ instead, which may hold an in-place
build of another version, the run fails instead of testing the wrong thing.
"""

from __future__ import annotations

import os
import sys

import pytest

_SRC = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "src")) + os.sep


def _imported_from_src() -> str | None:
    module = sys.modules.get("turbojwt")
    path = getattr(module, "__file__", None)
    if path and os.path.realpath(path).startswith(_SRC):
        return path
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    path = _imported_from_src()
    if path:
        pytest.exit(f"turbojwt was imported from the source tree ({path}), "
                    "not from the installed package", returncode=1)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = _imported_from_src()
    if path:
        session.exitstatus = 1
        sys.stderr.write(f"error: turbojwt was imported from the source tree ({path})\n")

