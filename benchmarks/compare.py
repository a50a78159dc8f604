"""Side-by-side JWT benchmark: turbojwt against PyJWT (and ryjwt), in one process.

Every contender decodes the same generated token with the same key and the same
checks (signature + exp + aud + iss). Their results are checked before any
timing; then samples are taken in interleaved rounds with the GC disabled, and
the medians are compared with each other and with the raw primitive (the
prepared HMAC in a C loop). See benchmarks/README.md for every column.

    python3 benchmarks/compare.py [--quick] [--json PATH] [--algs HS256] [--check]
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import gc
import hashlib
import hmac
import importlib
import importlib.metadata
import json
import math
import os
import platform
import shutil
import ssl
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.machinery import EXTENSION_SUFFIXES
from itertools import repeat
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
AUDIENCE = "https://api.example.com"
ISSUER = "https://auth.example.com/"
PLANNED_ALGS = ("RS256", "PS256", "ES256", "ES384", "EdDSA")  # later issues add these


def import_turbojwt():
    """turbojwt from this checkout when it is built in place for this Python, else the installed one."""
    src = ROOT / "src"
    if any((src / "turbojwt" / f"_core{suffix}").exists() for suffix in EXTENSION_SUFFIXES):
        sys.path.insert(0, str(src))
    return importlib.import_module("turbojwt")


turbojwt = import_turbojwt()
from turbojwt import _core  # noqa: E402


class CorrectnessError(Exception):
    """A contender gave a wrong answer: no timing is meaningful after that."""


# ------------------------------------------------------------------ the table entries

@dataclass
class Fixture:
    """One token to decode, what it must decode to, and tokens that must be rejected."""
    alg: str
    key: Any
    token: str
    claims: dict
    signing_input: bytes
    rejected: dict[str, str]        # why it must fail -> token


@dataclass
class Contender:
    key: str                                  # short id, used by the bars and the JSON
    label: str                                # what the table shows
    call: Callable[[str], Any] | None = None  # token -> claims; None when skipped
    rejects: type[BaseException] = Exception  # the library's base class for a rejected token
    skipped: str = ""


@dataclass
class Bar:
    """contender's median vs reference's: "faster" needs reference/contender >= limit,
    "within" needs contender/reference <= limit."""
    text: str
    contender: str
    reference: str
    kind: str
    limit: float


@dataclass
class Case:
    """An algorithm: how to make its fixture, its contenders, its raw limit and its bars."""
    name: str
    make_fixture: Callable[[], Fixture]
    contenders: Callable[[Fixture], list[Contender]]
    raw_limit: Callable[[Fixture], Callable[[int], float]]   # -> run(n) = seconds for n ops
    raw_label: str
    bars: list[Bar] = field(default_factory=list)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def hs256_token(secret: bytes, claims: dict) -> str:
    """An HS256 token made with the standard library only (no JWT library is trusted to make it)."""
    signing_input = f"{b64url(compact_json({'alg': 'HS256', 'typ': 'JWT'}))}.{b64url(compact_json(claims))}"
    tag = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(tag)}"


def make_hs256_fixture() -> Fixture:
    secret = b"turbojwt-benchmark-shared-secret-0123456789"  # 43 bytes: above HS256's 32-byte minimum
    now = int(time.time())
    # Values chosen so that the token is 351 characters long, a typical access token.
    claims = {"sub": "user-4821", "name": "Ada Lovelace", "iat": now, "exp": now + 3600, "iss": ISSUER,
              "aud": AUDIENCE, "scope": "read:profile write:orders", "jti": "b7c4a5d1e0f2a963"}
    token = hs256_token(secret, claims)
    header_b64, _, signature_b64 = token.split(".")
    forged_payload = b64url(compact_json({**claims, "sub": "admin"}))
    return Fixture(
        alg="HS256", key=secret, token=token, claims=claims, signing_input=token.rpartition(".")[0].encode(),
        rejected={
            "tampered payload (signature mismatch)": f"{header_b64}.{forged_payload}.{signature_b64}",
            "expired": hs256_token(secret, {**claims, "exp": now - 60}),
            "wrong audience": hs256_token(secret, {**claims, "aud": "https://other.example.com"}),
            "wrong issuer": hs256_token(secret, {**claims, "iss": "https://evil.example.com/"}),
        },
    )


def peer(key: str, label: str, module: str, make_call: Callable[[Any], Callable[[str], Any]]) -> Contender:
    """A contender from another library: skipped (and said so) when the library is not installed."""
    try:
        lib = importlib.import_module(module)
    except ImportError:
        return Contender(key, label, skipped="skipped (not installed)")
    return Contender(key, label, make_call(lib), lib.InvalidTokenError)


def hs256_contenders(fx: Fixture) -> list[Contender]:
    secret, algs = fx.key, ["HS256"]
    verifier = turbojwt.Verifier(secret, algorithms=algs, audience=AUDIENCE, issuer=ISSUER)
    # The drop-in calls spell out their arguments (a fresh list each call), as application code does.
    return [
        Contender("verifier", "turbojwt Verifier.decode", verifier.decode, turbojwt.InvalidTokenError),
        Contender("decode", "turbojwt.decode",
                  lambda t: turbojwt.decode(t, secret, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER),
                  turbojwt.InvalidTokenError),
        peer("pyjwt", "PyJWT jwt.decode", "jwt", lambda jwt: lambda t: jwt.decode(
            t, secret, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)),
        # ryjwt (Python 3.12+) checks exp when present, aud and iss on every decode of a key made so.
        peer("ryjwt", "ryjwt SecretKey.decode", "ryjwt", lambda ryjwt: ryjwt.SecretKey(
            secret, algorithms=algs, audience=AUDIENCE, issuer=ISSUER).decode),
    ]


def hs256_raw_limit(fx: Fixture) -> Callable[[int], float]:
    tag = base64.urlsafe_b64decode(fx.token.rpartition(".")[2] + "==")
    if _core.hmac_digest(fx.key, "HS256", fx.signing_input) != tag:
        raise CorrectnessError("raw limit: turbojwt's HMAC of the signing input differs from the token's signature")
    return lambda n: _core.bench_raw_hmac(fx.key, "HS256", fx.signing_input, n)


CASES = {
    "HS256": Case(
        "HS256", make_hs256_fixture, hs256_contenders, hs256_raw_limit, "raw HMAC-SHA256 verify (C loop)",
        bars=[
            Bar("Verifier.decode >= 50x faster than PyJWT", "verifier", "pyjwt", "faster", 50),
            Bar("turbojwt.decode >= 30x faster than PyJWT", "decode", "pyjwt", "faster", 30),
            Bar("Verifier.decode within 3x of the raw HMAC", "verifier", "raw", "within", 3),
            Bar("Verifier.decode faster than ryjwt", "verifier", "ryjwt", "faster", 1),
        ],
    ),
}


# ------------------------------------------------------------------ correctness

def check_correctness(fx: Fixture, contenders: list[Contender]) -> None:
    """Each contender decodes the token to the expected claims and rejects every bad token."""
    for c in contenders:
        if c.call is None:
            continue
        try:
            got = c.call(fx.token)
        except Exception as exc:
            raise CorrectnessError(f"{c.label} rejected the valid {fx.alg} token: {exc!r}") from exc
        if got != fx.claims:
            raise CorrectnessError(f"{c.label} decoded {got!r}, expected {fx.claims!r}")
        for why, bad in fx.rejected.items():
            try:
                c.call(bad)
            except c.rejects:
                continue
            except Exception as exc:
                raise CorrectnessError(f"{c.label} failed on a {why} token with {exc!r}, "
                                       f"not a {c.rejects.__name__}") from exc
            raise CorrectnessError(f"{c.label} ACCEPTED a {why} {fx.alg} token")


# ------------------------------------------------------------------ timing

def python_runner(call: Callable[[str], Any], token: str) -> Callable[[int], float]:
    """run(n): nanoseconds for n calls of call(token), timed with perf_counter_ns."""
    def run(n: int) -> float:
        t0 = time.perf_counter_ns()
        for _ in repeat(None, n):
            call(token)
        return time.perf_counter_ns() - t0
    return run


def take_sample(run: Callable[[int], float], batch: int) -> float:
    """Microseconds per call over one batch, with the GC off while it runs."""
    gc.disable()
    try:
        ns = run(batch)
    finally:
        gc.enable()
    return ns / batch / 1000


def calibrate(run: Callable[[int], float], target_ns: float) -> int:
    """The batch size that makes one sample last about target_ns (this also warms up).

    Each size is timed three times and the fastest counts, so that one preempted
    batch does not shrink the batch size for the whole run."""
    n = 1
    while True:
        elapsed = min(take_sample(run, n) for _ in range(3)) * n * 1000
        if elapsed >= target_ns / 10 or n >= 1 << 26:
            return max(1, round(n * target_ns / max(elapsed, 1.0)))
        n *= 10


def measure(runners: dict[str, Callable[[int], float]], rounds: int, target_ns: float):
    """Interleaved rounds: every runner takes one sample per round (start rotated each round)."""
    batches = {k: calibrate(run, target_ns) for k, run in runners.items()}
    samples: dict[str, list[float]] = {k: [] for k in runners}
    order = list(runners)
    for r in range(rounds):
        shift = r % len(order)
        for k in order[shift:] + order[:shift]:
            samples[k].append(take_sample(runners[k], batches[k]))
    return batches, samples


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def loop_overhead_us(token: str) -> float:
    """What the Python loop and one call of a no-op lambda cost (fastest of 5 samples): a fixed
    cost included in every Python-level row."""
    run = python_runner(lambda t: None, token)
    batch = calibrate(run, 2e6)
    return min(take_sample(run, batch) for _ in range(5))


def run_case(case: Case, rounds: int, target_ns: float) -> dict:
    """Check every contender, time them side by side with the raw limit, summarize and judge the bars."""
    fx = case.make_fixture()
    contenders = case.contenders(fx)
    check_correctness(fx, contenders)
    raw = case.raw_limit(fx)
    runners = {c.key: python_runner(c.call, fx.token) for c in contenders if c.call is not None}
    runners["raw"] = lambda n: raw(n) * 1e9     # the C loop times itself (CLOCK_MONOTONIC)
    batches, samples = measure(runners, rounds, target_ns)

    rows = {c.key: {"label": c.label, "status": c.skipped or "ok"} for c in contenders}
    rows["raw"] = {"label": case.raw_label, "status": "ok"}
    for key, values in samples.items():
        median = statistics.median(values)
        rows[key].update(batch=batches[key], median_us=median, p99_us=p99(values), tokens_per_s=1e6 / median,
                         samples_us=values)
    pyjwt = rows.get("pyjwt", {}).get("median_us")
    for key in samples:
        rows[key]["x_faster_than_pyjwt"] = pyjwt / rows[key]["median_us"] if pyjwt else None
        rows[key]["x_raw"] = rows[key]["median_us"] / rows["raw"]["median_us"]
    return {"alg": case.name, "token_chars": len(fx.token), "rows": rows,
            "bars": [judge(bar, rows) for bar in case.bars]}


def judge(bar: Bar, rows: dict) -> dict:
    cont, ref = rows.get(bar.contender, {}), rows.get(bar.reference, {})
    if cont.get("status") != "ok" or ref.get("status") != "ok":
        missing = ref if ref.get("status") != "ok" else cont
        return {"bar": bar.text, "result": "SKIP", "detail": f"{missing.get('label')}: {missing.get('status')}"}
    if bar.kind == "faster":
        value = ref["median_us"] / cont["median_us"]
        ok = value >= bar.limit
        detail = f"measured speed-up {value:.2f}x over {ref['label']}"
    else:
        value = cont["median_us"] / ref["median_us"]
        ok = value <= bar.limit
        detail = f"measured {value:.2f}x the time of {ref['label']}"
    return {"bar": bar.text, "result": "PASS" if ok else "FAIL", "value": value, "detail": detail}


# ------------------------------------------------------------------ machine and report

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def linked_libcrypto() -> str:
    """The libcrypto that turbojwt's extension loads, with its version (ldd + OpenSSL_version)."""
    if shutil.which("ldd"):
        out = subprocess.run(["ldd", _core.__file__], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "libcrypto" in line and "=>" in line:
                path = line.split("=>")[1].split("(")[0].strip()
                try:
                    fn = ctypes.CDLL(path).OpenSSL_version
                    fn.restype, fn.argtypes = ctypes.c_char_p, [ctypes.c_int]
                    return f"{fn(0).decode()} ({path})"
                except (OSError, AttributeError):
                    return path
    if shutil.which("pkg-config"):
        out = subprocess.run(["pkg-config", "--modversion", "libcrypto"], capture_output=True, text=True)
        if out.returncode == 0:
            return f"OpenSSL {out.stdout.strip()} (pkg-config libcrypto; not read from the extension)"
    return "unknown"


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
        "platform": platform.platform(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "python_ssl": ssl.OPENSSL_VERSION,
        "turbojwt_libcrypto": linked_libcrypto(),
        "turbojwt": f"{turbojwt.__version__} ({Path(turbojwt.__file__).parent})",
        "PyJWT": version_of("PyJWT"),
        "ryjwt": version_of("ryjwt"),
    }


def print_header(info: dict, rounds: int, target_ns: float, overhead_us: float) -> None:
    print("# JWT decode benchmark: turbojwt vs peers, side by side in one process\n")
    print(f"- CPU: {info['cpu']}, {info['cores']} logical cores ({info['usable_cores']} usable)")
    print(f"- Python {info['python']} on {info['platform']}")
    print(f"- OpenSSL: turbojwt links {info['turbojwt_libcrypto']}; Python's ssl: {info['python_ssl']}")
    print(f"- turbojwt {info['turbojwt']}, PyJWT {info['PyJWT']}, ryjwt {info['ryjwt']}")
    print(f"- Method: {rounds} interleaved rounds; one sample per contender per round = a batch of calls "
          f"lasting ~{target_ns / 1e6:g} ms, timed with time.perf_counter_ns, GC disabled during each sample")
    print(f"- Python loop + call overhead (no-op lambda): {overhead_us:.3f} µs/call, included in every "
          "Python-level row\n")


def print_case(result: dict) -> None:
    print(f"## {result['alg']} decode: signature + exp + aud + iss, token of {result['token_chars']} chars\n")
    print("| Contender | median µs | p99 µs | tokens/s | vs PyJWT | vs raw limit | batch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, row in result["rows"].items():
        if row["status"] != "ok":
            print(f"| {row['label']} | {row['status']} | | | | | |")
            continue
        ratio = row["x_faster_than_pyjwt"]
        vs_pyjwt = "1.0x (baseline)" if key == "pyjwt" else "n/a" if ratio is None else f"{ratio:.1f}x faster"
        print(f"| {row['label']} | {row['median_us']:.3f} | {row['p99_us']:.3f} | {row['tokens_per_s']:,.0f} | "
              f"{vs_pyjwt} | {row['x_raw']:.2f}x | {row['batch']} |")
    print("\nBars:")
    for bar in result["bars"]:
        print(f"- {bar['result']}  {bar['bar']} ({bar['detail']})")
    print()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer, shorter samples (under 30 s)")
    p.add_argument("--json", metavar="PATH", help="write raw samples, summary and machine info as JSON")
    p.add_argument("--algs", default=",".join(CASES), help=f"comma-separated, from: {', '.join(CASES)}")
    p.add_argument("--iterations-scale", type=float, default=1.0, metavar="S",
                   help="multiply rounds and sample length by S (0.01 makes a smoke run)")
    p.add_argument("--check", action="store_true", help="exit 1 if a bar fails")
    args = p.parse_args(argv)
    args.algs = [a.strip() for a in args.algs.split(",") if a.strip()]
    for alg in args.algs:
        if alg not in CASES:
            later = " (not implemented yet)" if alg in PLANNED_ALGS else ""
            p.error(f"unknown algorithm {alg!r}{later}; available: {', '.join(CASES)}")
    if args.iterations_scale <= 0:
        p.error("--iterations-scale must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rounds = max(3, round((150 if args.quick else 300) * args.iterations_scale))
    target_ns = (15e6 if args.quick else 25e6) * args.iterations_scale
    info = machine_info()
    print_header(info, rounds, target_ns, loop_overhead_us("x" * 350))
    results = []
    for alg in args.algs:
        try:
            result = run_case(CASES[alg], rounds, target_ns)
        except CorrectnessError as exc:
            print(f"ABORTED before timing: correctness check failed for {alg}: {exc}", file=sys.stderr)
            return 2
        print_case(result)
        results.append(result)
    if args.json:
        settings = {"rounds": rounds, "sample_target_ms": target_ns / 1e6, "gc_disabled_during_samples": True,
                    "quick": args.quick, "iterations_scale": args.iterations_scale}
        Path(args.json).write_text(json.dumps({"machine": info, "settings": settings, "results": results},
                                              indent=1))
        print(f"Wrote {args.json}")
    failed = [b for r in results for b in r["bars"] if b["result"] == "FAIL"]
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
