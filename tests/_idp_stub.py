"""A real identity provider stub for the gateway tests and benchmark: HTTP on 127.0.0.1, in a thread.

It publishes a JWKS (``/jwks``) and an OpenID Connect discovery document
(``/.well-known/openid-configuration``), signs tokens with its private keys,
counts the JWKS fetches, and switches behaviour on demand:

- ``mode``: ``"ok"``, ``"500"`` (HTTP 500), ``"garbage"`` (a body that is not
  JSON), ``"empty"`` (``{"keys": []}``), ``"huge"`` (a body past any sane cap);
- ``delay``: seconds to sleep before answering the JWKS (a slow IdP);
- :meth:`go_down` / :meth:`come_back`: close the listening socket (connection
  refused) and reopen it on the same port;
- ``max_age``: the ``Cache-Control: max-age`` sent with the JWKS (None: no header);
- ``discovery_issuer``, ``discovery_jwks_uri``: what the discovery document claims;
- ``/moved`` and ``/moved-away`` redirect to the JWKS on the same origin, or on another one.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa

import turbojwt


#: RemoteJWKSet options for tests: the delays a deployment sets in seconds or minutes, in tenths.
FAST: dict[str, float] = dict(timeout=3.0, cooldown=0.5, min_backoff=0.1, max_backoff=0.3, min_max_age=0.1)


@contextmanager
def running_idp(*kids: str) -> Iterator[IdP]:
    """A started IdP stub publishing RS256 keys ``kids``, stopped on exit."""
    stub = IdP().start()
    for kid in kids:
        stub.publish(kid)
    try:
        yield stub
    finally:
        stub.stop()


def _b64(n: int, size: int | None = None) -> str:
    raw = n.to_bytes(size or (n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(private_key: Any, kid: str, alg: str) -> dict[str, Any]:
    """The public JWK of an RSA or P-256 private key."""
    public = private_key.public_key().public_numbers()
    if alg.startswith("RS"):
        return {"kty": "RSA", "kid": kid, "alg": alg, "use": "sig", "n": _b64(public.n), "e": _b64(public.e)}
    return {"kty": "EC", "kid": kid, "alg": alg, "use": "sig", "crv": "P-256",
            "x": _b64(public.x, 32), "y": _b64(public.y, 32)}


_KEY_CACHE: dict[tuple[str, str], Any] = {}


def private_key(kid: str, alg: str) -> Any:
    """A private key for ``kid`` (RSA 2048 or P-256), generated once per process."""
    if (kid, alg) not in _KEY_CACHE:
        if alg.startswith("RS"):
            _KEY_CACHE[kid, alg] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            _KEY_CACHE[kid, alg] = ec.generate_private_key(ec.SECP256R1())
    return _KEY_CACHE[kid, alg]


class IdP:
    """The stub: start() it, publish() keys, sign() tokens, stop() it."""

    def __init__(self, audience: str = "api") -> None:
        self.audience = audience
        self.mode = "ok"
        self.delay = 0.0
        self.max_age: int | None = None
        self.discovery_issuer: str | None = None
        self.discovery_jwks_uri: str | None = None
        self.jwks_fetches = 0
        self.discovery_fetches = 0
        self._published: dict[str, dict[str, Any]] = {}
        self._signing: dict[str, tuple[Any, str]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ------------------------------------------------------------ keys and tokens

    def publish(self, kid: str, alg: str = "RS256", use: str = "sig") -> None:
        """Add a key to the JWKS (and keep it for signing)."""
        key = private_key(kid, alg)
        with self._lock:
            self._signing[kid] = (key, alg)
            self._published[kid] = {**public_jwk(key, kid, alg), "use": use}

    def unpublish(self, kid: str) -> None:
        """Remove a key from the JWKS (tokens signed with it can still be made)."""
        with self._lock:
            self._published.pop(kid, None)

    def sign(self, kid: str, lifetime: float = 600, header_kid: str | None = None, **claims: Any) -> str:
        """A token signed with ``kid``'s key (naming ``header_kid`` if given), issued by this IdP for ``audience``."""
        key, alg = self._signing[kid]
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.audience, "sub": "user", "iat": now,
                "exp": now + int(lifetime), **claims}
        return turbojwt.encode(body, key, algorithm=alg, headers={"kid": header_kid or kid})

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": list(self._published.values())}

    # ------------------------------------------------------------ addresses

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    # ------------------------------------------------------------ the server

    def start(self) -> IdP:
        self._serve(0)
        return self

    def _serve(self, port: int) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def go_down(self) -> None:
        """Stop answering: connections are refused until :meth:`come_back`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def come_back(self) -> None:
        """Listen again on the same port."""
        self._serve(self.port)

    def stop(self) -> None:
        self.go_down()


def _handler_for(idp: IdP) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/.well-known/openid-configuration":
                with idp._lock:
                    idp.discovery_fetches += 1
                doc = {"issuer": idp.discovery_issuer or idp.issuer, "jwks_uri": idp.discovery_jwks_uri or idp.jwks_url}
                self._send(200, json.dumps(doc).encode())
                return
            if self.path in ("/moved", "/moved-away"):
                # Same origin, or another one (localhost is not 127.0.0.1 for an origin check).
                host = "127.0.0.1" if self.path == "/moved" else "localhost"
                self.send_response(302)
                self.send_header("Location", f"http://{host}:{idp.port}/jwks")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path != "/jwks":
                self._send(404, b"{}")
                return
            with idp._lock:
                idp.jwks_fetches += 1
            if idp.delay:
                time.sleep(idp.delay)
            mode = idp.mode
            if mode == "500":
                self._send(500, b'{"error": "boom"}')
            elif mode == "garbage":
                self._send(200, b"<html>not a key set</html>")
            elif mode == "empty":
                self._send(200, b'{"keys": []}')
            elif mode == "huge":
                self._send(200, b'{"keys": [], "pad": "' + b"x" * (3 << 20) + b'"}')
            else:
                headers = {} if idp.max_age is None else {"Cache-Control": f"public, max-age={idp.max_age}"}
                self._send(200, json.dumps(idp.jwks()).encode(), headers)

    return Handler
