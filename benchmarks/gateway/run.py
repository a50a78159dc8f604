"""The gateway benchmark: real apps on uvicorn, driven by wrk, keys from a real IdP stub.

    python3 benchmarks/gateway/run.py [--duration 5] [--rounds 3] [--only VARIANT] [--json out.json] [--chart out.png]

What it does, all on 127.0.0.1:
1. installs wrk with apt-get if it is missing (Debian package);
2. starts the IdP stub of the tests (tests/_idp_stub.py: JWKS with an RS256 and
   an ES256 key) and signs the tokens: 1,000 users per algorithm (each token
   seen many times, as a gateway sees them), and 20,000 distinct RS256 tokens
   cycled through the apps' 10,000-entry cache (every request a cache miss);
3. starts one uvicorn process per app variant (benchmarks/gateway/apps.py),
   checks that each answers 200 to a valid token and 401 to a bad one;
4. runs each case for ``--duration`` seconds with wrk (1 thread, 16
   connections, after a 1 s warm-up), ``--rounds`` times interleaved, and
   reports the medians of requests/s, p50 and p99 latency, and the server's
   CPU time per request (user + system time of the uvicorn process, from
   /proc, divided by the requests served);
5. measures the p99 of the Starlette + middleware app while the IdP takes 2 s
   to answer refetches that tokens with new kids keep asking for.

Every number is a ratio measured in this one run; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the IdP stub is shared with the tests

from _idp_stub import IdP  # noqa: E402

import report  # noqa: E402  (beside this file)

USERS = 1000
UNIQUE = 20_000
CONNECTIONS = 16

LUA = r"""
local tokens = {}
for line in io.lines(os.getenv("GATEWAY_TOKENS")) do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/me", {["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1]})
end
"""


@dataclass
class Case:
    name: str
    variant: str
    tokens: str              # key of the token file
    refetch_storm: bool = False
    samples: list[dict[str, float]] = field(default_factory=list)


CASES = [
    Case("FastAPI, no auth (ceiling)", "fastapi-noauth", "rs"),
    Case("FastAPI, PyJWT pattern (PyJWKClient + jwt.decode), RS256", "fastapi-pyjwt", "rs"),
    Case("FastAPI, same code with `import turbojwt as jwt`, RS256", "fastapi-dropin", "rs"),
    Case("FastAPI, turbojwt.fastapi.JWTBearer, RS256", "fastapi-dep", "rs"),
    Case("FastAPI, PyJWT pattern, ES256", "fastapi-pyjwt", "es"),
    Case("FastAPI, turbojwt.fastapi.JWTBearer, ES256", "fastapi-dep", "es"),
    Case("Starlette, no auth (ceiling)", "starlette-noauth", "rs"),
    Case("Starlette + turbojwt.asgi middleware, RS256", "starlette-mw", "rs"),
    Case("Starlette + turbojwt.asgi middleware, ES256", "starlette-mw", "es"),
    Case("Starlette + turbojwt.asgi middleware, RS256, every token unique", "starlette-mw", "unique"),
    Case("Starlette + middleware, RS256, IdP answering refetches in 2 s", "starlette-mw", "rs", refetch_storm=True),
    Case("raw ASGI, no auth (ceiling)", "asgi-noauth", "rs"),
    Case("raw ASGI + turbojwt.asgi middleware, RS256", "asgi-mw", "rs"),
]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk with apt-get ...", file=sys.stderr)
    for command in (["apt-get", "install", "-y", "-q", "wrk"], ["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "wrk"]):
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("wrk is not installed and apt-get could not install it")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(url: str, token: str | None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


class Server:
    """One uvicorn process serving one variant of apps.py."""

    def __init__(self, variant: str, idp: IdP, cooldown: float) -> None:
        self.variant = variant
        self.port = free_port()
        env = {**os.environ, "GATEWAY_APP": variant, "GATEWAY_JWKS_URL": idp.jwks_url,
               "GATEWAY_ISSUER": idp.issuer, "GATEWAY_AUDIENCE": idp.audience, "GATEWAY_COOLDOWN": str(cooldown)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "apps:app", "--app-dir", str(HERE), "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log", "--log-level", "warning"], env=env)
        self.url = f"http://127.0.0.1:{self.port}/me"

    def wait_ready(self, token: str) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(self.url, token) == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"{self.variant} did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_wrk(wrk: str, url: str, lua: Path, tokens: Path, seconds: float) -> dict[str, float]:
    env = {**os.environ, "GATEWAY_TOKENS": str(tokens)}
    env.pop("LD_PRELOAD", None)  # a sanitizer runtime preloaded for the tests is not wrk's business
    out = subprocess.run([wrk, "-t1", f"-c{CONNECTIONS}", f"-d{round(seconds)}s", "--latency", "-s", str(lua), url],
                         capture_output=True, text=True, env=env, timeout=seconds + 60, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


class RefetchStorm:
    """While running: the IdP answers in 2 s, and a new kid asks for a refetch every cooldown."""

    def __init__(self, idp: IdP, url: str, cooldown: float) -> None:
        self.idp, self.url, self.cooldown = idp, url, cooldown
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.refetches = 0
        self.statuses: list[int] = []

    def _run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            kid = f"rotated-{time.monotonic_ns()}-{n}"
            self.idp.publish(kid, "ES256")
            before = self.idp.jwks_fetches
            self.statuses.append(get(self.url, self.idp.sign(kid)))  # waits ~2 s for the refetch
            self.refetches += self.idp.jwks_fetches - before
            self.idp.unpublish(kid)
            self.stop.wait(self.cooldown * 1.1)

    def __enter__(self) -> RefetchStorm:
        self.idp.delay = 2.0
        self.thread.start()
        time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        self.idp.delay = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5.0, help="seconds per measured run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians reported (default 3)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--chart", type=Path, help="draw a chart here (needs matplotlib)")
    parser.add_argument("--only", help="run the cases whose variant contains this text")
    args = parser.parse_args()

    wrk = ensure_wrk()
    load_at_start = os.getloadavg()[0]
    cooldown = 1.0
    cases = [c for c in CASES if not args.only or args.only in c.variant]
    idp = IdP().start()
    idp.publish("rs", "RS256")
    idp.publish("es", "ES256")
    work = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    lua = work / "tokens.lua"
    lua.write_text(LUA)
    files = {}
    for name, kid in (("rs", "rs"), ("es", "es")):
        files[name] = work / f"{name}.txt"
        files[name].write_text("\n".join(idp.sign(kid, lifetime=3600, sub=f"user{i}") for i in range(USERS)))
    # Cycled through in order, twice the apps' 10,000-entry LRU cache: a token
    # comes back only after 19,999 others have evicted it, so every request misses.
    if any(c.tokens == "unique" for c in cases):
        print(f"signing {UNIQUE} distinct RS256 tokens ...", file=sys.stderr)
        files["unique"] = work / "unique.txt"
        files["unique"].write_text("\n".join(idp.sign("rs", lifetime=3600, sub=f"u{i}") for i in range(UNIQUE)))

    servers = {v: Server(v, idp, cooldown) for v in sorted({c.variant for c in cases})}
    try:
        good = idp.sign("rs", sub="check")
        for server in servers.values():
            server.wait_ready(good)
            if "noauth" not in server.variant:
                assert get(server.url, good[:-3] + "xyz") == 401, server.variant  # correctness first
                assert get(server.url, None) in (401, 403), server.variant
        for round_number in range(args.rounds):
            for case in cases:
                server = servers[case.variant]
                run_wrk(wrk, server.url, lua, files["rs" if case.tokens == "unique" else case.tokens], 1.0)
                cpu_before = cpu_seconds(server.process.pid)
                if case.refetch_storm:
                    with RefetchStorm(idp, server.url, cooldown) as storm:
                        sample = run_wrk(wrk, server.url, lua, files[case.tokens], args.duration)
                    sample["refetches"] = storm.refetches
                    sample["refetch_ok"] = float(all(s == 200 for s in storm.statuses))
                else:
                    sample = run_wrk(wrk, server.url, lua, files[case.tokens], args.duration)
                sample["cpu_us"] = (cpu_seconds(server.process.pid) - cpu_before) / sample["requests"] * 1e6
                case.samples.append(sample)
                print(f"round {round_number + 1}: {case.name}: {sample['rps']:.0f} req/s, "
                      f"p99 {sample['p99_ms']:.2f} ms, {sample['cpu_us']:.0f} us CPU/request", file=sys.stderr)
    finally:
        for server in servers.values():
            server.stop()
        idp.stop()
        shutil.rmtree(work, ignore_errors=True)

    results = summarize(cases)
    results["commit"] = _commit()
    results["python"] = sys.version.split()[0]
    results["load_average_at_start"] = round(load_at_start, 2)
    results["stack"] = server_stack()
    results["rs256_verify_us"] = rs256_verify_us(idp)
    print("\n" + report.cases_table(results) + "\n\n" + report.bars_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.chart and not report.draw_chart(results, args.chart):
        print("matplotlib is not installed: no chart", file=sys.stderr)


def server_stack() -> dict[str, str]:
    """What the servers ran on: turbojwt's crypto backend, and the loop and HTTP parser uvicorn picks."""
    import importlib.util

    import turbojwt

    def have(name: str) -> bool:
        return importlib.util.find_spec(name) is not None

    return {"turbojwt_backend": turbojwt.backend_version(),
            "loop": "uvloop" if have("uvloop") else "asyncio",
            "http": "httptools" if have("httptools") else "h11"}


