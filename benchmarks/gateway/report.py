"""The gateway benchmark's tables and chart, from the JSON that run.py writes.

Used by run.py (printing) and by benchmarks/render.py (``--gateway``: the
"Gateway" section of docs/benchmarks.md). Standard library only, and
matplotlib for the chart when it is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHART = "gateway-benchmark.png"


def cases_table(results: dict[str, Any]) -> str:
    """One row per case: medians of requests/s, p50, p99, server CPU per request."""
    lines = ["| case | requests/s | p50 ms | p99 ms | server CPU µs/request | non-2xx |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in results["rows"]:
        lines.append(f"| {r['name']} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
                     f"{r['cpu_us']:.0f} | {r['non_2xx_total']:.0f} |")
    return "\n".join(lines)


def bar_met(value: float, target: str) -> bool:
    """``target`` is ``">= 0.95"`` or ``"<= 1.10"``."""
    op, limit = target.split()
    return value >= float(limit) if op == ">=" else value <= float(limit)


def bars_table(results: dict[str, Any]) -> str:
    """The issue's bars, each as the ratio measured in this run."""
    lines = ["| bar | measured | target | met |", "|---|---:|---|---|"]
    for name, bar in results["bars"].items():
        value, target = bar["ratio"], bar["bar"]
        if value is None:
            lines.append(f"| {name} | - | {target} | not run |")
        else:
            lines.append(f"| {name} | {value:.2f}x | {target} | {'yes' if bar_met(value, target) else 'NO'} |")
    return "\n".join(lines)


def miss_bound(results: dict[str, Any]) -> str:
    """The unique-token bar's ceiling: the Starlette ceiling's CPU per request against one RS256 verify."""
    verify = results.get("rs256_verify_us")
    ceiling = next((r for r in results["rows"] if r["name"] == "Starlette, no auth (ceiling)"), None)
    if not verify or ceiling is None:
        return ""
    cpu = ceiling["cpu_us"]
    return (f"Every token unique: each request is a cache miss and pays an RS256 verify, {verify:.1f} µs here "
            f"(turbojwt's raw verify in a C loop, same key). Against the {cpu:.0f} µs of server CPU the Starlette "
            f"ceiling spends per request, that verify alone, with nothing else added, would leave at most "
            f"{cpu / (cpu + verify):.2f}x of the ceiling's requests/s.")


def section(results: dict[str, Any], json_name: str, chart: str | None) -> str:
    """The "Gateway" section of docs/benchmarks.md."""
    stack = results.get("stack", {"loop": "uvloop", "http": "httptools"})
    backend = f"; turbojwt on {stack['turbojwt_backend']}" if "turbojwt_backend" in stack else ""
    parts = [
        "## Gateway: FastAPI, Starlette and raw ASGI on uvicorn, driven by wrk",
        "",
        "Made with `python benchmarks/gateway/run.py --duration 5 --rounds 5 --json benchmarks/results/"
        f"{json_name} --chart docs/{CHART}` (how it works: the script's docstring). One uvicorn process "
        f"per app ({stack['loop']}, {stack['http']}{backend}), wrk with 1 thread and "
        f"{results['connections']} connections on loopback, "
        f"{results['users']:,} users' tokens each seen many times unless noted, keys from the IdP stub of the "
        "tests through `RemoteJWKSet` (turbojwt) or `PyJWKClient` (PyJWT pattern). Medians of the "
        "interleaved rounds; server CPU is the uvicorn process's user + system time per request. "
        f"Run at {results.get('commit') or 'an unrecorded commit'} on Python {results.get('python', '?')}; "
        f"the 2-core machine's load average was {results.get('load_average_at_start', '?')} when it started "
        "(a shared machine: single cases move by 10-30% between runs when other work runs beside them).",
        "",
        cases_table(results),
        "",
        bars_table(results),
        "",
    ]
    bound = miss_bound(results)
    if bound:
        parts += [bound, ""]
    if chart:
        parts += [f"![Gateway requests per second]({chart})", ""]
    return "\n".join(parts)


def draw_chart(results: dict[str, Any], path: Path) -> bool:
    """Requests/s per case as horizontal bars; False if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    rows = [r for r in results["rows"] if "refetch" not in r["name"]]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(rows) + 1.2))
    names = [r["name"] for r in rows][::-1]
    values = [r["rps"] for r in rows][::-1]
    colors = ["#999999" if "no auth" in n else "#c0504d" if "PyJWT pattern" in n else "#4f81bd" for n in names]
    ax.barh(names, values, color=colors)
    ax.set_xlabel("requests/s, higher is better\ngrey: no auth, red: PyJWT pattern, blue: turbojwt")
    ax.set_title("Gateway: uvicorn + wrk on loopback, 1,000 users' tokens unless noted", loc="right")
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:,.0f}", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True
