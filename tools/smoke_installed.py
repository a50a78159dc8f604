"""Smoke test of an installed turbojwt: run from outside the repository.

    python tools/smoke_installed.py

Checks that turbojwt is imported from site-packages (not a source tree), that
its typing files (py.typed, _core.pyi) sit beside it, and that it verifies an
HS256 token made here with hmac/hashlib (no PyJWT) and refuses a forged one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import sysconfig
import time


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hs256(secret: bytes, claims: dict) -> str:
    signing_input = (b64url(b'{"alg":"HS256","typ":"JWT"}') + "."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    tag = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(tag)


def main() -> int:
    import turbojwt

    here = os.path.dirname(os.path.realpath(turbojwt.__file__))
    site = os.path.realpath(sysconfig.get_paths()["platlib"])
    print(f"turbojwt {turbojwt.__version__} from {here}")
    assert here.startswith(site + os.sep), f"not the installed package: {here} (site-packages: {site})"
    assert os.path.exists(os.path.join(here, "py.typed")), "py.typed is not installed"
    if not os.path.exists(os.path.join(here, "_core.pyi")):
        print("warning: _core.pyi is not installed", file=sys.stderr)

    secret = b"smoke-test-secret-of-at-least-32-bytes!"
    claims = {"sub": "smoke", "aud": "svc", "iss": "issuer", "exp": int(time.time()) + 3600}
    token = hs256(secret, claims)
    got = turbojwt.decode(token, secret, algorithms=["HS256"], audience="svc", issuer="issuer")
    assert got == claims, got
    verifier = turbojwt.Verifier(secret, algorithms=["HS256"], audience="svc", issuer="issuer")
    assert verifier.decode(token) == claims
    forged = hs256(b"another-secret-of-at-least-32-bytes!!", claims)
    try:
        verifier.decode(forged)
    except turbojwt.InvalidSignatureError:
        pass
    else:
        raise AssertionError("a token signed with another key was accepted")
    print("smoke test passed: HS256 verify and forged-token rejection")
    return 0


if __name__ == "__main__":
    sys.exit(main())
