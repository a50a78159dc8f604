"""Side-by-side JWT benchmark: turbojwt against PyJWT (and ryjwt), in one process.

Every contender decodes the same generated token with the same key and the same
checks (signature + exp + aud + iss). Their results are checked before any
timing; then samples are taken in interleaved rounds with the GC disabled, and
the medians are compared with each other and with the raw primitive (the
prepared HMAC or public-key verify in a C loop). See benchmarks/README.md for
every column.

    python3 benchmarks/compare.py [--quick] [--json PATH] [--algs HS256,RS256,...] [--check]
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
PLANNED_ALGS: tuple[str, ...] = ()  # names --algs knows of but that have no Case yet


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
    "within" needs contender/reference <= limit; "ratio" only reports reference/contender
    (an INFO line, never a FAIL)."""
    text: str
    contender: str
    reference: str
    kind: str
    limit: float = 0.0


@dataclass
class Case:
    """An algorithm: how to make its fixture, its contenders, its raw limit and its bars."""
    name: str
    make_fixture: Callable[[], Fixture]
    contenders: Callable[[Fixture], list[Contender]]
    raw_limit: Callable[[Fixture], Callable[[int], float]]   # -> run(n) = seconds for n ops
    raw_label: str
    bars: list[Bar] = field(default_factory=list)
    rounds: tuple[int, int] = (300, 150)           # (full run, --quick), before --iterations-scale
    sample_ms: tuple[float, float] = (25, 15)      # one sample's target length, (full, --quick)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def signed_token(alg: str, sign: Callable[[bytes], bytes], claims: dict) -> str:
    """A compact JWS made by hand: header {"alg", "typ"}, the claims, sign(signing input)."""
    signing_input = f"{b64url(compact_json({'alg': alg, 'typ': 'JWT'}))}.{b64url(compact_json(claims))}"
    return f"{signing_input}.{b64url(sign(signing_input.encode()))}"


def hs256_token(secret: bytes, claims: dict) -> str:
    """An HS256 token made with the standard library only (no JWT library is trusted to make it)."""
    return signed_token("HS256", lambda msg: hmac.new(secret, msg, hashlib.sha256).digest(), claims)


def benchmark_claims(now: int) -> dict:
    # Values chosen so that the HS256 token is 351 characters long, a typical access token.
    return {"sub": "user-4821", "name": "Ada Lovelace", "iat": now, "exp": now + 3600, "iss": ISSUER,
            "aud": AUDIENCE, "scope": "read:profile write:orders", "jti": "b7c4a5d1e0f2a963"}


def make_fixture(alg: str, key: Any, make_token: Callable[[dict], str]) -> Fixture:
    """The valid token and the four that every contender must reject, all signed by make_token."""
    now = int(time.time())
    claims = benchmark_claims(now)
    token = make_token(claims)
    header_b64, _, signature_b64 = token.split(".")
    forged_payload = b64url(compact_json({**claims, "sub": "admin"}))
    return Fixture(
        alg=alg, key=key, token=token, claims=claims, signing_input=token.rpartition(".")[0].encode(),
        rejected={
            "tampered payload (signature mismatch)": f"{header_b64}.{forged_payload}.{signature_b64}",
            "expired": make_token({**claims, "exp": now - 60}),
            "wrong audience": make_token({**claims, "aud": "https://other.example.com"}),
            "wrong issuer": make_token({**claims, "iss": "https://evil.example.com/"}),
        },
    )


def make_hs256_fixture() -> Fixture:
    secret = b"turbojwt-benchmark-shared-secret-0123456789"  # 43 bytes: above HS256's 32-byte minimum
    return make_fixture("HS256", secret, lambda claims: hs256_token(secret, claims))


class Unsupported(Exception):
    """A peer library is installed but cannot do this algorithm (or this key)."""


def peer(key: str, label: str, module: str, make_call: Callable[[Any], Callable[[str], Any]]) -> Contender:
    """A contender from another library: skipped (and said so) when the library is not installed,
    or when make_call raises Unsupported."""
    try:
        lib = importlib.import_module(module)
    except ImportError:
        return Contender(key, label, skipped="skipped (not installed)")
    try:
        call = make_call(lib)
    except Unsupported:
        return Contender(key, label, skipped="skipped (unsupported)")
    return Contender(key, label, call, lib.InvalidTokenError)


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


