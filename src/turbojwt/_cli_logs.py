"""``turbojwt verify`` over real logs: JSON lines, Parquet and Arrow IPC, as of the request time.

cli.py keeps the plain-lines path; this module adds the options of issue 13
(``--format``, ``--token-field``/``--time-field``, ``--token-column``/
``--time-column``, ``--at``), reads the records and their reference times, and
reports a record that cannot be read (bad JSON, a missing field, a time that
does not parse, a null token) as ``"reason": "Unreadable"`` with its line or
row number, counted in the summary, while the run goes on.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from datetime import datetime
from typing import IO, Any


# An integer time at or above this magnitude is epoch milliseconds, below it
# epoch seconds: 1e11 seconds is the year 5138, 1e11 milliseconds is 1973.
MILLISECONDS_FROM = 10**11
_BEARER_PREFIX = re.compile(r"^\s*bearer[ \t]+", re.IGNORECASE)
_RFC3339 = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})(?P<fraction>\.\d+)?"
                      r"(?P<zone>[Zz]|[+-]\d{2}:\d{2})$")

TIME_HELP = (f"epoch seconds, or epoch milliseconds when the integer is {MILLISECONDS_FROM:.0e} or more "
             "(1e11 s is the year 5138, 1e11 ms is 1973), or RFC 3339 text with a zone "
             "(2026-01-31T12:00:00Z)")


class Unreadable(Exception):
    """A record (line or row) with nothing to verify: its reason is ``Unreadable``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The log options of ``turbojwt verify``."""
    g = parser.add_argument_group(
        "logs (JSON lines, Parquet, Arrow IPC) and the time tokens are checked as of")
    g.add_argument("--format", choices=["lines", "jsonl", "parquet", "arrow"], default="lines",
                   help="lines: one token per line (default); jsonl: one JSON object per line "
                        "(--token-field); parquet / arrow (Arrow IPC file or stream): a column of "
                        "tokens (--token-column), read in batches of --batch-size rows (needs pyarrow); "
                        "its results carry \"row\" (from 0) instead of \"line\" and no error text")
    g.add_argument("--token-field", metavar="PATH",
                   help="jsonl: dotted path of the token in each object (e.g. request.headers.authorization); "
                        "a bare token or an 'Authorization: Bearer <token>' value")
    g.add_argument("--time-field", metavar="PATH",
                   help="jsonl: dotted path of the request time, each token checked as of it: " + TIME_HELP)
    g.add_argument("--token-column", metavar="NAME", help="parquet/arrow: the column of tokens")
    g.add_argument("--time-column", metavar="NAME",
                   help="parquet/arrow: the column of request times: a timestamp, or integers read "
                        "as for --time-field, or RFC 3339 strings")
    g.add_argument("--at", metavar="TIME",
                   help="check every token as of TIME (RFC 3339 or epoch seconds) instead of the clock")


def parse_time(value: Any) -> float:
    """Epoch seconds of a logged time (see TIME_HELP); ValueError if it is not one."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a time")
    if isinstance(value, int):
        seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else float(value)
    elif isinstance(value, float):
        seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else value
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return parse_time(int(text))
        m = _RFC3339.match(text)
        if m is None:
            raise ValueError(f"not epoch seconds or RFC 3339 with a zone: {text[:40]!r}")
        # why the fraction apart: Python 3.10's fromisoformat takes only 3 or 6
        # digits of it, RFC 3339 any number ("12:00:00.5Z").
        zone = "+00:00" if m["zone"] in "Zz" else m["zone"]
        seconds = datetime.fromisoformat(f"{m['date']}T{m['time']}{zone}").timestamp()
        if m["fraction"]:
            seconds += float("0" + m["fraction"])
    else:
        raise ValueError(f"a {type(value).__name__} is not a time")
    if not math.isfinite(seconds):
        raise ValueError("not a finite time")
    return seconds


