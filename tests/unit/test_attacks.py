"""The attack catalogue: one short test per known attack on JWT verifiers.

Each test names, in its docstring, the CVE or advisory it pins, and asserts
two things: the documented turbojwt exception (exact class), and that it is
raised quickly. The time bound (ATTACK_TIME_LIMIT, a generous 1 s per call) is
a hang detector, not a benchmark: an oversized or deeply nested token must be
refused on sight, not after quadratic work.

Several of these attacks are also covered, with PyJWT side by side, in
tests/unit/test_hostile.py, tests/unit/test_asymmetric.py and tests/unit/test_jwk.py; this
file is the catalogue that lists them all in one place (docs/security.md).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time

import pytest
import turbojwt

ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives import serialization as ser  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

ATTACK_TIME_LIMIT = 1.0  # seconds per call; generous: a hang detector
SECRET = b"attack-catalogue-secret-0123456!"  # 32 bytes
NONE_HEADER = b'{"alg":"none"}'
ADMIN = b'{"sub":"admin"}'
ES_HEADER = b'{"alg":"ES256"}'
X_PAYLOAD = b'{"sub":"x"}'
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


# ---------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _bytes(x) -> bytes:
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode()
    return json.dumps(x, separators=(",", ":")).encode()


def hs_token(header=None, payload=None, key: bytes = SECRET) -> str:
    header = {"alg": "HS256", "typ": "JWT"} if header is None else header
    payload = {"sub": "user"} if payload is None else payload
    si = f"{b64url(_bytes(header))}.{b64url(_bytes(payload))}"
    return f"{si}.{b64url(hmac.new(key, si.encode(), hashlib.sha256).digest())}"


def es_token(priv, header=None, payload=None, sig: bytes | None = None) -> str:
    header = {"alg": "ES256"} if header is None else header
    payload = {"sub": "user"} if payload is None else payload
    si = f"{b64url(_bytes(header))}.{b64url(_bytes(payload))}"
    if sig is None:
        r, s = decode_dss_signature(priv.sign(si.encode(), ec.ECDSA(hashes.SHA256())))
        size = (priv.curve.key_size + 7) // 8
        sig = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return f"{si}.{b64url(sig)}"


def refused(cls, call, limit: float = ATTACK_TIME_LIMIT):
    """call() raises exactly cls (a turbojwt exception), within limit seconds."""
    start = time.perf_counter()
    with pytest.raises(turbojwt.PyJWTError) as info:
        call()
    elapsed = time.perf_counter() - start
    assert type(info.value) is cls, f"{type(info.value).__name__}: {info.value}"
    assert elapsed < limit, f"took {elapsed:.3f}s (hang detector: limit {limit}s)"
    return info.value


def decode(token, key=SECRET, algorithms=("HS256",), **kw):
    return turbojwt.decode(token, key, algorithms=list(algorithms), **kw)


@pytest.fixture(scope="module")
def keys():
    ec_priv = ec.derive_private_key(0x1234567890ABCDEF, ec.SECP256R1())
    attacker = ec.derive_private_key(0xBADBADBAD, ec.SECP256R1())
    p384 = ec.derive_private_key(0x42, ec.SECP384R1())
    rsa_priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "turbojwt attack test")])
    start = datetime.datetime(2020, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(rsa_priv.public_key()).serial_number(7)
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
            .sign(rsa_priv, hashes.SHA256()))
    spki = ser.PublicFormat.SubjectPublicKeyInfo
    pub_n = rsa_priv.public_key().public_numbers()

    def jwk_int(i: int) -> str:
        return b64url(i.to_bytes((i.bit_length() + 7) // 8, "big"))

    return {
        "ec": ec_priv,
        "ec_pem": ec_priv.public_key().public_bytes(ser.Encoding.PEM, spki),
        "attacker": attacker,
        "p384_pem": p384.public_key().public_bytes(ser.Encoding.PEM, spki),
        "rsa": rsa_priv,
        "rsa_pem": rsa_priv.public_key().public_bytes(ser.Encoding.PEM, spki),
        "ed_pem": ed.public_key().public_bytes(ser.Encoding.PEM, spki),
        "cert": cert,
        "confusion": {
            "pem-spki-rsa": rsa_priv.public_key().public_bytes(ser.Encoding.PEM, spki),
            "pem-pkcs1-rsa": rsa_priv.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.PKCS1),
            "pem-spki-rsa-str": rsa_priv.public_key().public_bytes(ser.Encoding.PEM, spki).decode(),
            "pem-certificate": cert.public_bytes(ser.Encoding.PEM),
            "ssh-rsa": rsa_priv.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH),
            "ssh-ecdsa": ec_priv.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH),
            "ssh-ed25519": ed.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH),
            "jwk-rsa-json": json.dumps({"kty": "RSA", "n": jwk_int(pub_n.n), "e": jwk_int(pub_n.e)}),
        },
    }


# ---------------------------------------------------------------- alg: none

NONE_SPELLINGS = ["none", "None", "NONE", "nOnE", "none ", " none", "none\u0000", "\\u006eone"]


@pytest.mark.parametrize("alg", NONE_SPELLINGS)
def test_alg_none_spellings_are_not_allowed(alg):
    """Advisory "Critical vulnerabilities in JSON Web Token libraries" (McLean, 2015; RFC 8725
    2.1 and 3.1): alg "none" accepted by a verifier holding a key, here in all its spellings.
    The algorithm comes from the caller's allow-list only."""
    raw = b'{"alg":"' + alg.encode() + b'"}' if alg.startswith("\\") else json.dumps({"alg": alg}).encode()
    token = f"{b64url(raw)}.{b64url(ADMIN)}."
    refused(turbojwt.InvalidAlgorithmError, lambda: decode(token))
    refused(turbojwt.InvalidAlgorithmError, lambda: decode(token[:-1] + ".c2ln"))


