"""Make the example data in examples/, with the standard library only.

- tokens.txt and tokens_expected.txt: nine HS256 tokens and the outcome each
  must give (examples/verify_example.py checks them).
- jwks.json, tokens.log and tokens_log_expected.txt: a JWK set of two public
  keys (RS256 and ES256, with kids) and a log of a few thousand lines to audit
  with ``turbojwt verify --jwks examples/jwks.json --extract bearer``: raw
  tokens, ``Authorization: Bearer`` header lines and access-log lines, mixing
  valid tokens with expired, not yet valid, badly signed, wrong-audience,
  unknown-kid and malformed ones; tokens_log_expected.txt has the outcome of
  each line ("ok" or the exception's class name), as ``turbojwt verify``
  reports it.

The contents are fixed (seeded random generators and fixed times), so running
this again with the same secret writes the same files byte for byte. The valid
tokens expire in 2100 and the "not yet valid" ones become valid in 2099.

The secret, examples/hs256_secret.txt, was generated once, with
``secrets.token_urlsafe(48)`` (64 URL-safe characters, 48 random bytes of
entropy). The key is that text, as UTF-8 bytes, without the trailing newline.
This script makes a new one only if the file is missing or --new-secret is
given.

The RSA and P-256 private keys behind jwks.json are EXAMPLE-ONLY test keys,
made from LOG_SEED by _example_keys.py (pure Python; RS256 and ES256 with the
RFC 6979 nonce are deterministic). Anyone can rebuild them, so they are not
written to a file and must never sign a real token. Making tokens.log takes
about 15 seconds (pure-Python RSA).

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
import time
from pathlib import Path

from _example_keys import ECKey, RSAKey, ec_key, rsa_key

HERE = Path(__file__).resolve().parent
SECRET_FILE = HERE / "hs256_secret.txt"
TOKENS_FILE = HERE / "tokens.txt"
EXPECTED_FILE = HERE / "tokens_expected.txt"
JWKS_FILE = HERE / "jwks.json"
LOG_FILE = HERE / "tokens.log"
LOG_EXPECTED_FILE = HERE / "tokens_log_expected.txt"

# What verify_example.py expects of a valid token.
AUDIENCE = "https://api.example.com"
ISSUER = "https://auth.example.com"

SEED = 20240101
ISSUED_AT = 1704067200          # 2024-01-01T00:00:00Z
FAR_FUTURE = 4102444800         # 2100-01-01T00:00:00Z
EXPIRED_AT = 1577836800         # 2020-01-01T00:00:00Z
ISSUED_BEFORE_EXPIRY = 1575158400  # 2019-12-01T00:00:00Z
NOT_BEFORE_LATER = 4070908800   # 2099-01-01T00:00:00Z

# tokens.log: its own seed (the HS256 examples above keep theirs), its keys' kids.
LOG_SEED = 20240102
LOG_LINES = 2000
RSA_KID = "example-rsa-2024"
EC_KID = "example-ec-2024"
RETIRED_KID = "example-rsa-2023"    # in no JWK set: tokens naming it give UnknownKeyError
OTHER_AUDIENCE = "https://other-api.example.com"


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


# ------------------------------------------------------------------ tokens.log

class LogKeys:
    """The example-only keys of tokens.log, rebuilt from LOG_SEED (see _example_keys.py)."""

    def __init__(self) -> None:
        rng = random.Random(LOG_SEED)
        self.rsa: RSAKey = rsa_key(rng)
        self.ec: ECKey = ec_key(rng)
        self.other_ec: ECKey = ec_key(rng)     # signs tokens that claim EC_KID: bad signature

    def jwks(self) -> dict:
        """The public JWK set (what jwks.json holds)."""
        return {"keys": [self.rsa.public_jwk(RSA_KID), self.ec.public_jwk(EC_KID)]}


def _segment(obj: dict) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def sign(keys: LogKeys, alg: str, kid: str, claims: dict, *, signer: ECKey | None = None) -> str:
    """An RS256 or ES256 token with ``kid`` in its header."""
    signing_input = _segment({"alg": alg, "typ": "JWT", "kid": kid}) + "." + _segment(claims)
    if alg == "RS256":
        sig = keys.rsa.sign_rs256(signing_input.encode("ascii"))
    else:
        sig = (signer or keys.ec).sign_es256(signing_input.encode("ascii"))
    return signing_input + "." + b64url(sig)


# (outcome, weight): "ok" or the exception class name turbojwt raises.
_LOG_KINDS = [
    ("valid", 52), ("expired", 10), ("not_yet_valid", 6), ("bad_signature", 8),
    ("wrong_audience", 8), ("unknown_kid", 6), ("malformed", 7), ("no_token", 3),
]
_OUTCOME = {
    "valid": "ok", "expired": "ExpiredSignatureError", "not_yet_valid": "ImmatureSignatureError",
    "bad_signature": "InvalidSignatureError", "wrong_audience": "InvalidAudienceError",
    "unknown_kid": "UnknownKeyError", "malformed": "DecodeError", "no_token": "DecodeError",
}
_PATHS = ["/v1/orders", "/v1/orders/{n}", "/v1/invoices/{n}", "/v1/customers/{n}", "/v1/search?q=lamp"]
_AGENTS = ["curl/8.5.0", "python-requests/2.31.0", "okhttp/4.12.0", "Mozilla/5.0 (X11; Linux x86_64)"]
_SCOPES = ["read:orders", "read:orders write:orders", "read:invoices", "admin"]


def _malformed(rng: random.Random, token: str) -> str:
    """A token broken in one of several ways that all end in DecodeError."""
    header, payload, _sig = token.split(".")
    return rng.choice([
        header + "." + payload,                                  # two segments
        "not-a-token",
        b64url(b"not json") + "." + payload + "." + _sig,        # header is not JSON
        header + "." + payload[:-3] + "!!!" + "." + _sig,        # not base64url
        "." + payload + "." + _sig,                              # empty header
        token + "." + _sig,                                      # four segments
    ])


def _log_line(rng: random.Random, when: int, token: str | None) -> str:
    """``token`` as a raw line, an Authorization header line or an access-log line."""
    style = "access" if token is None else rng.choice(["raw", "header", "access"])
    if style == "raw":
        return token
    if style == "header":
        return "Authorization: Bearer " + token
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(when))
    ip = "198.51.100.%d" % rng.randrange(1, 255)
    if token is None:   # a health check: no Authorization header
        return f'{ip} - - [{stamp}] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-"'
    path = rng.choice(_PATHS).format(n=rng.randrange(1, 100000))
    status = rng.choice([200, 200, 200, 201, 204, 401, 403])
    return (f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} {rng.randrange(0, 20000)} "-" '
            f'"{rng.choice(_AGENTS)}" "Authorization: Bearer {token}"')


def log_examples(keys: LogKeys, lines: int = LOG_LINES) -> list[tuple[str, str]]:
    """(log line, expected outcome) pairs for tokens.log."""
    rng = random.Random(LOG_SEED)
    kinds = [k for k, _ in _LOG_KINDS]
    weights = [w for _, w in _LOG_KINDS]
    out: list[tuple[str, str]] = []
    for i in range(lines):
        kind = rng.choices(kinds, weights)[0]
        when = ISSUED_AT + 37 * i
        if kind == "no_token":
            out.append((_log_line(rng, when, None), _OUTCOME[kind]))
            continue
        # Mostly ES256: pure-Python RSA signing is the slow part of this script.
        alg = "RS256" if rng.random() < 0.35 else "ES256"
        kid = RSA_KID if alg == "RS256" else EC_KID
        claims = {"iss": ISSUER, "sub": "user-%04d" % rng.randrange(10000), "aud": AUDIENCE,
                  "iat": when, "exp": FAR_FUTURE, "jti": "%032x" % rng.getrandbits(128),
                  "scope": rng.choice(_SCOPES)}
        signer = None
        if kind == "expired":
            claims.update(iat=ISSUED_BEFORE_EXPIRY, exp=EXPIRED_AT)
        elif kind == "not_yet_valid":
            claims["nbf"] = NOT_BEFORE_LATER
        elif kind == "wrong_audience":
            claims["aud"] = OTHER_AUDIENCE
        elif kind == "unknown_kid":
            kid = RETIRED_KID
        elif kind == "bad_signature" and alg == "ES256":
            signer = keys.other_ec                  # another key under the set's kid
        token = sign(keys, alg, kid, claims, signer=signer)
        if kind == "bad_signature" and alg == "RS256":
            # A tampered payload under the original signature.
            header, _payload, sig = token.split(".")
            token = header + "." + _segment({**claims, "sub": "admin", "scope": "admin"}) + "." + sig
        elif kind == "malformed":
            token = _malformed(rng, token)
        out.append((_log_line(rng, when, token), _OUTCOME[kind]))
    return out


def write_log_examples() -> int:
    keys = LogKeys()
    JWKS_FILE.write_text(json.dumps(keys.jwks(), indent=2) + "\n", encoding="ascii")
    pairs = log_examples(keys)
    LOG_FILE.write_text("".join(line + "\n" for line, _ in pairs), encoding="ascii")
    LOG_EXPECTED_FILE.write_text("".join(e + "\n" for _, e in pairs), encoding="ascii")
    return len(pairs)


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
    count = write_log_examples()
    print(f"wrote {JWKS_FILE.name}, and {count} lines to {LOG_FILE.name} and {LOG_EXPECTED_FILE.name}")


if __name__ == "__main__":
    main()
