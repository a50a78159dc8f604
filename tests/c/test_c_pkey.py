"""C-level tests of the asymmetric key core (csrc/pkey.h, pkey_load.c, pkey_ops.c).

The C program tests/c/test_pkey.c is compiled into a temporary directory (with
AddressSanitizer and UBSan when the compiler supports them) and fed test vectors
as lines on stdin; see the comment at the top of that file for the format. It
prints one line per category and then "N passed, M failed".

Vectors (copied unchanged, sources and licences in the README beside them):
  tests/vectors/wycheproof/     Project Wycheproof, asymmetric signature files
  tests/vectors/jose-cookbook/  RFC 7520 4.1-4.3 and RFC 8037 (ietf-jose/cookbook)
RFC 7515 Appendix A.2-A.4 are short and printed in the RFC itself; their values are
constants in tests/_rfc7515.py (a mistyped value cannot pass: the signatures would not verify).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path

import pytest
from _native import awslc_prefix, crypto_flags, find_cc, native_env, sanitizers_work
from _rfc7515 import (
    RFC7515_A2_JWK,
    RFC7515_A2_SIG,
    RFC7515_A3_JWK,
    RFC7515_A3_SIG,
    RFC7515_A4_INPUT,
    RFC7515_A4_JWK,
    RFC7515_A4_SIG,
    RFC7515_PAYLOAD,
)

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
C_TEST = ROOT / "tests" / "c" / "test_pkey.c"
ERR_QUEUE_HELPER = ROOT / "tests" / "c" / "core_err_queue.c"  # the aws-lc pass only
WYCHEPROOF = ROOT / "tests" / "vectors" / "wycheproof"
COOKBOOK = ROOT / "tests" / "vectors" / "jose-cookbook"
PKEY_SOURCES = [CSRC / "pkey_load.c", CSRC / "pkey_ops.c", CSRC / "backend_openssl3.c", CSRC / "backend_awslc.c"]

# --------------------------------------------------------------------------
# building the C test program


SAN_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"]
SAN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=99",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
}


# Allocates and frees: LeakSanitizer (on in SAN_ENV) must be able to run here too.
LEAK_PROBE = "#include <stdlib.h>\nint main(void){char *p = malloc(4); p[0] = 0; free(p); return 0;}\n"


class CProgram:
    def __init__(self, exe: Path, sanitized: bool):
        self.exe = exe
        self.sanitized = sanitized

    def run(self, text: str) -> tuple[dict[str, tuple[int, int]], int, int, subprocess.CompletedProcess]:
        env = native_env(SAN_ENV if self.sanitized else None)
        proc = subprocess.run([str(self.exe)], input=text, capture_output=True, text=True, env=env, timeout=900)
        cats = {
            m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"^category (\S+): (\d+) passed, (\d+) failed$", proc.stdout, re.M)
        }
        last = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
        assert last is not None, f"no summary line (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr[-4000:]}"
        return cats, int(last.group(1)), int(last.group(2)), proc


@pytest.fixture(scope="module")
def cprog(tmp_path_factory) -> CProgram:
    cc = find_cc()
    if cc is None:
        pytest.skip("no C compiler")
    tmp = tmp_path_factory.mktemp("c_pkey")
    san = sanitizers_work(cc, tmp, SAN_FLAGS, SAN_ENV, LEAK_PROBE)
    exe = tmp / "test_pkey"
    core = [*map(str, PKEY_SOURCES)]
    if awslc_prefix() is not None:
        core = ["-DTJ_TEST_CORE_ERR_QUEUE", _awslc_core_library(cc, tmp, san)]
    # the test program makes its keys with the system OpenSSL (pkg-config)
    cflags, libs = crypto_flags(system_openssl=True)
    cmd = [
        *cc, "-std=c99", "-O1", "-g", "-Wall", "-Wextra", "-Wshadow", "-Werror",
        *(SAN_FLAGS if san else []), *cflags, f"-I{CSRC}",
        str(C_TEST), *core, *libs, "-pthread", "-o", str(exe),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=native_env())
    if proc.returncode != 0 and "openssl/" in proc.stderr and "No such file" in proc.stderr:
        pytest.skip("OpenSSL development headers not found")
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    print(f"\nbuilt {exe.name} with {' '.join(cc)}, sanitizers: {'address,undefined' if san else 'none'}")
    return CProgram(exe, san)


def _awslc_core_library(cc: list[str], tmp: Path, san: bool) -> str:
    """The aws-lc pass: the key core linked with the static aws-lc into a shared
    library that exports only the tj_* functions (aws-lc's symbols hidden, as in
    the extension), so the test program keeps the system OpenSSL for making its
    keys and the core under test runs on aws-lc. Returns the library's path."""
    prefix = awslc_prefix()
    lib = tmp / "libtj_pkey_awslc.so"
    cmd = [*cc, "-std=c99", "-O1", "-g", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror",
           *(SAN_FLAGS if san else []), f"-I{prefix}/include", f"-I{CSRC}", *map(str, PKEY_SOURCES),
           str(ERR_QUEUE_HELPER), f"{prefix}/lib/libcrypto.a", "-Wl,--exclude-libs,ALL", "-pthread",
           "-o", str(lib)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=native_env())
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return str(lib)


