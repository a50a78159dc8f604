"""Make the example data: examples/tokens.txt and examples/tokens_expected.txt.

HS256 tokens built with the standard library only (hmac, hashlib, base64,
json), so the examples need nothing but turbojwt. The contents are fixed (a
seeded random generator and fixed times), so running this again with the same
secret writes the same files byte for byte.

The secret, examples/hs256_secret.txt, was generated once, with
``secrets.token_urlsafe(48)`` (64 URL-safe characters, 48 random bytes of
entropy). The key is that text, as UTF-8 bytes, without the trailing newline.
This script makes a new one only if the file is missing or --new-secret is
given.

    python examples/make_examples.py [--new-secret]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import random
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_FILE = HERE / "hs256_secret.txt"
TOKENS_FILE = HERE / "tokens.txt"
EXPECTED_FILE = HERE / "tokens_expected.txt"

# What verify_example.py expects of a valid token.
AUDIENCE = "https://api.example.com"
ISSUER = "https://auth.example.com"

SEED = 20240101
ISSUED_AT = 1704067200          # 2024-01-01T00:00:00Z
FAR_FUTURE = 4102444800         # 2100-01-01T00:00:00Z
EXPIRED_AT = 1577836800         # 2020-01-01T00:00:00Z
ISSUED_BEFORE_EXPIRY = 1575158400  # 2019-12-01T00:00:00Z


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hs256_token(secret: bytes, claims: dict, header: dict | None = None) -> str:
    header = {"alg": "HS256", "typ": "JWT", **(header or {})}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    tag = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(tag)


def read_secret(path: Path = SECRET_FILE) -> bytes:
    return path.read_text(encoding="utf-8").rstrip("\r\n").encode("utf-8")


def examples(secret: bytes) -> list[tuple[str, str]]:
    """(token, expected outcome) pairs; the outcome is "valid <sub>" or an exception name."""
    rng = random.Random(SEED)

    def jti() -> str:
        return "%032x" % rng.getrandbits(128)

    def claims(sub: str, **extra) -> dict:
        base = {"iss": ISSUER, "sub": sub, "aud": AUDIENCE, "iat": ISSUED_AT,
                "exp": FAR_FUTURE, "jti": jti()}
        base.update(extra)
        return base

    other_secret = bytes(rng.getrandbits(8) for _ in range(32))
    out: list[tuple[str, str]] = []
    out.append((hs256_token(secret, claims("alice")), "valid alice"))
    out.append((hs256_token(secret, claims("bob", aud=[AUDIENCE, "https://admin.example.com"],
                                               nbf=ISSUED_AT)), "valid bob"))
    out.append((hs256_token(secret, claims("carol", scope="read:orders write:orders",
                                               roles=["support", "billing"]),
                            header={"kid": "example-hs256"}), "valid carol"))
    out.append((hs256_token(secret, claims("dave", iat=ISSUED_BEFORE_EXPIRY, exp=EXPIRED_AT)),
                "ExpiredSignatureError"))
    # Signed with another key: the signature does not match.
    out.append((hs256_token(other_secret, claims("mallory")), "InvalidSignatureError"))
    out.append((hs256_token(secret, claims("erin", aud="https://other-api.example.com")),
                "InvalidAudienceError"))
    out.append((hs256_token(secret, claims("frank", iss="https://evil.example.com")),
                "InvalidIssuerError"))
    out.append((hs256_token(secret, claims("grace", nbf=FAR_FUTURE - 86400)),
                "ImmatureSignatureError"))
    # Two segments only: not a JWS compact serialization.
    valid = out[0][0]
    out.append((valid.rsplit(".", 1)[0], "DecodeError"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new-secret", action="store_true",
                        help="replace examples/hs256_secret.txt with a new random secret")
    args = parser.parse_args()
    if args.new_secret or not SECRET_FILE.exists():
        SECRET_FILE.write_text(secrets.token_urlsafe(48) + "\n", encoding="utf-8")
    pairs = examples(read_secret())
    TOKENS_FILE.write_text("".join(t + "\n" for t, _ in pairs), encoding="ascii")
    EXPECTED_FILE.write_text("".join(e + "\n" for _, e in pairs), encoding="ascii")
    print(f"wrote {len(pairs)} tokens to {TOKENS_FILE.name} and {EXPECTED_FILE.name}")


if __name__ == "__main__":
    main()