# ------------------------------------------------------------------ public-key algorithms

@dataclass
class PublicKeyPair:
    """A key pair made with cryptography (fresh each run) and the public half as SPKI PEM text."""
    private: Any
    public: Any
    pem: str


KEY_TYPES = {"RS256": "RSA-2048", "PS256": "RSA-2048", "ES256": "P-256", "ES384": "P-384", "EdDSA": "Ed25519"}


def asymmetric_signer(alg: str) -> tuple[Callable[[], Any], Callable[[Any, bytes], bytes]]:
    """(generate a private key of KEY_TYPES[alg], sign(private key, signing input) -> JWS signature bytes)
    for alg, both with cryptography: the token's signature comes from neither turbojwt nor PyJWT.
    Imported here, when a public-key case runs, so that HS256 runs without cryptography."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    def ecdsa(curve: Any, hash_alg: Any, coord: int):
        def sign(key: Any, msg: bytes) -> bytes:
            r, s = decode_dss_signature(key.sign(msg, ec.ECDSA(hash_alg)))   # DER -> raw r || s (RFC 7518 3.4)
            return r.to_bytes(coord, "big") + s.to_bytes(coord, "big")
        return lambda: ec.generate_private_key(curve), sign

    rsa_2048 = lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)  # noqa: E731
    table = {
        "RS256": (rsa_2048, lambda k, m: k.sign(m, padding.PKCS1v15(), hashes.SHA256())),
        # RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash output.
        "PS256": (rsa_2048, lambda k, m: k.sign(m, padding.PSS(padding.MGF1(hashes.SHA256()),
                                                               padding.PSS.DIGEST_LENGTH), hashes.SHA256())),
        "ES256": ecdsa(ec.SECP256R1(), hashes.SHA256(), 32),
        "ES384": ecdsa(ec.SECP384R1(), hashes.SHA384(), 48),
        "EdDSA": (ed25519.Ed25519PrivateKey.generate, lambda k, m: k.sign(m)),
    }
    return table[alg]


def make_asymmetric_fixture(alg: str) -> Fixture:
    """A key pair generated for this run (RSA key generation cannot be seeded) and tokens signed with it."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    generate, sign = asymmetric_signer(alg)
    private = generate()
    public = private.public_key()
    pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    keys = PublicKeyPair(private, public, pem)
    return make_fixture(alg, keys, lambda claims: signed_token(alg, lambda msg: sign(private, msg), claims))


def ryjwt_public_key(lib: Any, pem: str, alg: str) -> Callable[[str], Any]:
    """ryjwt's prepared public key (PublicKey from the PEM, with aud and iss), or Unsupported."""
    try:
        return lib.PublicKey(pem, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER).decode
    except (lib.InvalidKeyError, ValueError, TypeError) as exc:
        raise Unsupported(str(exc)) from exc


def asymmetric_contenders(fx: Fixture) -> list[Contender]:
    alg, public, pem = fx.alg, fx.key.public, fx.key.pem
    verifier = turbojwt.Verifier(public, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)
    # As for HS256, the drop-in calls spell out their arguments (a fresh list each call).
    return [
        Contender("verifier", "turbojwt Verifier.decode", verifier.decode, turbojwt.InvalidTokenError),
        Contender("decode", "turbojwt.decode (key object)",
                  lambda t: turbojwt.decode(t, public, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER),
                  turbojwt.InvalidTokenError),
        Contender("decode_pem", "turbojwt.decode (PEM str)",
                  lambda t: turbojwt.decode(t, pem, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER),
                  turbojwt.InvalidTokenError),
        peer("pyjwt", "PyJWT jwt.decode", "jwt", lambda jwt: lambda t: jwt.decode(
            t, public, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)),
        # PyJWT parses a PEM string again on every call.
        peer("pyjwt_pem", "PyJWT jwt.decode (PEM str)", "jwt", lambda jwt: lambda t: jwt.decode(
            t, pem, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)),
        peer("ryjwt", "ryjwt PublicKey.decode", "ryjwt", lambda ryjwt: ryjwt_public_key(ryjwt, pem, alg)),
    ]


