"""Shared pytest setup: find the turbojwt under test.

Two ways to run the suite:

- CI and wheels: ``pip install .`` then ``pytest tests``; the installed package
  is imported.
- Development: ``python3 setup.py build_ext --inplace`` then ``pytest tests``;
  when no installed turbojwt can be imported, ``src/`` is put on ``sys.path``
  so the in-place build is imported.

``TURBOJWT_TEST_SRC=1`` forces the source tree even when a package is
installed. The pytest header says which one was imported.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# The tests live in folders by kind (c/, unit/, differential/, properties/,
# compat/, integration/); their shared helpers (_native, _compare, _rfc7515,
# _idp_stub) stay here, importable from every folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _import_turbojwt():
    if os.environ.get("TURBOJWT_TEST_SRC") == "1":
        sys.path.insert(0, str(SRC))
        return importlib.import_module("turbojwt")
    try:
        return importlib.import_module("turbojwt")
    except ImportError:
        sys.path.insert(0, str(SRC))
        try:
            return importlib.import_module("turbojwt")
        except ImportError as exc:
            raise ImportError(
                "turbojwt is neither installed nor built in src/: run `pip install .` or "
                "`python3 setup.py build_ext --inplace` first"
            ) from exc


turbojwt = _import_turbojwt()


def _origin() -> str:
    where = Path(turbojwt.__file__).resolve().parent
    try:
        where.relative_to(SRC.resolve())
    except ValueError:
        return f"installed package ({where})"
    return f"source tree with in-place build ({where})"


def pytest_report_header(config):
    lines = [f"turbojwt {turbojwt.__version__}: {_origin()}"]
    try:
        import jwt

        lines.append(f"PyJWT {jwt.__version__} (reference for differential tests)")
    except ImportError:  # pragma: no cover - the test extra installs it
        lines.append("PyJWT: not installed")
    return lines