def test_alg_none_never_verifies_even_when_allowed():
    """RFC 8725 3.1 / the 2015 "alg none" advisory: "none" in the allow-list with a key is an
    InvalidKeyError; without a key the unsigned token still never verifies (InvalidSignatureError)."""
    token = f"{b64url(NONE_HEADER)}.{b64url(ADMIN)}."
    refused(turbojwt.InvalidKeyError, lambda: decode(token, algorithms=["none"]))
    refused(turbojwt.InvalidSignatureError, lambda: decode(token, key=None, algorithms=["none"]))


# ---------------------------------------------------------------- RS/HS key confusion


CONFUSION_FORMS = ["pem-spki-rsa", "pem-pkcs1-rsa", "pem-spki-rsa-str", "pem-certificate", "ssh-rsa",
                   "ssh-ecdsa", "ssh-ed25519", "jwk-rsa-json"]


@pytest.mark.parametrize("form", CONFUSION_FORMS)
@pytest.mark.parametrize("allowed", [["HS256"], ["RS256", "HS256"], ["HS256", "RS256", "ES256"]])
def test_rs_hs_key_confusion(keys, form, allowed):
    """CVE-2022-29217 (PyJWT: SSH/PEM public keys usable as HMAC secrets), CVE-2017-11424
    (PyJWT: PKCS#1 "BEGIN RSA PUBLIC KEY" PEM not recognised as a public key), CVE-2016-10555
    (jwt-simple) and CVE-2015-9235 (jsonwebtoken):
    the attacker MACs the token with the public key's bytes; public-key material is never an
    HMAC secret, whatever the allow-list."""
    key = keys["confusion"][form]
    forged = hs_token(payload={"sub": "admin"}, key=key.encode() if isinstance(key, str) else key)
    refused(turbojwt.InvalidKeyError, lambda: decode(forged, key=key, algorithms=allowed))


def test_rs_hs_confusion_with_a_prepared_public_key(keys):
    """CVE-2016-10555: a key already loaded as RSA public key cannot serve HS256."""
    forged = hs_token(payload={"sub": "admin"}, key=keys["rsa_pem"])
    v = turbojwt.Verifier(keys["rsa_pem"], ["RS256", "HS256"])
    refused(turbojwt.InvalidKeyError, lambda: v.decode(forged))


