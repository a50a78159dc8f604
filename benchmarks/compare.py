"""Side-by-side JWT benchmark: turbojwt against PyJWT, ryjwt, joserfc, python-jose and jwcrypto, in one process.

Every contender decodes the same generated token with the same key and the same
checks (signature + exp + aud + iss), or signs the same claims with the same key.
Their results are checked before any timing; then samples are taken in
interleaved rounds with the GC disabled, and the medians are compared with each
other and with the limit (the prepared HMAC or public-key verify in a C loop; for
encode, the raw sign). See benchmarks/README.md for every column.

    python3 benchmarks/compare.py [--quick | --full] [--json PATH] [--algs HS256,encode-RS256,...] [--check]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import importlib
import json
import shlex
import sys
import time
from dataclasses import dataclass, field
from itertools import repeat
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))   # the helper modules beside this script

from _machine import machine_info, version_lines  # noqa: E402
from _peers import (AUDIENCE, ISSUER, Contender, Keys, Unsupported, b64url, decode_peers,  # noqa: E402,F401
                    encode_peers)
from _timing import loop_overhead_us, measure, python_runner, rounded, summarize  # noqa: E402

PLANNED_ALGS: tuple[str, ...] = ()  # names --algs knows of but that have no Case yet
MODES = ("default", "quick", "full")


def import_turbojwt():
    """turbojwt from this checkout when it is built in place for this Python, else the installed one."""
    src = ROOT / "src"
    if any((src / "turbojwt" / f"_core{suffix}").exists() for suffix in EXTENSION_SUFFIXES):
        sys.path.insert(0, str(src))
    return importlib.import_module("turbojwt")


turbojwt = import_turbojwt()
from turbojwt import _core, _testing  # noqa: E402


class CorrectnessError(Exception):
    """A contender gave a wrong answer: no timing is meaningful after that."""


# ------------------------------------------------------------------ the table entries

@dataclass
class Fixture:
    """One token to decode (or the claims to sign), what it must decode to, and tokens to reject."""
    alg: str
    keys: Keys
    token: str                      # decode: the token; encode: the reference token in PyJWT's format
    claims: dict
    signing_input: bytes
    rejected: dict[str, str]        # why it must fail -> token (decode cases only)


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
    """An algorithm, decoded or signed: its fixture, its contenders, its limit and its bars."""
    name: str                                                # the --algs id
    kind: str                                                # "decode" or "encode"
    alg: str
    make_fixture: Callable[[], Fixture]
    contenders: Callable[[Fixture], list[Contender]]
    raw_limit: Callable[[Fixture], Callable[[int], float]]   # -> run(n) = seconds for n ops; may raise Unsupported
    raw_label: str
    bars: list[Bar] = field(default_factory=list)
    # mode -> (rounds, one sample's target length in ms), before --iterations-scale
    settings: dict[str, tuple[int, float]] = field(default_factory=dict)
    # extra rows that are no JWT library: row id -> (label, run(n) -> ns), timed with the others
    references: Callable[[Fixture], dict[str, tuple[str, Callable[[int], float]]]] | None = None

    @property
    def title(self) -> str:
        return f"{self.alg} {self.kind}"


def compact_json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def signed_token(alg: str, sign: Callable[[bytes], bytes], claims: dict) -> str:
    """A compact JWS made by hand: header {"alg", "typ"}, the claims, sign(signing input).
    The same JSON formatting as PyJWT's encode (compact separators, header keys sorted)."""
    signing_input = f"{b64url(compact_json({'alg': alg, 'typ': 'JWT'}))}.{b64url(compact_json(claims))}"
    return f"{signing_input}.{b64url(sign(signing_input.encode()))}"


def hs256_token(secret: bytes, claims: dict) -> str:
    """An HS256 token made with the standard library only (no JWT library is trusted to make it)."""
    return signed_token("HS256", lambda msg: hmac.new(secret, msg, hashlib.sha256).digest(), claims)


