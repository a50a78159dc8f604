"""The gateway plug-ins on real servers: uvicorn (ASGI: raw, Starlette, FastAPI) and wsgiref (WSGI).

Each app runs on a free loopback port in a thread of this process; requests
are real HTTP (httpx), keys come from the real IdP stub (tests/_idp_stub.py).
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' Annotated[...]
# parameters at run time, and their dependencies are local names.
import socket
import socketserver
import subprocess
import sys
import threading
import time
import wsgiref.simple_server
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Annotated

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from fastapi import Depends, FastAPI  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from _idp_stub import FAST, IdP, running_idp  # noqa: E402
from turbojwt import RemoteJWKSet, Verifier  # noqa: E402
from turbojwt.asgi import JWTAuthMiddleware  # noqa: E402
from turbojwt.fastapi import JWTBearer  # noqa: E402
from turbojwt.wsgi import ENVIRON_KEY  # noqa: E402
from turbojwt.wsgi import JWTAuthMiddleware as WSGIAuthMiddleware  # noqa: E402



@pytest.fixture
def idp():
    with running_idp("k1") as stub:
        yield stub


@pytest.fixture
def verifier(idp):
    with Verifier(RemoteJWKSet(idp.jwks_url, **FAST), algorithms=["RS256"], audience="api",
                  issuer=idp.issuer, cache=1000) as v:
        yield v


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_asgi(app) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread; yield its base URL."""
    sock = _free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


@contextmanager
def serve_wsgi(app) -> Iterator[str]:
    """Run ``app`` under wsgiref (threaded) in a thread; yield its base URL."""

    class Threaded(socketserver.ThreadingMixIn, wsgiref.simple_server.WSGIServer):
        daemon_threads = True

    class Quiet(wsgiref.simple_server.WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = wsgiref.simple_server.make_server("127.0.0.1", 0, app, server_class=Threaded, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ the apps


def starlette_app(verifier: Verifier):
    async def me(request):
        return JSONResponse({"sub": request.state.jwt_claims["sub"]})

    async def health(request):
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/me", me), Route("/health", health), Route("/public/x", health)])
    app.add_middleware(JWTAuthMiddleware, verifier=verifier, exclude_paths=["/health", "/public/*"])
    return app


def raw_asgi_app(verifier: Verifier):
    async def app(scope, receive, send):
        body = scope["state"]["jwt_claims"]["sub"].encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})

    return JWTAuthMiddleware(app, verifier)


def fastapi_app(verifier: Verifier):
    auth = JWTBearer(verifier)
    app = FastAPI()

    @app.get("/me")
    async def me(claims: Annotated[dict, Depends(auth)]):
        return {"sub": claims["sub"]}

    @app.get("/orders")
    async def orders(claims: Annotated[dict, Depends(auth.require("orders:read"))]):
        return {"sub": claims["sub"]}

    @app.get("/sync")
    def sync_route(claims: Annotated[dict, Depends(auth)]):
        return {"sub": claims["sub"]}

    return app


def wsgi_app(verifier: Verifier):
    def app(environ, start_response):
        body = environ[ENVIRON_KEY]["sub"].encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return WSGIAuthMiddleware(app, verifier, exclude_paths=["/health"])


# ------------------------------------------------------------------ RFC 6750 answers