def asymmetric_raw_limit(fx: Fixture) -> Callable[[int], float]:
    prepared = _core.prepare_public_key(fx.key.public)
    signature = base64.urlsafe_b64decode(fx.token.rpartition(".")[2] + "==")
    try:
        _core.bench_raw_verify(prepared, fx.alg, fx.signing_input, signature, 1)
    except Exception as exc:
        raise CorrectnessError(f"raw limit: turbojwt's {fx.alg} verify refused the token's signature: {exc}") from exc
    try:
        _core.bench_raw_verify(prepared, fx.alg, fx.signing_input + b"x", signature, 1)
    except turbojwt.PyJWTError:
        pass
    else:
        raise CorrectnessError(f"raw limit: turbojwt's {fx.alg} verify ACCEPTED the signature over another input")
    return lambda n: _core.bench_raw_verify(prepared, fx.alg, fx.signing_input, signature, n)


def asymmetric_bars(with_limits: bool) -> list[Bar]:
    bars = [
        Bar("Verifier.decode within 1.10x the raw verify", "verifier", "raw", "within", 1.10),
        Bar("turbojwt.decode (key object) within 1.2x Verifier.decode", "decode", "verifier", "within", 1.2),
        Bar("turbojwt.decode (PEM str) within 1.2x Verifier.decode", "decode_pem", "verifier", "within", 1.2),
    ] if with_limits else []
    return bars + [
        Bar("Verifier.decode vs PyJWT (key object)", "verifier", "pyjwt", "ratio"),
        Bar("turbojwt.decode (key object) vs PyJWT (key object)", "decode", "pyjwt", "ratio"),
        Bar("turbojwt.decode (PEM str) vs PyJWT (PEM str)", "decode_pem", "pyjwt_pem", "ratio"),
        Bar("Verifier.decode vs ryjwt PublicKey.decode", "verifier", "ryjwt", "ratio"),
    ]


def asymmetric_case(alg: str, with_limits: bool = True) -> Case:
    # A verify costs 15-500 µs: fewer rounds than HS256 keep the full run of every case under ~2 minutes.
    return Case(alg, lambda: make_asymmetric_fixture(alg), asymmetric_contenders, asymmetric_raw_limit,
                f"raw {alg} verify, {KEY_TYPES[alg]} (C loop)", bars=asymmetric_bars(with_limits),
                rounds=(70, 30), sample_ms=(20, 10))


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
    "RS256": asymmetric_case("RS256"),
    "PS256": asymmetric_case("PS256"),
    "ES256": asymmetric_case("ES256"),
    "ES384": asymmetric_case("ES384", with_limits=False),   # issue 3 sets no bars for ES384: ratios only
    "EdDSA": asymmetric_case("EdDSA"),
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


def case_settings(case: Case, quick: bool, scale: float) -> tuple[int, float]:
    """(rounds, target sample length in ns) for case, after --quick and --iterations-scale."""
    rounds = max(3, round(case.rounds[quick] * scale))
    return rounds, case.sample_ms[quick] * 1e6 * scale


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
    return {"alg": case.name, "key": key_description(fx), "token_chars": len(fx.token), "rounds": rounds,
            "sample_target_ms": target_ns / 1e6, "rows": rows, "bars": [judge(bar, rows) for bar in case.bars]}


def key_description(fx: Fixture) -> str:
    if fx.alg.startswith("HS"):
        return f"{len(fx.key)}-byte secret"
    return KEY_TYPES[fx.alg]


def times_faster(ratio: float) -> str:
    """reference/contender as "N x faster" (or "N x slower" below 1)."""
    if ratio >= 1:
        return f"{ratio:.1f}x faster" if ratio >= 10 else f"{ratio:.2f}x faster"
    return f"{1 / ratio:.2f}x slower"


def judge(bar: Bar, rows: dict) -> dict:
    cont, ref = rows.get(bar.contender, {}), rows.get(bar.reference, {})
    if cont.get("status") != "ok" or ref.get("status") != "ok":
        missing = ref if ref.get("status") != "ok" else cont
        return {"bar": bar.text, "result": "SKIP", "detail": f"{missing.get('label')}: {missing.get('status')}"}
    if bar.kind == "ratio":
        value = ref["median_us"] / cont["median_us"]
        return {"bar": bar.text, "result": "INFO", "value": value,
                "detail": f"{cont['label']} {times_faster(value)} than {ref['label']}: "
                          f"{cont['median_us']:.2f} vs {ref['median_us']:.2f} µs"}
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


