"""Render compare.py's JSON (and optionally sweep.py's) as docs/benchmarks.md and PNG charts.

    python3 benchmarks/render.py benchmarks/results/DATE-py312.json \\
        [--sweep benchmarks/results/DATE-py312-sweep.json] [--out-dir docs]

Writes OUT/benchmarks.md (tables per algorithm, machine and versions, the command
that made them, where turbojwt is not ahead and why), OUT/benchmarks.png (tokens
per second per library and algorithm, log scale) and, with --sweep,
OUT/benchmarks-sweep.png. The charts need matplotlib (the `bench` extra); without
it the Markdown is still written and says the chart was not drawn.
Every number comes from the JSON files: nothing is measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Row ids of compare.py -> short names for the headline table and the chart, in display order.
DECODE_COLUMNS = {"verifier": "turbojwt Verifier.decode", "decode": "turbojwt.decode", "pyjwt": "PyJWT",
                  "ryjwt": "ryjwt", "joserfc": "joserfc", "python_jose": "python-jose", "jwcrypto": "jwcrypto",
                  "crypto_verify": "cryptography verify alone", "raw": "raw limit"}
ENCODE_COLUMNS = {"encode": "turbojwt.encode", "pyjwt": "PyJWT", "ryjwt": "ryjwt", "joserfc": "joserfc",
                  "python_jose": "python-jose", "jwcrypto": "jwcrypto", "raw": "raw sign"}
TURBOJWT_ROWS = {"verifier", "decode", "decode_pem", "encode"}
COLORS = {"verifier": "#d62728", "decode": "#ff9896", "encode": "#d62728", "pyjwt": "#1f77b4",
          "ryjwt": "#9467bd", "joserfc": "#2ca02c", "python_jose": "#8c564b", "jwcrypto": "#e377c2",
          "crypto_verify": "#aec7e8", "raw": "#7f7f7f"}
# Whose cryptography each peer's row runs on.
CRYPTO_OF = {"pyjwt": "cryptography", "pyjwt_pem": "cryptography", "joserfc": "cryptography",
             "python_jose": "cryptography", "jwcrypto": "cryptography", "ryjwt": "ryjwt's Rust crypto"}


# ------------------------------------------------------------------ small helpers

def fmt_us(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value < 10 else f"{value:.2f}" if value < 1000 else f"{value:,.0f}"


def fmt_rate(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k" if value < 1e5 else f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def tick_rate(value: float) -> str:
    """An axis tick: 1k, 10k, 100k, 1M, 10M."""
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= scale:
            return f"{value / scale:g}{suffix}"
    return f"{value:g}"


def times(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    if ratio >= 1:
        return f"{ratio:.1f}x faster" if ratio >= 10 else f"{ratio:.2f}x faster"
    return f"{1 / ratio:.2f}x slower"


def ok(row: dict | None) -> bool:
    return bool(row) and row.get("status") == "ok" and row.get("median_us") is not None


def columns_for(result: dict) -> dict[str, str]:
    return ENCODE_COLUMNS if result.get("kind") == "encode" else DECODE_COLUMNS


def rel(path: Path, start: Path) -> str:
    """path relative to start when both are in this checkout, else absolute."""
    path = path.resolve()
    if not path.is_relative_to(ROOT):
        return str(path)
    return os.path.relpath(path, start.resolve())


def timed_results(data: dict) -> list[dict]:
    return [r for r in data["results"] if "rows" in r]


# ------------------------------------------------------------------ Markdown

def machine_section(machine: dict, settings: dict) -> list[str]:
    lines = ["## Machine and versions", "", "| | |", "|---|---|"]
    fields = [("Date (UTC)", machine.get("date", "not recorded")),
              ("CPU", f"{machine['cpu']}, {machine['cores']} logical cores ({machine['usable_cores']} usable)"),
              ("Platform", machine["platform"]), ("Python", machine["python"]),
              ("turbojwt", f"{machine['turbojwt']}, {machine.get('turbojwt_source', 'source not recorded')}"),
              ("Benchmark scripts", f"checkout {machine.get('checkout', 'not recorded')}"),
              ("turbojwt's libcrypto", machine["turbojwt_libcrypto"]),
              ("cryptography (PyJWT, joserfc, python-jose, jwcrypto)", machine["cryptography"]),
              ("Python's ssl module", machine["python_ssl"])]
    for name in ("PyJWT", "ryjwt", "joserfc", "python-jose", "jwcrypto"):
        fields.append((name, machine.get(name, "not recorded")))
    fields.append(("Mode", f"{settings.get('mode', 'quick' if settings.get('quick') else 'default')}, "
                           f"iterations scale {settings.get('iterations_scale', 1)}, "
                           f"wall time {settings.get('wall_time_s', '?')} s"
                           + (f", of which this process had the CPU {settings['cpu_share']:.0%}"
                              if "cpu_share" in settings else "")))
    lines += [f"| {k} | {v} |" for k, v in fields]
    return lines + [""]


HEADLINE_COLUMNS = {"verifier": "turbojwt Verifier.decode / turbojwt.encode", "decode": "turbojwt.decode",
                    "pyjwt": "PyJWT", "ryjwt": "ryjwt", "joserfc": "joserfc", "python_jose": "python-jose",
                    "jwcrypto": "jwcrypto", "raw": "limit"}


def headline_table(data: dict) -> list[str]:
    """One row per case, one column per library: median µs per token (tokens/s in the chart)."""
    lines = ["| µs per token (median) | " + " | ".join(HEADLINE_COLUMNS.values()) + " |",
             "|---|" + "---:|" * len(HEADLINE_COLUMNS)]
    for r in timed_results(data):
        encode = r["kind"] == "encode"
        cells = []
        for key in HEADLINE_COLUMNS:
            row = None if encode and key == "decode" else r["rows"].get("encode" if encode and key == "verifier"
                                                                           else key)
            if ok(row):
                text = fmt_us(row["median_us"])
                cells.append(f"**{text}**" if key in TURBOJWT_ROWS else text)
            else:
                cells.append(short_status(row["status"]) if row else "")
        lines.append(f"| {r['title']} ({r['key']}) | " + " | ".join(cells) + " |")
    return lines + [""]


def short_status(status: str) -> str:
    if "not installed" in status:
        return "not installed"
    if "unsupported" in status:
        return "unsupported"
    if "not built" in status:
        return "not built yet"
    return status


def case_table(result: dict) -> list[str]:
    encode = result["kind"] == "encode"
    checks = "signs the claims; every token verified by PyJWT" if encode else "signature + exp + aud + iss"
    lines = [f"### {result['title']} ({result['key']})", "",
             f"{checks}; token of {result['token_chars']} characters; {result['rounds']} rounds of "
             f"~{result['sample_target_ms']:g} ms samples.", "",
             "| Contender | median µs | p99 µs | min µs | max µs | tokens/s | vs PyJWT | vs limit |"
             + (" token vs PyJWT's |" if encode else ""),
             "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---|" if encode else "")]
    for key, row in result["rows"].items():
        label = f"**{row['label']}**" if key in TURBOJWT_ROWS else row["label"]
        if not ok(row):
            lines.append(f"| {label} | {row['status']} | | | | | | |" + (" |" if encode else ""))
            continue
        vs = "1.0x (baseline)" if key == "pyjwt" else times(row.get("x_faster_than_pyjwt"))
        limit = "" if row.get("x_raw") is None else f"{row['x_raw']:.2f}x"
        note = f" {row.get('token_vs_pyjwt', '')} |" if encode else ""
        lines.append(f"| {label} | {fmt_us(row['median_us'])} | {fmt_us(row['p99_us'])} | "
                     f"{fmt_us(row.get('min_us'))} | {fmt_us(row.get('max_us'))} | {row['tokens_per_s']:,.0f} | "
                     f"{vs} | {limit} |{note}")
    bars = [b for b in result.get("bars", []) if b["result"] in ("PASS", "FAIL")]
    if bars:
        lines += ["", "Bars: " + "; ".join(f"{b['result']} {b['bar']} ({b['detail']})" for b in bars) + "."]
    return lines + [""]


def short_openssl(text: str) -> str:
    """'OpenSSL 3.0.19 27 Jan 2026 (/lib/...)' -> 'OpenSSL 3.0.19', 'aws-lc 5.12.0 (...)' -> 'aws-lc 5.12.0';
    cryptography's '50.0.2 (OpenSSL 4.0.3 ...)' -> 'cryptography 50.0.2 (OpenSSL 4.0.3)'."""
    if text.startswith(("OpenSSL", "aws-lc")):
        return " ".join(text.split()[:2])
    if "(OpenSSL" in text:
        version, _, rest = text.partition(" (")
        return f"cryptography {version} ({' '.join(rest.split()[:2])})"
    return text