# ---------------------------------------------------------------- ECDSA


@pytest.mark.parametrize("r,s", [(0, 0), (P256_ORDER, P256_ORDER), (0, 1), (1, 0), (P256_ORDER, 1)],
                         ids=["zero", "order", "r-zero", "s-zero", "r-order"])
def test_psychic_ecdsa_signatures(keys, r, s):
    """CVE-2022-21449 ("psychic signatures", Java 15-18): r = 0 or s = 0 (or r, s = n) must never
    verify any message."""
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    token = es_token(keys["ec"], payload={"sub": "admin"}, sig=sig)
    refused(turbojwt.InvalidSignatureError, lambda: decode(token, key=keys["ec_pem"], algorithms=["ES256"]))


def test_ecdsa_der_signature_is_refused(keys):
    """RFC 7518 3.4 (JOSE ECDSA signatures are raw r||s): a DER-encoded signature, which some
    libraries accept (signature malleability, CWE-347), never verifies."""
    si = f"{b64url(ES_HEADER)}.{b64url(X_PAYLOAD)}"
    der = keys["ec"].sign(si.encode(), ec.ECDSA(hashes.SHA256()))
    refused(turbojwt.InvalidSignatureError,
            lambda: decode(f"{si}.{b64url(der)}", key=keys["ec_pem"], algorithms=["ES256"]))


@pytest.mark.parametrize("case", ["p384-key-es256", "p256-key-es384", "rsa-key-es256", "ed-key-es256",
                                  "ec-key-eddsa", "ec-key-rs256"])
def test_algorithm_curve_mismatch(keys, case):
    """RFC 7518 3.4 / RFC 8725 3.1 (algorithm and key must match; the CVE-2022-29217 family):
    a key serves only its own family, and an EC key only the algorithm of its curve."""
    key, alg = {
        "p384-key-es256": (keys["p384_pem"], "ES256"),
        "p256-key-es384": (keys["ec_pem"], "ES384"),
        "rsa-key-es256": (keys["rsa_pem"], "ES256"),
        "ed-key-es256": (keys["ed_pem"], "ES256"),
        "ec-key-eddsa": (keys["ec_pem"], "EdDSA"),
        "ec-key-rs256": (keys["ec_pem"], "RS256"),
    }[case]
    header = b64url(json.dumps({"alg": alg}).encode())
    token = f"{header}.{b64url(b'{}')}.{b64url(bytes(64))}"
    refused(turbojwt.InvalidKeyError, lambda: decode(token, key=key, algorithms=[alg]))


# ---------------------------------------------------------------- keys and URLs in the header


def _attacker_jwk(keys):
    nums = keys["attacker"].public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(nums.x.to_bytes(32, "big")),
            "y": b64url(nums.y.to_bytes(32, "big"))}


@pytest.mark.parametrize("param", ["jwk", "jku", "x5u", "x5c", "all"])
def test_attacker_keys_and_urls_in_header_are_ignored(keys, param):
    """CVE-2018-0114 (node-jose: embedded "jwk" trusted), and the jku/x5u/x5c header injection
    class (RFC 8725 3.10, "do not trust received claims"): keys and URLs in the token's header are
    never used or fetched; the token signed with the attacker's key fails the caller's key."""
    cert_der = keys["cert"].public_bytes(ser.Encoding.DER)
    values = {
        "jwk": _attacker_jwk(keys),
        "jku": "http://127.0.0.1:9/jwks.json",
        "x5u": "http://127.0.0.1:9/cert.pem",
        "x5c": [base64.b64encode(cert_der).decode()],
    }
    header = {"alg": "ES256"}
    header.update(values if param == "all" else {param: values[param]})
    forged = es_token(keys["attacker"], header=header, payload={"sub": "admin"})
    refused(turbojwt.InvalidSignatureError, lambda: decode(forged, key=keys["ec_pem"], algorithms=["ES256"]))


# ---------------------------------------------------------------- crit and b64


@pytest.mark.parametrize("crit", [["exp"], ["x-custom"], ["b64", "x-custom"], [], "b64", [1], [None], ["b64"]],
                         ids=["exp", "custom", "b64-and-custom", "empty", "string", "int", "null", "absent"])
