"""RemoteJWKSet: an identity provider's key set, kept fresh by one background thread.

One state machine, shared by the sync and the async worlds (only the waiting
differs). A :class:`turbojwt.Verifier` built on a RemoteJWKSet reads it
through one narrow seam, answered from memory on the hot path:

- ``_current``: the key set of the current generation (a :class:`KeySetGeneration`,
  or None while none is usable). The generation number changes only when
  the published keys change, so a routine refresh that returns the same
  document costs the verifiers nothing.
- ``_request_refresh()``: "a token names a kid I don't know": starts a fetch
  now unless the cooldown or the failure back-off forbids it, and returns the
  fetch to wait for (shared by every caller: single flight), or None.

Everything else happens on the key set's own daemon thread, which does all the
fetching with the standard library (see ``_http_get``): the first fetch at
construction, a refresh when the set's max age runs out (``Cache-Control:
max-age``, bounded by ``min_max_age``/``max_max_age``), fetches requested for
unknown kids, retries with exponential back-off after failures, and dropping
the last good set once it has been stale for ``max_stale`` seconds. Callers
never fetch: a sync caller waits on an Event, an async caller awaits a
future completed from the thread (``loop.call_soon_threadsafe``), so the event
loop never blocks. Why the standard library rather than httpx or aiohttp: the
fetch runs on a thread of its own either way (that is what makes one
in-flight fetch serve sync and async callers alike), so an async client would
buy nothing, and turbojwt keeps no runtime dependency.
"""

from __future__ import annotations

import asyncio
import math
import os
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from ._http_get import FetchError, check_url, get_json, max_age_of
from .api_jwk import PyJWKSet
from .exceptions import KeySetUnavailableError, PyJWTError

__all__ = ["KeySetGeneration", "RemoteJWKSet"]

_DISCOVERY_PATH = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class KeySetGeneration:
    """One version of the published key set: what verifiers compile their keys from."""

    number: int
    jwks: Mapping[str, Any]
    jwk_set: PyJWKSet