def test_pkey_sources_compile_strict(tmp_path):
    """The library files build with the project's strict flags and no deprecated OpenSSL API."""
    cc = find_cc()
    if cc is None:
        pytest.skip("no C compiler")
    cflags, _ = crypto_flags()
    for src in PKEY_SOURCES:
        cmd = [
            *cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Wshadow", "-Werror",
            # "=": aws-lc's opensslconf.h defines it empty, and an equal redefinition is no warning
            "-DOPENSSL_API_COMPAT=30000", "-DOPENSSL_NO_DEPRECATED=", *cflags, f"-I{CSRC}",
            "-c", str(src), "-o", str(tmp_path / (src.stem + ".o")),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=native_env())
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"


# --------------------------------------------------------------------------
# Wycheproof

# JWS algorithm -> the group parameters it fixes (RFC 7518 3.3-3.5, RFC 8812, RFC 8037).
JWS_PARAMS = {
    "RS256": {"sha": "SHA-256"},
    "RS384": {"sha": "SHA-384"},
    "RS512": {"sha": "SHA-512"},
    "PS256": {"sha": "SHA-256", "mgf": "MGF1", "mgfSha": "SHA-256", "sLen": 32},
    "PS384": {"sha": "SHA-384", "mgf": "MGF1", "mgfSha": "SHA-384", "sLen": 48},
    "PS512": {"sha": "SHA-512", "mgf": "MGF1", "mgfSha": "SHA-512", "sLen": 64},
    "ES256": {"sha": "SHA-256", "curve": "secp256r1"},
    "ES384": {"sha": "SHA-384", "curve": "secp384r1"},
    "ES512": {"sha": "SHA-512", "curve": "secp521r1"},
    "ES256K": {"sha": "SHA-256", "curve": "secp256k1"},
    "EdDSA": {"curve": "edwards25519"},
}

WYCHEPROOF_FILES = {
    "rsa_signature_2048_sha256_test.json": "RS256",
    "rsa_signature_2048_sha384_test.json": "RS384",
    "rsa_signature_2048_sha512_test.json": "RS512",
    "rsa_pss_2048_sha256_mgf1_32_test.json": "PS256",
    "rsa_pss_2048_sha384_mgf1_48_test.json": "PS384",
    "rsa_pss_4096_sha512_mgf1_64_test.json": "PS512",
    "ecdsa_secp256r1_sha256_p1363_test.json": "ES256",
    "ecdsa_secp384r1_sha384_p1363_test.json": "ES384",
    "ecdsa_secp521r1_sha512_p1363_test.json": "ES512",
    "ecdsa_secp256k1_sha256_p1363_test.json": "ES256K",
    "ed25519_test.json": "EdDSA",
}

# Our decision for each flag that Wycheproof marks "acceptable": True = must verify,
# False = must be rejected. An acceptable vector with a flag missing here fails the
# test, so a new vector file forces an explicit decision.
ACCEPTABLE = {
    # RSA PKCS#1 v1.5 DigestInfo without the NULL algorithm parameters. RFC 8017 9.2
    # (EMSA-PKCS1-v1_5) defines one encoding, with NULL; RFC 7518 3.3 uses it as is.
    # Accepting alternatives means parsing the padding instead of comparing it, the
    # source of the CVE-2006-4339 family; OpenSSL (and so PyJWT via cryptography)
    # compares the exact encoding and rejects it. Stricter, never looser: reject.
    "MissingNull": False,
}

CURVE_TAG = {"secp256r1": ("P-256", 32), "secp384r1": ("P-384", 48),
             "secp521r1": ("P-521", 66), "secp256k1": ("secp256k1", 32)}


def _hex(b: bytes) -> str:
    return b.hex() if b else "-"


def _fixed(hex_int: str, size: int) -> str:
    """A Wycheproof integer (hex, maybe with a sign byte or short) as exactly `size` bytes."""
    return int(hex_int, 16).to_bytes(size, "big").hex()