def test_crit_rules(crit):
    """CVE-2026-32597 (per issue 7: PyJWT accepted tokens whose "crit" lists extensions it
    does not understand; RFC 7515 4.1.11): unknown extensions, a malformed crit, and a crit
    naming a parameter absent from the header are all refused."""
    header = {"alg": "HS256", "crit": crit, "x-custom": 1, "exp": 1}
    token = hs_token(header=header)
    refused(turbojwt.InvalidTokenError, lambda: decode(token))
    refused(turbojwt.InvalidTokenError, lambda: turbojwt.get_unverified_header(token))


def _detached(header, payload=b'{"sub":"d"}', segment=""):
    h = b64url(json.dumps(header).encode())
    sig = b64url(hmac.new(SECRET, f"{h}.".encode() + payload, hashlib.sha256).digest())
    return f"{h}.{segment}.{sig}", payload


@pytest.mark.parametrize("case", ["b64-not-in-crit", "segment-not-empty", "no-detached", "detached-unasked",
                                  "b64-zero"])
def test_b64_false_rules(case):
    """RFC 7797 section 3 and 6 (unencoded payload option): b64=false must be listed in crit,
    the compact payload segment must be empty, the detached payload must be given, and a
    detached payload is refused for a normally encoded token."""
    good = {"alg": "HS256", "b64": False, "crit": ["b64"]}
    if case == "b64-not-in-crit":
        tok, det = _detached({"alg": "HS256", "b64": False})
        refused(turbojwt.InvalidTokenError, lambda: decode(tok, detached_payload=det))
    elif case == "segment-not-empty":
        tok, det = _detached(good, segment=b64url(b'{"sub":"d"}'))
        refused(turbojwt.DecodeError, lambda: decode(tok, detached_payload=det))
    elif case == "no-detached":
        tok, _ = _detached(good)
        refused(turbojwt.DecodeError, lambda: decode(tok))
    elif case == "detached-unasked":
        refused(turbojwt.DecodeError, lambda: decode(hs_token(), detached_payload=b'{"sub":"user"}'))
    else:
        tok, det = _detached({"alg": "HS256", "b64": 0, "crit": ["b64"]})
        refused(turbojwt.DecodeError, lambda: decode(tok, detached_payload=det))


# ---------------------------------------------------------------- encoding


@pytest.mark.parametrize("case", ["trailing-bits", "plus", "slash", "inner-padding", "three-pads",
                                  "len-1-mod-4", "whitespace", "std-alphabet-sig"])
def test_non_canonical_base64url(case):
    """RFC 7515 section 2 / RFC 4648 section 3.5 (canonical encoding; token malleability,
    CWE-347 via lenient base64): every byte string has exactly one accepted
    encoding; non-zero trailing bits, the standard alphabet, inner padding are refused."""
    good = hs_token()
    h, p, s = good.split(".")
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    tweaks = {
        # 43 chars encode 32 bytes: the last char carries 2 unused bits; set them.
        "trailing-bits": f"{h}.{p}.{s[:-1]}{last[(last.index(s[-1]) | 3)]}",
        "plus": f"{h}.{p}.+{s[1:]}",
        "slash": f"{h}.{p}./{s[1:]}",
        "inner-padding": f"{h}.{p[:4]}={p[4:]}.{s}",
        "three-pads": f"{h}.{p}.{s}===",
        "len-1-mod-4": f"{h}.{p}.{s}AA",  # 43 + 2 = 45 characters
        "whitespace": f"{h}.{p[:4]} {p[4:]}.{s}",
        "std-alphabet-sig": f"{h}.{p}.{s.replace('-', '+').replace('_', '/')}",
    }
    token = tweaks[case]
    if token == good:  # e.g. no '-'/'_' in this signature: craft one that has them
        pytest.skip("signature has no URL-safe-only characters")
    refused(turbojwt.DecodeError, lambda: decode(token))


