"""The apps that benchmarks/gateway/run.py serves with uvicorn, one variant per process.

``GATEWAY_APP`` picks the variant; ``GATEWAY_JWKS_URL``, ``GATEWAY_ISSUER`` and
``GATEWAY_AUDIENCE`` say where the IdP stub is; ``GATEWAY_COOLDOWN`` sets the
key set's unknown-kid cooldown. Every variant answers ``GET /me`` with
``{"sub": ...}``: the token's subject, or "anonymous" without auth.

- ``{starlette,fastapi,asgi}-noauth``: the ceiling, no token checked.
- ``starlette-mw``, ``asgi-mw``: turbojwt.asgi.JWTAuthMiddleware on a RemoteJWKSet
  Verifier (``cache=10000``).
- ``fastapi-dep``: the turbojwt.fastapi.JWTBearer dependency, same Verifier.
- ``fastapi-pyjwt``: PyJWT's documented pattern, ``PyJWKClient`` +
  ``jwt.decode`` in an ``async def`` endpoint behind FastAPI's ``HTTPBearer``.
- ``fastapi-dropin``: the same code with ``import turbojwt as jwt``.
- ``asgi-plain-decode``: raw ASGI behind five lines that call ``verifier.decode``
  on the bearer token, not the middleware (side_by_side.py experiments: what the
  decode itself costs in a server).
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' Annotated[...]
# parameters at run time, and their dependencies are local names.
import os
from typing import Annotated, Any

VARIANT = os.environ["GATEWAY_APP"]
JWKS_URL = os.environ.get("GATEWAY_JWKS_URL", "")
ISSUER = os.environ.get("GATEWAY_ISSUER", "")
AUDIENCE = os.environ.get("GATEWAY_AUDIENCE", "api")
COOLDOWN = float(os.environ.get("GATEWAY_COOLDOWN", "5"))
ALGORITHMS = ["RS256", "ES256"]


def _verifier() -> Any:
    from turbojwt import RemoteJWKSet, Verifier

    keys = RemoteJWKSet(JWKS_URL, cooldown=COOLDOWN)
    keys.wait_ready(10)
    return Verifier(keys, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=ISSUER, cache=10_000)


def _starlette(with_middleware: bool) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def me(request: Any) -> JSONResponse:
        claims = getattr(request.state, "jwt_claims", None)
        return JSONResponse({"sub": claims["sub"] if claims else "anonymous"})

    app = Starlette(routes=[Route("/me", me)])
    if with_middleware:
        from turbojwt.asgi import JWTAuthMiddleware

        app.add_middleware(JWTAuthMiddleware, verifier=_verifier())
    return app


def _raw_asgi(with_middleware: bool) -> Any:
    import json

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        claims = scope.get("state", {}).get("jwt_claims")
        body = json.dumps({"sub": claims["sub"] if claims else "anonymous"}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})

    if with_middleware:
        from turbojwt.asgi import JWTAuthMiddleware

        return JWTAuthMiddleware(app, _verifier())
    return app


def _fastapi_noauth() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/me")
    async def me() -> dict[str, str]:
        return {"sub": "anonymous"}

    return app


def _fastapi_dependency() -> Any:
    from fastapi import Depends, FastAPI

    from turbojwt.fastapi import JWTBearer

    auth = JWTBearer(_verifier())
    app = FastAPI()

    @app.get("/me")
    async def me(claims: Annotated[dict[str, Any], Depends(auth)]) -> dict[str, str]:
        return {"sub": claims["sub"]}

    return app


def _fastapi_pyjwt_pattern(jwt: Any) -> Any:
    """PyJWT's documented PyJWKClient pattern, as a FastAPI user writes it."""
    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

    jwks_client = jwt.PyJWKClient(JWKS_URL)
    bearer = HTTPBearer()
    app = FastAPI()

    @app.get("/me")
    async def me(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> dict[str, str]:
        token = credentials.credentials
        try:
            signing_key = jwks_client.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, signing_key.key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=ISSUER)
        except jwt.PyJWTError as e:
            raise HTTPException(status_code=401, detail=str(e)) from None
        return {"sub": claims["sub"]}

    return app


def _raw_asgi_plain_decode() -> Any:
    inner = _raw_asgi(False)
    verifier = _verifier()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        token = next(v for k, v in scope["headers"] if k == b"authorization")[7:]  # wrk sends "Bearer <token>"
        scope.setdefault("state", {})["jwt_claims"] = verifier.decode(token)
        await inner(scope, receive, send)

    return app


def build(variant: str) -> Any:
    """The ASGI app of ``variant``."""
    if variant == "asgi-plain-decode":
        return _raw_asgi_plain_decode()
    if variant == "starlette-noauth":
        return _starlette(False)
    if variant == "starlette-mw":
        return _starlette(True)
    if variant == "asgi-noauth":
        return _raw_asgi(False)
    if variant == "asgi-mw":
        return _raw_asgi(True)
    if variant == "fastapi-noauth":
        return _fastapi_noauth()
    if variant == "fastapi-dep":
        return _fastapi_dependency()
    if variant == "fastapi-pyjwt":
        import jwt

        return _fastapi_pyjwt_pattern(jwt)
    if variant == "fastapi-dropin":
        import turbojwt

        return _fastapi_pyjwt_pattern(turbojwt)
    raise SystemExit(f"unknown GATEWAY_APP {variant!r}")


app = build(VARIANT)
