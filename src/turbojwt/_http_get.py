"""One bounded HTTP GET of a JSON document, for the remote key set's fetch thread.

Standard library only (urllib + ssl): the fetch runs on the key set's own
thread, so it needs no async HTTP client, and turbojwt keeps no dependency.

The limits, and why:
- ``https`` verifies the certificate and host name (``ssl.create_default_context()``
  unless the caller passes a context); plain ``http`` is refused for any host
  but loopback unless the caller says ``allow_http=True``: keys fetched in the
  clear can be swapped by anyone on the path.
- ``timeout`` bounds connecting and each read, and the whole body as well,
  so a server that drips bytes cannot hold the thread.
- ``max_bytes`` bounds the body (Content-Length is checked first).
- Redirects are followed only to the same scheme, host and port, at most
  :data:`MAX_REDIRECTS` times: the request may carry credentials in its
  headers, and a redirect must not steer the client to another host.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import ssl
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit

MAX_REDIRECTS = 3
_READ_CHUNK = 64 * 1024


class FetchError(Exception):
    """A fetch failed; the message names the URL and the cause (never a header value)."""


@dataclass(frozen=True)
class FetchedJSON:
    """A parsed JSON document and the response's ``Cache-Control`` header."""

    data: Any
    cache_control: str | None


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), parts.hostname, parts.port)


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: object, allow_http: bool) -> str:
    """Return ``url`` if it may be fetched; raise ValueError saying why not."""
    if not isinstance(url, str):
        raise ValueError(f"a key set URL must be a string, not {type(url).__name__}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{url!r} is not an https URL")
    if scheme == "http" and not allow_http and not is_loopback_host(parts.hostname):
        # Why: keys fetched in the clear can be replaced by anyone on the path,
        # and then they would verify that someone's tokens.
        raise ValueError(f"{url!r} is plain http: use https, or pass allow_http=True")
    return url


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the request's own scheme, host and port."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        # Why: the request's headers may hold credentials, and a key set
        # endpoint must not be able to send the client (and them) elsewhere.
        if _origin(newurl) != _origin(req.full_url):
            raise HTTPError(newurl, code, f"redirect to another origin refused ({code})", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class BodyTooLarge(FetchError):
    """The body is larger than the limit (by its Content-Length, or as read)."""


class BodyTimedOut(FetchError):
    """The whole body did not arrive before the deadline."""


class BodyTruncated(FetchError):
    """The peer closed the connection before Content-Length bytes arrived."""

    def __init__(self, partial: bytes, missing: int) -> None:
        super().__init__("the connection closed before the end of the body")
        self.partial = partial
        self.missing = missing


def read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: float | None) -> bytes:
    """At most ``max_bytes`` of ``response``'s body, all of it by ``deadline`` (``time.monotonic()``; None: no bound).

    Raises BodyTooLarge, BodyTimedOut or BodyTruncated (all FetchError) without
    the URL: the caller names it, or turns them into its own errors (jwks_client).
    """
    if response.length is not None and response.length > max_bytes:
        raise BodyTooLarge(f"the response is larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(min(_READ_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(f"the response is larger than {max_bytes} bytes")
        if deadline is not None and time.monotonic() > deadline:
            raise BodyTimedOut("timed out reading the response body")
    if response.length:
        # read1 ends quietly when the peer closes before Content-Length; a
        # truncated JSON document may still parse, so this must be an error.
        raise BodyTruncated(b"".join(chunks), response.length)
    return b"".join(chunks)


def get_json(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    headers: Mapping[str, str],
    ssl_context: ssl.SSLContext | None,
) -> FetchedJSON:
    """GET ``url`` and parse its body as JSON; FetchError naming ``url`` and the cause."""
    deadline = time.monotonic() + timeout
    context = ssl_context if ssl_context is not None else ssl.create_default_context()
    opener = urllib.request.build_opener(
        _SameOriginRedirects(), urllib.request.HTTPSHandler(context=context)
    )
    request = urllib.request.Request(url, headers={"Accept": "application/json", **headers})
    try:
        with opener.open(request, timeout=timeout) as response:
            body = read_body(response, max_bytes, deadline)
            cache_control = response.headers.get("Cache-Control")
    except HTTPError as e:
        e.close()
        raise FetchError(f"GET {url}: HTTP {e.code} {e.reason}") from None
    except FetchError as e:
        raise FetchError(f"GET {url}: {e}") from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        # OSError covers URLError, timeouts, refused connections and TLS errors.
        cause = getattr(e, "reason", None) or e
        raise FetchError(f"GET {url}: {type(e).__name__}: {cause}") from None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        raise FetchError(f"GET {url}: the body is not JSON ({type(e).__name__})") from None
    return FetchedJSON(data, cache_control)


def max_age_of(cache_control: str | None) -> float | None:
    """Seconds from ``Cache-Control: max-age=N`` (0 for no-store/no-cache), or None."""
    if not cache_control:
        return None
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-store", "no-cache"):
            return 0.0
        if name == "max-age":
            try:
                return float(int(value.strip().strip('"')))
            except ValueError:
                return None
    return None