@pytest.mark.parametrize("raw", [
    b'{"alg":"HS256","alg":"none"}',
    b'{"alg":"HS256","\\u0061lg":"none"}',
    b'{"alg":"HS256","kid":"a","kid":"b"}',
], ids=["plain", "escaped", "kid"])
def test_duplicate_header_names(raw):
    """RFC 7515 section 4 ("Header Parameter names MUST be unique"; the parser-differential
    attack where two parsers read different "alg" values): duplicates are a DecodeError."""
    token = hs_token(header=raw)
    refused(turbojwt.DecodeError, lambda: decode(token))
    refused(turbojwt.DecodeError, lambda: turbojwt.get_unverified_header(token))


@pytest.mark.parametrize("where,raw", [
    ("header", b'{"alg":"HS256","x":"\xff"}'),
    ("header", b'{"alg":"HS256","x":"\xc0\xaf"}'),
    ("header", b'{"alg":"HS256","x":"\xed\xa0\x80"}'),
    ("payload", b'{"sub":"\xf4\x90\x80\x80"}'),
    ("payload", b'{"sub":"\\ud800"}'),
    ("payload", b'\xef\xbb\xbf{"sub":"x"}'),
], ids=["ff", "overlong", "surrogate", "above-10ffff", "lone-surrogate-escape", "bom"])
def test_invalid_utf8(where, raw):
    """RFC 8259 section 8.1 / RFC 7515 (JSON text must be valid UTF-8; lone surrogates and BOMs
    refused: parser-differential confusion): a DecodeError, never a crash."""
    token = hs_token(header=raw) if where == "header" else hs_token(payload=raw)
    refused(turbojwt.DecodeError, lambda: decode(token))


# ---------------------------------------------------------------- size and nesting


def test_oversized_token():
    """CWE-400 resource exhaustion (the CVE-2024-33664 python-jose "JWT bomb" class):
    a token over the 1 MiB limit (tj_limits.h) is refused on its length."""
    big = hs_token(payload={"x": "y" * (1024 * 1024)})
    refused(turbojwt.DecodeError, lambda: decode(big), limit=0.2)
    refused(turbojwt.DecodeError, lambda: turbojwt.get_unverified_header(big), limit=0.2)
    refused(turbojwt.DecodeError, lambda: decode("." * (8 * 1024 * 1024)), limit=0.2)


def test_oversized_header():
    """CWE-400 (header parameter flooding; duplicate detection is quadratic): more than 64
    header parameters (TJ_MAX_HEADER_PARAMS) is a DecodeError, quickly, even near 1 MiB."""
    header = {"alg": "HS256", **{f"p{i}": 0 for i in range(60_000)}}
    token = hs_token(header=header)
    assert len(token) < 1024 * 1024
    refused(turbojwt.DecodeError, lambda: decode(token))
    refused(turbojwt.DecodeError, lambda: turbojwt.get_unverified_header(token))


def test_oversized_payload_with_many_members():
    """CWE-400 (hash-flooding style payloads): a near-limit payload of many members and a
    huge string still decodes or fails within the hang bound; nothing quadratic."""
    members = {f"m{i}": i for i in range(40_000)}
    token = hs_token(payload=members, key=SECRET)
    assert len(token) < 1024 * 1024
    start = time.perf_counter()
    assert len(decode(token)) == 40_000
    assert time.perf_counter() - start < ATTACK_TIME_LIMIT


@pytest.mark.parametrize("where", ["header", "payload", "exp"])
def test_oversized_numbers(where):
    """CVE-2020-10735 (CPython: quadratic int() of huge digit strings): integers over 4300
    digits (Python's int_max_str_digits) are a DecodeError, quickly."""
    digits = b"9" * 700_000
    if where == "header":
        token = hs_token(header=b'{"alg":"HS256","x":' + digits + b"}")
    elif where == "payload":
        token = hs_token(payload=b'{"x":' + digits + b"}")
    else:
        token = hs_token(payload=b'{"exp":' + digits + b"}")
    refused(turbojwt.DecodeError, lambda: decode(token))


