"""PyJWKClient: fetch a JWK set over HTTP(S) and find the key that signed a token.

PyJWT 2.15's interface and semantics, on the standard library only:

- The set is fetched with ``urllib.request.build_opener(...).open(request,
  timeout=...)``, as PyJWT does, and cached (parsed) for ``lifespan`` seconds.
- A ``kid`` missing from the cached set forces one refresh, then no other for
  ``cooldown_duration`` seconds, counted from the last successful fetch (PyJWT)
  and, beyond PyJWT, also from the last forced attempt, so that tokens with
  invented ``kid`` values cannot make the client hammer an endpoint that is down.
- A failed fetch never touches the cache: the set fetched before keeps serving
  until its lifespan ends.
- Only ``http`` and ``https`` URLs are fetched (checked at construction, as
  PyJWT does, and again before every fetch); redirects are refused, not
  followed, so custom headers (credentials) never reach another URL.
- Beyond PyJWT, the body is bounded: at most :attr:`PyJWKClient.max_response_bytes`
  bytes are read, and reading a real HTTP response stops once ``timeout``
  seconds have passed, so a server that drips bytes cannot hold the caller.

Locking: a cache hit for a known ``kid`` takes no lock. Fetches (the first
one, one after expiry, a forced refresh) happen under one lock and re-check
the cache after acquiring it, so concurrent callers cause one request, not one
each.
"""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
import urllib.request
from functools import lru_cache
from ssl import SSLContext
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlparse

from ._core import get_unverified_header
from ._http_get import BodyTimedOut, BodyTooLarge, BodyTruncated, read_body
from .api_jwk import PyJWK, PyJWKSet
from .exceptions import PyJWKClientConnectionError, PyJWKClientError
from .jwk_set_cache import JWKSetCache

__all__ = ["PyJWKClient"]

_ALLOWED_SCHEMES = ("http", "https")


class _NoRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Refuses every redirect: urllib then raises the 3xx response as an HTTPError."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        # Why: following a redirect would send the caller's headers (often an
        # Authorization header) to wherever the Location points, and would let
        # the endpoint steer the client to another host or scheme.
        return None


def _check_scheme(uri: Any) -> None:
    """Raise PyJWKClientError unless ``uri`` is an http or https URL."""
    if not isinstance(uri, str):
        raise PyJWKClientError(f"The JWKS URI must be a string, not {type(uri).__name__}")
    scheme = urlparse(uri).scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        # Why: urllib's default opener also reads file://, ftp:// and data: URLs;
        # a URL that an attacker can influence must not reach local files.
        raise PyJWKClientError(
            f"Invalid JWKS URI scheme {scheme!r}: only 'http' and 'https' are supported."
        )


def _fetch_error(err: BaseException) -> PyJWKClientConnectionError:
    return PyJWKClientConnectionError(f'Fail to fetch data from the url, err: "{err}"')


