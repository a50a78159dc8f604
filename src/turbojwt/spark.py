"""Verify a Spark DataFrame's column of tokens (needs ``pyspark``: ``pip install turbojwt[spark]``).

:func:`verify_tokens` runs :func:`turbojwt.arrow.verify` inside ``mapInArrow``:
Spark hands each Python worker Arrow record batches, the C core reads their
buffers directly, and the result columns go back to the JVM as Arrow. The key
travels to the executors as plain data (an HMAC secret, a PEM text, a JWK or
JWKS dict) and each Python worker process builds its Verifier once, the first
time a batch needs it (a module-level cache keyed by that plain data). See
docs/logs.md for running it on a cluster.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["verify_tokens", "result_schema"]

_SPARK_TYPES = {"string": "string", "json": "string", "int64": "bigint", "float64": "double", "bool": "boolean"}

# Verifiers built in this (worker) process, by their plain configuration.
_VERIFIERS: dict[str, Any] = {}
_VERIFIERS_LOCK = threading.Lock()


def _plain_key(key: Any) -> Any:
    """The key as JSON-able data; TypeError for anything that cannot travel as plain data."""
    if isinstance(key, str):
        return {"str": key}
    if isinstance(key, bytes):
        return {"bytes": base64.b64encode(key).decode("ascii")}
    if isinstance(key, dict):
        json.dumps(key)          # a JWK or JWKS: must be plain JSON
        return {"jwk": key}
    raise TypeError("key must be plain data (an HMAC secret or PEM as str/bytes, or a JWK/JWKS dict), "
                    f"not {type(key).__name__}: key objects do not travel to Spark's workers")


def _verifier(config: str) -> Any:
    """This process's Verifier for a plain configuration (built once)."""
    v = _VERIFIERS.get(config)
    if v is None:
        from ._core import Verifier
        c = json.loads(config)
        k = c["key"]
        key = k["str"] if "str" in k else base64.b64decode(k["bytes"]) if "bytes" in k else k["jwk"]
        v = Verifier(key, c["algorithms"], audience=c["audience"], issuer=c["issuer"])
        with _VERIFIERS_LOCK:
            v = _VERIFIERS.setdefault(config, v)
    return v


def _claim_specs(claims: Sequence[Any]) -> list[tuple[str, str]]:
    # Spark needs the schema before it sees a row: a bare name is a "string" column
    # (strings as their text, other values as JSON text).
    specs = []
    for item in claims:
        name, kind = (item, "string") if isinstance(item, str) else item
        if kind not in _SPARK_TYPES:
            raise ValueError(f"claim {name!r}: type must be one of {', '.join(_SPARK_TYPES)}, not {kind!r}")
        specs.append((name, kind))
    return specs


def result_schema(df: Any, claims: Sequence[Any] = ()) -> str:
    """The DDL schema of verify_tokens' result: df's columns, then valid, reason and the claims."""
    added = ["`valid` boolean", "`reason` string"] + [f"`{n}` {_SPARK_TYPES[k]}" for n, k in _claim_specs(claims)]
    return ", ".join([f"`{f.name}` {f.dataType.simpleString()}" for f in df.schema.fields] + added)


def verify_tokens(df: Any, token_column: str, *, key: Any, algorithms: Sequence[str], audience: Any = None,
                  issuer: Any = None, time_column: str | None = None, claims: Sequence[Any] = ()) -> Any:
    """``df`` with ``valid`` (boolean), ``reason`` (string) and one column per claim added.

    ``token_column``: a string or binary column of tokens. ``key``: plain data
    (HMAC secret or PEM as str/bytes, or a JWK / JWKS dict); ``algorithms``,
    ``audience`` and ``issuer`` as for :class:`turbojwt.Verifier`.
    ``time_column``: a timestamp or integer (epoch seconds) column; each token
    is checked as of its row's time (the clock without it). ``claims``: names
    (string columns: strings as text, other values as JSON text) or ``(name,
    type)`` pairs with type ``string``, ``json``, ``int64``, ``float64`` or
    ``bool``. Reasons are those of :func:`turbojwt.arrow.verify`.
    """
    specs = _claim_specs(claims)
    for name in ("valid", "reason", *(n for n, _ in specs)):
        if name in df.columns:
            raise ValueError(f"the DataFrame already has a column {name!r}")
    if token_column not in df.columns:
        raise ValueError(f"the DataFrame has no column {token_column!r}")
    if time_column is not None and time_column not in df.columns:
        raise ValueError(f"the DataFrame has no column {time_column!r}")
    config = json.dumps({"key": _plain_key(key), "algorithms": list(algorithms),
                         "audience": audience, "issuer": issuer}, sort_keys=True)
    _verifier(config)                      # a bad configuration fails here, on the driver
    schema = result_schema(df, claims)

    def verify_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from . import arrow
        verifier = _verifier(config)
        for batch in batches:
            now = batch.column(time_column) if time_column is not None else None
            # One thread: Spark already runs a Python worker per core.
            result = arrow.verify(verifier, batch.column(token_column), now=now, claims=specs, threads=1)
            columns = list(batch.columns) + [result.column(0), result.column(1).cast(pa.string())]
            columns += [result.column(2 + k) for k in range(len(specs))]
            names = list(batch.schema.names) + ["valid", "reason"] + [n for n, _ in specs]
            yield pa.RecordBatch.from_arrays(columns, names=names)

    return df.mapInArrow(verify_batches, schema)