def cryptography_info() -> str:
    """cryptography's version and the OpenSSL it carries: PyJWT verifies RS/PS/ES/EdDSA with it."""
    try:
        import cryptography
        from cryptography.hazmat.backends.openssl import backend
        return f"{cryptography.__version__} ({backend.openssl_version_text()})"
    except ImportError:
        return "not installed"
    except Exception:       # an older or newer layout: the version alone still says something
        return version_of("cryptography")


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
        "cryptography": cryptography_info(),
    }


def print_header(info: dict, overhead_us: float) -> None:
    print("# JWT decode benchmark: turbojwt vs peers, side by side in one process\n")
    print(f"- CPU: {info['cpu']}, {info['cores']} logical cores ({info['usable_cores']} usable)")
    print(f"- Python {info['python']} on {info['platform']}")
    print(f"- OpenSSL: turbojwt links {info['turbojwt_libcrypto']}; Python's ssl: {info['python_ssl']}")
    print(f"- turbojwt {info['turbojwt']}, PyJWT {info['PyJWT']}, ryjwt {info['ryjwt']}")
    print(f"- cryptography {info['cryptography']}: makes the public-key tokens; PyJWT verifies with it")
    print("- Method: interleaved rounds; one sample per contender per round = a batch of calls lasting a set "
          "time, timed with time.perf_counter_ns, GC disabled during each sample (rounds and sample length: "
          "under each heading)")
    print(f"- Python loop + call overhead (no-op lambda): {overhead_us:.3f} µs/call, included in every "
          "Python-level row\n")


def case_heading(alg: str) -> str:
    return f"## {alg} decode"


def print_case(result: dict) -> None:
    print(f"{case_heading(result['alg'])} ({result['key']}): signature + exp + aud + iss, "
          f"token of {result['token_chars']} chars\n")
    print(f"{result['rounds']} rounds, samples of ~{result['sample_target_ms']:g} ms\n")
    print("| Contender | median µs | p99 µs | tokens/s | vs PyJWT | vs raw limit | batch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, row in result["rows"].items():
        if row["status"] != "ok":
            print(f"| {row['label']} | {row['status']} | | | | | |")
            continue
        ratio = row["x_faster_than_pyjwt"]
        vs_pyjwt = "1.0x (baseline)" if key == "pyjwt" else "n/a" if ratio is None else times_faster(ratio)
        print(f"| {row['label']} | {row['median_us']:.3f} | {row['p99_us']:.3f} | {row['tokens_per_s']:,.0f} | "
              f"{vs_pyjwt} | {row['x_raw']:.2f}x | {row['batch']} |")
    print("\nBars:")
    for bar in result["bars"]:
        print(f"- {bar['result']}  {bar['bar']} ({bar['detail']})")
    print()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer, shorter samples (all cases in under 40 s)")
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
    started = time.monotonic()
    info = machine_info()
    print_header(info, loop_overhead_us("x" * 350))
    results = []
    for alg in args.algs:
        case = CASES[alg]
        try:
            result = run_case(case, *case_settings(case, args.quick, args.iterations_scale))
        except CorrectnessError as exc:
            print(f"ABORTED before timing: correctness check failed for {alg}: {exc}", file=sys.stderr)
            return 2
        except ImportError as exc:      # the public-key fixtures need cryptography to sign their tokens
            missing = f"{(exc.name or str(exc)).split('.')[0]} not installed"
            print(f"{case_heading(alg)}: skipped ({missing})\n")
            results.append({"alg": alg, "skipped": missing})
            continue
        print_case(result)
        sys.stdout.flush()
        results.append(result)
    if args.json:
        settings = {"gc_disabled_during_samples": True, "quick": args.quick,
                    "iterations_scale": args.iterations_scale}
        Path(args.json).write_text(json.dumps({"machine": info, "settings": settings, "results": results},
                                              indent=1))
        print(f"Wrote {args.json}")
    print(f"Total wall time: {time.monotonic() - started:.0f} s")
    failed = [b for r in results for b in r.get("bars", ()) if b["result"] == "FAIL"]
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