def not_ahead(data: dict) -> list[str]:
    """One bullet per case where a peer's median beats turbojwt's best, with the reason the numbers give."""
    found = []
    for r in timed_results(data):
        rows = r["rows"]
        mine = rows.get("encode" if r["kind"] == "encode" else "verifier")
        if not ok(mine):
            continue
        faster = [(k, row) for k, row in rows.items()
                  if k not in TURBOJWT_ROWS and k != "raw" and not row.get("reference") and ok(row)
                  and row["median_us"] < mine["median_us"]]
        if faster:
            found.append(explain(data["machine"], r, mine, faster))
    if not found:
        return ["In this run turbojwt's prepared API (`Verifier.decode`, `turbojwt.encode`) has the lowest "
                "median of every library in every case.", ""]
    return [*found, ""]


def explain(machine: dict, result: dict, mine: dict, faster: list[tuple[str, dict]]) -> str:
    """One bullet: who beats turbojwt in this case, by how much, and what the raw rows say about why."""
    alg, kind, rows = result["alg"], result["kind"], result["rows"]
    ours, theirs = short_openssl(machine["turbojwt_libcrypto"]), short_openssl(machine["cryptography"])
    raw, alone = rows.get("raw"), rows.get("crypto_verify")
    who = "; ".join(f"{row['label']} {fmt_us(row['median_us'])} µs ({mine['median_us'] / row['median_us']:.2f}x "
                    "faster)" for _, row in sorted(faster, key=lambda kv: kv[1]["median_us"]))
    text = f"- **{result['title']}**: {mine['label']} takes {fmt_us(mine['median_us'])} µs per token; faster: {who}."
    if all(mine["median_us"] / row["median_us"] < 1.05 for _, row in faster):
        text += " (Less than 5% apart: within this machine's run-to-run noise.)"
    if kind == "encode":
        if ok(raw) and mine["median_us"] <= 1.02 * raw["median_us"]:
            text += (f" turbojwt's raw {alg} sign alone (one Python call) takes {fmt_us(raw['median_us'])} µs: "
                     "`turbojwt.encode` costs no more than its sign, and the sign is the difference.")
        elif ok(raw):
            text += (f" turbojwt's raw {alg} sign alone takes {fmt_us(raw['median_us'])} µs (one Python call); "
                     f"the other {mine['median_us'] - raw['median_us']:.2f} µs of `turbojwt.encode` are the "
                     "argument handling, the header, the payload's JSON and base64url around it.")
            ryjwt = dict(faster).get("ryjwt")
            if ryjwt and ryjwt["median_us"] < 2 * raw["median_us"] and raw["median_us"] < 10:
                text += (f" ryjwt does the whole encode, JSON included, in Rust in {fmt_us(ryjwt['median_us'])} "
                         "µs: about what turbojwt's sign alone costs from Python.")
        return text
    if not ok(raw):
        return text
    text += (f" turbojwt's raw {alg} verify ({ours}, C loop) alone takes {fmt_us(raw['median_us'])} µs, and its "
             f"whole decode {mine['median_us'] / raw['median_us']:.2f}x that.")
    keys = {k for k, _ in faster}
    if keys & {k for k, v in CRYPTO_OF.items() if v == "cryptography"} and ok(alone):
        text += (f" The cryptography-based peers verify with {theirs}, whose {alg} verify alone (one Python "
                 f"call, no JWT) takes {fmt_us(alone['median_us'])} µs: the verify itself is "
                 f"{raw['median_us'] / alone['median_us']:.2f}x as slow in turbojwt's {ours}.")
    if "ryjwt" in keys:
        ry = rows["ryjwt"]["median_us"]
        if ry < 0.95 * raw["median_us"]:
            text += (f" ryjwt verifies with Rust crypto (aws-lc, through aws-lc-rs), not OpenSSL: its whole "
                     f"decode, {fmt_us(ry)} µs, is shorter than turbojwt's verify alone.")
        elif ry <= 1.05 * raw["median_us"]:
            text += (f" ryjwt verifies with Rust crypto (aws-lc, through aws-lc-rs), not OpenSSL: its whole "
                     f"decode, {fmt_us(ry)} µs, takes about as long as turbojwt's verify alone, so aws-lc's verify "
                     "is the faster of the two by at least ryjwt's own overhead.")
        else:
            text += (f" ryjwt (Rust, aws-lc) spends {ry - raw['median_us']:.2f} µs beyond turbojwt's raw verify "
                     f"against turbojwt's {mine['median_us'] - raw['median_us']:.2f} µs.")
    return text


