#!/usr/bin/env python3
"""Write the seed corpus of one fuzz target into a directory.

    python fuzz/make_corpus.py TARGET OUTDIR

Seeds come from the repository's test vectors (tests/vectors/jose-cookbook:
the compact JWS of RFC 7520 sections 4.1-4.5; RFC 7515 Appendix A.1-A.4 from
tests/_rfc7515.py) plus a few crafted tokens and JSON documents that reach
the header rules (crit, b64, kid, duplicates) and the claim checks. The HS256
and ES256 targets get tokens signed with their fixed keys (the cookbook 4.4
HMAC key; RFC 7515 A.3's P-256 key, signed with `cryptography` when it is
installed), so the fuzzer starts past the signature check. Nothing here is
committed as files: the corpus is regenerated on every run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

HS_SECRET = base64.urlsafe_b64decode("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg=")
NOW = 1700000000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def j(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def vector_tokens() -> list[str]:
    out = []
    for p in sorted((ROOT / "tests/vectors/jose-cookbook").rglob("*.json")):
        try:
            doc = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        items = doc if isinstance(doc, list) else [doc]
        for d in items:
            if not isinstance(d, dict):
                continue
            comp = (d.get("output") or {}).get("compact")
            if isinstance(comp, str):
                out.append(comp)
    try:
        import _rfc7515 as r
        out.append("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + r.RFC7515_PAYLOAD
                   + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        out.append(b64(b'{"alg":"RS256"}') + "." + r.RFC7515_PAYLOAD + "." + r.RFC7515_A2_SIG)
        out.append(b64(b'{"alg":"ES256"}') + "." + r.RFC7515_PAYLOAD + "." + r.RFC7515_A3_SIG)
        out.append(r.RFC7515_A4_INPUT + "." + r.RFC7515_A4_SIG)
    except ImportError:
        pass
    return out


HEADERS = [
    {"alg": "HS256", "typ": "JWT"},
    {"alg": "HS256", "kid": "k1"},
    {"alg": "HS256", "kid": 7},
    {"alg": "none"},
    {"alg": "ES256", "crit": ["b64"], "b64": False},
    {"alg": "HS256", "crit": ["b64"], "b64": True},
    {"alg": "HS256", "crit": ["exp"]},
    {"alg": "HS256", "crit": []},
    {"alg": "HS256", "crit": [1]},
    {"alg": "HS256", "b64": False},
    {"alg": "HS256", "jwk": {"kty": "oct", "k": "AAAA"}, "jku": "https://x", "x5u": "https://x", "x5c": ["MII="]},
    {"alg": "XS999"},
    {"alg": ["HS256"]},
]
RAW_HEADERS = [
    b'{"alg":"HS256","alg":"none"}',
    b'{"\\u0061lg":"HS256"}',
    b'{"alg":"HS256","kid":"\\ud83d\\ude00"}',
    b' { "alg" : "HS256" , "typ" : "JWT" } ',
]
PAYLOADS = [
    {"sub": "1234567890", "name": "John Doe", "iat": NOW - 100},
    {"exp": NOW + 3600, "iat": NOW - 10, "nbf": NOW - 10, "iss": "urn:iss", "aud": "urn:aud",
     "sub": "s", "jti": "j"},
    {"exp": NOW + 3600, "iat": NOW, "iss": "urn:iss", "aud": ["urn:aud", "x"]},
    {"exp": NOW - 3600, "iat": NOW - 7200, "iss": "urn:iss", "aud": "urn:aud"},
    {"exp": NOW + 3600.5, "iat": "1", "iss": "urn:is", "aud": "urn:aud"},
    {"exp": NOW + 3600, "iat": NOW + 3600, "nbf": True, "iss": ["urn:iss"], "aud": 5},
    {"exp": 10 ** 30, "iat": -0.0, "iss": None, "aud": [], "sub": 1, "jti": 2},
]
RAW_PAYLOADS = [
    b'{"exp":1e400,"iat":-1E-5,"aud":"urn:aud","iss":"urn:iss","exp":1700003600}',
    b'{"a":[[[[[[[[[[{}]]]]]]]]]],"s":"\\u00e9\\n\\"","n":-12.5e+3}',
]

JSON_DOCS = [
    b"{}", b"[]", b"null", b"true", b"false", b"0", b"-0", b"1.5e-7", b"123456789012345678901",
    b'"a\\u00e9\\ud83d\\ude00\\n"', b'{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
    b'[1,[2,[3,[4,[5]]]]]', b"NaN", b"[Infinity]", b'"\xc3\xa9"', b'"\xed\xa0\x80"',
    b'"\\ud800"', b"\xef\xbb\xbf{}", b"[" * 70 + b"]" * 70, b'{"a":1,}', b"9" * 4301,
    b' \t\n\r{"k" : [ 1 , 2 ] }\n',
]


def hs_token(header: bytes, payload: bytes) -> str:
    si = (b64(header) + "." + b64(payload)).encode()
    return si.decode() + "." + b64(hmac.new(HS_SECRET, si, hashlib.sha256).digest())


def es_signer():
    try:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        import _rfc7515 as r
    except ImportError:
        return None
    d = int.from_bytes(base64.urlsafe_b64decode(r.RFC7515_A3_JWK["d"] + "=="), "big")
    key = ec.derive_private_key(d, ec.SECP256R1())

    def sign(header: bytes, payload: bytes) -> str:
        si = (b64(header) + "." + b64(payload)).encode()
        rr, ss = decode_dss_signature(key.sign(si, ec.ECDSA(hashes.SHA256())))
        return si.decode() + "." + b64(rr.to_bytes(32, "big") + ss.to_bytes(32, "big"))
    return sign


def all_headers() -> list[bytes]:
    return [j(h) for h in HEADERS] + RAW_HEADERS


def all_payloads() -> list[bytes]:
    return [j(p) for p in PAYLOADS] + RAW_PAYLOADS


def seeds(target: str) -> list[bytes]:
    toks = vector_tokens()
    if target == "fuzz_b64url":
        out = []
        for t in toks:
            for seg in t.split("."):
                out.append(seg.encode())
                pad = "=" * (-len(seg) % 4)
                if pad:
                    out.append((seg + pad).encode())
        out += [b"", b"QQ", b"QQ==", b"QR", b"QUI", b"QUI=", b"Q", b"+/==", b"-_8", b"A" * 1000]
        return out
    if target == "fuzz_json":
        out = list(JSON_DOCS) + all_headers() + all_payloads()
        for t in toks:
            for seg in t.split(".")[:2]:
                try:
                    out.append(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))
                except ValueError:  # binascii.Error: not base64url
                    pass
        return out
    if target == "fuzz_header":
        out = []
        for t in toks:
            out += [b"\x00" + t.encode(), b"\x01" + t.encode()]
        for h in all_headers():
            for p in all_payloads()[:3]:
                tok = (b64(h) + "." + b64(p) + ".c2ln").encode()
                out += [b"\x00" + tok, b"\x01" + tok, b"\x0b" + tok]
            det = (b64(h) + "..c2ln\n").encode() + j(PAYLOADS[1])
            out += [b"\x01" + det, b"\x00" + det]
        return out
    if target == "fuzz_verify_hs256":
        out = [t.encode() for t in toks]
        for h in all_headers():
            for p in all_payloads():
                out.append(hs_token(h, p).encode())
        return out
    if target == "fuzz_verify_es256":
        out = [t.encode() for t in toks]
        sign = es_signer()
        hs = [j({"alg": "ES256"}), j({"alg": "ES256", "typ": "JWT", "kid": "a"}),
              j({"alg": "ES256", "crit": ["b64"], "b64": True}), j({"alg": "HS256"}), j({"alg": "none"})]
        for h in hs:
            for p in all_payloads():
                if sign is not None:
                    out.append(sign(h, p).encode())
                else:
                    out.append((b64(h) + "." + b64(p) + "." + "A" * 86).encode())
        # psychic signature: r = s = 0
        out.append((b64(hs[0]) + "." + b64(j(PAYLOADS[1])) + "." + b64(bytes(64))).encode())
        return out
    raise SystemExit("unknown target %r" % target)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    target, outdir = sys.argv[1], Path(sys.argv[2])
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.iterdir():
        old.unlink()
    items = seeds(target)
    for i, s in enumerate(items):
        (outdir / ("seed-%04d" % i)).write_bytes(s)
    print("%s: %d seeds in %s" % (target, len(items), outdir))


if __name__ == "__main__":
    main()