def benchmark_claims(now: int) -> dict:
    # Values chosen so that the HS256 token is 351 characters long, a typical access token.
    return {"sub": "user-4821", "name": "Ada Lovelace", "iat": now, "exp": now + 3600, "iss": ISSUER,
            "aud": AUDIENCE, "scope": "read:profile write:orders", "jti": "b7c4a5d1e0f2a963"}


def make_fixture(alg: str, keys: Keys, make_token: Callable[[dict], str], claims: dict | None = None) -> Fixture:
    """The valid token and the four that every decoder must reject, all signed by make_token."""
    now = int(time.time())
    claims = benchmark_claims(now) if claims is None else claims
    token = make_token(claims)
    header_b64, _, signature_b64 = token.split(".")
    forged_payload = b64url(compact_json({**claims, "sub": "admin"}))
    return Fixture(
        alg=alg, keys=keys, token=token, claims=claims, signing_input=token.rpartition(".")[0].encode(),
        rejected={
            "tampered payload (signature mismatch)": f"{header_b64}.{forged_payload}.{signature_b64}",
            "expired": make_token({**claims, "exp": now - 60}),
            "wrong audience": make_token({**claims, "aud": "https://other.example.com"}),
            "wrong issuer": make_token({**claims, "iss": "https://evil.example.com/"}),
        },
    )


HS256_SECRET = b"turbojwt-benchmark-shared-secret-0123456789"  # 43 bytes: above HS256's 32-byte minimum


def make_hs256_fixture(claims: dict | None = None) -> Fixture:
    keys = Keys("HS256", secret=HS256_SECRET)
    return make_fixture("HS256", keys, lambda c: hs256_token(HS256_SECRET, c), claims)


def hs256_contenders(fx: Fixture) -> list[Contender]:
    secret, algs = fx.keys.secret, ["HS256"]
    verifier = turbojwt.Verifier(secret, algorithms=algs, audience=AUDIENCE, issuer=ISSUER)
    # The drop-in calls spell out their arguments (a fresh list each call), as application code does.
    return [
        Contender("verifier", "turbojwt Verifier.decode", verifier.decode, turbojwt.InvalidTokenError),
        Contender("decode", "turbojwt.decode",
                  lambda t: turbojwt.decode(t, secret, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER),
                  turbojwt.InvalidTokenError),
        *decode_peers(fx.keys),
    ]


def hs256_raw_limit(fx: Fixture) -> Callable[[int], float]:
    tag = base64.urlsafe_b64decode(fx.token.rpartition(".")[2] + "==")
    if _core.hmac_digest(fx.keys.secret, "HS256", fx.signing_input) != tag:
        raise CorrectnessError("raw limit: turbojwt's HMAC of the signing input differs from the token's signature")
    return lambda n: _testing.bench_raw_hmac(fx.keys.secret, "HS256", fx.signing_input, n)


# ------------------------------------------------------------------ public-key algorithms

KEY_TYPES = {"RS256": "RSA-2048", "PS256": "RSA-2048", "ES256": "P-256", "ES384": "P-384", "EdDSA": "Ed25519"}