class PyJWKClient:
    """Fetches, caches and searches the JWK set published at one URL."""

    #: The largest response body accepted, in bytes; a larger one raises
    #: PyJWKClientError. A subclass may change it.
    max_response_bytes: int = 1024 * 1024

    def __init__(
        self,
        uri: str,
        cache_keys: bool = False,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: dict[str, Any] | None = None,
        timeout: float = 30,
        ssl_context: SSLContext | None = None,
        cooldown_duration: float = 30,
    ) -> None:
        """A client for the JWKS endpoint at ``uri`` (http or https only).

        Two caches, as in PyJWT:

        - the JWK set (``cache_jwk_set=True``, the default), kept for
          ``lifespan`` seconds (> 0). A ``kid`` that the cached set lacks
          forces one refresh, unless a fetch succeeded (or a forced refresh
          was tried) less than ``cooldown_duration`` seconds ago; every
          successful fetch, the first included, starts that cooldown, so a
          newly rotated key may wait for it. ``cooldown_duration=0`` turns
          it off; without the set cache every lookup fetches anyway.
        - the signing keys by ``kid`` (``cache_keys=True``): an LRU of
          ``max_cached_keys`` entries with no expiry.

        ``headers`` are sent with every request (a ``User-Agent`` naming
        turbojwt is added unless one is given); ``timeout`` bounds the
        connection and each read (and the whole body) in seconds;
        ``ssl_context`` verifies https endpoints.

        Raises PyJWKClientError for a URL that is not http(s), a lifespan
        that is not positive, or a cooldown that is negative or not finite.
        """
        if headers is None:
            headers = {}
        _check_scheme(uri)
        if cooldown_duration < 0:
            raise PyJWKClientError(
                "Cooldown duration must be greater than or equal to 0, "
                f'the input is "{cooldown_duration}"'
            )
        if not math.isfinite(cooldown_duration):
            raise PyJWKClientError(f'Cooldown duration must be finite, the input is "{cooldown_duration}"')

        self.uri = uri
        self.headers = headers
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.cooldown_duration = cooldown_duration
        self._last_successful_fetch: float | None = None
        self._last_refresh_attempt: float | None = None
        # Re-entrant: get_signing_key holds it while get_jwk_set fetches.
        self._client_lock = threading.RLock()

        self.jwk_set_cache: JWKSetCache | None = None
        if cache_jwk_set:
            if not lifespan > 0:  # also refuses NaN
                raise PyJWKClientError(f'Lifespan must be greater than 0, the input is "{lifespan}"')
            self.jwk_set_cache = JWKSetCache(lifespan)

        if cache_keys:
            # Per instance, as PyJWT does: the LRU wraps this object's bound method.
            self.get_signing_key = lru_cache(maxsize=max_cached_keys)(  # type: ignore[method-assign]
                self.get_signing_key
            )

    # ------------------------------------------------------------------ fetching

    def fetch_data(self) -> Any:
        """Fetch the JWK set from the endpoint and return the parsed JSON object.

        When the set cache is on, the set is also stored there; a failure of
        any kind leaves the cache as it was.

        Raises PyJWKClientConnectionError when the request fails (connection,
        TLS, timeout, an HTTP error status or a redirect, a truncated body),
        PyJWKClientError when the response is not a JSON object or is larger
        than ``max_response_bytes``, and PyJWKSetError (cache on) when the
        object holds no usable key.
        """
        _check_scheme(self.uri)
        try:
            request = urllib.request.Request(url=self.uri, headers=self._request_headers())
        except ValueError as e:
            raise PyJWKClientError(f"Invalid JWKS URI: {e}") from e
        # urllib dispatches on request.type: check that too, not only urlparse's view.
        if request.type not in _ALLOWED_SCHEMES:
            raise PyJWKClientError(
                f"Invalid JWKS URI scheme {request.type!r}: only 'http' and 'https' are supported."
            )

        handlers: list[Any] = [_NoRedirectHandler()]
        if self.ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self.ssl_context))
        body: bytes | str | None = None
        try:
            opener = urllib.request.build_opener(*handlers)
            with opener.open(request, timeout=self.timeout) as response:
                body = self._read_body(response)
        except (OSError, http.client.HTTPException) as e:
            # OSError covers URLError/HTTPError, timeouts, resets and TLS errors.
            if isinstance(e, HTTPError):
                e.close()
            raise _fetch_error(e) from e
        if body is None:
            raise _fetch_error(ValueError("no response body"))

        try:
            payload = json.loads(body)
        except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
            raise PyJWKClientError(f"The JWKS endpoint did not return valid JSON: {e}") from e
        payload = self._as_jwk_set_payload(payload)

        # Only a good fetch reaches the cache: an outage must not wipe the
        # set that still verifies tokens (put() raises before replacing it).
        if self.jwk_set_cache is not None:
            self.jwk_set_cache.put(payload)
        self._last_successful_fetch = time.monotonic()
        return payload

    def _request_headers(self) -> dict[str, Any]:
        headers = dict(self.headers or {})
        if not any(str(name).lower() == "user-agent" for name in headers):
            from . import __version__  # here: the package imports this module

            headers["User-Agent"] = f"turbojwt/{__version__}"
        return headers

    def _read_body(self, response: Any) -> bytes | str:
        """At most ``max_response_bytes`` of the body, within ``timeout`` seconds overall."""
        limit = self.max_response_bytes
        if not isinstance(response, http.client.HTTPResponse):
            # Another file-like object (a test double, a custom handler): one read.
            data: bytes | str = response.read(limit + 1)
            if len(data) > limit:
                raise self._too_large()
            return data

        deadline = None
        if isinstance(self.timeout, (int, float)):
            deadline = time.monotonic() + self.timeout
        try:
            return read_body(response, limit, deadline)
        except BodyTooLarge:
            raise self._too_large() from None
        except BodyTimedOut as e:
            raise TimeoutError(str(e)) from None
        except BodyTruncated as e:
            # get_jwk_set reports it as a connection error, as urllib's own would be
            raise http.client.IncompleteRead(e.partial, e.missing) from None

    def _too_large(self) -> PyJWKClientError:
        return PyJWKClientError(
            f"The JWKS endpoint returned more than {self.max_response_bytes} bytes"
        )

    @staticmethod
    def _as_jwk_set_payload(data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise PyJWKClientError("The JWKS endpoint did not return a JSON object")
        return data

    # ------------------------------------------------------------------ the set

    def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        """The JWK set: from the cache when it holds an unexpired one, else fetched.

        ``refresh=True`` fetches even when the cache holds a set. Raises as
        :meth:`fetch_data` does.
        """
        cache = self.jwk_set_cache
        if cache is not None and not refresh:
            cached = cache.get()
            if cached is not None:
                return self._as_jwk_set(cached)

        with self._client_lock:
            if cache is not None and not refresh:
                # Another thread may have fetched while this one waited.
                cached = cache.get()
                if cached is not None:
                    return self._as_jwk_set(cached)
            data = self.fetch_data()
            jwk_set = self._as_jwk_set(data)
            # fetch_data() stored what the endpoint sent; a subclass may have
            # filtered it before returning. Cache what this call returns.
            if cache is not None:
                cache.put(jwk_set)
            return jwk_set

    def _as_jwk_set(self, data: Any) -> PyJWKSet:
        if isinstance(data, PyJWKSet):
            return data
        return PyJWKSet.from_dict(self._as_jwk_set_payload(data))

    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        """The set's keys with a ``kid`` and a ``use`` of ``"sig"`` or none (PyJWT's filter).

        Raises PyJWKClientError when there is none.
        """
        return self._get_signing_keys_from_jwk_set(self.get_jwk_set(refresh))

    @staticmethod
    def _get_signing_keys_from_jwk_set(jwk_set: PyJWKSet) -> list[PyJWK]:
        # PyJWT keeps keys whose use is "sig" or absent; turbojwt also drops keys
        # whose key_ops rule out verification, so a key handed out here never
        # verifies what its JWK forbids (its .key carries no such restriction).
        signing_keys = [key for key in jwk_set.keys if key.key_id and key.verification_refusal is None]
        if not signing_keys:
            raise PyJWKClientError("The JWKS endpoint did not contain any signing keys")
        return signing_keys

    # ------------------------------------------------------------------ lookups

    def get_signing_key(self, kid: str | None) -> PyJWK:
        """The signing key whose ``kid`` is ``kid``.

        If the set lacks it, the set is refreshed once, unless the cooldown
        forbids it. Raises PyJWKClientError when no key matches, and the
        fetch errors of :meth:`fetch_data` when a needed fetch fails.
        """
        if self.jwk_set_cache is not None:
            # Fast path, no lock: a known kid is served from the cached set
            # even while another thread refreshes for an unknown one.
            signing_key = self.match_kid(self.get_signing_keys(), kid)
            if signing_key is not None:
                return signing_key

        with self._client_lock:
            signing_keys = self.get_signing_keys()
            signing_key = self.match_kid(signing_keys, kid)
            if signing_key is None and self._refresh_allowed():
                self._last_refresh_attempt = time.monotonic()
                signing_keys = self.get_signing_keys(refresh=True)
                self._last_successful_fetch = time.monotonic()
                signing_key = self.match_kid(signing_keys, kid)
            if signing_key is None:
                raise PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"')
            return signing_key

    def _refresh_allowed(self) -> bool:
        """Whether an unknown kid may force a fetch now (call with the lock held)."""
        if self.jwk_set_cache is None:
            return True  # every lookup fetches anyway: nothing to protect
        now = time.monotonic()
        for since in (self._last_successful_fetch, self._last_refresh_attempt):
            if since is not None and now - since < self.cooldown_duration:
                return False
        return True

    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """The signing key named by the ``kid`` of the token's (unverified) header.

        Raises DecodeError for a malformed token, before any request.
        """
        header = get_unverified_header(token)
        return self.get_signing_key(header.get("kid"))

    @staticmethod
    def match_kid(signing_keys: list[PyJWK], kid: str | None) -> PyJWK | None:
        """The first key of ``signing_keys`` whose ``kid`` is ``kid``, or None."""
        for key in signing_keys:
            if key.key_id == kid:
                return key
        return None
