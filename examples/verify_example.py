"""Verify example HS256 tokens with turbojwt, one line of output per token.

    python examples/verify_example.py [--tokens FILE] [--secret FILE]
                                      [--audience AUD] [--issuer ISS]
                                      [--expected FILE]

Reads one token per line (blank lines and lines starting with "#" skipped),
verifies each with a prepared ``turbojwt.Verifier`` and prints either
``valid sub=<sub>`` or the exception class and its message. With the default
files (or --expected), each outcome is compared with the expected outcomes
written by make_examples.py, and the exit status is 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import turbojwt

HERE = Path(__file__).resolve().parent


def read_lines(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=Path, default=HERE / "tokens.txt")
    parser.add_argument("--secret", type=Path, default=HERE / "hs256_secret.txt",
                        help="file holding the HMAC secret (its text, trailing newline removed)")
    parser.add_argument("--audience", default="https://api.example.com")
    parser.add_argument("--issuer", default="https://auth.example.com")
    parser.add_argument("--expected", type=Path, default=None,
                        help="expected outcomes, one per token (default: tokens_expected.txt "
                             "beside the default tokens file)")
    args = parser.parse_args(argv)

    secret = args.secret.read_text(encoding="utf-8").rstrip("\r\n").encode("utf-8")
    verifier = turbojwt.Verifier(secret, algorithms=["HS256"],
                                 audience=args.audience, issuer=args.issuer)
    tokens = read_lines(args.tokens)
    expected_file = args.expected
    if expected_file is None and args.tokens == HERE / "tokens.txt":
        expected_file = HERE / "tokens_expected.txt"
    expected = read_lines(expected_file) if expected_file else None
    if expected is not None and len(expected) != len(tokens):
        print(f"error: {len(tokens)} tokens but {len(expected)} expected outcomes", file=sys.stderr)
        return 1

    mismatches = 0
    for i, token in enumerate(tokens):
        try:
            claims = verifier.decode(token)
        except turbojwt.PyJWTError as exc:
            outcome = type(exc).__name__
            line = f"{outcome}: {exc}"
        else:
            outcome = f"valid {claims.get('sub')}"
            line = f"valid sub={claims.get('sub')}"
        mark = ""
        if expected is not None and outcome != expected[i]:
            mismatches += 1
            mark = f"   <-- expected {expected[i]}"
        print(f"{i + 1:3d}  {line}{mark}")

    if expected is not None:
        if mismatches:
            print(f"{mismatches} of {len(tokens)} tokens did not give the expected outcome",
                  file=sys.stderr)
            return 1
        print(f"all {len(tokens)} outcomes as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
