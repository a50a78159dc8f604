"""Smoke test of benchmarks/compare.py: it runs, checks correctness and prints its table.

Only that it works is checked, never a timing or a bar: these machines are too
noisy for performance assertions in the test suite (the bars are checked by
running ``benchmarks/compare.py --check`` on purpose).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COMPARE = Path(__file__).resolve().parent.parent / "benchmarks" / "compare.py"


def test_compare_quick_smoke_run():
    proc = subprocess.run(
        [sys.executable, str(COMPARE), "--quick", "--iterations-scale", "0.01"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"compare.py exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    table = [line for line in proc.stdout.splitlines() if line.startswith("|")]
    assert any("turbojwt" in line for line in table), proc.stdout
    assert any("PyJWT" in line for line in table), proc.stdout
    # Every case runs by default, each under its own heading.
    headings = [line for line in proc.stdout.splitlines() if line.startswith("## ")]
    for alg in ("HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA"):
        assert any(line.startswith(f"## {alg} decode") for line in headings), (alg, proc.stdout)
    # The public-key cases time both drop-in key forms, next to PyJWT's.
    for label in ("turbojwt.decode (key object)", "turbojwt.decode (PEM str)", "PyJWT jwt.decode (PEM str)"):
        assert any(line.startswith(f"| {label} |") for line in table), (label, proc.stdout)
