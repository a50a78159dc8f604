"""A WSGI middleware that verifies the bearer token of every request (Flask, Django, any WSGI app).

::

    app.wsgi_app = JWTAuthMiddleware(app.wsgi_app, verifier)          # Flask
    application = JWTAuthMiddleware(get_wsgi_application(), verifier)  # Django (wsgi.py)

The claims of a verified token go into the WSGI environ under
``"turbojwt.claims"`` (Flask: ``request.environ["turbojwt.claims"]``; Django:
``request.META["turbojwt.claims"]``). The answers are those of
:mod:`turbojwt.asgi`: 401 without ``error`` for a missing token, 401
``invalid_token`` for a bad one, 503 when no key set could be fetched.

Verification is the sync ``verifier.decode(token)``: in a threaded server a
request that needs a key-set fetch waits for it (bounded by the key set's
``timeout``), sharing the one fetch in flight with every other request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._core import Verifier
from ._http_auth import Refusal, bearer_token, missing_token, path_excluded, refusal_or_raise, split_exclusions

__all__ = ["JWTAuthMiddleware", "ENVIRON_KEY"]

#: The environ key that holds the verified claims.
ENVIRON_KEY = "turbojwt.claims"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class JWTAuthMiddleware:
    """Verifies ``Authorization: Bearer`` tokens with a Verifier; puts the claims into the environ."""

    def __init__(
        self,
        app: WSGIApp,
        verifier: Verifier,
        *,
        exclude_paths: Iterable[str] = (),
        realm: str | None = None,
    ) -> None:
        """Wrap ``app``; ``exclude_paths`` and ``realm`` as in :class:`turbojwt.asgi.JWTAuthMiddleware`."""
        self.app = app
        self.verifier = verifier
        self.realm = realm
        self._exact, self._prefixes = split_exclusions(exclude_paths)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if path_excluded(environ.get("PATH_INFO", ""), self._exact, self._prefixes):
            return self.app(environ, start_response)
        token = bearer_token(environ.get("HTTP_AUTHORIZATION"))
        if token is None:
            return _refuse(missing_token(self.realm), start_response)
        try:
            claims = self.verifier.decode(token)
        except Exception as e:  # noqa: BLE001 - refusal_or_raise re-raises what is not a refusal
            return _refuse(refusal_or_raise(e, self.realm), start_response)
        environ[ENVIRON_KEY] = claims
        return self.app(environ, start_response)


def _refuse(answer: Refusal, start_response: Callable[..., Any]) -> list[bytes]:
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(answer.body)))]
    if answer.www_authenticate is not None:
        headers.append(("WWW-Authenticate", answer.www_authenticate))
    start_response(f"{answer.status} {answer.reason}", headers)
    return [answer.body]