class _Fetch:
    """One fetch that callers wait for, sync (an Event) or async (a future per waiter)."""

    __slots__ = ("_lock", "_event", "_futures", "error")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.error: str | None = None

    def finish(self, error: str | None) -> None:
        """Called once, from the fetch thread (or close()): wake every waiter."""
        with self._lock:
            self.error = error
            self._event.set()
            futures, self._futures = self._futures, []
        for loop, future in futures:
            try:
                loop.call_soon_threadsafe(_resolve, future)
            except RuntimeError:  # that loop is closed: nobody is waiting there any more
                pass

    def wait(self, timeout: float) -> bool:
        """Block this thread until the fetch ends; False if ``timeout`` ran out first."""
        return self._event.wait(timeout)

    async def wait_async(self, timeout: float) -> bool:
        """Await the end of the fetch without blocking the loop; False on timeout."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._event.is_set():
                return True
            future: asyncio.Future[None] = loop.create_future()
            self._futures.append((loop, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            return False
        return True


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # wait_for may have cancelled it on timeout
        future.set_result(None)


def _positive(name: str, value: float, zero_ok: bool = False) -> float:
    value = float(value)
    if math.isnan(value) or value < 0 or (value == 0 and not zero_ok):
        raise ValueError(f"{name} must be a {'non-negative' if zero_ok else 'positive'} number of seconds")
    return value


class RemoteJWKSet:
    """A JWK set published at a URL, fetched and refreshed by a background thread.

    Pass it where a key set goes: ``Verifier(RemoteJWKSet(url), algorithms=["RS256"],
    audience=..., issuer=..., cache=10000)``. See docs/gateway.md for the refresh,
    cooldown, staleness and failure behaviour.
    """

    #: How a Verifier built on this key set decodes (the seam read by _core.Verifier).
    _tj_verifier_delegate: Callable[..., Any]

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        cooldown: float = 5.0,
        min_max_age: float = 60.0,
        max_max_age: float = 86400.0,
        default_max_age: float = 600.0,
        max_stale: float = 86400.0,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_bytes: int = 1024 * 1024,
        headers: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        allow_http: bool = False,
    ) -> None:
        """Start fetching the JWK set at ``url`` now, on a daemon thread.

        - ``timeout``: seconds for one fetch (connect, and the whole body), and
          the longest a ``decode`` waits for a fetch it needs.
        - ``cooldown``: the least time between two fetches asked for by tokens
          with an unknown ``kid`` (a flood of random kids costs the IdP at
          most one fetch per cooldown).
        - ``min_max_age``/``max_max_age``: the bounds put on the response's
          ``Cache-Control: max-age``; ``default_max_age`` when it has none. The
          set is refreshed in the background when its max age runs out.
        - ``max_stale``: how long past its max age the last good set keeps
          verifying while fetches fail; then decoding raises KeySetUnavailableError.
        - ``min_backoff``/``max_backoff``: the delays between failed fetches
          (doubling from the first to the second).
        - ``max_bytes``: the largest response accepted.
        - ``headers``: sent with every request (for an endpoint that wants
          credentials; never written into an error).
        - ``ssl_context``: verifies https (default: the system's CA store,
          certificate and host name checked).
        - ``allow_http``: accept plain http for hosts other than loopback.
        """
        self._init(timeout, cooldown, min_max_age, max_max_age, default_max_age, max_stale,
                   min_backoff, max_backoff, max_bytes, headers, ssl_context, allow_http)
        self._jwks_url: str | None = check_url(url, allow_http)
        self._issuer: str | None = None
        self._thread.start()

    @classmethod
    def from_issuer(cls, issuer: str, **options: Any) -> RemoteJWKSet:
        """A key set found by OpenID Connect discovery at ``{issuer}/.well-known/openid-configuration``.

        The discovery document is fetched on the background thread (this call
        does not block); its ``issuer`` must equal ``issuer`` exactly (OpenID
        Connect Discovery 1.0, section 4.3), and its ``jwks_uri`` must pass
        the same URL checks as ``RemoteJWKSet(url)``. Takes the options of
        ``RemoteJWKSet``. A failed discovery is retried like a failed fetch.
        """
        self = cls.__new__(cls)
        self._init(**_with_defaults(options))
        self._issuer = issuer
        check_url(self.discovery_url, self._allow_http)
        self._jwks_url = None
        self._thread.start()
        return self

    def _init(self, timeout: float = 5.0, cooldown: float = 5.0, min_max_age: float = 60.0,
              max_max_age: float = 86400.0, default_max_age: float = 600.0, max_stale: float = 86400.0,
              min_backoff: float = 1.0, max_backoff: float = 60.0, max_bytes: int = 1024 * 1024,
              headers: Mapping[str, str] | None = None, ssl_context: ssl.SSLContext | None = None,
              allow_http: bool = False) -> None:
        self.timeout = _positive("timeout", timeout)
        self.cooldown = _positive("cooldown", cooldown, zero_ok=True)
        # Not zero: a "max-age=0" or "no-cache" answer would otherwise make the thread refetch in a loop.
        self.min_max_age = _positive("min_max_age", min_max_age)
        self.max_max_age = _positive("max_max_age", max_max_age)
        if self.min_max_age > self.max_max_age:
            raise ValueError("min_max_age must not exceed max_max_age")
        self.default_max_age = _positive("default_max_age", default_max_age, zero_ok=True)
        self.max_stale = _positive("max_stale", max_stale, zero_ok=True)
        self.min_backoff = _positive("min_backoff", min_backoff)
        self.max_backoff = max(_positive("max_backoff", max_backoff), self.min_backoff)
        if not isinstance(max_bytes, int) or max_bytes <= 0:
            raise ValueError("max_bytes must be a positive int")
        self.max_bytes = max_bytes
        from . import __version__  # here: the package imports this module

        self._headers = {"User-Agent": f"turbojwt/{__version__}", **(headers or {})}
        self._ssl_context = ssl_context if ssl_context is not None else ssl.create_default_context()
        self._allow_http = bool(allow_http)

        self._cond = threading.Condition()
        self._closed = False
        self._current: KeySetGeneration | None = None
        self._number = 0
        now = time.monotonic()
        self._due = now                       # when the thread fetches next
        self._stale_at = math.inf             # when the current set passes its max age
        self._dead_at = math.inf              # when it has been stale for max_stale
        self._last_attempt: float | None = None
        self._last_kid_fetch: float | None = None  # the last fetch asked for by an unknown kid
        self._backoff_until = 0.0
        self._failures = 0
        self._last_error: str | None = None
        self._next_fetch = _Fetch()
        self._in_flight: _Fetch | None = None
        self._listeners: list[weakref.WeakMethod[Callable[[KeySetGeneration], object]]] = []
        # Why a daemon: a key set must never keep a process alive at exit.
        self._thread = threading.Thread(target=self._run, name="turbojwt-jwks", daemon=True)
        _LIVE.add(self)

    def _restart_after_fork(self) -> None:
        """In a forked child (a pre-forking server's worker): a new lock and a new fetch thread.

        Why: only the thread that called fork() survives in the child, so the
        fetch thread is gone, and a lock it held at that moment would stay held.
        The set in memory is kept; a fetch that was in flight is started again.
        """
        self._cond = threading.Condition()
        self._next_fetch = _Fetch()
        if self._in_flight is not None:
            self._in_flight = None
            self._due = time.monotonic()
        if self._closed or self._thread.ident is None:  # closed, or never started
            return
        self._thread = threading.Thread(target=self._run, name="turbojwt-jwks", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public view

    @property
    def url(self) -> str | None:
        """The JWKS URL (None until discovery has found it)."""
        return self._jwks_url

    @property
    def issuer(self) -> str | None:
        """The issuer given to :meth:`from_issuer`, or None."""
        return self._issuer

    @property
    def discovery_url(self) -> str | None:
        """``{issuer}/.well-known/openid-configuration``, or None without an issuer."""
        return None if self._issuer is None else self._issuer.rstrip("/") + _DISCOVERY_PATH

    @property
    def generation(self) -> KeySetGeneration | None:
        """The key set verifying tokens now, or None (not fetched yet, or stale past ``max_stale``)."""
        return self._current

    @property
    def last_error(self) -> str | None:
        """Why the last fetch failed (URL and cause), or None after a success."""
        return self._last_error

    def wait_ready(self, timeout: float | None = None) -> KeySetGeneration:
        """Block until a key set is usable; KeySetUnavailableError if it is not within ``timeout``."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            generation, fetch, left = self._ready_or_fetch(deadline)
            if generation is not None:
                return generation
            fetch.wait(left)

    async def wait_ready_async(self, timeout: float | None = None) -> KeySetGeneration:
        """Like :meth:`wait_ready`, awaiting without blocking the event loop."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            generation, fetch, left = self._ready_or_fetch(deadline)
            if generation is not None:
                return generation
            await fetch.wait_async(left)

    def close(self) -> None:
        """Stop the background thread (waiting for it up to ``timeout``); idempotent."""
        self._signal_close()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(self.timeout + 1.0)

    async def aclose(self) -> None:
        """Stop the background thread without blocking the event loop."""
        self._signal_close()
        if self._thread.is_alive():
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join, self.timeout + 1.0)

    def __enter__(self) -> RemoteJWKSet:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    async def __aenter__(self) -> RemoteJWKSet:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        where = self._jwks_url or self.discovery_url
        number = self._current.number if self._current is not None else None
        return f"<turbojwt.RemoteJWKSet {where!r} generation={number}>"

    # ------------------------------------------------------------------ the seam for verifiers

    def _subscribe(self, callback: Callable[[KeySetGeneration], object]) -> None:
        """Call the bound method ``callback`` on the fetch thread after each new generation (weakly held)."""
        with self._cond:
            self._listeners = [ref for ref in self._listeners if ref() is not None]
            self._listeners.append(weakref.WeakMethod(callback))

    def _request_refresh(self) -> _Fetch | None:
        """A token names a kid the current set lacks: the fetch to wait for, or None.

        Single flight: a fetch in progress is shared. Otherwise a fetch starts
        now unless another unknown kid asked for one less than ``cooldown``
        seconds ago, or the failure back-off runs; then one is scheduled for
        when it is allowed (the kid may be new) and None is returned: the
        caller rejects now. Why the cooldown counts only fetches asked for by
        unknown kids: an IdP may sign with a new key the moment it publishes
        it, and a routine or first fetch a second earlier must not make
        those tokens wait (PyJWKClient's 30 s of rejections).
        """
        with self._cond:
            if self._closed:
                return None
            if self._in_flight is not None:
                return self._in_flight
            now = time.monotonic()
            if self._due <= now:
                return self._next_fetch  # due, the thread is about to start it: join it
            earliest = self._backoff_until
            if self._last_kid_fetch is not None:
                earliest = max(earliest, self._last_kid_fetch + self.cooldown)
            if earliest <= now:
                self._last_kid_fetch = now
                self._due = now
                self._cond.notify()
                return self._next_fetch
            if self._due > earliest:
                self._last_kid_fetch = earliest  # that fetch, too, counts against the cooldown
                self._due = earliest
                self._cond.notify()
            return None

    def _first_set(self) -> tuple[KeySetGeneration | None, _Fetch | None]:
        """(the usable set, None), or (None, the fetch that may bring one, or None)."""
        with self._cond:
            if self._current is not None:
                return self._current, None
            if self._closed:
                return None, None
            if self._in_flight is not None:
                return None, self._in_flight
            if self._last_attempt is None:  # the first fetch has not started yet
                return None, self._next_fetch
            return None, None

    def _ready_or_fetch(self, deadline: float) -> tuple[KeySetGeneration | None, _Fetch, float]:
        """(the usable set, -, -), or (None, the fetch to wait for, seconds left); else raise."""
        generation, fetch = self._first_set()
        if generation is not None:
            return generation, self._next_fetch, 0.0
        left = deadline - time.monotonic()
        if fetch is None or left <= 0:
            raise self._unavailable()
        return None, fetch, left

    def _unavailable(self) -> KeySetUnavailableError:
        where = self._jwks_url or self.discovery_url
        if self._closed:
            return KeySetUnavailableError(f"the key set from {where} is closed")
        cause = self._last_error
        if cause is None:
            cause = "still fetching" if self._in_flight is not None else "no fetch has finished yet"
        elif self._in_flight is not None:
            cause += " (a retry is in flight)"
        return KeySetUnavailableError(f"no usable key set from {where}: {cause}")

    # ------------------------------------------------------------------ the fetch thread

    def _signal_close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            pending = self._next_fetch
        pending.finish("closed")

    def _run(self) -> None:
        while True:
            with self._cond:
                fetch = self._wait_until_due()
                if fetch is None:
                    return
            error, generation, max_age = self._fetch_once()
            with self._cond:
                self._record(error, generation, max_age)
                self._in_flight = None
                listeners = list(self._listeners) if generation is not None else []
            fetch.finish(error)
            for ref in listeners:
                callback = ref()
                if callback is not None:
                    try:
                        callback(generation)  # type: ignore[arg-type]
                    except Exception:  # noqa: BLE001 - a verifier rebuilds (and raises) on its next decode
                        pass

    def _wait_until_due(self) -> _Fetch | None:
        """Under the lock: sleep until a fetch is due (dropping a set stale past max_stale)."""
        while not self._closed:
            now = time.monotonic()
            if self._current is not None and now >= self._dead_at:
                self._current = None  # stale past max_stale: stop verifying with it
            if now >= self._due:
                fetch, self._next_fetch = self._next_fetch, _Fetch()
                self._in_flight = fetch
                self._last_attempt = now
                return fetch
            wake = self._due if self._current is None else min(self._due, self._dead_at)
            self._cond.wait(wake - now)
        return None

    def _fetch_once(self) -> tuple[str | None, KeySetGeneration | None, float]:
        """One fetch (discovery first if needed), off the lock: (error, new generation or None, max age)."""
        try:
            if self._jwks_url is None:
                self._jwks_url = self._discover()
            fetched = get_json(self._jwks_url, timeout=self.timeout, max_bytes=self.max_bytes,
                               headers=self._headers, ssl_context=self._ssl_context)
            jwk_set = _usable_set(fetched.data, self._jwks_url)
        except FetchError as e:
            return str(e), None, 0.0
        max_age = max_age_of(fetched.cache_control)
        if max_age is None:
            max_age = self.default_max_age
        max_age = min(max(max_age, self.min_max_age), self.max_max_age)
        current = self._current
        if current is not None and current.jwks == fetched.data:
            return None, None, max_age  # the same keys: same generation, nothing to rebuild
        return None, KeySetGeneration(self._number + 1, fetched.data, jwk_set), max_age

    def _discover(self) -> str:
        assert self._issuer is not None
        url = self.discovery_url
        assert url is not None
        doc = get_json(url, timeout=self.timeout, max_bytes=self.max_bytes,
                       headers=self._headers, ssl_context=self._ssl_context).data
        if not isinstance(doc, dict):
            raise FetchError(f"GET {url}: the discovery document is not a JSON object")
        if doc.get("issuer") != self._issuer:
            # Why: a document for another issuer would make us trust its keys.
            raise FetchError(f"GET {url}: the document's issuer {doc.get('issuer')!r} is not {self._issuer!r}")
        try:
            return check_url(doc.get("jwks_uri"), self._allow_http)
        except ValueError as e:
            raise FetchError(f"GET {url}: jwks_uri refused: {e}") from None

    def _record(self, error: str | None, generation: KeySetGeneration | None, max_age: float) -> None:
        """Under the lock: the outcome of a fetch, and when the next one is due."""
        now = time.monotonic()
        if error is None:
            if generation is not None:
                self._current = generation
                self._number = generation.number
            self._failures = 0
            self._backoff_until = 0.0
            self._last_error = None
            self._stale_at = now + max_age
            self._dead_at = self._stale_at + self.max_stale
            self._due = self._stale_at
            return
        self._failures += 1
        self._last_error = error
        delay = min(self.max_backoff, self.min_backoff * 2.0 ** min(self._failures - 1, 32))
        self._backoff_until = now + delay
        if self._current is not None and now < self._stale_at:
            self._due = self._stale_at  # the set is fresh: the routine refresh comes when due
        else:
            self._due = self._backoff_until


_LIVE: weakref.WeakSet[RemoteJWKSet] = weakref.WeakSet()


def _restart_all_after_fork() -> None:
    for keys in list(_LIVE):
        keys._restart_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_all_after_fork)


def _with_defaults(options: dict[str, Any]) -> dict[str, Any]:
    allowed = {"timeout", "cooldown", "min_max_age", "max_max_age", "default_max_age", "max_stale",
               "min_backoff", "max_backoff", "max_bytes", "headers", "ssl_context", "allow_http"}
    unknown = set(options) - allowed
    if unknown:
        raise TypeError(f"unexpected option(s) for RemoteJWKSet: {', '.join(sorted(unknown))}")
    return options


def _usable_set(data: Any, url: str) -> PyJWKSet:
    """The JWK set in ``data``, or FetchError: an empty or unusable set never replaces a good one."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise FetchError(f"GET {url}: the body is not a JWK set (no 'keys' list)")
    try:
        return PyJWKSet.from_dict(data)
    except PyJWTError as e:
        raise FetchError(f"GET {url}: {e}") from None


def _attach_verifier_delegate() -> None:
    from ._remote_verifier import RemoteVerification

    RemoteJWKSet._tj_verifier_delegate = RemoteVerification


_attach_verifier_delegate()