def asymmetric_signer(alg: str) -> tuple[Callable[[], Any], Callable[[Any, bytes], bytes]]:
    """(generate a private key of KEY_TYPES[alg], sign(private key, signing input) -> JWS signature bytes)
    for alg, both with cryptography: the token's signature comes from no library under test.
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


def asymmetric_keys(alg: str) -> tuple[Keys, Callable[[bytes], bytes]]:
    """A key pair generated for this run (RSA key generation cannot be seeded), in every form the
    contenders take, and sign(signing input) with its private half."""
    from cryptography.hazmat.primitives.serialization import (Encoding, NoEncryption, PrivateFormat,
                                                              PublicFormat)

    generate, sign = asymmetric_signer(alg)
    private = generate()
    public = private.public_key()
    keys = Keys(alg, private=private, public=public,
                public_pem=public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii"),
                private_pem=private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode("ascii"))
    return keys, lambda msg: sign(private, msg)


def make_asymmetric_fixture(alg: str, claims: dict | None = None, keys_and_signer=None) -> Fixture:
    keys, sign = keys_and_signer or asymmetric_keys(alg)
    return make_fixture(alg, keys, lambda c: signed_token(alg, sign, c), claims)


def asymmetric_contenders(fx: Fixture) -> list[Contender]:
    alg, public, pem = fx.alg, fx.keys.public, fx.keys.public_pem
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
        *decode_peers(fx.keys),
    ]


def asymmetric_raw_limit(fx: Fixture) -> Callable[[int], float]:
    prepared = _core.prepare_public_key(fx.keys.public)
    signature = base64.urlsafe_b64decode(fx.token.rpartition(".")[2] + "==")
    try:
        _testing.bench_raw_verify(prepared, fx.alg, fx.signing_input, signature, 1)
    except Exception as exc:
        raise CorrectnessError(f"raw limit: turbojwt's {fx.alg} verify refused the token's signature: {exc}") from exc
    try:
        _testing.bench_raw_verify(prepared, fx.alg, fx.signing_input + b"x", signature, 1)
    except turbojwt.PyJWTError:
        pass
    else:
        raise CorrectnessError(f"raw limit: turbojwt's {fx.alg} verify ACCEPTED the signature over another input")
    return lambda n: _testing.bench_raw_verify(prepared, fx.alg, fx.signing_input, signature, n)


def cryptography_verify(fx: Fixture) -> dict[str, tuple[str, Callable[[int], float]]]:
    """The signature check that PyJWT, joserfc, python-jose and jwcrypto delegate to, alone: cryptography's
    public_key.verify on the token's signing input, one Python call per token, padding and hash objects
    made once. Against turbojwt's raw verify it compares the two OpenSSL builds, not the JWT libraries."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    public, msg = fx.keys.public, fx.signing_input
    sig = base64.urlsafe_b64decode(fx.token.rpartition(".")[2] + "==")
    if fx.alg in ("ES256", "ES384"):     # JWS r || s -> the DER that cryptography takes
        half = len(sig) // 2
        sig = encode_dss_signature(int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big"))
    sha256 = hashes.SHA256()
    args = {"RS256": (padding.PKCS1v15(), sha256),
            "PS256": (padding.PSS(padding.MGF1(sha256), padding.PSS.DIGEST_LENGTH), sha256),
            "ES256": (ec.ECDSA(sha256),), "ES384": (ec.ECDSA(hashes.SHA384()),), "EdDSA": ()}[fx.alg]
    verify = public.verify
    verify(sig, msg, *args)
    try:
        verify(sig, msg + b"x", *args)
    except InvalidSignature:
        pass
    else:
        raise CorrectnessError(f"cryptography's {fx.alg} verify ACCEPTED a signature over another input")

    def run(n: int) -> float:
        t0 = time.perf_counter_ns()
        for _ in repeat(None, n):
            verify(sig, msg, *args)
        return time.perf_counter_ns() - t0
    return {"crypto_verify": ("cryptography verify alone (no JWT, one Python call per token)", run)}


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
        Bar("turbojwt's raw verify vs cryptography's verify alone", "raw", "crypto_verify", "ratio"),
    ]


# A decode costs 1 to 500 µs: the rounds and sample lengths below keep the default run of every case,
# with every peer installed (up to ten rows a case), under two minutes on a 2-core machine.
PUBLIC_KEY_SETTINGS = {"default": (50, 20), "quick": (25, 8), "full": (150, 25)}


def asymmetric_case(alg: str, with_limits: bool = True) -> Case:
    return Case(alg, "decode", alg, lambda: make_asymmetric_fixture(alg), asymmetric_contenders,
                asymmetric_raw_limit, f"raw {alg} verify, {KEY_TYPES[alg]} (C loop)",
                bars=asymmetric_bars(with_limits), settings=PUBLIC_KEY_SETTINGS, references=cryptography_verify)


