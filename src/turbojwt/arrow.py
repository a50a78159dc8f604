"""Batch verification of Apache Arrow columns of tokens (needs ``pyarrow``: ``pip install turbojwt[arrow]``).

:func:`verify` takes a column of tokens as the data world hands it over (a
``pyarrow`` array or chunked array, from Parquet, DuckDB, Polars, Spark...) and
returns the verdict as Arrow columns. The tokens are read from the Arrow
buffers by the C core (no Python ``str`` per token), on every core, and the
result columns are written into Arrow buffers the same way. See docs/logs.md.
"""

from __future__ import annotations

import datetime as _datetime
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Union

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as exc:  # pragma: no cover - exercised only without pyarrow
    raise ImportError("turbojwt.arrow needs pyarrow: pip install 'turbojwt[arrow]'") from exc

from . import _core
from ._core import Verifier

__all__ = ["verify", "CLAIM_TYPES", "MISSING_TOKEN", "INVALID_TIME"]

#: The types a claim column can be asked for (see :func:`verify`).
CLAIM_TYPES = tuple(_core.ARROW_COLUMN_TYPES)
#: The reason of a row whose token is null.
MISSING_TOKEN = _core.REASON_MISSING_TOKEN
#: The reason of a row whose reference time is null, NaN or infinite.
INVALID_TIME = _core.REASON_INVALID_TIME

ClaimSpec = Union[str, "tuple[str, str]"]
_UNIT_PER_SECOND = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}
_RESULT_COLUMNS = ("valid", "reason")


def _token_chunks(tokens: Any) -> tuple[list[Any], list[tuple[int, int, int, int, int, int, bool]]]:
    """The token arrays (kept alive) and, per chunk, the addresses the core reads."""
    if isinstance(tokens, pa.ChunkedArray):
        arrays = list(tokens.chunks)
        arrow_type = tokens.type
    elif isinstance(tokens, pa.Array):
        arrays = [tokens]
        arrow_type = tokens.type
    else:
        raise TypeError(f"tokens must be a pyarrow Array or ChunkedArray, not {type(tokens).__name__}")
    if pa.types.is_dictionary(arrow_type):
        arrays = [a.dictionary_decode() for a in arrays]
        arrow_type = arrow_type.value_type
    if arrow_type in (pa.string_view(), pa.binary_view()):
        wide = pa.large_string() if arrow_type == pa.string_view() else pa.large_binary()
        arrays = [a.cast(wide) for a in arrays]
        arrow_type = wide
    if pa.types.is_null(arrow_type):            # a column that is null throughout
        arrays = [pa.array([None] * len(a), pa.string()) for a in arrays]
        arrow_type = pa.string()
    if arrow_type in (pa.string(), pa.binary()):
        large = False
    elif arrow_type in (pa.large_string(), pa.large_binary()):
        large = True
    else:
        raise TypeError(f"tokens must be a string, large_string or binary column, not {arrow_type}")
    chunks = []
    for a in arrays:
        if len(a) == 0:
            continue
        # Buffer sizes against the length and offset (cheap); the core also
        # refuses any value whose offsets point outside the data buffer.
        a.validate()
        validity, offsets, data = a.buffers()[:3]
        chunks.append((len(a), a.offset, validity.address if validity is not None else 0,
                       offsets.address, data.address if data is not None else 0,
                       data.size if data is not None else 0, large))
    return arrays, chunks


def _seconds_array(now: Any, rows: int) -> Any:
    """A float64 array of epoch seconds (NaN where the time is null or not finite)."""
    if isinstance(now, pa.ChunkedArray):
        now = now.combine_chunks() if now.num_chunks != 1 else now.chunk(0)
    elif not isinstance(now, pa.Array):
        if any(isinstance(t, _datetime.datetime) and t.utcoffset() is None for t in now):
            raise ValueError("now holds a naive datetime: give it a timezone (e.g. datetime.timezone.utc)")
        now = pa.array(now)
    if len(now) != rows:
        raise ValueError(f"now has {len(now)} times for {rows} tokens: give one per token")
    t = now.type
    if pa.types.is_timestamp(t):
        seconds = pc.divide(now.cast(pa.int64()).cast(pa.float64()), _UNIT_PER_SECOND[t.unit])
    elif pa.types.is_integer(t) or pa.types.is_floating(t):
        seconds = now.cast(pa.float64())
    elif pa.types.is_null(t):
        seconds = pa.array([math.nan] * rows, pa.float64())
    else:
        raise TypeError(f"now must be a timestamp or a number array (epoch seconds), not {t}")
    seconds = seconds.fill_null(math.nan)
    if isinstance(seconds, pa.ChunkedArray):
        seconds = seconds.combine_chunks()
    return seconds


