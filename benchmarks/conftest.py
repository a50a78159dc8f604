"""pytest-benchmark suites: kept out of the default test run (pyproject's testpaths is ["tests"]).

Run them with:  python -m pytest benchmarks --benchmark-only
The fixtures are compare.py's: the same generated tokens, keys and checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare  # noqa: E402


@pytest.fixture(scope="session")
def fixtures():
    """alg -> compare.Fixture, made once per session (RSA key generation is slow)."""
    made: dict[str, compare.Fixture] = {}

    def get(alg: str) -> compare.Fixture:
        if alg not in made:
            if alg == "HS256":
                made[alg] = compare.make_hs256_fixture()
            else:
                pytest.importorskip("cryptography")
                made[alg] = compare.make_asymmetric_fixture(alg)
        return made[alg]
    return get