# ------------------------------------------------------------------ encode (sign)

def encode_contenders(fx: Fixture) -> list[Contender]:
    """turbojwt.encode (when built) with the key PyJWT gets, then every peer's encode."""
    alg = fx.alg
    key = fx.keys.secret if fx.keys.hmac else fx.keys.private
    if hasattr(turbojwt, "encode"):
        mine = Contender("encode", "turbojwt.encode", lambda claims: turbojwt.encode(claims, key, algorithm=alg))
    else:
        mine = Contender("encode", "turbojwt.encode", skipped="skipped (not built yet)")
    return [mine, *encode_peers(fx.keys)]


def raw_sign_limit(fx: Fixture) -> Callable[[int], float]:
    """_core.sign_raw on the prepared key and the reference token's signing input, one Python call per
    token: HMAC-SHA256 and RSA PKCS#1 v1.5 are deterministic, so it must give the reference's signature."""
    if not hasattr(_core, "sign_raw"):
        raise Unsupported("this turbojwt has no _core.sign_raw")
    if fx.keys.hmac:
        prepared = _core.prepare_hmac_key(fx.keys.secret)
    elif hasattr(_core, "prepare_private_key"):
        prepared = _core.prepare_private_key(fx.keys.private)
    else:
        prepared = _core.prepare_public_key(fx.keys.private_pem)
    sign_raw, alg, signing_input = _core.sign_raw, fx.alg, fx.signing_input
    if b64url(sign_raw(prepared, alg, signing_input)) != fx.token.rpartition(".")[2]:
        raise CorrectnessError(f"raw limit: turbojwt's {alg} sign_raw differs from the reference signature")

    def run(n: int) -> float:
        t0 = time.perf_counter()
        for _ in repeat(None, n):
            sign_raw(prepared, alg, signing_input)
        return time.perf_counter() - t0
    return run


ENCODE_SETTINGS = {"default": (60, 15), "quick": (25, 8), "full": (150, 25)}
ENCODE_BARS = [
    Bar("turbojwt.encode vs PyJWT jwt.encode", "encode", "pyjwt", "ratio"),
    Bar("turbojwt.encode vs ryjwt", "encode", "ryjwt", "ratio"),
]
RAW_SIGN_LABEL = "raw {alg} sign, _core.sign_raw (one Python call per token, not a C loop)"


def encode_case(alg: str, make: Callable[[], Fixture]) -> Case:
    return Case(f"encode-{alg}", "encode", alg, make, encode_contenders, raw_sign_limit,
                RAW_SIGN_LABEL.format(alg=alg), bars=ENCODE_BARS, settings=ENCODE_SETTINGS)


CASES = {
    "HS256": Case(
        "HS256", "decode", "HS256", make_hs256_fixture, hs256_contenders, hs256_raw_limit,
        "raw HMAC-SHA256 verify (C loop)",
        bars=[
            Bar("Verifier.decode >= 50x faster than PyJWT", "verifier", "pyjwt", "faster", 50),
            Bar("turbojwt.decode >= 30x faster than PyJWT", "decode", "pyjwt", "faster", 30),
            Bar("Verifier.decode within 3x of the raw HMAC", "verifier", "raw", "within", 3),
            Bar("Verifier.decode faster than ryjwt", "verifier", "ryjwt", "faster", 1),
        ],
        settings={"default": (80, 15), "quick": (40, 8), "full": (300, 25)},
    ),
    "RS256": asymmetric_case("RS256"),
    "PS256": asymmetric_case("PS256"),
    "ES256": asymmetric_case("ES256"),
    "ES384": asymmetric_case("ES384", with_limits=False),   # issue 3 sets no bars for ES384: ratios only
    "EdDSA": asymmetric_case("EdDSA"),
    "encode-HS256": encode_case("HS256", make_hs256_fixture),
    "encode-RS256": encode_case("RS256", lambda: make_asymmetric_fixture("RS256")),
}


