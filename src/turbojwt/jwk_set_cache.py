"""JWKSetCache: the parsed JWK set a PyJWKClient keeps for ``lifespan`` seconds.

PyJWT 2.15's interface: ``put`` takes a parsed :class:`PyJWKSet` or the raw
``{"keys": [...]}`` payload (always stored parsed, so a cache hit never parses
a key again) and ``None`` to clear; ``get`` returns the set, or None when the
cache is empty or expired. A lifespan of ``-1`` or less (PyJWT's convention)
never expires.

The age is measured with ``time.monotonic()`` (looked up at call time, so
tests can patch it), never with the wall clock: a clock step must neither
keep stale keys alive nor throw fresh ones away.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .api_jwk import PyJWKSet
from .exceptions import PyJWKSetError

__all__ = ["JWKSetCache", "PyJWTSetWithTimestamp"]


class PyJWTSetWithTimestamp:
    """A parsed JWK set and the monotonic time at which it was stored (PyJWT's name)."""

    __slots__ = ("jwk_set", "timestamp")

    def __init__(self, jwk_set: PyJWKSet) -> None:
        self.jwk_set = jwk_set
        self.timestamp = time.monotonic()

    def get_jwk_set(self) -> PyJWKSet:
        """The stored set."""
        return self.jwk_set

    def get_timestamp(self) -> float:
        """When the set was stored, in ``time.monotonic()`` seconds."""
        return self.timestamp


class JWKSetCache:
    """One cached JWK set with a time to live."""

    def __init__(self, lifespan: float) -> None:
        """Keep a stored set for ``lifespan`` seconds (``-1`` or less: for ever)."""
        self.jwk_set_with_timestamp: PyJWTSetWithTimestamp | None = None
        self.lifespan = lifespan

    def put(self, jwk_set: PyJWKSet | Mapping[str, Any] | None) -> None:
        """Store ``jwk_set`` (parsed first if it is a payload), or clear the cache when it is None.

        Raises PyJWKSetError if ``jwk_set`` is neither a PyJWKSet nor a JWKS
        payload with usable keys; the previously stored set is then kept.
        """
        if jwk_set is None:
            self.jwk_set_with_timestamp = None
            return
        if not isinstance(jwk_set, PyJWKSet):
            if not isinstance(jwk_set, Mapping):
                raise PyJWKSetError("Invalid JWK Set value")
            jwk_set = PyJWKSet.from_dict(jwk_set)
        # One attribute assignment: a reader on another thread sees the old
        # entry or the new one, never a mix.
        self.jwk_set_with_timestamp = PyJWTSetWithTimestamp(jwk_set)

    def get(self) -> PyJWKSet | None:
        """The stored set, or None if there is none or it has expired."""
        # Read the entry once: put() may replace it concurrently.
        entry = self.jwk_set_with_timestamp
        if entry is None or self._expired(entry):
            return None
        return entry.get_jwk_set()

    def is_expired(self) -> bool:
        """True if a set is stored and older than the lifespan."""
        entry = self.jwk_set_with_timestamp
        return entry is not None and self._expired(entry)

    def _expired(self, entry: PyJWTSetWithTimestamp) -> bool:
        return self.lifespan > -1 and time.monotonic() > entry.get_timestamp() + self.lifespan
