"""A FastAPI dependency that verifies the bearer token and returns its claims.

::

    from typing import Annotated

    from fastapi import Depends, FastAPI
    from turbojwt import RemoteJWKSet, Verifier
    from turbojwt.fastapi import JWTBearer

    verifier = Verifier(RemoteJWKSet.from_issuer(ISSUER), algorithms=["RS256"],
                        audience="my-api", issuer=ISSUER, cache=10_000)
    auth = JWTBearer(verifier)
    app = FastAPI()

    @app.get("/orders")
    async def orders(claims: Annotated[dict, Depends(auth.require("orders:read"))]):
        return {"user": claims["sub"]}

``JWTBearer`` is a ``fastapi.security.HTTPBearer``, so the OpenAPI document
declares the bearer scheme (the "Authorize" button of /docs works). Answers:
401 (``WWW-Authenticate: Bearer``) without a token, 401 ``invalid_token`` for
a bad one, 403 ``insufficient_scope`` when a required scope is missing (from
``scope``, ``scp`` or ``permissions``), 503 when no key set could be fetched.
Behind :class:`turbojwt.asgi.JWTAuthMiddleware` it reuses the claims the
middleware verified instead of verifying again.

Needs FastAPI: ``pip install 'turbojwt[fastapi]'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

try:
    from fastapi import HTTPException
    from fastapi.security import HTTPBearer
    from starlette.requests import HTTPConnection
except ImportError as e:  # pragma: no cover - exercised only without FastAPI
    raise ImportError(
        "turbojwt.fastapi needs FastAPI: pip install 'turbojwt[fastapi]'"
    ) from e

from ._core import Verifier
from ._http_auth import (
    CLAIMS_KEY,
    Refusal,
    bearer_token,
    granted_scopes,
    insufficient_scope,
    missing_token,
    refusal_or_raise,
)

__all__ = ["JWTBearer"]


def _http_error(answer: Refusal) -> HTTPException:
    headers = {"WWW-Authenticate": answer.www_authenticate} if answer.www_authenticate else None
    return HTTPException(status_code=answer.status, detail=answer.detail, headers=headers)


class JWTBearer(HTTPBearer):
    """A dependency returning the verified claims (a dict) of the request's bearer token."""

    def __init__(
        self,
        verifier: Verifier,
        *,
        scopes: Iterable[str] = (),
        realm: str | None = None,
        scheme_name: str | None = None,
        description: str | None = None,
        bearer_format: str | None = "JWT",
    ) -> None:
        """``scopes``: every one of them must be granted by the token (else 403)."""
        super().__init__(bearerFormat=bearer_format, scheme_name=scheme_name or "JWTBearer",
                         description=description, auto_error=True)
        self.verifier = verifier
        self.bearer_format = bearer_format
        self.scopes = tuple(scopes)
        self.realm = realm

    def require(self, *scopes: str) -> JWTBearer:
        """The same dependency, also requiring ``scopes`` (the OpenAPI scheme stays one)."""
        return JWTBearer(self.verifier, scopes=self.scopes + scopes, realm=self.realm,
                         scheme_name=self.scheme_name, description=self.model.description,
                         bearer_format=self.bearer_format)

    async def __call__(self, request: HTTPConnection) -> dict[str, Any]:  # type: ignore[override]
        """Verify the request's token (or take the middleware's claims) and check the scopes."""
        state = request.scope.get("state")
        claims = state.get(CLAIMS_KEY) if state else None
        if claims is None:
            token = bearer_token(request.headers.get("authorization"))
            if token is None:
                raise _http_error(missing_token(self.realm))
            try:
                claims = await self.verifier.decode_async(token)
            except Exception as e:  # noqa: BLE001 - refusal_or_raise re-raises what is not a refusal
                raise _http_error(refusal_or_raise(e, self.realm)) from None
        if self.scopes:
            granted = granted_scopes(claims)
            if not granted.issuperset(self.scopes):
                raise _http_error(insufficient_scope(self.scopes, self.realm))
        return claims