# ------------------------------------------------------------------ correctness

def check_decoders(fx: Fixture, contenders: list[Contender]) -> dict[str, str]:
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
    return {}


def reference_verifier(fx: Fixture) -> tuple[str, Callable[[str], Any]]:
    """(name, verify(token) -> claims): PyJWT with aud and iss when installed, else turbojwt's Verifier."""
    key = fx.keys.secret if fx.keys.hmac else fx.keys.public
    try:
        import jwt
        return "PyJWT", lambda t: jwt.decode(t, key, algorithms=[fx.alg], audience=AUDIENCE, issuer=ISSUER)
    except ImportError:
        verifier = turbojwt.Verifier(key, algorithms=[fx.alg], audience=AUDIENCE, issuer=ISSUER)
        return "turbojwt Verifier (PyJWT not installed)", verifier.decode


def segment_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def token_difference(token: str, reference: str) -> str:
    """How token's bytes compare with the reference's (same JSON formatting as PyJWT's encode)."""
    if token == reference:
        return "same bytes"
    parts, ref = token.split("."), reference.split(".")
    notes = []
    if parts[0] != ref[0]:
        notes.append(f"header {base64.urlsafe_b64decode(parts[0] + '==').decode()}")
    if parts[1] != ref[1]:
        claims = segment_json(parts[1])
        ordered = list(claims) == sorted(claims) and list(claims) != list(segment_json(ref[1]))
        notes.append("claims sorted by name" if ordered else "payload formatted differently")
    if parts[:2] == ref[:2] and parts[2] != ref[2]:
        notes.append("signature differs")
    return "differs: " + "; ".join(notes)


def check_encoders(fx: Fixture, contenders: list[Contender]) -> dict[str, str]:
    """Each contender's token verifies (PyJWT, with aud and iss) and decodes to the claims signed.
    Returns row id -> how its bytes compare with PyJWT's formatting (reported, never a failure)."""
    name, verify = reference_verifier(fx)
    if verify(fx.token) != fx.claims:
        raise CorrectnessError(f"{name} does not decode the reference {fx.alg} token to its claims")
    notes = {}
    for c in contenders:
        if c.call is None:
            continue
        try:
            token = c.call(dict(fx.claims))
        except Exception as exc:
            raise CorrectnessError(f"{c.label} could not sign the claims with {fx.alg}: {exc!r}") from exc
        if not isinstance(token, str):
            raise CorrectnessError(f"{c.label} returned a {type(token).__name__}, not a str token")
        try:
            got = verify(token)
        except Exception as exc:
            raise CorrectnessError(f"{name} rejected {c.label}'s {fx.alg} token: {exc!r}") from exc
        if got != fx.claims:
            raise CorrectnessError(f"{c.label}'s token decodes to {got!r}, expected {fx.claims!r}")
        notes[c.key] = token_difference(token, fx.token)
    return notes


# ------------------------------------------------------------------ running a case

def case_settings(case: Case, mode: str, scale: float) -> tuple[int, float]:
    """(rounds, target sample length in ns) for case, after the mode and --iterations-scale."""
    rounds, sample_ms = case.settings[mode]
    return max(3, round(rounds * scale)), sample_ms * 1e6 * scale