def _applies(group: dict, alg: str) -> bool:
    want = JWS_PARAMS[alg]
    have = dict(group)
    have["curve"] = group.get("publicKey", {}).get("curve")
    return all(have.get(k) == v for k, v in want.items())


def wycheproof_lines(path: Path, alg: str) -> tuple[list[str], dict]:
    data = json.loads(path.read_text())
    counts = {"valid": 0, "invalid": 0, "acceptable": 0, "skipped_groups": 0, "skipped_tests": 0, "decided": {}}
    lines: list[str] = []
    for gi, group in enumerate(data["testGroups"]):
        if not _applies(group, alg):
            counts["skipped_groups"] += 1
            counts["skipped_tests"] += len(group["tests"])
            continue
        pk = group["publicKey"]
        lines.append(f"GROUP {path.name}#{gi}")
        lines.append(f"KEY-DER {group['publicKeyDer']}")
        lines.append(f"KEY-PEM {_hex(group['publicKeyPem'].encode())}")
        if alg.startswith(("RS", "PS")):
            lines.append(f"KEY-RSA {pk['modulus']} {pk['publicExponent']}")
            lines.append(f"INFO RSA {group['keySize']} -")
        elif alg.startswith("ES"):
            tag, size = CURVE_TAG[pk["curve"]]
            lines.append(f"KEY-EC {tag} {_fixed(pk['wx'], size)} {_fixed(pk['wy'], size)}")
            lines.append(f"INFO EC {pk['keySize']} {tag}")
        else:
            lines.append(f"KEY-OKP Ed25519 {pk['pk']}")
            lines.append("INFO OKP 256 Ed25519")
        for t in group["tests"]:
            result = t["result"]
            if result == "acceptable":
                decisions = {ACCEPTABLE.get(f) for f in t["flags"]}
                assert None not in decisions, f"{path.name} tcId {t['tcId']}: decide flags {t['flags']} in ACCEPTABLE"
                assert len(decisions) == 1, f"{path.name} tcId {t['tcId']}: flags {t['flags']} disagree"
                expect = decisions.pop()
                for f in t["flags"]:
                    counts["decided"][f] = "accepted" if expect else "rejected"
            else:
                expect = result == "valid"
            counts[result] += 1
            lines.append(f"VERIFY {alg} {_hex(bytes.fromhex(t['msg']))} {_hex(bytes.fromhex(t['sig']))} "
                         f"{int(expect)} {result}:{t['tcId']}")
    return lines, counts


@pytest.mark.parametrize("name", sorted(WYCHEPROOF_FILES))
def test_wycheproof(cprog: CProgram, name: str):
    alg = WYCHEPROOF_FILES[name]
    lines, counts = wycheproof_lines(WYCHEPROOF / name, alg)
    cats, passed, failed, proc = cprog.run("\n".join(lines) + "\n")
    print(
        f"\n{name} ({alg}): valid ok {cats.get('valid', (0, 0))[0]}/{counts['valid']}, "
        f"invalid rejected {cats.get('invalid', (0, 0))[0]}/{counts['invalid']}, "
        f"acceptable handled {cats.get('acceptable', (0, 0))[0]}/{counts['acceptable']}"
        f"{' ' + str(counts['decided']) if counts['decided'] else ''}, "
        f"skipped {counts['skipped_tests']} tests in {counts['skipped_groups']} groups; "
        f"C: {passed} passed, {failed} failed"
    )
    assert failed == 0 and proc.returncode == 0, proc.stderr[-6000:]
    for result in ("valid", "invalid", "acceptable"):
        assert cats.get(result, (0, 0)) == (counts[result], 0), (result, cats)
    assert counts["valid"] > 0 and counts["invalid"] > 0
    # every group's key loads three ways and reports the right family/size
    assert cats["load"][1] == 0 and cats["info"][1] == 0


# --------------------------------------------------------------------------
# known answers: RFC 7515 Appendix A, RFC 7520 4.1-4.3, RFC 8037


