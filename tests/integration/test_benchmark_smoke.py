"""Smoke test of benchmarks/: compare.py and sweep.py run, check correctness and print their tables, and
render.py turns their JSON into docs (Markdown always; the PNG charts when matplotlib is installed).

Only that they work is checked, never a timing or a bar: these machines are too
noisy for performance assertions in the test suite (the bars are checked by
running ``benchmarks/compare.py --check`` on purpose). A tiny iteration count
keeps the whole module to a few seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
CASES = ("HS256 decode", "RS256 decode", "PS256 decode", "ES256 decode", "ES384 decode", "EdDSA decode",
         "HS256 encode", "RS256 encode")


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{script} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """One tiny compare.py run and one tiny sweep.py run, with their JSON files."""
    out = tmp_path_factory.mktemp("bench")
    compare = run("compare.py", "--quick", "--iterations-scale", "0.01", "--json", str(out / "results.json"))
    sweep = run("sweep.py", "--quick", "--iterations-scale", "0.05", "--sizes", "100,1024",
                "--json", str(out / "sweep.json"))
    return {"dir": out, "compare": compare.stdout, "sweep": sweep.stdout}


def test_compare_quick_smoke_run(smoke):
    stdout = smoke["compare"]
    table = [line for line in stdout.splitlines() if line.startswith("|")]
    assert any("turbojwt" in line for line in table), stdout
    assert any("PyJWT" in line for line in table), stdout
    # Every case runs by default, each under its own heading.
    headings = [line for line in stdout.splitlines() if line.startswith("## ")]
    for case in CASES:
        assert any(line.startswith(f"## {case}") for line in headings), (case, stdout)
    # The public-key cases time both drop-in key forms, next to PyJWT's.
    for label in ("turbojwt.decode (key object)", "turbojwt.decode (PEM str)", "PyJWT jwt.decode (PEM str)"):
        assert any(line.startswith(f"| {label} |") for line in table), (label, stdout)
    # Every peer has a row, timed or saying why not.
    for peer in ("ryjwt", "joserfc", "python-jose", "jwcrypto"):
        assert any(line.startswith(f"| {peer}") for line in table), (peer, stdout)
    # The header names every library's version (or "not installed").
    assert "peers: PyJWT" in stdout and "jwcrypto" in stdout, stdout


def test_compare_json_has_every_case(smoke):
    data = json.loads((smoke["dir"] / "results.json").read_text())
    assert {"cpu", "cores", "python", "turbojwt_libcrypto", "PyJWT", "cryptography"} <= set(data["machine"])
    assert [r["title"] for r in data["results"]] == list(CASES)
    for result in data["results"]:
        assert "raw" in result["rows"], result["title"]


def test_sweep_smoke_run(smoke):
    data = json.loads((smoke["dir"] / "sweep.json").read_text())
    assert set(data["results"]) == {"HS256", "RS256"}
    for series in data["results"].values():
        assert len(series["points"]) == 2
        assert "verifier" in series["points"][0]["rows"]


def test_render_writes_the_markdown(smoke):
    out = smoke["dir"] / "docs-md"
    run("render.py", str(smoke["dir"] / "results.json"), "--sweep", str(smoke["dir"] / "sweep.json"),
        "--out-dir", str(out), "--no-charts")
    md = (out / "benchmarks.md").read_text()
    for section in ("## Headline", "## Where turbojwt is not ahead, and why", "## Tables per algorithm",
                    "## Token size sweep", "## Machine and versions"):
        assert section in md, section
    for case in CASES:
        assert f"### {case}" in md, case
    assert "compare.py --quick --iterations-scale 0.01" in md      # the command that made them


def test_render_draws_the_charts(smoke):
    pytest.importorskip("matplotlib", reason="matplotlib is a bench extra, not a test dependency: "
                                             "the charts are not drawn (the Markdown is tested without them)")
    out = smoke["dir"] / "docs-png"
    run("render.py", str(smoke["dir"] / "results.json"), "--sweep", str(smoke["dir"] / "sweep.json"),
        "--out-dir", str(out))
    for name in ("benchmarks.png", "benchmarks-sweep.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert "![" in (out / "benchmarks.md").read_text()


def test_hs256_breakdown_smoke_run():
    # The parts of an HS256 decode (raw HMAC, C core, claims dict) and the whole, each printed once.
    stdout = run("hs256_breakdown.py", "--rounds", "1", "--n", "200").stdout
    rows = [line for line in stdout.splitlines() if line.startswith("| ")]
    for part in ("raw HMAC-SHA256 verify", "C core: tj_decode alone", "claims dict: build and free",
                 "Verifier.decode (from Python)", "rest: Python call and glue"):
        assert sum(line.startswith(f"| {part}") for line in rows) == 1, (part, stdout)
    assert "Verifier.decode / raw HMAC:" in stdout, stdout


def test_bench_build_claims_refuses_a_token_that_does_not_verify():
    import turbojwt
    from turbojwt import _testing

    v = turbojwt.Verifier(b"k" * 32, algorithms=["HS256"], options={"verify_aud": False})
    good = turbojwt.encode({"sub": "x"}, b"k" * 32, algorithm="HS256")
    assert _testing.bench_build_claims(v, good.encode(), 10) >= 0.0
    bad = turbojwt.encode({"sub": "x"}, b"j" * 32, algorithm="HS256")
    with pytest.raises(turbojwt.PyJWTError, match="did not verify"):
        _testing.bench_build_claims(v, bad.encode(), 10)