def summary_of_reasons(data: dict) -> list[str]:
    """The raw rows side by side: turbojwt's verify (its libcrypto, C loop) against cryptography's verify
    alone (its bundled OpenSSL, one Python call), per public-key algorithm."""
    machine = data["machine"]
    pairs = [(r, r["rows"]["raw"], r["rows"]["crypto_verify"]) for r in timed_results(data)
             if ok(r["rows"].get("raw")) and ok(r["rows"].get("crypto_verify"))]
    if not pairs:
        return []
    ours, theirs = short_openssl(machine["turbojwt_libcrypto"]), short_openssl(machine["cryptography"])
    ryjwt = {r["alg"]: r["rows"]["ryjwt"] for r, _, _ in pairs if ok(r["rows"].get("ryjwt"))}
    lines = ["For public keys the verify is most of a decode, and turbojwt's verify is its libcrypto's. The "
             f"verify alone, same key and signing input: turbojwt's {ours} against the OpenSSL inside {theirs}, "
             "which PyJWT, joserfc, python-jose and jwcrypto use"
             + (", and ryjwt's whole decode (Rust, aws-lc) for scale" if ryjwt else "") + ":", "",
             f"| Algorithm | turbojwt raw verify, {ours} (C loop) µs | {theirs} verify alone (one Python call) µs "
             "| turbojwt's verify is" + (" | ryjwt whole decode µs |" if ryjwt else " |"),
             "|---|---:|---:|---:|" + ("---:|" if ryjwt else "")]
    slower = []
    for r, raw, alone in pairs:
        ratio = alone["median_us"] / raw["median_us"]
        if ratio < 0.9:
            slower.append(f"{r['alg']} ({r['key']}, {1 / ratio:.2f}x)")
        lines.append(f"| {r['alg']} ({r['key']}) | {fmt_us(raw['median_us'])} | {fmt_us(alone['median_us'])} | "
                     f"{times(ratio)} |" + (f" {fmt_us(ryjwt[r['alg']]['median_us'])} |" if ryjwt else ""))
    lines.append("")
    same = [f"{r['alg']} ({fmt_us(raw['median_us'])} against {fmt_us(alone['median_us'])} µs)"
            for r, raw, alone in pairs if 0.9 <= alone["median_us"] / raw["median_us"] <= 1.1]
    if same:
        lines.append(f"The same speed (within 10%) in both OpenSSL builds: {', '.join(same)}.")
    quicker = [f"{alg} ({fmt_us(row['median_us'])} µs)" for alg, row in ryjwt.items()
               if row["median_us"] < 0.9 * next(raw["median_us"] for r, raw, _ in pairs if r["alg"] == alg)]
    if quicker:
        lines.append(f"ryjwt's whole decode is shorter than turbojwt's verify alone for {', '.join(quicker)}: "
                     "there aws-lc's verify is faster than either OpenSSL build.")
    lines.append("")
    lines.append("(The cryptography column includes one Python call, about 0.05 µs, which slightly favours "
                 "turbojwt.) "
                 + (f"Where turbojwt's verify is clearly slower ({', '.join(slower)} in this run), no saving "
                    "elsewhere makes up for it: that gap closes by linking a faster libcrypto, not by less "
                    "overhead. " if slower else "")
                 + "Where the verify costs the same in both, the JSON, base64url, claim checks and Python "
                   "objects around it decide, and there turbojwt is built to win; ryjwt's Rust crypto and "
                   "Rust parsing are the competition to measure against.")
    return lines + [""]