def b64u(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwk_key_line(jwk: dict, private: bool) -> str:
    h = lambda name: _hex(b64u(jwk[name]))  # noqa: E731
    if jwk["kty"] == "RSA":
        names = ["n", "e"] + (["d", "p", "q", "dp", "dq", "qi"] if private else [])
        return "KEY-RSA " + " ".join(h(n) for n in names)
    if jwk["kty"] == "EC":
        return f"KEY-EC {jwk['crv']} {h('x')} {h('y')}" + (f" {h('d')}" if private else "")
    return f"KEY-OKP {jwk['crv']} {h('x')}" + (f" {h('d')}" if private else "")


def _kat(name: str, jwk: dict, alg: str, signing_input: str, sig_b64u: str, deterministic: bool) -> list[str]:
    msg = _hex(signing_input.encode("ascii"))
    sig = b64u(sig_b64u)
    bad = bytearray(sig)
    bad[-1] ^= 1
    lines = [f"GROUP {name}", jwk_key_line(jwk, private=False), jwk_key_line(jwk, private=True)]
    lines.append(f"VERIFY {alg} {msg} {_hex(sig)} 1 kat:{name}")
    lines.append(f"VERIFY {alg} {msg} {_hex(bytes(bad))} 0 kat:{name}-tampered")
    lines.append(f"VERIFY {alg} {_hex(signing_input.encode() + b'x')} {_hex(sig)} 0 kat:{name}-other-message")
    if deterministic:
        lines.append(f"SIGN {alg} {msg} {_hex(sig)} {name}")
    lines.append(f"ROUNDTRIP {alg} {msg}")
    return lines


def known_answer_lines() -> list[str]:
    lines = []
    lines += _kat("rfc7515-A.2", RFC7515_A2_JWK, "RS256", "eyJhbGciOiJSUzI1NiJ9." + RFC7515_PAYLOAD,
                  RFC7515_A2_SIG, deterministic=True)
    lines += _kat("rfc7515-A.3", RFC7515_A3_JWK, "ES256", "eyJhbGciOiJFUzI1NiJ9." + RFC7515_PAYLOAD,
                  RFC7515_A3_SIG, deterministic=False)
    lines += _kat("rfc7515-A.4", RFC7515_A4_JWK, "ES512", RFC7515_A4_INPUT, RFC7515_A4_SIG, deterministic=False)
    for rel in ("jws/4_1.rsa_v15_signature.json", "jws/4_2.rsa-pss_signature.json",
                "jws/4_3.ecdsa_signature.json", "curve25519/jws.json"):
        doc = json.loads((COOKBOOK / rel).read_text())
        name = "rfc8037-A.4" if rel.startswith("curve25519") else "rfc7520-" + rel.split("/")[1][:3].replace("_", ".")
        lines += _kat(name, doc["input"]["key"], doc["input"]["alg"], doc["signing"]["sig-input"],
                      doc["signing"]["sig"], deterministic=bool(doc.get("reproducible")))
    # keys that must be refused, built from the same known material
    n, e = (_hex(b64u(RFC7515_A2_JWK[k])) for k in ("n", "e"))
    x, y, d = (_hex(b64u(RFC7515_A3_JWK[k])) for k in ("x", "y", "d"))
    garbage_pem = _hex(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    lines += [
        "GROUP refused",
        f"NOKEY-RSA {n} 01 e=1",
        f"NOKEY-RSA {n} 010000 e-even",
        f"NOKEY-RSA {n} {n} e=n",
        f"NOKEY-RSA {n} - e-empty",
        f"NOKEY-RSA {n} {e} {_hex(b64u(RFC7515_A2_JWK['d']))} {_hex(b64u(RFC7515_A2_JWK['p']))} partial-crt",
        f"NOKEY-EC P-384 {x} {y} wrong-curve-length",
        f"NOKEY-EC secp256k1 {x} {y} point-not-on-secp256k1",
        f"NOKEY-EC P-256 {x} {y[:-2]}{int(y[-2:], 16) ^ 1:02x} off-curve",
        f"NOKEY-EC P-256 00{x} {y} x-with-leading-zero",
        f"NOKEY-EC P-256 {x} {y} 00{d} d-too-long",
        f"NOKEY-OKP Ed25519 {'00' * 31} short-public",
        f"NOKEY-PEM {garbage_pem} garbage-pem",
        f"NOKEY-PEM {_hex(b'no pem here')} no-pem",
        "NOKEY-DER 3000 empty-sequence",
        "NOKEY-DER - empty",
    ]
    return lines


def test_known_answers(cprog: CProgram):
    cats, passed, failed, proc = cprog.run("\n".join(known_answer_lines()) + "\n")
    print(f"\nknown answers: {cats}")
    assert failed == 0 and proc.returncode == 0, proc.stderr[-6000:]
    # 7 vectors, each with a public and a private key, plus tampered/other-message rejections
    refused = sum(1 for ln in known_answer_lines() if ln.startswith("NOKEY-"))
    assert cats["kat"][0] >= 7 * 3 and cats["nokey"] == (refused, 0)


# --------------------------------------------------------------------------
# generated keys: every loader, every algorithm, negative key forms, threads

ROUNDTRIP_PLAN = """
GROUP rsa-2048
GEN RSA-2048
INFO RSA 2048 -
ROUNDTRIP RS256 {m}
ROUNDTRIP RS384 {m}
ROUNDTRIP RS512 -
ROUNDTRIP PS256 {m}
ROUNDTRIP PS384 {m}
ROUNDTRIP PS512 {m}
UNSUPPORTED ES256
UNSUPPORTED ES256K
UNSUPPORTED EdDSA
UNSUPPORTED HS256
UNSUPPORTED none
THREADS RS256 {m} 4 200
THREADS PS256 {m} 4 100
GROUP rsa-512
GEN RSA-512
INFO RSA 512 -
ROUNDTRIP RS256 {m}
NOSIGN RS384
NOSIGN RS512
NOSIGN PS256
NOSIGN PS512
GROUP p-256
GEN P-256
INFO EC 256 P-256
ROUNDTRIP ES256 {m}
ROUNDTRIP ES256 -
UNSUPPORTED ES384
UNSUPPORTED ES512
UNSUPPORTED ES256K
UNSUPPORTED RS256
UNSUPPORTED PS256
UNSUPPORTED EdDSA
THREADS ES256 {m} 4 100
GROUP p-384
GEN P-384
INFO EC 384 P-384
ROUNDTRIP ES384 {m}
UNSUPPORTED ES256
UNSUPPORTED ES512
GROUP p-521
GEN P-521
INFO EC 521 P-521
ROUNDTRIP ES512 {m}
UNSUPPORTED ES384
UNSUPPORTED ES256
GROUP secp256k1
GEN secp256k1
INFO EC 256 secp256k1
ROUNDTRIP ES256K {m}
UNSUPPORTED ES256
GROUP ed25519
GEN Ed25519
INFO OKP 256 Ed25519
ROUNDTRIP EdDSA {m}
ROUNDTRIP EdDSA -
UNSUPPORTED ES256
UNSUPPORTED RS256
THREADS EdDSA {m} 4 100
GROUP ed448
GEN Ed448
INFO OKP 456 Ed448
ROUNDTRIP EdDSA {m}
UNSUPPORTED ES512
"""


# RFC 8032 7.4 "blank" Ed448 public key, and the same key as a PUBLIC KEY PEM
ED448_PUBLIC = ("5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d"
                "80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180")
ED448_PEM = b"-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(
    bytes.fromhex("3043300506032b6571033a00" + ED448_PUBLIC)) + b"-----END PUBLIC KEY-----\n"


def roundtrip_plan() -> str:
    """ROUNDTRIP_PLAN for the backend under test: aws-lc has no Ed448, so there
    the core must refuse Ed448 keys in every form (the binding routes them to
    the cryptography package; tests/unit/test_backend.py)."""
    if awslc_prefix() is None:
        return ROUNDTRIP_PLAN
    head, sep, _ = ROUNDTRIP_PLAN.partition("GROUP ed448\n")
    assert sep, "the plan's ed448 group moved"
    return head + ("GROUP ed448-not-in-aws-lc\n"
                   f"NOKEY-OKP Ed448 {ED448_PUBLIC} raw-public\n"
                   f"NOKEY-PEM {_hex(ED448_PEM)} spki-pem\n")


def test_generated_keys_roundtrip(cprog: CProgram):
    msg = b"eyJhbGciOiJ0ZXN0In0.eyJzdWIiOiJ0dXJib2p3dCJ9"
    cats, passed, failed, proc = cprog.run(roundtrip_plan().format(m=msg.hex()))
    print(f"\ngenerated keys: {passed} passed, {failed} failed; {cats}")
    assert failed == 0 and proc.returncode == 0, proc.stderr[-6000:]
    for cat in ("load", "nokey", "info", "roundtrip", "unsupported", "nosign", "threads"):
        assert cats.get(cat, (0, 0))[0] > 0 and cats[cat][1] == 0, (cat, cats)
    assert "errqueue" not in cats


def test_c_program_reports_failures(cprog: CProgram):
    """The harness itself can fail: a wrong expectation and a bad key line are counted."""
    a3 = _kat("flip", RFC7515_A3_JWK, "ES256", "eyJhbGciOiJFUzI1NiJ9." + RFC7515_PAYLOAD, RFC7515_A3_SIG, False)
    wrong = [ln.replace(" 1 kat:flip", " 0 kat:flip") if ln.endswith(" 1 kat:flip") else ln for ln in a3]
    wrong.append("KEY-EC P-256 00 00")
    cats, passed, failed, proc = cprog.run("\n".join(wrong) + "\n")
    assert failed == 2 and proc.returncode == 1, (cats, proc.stderr)
