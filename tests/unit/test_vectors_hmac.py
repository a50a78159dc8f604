"""Known answers for HMAC: Project Wycheproof, RFC 7515 Appendix A.1, RFC 7520 4.4 and 4.5.

The vectors live in tests/vectors/ with their sources and licences written down
(see the README.md files there). The Wycheproof groups run through the C
core's raw primitive (turbojwt._core.hmac_digest / hmac_verify); the RFC
examples run through the whole token path as well.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jwt as pyjwt
import pytest
import turbojwt
from turbojwt import _core

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
WYCHEPROOF = {
    "HS256": ("hmac_sha256_test.json", 256),
    "HS384": ("hmac_sha384_test.json", 384),
    "HS512": ("hmac_sha512_test.json", 512),
}


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_json(*parts: str):
    return json.loads((VECTORS.joinpath(*parts)).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- Wycheproof


@pytest.mark.parametrize("alg", sorted(WYCHEPROOF))
def test_wycheproof_hmac(alg):
    filename, hash_bits = WYCHEPROOF[alg]
    data = load_json("wycheproof", filename)
    assert data["algorithm"] == f"HMACSHA{hash_bits}"
    counts = {"valid": 0, "invalid": 0, "groups": 0, "skipped_groups": 0, "skipped_tests": 0}
    for group in data["testGroups"]:
        assert group["type"] == "MacTest"
        if group["tagSize"] != hash_bits:
            # A truncated tag is never a JWS signature (RFC 7518 3.2): not a known answer here.
            counts["skipped_groups"] += 1
            counts["skipped_tests"] += len(group["tests"])
            continue
        counts["groups"] += 1
        for test in group["tests"]:
            key, msg, tag = (bytes.fromhex(test[name]) for name in ("key", "msg", "tag"))
            label = f"{filename} tcId {test['tcId']} ({test['comment']})"
            assert len(key) * 8 == group["keySize"], label
            if test["result"] == "valid":
                assert _core.hmac_digest(key, alg, msg) == tag, label
                assert _core.hmac_verify(key, alg, msg, tag) is True, label
                counts["valid"] += 1
            else:
                assert test["result"] == "invalid", label
                assert _core.hmac_verify(key, alg, msg, tag) is False, label
                assert _core.hmac_digest(key, alg, msg) != tag, label
                counts["invalid"] += 1
    print(f"\n{filename}: {counts['groups']} groups run ({counts['valid']} valid, {counts['invalid']} invalid); "
          f"{counts['skipped_groups']} groups with truncated tags skipped ({counts['skipped_tests']} tests)")
    assert counts["groups"] >= 1 and counts["valid"] >= 1 and counts["invalid"] >= 1
    assert counts["skipped_groups"] == sum(1 for g in data["testGroups"] if g["tagSize"] != hash_bits)


@pytest.mark.parametrize("alg", sorted(WYCHEPROOF))
def test_wycheproof_truncated_tags_are_refused(alg):
    """The skipped groups' tags, valid for a truncated HMAC, never verify as a JWS signature."""
    filename, hash_bits = WYCHEPROOF[alg]
    data = load_json("wycheproof", filename)
    refused = 0
    for group in data["testGroups"]:
        if group["tagSize"] == hash_bits:
            continue
        for test in group["tests"]:
            key, msg, tag = (bytes.fromhex(test[name]) for name in ("key", "msg", "tag"))
            assert _core.hmac_verify(key, alg, msg, tag) is False, test["tcId"]
            if test["result"] == "valid":
                # The tag is a true prefix of the full one: only its length makes it wrong.
                assert _core.hmac_digest(key, alg, msg).startswith(tag), test["tcId"]
            refused += 1
    assert refused > 0


def test_hmac_tag_is_bound_to_its_hash():
    key, msg = b"k" * 64, b"message"
    tags = {alg: _core.hmac_digest(key, alg, msg) for alg in WYCHEPROOF}
    assert {alg: len(tag) for alg, tag in tags.items()} == {"HS256": 32, "HS384": 48, "HS512": 64}
    for alg in WYCHEPROOF:
        for other, tag in tags.items():
            assert _core.hmac_verify(key, alg, msg, tag) is (alg == other)
            # A tag padded or cut to the other hash's length does not pass either.
            assert _core.hmac_verify(key, alg, msg, tag[:32] + bytes(len(tags[alg]) - 32)) is (
                alg == "HS256" and other == "HS256")


# ---------------------------------------------------------------- RFC 7515 Appendix A.1

# Printed in RFC 7515 A.1.1: the header and payload contain "\r\n" line breaks.
RFC7515_A1_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
RFC7515_A1_JWK = {
    "kty": "oct",
    "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
}
RFC7515_A1_SIGNATURE = bytes([
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
    22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
])