def check_arguments(args: argparse.Namespace) -> None:
    """UsageError for options that do not fit the format; sets args.at_seconds."""
    from .cli import UsageError
    fmt = args.format
    if fmt == "jsonl" and not args.token_field:
        raise UsageError("--format jsonl needs --token-field PATH")
    if fmt in ("parquet", "arrow") and not args.token_column:
        raise UsageError(f"--format {fmt} needs --token-column NAME")
    if fmt != "jsonl" and (args.token_field or args.time_field):
        raise UsageError("--token-field and --time-field go with --format jsonl")
    if fmt not in ("parquet", "arrow") and (args.token_column or args.time_column):
        raise UsageError("--token-column and --time-column go with --format parquet or arrow")
    if args.at is not None and (args.time_field or args.time_column):
        raise UsageError("--at and a time field/column exclude each other")
    if fmt in ("parquet", "arrow") and args.file == "-":
        raise UsageError(f"--format {fmt} reads a file, not standard input")
    args.at_seconds = None
    if args.at is not None:
        try:
            args.at_seconds = parse_time(args.at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None


def _field(obj: Any, path: list[str]) -> Any:
    for name in path:
        if not isinstance(obj, dict) or name not in obj:
            raise KeyError(name)
        obj = obj[name]
    return obj


def _bare_token(value: str) -> str:
    return _BEARER_PREFIX.sub("", value, count=1).strip()


def jsonl_tokens(lines: list[bytes | None], args: argparse.Namespace,
                 stats: Any) -> tuple[list[bytes], list[Any] | None, list[float] | None]:
    """A chunk of JSON lines: the tokens, per line None or its Unreadable, and the tokens' times."""
    token_path = args.token_field.split(".")
    time_path = args.time_field.split(".") if args.time_field else None
    tokens: list[bytes] = []
    times: list[float] | None = [] if time_path else None
    slots: list[Any] = []
    for line in lines:
        try:
            if line is None:
                raise Unreadable("line too long: not read")
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise Unreadable(f"not JSON: {exc}") from None
            try:
                value = _field(obj, token_path)
            except KeyError:
                raise Unreadable(f"no {args.token_field!r} field") from None
            if not isinstance(value, str):
                raise Unreadable(f"{args.token_field!r} is not a string")
            if time_path is not None:
                try:
                    at = parse_time(_field(obj, time_path))
                except KeyError:
                    raise Unreadable(f"no {args.time_field!r} field") from None
                except ValueError as exc:
                    raise Unreadable(f"{args.time_field!r}: {exc}") from None
        except Unreadable as exc:
            stats.unreadable += 1
            slots.append(exc)
            continue
        tokens.append(_bare_token(value).encode("utf-8", "surrogatepass"))
        if times is not None:
            times.append(at)
        slots.append(None)
    return tokens, slots, times


# ------------------------------------------------------------------ Parquet / Arrow IPC

def _batches(args: argparse.Namespace) -> Any:
    """Record batches of the token (and time) columns, at most --batch-size rows each."""
    import pyarrow as pa
    columns = [args.token_column] + ([args.time_column] if args.time_column else [])
    if args.format == "parquet":
        import pyarrow.parquet as pq
        f = pq.ParquetFile(args.file, buffer_size=1 << 20, pre_buffer=False)
        missing = [c for c in columns if c not in f.schema_arrow.names]
        if missing:
            raise KeyError(missing[0])
        yield from f.iter_batches(batch_size=args.batch_size, columns=columns, use_threads=False)
        return
    source = pa.memory_map(args.file)
    try:
        reader: Any = pa.ipc.open_file(source)
        batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
    except pa.ArrowInvalid:
        source.seek(0)
        reader = pa.ipc.open_stream(source)
        batches = iter(reader)
    for batch in batches:
        for c in columns:
            if batch.schema.get_field_index(c) < 0:
                raise KeyError(c)
        for start in range(0, batch.num_rows, args.batch_size):
            yield batch.slice(start, args.batch_size).select(columns)


def _column_times(column: Any) -> Any:
    """The times of a column as arrow.verify takes them: a timestamp column as it is, others as
    float64 epoch seconds, NaN where a time does not parse (arrow.verify then gives a null or NaN
    time the reason InvalidTime, reported as Unreadable)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    t = column.type
    if pa.types.is_date(t):
        return column.cast(pa.timestamp("s"))
    if pa.types.is_timestamp(t):
        return column                   # exact: arrow.verify reads timestamps itself
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        x = column.cast(pa.float64())
        # The magnitude rule of parse_time, on the whole column at once.
        seconds = pc.if_else(pc.greater_equal(pc.abs(x), float(MILLISECONDS_FROM)), pc.divide(x, 1000.0), x)
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        values = []
        for v in column.to_pylist():
            try:
                values.append(math.nan if v is None else parse_time(v))
            except ValueError:
                values.append(math.nan)
        seconds = pa.array(values, pa.float64())
    else:
        raise TypeError(f"the time column is {t}, not a timestamp, number or string")
    return seconds.fill_null(math.nan)


def verify_columns(verifier: Any, args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """``turbojwt verify --format parquet|arrow``: one JSON line per row, then the summary."""
    from .cli import EXIT_INVALID, EXIT_OK, UsageError, _print_summary, _Stats, _json_str, _json_value, _names
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        from . import arrow as tja
    except ImportError:
        raise UsageError(f"--format {args.format} needs pyarrow: pip install 'turbojwt[arrow]'") from None
    claim_names = _names(args.claims)
    stats = _Stats()
    row = 0
    try:
        batches = _batches(args)
        for batch in batches:
            tokens = batch.column(0)
            if pa.types.is_string(tokens.type) or pa.types.is_large_string(tokens.type):
                tokens = pc.utf8_trim_whitespace(pc.replace_substring_regex(
                    tokens, r"^\s*[Bb][Ee][Aa][Rr][Ee][Rr][ \t]+", "", max_replacements=1))
            now = _column_times(batch.column(1)) if args.time_column else args.at_seconds
            result = tja.verify(verifier, tokens, now=now, claims=claim_names, threads=args.threads)
            out.write(_format_rows(row, result, claim_names, stats, _json_str, _json_value))
            out.flush()
            row += batch.num_rows
    except KeyError as exc:
        raise UsageError(f"{args.file!r} has no column {exc.args[0]!r}") from None
    except (OSError, pa.ArrowException, TypeError) as exc:
        raise UsageError(f"cannot read {args.file!r} as {args.format} (after row {row}): {exc}") from None
    summary = stats.summary()
    if args.summary_json:
        out.write(json.dumps({"summary": summary}) + "\n")
        out.flush()
    _print_summary(summary, err)
    return EXIT_OK if stats.valid == stats.total else EXIT_INVALID


def _format_rows(first: int, result: Any, claim_names: list[str], stats: Any, json_str: Any,
                 json_value: Any) -> str:
    """The JSON lines of one batch's result (its first row is number ``first``); counts them."""
    from .arrow import INVALID_TIME, MISSING_TOKEN
    unreadable = {MISSING_TOKEN: "null token", INVALID_TIME: "null or unreadable time"}
    valid = result.column(0).to_pylist()
    reasons = result.column(1).to_pylist()
    claims = {}
    for k, name in enumerate(dict.fromkeys(claim_names)):
        values = result.column(2 + k).to_pylist()
        if (result.schema.field(2 + k).metadata or {}).get(b"turbojwt.claim") == b"json":
            # Objects, arrays and mixed types come as JSON text: written as the values themselves.
            values = [None if v is None else json.loads(v) for v in values]
        claims[name] = values
    parts = []
    for i, (ok, reason) in enumerate(zip(valid, reasons)):
        row = first + i
        problem = unreadable.get(reason)
        if problem is not None:
            stats.unreadable += 1
            reason = "Unreadable"
            parts.append(f'{{"row": {row}, "valid": false, "reason": "Unreadable", "error": {json_str(problem)}}}\n')
        elif ok:
            picked = ", ".join(json_str(n) + ": " + json_value(v[i]) for n, v in claims.items() if v[i] is not None)
            tail = f', "claims": {{{picked}}}' if claims else ""
            parts.append(f'{{"row": {row}, "valid": true, "reason": "ok"{tail}}}\n')
            stats.valid += 1
        else:
            parts.append(f'{{"row": {row}, "valid": false, "reason": {json_str(reason)}}}\n')
        stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
    stats.total += len(valid)
    return "".join(parts)


__all__ = ["add_arguments", "check_arguments", "jsonl_tokens", "parse_time", "verify_columns", "Unreadable"]