def sweep_settings(settings: dict) -> str:
    rounds_ms = settings.get("rounds_and_sample_ms")
    text = f" {rounds_ms[0]} rounds of ~{rounds_ms[1]:g} ms samples per point" if rounds_ms else ""
    if "wall_time_s" in settings:
        text += f"; wall time {settings['wall_time_s']} s"
    if "cpu_share" in settings:
        text += f", of which this process had the CPU {settings['cpu_share']:.0%}"
    return text + "." if text else ""


def sweep_section(sweep: dict, chart: str | None) -> list[str]:
    lines = ["## Token size sweep", "",
             f"`{sweep['settings']['command']}`: decode time as the payload grows, HS256 and RS256 (same checks "
             "as above). The payload is `sub`, `exp`, `iss` and `aud` plus a `groups` list of short strings (what "
             "makes real tokens large), padded to the size (102 bytes is the smallest with those claims)."
             + sweep_settings(sweep["settings"]), ""]
    if chart:
        lines += [f"![µs per token against payload size, log-log]({chart})", ""]
    for alg, series in sweep["results"].items():
        labels = {k: v["label"] for k, v in series["contenders"].items()}
        lines += [f"### {alg}", "",
                  "| payload bytes | token chars | " + " | ".join(f"{v} µs" for v in labels.values())
                  + " | PyJWT / turbojwt |",
                  "|---:|---:|" + "---:|" * len(labels) + "---:|"]
        for point in series["points"]:
            med = {k: point["rows"][k]["median_us"] for k in labels if k in point["rows"]}
            ratio = (f"{med['pyjwt'] / med['verifier']:.1f}x" if "pyjwt" in med and "verifier" in med else "")
            lines.append(f"| {point['payload_bytes']:,} | {point['token_chars']:,} | "
                         + " | ".join(fmt_us(med.get(k)) for k in labels) + f" | {ratio} |")
        lines.append("")
    return lines


