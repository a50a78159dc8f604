"""Smoke run of benchmarks/gateway/run.py: only that it works, never a timing or a bar.

One round of one second on the raw ASGI apps: the script finds (or installs
with apt-get) wrk, starts the IdP stub and two uvicorn processes, checks that
each answers 200 to a valid token and 401 to a bad one, drives them with wrk
and writes its JSON; report.py renders it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
GATEWAY = Path(__file__).resolve().parents[2] / "benchmarks" / "gateway"


def test_gateway_benchmark_smoke_run(tmp_path):
    if shutil.which("wrk") is None and os.geteuid() != 0:
        pytest.skip("wrk is not installed and apt-get needs root to install it")
    out = tmp_path / "gateway.json"
    proc = subprocess.run([sys.executable, str(GATEWAY / "run.py"), "--duration", "1", "--rounds", "1",
                           "--only", "asgi", "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    rows = {r["name"]: r for r in data["rows"]}
    assert set(rows) == {"raw ASGI, no auth (ceiling)", "raw ASGI + turbojwt.asgi middleware, RS256"}
    for row in rows.values():
        assert row["requests"] > 0 and row["non_2xx_total"] == 0, row
    assert "| raw ASGI + turbojwt.asgi middleware, RS256 |" in proc.stdout
    assert data["rs256_verify_us"] > 0 and set(data["stack"]) == {"turbojwt_backend", "loop", "http"}

    sys.path.insert(0, str(GATEWAY))
    try:
        import report
    finally:
        sys.path.remove(str(GATEWAY))
    section = report.section(data, out.name, None)
    assert section.startswith("## Gateway") and "not run" in section  # the other cases' bars


def test_middleware_cost_smoke_run(tmp_path):
    out = tmp_path / "cost.json"
    proc = subprocess.run([sys.executable, str(GATEWAY / "middleware_cost.py"), "--quick", "--rounds", "1",
                           "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    medians = json.loads(out.read_text())["medians_us"]
    assert set(medians) == {"bare app", "middleware, cache hits", "middleware, every token unique",
                            "raw RS256 verify (C loop)"}
    assert all(value > 0 for value in medians.values()), medians
    assert "| middleware, cache hits |" in proc.stdout


def test_side_by_side_smoke_run():
    if shutil.which("wrk") is None and os.geteuid() != 0:
        pytest.skip("wrk is not installed and apt-get needs root to install it")
    proc = subprocess.run([sys.executable, str(GATEWAY / "side_by_side.py"), "--variants", "asgi-noauth,asgi-mw",
                           "--users", "10", "--rounds", "1", "--duration", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "round 1: asgi-noauth" in proc.stdout and "| asgi-mw" in proc.stdout
    assert "median difference" in proc.stdout
