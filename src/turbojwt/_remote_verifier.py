"""How a Verifier built on a RemoteJWKSet decodes: one static Verifier per key-set generation.

``Verifier(RemoteJWKSet(url), algorithms=[...], ...)`` keeps its configuration
and hands every decode to a :class:`RemoteVerification`, which holds a static
``Verifier`` compiled from the current generation's keys (with its own
verified-token cache). The fetch thread compiles the next one as soon as a
new generation arrives, so no request pays for it; a request that still sees
an old one compiles it itself.

Why one cache per generation: a key that the IdP removed must stop verifying
at the next refresh, tokens already in the verified-token cache included. A
generation changes only when the published keys change, so routine refreshes
keep the cache warm.

A token whose ``kid`` the current set lacks (UnknownKeyError) asks the key set
for a refetch (rate-limited by its cooldown, shared by every caller) and, once
the fetch brings a new generation, is verified once more against it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._core import Verifier
from .exceptions import UnknownKeyError
from .remote_jwks import KeySetGeneration, RemoteJWKSet

# A secret only used to check a remote verifier's claim policy at construction.
_PROBE_SECRET = bytes(64)

Method = Callable[..., Any]


class RemoteVerification:
    """The delegate of a Verifier whose keys come from a RemoteJWKSet."""

    __slots__ = ("keys", "settings", "_algorithms", "_config", "_state", "__weakref__")

    def __init__(self, keys: RemoteJWKSet, algorithms: Any, config: dict[str, Any]) -> None:
        """Check the configuration now (so a mistake fails here, not on the first token)."""
        if isinstance(algorithms, str):
            algorithms = [algorithms]
        if not algorithms or not all(isinstance(name, str) for name in algorithms):
            # Why: with keys that change under it, the allow-list must be the
            # caller's, never derived from whatever the endpoint publishes.
            raise TypeError("a Verifier on a RemoteJWKSet needs algorithms=[...], a list of names")
        self.keys = keys
        self._algorithms = list(algorithms)
        self._config = config
        probe = Verifier(_PROBE_SECRET, ["HS256"], **{k: v for k, v in config.items() if k != "cache"})
        if config.get("cache", 0) < 0:
            raise ValueError("cache must be a number of tokens (0 for none)")
        self.settings = (probe.options, tuple(self._algorithms), probe.audience, probe.issuer,
                         probe.subject, probe.leeway, probe.max_token_length)
        self._state: tuple[KeySetGeneration | None, Verifier | None] = (None, None)
        keys._subscribe(self._compile)
        generation = keys._current
        if generation is not None:
            self._compile(generation)

    def _compile(self, generation: KeySetGeneration) -> Verifier:
        """The static Verifier for ``generation`` (called on the fetch thread, or by a request)."""
        inner = Verifier(generation.jwk_set, self._algorithms, **self._config)
        self._state = (generation, inner)
        return inner

    def _inner_for(self, generation: KeySetGeneration) -> Verifier:
        state = self._state
        if state[0] is generation and state[1] is not None:
            return state[1]
        return self._compile(generation)

    def _newer(self, inner: Verifier) -> Verifier | None:
        """After a refetch: the current generation's Verifier if it is not ``inner``."""
        generation = self.keys._current
        if generation is None:
            return None
        newer = self._inner_for(generation)
        return None if newer is inner else newer

    def current(self) -> Verifier:
        """The current generation's Verifier, waiting (bounded) for a first key set."""
        generation = self.keys._current
        if generation is None:
            generation = self.keys.wait_ready()
        return self._inner_for(generation)

    def run(self, method: Method, jwt: Any, detached_payload: Any, now: Any = None) -> Any:
        """``method(verifier, jwt, detached_payload[, now=now])`` with the current keys.

        A token whose kid the keys lack asks for one refetch, then is tried once more.
        """
        generation, inner = self._state
        if generation is not self.keys._current or inner is None:
            inner = self.current()
        try:
            return _call(method, inner, jwt, detached_payload, now)
        except UnknownKeyError:
            # A generation that arrived since this decode began may hold the kid already.
            newer = self._newer(inner)
            if newer is None:
                fetch = self.keys._request_refresh()
                if fetch is not None and not fetch.wait(self.keys.timeout):
                    raise
                newer = self._newer(inner)  # also when refused: a fetch may have just ended
                if newer is None:
                    raise
        return _call(method, newer, jwt, detached_payload, now)

    async def run_async(self, method: Method, jwt: Any, detached_payload: Any, now: Any = None) -> Any:
        """Like :meth:`run`; any fetch it needs is awaited, never waited for on the loop's thread."""
        generation, inner = self._state
        if generation is not self.keys._current or inner is None:
            generation = self.keys._current
            if generation is None:
                generation = await self.keys.wait_ready_async()
            inner = self._inner_for(generation)
        try:
            return _call(method, inner, jwt, detached_payload, now)
        except UnknownKeyError:
            # A generation that arrived since this decode began may hold the kid already.
            newer = self._newer(inner)
            if newer is None:
                fetch = self.keys._request_refresh()
                if fetch is not None and not await fetch.wait_async(self.keys.timeout):
                    raise
                newer = self._newer(inner)  # also when refused: a fetch may have just ended
                if newer is None:
                    raise
        return _call(method, newer, jwt, detached_payload, now)


def _call(method: Method, verifier: Verifier, jwt: Any, detached_payload: Any, now: Any) -> Any:
    # decode_jws takes no now=; the others take it as a keyword only.
    if now is None:
        return method(verifier, jwt, detached_payload)
    return method(verifier, jwt, detached_payload, now=now)