def logs_section(logs: dict, logs_path: Path, out_dir: Path) -> list[str]:
    """Logged tokens at scale (issue 13): the JSON of benchmarks/arrow_logs.py, and the Spark example's output."""
    hs, rs = logs["hs256"], logs["rs256"]
    lines = [
        "## Logged tokens at scale (issue 13)", "",
        f"`{logs.get('command', 'python benchmarks/arrow_logs.py')}` (data: [{logs_path.name}]"
        f"({rel(logs_path, out_dir)}); Python {logs['python']}, pyarrow {logs['pyarrow']}, {logs['cores']} cores). "
        "Side by side in one process, interleaved rounds, medians; what each row measures: docs/logs.md."
        + (f" {logs['note']}" if logs.get("note") else ""), "",
        "| what | turbojwt.arrow.verify | the other way | ratio | bar |", "|---|---:|---:|---:|---|",
        f"| HS256, {hs['rows']:,} tokens each checked as of its own time, `valid` + `reason` + 2 claim columns, "
        f"{hs['threads']} threads | {hs['arrow_s']:.3f} s ({fmt_rate(hs['arrow_tokens_per_s'])}/s) "
        f"| decode_many + the same columns from its results: {hs['decode_many_s']:.3f} s "
        f"({fmt_rate(hs['decode_many_tokens_per_s'])}/s) | {hs['ratio']:.2f}x faster | >= 1.5x: "
        f"{'PASS' if hs['ratio'] >= 1.5 else 'FAIL'} |",
        f"| RS256 (RSA-2048) per core, {rs['rows']:,} tokens, one thread | {rs['arrow_us_per_token']:.2f} µs/token "
        f"| raw verify in a C loop: {rs['raw_verify_us_per_token']:.2f} µs/token | {rs['ratio']:.3f}x the time "
        f"| <= 1.1x: {'PASS' if rs['ratio'] <= 1.1 else 'FAIL'} |", "",
    ]
    if logs.get("rss"):
        lines += ["Peak RSS (ru_maxrss of a fresh process, pyarrow included) over a Parquet file read in batches "
                  "of 65,536 rows, at each row count:", "",
                  "| rows | arrow.verify streaming: peak RSS | seconds | `turbojwt verify --format parquet`: peak RSS "
                  "| seconds |", "|---:|---:|---:|---:|---:|"]
        for r in logs["rss"]:
            lines.append(f"| {r['rows']:,} | {r['arrow_peak_rss_mb']:.0f} MB | {r['arrow_s']:.1f} | "
                         f"{r['cli_peak_rss_mb']:.0f} MB | {r['cli_s']:.1f} |")
        lines.append("")
    if logs.get("spark"):
        lines += [f"The Spark example (`{logs.get('spark_command', 'python examples/spark_log_audit.py')}`, "
                  "local[2]):", "", "```text",
                  *logs["spark"], "```", ""]
    return lines


def backend_of(data: dict) -> str:
    """The crypto backend a compare.py run measured turbojwt on ("OpenSSL 3.0.19", "aws-lc 5.12.0")."""
    return short_openssl(data["machine"]["turbojwt_libcrypto"])


