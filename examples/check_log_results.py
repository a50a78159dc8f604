"""Compare ``turbojwt verify`` output on examples/tokens.log with the expected outcomes.

    turbojwt verify examples/tokens.log --jwks examples/jwks.json --extract bearer \\
        --audience https://api.example.com --issuer https://auth.example.com > results.jsonl
    python examples/check_log_results.py results.jsonl [examples/tokens_log_expected.txt]

Each JSON line's "reason" ("ok" or an exception class name) must equal the
line of the same number in tokens_log_expected.txt (written by make_examples.py).
A last {"summary": ...} line, if present, must agree with the per-line results.
Exit status 1 on any difference.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    results_file = Path(argv[0])
    expected_file = Path(argv[1]) if len(argv) > 1 else HERE / "tokens_log_expected.txt"
    expected = expected_file.read_text(encoding="ascii").split()
    reasons: list[str] = []
    summary = None
    problems: list[str] = []
    with results_file.open(encoding="utf-8") as f:
        for text in f:
            obj = json.loads(text)
            if "summary" in obj:
                summary = obj["summary"]
                continue
            if obj["line"] != len(reasons) + 1:
                problems.append(f"result for line {obj['line']} where line {len(reasons) + 1} was expected")
            reasons.append(obj["reason"])
    if len(reasons) != len(expected):
        problems.append(f"{len(reasons)} results for {len(expected)} expected outcomes")
    for number, (got, want) in enumerate(zip(reasons, expected, strict=False), 1):
        if got != want:
            problems.append(f"line {number}: {got}, expected {want}")
    if summary is not None:
        counts = Counter(reasons)
        if summary["total"] != len(reasons) or summary["reasons"] != dict(counts):
            problems.append(f"the summary {summary} does not match the per-line results")
    for problem in problems[:20]:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} differences from {expected_file.name}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{n} {r}" for r, n in Counter(reasons).most_common())
    print(f"all {len(reasons)} results as expected ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