def _claim_specs(claims: Iterable[ClaimSpec]) -> list[tuple[str, int]]:
    specs: list[tuple[str, int]] = []
    seen = set(_RESULT_COLUMNS)
    if isinstance(claims, (str, bytes)):
        raise TypeError("claims must be a sequence of claim names, not one string")
    for item in claims:
        if isinstance(item, str):
            name, wanted = item, -1
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, type_name = item
            if type_name not in _core.ARROW_COLUMN_TYPES:
                raise ValueError(f"claim {name!r}: type must be one of {', '.join(CLAIM_TYPES)}, not {type_name!r}")
            wanted = _core.ARROW_COLUMN_TYPES[type_name]
        else:
            raise TypeError(f"a claim is a name or a (name, type) pair, not {item!r}")
        if name in seen:
            raise ValueError(f"claim column {name!r} is named twice (or clashes with valid/reason)")
        seen.add(name)
        specs.append((name, wanted))
    return specs


_ARROW_TYPES = {"string": pa.string(), "json": pa.string(), "int64": pa.int64(), "float64": pa.float64(),
                "bool": pa.bool_()}


def _claim_array(rows: int, kind: str, validity: bytearray, data: bytearray, offsets: Any, large: bool) -> Any:
    valid = pa.py_buffer(validity)
    if offsets is None:
        return pa.Array.from_buffers(_ARROW_TYPES[kind], rows, [valid, pa.py_buffer(data)])
    arrow_type = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(arrow_type, rows, [valid, pa.py_buffer(offsets), pa.py_buffer(data)])


def verify(verifier: Verifier, tokens: Any, now: Any = None, claims: Sequence[ClaimSpec] = (),
           *, threads: int | None = None) -> Any:
    """Verify a column of tokens; the verdict as Arrow columns.

    ``tokens``: a ``pyarrow`` string, large_string, binary or large_binary
    array or chunked array (dictionary and view columns are decoded first).
    ``now``: None (the clock), one time for every row (epoch seconds or an
    aware datetime, as for :meth:`Verifier.decode`), or one per row as a
    timestamp or integer (epoch seconds) array (an Arrow timestamp without a
    time zone is read as UTC, as Arrow stores it from the epoch). ``claims``: names of payload
    claims to return, each as a column of that name; a name alone takes its
    type from the values (only strings: string; only integers: int64; only
    numbers: float64; only booleans: bool; none: string; any other mix, or
    objects and arrays: ``json``, the compact JSON text of each value), a
    ``(name, type)`` pair fixes it (``string``: strings as their text and
    other values as JSON text; ``int64``/``float64``/``bool``: null for a
    value of another type; ``json``). A claim is null where it is absent or
    JSON null, and in every row that is not valid.

    Returns a ``pyarrow.RecordBatch`` (a ``pyarrow.Table`` for a chunked
    array) with ``valid`` (bool, never null), ``reason`` (dictionary-encoded
    string: ``"ok"``, the name of the exception :meth:`Verifier.decode` would
    raise, ``"MissingToken"`` for a null token or ``"InvalidTime"`` for a null
    or non-finite time) and the claim columns, row for row with ``tokens``.
    ``threads``: as for :meth:`Verifier.decode_many` (default: every core).
    """
    if not isinstance(verifier, Verifier):
        raise TypeError(f"verifier must be a turbojwt.Verifier, not {type(verifier).__name__}")
    keep, chunks = _token_chunks(tokens)
    rows = len(tokens)
    specs = _claim_specs(claims)
    now_one: Any = None
    now_address = 0
    seconds = None
    if now is not None:
        if isinstance(now, (numbers.Number, _datetime.datetime, _datetime.date, str, bytes)):
            now_one = now        # checked (and refused if it is no time) by the core binding
        else:
            seconds = _seconds_array(now, rows)
            if len(seconds):
                now_address = seconds.buffers()[1].address + 8 * seconds.offset
    valid, reason, names, columns = _core.arrow_verify_buffers(
        verifier, chunks, rows, now_one, now_address, specs, threads)
    del keep, seconds
    arrays = [
        pa.Array.from_buffers(pa.bool_(), rows, [None, pa.py_buffer(valid)]),
        pa.DictionaryArray.from_arrays(pa.Array.from_buffers(pa.int32(), rows, [None, pa.py_buffer(reason)]),
                                       pa.array(names, pa.string())),
    ]
    fields = [pa.field("valid", pa.bool_(), nullable=False),
              pa.field("reason", pa.dictionary(pa.int32(), pa.string()), nullable=False)]
    for (name, _), (kind, validity, data, offsets, large) in zip(specs, columns):
        array = _claim_array(rows, kind, validity, data, offsets, large)
        arrays.append(array)
        fields.append(pa.field(name, array.type, metadata={"turbojwt.claim": kind}))
    batch = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
    if isinstance(tokens, pa.ChunkedArray):
        return pa.Table.from_batches([batch])
    return batch