def run_case(case: Case, rounds: int, target_ns: float, keep_samples: bool = True) -> dict:
    """Check every contender, time them side by side with the limit, summarize and judge the bars."""
    fx = case.make_fixture()
    contenders = case.contenders(fx)
    notes = (check_encoders if case.kind == "encode" else check_decoders)(fx, contenders)
    arg = fx.claims if case.kind == "encode" else fx.token
    runners = {c.key: python_runner(c.call, arg) for c in contenders if c.call is not None}
    rows = {c.key: {"label": c.label, "status": c.skipped or "ok"} for c in contenders}
    for key, (label, run) in (case.references(fx) if case.references else {}).items():
        rows[key] = {"label": label, "status": "ok", "reference": True}
        runners[key] = run
    rows["raw"] = {"label": case.raw_label, "status": "ok", "python_loop": case.kind == "encode"}
    try:
        raw = case.raw_limit(fx)
        runners["raw"] = lambda n: raw(n) * 1e9     # seconds -> ns; the C loops time themselves
    except Unsupported as exc:
        rows["raw"]["status"] = f"skipped ({exc})"
    for key, note in notes.items():
        rows[key]["token_vs_pyjwt"] = note
    batches, samples = measure(runners, rounds, target_ns)

    for key, values in samples.items():
        rows[key].update(batch=batches[key], **summarize(values))
        if keep_samples:
            rows[key]["samples_us"] = rounded(values)
    pyjwt = rows.get("pyjwt", {}).get("median_us")
    raw_median = rows["raw"].get("median_us")
    for key in samples:
        rows[key]["x_faster_than_pyjwt"] = pyjwt / rows[key]["median_us"] if pyjwt else None
        rows[key]["x_raw"] = rows[key]["median_us"] / raw_median if raw_median else None
    return {"name": case.name, "kind": case.kind, "alg": case.alg, "title": case.title,
            "key": key_description(fx), "token_chars": len(fx.token), "rounds": rounds,
            "sample_target_ms": target_ns / 1e6, "rows": rows, "bars": [judge(bar, rows) for bar in case.bars]}


def key_description(fx: Fixture) -> str:
    if fx.keys.hmac:
        return f"{len(fx.keys.secret)}-byte secret"
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


# ------------------------------------------------------------------ report

def print_header(info: dict, overhead_us: float, mode: str) -> None:
    print("# JWT benchmark: turbojwt vs peers, side by side in one process\n")
    print(f"- {info['date']}, mode: {mode}")
    print(f"- CPU: {info['cpu']}, {info['cores']} logical cores ({info['usable_cores']} usable)")
    print(f"- Python {info['python']} on {info['platform']}")
    print(f"- turbojwt's crypto backend: {info['turbojwt_libcrypto']} (the limit column is its raw verify/sign); "
          f"Python's ssl: {info['python_ssl']}")
    for line in version_lines(info):
        print(line)
    print("- Method: interleaved rounds; one sample per contender per round = a batch of calls lasting a set "
          "time, timed with time.perf_counter_ns, GC disabled during each sample (rounds and sample length: "
          "under each heading)")
    print(f"- Python loop + call overhead (no-op lambda): {overhead_us:.3f} µs/call, included in every "
          "Python-level row\n")


def case_heading(title: str) -> str:
    return f"## {title}"


def checks_text(kind: str) -> str:
    return ("sign the claims, token verified by PyJWT" if kind == "encode"
            else "signature + exp + aud + iss")