def rs256_raw_verify(idp: IdP, iterations: int = 2000) -> Callable[[], float]:
    """A timer of the stub's RS256 key's raw verify in a C loop: each call returns µs per verify."""
    from cryptography.hazmat.primitives import serialization

    from turbojwt import _core, _testing

    signing_input, _, sig = idp.sign("rs").rpartition(".")
    message = signing_input.encode()
    signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    pem = idp._signing["rs"][0].public_key().public_bytes(  # noqa: SLF001 - the stub is ours
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    prepared = _core.prepare_public_key(pem)
    return lambda: _testing.bench_raw_verify(prepared, "RS256", message, signature, iterations) / iterations * 1e6


def rs256_verify_us(idp: IdP) -> float:
    """The RS256 key's raw verify, µs (median of 7): what a cache miss must pay at least."""
    timer = rs256_raw_verify(idp)
    return statistics.median(timer() for _ in range(7))


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def summarize(cases: list[Case]) -> dict[str, object]:
    rows = []
    for case in cases:
        med = {k: statistics.median(s[k] for s in case.samples) for k in case.samples[0]}
        rows.append({"name": case.name, "variant": case.variant, "tokens": case.tokens, **med,
                     "non_2xx_total": sum(s["non_2xx"] for s in case.samples)})
    by = {r["name"]: r for r in rows}

    def ratio(a: str, b: str, key: str = "rps") -> float | None:
        if a in by and b in by:
            return by[a][key] / by[b][key]
        return None

    star = "Starlette, no auth (ceiling)"
    star_mw = "Starlette + turbojwt.asgi middleware, RS256"
    bars = {
        "starlette_mw_rs256_vs_ceiling_rps": (ratio(star_mw, star), ">= 0.95"),
        "starlette_mw_rs256_vs_ceiling_cpu": (ratio(star_mw, star, "cpu_us"), "<= 1.10"),
        "starlette_mw_unique_vs_ceiling_rps": (ratio(f"{star_mw}, every token unique", star), ">= 0.85"),
        "fastapi_dep_vs_pyjwt_rps": (ratio("FastAPI, turbojwt.fastapi.JWTBearer, RS256",
                                           "FastAPI, PyJWT pattern (PyJWKClient + jwt.decode), RS256"), ">= 1.70"),
        "p99_refetch_vs_without": (ratio("Starlette + middleware, RS256, IdP answering refetches in 2 s", star_mw,
                                         "p99_ms"), "<= 1.50"),
    }
    return {"connections": CONNECTIONS, "users": USERS, "rows": rows,
            "bars": {k: {"ratio": v, "bar": b} for k, (v, b) in bars.items()}}


if __name__ == "__main__":
    main()