def backends_section(paths: list[Path], out_dir: Path) -> list[str]:
    """Both builds of turbojwt side by side: one compare.py run per crypto backend, back to back on the
    same machine (so under the same conditions, whatever this page's main run was)."""
    loaded = [(json.loads(p.read_text()), p) for p in paths]
    loaded.sort(key=lambda dp: not backend_of(dp[0]).startswith("aws-lc"))  # aws-lc first
    runs = [d for d, _ in loaded]
    names = [backend_of(d) for d in runs]
    by_case = [{r["name"]: r for r in timed_results(d)} for d in runs]
    links = " and ".join(f"[{p.name}]({rel(p, out_dir)})" for _, p in loaded)
    when = ", ".join(f"{n} at {d['machine'].get('date', '?')}, CPU share {d['settings'].get('cpu_share', '?')}"
                     for n, d in zip(names, runs))
    lines = ["## Both crypto backends side by side", "",
             f"Wheels carry aws-lc; a source build uses the system OpenSSL unless `TURBOJWT_CRYPTO=aws-lc` "
             f"(README, Crypto backends). One compare.py run per build, back to back on this machine ({when}: "
             f"the share of a core the run's process had, 1.0 on an idle machine; "
             f"data: {links}). Each run times its build of turbojwt, its *limit* (that build's raw verify in a "
             f"C loop, or raw sign) and the peers side by side in one process: compare within one run's four "
             f"columns. Across the two runs, and against the run above, the machine's load differed, so "
             f"absolute figures are not comparable.", "",
             f"| µs per token (median) | turbojwt, {names[0]} | limit, {names[0]} | ryjwt | PyJWT "
             f"| turbojwt, {names[1]} | limit, {names[1]} | ryjwt | PyJWT |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in by_case[0].items():
        if name not in by_case[1]:
            continue
        ours = [c[name]["rows"] for c in by_case]
        best = ["verifier" if "verifier" in rows else "encode" for rows in ours]
        if any(b not in rows for b, rows in zip(best, ours)):
            continue
        med = [rows[b]["median_us"] for b, rows in zip(best, ours)]
        lim = [rows["raw"]["median_us"] if "raw" in rows else None for rows in ours]
        def peer(rows: dict, key: str) -> str:
            return fmt_us(rows[key]["median_us"]) if key in rows and rows[key].get("status") == "ok" else "-"
        cells = [f"**{fmt_us(m)}** | {fmt_us(lim) if lim else '-'} | {peer(rows, 'ryjwt')} | {peer(rows, 'pyjwt')}"
                 for m, lim, rows in zip(med, lim, ours)]
        lines.append(f"| {r['title']} | {cells[0]} | {cells[1]} |")
    return lines + [""]


def render_markdown(data: dict, json_path: Path, out_dir: Path, chart: str | None,
                    sweep: dict | None, sweep_path: Path | None, sweep_chart: str | None,
                    logs: dict | None = None, logs_path: Path | None = None,
                    backends: list[Path] | None = None, gateway_path: Path | None = None) -> str:
    settings = data["settings"]
    command = settings.get("command", "python benchmarks/compare.py")
    lines = [
        "# Benchmarks", "",
        "<!-- Generated by benchmarks/render.py from the JSON named below: edit the script, not this file. -->", "",
        "turbojwt against the other Python JWT libraries, side by side in one process: the same token, key "
        "and checks for every library (decode: signature, `exp`, `aud`, `iss`; encode: the same claims "
        "signed, each token verified by PyJWT), each library's answer checked before timing, interleaved "
        "rounds, medians. The *limit* is turbojwt's raw primitive on the same key and input: a verify in a C "
        "loop for decode; for encode, `_core.sign_raw` called once per token from Python. How the numbers are "
        "taken and what every column means: [benchmarks/README.md](../benchmarks/README.md).", "",
        "Made with:", "", "```console",
        f"{command}",
        *([f"python benchmarks/sweep.py --json {rel(sweep_path, ROOT)}"] if sweep_path else []),
        f"python benchmarks/render.py {rel(json_path, ROOT)}"
        + (f" --sweep {rel(sweep_path, ROOT)}" if sweep_path else "")
        + (f" --logs {rel(logs_path, ROOT)}" if logs_path else "")
        + (f" --backends {' '.join(rel(p, ROOT) for p in backends)}" if backends else "")
        + (f" --gateway {rel(gateway_path, ROOT)}" if gateway_path else "")
        + f" --out-dir {rel(out_dir, ROOT)}",
        "```", "",
        f"(`python` is `{settings.get('python_executable', 'python')}`.) Data: "
        f"[{json_path.name}]({rel(json_path, out_dir)})"
        + (f", [{sweep_path.name}]({rel(sweep_path, out_dir)})" if sweep_path else "") + ".", "",
        "## Headline", "",
        "Median microseconds per token, lower is better (**bold**: turbojwt). Decode rows use each library's "
        "prepared key (PyJWT: the `cryptography` key object); the PEM-string rows are in the tables below.", "",
        *headline_table(data),
    ]
    if chart:
        lines += [f"![Tokens per second per library and algorithm, log scale]({chart})", ""]
    else:
        lines += ["(Chart not drawn: matplotlib is not installed; `pip install matplotlib`, or the `bench` "
                  "extra, and render again.)", ""]
    if backends:
        lines += backends_section(backends, out_dir)
    lines += ["## Where turbojwt is not ahead, and why", "", *not_ahead(data), *summary_of_reasons(data),
              "## Tables per algorithm", ""]
    for r in data["results"]:
        lines += case_table(r) if "rows" in r else [f"### {r['title']}", "", f"skipped ({r['skipped']})", ""]
    if sweep:
        lines += sweep_section(sweep, sweep_chart)
    if logs and logs_path:
        lines += logs_section(logs, logs_path, out_dir)
    lines += machine_section(data["machine"], settings)
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ charts

def chart_rows(result: dict) -> list[tuple[str, str, dict]]:
    """(row id, short label, row) to draw, in display order (PEM rows left to the tables)."""
    cols = columns_for(result)
    label_raw = "raw sign (Python loop)" if result["kind"] == "encode" else "raw limit (C loop)"
    out = []
    for key, name in cols.items():
        row = result["rows"].get(key)
        if row is None:
            continue
        if key == "decode" and result["alg"] != "HS256":
            name = "turbojwt.decode (key object)"
        out.append((key, label_raw if key == "raw" else name, row))
    return out


def draw_chart(data: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullLocator

    results = timed_results(data)
    ncols = 2
    nrows = (len(results) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(14, 3.1 * nrows + 1.2), squeeze=False)
    rates = [row["tokens_per_s"] for r in results for _, _, row in chart_rows(r) if ok(row)]
    lo, hi = min(rates) / 3, max(rates) * 20
    for ax, result in zip(axes.flat, results):
        entries = chart_rows(result)
        ys = list(range(len(entries)))[::-1]
        for y, (key, _name, row) in zip(ys, entries):
            if ok(row):
                ax.barh(y, row["tokens_per_s"], color=COLORS.get(key, "#bcbd22"),
                        hatch="//" if key == "raw" else None, edgecolor="white" if key != "raw" else "black",
                        linewidth=0.5)
                ax.text(row["tokens_per_s"] * 1.08, y, f"{fmt_rate(row['tokens_per_s'])}/s  "
                        f"({fmt_us(row['median_us'])} µs)", va="center", fontsize=8.5)
            else:
                ax.text(lo * 1.1, y, short_status(row["status"]), va="center", fontsize=8.5, color="#777777",
                        style="italic")
        ax.set_yticks(ys)
        ax.set_yticklabels([name for _, name, _ in entries], fontsize=9.5)
        for tick, (key, _, _) in zip(ax.get_yticklabels(), entries):
            if key in TURBOJWT_ROWS:
                tick.set_fontweight("bold")
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: tick_rate(v)))
        ax.xaxis.set_minor_locator(NullLocator())    # unlabelled minor ticks add clutter and seconds of layout
        ax.set_title(f"{result['title']} ({result['key']})", fontsize=11, fontweight="bold", loc="left")
        ax.grid(axis="x", which="major", alpha=0.3)
        ax.tick_params(axis="x", labelsize=8.5)
        ax.set_xlabel("tokens per second, one thread (log scale; higher is better)", fontsize=8.5)
    for ax in list(axes.flat)[len(results):]:
        ax.axis("off")
    m = data["machine"]
    fig.suptitle(f"JWT decode and encode, tokens per second, one thread\n{m['cpu']}, {m['cores']} cores, "
                 f"Python {m['python'].split()[0]}\nturbojwt on {short_openssl(m['turbojwt_libcrypto'])}; "
                 f"PyJWT, joserfc, python-jose, jwcrypto on {short_openssl(m['cryptography'])}; ryjwt on aws-lc",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def draw_sweep_chart(sweep: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    algs = list(sweep["results"])
    fig, axes = plt.subplots(1, len(algs), figsize=(6.5 * len(algs), 4.8), squeeze=False)
    styles = {"verifier": ("#d62728", "-", "o"), "pyjwt": ("#1f77b4", "-", "s"), "raw": ("#7f7f7f", "--", "^")}
    for ax, alg in zip(axes.flat, algs):
        series = sweep["results"][alg]
        for key, meta in series["contenders"].items():
            pts = [p for p in series["points"] if key in p["rows"]]
            color, line, marker = styles.get(key, ("#2ca02c", "-", "x"))
            ax.plot([p["payload_bytes"] for p in pts], [p["rows"][key]["median_us"] for p in pts],
                    line, marker=marker, color=color, label=meta["label"])
        ax.set_xscale("log")
        ax.set_yscale("log")
        sizes = [p["payload_bytes"] for p in series["points"]]
        ax.set_xticks(sizes, [f"{s / 1024:g} KiB" if s >= 1024 else f"{s} B" for s in sizes])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.tick_params(axis="y", which="minor", labelsize=7.5)
        ax.set_title(f"{alg} decode ({series['key']})", fontsize=11, fontweight="bold", loc="left")
        ax.set_xlabel("payload size (JSON claims; log scale)")
        ax.set_ylabel("µs per token, median (log; lower is better)")
        ax.grid(which="both", alpha=0.25)
        ax.legend(fontsize=9)
    fig.suptitle("Decode time against payload size", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("results", type=Path, help="JSON written by compare.py --json")
    p.add_argument("--sweep", type=Path, help="JSON written by sweep.py --json")
    p.add_argument("--out-dir", type=Path, default=ROOT / "docs", help="where to write (default: docs/)")
    p.add_argument("--no-charts", action="store_true",
                   help="write the Markdown only (charts already drawn in the output directory stay referred to)")
    p.add_argument("--logs", type=Path, help="JSON written by arrow_logs.py --json (logged tokens at scale)")
    p.add_argument("--gateway", type=Path, help="JSON written by benchmarks/gateway/run.py --json")
    p.add_argument("--backends", type=Path, nargs=2, metavar="JSON",
                   help="two compare.py --json runs, one per crypto backend (OpenSSL, aws-lc): a side-by-side table")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = json.loads(args.results.read_text())
    sweep = json.loads(args.sweep.read_text()) if args.sweep else None
    args.out_dir.mkdir(parents=True, exist_ok=True)
    charts = not args.no_charts and have_matplotlib()
    if not charts and not args.no_charts:
        print("matplotlib is not installed: writing the Markdown without charts", file=sys.stderr)
    chart = sweep_chart = None
    if args.no_charts:
        # Keep referring to the charts drawn by an earlier run, if they are there.
        chart = "benchmarks.png" if (args.out_dir / "benchmarks.png").exists() else None
        sweep_chart = "benchmarks-sweep.png" if sweep and (args.out_dir / "benchmarks-sweep.png").exists() else None
    if charts:
        draw_chart(data, args.out_dir / "benchmarks.png")
        chart = "benchmarks.png"
        if sweep:
            draw_sweep_chart(sweep, args.out_dir / "benchmarks-sweep.png")
            sweep_chart = "benchmarks-sweep.png"
    logs = json.loads(args.logs.read_text()) if args.logs else None
    md = render_markdown(data, args.results, args.out_dir, chart, sweep, args.sweep, sweep_chart, logs, args.logs,
                         args.backends, args.gateway)
    if args.gateway:  # the gateway benchmark's section (benchmarks/gateway/report.py)
        sys.path.insert(0, str(ROOT / "benchmarks" / "gateway"))
        import report as gateway_report

        gateway = json.loads(args.gateway.read_text())
        gateway_chart = gateway_report.CHART if charts and gateway_report.draw_chart(
            gateway, args.out_dir / gateway_report.CHART) else None
        md += "\n" + gateway_report.section(gateway, args.gateway.name, gateway_chart)
    (args.out_dir / "benchmarks.md").write_text(md)
    written = ["benchmarks.md", *([chart] if chart else []), *([sweep_chart] if sweep_chart else [])]
    print(f"Wrote {', '.join(str(args.out_dir / w) for w in written)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