def test_huge_exponent_float_claims():
    """CWE-681 (float overflow in time claims; PyJWT: int(inf) raises OverflowError inside
    claim validation): exp = 1e400 ends in DecodeError, never OverflowError."""
    token = hs_token(payload=b'{"exp":1e400}')
    refused(turbojwt.DecodeError, lambda: decode(token))
    token = hs_token(payload=b'{"iat":-1e400}')
    refused(turbojwt.InvalidIssuedAtError, lambda: decode(token))


@pytest.mark.parametrize("where", ["header", "payload"])
@pytest.mark.parametrize("kind", ["array", "object"])
def test_deep_nesting(where, kind):
    """CVE-2020-36518-class (jackson-databind) stack exhaustion by deep nesting: 64 levels at
    most (TJ_JSON_MAX_DEPTH); 200000 levels are a DecodeError, not a RecursionError or crash."""
    n = 200_000
    deep = b"[" * n + b"]" * n if kind == "array" else b'{"a":' * n + b"1" + b"}" * n
    raw = b'{"alg":"HS256","x":' + deep + b"}" if where == "header" else b'{"x":' + deep + b"}"
    token = hs_token(header=raw) if where == "header" else hs_token(payload=raw)
    refused(turbojwt.DecodeError, lambda: decode(token))


# ---------------------------------------------------------------- claims


@pytest.mark.parametrize("iss,expected", [
    ("__abc__", "abc"), ("ab", "abc"), ("abcd", "abc"), ("a", "abc"), ("", "abc"),
    ("b", ["abc"]), ("abc ", ["abc", "def"]),
])
def test_iss_partial_match(iss, expected):
    """CVE-2024-53861 (PyJWT 2.10.0: `iss` checked with `in` against a string, so a
    substring like "_abc_" matched "__abc__"): the issuer must match exactly."""
    token = hs_token(payload={"iss": iss})
    refused(turbojwt.InvalidIssuerError, lambda: decode(token, issuer=expected))


@pytest.mark.parametrize("iss", [["abc"], {"abc": 1}, 1, None, True])
def test_iss_typing(iss):
    """CVE-2024-53861 (sequence iss compared with `in`): an iss that is not a string is an
    InvalidIssuerError, never a match."""
    token = hs_token(payload={"iss": iss})
    refused(turbojwt.InvalidIssuerError, lambda: decode(token, issuer="abc"))


@pytest.mark.parametrize("aud", [5, ["urn:abc", 5], {"urn:abc": 1}, True, [["urn:abc"]]],
                         ids=["int", "list-with-int", "object", "bool", "nested-list"])
def test_aud_typing(aud):
    """RFC 7519 4.1.3 (aud is a string or an array of strings; GHSA-class audience
    confusion): any other type is an InvalidAudienceError, never a match."""
    token = hs_token(payload={"aud": aud})
    refused(turbojwt.InvalidAudienceError, lambda: decode(token, audience="urn:abc"))


@pytest.mark.parametrize("aud,expected,strict", [
    ("urn:ab", "urn:abc", False), ("urn:abcd", "urn:abc", False), (["urn:x"], ["urn:abc"], False),
    (["urn:abc"], "urn:abc", True),
])
def test_aud_partial_and_strict(aud, expected, strict):
    """CVE-2024-53861 pattern applied to aud, and strict_aud (PyJWT 2.10): no substring or
    container confusion; under strict_aud a list never matches."""
    token = hs_token(payload={"aud": aud})
    refused(turbojwt.InvalidAudienceError,
            lambda: decode(token, audience=expected, options={"strict_aud": strict}))


@pytest.mark.parametrize("kid", [1, None, ["a"], {"a": 1}, True], ids=["int", "null", "list", "object", "bool"])
def test_kid_not_a_string(kid):
    """RFC 7515 4.1.4 and PyJWT 2.10's rule (kid must be a string; a non-string kid used as a
    key-set lookup key can select unintended keys, CWE-843 type confusion)."""
    token = hs_token(header={"alg": "HS256", "kid": kid})
    refused(turbojwt.InvalidTokenError, lambda: decode(token))
    refused(turbojwt.InvalidTokenError, lambda: turbojwt.get_unverified_header(token))
