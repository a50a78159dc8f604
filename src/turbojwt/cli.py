"""The ``turbojwt`` command: verify a stream of tokens, decode one, run the benchmark.

    turbojwt verify [FILE|-] (--secret S | --secret-file F | --key F | --jwks F|URL) [options]
    turbojwt decode TOKEN|-
    turbojwt bench [--repo DIR] [compare.py arguments]

``verify`` reads one token per line (or, with ``--extract bearer``, the token of
an ``Authorization: Bearer`` header or access-log line) and writes one JSON line
per input line to stdout, in input order::

    {"line": 3, "valid": true, "reason": "ok", "claims": {"sub": "alice"}}
    {"line": 4, "valid": false, "reason": "ExpiredSignatureError", "error": "Signature has expired"}

Nothing is dropped: a blank line, a line with no token, a line too long to read
or a line of binary garbage gets its own result (``DecodeError``). It streams:
lines are read one at a time and verified in chunks of ``--batch-size`` lines
(with ``Verifier.decode_many`` on several threads when this turbojwt has it),
and each chunk's results are written and flushed before the next chunk is
read, so memory stays flat however long the input. A summary (counts by
reason, tokens per second) ends the run on stderr, and also as a last JSON line
on stdout with ``--summary-json``. A progress line is drawn on stderr only when
stderr is a terminal.

Every line written to stdout, by ``verify`` and by ``decode``, is valid JSON
(RFC 8259). A number too large for a double (``1e400`` in a token) has been
read as an infinite float, which JSON cannot write: it is written as the
string ``"Infinity"`` (or ``"-Infinity"``), never as the bare ``Infinity``
that ``json.dumps`` would produce.

Exit status: 0 when every line held a valid token, 1 when any did not, 2 for a
usage or configuration error (a bad key file, an unreachable JWKS URL, a
leeway or timeout that is not a finite number of seconds), which is reported
in one line, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import stat
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, cast

from . import __version__, backend_version
from ._core import Verifier, decode as _decode, get_unverified_header, prepare_hmac_key, prepare_public_key
from ._policy import SIGNING_ALGORITHMS
from .api_jwk import PyJWK, PyJWKSet
from .exceptions import DecodeError, PyJWTError
from .jwks_client import PyJWKClient
from . import _cli_logs

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# The algorithm names turbojwt verifies ("none" is never accepted with a key).
_ALGORITHMS = SIGNING_ALGORITHMS
_MAX_KEY_FILE = 1024 * 1024

# Reading: the input is read in blocks of READ_BLOCK bytes and split into lines.
# A line longer than MAX_LINE is reported (DecodeError) and skipped, never held
# in memory whole; tokens above 1 MiB are refused by the Verifier anyway.
READ_BLOCK = 1024 * 1024
MAX_LINE = 2 * 1024 * 1024
DEFAULT_BATCH = 1000
_MAX_ERROR_TEXT = 1000

# RFC 6750's "Bearer" scheme is case-insensitive; the token runs to the next
# whitespace, quote (access logs quote their fields), comma or semicolon (header
# lists). Whatever else it holds goes to the Verifier, which rejects anything
# that is not base64url.
_BEARER = re.compile(rb"""(?<![A-Za-z0-9_-])bearer[ \t]+([^\s"',;]+)""", re.IGNORECASE)


class UsageError(Exception):
    """A usage or configuration error: reported in one line, exit status 2."""


# ------------------------------------------------------------------ main

def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``turbojwt`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:
        return _guarded("bench", _cmd_bench, argv[1:])
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:            # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("turbojwt: error: a command is required (verify, decode or bench)", file=sys.stderr)
        return EXIT_USAGE
    return _guarded(args.command, args.func, args)


def _guarded(command: str, func: Callable[[Any], int], arg: Any) -> int:
    """Run a command; turn usage errors, broken pipes and Ctrl-C into exit statuses and one-line messages."""
    def show_warning(message: Any, category: type, *_args: Any, **_kwargs: Any) -> None:
        # One line, without the source line of the warning's location.
        print(f"turbojwt {command}: warning: {category.__name__}: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show_warning
            return func(arg)
    except UsageError as exc:
        _error(command, str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly. Point stdout at
        # /dev/null so that the interpreter's final flush does not fail again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_INVALID
    except KeyboardInterrupt:
        _error(command, "interrupted")
        return 130


def _error(command: str, message: str) -> None:
    print(f"turbojwt {command}: error: {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="turbojwt", allow_abbrev=False,
        description="Verify JSON Web Tokens in bulk, decode one, or run the benchmark.")
    parser.add_argument("--version", action="version", version=f"turbojwt {__version__} ({backend_version()})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser(
        "verify", allow_abbrev=False, help="verify one token per line, one JSON result per line",
        description="Verify one token per input line and write one JSON line per input line to "
                    "stdout; a summary ends the run on stderr. Exit status 0 when every token is "
                    "valid, 1 when any is not, 2 for a usage or configuration error.")
    v.add_argument("file", nargs="?", default="-", metavar="FILE",
                   help="tokens, one per line ('-' or nothing: standard input)")
    key = v.add_argument_group("key (exactly one)").add_mutually_exclusive_group(required=True)
    key.add_argument("--secret", metavar="TEXT",
                     help="HMAC secret as UTF-8 text (visible to other users in the process "
                          "list: prefer --secret-file)")
    key.add_argument("--secret-file", metavar="FILE",
                     help="file holding the HMAC secret (its bytes, trailing newlines removed)")
    key.add_argument("--key", metavar="FILE",
                     help="public key: PEM (public key, certificate, or private key whose public "
                          "half is used), DER, an OpenSSH public key line, or a JWK / JWK set as JSON")
    key.add_argument("--jwks", metavar="FILE|URL",
                     help="JWK set ({\"keys\": [...]}) from a file or an http(s) URL, fetched once; "
                          "each token's kid picks its key")
    checks = v.add_argument_group("checks")
    checks.add_argument("--algorithms", metavar="ALGS",
                        help="allowed algorithms, comma-separated (e.g. RS256,ES256); required "
                             "unless a JWK or JWK set names them")
    checks.add_argument("--audience", action="append", metavar="AUD",
                        help="expected audience (repeat for several accepted audiences)")
    checks.add_argument("--issuer", action="append", metavar="ISS",
                        help="expected issuer (repeat for several accepted issuers)")
    checks.add_argument("--leeway", type=_finite_seconds, default=0.0, metavar="SECONDS",
                        help="clock skew allowed for exp, nbf and iat (default 0)")
    checks.add_argument("--require", metavar="CLAIMS",
                        help="claims that must be present, comma-separated (e.g. exp,sub)")
    io_ = v.add_argument_group("input and output")
    io_.add_argument("--extract", choices=["bearer"],
                     help="bearer: take the first 'Bearer <token>' of each line (Authorization "
                          "headers, access logs); a line that is one bare word is taken as the "
                          "token; any other line is reported as DecodeError")
    io_.add_argument("--claims", metavar="NAMES",
                     help="claims to copy into the result of each valid token, comma-separated "
                          "(e.g. sub,exp)")
    io_.add_argument("--summary-json", action="store_true",
                     help="also write the summary as a last JSON line on stdout: {\"summary\": {...}}")
    io_.add_argument("--no-progress", action="store_true",
                     help="no progress line, even on a terminal (it never shows in a pipe)")
    _cli_logs.add_arguments(v)           # --format jsonl/parquet, --at (issue 13)
    perf = v.add_argument_group("performance")
    perf.add_argument("--threads", type=_positive_int, metavar="N",
                      help="verification threads (default: every core; needs Verifier.decode_many)")
    perf.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH, metavar="N",
                      help=f"lines verified and written per chunk (default {DEFAULT_BATCH})")
    perf.add_argument("--timeout", type=_timeout_seconds, default=10.0, metavar="SECONDS",
                      help=f"timeout of the --jwks URL fetch (default 10, at most {_MAX_TIMEOUT:.0f})")
    v.set_defaults(func=_cmd_verify)

    d = sub.add_parser(
        "decode", allow_abbrev=False, help="print a token's header and claims, NOT verified",
        description="Print a token's header and claims as JSON without verifying anything: "
                    "neither the signature nor a claim is checked. Exit status 2 when the token "
                    "cannot be decoded.")
    d.add_argument("token", metavar="TOKEN",
                   help="the token, or text holding one 'Bearer <token>' ('-': read it from standard input)")
    d.set_defaults(func=_cmd_decode)

    sub.add_parser(
        "bench", help="run benchmarks/compare.py (needs a checkout of the repository)",
        description="Run the side-by-side benchmark of benchmarks/compare.py against the peer "
                    "libraries installed. Options other than --repo DIR go to compare.py "
                    "(turbojwt bench --help shows them).")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _finite_seconds(text: str) -> float:
    """A float that is a number of seconds: NaN or an infinity would turn the time checks off."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, not {text!r}")
    return value


# A day: far past any useful wait for one JWK set, and well inside what a socket accepts.
_MAX_TIMEOUT = 86400.0


def _timeout_seconds(text: str) -> float:
    """A socket timeout: finite, above 0 (0 means non-blocking) and at most _MAX_TIMEOUT."""
    value = _finite_seconds(text)
    if not 0 < value <= _MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most {_MAX_TIMEOUT:.0f} seconds, not {text!r}")
    return value


def _names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


# ------------------------------------------------------------------ verify: the key

def _read_key_file(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_KEY_FILE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the {what} {path!r}: {exc.strerror or exc}") from None
    if len(data) > _MAX_KEY_FILE:
        raise UsageError(f"the {what} {path!r} is larger than {_MAX_KEY_FILE} bytes")
    return data


def _json_key(data: bytes, path: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path!r} is not valid JSON: {exc}") from None


def _jwk_set(obj: Any, where: str) -> PyJWKSet:
    if isinstance(obj, dict) and "kty" in obj and "keys" not in obj:
        obj = {"keys": [obj]}                 # one JWK: a set of one
    if not isinstance(obj, dict) or "keys" not in obj:
        raise UsageError(f"{where} is not a JWK set (a JSON object with \"keys\")")
    try:
        return PyJWKSet.from_dict(obj)
    except PyJWTError as exc:
        raise UsageError(f"{where}: {exc}") from None


def _fetch_jwks(url: str, timeout: float) -> PyJWKSet:
    """The JWK set at ``url``, fetched once as PyJWKClient fetches it (no redirects, bounded body)."""
    try:
        return PyJWKClient(url, timeout=timeout).get_jwk_set()
    except PyJWTError as exc:
        raise UsageError(f"cannot get the JWK set from {url}: {exc}") from None


def _check_algorithms(algorithms: list[str] | None, key: Any = None) -> None:
    for name in algorithms or ():
        if name == "none":
            raise UsageError("--algorithms: 'none' is never accepted")
        if name not in _ALGORITHMS:
            raise UsageError(f"--algorithms: unknown algorithm {name!r} (known: {', '.join(_ALGORITHMS)})")
        if key is not None and not key.supports(name):
            raise UsageError(f"--algorithms: the {key.family} key cannot verify {name}")


def _build_verifier(args: argparse.Namespace) -> Verifier:
    """The Verifier for the key and checks on the command line; UsageError when they do not fit."""
    algorithms = _names(args.algorithms) or None
    key: Any
    if args.secret is not None or args.secret_file is not None:
        if args.secret is not None:
            secret = args.secret.encode("utf-8", "surrogateescape")
        else:
            # As examples/hs256_secret.txt is read: the text without its trailing newline.
            secret = _read_key_file(args.secret_file, "secret file").rstrip(b"\r\n")
        try:
            key = prepare_hmac_key(secret)
        except PyJWTError as exc:
            raise UsageError(f"the HMAC secret cannot be used: {exc}") from None
        if algorithms is None:
            raise UsageError("--algorithms is required with an HMAC secret (e.g. --algorithms HS256)")
        _check_algorithms(algorithms, key)
    elif args.key is not None:
        data = _read_key_file(args.key, "key file")
        if data.lstrip().startswith(b"{"):
            obj = _json_key(data, args.key)
            if isinstance(obj, dict) and "keys" in obj:
                key = _jwk_set(obj, repr(args.key))
            else:
                try:
                    key = PyJWK.from_dict(obj)
                except PyJWTError as exc:
                    raise UsageError(f"{args.key!r} is not a usable JWK: {exc}") from None
            _check_algorithms(algorithms)
        else:
            try:
                key = prepare_public_key(data)
            except PyJWTError as exc:
                raise UsageError(f"cannot read a public key from {args.key!r} "
                                 f"(PEM, DER, OpenSSH or JWK JSON): {exc}") from None
            if algorithms is None:
                raise UsageError(f"--algorithms is required with a {key.family} key "
                                 "(e.g. --algorithms RS256)")
            _check_algorithms(algorithms, key)
    else:
        source = args.jwks
        if re.match(r"(?i)https?://", source):
            key = _fetch_jwks(source, args.timeout)
        else:
            key = _jwk_set(_json_key(_read_key_file(source, "JWK set file"), source), repr(source))
        _check_algorithms(algorithms)

    audience = args.audience[0] if args.audience and len(args.audience) == 1 else args.audience
    issuer = args.issuer[0] if args.issuer and len(args.issuer) == 1 else args.issuer
    require = _names(args.require)
    try:
        return Verifier(key, algorithms, audience=audience, issuer=issuer, leeway=args.leeway,
                        options={"require": require} if require else None)
    except (PyJWTError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot set up the verifier: {exc}") from None


# ------------------------------------------------------------------ verify: the stream

def _read_lines(stream: IO[bytes]) -> Iterator[tuple[list[bytes | None], bool]]:
    """The input's lines (without their newline), a block at a time: ``(lines, more_ready)``.

    A line longer than MAX_LINE comes as None; its bytes are dropped as they
    are read. ``more_ready`` is False when the last read returned less than a
    full block (a pipe or terminal with nothing more to give yet), so that the
    caller can write what it has instead of waiting for a full chunk.
    """
    read = getattr(stream, "read1", stream.read)
    carry = b""           # the start of a line whose newline has not come yet
    skipping = False      # inside a line already reported as too long
    while True:
        block = read(READ_BLOCK)
        if not block:
            break
        parts = block.split(b"\n")
        tail = parts.pop()                    # after the last newline: an unfinished line
        if not parts:                         # no newline in this block
            if not skipping:
                carry += tail
                if len(carry) > MAX_LINE:
                    carry, skipping = b"", True
            continue
        # Every part but the first lies inside this block: shorter than MAX_LINE.
        lines = cast("list[bytes | None]", parts)
        if skipping:
            lines[0] = None
        elif carry:
            first = carry + parts[0]
            lines[0] = first if len(first) <= MAX_LINE else None
        carry, skipping = tail, False
        if len(carry) > MAX_LINE:
            carry, skipping = b"", True
        yield lines, len(block) == READ_BLOCK
    if skipping:
        yield [None], False
    elif carry:
        yield [carry], False


def _read_chunks(stream: IO[bytes], batch: int) -> Iterator[list[bytes | None]]:
    """Lists of at most ``batch`` lines; a shorter one as soon as the input has nothing more ready."""
    pending: list[bytes | None] = []
    for lines, more_ready in _read_lines(stream):
        pending += lines
        while len(pending) >= batch:
            yield pending[:batch]
            del pending[:batch]
        if pending and not more_ready:
            yield pending
            pending = []
    if pending:
        yield pending


class _Stats:
    """Counts of the run: lines, valid ones, results by reason, lines that held no token."""

    def __init__(self) -> None:
        self.total = 0
        self.valid = 0
        self.reasons: dict[str, int] = {}
        self.blank = 0
        self.no_token = 0
        self.too_long = 0
        self.unreadable = 0      # records (jsonl lines, parquet rows) that could not be read
        self.started = time.perf_counter()

    def summary(self) -> dict[str, Any]:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        reasons = dict(sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        return {"total": self.total, "valid": self.valid, "invalid": self.total - self.valid,
                "reasons": reasons, "blank": self.blank, "no_token": self.no_token,
                "too_long": self.too_long, "unreadable": self.unreadable, "seconds": round(elapsed, 3),
                "tokens_per_second": round(self.total / elapsed)}


class _Progress:
    """One line on a terminal's stderr, redrawn at most five times a second; never in a pipe."""

    INTERVAL = 0.2

    def __init__(self, stream: IO[str], size: int | None) -> None:
        self.stream = stream
        self.size = size
        self.last = 0.0
        self.width = 0

    def update(self, stats: _Stats, position: int | None) -> None:
        now = time.perf_counter()
        if self.width and now - self.last < self.INTERVAL:
            return
        self.last = now
        elapsed = max(now - stats.started, 1e-9)
        text = (f"{stats.total:,} lines, {stats.total - stats.valid:,} invalid, "
                f"{stats.total / elapsed:,.0f} tokens/s")
        if self.size and position is not None:
            text += f", {min(100.0, 100.0 * position / self.size):.0f}%"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


# The result that stands for a valid token when no claim is printed (verify_many builds none).
_VALID: dict[str, Any] = {}


def _chunk_verifier(verifier: Verifier, want_claims: bool, threads: int | None) -> Any:
    """A function from a chunk's tokens (and ``now``: None, one time or one per
    token) to their results (claims dict or exception), in order.

    Two ways, one output: ``verify_many`` when no claim is printed and every
    allowed algorithm is an HMAC (no claims dict is built, and the invalid
    tokens are decoded again for their error message: cheap for HMAC, not for
    a public-key verify, where building the dict costs little next to the
    signature anyway; after a chunk that was mostly invalid, the next one goes
    straight to ``decode_many``); else ``decode_many``.
    """
    decode_many, verify_many = verifier.decode_many, verifier.verify_many
    kwargs = {} if threads is None else {"threads": threads}
    mostly_invalid = False

    def light(tokens: list[bytes], now: Any = None) -> list[Any]:
        nonlocal mostly_invalid
        at = {} if now is None else {"now": now}
        if mostly_invalid:
            # The last chunk was mostly invalid: decoding everything at once is cheaper here.
            results: list[Any] = decode_many(tokens, **kwargs, **at)
            mostly_invalid = sum(1 for r in results if r.__class__ is not dict) * 2 > len(tokens)
            return results
        results = [_VALID if ok else None for ok, _reason in verify_many(tokens, **kwargs, **at)]
        bad = [i for i, result in enumerate(results) if result is None]
        if bad:
            # Decoded again for the exception and its message (what verify_many found).
            again = [tokens[i] for i in bad]
            if isinstance(now, list):
                at = {"now": [now[i] for i in bad]}
            redone = decode_many(again, **kwargs, **at)
            for i, result in zip(bad, redone, strict=True):
                results[i] = result
        mostly_invalid = len(bad) * 2 > len(tokens)
        return results

    hmac_only = all(str(alg).startswith("HS") for alg in verifier.algorithms)
    if not want_claims and hmac_only:
        return light
    return lambda tokens, now=None: decode_many(tokens, **kwargs, **({} if now is None else {"now": now}))


class _NoToken(DecodeError):
    """A line that held no token to verify (blank, too long, no Bearer token): reported as DecodeError."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _no_token(line: bytes | None, extract: str | None) -> _NoToken | None:
    if line is None:
        return _NoToken("too_long", f"line longer than {MAX_LINE} bytes: not read")
    stripped = line.strip()
    if not stripped:
        return _NoToken("blank", "blank line: no token")
    if extract is not None and len(stripped.split(None, 1)) > 1:
        return _NoToken("no_token", "no 'Bearer <token>' in the line")
    return None


def _tokens_of(lines: list[bytes | None], extract: str | None) -> tuple[list[bytes], list[Any] | None]:
    """The tokens to verify, and (unless every line holds one) per line None or its _NoToken."""
    tokens: list[bytes] = []
    append = tokens.append
    if extract is None:
        for line in lines:
            token = line.strip() if line is not None else None
            if not token:
                break
            append(token)
        else:
            return tokens, None                      # the common case: a token on every line
    search = _BEARER.search
    tokens = []
    slots: list[Any] = []
    for line in lines:
        problem = None
        token = None
        if line is not None and extract is not None:
            m = search(line)
            if m is not None:
                token = m.group(1)
        if token is None:
            problem = _no_token(line, extract)
            if problem is None:
                token = line.strip()                 # type: ignore[union-attr]
        if problem is None:
            tokens.append(token)                     # type: ignore[arg-type]
        slots.append(problem)
    return tokens, slots


def _merge(tokens_results: list[Any], slots: list[Any] | None) -> list[Any]:
    """Per line: the token's result, or the line's _NoToken."""
    if slots is None:
        return tokens_results
    it = iter(tokens_results)
    return [next(it) if slot is None else slot for slot in slots]


_OK_LINE = '{"line": %d, "valid": true, "reason": "ok"}\n'
_json_str = json.encoder.encode_basestring_ascii      # what json.dumps uses for a str


def _finite(value: Any) -> Any:
    """``value`` with each non-finite float replaced by its name as a string ("Infinity", "-Infinity", "NaN").

    The parser reads a number too large for a double (``1e400``) as an
    infinity, which JSON has no way to write. Nesting is bounded by the
    parser's depth limit (64), so the recursion is too.
    """
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps(value, **kwargs)`` that always writes JSON: non-finite floats as strings (see _finite)."""
    try:
        return json.dumps(value, allow_nan=False, **kwargs)
    except ValueError:                        # an infinity somewhere (rare): convert, then write
        return json.dumps(_finite(value), allow_nan=False, **kwargs)


def _json_value(value: Any) -> str:
    """``_dumps(value)``, with the two common claim types (str, int) on a shortcut."""
    kind = type(value)
    if kind is str:
        return _json_str(value)
    if kind is int:
        return int.__repr__(value)
    return _dumps(value)


def _format_chunk(lineno: int, results: list[Any], claim_names: list[str], stats: _Stats) -> str:
    """The JSON lines of one chunk's results (the first one is line ``lineno + 1``); counts them."""
    parts: list[str] = []
    append = parts.append
    valid = 0
    messages: dict[str, str] = {}
    # Each claim's name as a JSON key, encoded once: the line is json.dumps's output, built faster.
    keys = [(name, _json_str(name) + ": ") for name in dict.fromkeys(claim_names)]
    for result in results:
        lineno += 1
        if isinstance(result, dict):
            valid += 1
            if keys:
                picked = ", ".join([key + _json_value(result[name]) for name, key in keys if name in result])
                append(f'{{"line": {lineno}, "valid": true, "reason": "ok", "claims": {{{picked}}}}}\n')
            else:
                append(_OK_LINE % lineno)
            continue
        if isinstance(result, _NoToken):
            reason = "DecodeError"
            setattr(stats, result.kind, getattr(stats, result.kind) + 1)
        else:
            reason = type(result).__name__
        stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
        message = str(result)[:_MAX_ERROR_TEXT]
        encoded = messages.get(message)
        if encoded is None:
            encoded = _json_str(message)
            if len(messages) < 1000:         # the same few messages, again and again
                messages[message] = encoded
        append(f'{{"line": {lineno}, "valid": false, "reason": {_json_str(reason)}, "error": {encoded}}}\n')
    stats.total += len(results)
    stats.valid += valid
    if valid:
        stats.reasons["ok"] = stats.reasons.get("ok", 0) + valid
    return "".join(parts)


def _open_input(name: str) -> tuple[IO[bytes], bool]:
    if name == "-":
        if sys.stdin.isatty():
            print("turbojwt verify: reading tokens from the terminal, one per line (end with Ctrl-D)",
                  file=sys.stderr)
        return sys.stdin.buffer, False
    try:
        return open(name, "rb", buffering=1024 * 1024), True
    except OSError as exc:
        raise UsageError(f"cannot read {name!r}: {exc.strerror or exc}") from None


def _input_size(stream: IO[bytes]) -> int | None:
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _cmd_verify(args: argparse.Namespace) -> int:
    _cli_logs.check_arguments(args)
    verifier = _build_verifier(args)
    if args.format in ("parquet", "arrow"):
        return _cli_logs.verify_columns(verifier, args, sys.stdout, sys.stderr)
    stream, close = _open_input(args.file)
    try:
        return _verify_stream(stream, verifier, args, sys.stdout, sys.stderr)
    finally:
        if close:
            stream.close()


def _verify_stream(stream: IO[bytes], verifier: Verifier, args: argparse.Namespace,
                   out: IO[str], err: IO[str]) -> int:
    claim_names = _names(args.claims)
    verify_chunk = _chunk_verifier(verifier, bool(claim_names), args.threads)
    stats = _Stats()
    progress = None
    if not args.no_progress and err.isatty():
        progress = _Progress(err, _input_size(stream))
    lineno = 0
    at = getattr(args, "at_seconds", None)
    jsonl = getattr(args, "format", "lines") == "jsonl"
    try:
        for lines in _read_chunks(stream, args.batch_size):
            if jsonl:
                # JSON lines: the token (and time) of each line's object (_cli_logs)
                tokens, slots, times = _cli_logs.jsonl_tokens(lines, args, stats)
                decoded = verify_chunk(tokens, times if at is None else at) if tokens else []
            else:
                tokens, slots = _tokens_of(lines, args.extract)
                decoded = verify_chunk(tokens, at) if tokens else []
            out.write(_format_chunk(lineno, _merge(decoded, slots), claim_names, stats))
            out.flush()
            lineno += len(lines)
            if progress is not None:
                try:
                    position = stream.tell()
                except (OSError, ValueError):
                    position = None
                progress.update(stats, position)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise UsageError(f"input/output error after line {lineno}: {exc.strerror or exc}") from None
    finally:
        if progress is not None:
            progress.close()
    summary = stats.summary()
    if args.summary_json:
        out.write(_dumps({"summary": summary}) + "\n")
        out.flush()
    _print_summary(summary, err)
    return EXIT_OK if stats.valid == stats.total else EXIT_INVALID


def _print_summary(summary: dict[str, Any], err: IO[str]) -> None:
    lines = [f"turbojwt verify: {summary['total']:,} lines: {summary['valid']:,} valid, "
             f"{summary['invalid']:,} invalid ({summary['tokens_per_second']:,} tokens/s, "
             f"{summary['seconds']:.2f} s)"]
    width = max((len(r) for r in summary["reasons"]), default=0)
    for reason, count in summary["reasons"].items():
        lines.append(f"  {reason:<{width}}  {count:>10,}")
    notes = [f"{summary[k]:,} {label}" for k, label in
             (("blank", "blank"), ("no_token", "without a token"), ("too_long", "too long"))
             if summary[k]]
    if summary.get("unreadable"):
        lines.append(f"  ({summary['unreadable']:,} records could not be read: reason Unreadable)")
    if notes:
        lines.append("  (DecodeError includes lines that held no token: " + ", ".join(notes) + ")")
    err.write("\n".join(lines) + "\n")
    err.flush()


# ------------------------------------------------------------------ decode

_NOT_VERIFIED = ("NOT VERIFIED: neither the signature nor any claim of this token was checked; "
                 "do not trust its contents")


def _one_token(raw: bytes) -> bytes:
    """The one token of ``raw``: its only 'Bearer <token>' (a pasted request may hold other
    lines around it), else its only non-blank line; UsageError when it holds none or several."""
    bearer = _BEARER.findall(raw)
    if len(bearer) == 1:
        return bytes(bearer[0])
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(bearer) > 1 or len(lines) > 1:
        found = f"{len(bearer)} 'Bearer <token>'s" if bearer else f"{len(lines)} lines"
        raise UsageError(f"the input holds {found}, and decode takes one token; "
                         "for many, use `turbojwt verify` (one JSON result per line)")
    if not lines:
        raise UsageError("no token given")
    return lines[0]


def _cmd_decode(args: argparse.Namespace) -> int:
    if args.token == "-":
        raw = sys.stdin.buffer.read(MAX_LINE + 1)
        if len(raw) > MAX_LINE:
            raise UsageError(f"the input is longer than {MAX_LINE} bytes")
    else:
        raw = args.token.encode("utf-8", "surrogateescape")
    token = _one_token(raw)
    try:
        header = get_unverified_header(token)
        claims = _decode(token, options={"verify_signature": False})
    except PyJWTError as exc:
        raise UsageError(f"cannot decode the token: {type(exc).__name__}: {exc}") from None
    print(f"turbojwt decode: {_NOT_VERIFIED}", file=sys.stderr)
    doc: dict[str, Any] = {"verified": False, "header": header, "claims": claims}
    dates = {name: _utc(claims[name]) for name in ("iat", "nbf", "exp") if _utc(claims.get(name))}
    if dates:
        doc["dates_utc"] = dates
    try:
        text = _dumps(doc, indent=2, ensure_ascii=False)
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:                # a terminal that cannot show the text
        sys.stdout.write(_dumps(doc, indent=2) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def _utc(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


# ------------------------------------------------------------------ bench

def _find_compare(repo: str | None) -> Path | None:
    """benchmarks/compare.py of the repository checkout: --repo, the one this package sits in, or the cwd."""
    if repo is not None:
        candidates = [Path(repo)]
    else:
        # src/turbojwt/cli.py in a checkout: the repository is two levels up.
        candidates = [Path(__file__).resolve().parents[2], Path.cwd()]
    for root in candidates:
        script = root / "benchmarks" / "compare.py"
        if script.is_file():
            return script
    return None


def _cmd_bench(argv: list[str]) -> int:
    # By hand, not argparse: every argument but --repo DIR goes to compare.py
    # untouched (its --help included), and everything after "--" does.
    repo: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i + 1:]
            break
        if arg == "--repo":
            if i + 1 == len(argv):
                raise UsageError("--repo needs a directory")
            repo = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--repo="):
            repo = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    script = _find_compare(repo)
    if script is None:
        where = f"in {repo!r}" if repo else "beside this turbojwt or in the current directory"
        raise UsageError(
            f"benchmarks/compare.py not found {where}: the benchmark is not installed with the "
            "package and needs a checkout of the turbojwt repository; run `turbojwt bench` from "
            "the checkout's root, or give --repo DIR")
    return subprocess.call([sys.executable, str(script), *rest])