def print_case(result: dict) -> None:
    encode = result["kind"] == "encode"
    print(f"{case_heading(result['title'])} ({result['key']}): {checks_text(result['kind'])}, "
          f"token of {result['token_chars']} chars\n")
    print(f"{result['rounds']} rounds, samples of ~{result['sample_target_ms']:g} ms\n")
    extra = " token vs PyJWT's |" if encode else ""
    print(f"| Contender | median µs | p99 µs | tokens/s | vs PyJWT | vs limit | batch |{extra}")
    print("|---|---:|---:|---:|---:|---:|---:|" + ("---|" if encode else ""))
    for key, row in result["rows"].items():
        if row["status"] != "ok":
            print(f"| {row['label']} | {row['status']} | | | | | |" + (" |" if encode else ""))
            continue
        ratio = row["x_faster_than_pyjwt"]
        vs_pyjwt = "1.0x (baseline)" if key == "pyjwt" else "n/a" if ratio is None else times_faster(ratio)
        vs_raw = "n/a" if row["x_raw"] is None else f"{row['x_raw']:.2f}x"
        note = f" {row.get('token_vs_pyjwt', '')} |" if encode else ""
        print(f"| {row['label']} | {row['median_us']:.3f} | {row['p99_us']:.3f} | {row['tokens_per_s']:,.0f} | "
              f"{vs_pyjwt} | {vs_raw} | {row['batch']} |{note}")
    print("\nBars:")
    for bar in result["bars"]:
        print(f"- {bar['result']}  {bar['bar']} ({bar['detail']})")
    print()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="fewer, shorter samples (every case in about 30 s)")
    size.add_argument("--full", action="store_true", help="more, longer samples (about 5 minutes)")
    p.add_argument("--json", metavar="PATH", help="write the summary, samples and machine info as JSON")
    p.add_argument("--no-samples", action="store_true", help="leave the per-sample lists out of the JSON")
    p.add_argument("--algs", default=",".join(CASES), help=f"comma-separated, from: {', '.join(CASES)}")
    p.add_argument("--iterations-scale", type=float, default=1.0, metavar="S",
                   help="multiply rounds and sample length by S (0.01 makes a smoke run)")
    p.add_argument("--check", action="store_true", help="exit 1 if a bar fails")
    args = p.parse_args(argv)
    args.mode = "quick" if args.quick else "full" if args.full else "default"
    args.algs = [a.strip() for a in args.algs.split(",") if a.strip()]
    for alg in args.algs:
        if alg not in CASES:
            later = " (not implemented yet)" if alg in PLANNED_ALGS else ""
            p.error(f"unknown algorithm {alg!r}{later}; available: {', '.join(CASES)}")
    if args.iterations_scale <= 0:
        p.error("--iterations-scale must be positive")
    return args


def command_line(argv: list[str] | None, script_file: str = __file__) -> str:
    """How this run was started, as a shell command relative to the checkout."""
    script = Path(script_file).resolve()
    try:
        script = script.relative_to(ROOT)
    except ValueError:
        pass
    return shlex.join(["python", str(script), *(sys.argv[1:] if argv is None else argv)])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started, cpu_started = time.monotonic(), time.process_time()
    info = machine_info(turbojwt, ROOT)
    print_header(info, loop_overhead_us("x" * 350), args.mode)
    results = []
    for name in args.algs:
        case = CASES[name]
        try:
            result = run_case(case, *case_settings(case, args.mode, args.iterations_scale),
                              keep_samples=not args.no_samples)
        except CorrectnessError as exc:
            print(f"ABORTED before timing: correctness check failed for {case.title}: {exc}", file=sys.stderr)
            return 2
        except ImportError as exc:      # the public-key fixtures need cryptography to sign their tokens
            missing = f"{(exc.name or str(exc)).split('.')[0]} not installed"
            print(f"{case_heading(case.title)}: skipped ({missing})\n")
            results.append({"name": name, "kind": case.kind, "alg": case.alg, "title": case.title,
                            "skipped": missing})
            continue
        print_case(result)
        sys.stdout.flush()
        results.append(result)
    wall = time.monotonic() - started
    # CPU time this process got over the wall time: well below 1 means other processes took the CPU
    # during the run, and the samples (above all p99) are noisier for it.
    cpu_share = (time.process_time() - cpu_started) / wall if wall else 1.0
    if args.json:
        settings = {"gc_disabled_during_samples": True, "mode": args.mode, "quick": args.quick,
                    "iterations_scale": args.iterations_scale, "wall_time_s": round(wall, 1),
                    "cpu_share": round(cpu_share, 3),
                    "command": command_line(argv), "python_executable": sys.executable}
        Path(args.json).write_text(json.dumps({"machine": info, "settings": settings, "results": results},
                                              indent=1, ensure_ascii=False) + "\n")
        print(f"Wrote {args.json}")
    print(f"Total wall time: {wall:.0f} s (this process had the CPU {cpu_share:.0%} of it)")
    failed = [b for r in results for b in r.get("bars", ()) if b["result"] == "FAIL"]
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