def _check_answers(base: str, idp: IdP, path: str = "/me") -> None:
    with httpx.Client(base_url=base, timeout=10) as client:
        ok = client.get(path, headers={"Authorization": f"Bearer {idp.sign('k1', sub='alice')}"})
        assert ok.status_code == 200 and "alice" in ok.text

        relaxed = client.get(path, headers={"Authorization": f"bearer   {idp.sign('k1', sub='alice')}"})
        assert relaxed.status_code == 200  # the scheme is case-insensitive (RFC 7235)

        missing = client.get(path)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"

        other_scheme = client.get(path, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert other_scheme.status_code == 401 and "error=" not in other_scheme.headers["www-authenticate"]

        for bad in ("garbage", idp.sign("k1", aud="other"), idp.sign("k1", lifetime=-60), "a.b.c"):
            refused = client.get(path, headers={"Authorization": f"Bearer {bad}"})
            assert refused.status_code == 401, bad
            assert 'error="invalid_token"' in refused.headers["www-authenticate"]

        idp.publish("nobody")
        idp.unpublish("nobody")
        unknown = client.get(path, headers={"Authorization": f"Bearer {idp.sign('nobody')}"})
        assert unknown.status_code == 401
        assert 'error="invalid_token"' in unknown.headers["www-authenticate"]


def test_starlette_middleware_answers(idp, verifier):
    with serve_asgi(starlette_app(verifier)) as base:
        _check_answers(base, idp)
        with httpx.Client(base_url=base) as client:
            assert client.get("/health").status_code == 200       # excluded path
            assert client.get("/public/x").status_code == 200     # excluded prefix


def test_raw_asgi_middleware_answers(idp, verifier):
    with serve_asgi(raw_asgi_app(verifier)) as base:
        _check_answers(base, idp)


def test_fastapi_dependency_answers(idp, verifier):
    with serve_asgi(fastapi_app(verifier)) as base:
        _check_answers(base, idp)
        _check_answers(base, idp, "/sync")


def test_wsgi_middleware_answers(idp, verifier):
    with serve_wsgi(wsgi_app(verifier)) as base:
        _check_answers(base, idp)


@pytest.mark.parametrize("claims,status", [
    ({"scope": "profile orders:read"}, 200),
    ({"scp": ["orders:read"]}, 200),
    ({"permissions": ["orders:read", "x"]}, 200),
    ({"scope": "orders:write"}, 403),
    ({}, 403),
])
def test_fastapi_scopes(idp, verifier, claims, status):
    with serve_asgi(fastapi_app(verifier)) as base:
        answer = httpx.get(f"{base}/orders", headers={"Authorization": f"Bearer {idp.sign('k1', **claims)}"})
        assert answer.status_code == status
        if status == 403:
            challenge = answer.headers["www-authenticate"]
            assert 'error="insufficient_scope"' in challenge and 'scope="orders:read"' in challenge


def test_fastapi_openapi_declares_the_bearer_scheme(verifier):
    with serve_asgi(fastapi_app(verifier)) as base:
        doc = httpx.get(f"{base}/openapi.json").json()
    assert doc["components"]["securitySchemes"]["JWTBearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert doc["paths"]["/me"]["get"]["security"] == [{"JWTBearer": []}]


def test_fastapi_dependency_reuses_the_middleware_claims(idp, verifier):
    app = fastapi_app(verifier)
    app.add_middleware(JWTAuthMiddleware, verifier=verifier)
    with serve_asgi(app) as base:
        token = idp.sign("k1", sub="carol")
        for _ in range(3):
            assert httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"}).json() == {"sub": "carol"}
    hits, misses, _ = verifier.cache_info
    assert misses == 1 and hits == 2  # one verification per request, not two


@pytest.mark.parametrize("make_app,serve", [(starlette_app, serve_asgi), (wsgi_app, serve_wsgi)])
def test_a_token_naming_a_key_that_cannot_verify_it_is_401_not_500(idp, make_app, serve):
    idp.publish("es", "ES256")
    idp.publish("encryption", "RS256", use="enc")
    with Verifier(RemoteJWKSet(idp.jwks_url, **FAST), algorithms=["RS256", "ES256"], audience="api") as verifier:
        with serve(make_app(verifier)) as base:
            for token in (idp.sign("es", header_kid="k1"),       # an ES256 token naming the RSA key
                          idp.sign("encryption")):               # a key published for encryption only
                answer = httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == 401
                assert 'error="invalid_token"' in answer.headers["www-authenticate"]


@pytest.mark.parametrize("make_app,serve", [(starlette_app, serve_asgi), (wsgi_app, serve_wsgi)])
def test_503_when_no_key_set_could_ever_be_fetched(idp, make_app, serve):
    idp.mode = "500"
    with Verifier(RemoteJWKSet(idp.jwks_url, **FAST), algorithms=["RS256"]) as verifier:
        with serve(make_app(verifier)) as base:
            answer = httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {idp.sign('k1')}"})
            assert answer.status_code == 503
            assert idp.jwks_url not in answer.text  # the IdP's address stays server-side


# ------------------------------------------------------------------ rotation and a slow IdP under load


@pytest.mark.parametrize("make_app,serve", [(starlette_app, serve_asgi), (wsgi_app, serve_wsgi)])
def test_rotation_under_load_rejects_no_valid_request(idp, verifier, make_app, serve):
    tokens = {"k1": [idp.sign("k1", sub=f"u{i}") for i in range(20)]}
    current = ["k1"]
    statuses: dict[str, list[int]] = {"k1": [], "k2": []}
    stop = threading.Event()

    def client_loop(base: str) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            i = 0
            while not stop.is_set():
                kid = current[0]
                token = tokens[kid][i % 20]
                statuses[kid].append(client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code)
                i += 1

    def wait_for_requests(kid: str) -> None:  # counted, not timed: a sanitizer build is slower
        deadline = time.monotonic() + 30
        while len(statuses[kid]) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)

    with serve(make_app(verifier)) as base, ThreadPoolExecutor(4) as pool:
        runs = [pool.submit(client_loop, base) for _ in range(4)]
        wait_for_requests("k1")
        idp.publish("k2")                       # the IdP publishes the new key...
        tokens["k2"] = [idp.sign("k2", sub=f"u{i}") for i in range(20)]
        current[0] = "k2"                       # ...and signs with it at once
        wait_for_requests("k2")
        stop.set()
        for run in runs:
            run.result()
    assert len(statuses["k1"]) >= 40 and len(statuses["k2"]) >= 40
    assert set(statuses["k1"]) == set(statuses["k2"]) == {200}
    assert idp.jwks_fetches == 2  # the first fetch, then one for the new kid


def test_other_requests_flow_while_a_refetch_waits_on_a_slow_idp(idp, verifier):
    with serve_asgi(starlette_app(verifier)) as base:
        known = idp.sign("k1")
        with httpx.Client(base_url=base, timeout=10) as client:
            assert client.get("/me", headers={"Authorization": f"Bearer {known}"}).status_code == 200
        idp.delay = 2.0
        idp.publish("k2")
        new = idp.sign("k2", sub="new")
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(httpx.get, f"{base}/me", headers={"Authorization": f"Bearer {new}"}, timeout=10)
            while idp.jwks_fetches < 2:
                time.sleep(0.01)
            latencies = []
            with httpx.Client(base_url=base, timeout=10) as client:
                for _ in range(30):
                    started = time.monotonic()
                    assert client.get("/me", headers={"Authorization": f"Bearer {known}"}).status_code == 200
                    latencies.append(time.monotonic() - started)
            assert slow.result().json() == {"sub": "new"}
        assert max(latencies) < 1.0, f"a request waited {max(latencies):.3f} s behind the 2 s refetch"


def test_importing_the_fastapi_plugin_without_fastapi_names_the_extra():
    code = ("import sys\nsys.modules['fastapi'] = None  # as if FastAPI were not installed\n"
            "try:\n    import turbojwt.fastapi\nexcept ImportError as e:\n    print(e)\n"
            "import turbojwt.asgi, turbojwt.wsgi  # these need nothing\nprint('plain ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pip install 'turbojwt[fastapi]'" in done.stdout, done.stderr
    assert "plain ok" in done.stdout


# ------------------------------------------------------------------ the README's example


def test_readme_gateway_example_runs_as_written(idp):
    """README.md's "Gateway" FastAPI example, pointed at the IdP stub, answers as the README says."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("\n## Gateway\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10  # "FastAPI in ten lines"
    code = code.replace('"https://idp.example.com/"', repr(idp.issuer)).replace('"my-api"', '"api"')
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the repository's own README
    try:
        with serve_asgi(namespace["app"]) as base, httpx.Client(base_url=base, timeout=10) as client:
            token = idp.sign("k1", sub="ann", scope="orders:read")
            allowed = client.get("/orders", headers={"Authorization": f"Bearer {token}"})
            assert allowed.status_code == 200 and allowed.json() == {"user": "ann"}
            other = client.get("/orders", headers={"Authorization": f"Bearer {idp.sign('k1', scope='profile')}"})
            assert other.status_code == 403 and 'error="insufficient_scope"' in other.headers["www-authenticate"]
            assert client.get("/orders").status_code == 401
            schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
            assert {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"} in schemes.values()
    finally:
        namespace["auth"].verifier.close()