def test_rfc7515_a1_hs256():
    key = b64url_decode(RFC7515_A1_JWK["k"])
    assert len(key) == 64
    header_seg, payload_seg, sig_seg = RFC7515_A1_TOKEN.split(".")
    assert b64url_decode(header_seg) == b'{"typ":"JWT",\r\n "alg":"HS256"}'
    assert b64url_decode(payload_seg) == (
        b'{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}')
    signing_input = f"{header_seg}.{payload_seg}".encode()
    assert _core.hmac_digest(key, "HS256", signing_input) == RFC7515_A1_SIGNATURE
    assert _core.hmac_verify(key, "HS256", signing_input, RFC7515_A1_SIGNATURE)

    expected = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
    # exp 1300819380 is March 2011: decode with the exp check off.
    options = {"verify_exp": False}
    claims = turbojwt.decode(RFC7515_A1_TOKEN, key, algorithms=["HS256"], options=options)
    assert claims == expected
    assert [type(v) for v in claims.values()] == [str, int, bool]
    complete = turbojwt.decode_complete(RFC7515_A1_TOKEN, key, algorithms=["HS256"], options=options)
    assert complete == {"payload": expected, "header": {"typ": "JWT", "alg": "HS256"},
                        "signature": RFC7515_A1_SIGNATURE}
    assert turbojwt.Verifier(key, ["HS256"], options=options, issuer="joe").decode(RFC7515_A1_TOKEN) == expected
    assert turbojwt.get_unverified_header(RFC7515_A1_TOKEN) == {"typ": "JWT", "alg": "HS256"}
    assert complete == pyjwt.decode_complete(RFC7515_A1_TOKEN, key, algorithms=["HS256"], options=options)

    with pytest.raises(turbojwt.ExpiredSignatureError):
        turbojwt.decode(RFC7515_A1_TOKEN, key, algorithms=["HS256"])
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(RFC7515_A1_TOKEN, key[:-1] + b"\0", algorithms=["HS256"], options=options)
    with pytest.raises(turbojwt.InvalidAlgorithmError):
        turbojwt.decode(RFC7515_A1_TOKEN, key, algorithms=["HS512"], options=options)


# ---------------------------------------------------------------- RFC 7520 4.4 and 4.5


def _cookbook(name):
    vector = load_json("jose-cookbook", "jws", name)
    assert vector["input"]["alg"] == "HS256"
    key = b64url_decode(vector["input"]["key"]["k"])
    return vector, key


def test_rfc7520_4_4_hs256_signature():
    vector, key = _cookbook("4_4.hmac-sha2_integrity_protection.json")
    signing_input = vector["signing"]["sig-input"].encode()
    signature = b64url_decode(vector["signing"]["sig"])
    token = vector["output"]["compact"]
    assert token == f"{vector['signing']['sig-input']}.{vector['signing']['sig']}"
    assert _core.hmac_verify(key, "HS256", signing_input, signature)
    assert _core.hmac_digest(key, "HS256", signing_input) == signature  # HMAC is deterministic: signing too
    assert b64url_decode(token.split(".")[1]) == vector["input"]["payload"].encode()
    assert turbojwt.get_unverified_header(token) == vector["signing"]["protected"]


@pytest.mark.parametrize("api", ["decode", "decode_complete", "verifier"])
def test_rfc7520_4_4_plain_text_payload(api):
    """The signature verifies, then the payload (plain text, not JSON) is refused as a claims set."""
    vector, key = _cookbook("4_4.hmac-sha2_integrity_protection.json")
    token = vector["output"]["compact"]
    head, sig = token.rsplit(".", 1)
    tampered = f"{head}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}"

    def run(tok):
        if api == "verifier":
            return turbojwt.Verifier(key, ["HS256"]).decode(tok)
        return getattr(turbojwt, api)(tok, key, algorithms=["HS256"])

    with pytest.raises(turbojwt.DecodeError, match="Invalid payload string") as info:
        run(token)
    assert type(info.value) is turbojwt.DecodeError  # not InvalidSignatureError: the signature held
    with pytest.raises(turbojwt.InvalidSignatureError):
        run(tampered)
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(token, key[:-1] + bytes([key[-1] ^ 1]), algorithms=["HS256"])
    # PyJWT agrees on both.
    with pytest.raises(pyjwt.DecodeError, match="Invalid payload string") as ref:
        pyjwt.decode(token, key, algorithms=["HS256"])
    assert type(ref.value) is pyjwt.DecodeError
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(tampered, key, algorithms=["HS256"])


def test_rfc7520_4_5_detached_content():
    """JWS detached content (RFC 7515 Appendix F), not RFC 7797: the payload segment is empty."""
    vector, key = _cookbook("4_5.signature_with_detached_content.json")
    token = vector["output"]["compact"]
    header_seg, payload_seg, sig_seg = token.split(".")
    assert payload_seg == ""
    payload = vector["input"]["payload"].encode()
    signing_input = f"{header_seg}.{base64.urlsafe_b64encode(payload).rstrip(b'=').decode()}".encode()
    assert signing_input.decode() == vector["signing"]["sig-input"]
    assert _core.hmac_verify(key, "HS256", signing_input, b64url_decode(sig_seg))
    # The compact token alone signs "header." plus nothing: the signature cannot hold ...
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(token, key, algorithms=["HS256"])
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(token, key, algorithms=["HS256"])
    # ... and detached_payload is only for b64=false headers (PyJWT 2.15's rule).
    with pytest.raises(turbojwt.DecodeError, match="b64"):
        turbojwt.decode(token, key, algorithms=["HS256"], detached_payload=payload)
    with pytest.raises(pyjwt.DecodeError, match="b64"):
        pyjwt.decode(token, key, algorithms=["HS256"], detached_payload=payload)
    # Re-attached, it verifies, and again the plain-text payload is no claims set.
    attached = f"{signing_input.decode()}.{sig_seg}"
    assert attached == vector["signing"]["sig-input"] + "." + vector["signing"]["sig"]
    with pytest.raises(turbojwt.DecodeError, match="Invalid payload string"):
        turbojwt.decode(attached, key, algorithms=["HS256"])
