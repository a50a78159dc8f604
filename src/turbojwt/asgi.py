"""A pure ASGI middleware that verifies the bearer token of every request.

Works under Starlette, FastAPI and any other ASGI 3 application, with no
dependency::

    app = JWTAuthMiddleware(app, verifier, exclude_paths=["/health", "/docs", "/openapi.json"])
    # Starlette / FastAPI: app.add_middleware(JWTAuthMiddleware, verifier=verifier)

The claims of a verified token go into the ASGI scope's ``state`` dict under
``"jwt_claims"``: ``request.state.jwt_claims`` in Starlette and FastAPI,
``scope["state"]["jwt_claims"]`` anywhere else. Answers (RFC 6750):

- no bearer token: 401 with ``WWW-Authenticate: Bearer`` (no ``error``);
- a bad token (malformed, bad signature, expired, unknown ``kid``, wrong
  audience or issuer...): 401 with ``WWW-Authenticate: Bearer error="invalid_token"``;
- no key set could be fetched (KeySetUnavailableError): 503.

Verification is ``await verifier.decode_async(token)``: the signature check
runs on the loop's thread (microseconds), and a key-set fetch it needs is
awaited, never blocking the loop. Lifespan messages pass through untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from ._core import Verifier
from ._http_auth import (
    CLAIMS_KEY,
    Refusal,
    bearer_token_bytes,
    missing_token,
    path_excluded,
    refusal_or_raise,
    split_exclusions,
)

__all__ = ["JWTAuthMiddleware", "CLAIMS_KEY"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class JWTAuthMiddleware:
    """Verifies ``Authorization: Bearer`` tokens with a Verifier; puts the claims into ``scope["state"]``."""

    def __init__(
        self,
        app: ASGIApp,
        verifier: Verifier,
        *,
        exclude_paths: Iterable[str] = (),
        realm: str | None = None,
    ) -> None:
        """Wrap ``app``.

        ``exclude_paths``: request paths that pass without a token (exact
        paths; an entry ending in ``/*`` excludes everything under it).
        ``realm`` goes into the ``WWW-Authenticate`` challenges.
        """
        self.app = app
        self.verifier = verifier
        self.realm = realm
        self._exact, self._prefixes = split_exclusions(exclude_paths)
        self._excludes = bool(self._exact or self._prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if (kind != "http" and kind != "websocket") or (
                self._excludes and path_excluded(scope.get("path", ""), self._exact, self._prefixes)):
            await self.app(scope, receive, send)
            return
        token = bearer_token_bytes(_authorization(scope))
        if token is None:
            await _refuse(kind, missing_token(self.realm), receive, send)
            return
        try:
            claims = await self.verifier.decode_async(token)
        except Exception as e:  # noqa: BLE001 - refusal_or_raise re-raises what is not a refusal
            await _refuse(kind, refusal_or_raise(e, self.realm), receive, send)
            return
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state[CLAIMS_KEY] = claims
        await self.app(scope, receive, send)


def _authorization(scope: Scope) -> bytes | None:
    for key, value in scope.get("headers", ()):
        # ASGI servers lowercase header names; the length test keeps the
        # lower() copy for the rare server that does not.
        if key == b"authorization" or (len(key) == 13 and key.lower() == b"authorization"):
            return value  # type: ignore[no-any-return]
    return None


async def _refuse(kind: str, answer: Refusal, receive: Receive, send: Send) -> None:
    if kind == "websocket":
        # Closing before accepting answers the handshake with HTTP 403 (ASGI spec).
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008})
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer.body)).encode())]
    if answer.www_authenticate is not None:
        headers.append((b"www-authenticate", answer.www_authenticate.encode("latin-1")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
