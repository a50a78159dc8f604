"""PyJWKClient against a real HTTP(S) server on 127.0.0.1.

Each test starts a ``ThreadingHTTPServer`` on an ephemeral port (the
``server`` fixture) whose answers the test scripts: the JWK set it serves, a
status, raw garbage, a delay, a redirect, a body that never ends. No traffic
leaves 127.0.0.1. Time-based behaviour (lifespan, cooldown) runs on a fake
``time.monotonic`` (the ``clock`` fixture) except for one test on the real
clock; waits on the server side end when the test ends, so the file stays fast.
"""

from __future__ import annotations

import base64
import collections
import datetime
import ipaddress
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

import turbojwt
from turbojwt import jwks_client
from turbojwt.exceptions import (
    DecodeError,
    InvalidSignatureError,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKSetError,
)
from turbojwt.jwk_set_cache import JWKSetCache
from turbojwt.jwks_client import PyJWKClient

K1 = ec.generate_private_key(ec.SECP256R1())
K2 = ec.generate_private_key(ec.SECP256R1())
K3 = ed25519.Ed25519PrivateKey.generate()
WAIT = 5.0  # upper bound for any wait in a server thread or a join


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ec_jwk(private: ec.EllipticCurvePrivateKey, kid: str | None, **extra: Any) -> dict:
    numbers = private.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
           "y": _b64(numbers.y.to_bytes(32, "big")), **extra}
    if kid is not None:
        jwk["kid"] = kid
    return jwk


def ed_jwk(private: ed25519.Ed25519PrivateKey, kid: str, **extra: Any) -> dict:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": kid, **extra}


def jwks(*keys: dict) -> dict:
    return {"keys": list(keys)}


def es256_token(private: Any, kid: str, **claims: Any) -> str:
    return turbojwt.encode({"sub": "alice", **claims}, private, algorithm="ES256", headers={"kid": kid})


# ---------------------------------------------------------------- the server


class JWKSServer:
    """A scripted JWKS endpoint on 127.0.0.1; ``url(path)`` addresses it.

    ``/jwks.json`` serves ``self.document`` as JSON, or ``self.raw`` verbatim
    when set, with ``self.status``; ``self.gate`` (an Event), when set, holds
    each such request until it is set. The other paths misbehave on purpose.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.document: Any = jwks(ec_jwk(K1, "k1", use="sig", alg="ES256"))
        self.raw: bytes | None = None
        self.status = 200
        self.content_type = "application/json"
        self.gate: threading.Event | None = None
        self.hits: collections.Counter[str] = collections.Counter()
        self.request_headers: list[dict[str, str]] = []
        self.stop = threading.Event()  # set at teardown: ends every wait
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.jwks = self  # type: ignore[attr-defined]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def url(self, path: str = "/jwks.json", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.httpd.server_port}{path}"

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.request_headers.append(headers)

    def close(self) -> None:
        self.stop.set()
        if self.gate is not None:
            self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(WAIT)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib handler API
        state: JWKSServer = self.server.jwks  # type: ignore[attr-defined]
        path = self.path
        state.record(path, dict(self.headers.items()))
        try:
            getattr(self, "route_" + path.strip("/").replace(".", "_").replace("-", "_"), self.route_404)(state)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up, as some tests intend

    def route_404(self, state: JWKSServer) -> None:
        self._send(404, b"not found", "text/plain")

    def route_jwks_json(self, state: JWKSServer) -> None:
        if state.gate is not None:
            state.gate.wait(WAIT)
        body = state.raw if state.raw is not None else json.dumps(state.document).encode()
        self._send(state.status, body, state.content_type)

    def route_slow(self, state: JWKSServer) -> None:
        state.stop.wait(WAIT)  # longer than any client timeout used here
        self._send(200, json.dumps(state.document).encode())

    def route_drip(self, state: JWKSServer) -> None:
        # Headers at once, then one byte every 50 ms: each read is quick, the body is not.
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(1000):
            if state.stop.wait(0.05):
                return
            self.wfile.write(b" ")
            self.wfile.flush()

    def route_huge(self, state: JWKSServer) -> None:
        self._send(200, b" " * (2 * 1024 * 1024) + b"{}")

    def route_huge_stream(self, state: JWKSServer) -> None:
        # No Content-Length: HTTP/1.0, the body ends when the connection closes.
        self.send_response(200)
        self.end_headers()
        for _ in range(64):
            self.wfile.write(b" " * 65536)

    def route_truncated(self, state: JWKSServer) -> None:
        # A valid JSON document, but the connection closes before the announced length.
        body = json.dumps(state.document).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) + 100))
        self.end_headers()
        self.wfile.write(body)

    def route_redirect(self, state: JWKSServer) -> None:
        code = int(self.headers.get("X-Redirect-Code", "302"))
        self._send(code, b"", Location=state.url("/jwks.json"))


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib honours *_proxy variables; these tests talk to 127.0.0.1 directly.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    srv = JWKSServer()
    yield srv
    srv.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    # The same `time` module object serves jwks_client and jwk_set_cache.
    monkeypatch.setattr(jwks_client.time, "monotonic", fake)
    return fake


# ---------------------------------------------------------------- fetching and selecting


def test_exported_from_the_package():
    assert turbojwt.PyJWKClient is PyJWKClient
    assert "PyJWKClient" in turbojwt.__all__


def test_fetches_the_set_and_selects_keys_by_kid(server):
    server.document = jwks(ec_jwk(K1, "k1"), ec_jwk(K2, "k2"), ed_jwk(K3, "k3"))
    client = PyJWKClient(server.url())

    assert [k.key_id for k in client.get_jwk_set()] == ["k1", "k2", "k3"]
    assert client.get_signing_key("k2").key_id == "k2"
    assert client.get_signing_key("k3").algorithm_name == "EdDSA"
    assert isinstance(client.get_signing_key("k1").key, turbojwt.PreparedKey)
    assert server.hits["/jwks.json"] == 1


def test_signing_keys_are_filtered_as_pyjwt_does(server):
    server.document = jwks(
        ec_jwk(K1, "sig", use="sig"),
        ec_jwk(K2, "no-use"),
        ec_jwk(K2, "enc", use="enc"),
        ec_jwk(K1, None),  # no kid
    )
    client = PyJWKClient(server.url())
    assert [k.key_id for k in client.get_signing_keys()] == ["sig", "no-use"]
    with pytest.raises(PyJWKClientError, match='matches: "enc"'):
        client.get_signing_key("enc")


def test_a_set_without_signing_keys_is_an_error(server):
    server.document = jwks(ec_jwk(K1, "k1", use="enc"))
    with pytest.raises(PyJWKClientError, match="did not contain any signing keys"):
        PyJWKClient(server.url()).get_signing_keys()


@pytest.mark.parametrize("signer", ["turbojwt", "pyjwt"])
@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_end_to_end_token_verifies_with_the_fetched_key(server, signer, alg):
    server.document = jwks(ec_jwk(K1, "ec-1", alg="ES256"), ed_jwk(K3, "ed-1", use="sig"))
    private, kid = (K1, "ec-1") if alg == "ES256" else (K3, "ed-1")
    claims = {"sub": "alice", "aud": "api", "exp": int(time.time()) + 60}
    if signer == "turbojwt":
        token = turbojwt.encode(claims, private, algorithm=alg, headers={"kid": kid})
    else:
        jwt = pytest.importorskip("jwt")
        token = jwt.encode(claims, private, algorithm=alg, headers={"kid": kid})

    signing_key = PyJWKClient(server.url()).get_signing_key_from_jwt(token)

    assert signing_key.key_id == kid
    assert turbojwt.decode(token, signing_key.key, algorithms=[signing_key.algorithm_name],
                           audience="api") == claims


def test_token_whose_kid_names_another_key_fails_verification(server):
    server.document = jwks(ec_jwk(K1, "k1"), ec_jwk(K2, "k2"))
    token = es256_token(K1, "k2")  # signed by K1, claims to be K2
    key = PyJWKClient(server.url()).get_signing_key_from_jwt(token)
    with pytest.raises(InvalidSignatureError):
        turbojwt.decode(token, key.key, algorithms=["ES256"])


def test_malformed_token_is_refused_before_any_request(server):
    client = PyJWKClient(server.url())
    with pytest.raises(DecodeError):
        client.get_signing_key_from_jwt("not-a-token")
    assert server.hits["/jwks.json"] == 0


# ---------------------------------------------------------------- caching


def test_the_set_is_cached_for_its_lifespan(server, clock):
    client = PyJWKClient(server.url(), lifespan=10)
    first = client.get_jwk_set()
    clock.advance(9)
    assert client.get_jwk_set() is first
    client.get_signing_key("k1")
    assert server.hits["/jwks.json"] == 1

    clock.advance(2)
    assert client.get_jwk_set() is not first
    assert server.hits["/jwks.json"] == 2


def test_lifespan_on_the_real_clock(server):
    client = PyJWKClient(server.url(), lifespan=0.1)
    client.get_jwk_set()
    client.get_jwk_set()
    assert server.hits["/jwks.json"] == 1
    time.sleep(0.15)
    client.get_jwk_set()
    assert server.hits["/jwks.json"] == 2


def test_without_the_set_cache_every_lookup_fetches(server):
    client = PyJWKClient(server.url(), cache_jwk_set=False)
    assert client.jwk_set_cache is None
    client.get_signing_key("k1")
    client.get_signing_key("k1")
    assert server.hits["/jwks.json"] == 2
    # An unknown kid refreshes once per lookup: the cooldown needs the cache.
    with pytest.raises(PyJWKClientError, match="matches"):
        client.get_signing_key("nope")
    assert server.hits["/jwks.json"] == 4


def test_cache_keys_keeps_found_keys_beyond_the_lifespan(server, clock):
    client = PyJWKClient(server.url(), cache_keys=True, lifespan=10)
    key = client.get_signing_key("k1")
    clock.advance(60)
    assert client.get_signing_key("k1") is key
    assert server.hits["/jwks.json"] == 1


# ---------------------------------------------------------------- rotation and cooldown


def test_rotation_unknown_kid_refreshes_once_then_cools_down(server, clock):
    client = PyJWKClient(server.url(), cooldown_duration=30)
    assert client.get_signing_key("k1").key_id == "k1"
    clock.advance(31)  # the first fetch started a cooldown too

    server.document = jwks(ec_jwk(K2, "k2"))  # the provider rotates
    assert client.get_signing_key("k2").key_id == "k2"
    assert server.hits["/jwks.json"] == 2

    # More unknown kids within the cooldown: no request at all.
    for kid in ("k3", "k4", "k1", "k3"):
        with pytest.raises(PyJWKClientError, match=f'matches: "{kid}"'):
            client.get_signing_key(kid)
    assert server.hits["/jwks.json"] == 2

    clock.advance(31)
    with pytest.raises(PyJWKClientError, match="matches"):
        client.get_signing_key("k3")
    assert server.hits["/jwks.json"] == 3


def test_a_key_rotated_in_right_after_a_fetch_waits_for_the_cooldown(server, clock):
    client = PyJWKClient(server.url(), cooldown_duration=30)
    client.get_signing_key("k1")
    server.document = jwks(ec_jwk(K1, "k1"), ec_jwk(K2, "k2"))
    with pytest.raises(PyJWKClientError):
        client.get_signing_key("k2")
    assert server.hits["/jwks.json"] == 1
    clock.advance(30)
    assert client.get_signing_key("k2").key_id == "k2"
    assert server.hits["/jwks.json"] == 2


def test_cooldown_zero_refreshes_on_every_unknown_kid(server, clock):
    client = PyJWKClient(server.url(), cooldown_duration=0)
    client.get_signing_key("k1")
    for expected in (2, 3):
        with pytest.raises(PyJWKClientError):
            client.get_signing_key("unknown")
        assert server.hits["/jwks.json"] == expected


def test_a_failed_forced_refresh_also_starts_the_cooldown(server, clock):
    client = PyJWKClient(server.url(), cooldown_duration=30)
    client.get_signing_key("k1")
    clock.advance(31)
    server.status = 503
    with pytest.raises(PyJWKClientConnectionError, match="503"):
        client.get_signing_key("unknown")
    assert server.hits["/jwks.json"] == 2
    # The endpoint is down: further invented kids do not hammer it...
    for _ in range(3):
        with pytest.raises(PyJWKClientError, match="matches"):
            client.get_signing_key("unknown")
    assert server.hits["/jwks.json"] == 2
    # ...and the cached set still serves the known key.
    assert client.get_signing_key("k1").key_id == "k1"


# ---------------------------------------------------------------- bad answers

GARBAGE = {
    "not json": (b"this is not json", "text/plain", PyJWKClientError, "valid JSON"),
    "html": (b"<!doctype html><html><body>Login</body></html>", "text/html", PyJWKClientError, "valid JSON"),
    "empty": (b"", "application/json", PyJWKClientError, "valid JSON"),
    "bad utf-8": (b'{"keys": "\xff\xfe"}', "application/json", PyJWKClientError, "valid JSON"),
    "deep nesting": (b"[" * 200_000, "application/json", PyJWKClientError, "valid JSON"),
    "json list": (b'[{"kty": "EC"}]', "application/json", PyJWKClientError, "did not return a JSON object"),
    "json string": (b'"keys"', "application/json", PyJWKClientError, "did not return a JSON object"),
    "no keys member": (b"{}", "application/json", PyJWKSetError, "did not contain any keys"),
    "empty keys": (b'{"keys": []}', "application/json", PyJWKSetError, "did not contain any keys"),
    "keys not a list": (b'{"keys": {"kty": "EC"}}', "application/json", PyJWKSetError, "Invalid JWK Set"),
    "unusable keys": (b'{"keys": [{"kty": "RSA"}, 7]}', "application/json", PyJWKSetError, "usable keys"),
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_from_the_endpoint_raises_the_right_error(server, name):
    server.raw, server.content_type, error, message = GARBAGE[name]
    with pytest.raises(error, match=message):
        PyJWKClient(server.url()).get_jwk_set()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/huge", "more than 1048576 bytes"), ("/huge-stream", "more than 1048576 bytes")],
)
def test_a_huge_body_is_refused(server, path, message):
    started = time.monotonic()
    with pytest.raises(PyJWKClientError, match=message):
        PyJWKClient(server.url(path)).get_jwk_set()
    assert time.monotonic() - started < 2


def test_the_body_limit_can_be_changed_by_a_subclass(server):
    class Tiny(PyJWKClient):
        max_response_bytes = 16

    with pytest.raises(PyJWKClientError, match="more than 16 bytes"):
        Tiny(server.url()).get_jwk_set()


@pytest.mark.parametrize("status", [400, 401, 404, 500, 503])
def test_an_http_error_status_is_a_connection_error(server, status):
    server.status = status
    with pytest.raises(PyJWKClientConnectionError, match=f"HTTP Error {status}"):
        PyJWKClient(server.url()).get_jwk_set()


def test_a_truncated_body_is_a_connection_error_even_if_it_parses(server):
    with pytest.raises(PyJWKClientConnectionError, match="Fail to fetch"):
        PyJWKClient(server.url("/truncated")).get_jwk_set()


def test_connection_refused_is_a_connection_error(server):
    url = server.url()
    server.close()  # nothing listens on that port any more
    with pytest.raises(PyJWKClientConnectionError, match="Fail to fetch data from the url"):
        PyJWKClient(url, timeout=2).get_jwk_set()


FAILURES = {
    "status 500": {"status": 500},
    "not json": {"raw": b"<html>oops</html>"},
    "no keys": {"raw": b"{}"},
    "unusable keys": {"raw": b'{"keys": [{"kty": "oct"}]}'},
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_failed_refresh_keeps_the_cached_set(server, clock, name):
    client = PyJWKClient(server.url())
    cached = client.get_jwk_set()
    for attribute, value in FAILURES[name].items():
        setattr(server, attribute, value)

    with pytest.raises((PyJWKClientError, PyJWKSetError)):
        client.get_jwk_set(refresh=True)

    assert client.jwk_set_cache.get() is cached
    assert client.get_jwk_set() is cached
    assert client.get_signing_key("k1").key_id == "k1"
    assert server.hits["/jwks.json"] == 2


def test_an_expired_set_is_not_served_when_the_refetch_fails(server, clock):
    # PyJWT's semantics: the failed fetch keeps the set, but an expired set is
    # never used to verify (a revoked key must not outlive its lifespan).
    client = PyJWKClient(server.url(), lifespan=10)
    client.get_signing_key("k1")
    clock.advance(11)
    server.status = 500
    with pytest.raises(PyJWKClientConnectionError):
        client.get_signing_key("k1")
    server.status = 200
    assert client.get_signing_key("k1").key_id == "k1"


# ---------------------------------------------------------------- timeouts


def test_a_slow_server_times_out_quickly(server):
    client = PyJWKClient(server.url("/slow"), timeout=0.2)
    started = time.monotonic()
    with pytest.raises(PyJWKClientConnectionError, match="timed out"):
        client.get_jwk_set()
    assert time.monotonic() - started < 1.5


def test_a_dripping_body_is_bounded_by_the_timeout(server):
    # Every read returns within the socket timeout; the whole body would take 50 s.
    client = PyJWKClient(server.url("/drip"), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(PyJWKClientConnectionError, match="timed out"):
        client.get_jwk_set()
    assert time.monotonic() - started < 1.5


# ---------------------------------------------------------------- redirects and schemes


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed(server, code):
    client = PyJWKClient(server.url("/redirect"), headers={"X-Redirect-Code": str(code),
                                                          "Authorization": "Bearer secret"})
    with pytest.raises(PyJWKClientConnectionError, match=f"HTTP Error {code}"):
        client.get_jwk_set()
    assert server.hits["/redirect"] == 1
    assert server.hits["/jwks.json"] == 0


@pytest.mark.parametrize(
    "uri",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/jwks.json",
        'data:application/json,{"keys":[]}',
        "/etc/passwd",
        "127.0.0.1/jwks.json",
        "<URL:file:///etc/passwd>",
        "gopher://127.0.0.1/",
        "\x01file:///etc/passwd",
    ],
)
def test_urls_other_than_http_and_https_are_refused(uri):
    with pytest.raises(PyJWKClientError, match="Invalid JWKS URI scheme"):
        PyJWKClient(uri)


def test_a_uri_that_is_not_a_string_is_refused():
    with pytest.raises(PyJWKClientError, match="must be a string"):
        PyJWKClient(b"http://127.0.0.1/jwks.json")  # type: ignore[arg-type]


def test_the_scheme_is_checked_again_before_each_fetch(server):
    client = PyJWKClient(server.url())
    client.uri = "file:///etc/passwd"
    with pytest.raises(PyJWKClientError, match="Invalid JWKS URI scheme 'file'"):
        client.get_jwk_set()


def test_the_scheme_is_case_insensitive(server):
    assert PyJWKClient(server.url(scheme="HTTP")).get_signing_key("k1").key_id == "k1"


# ---------------------------------------------------------------- headers and TLS


def test_custom_headers_reach_the_server(server):
    PyJWKClient(server.url(), headers={"Authorization": "Bearer s3cret", "X-Tenant": "t1"}).get_jwk_set()
    seen = server.request_headers[-1]
    assert seen["Authorization"] == "Bearer s3cret"
    assert seen["X-Tenant"] == "t1"
    assert seen["User-Agent"] == f"turbojwt/{turbojwt.__version__}"


def test_a_custom_user_agent_replaces_the_default(server):
    headers = {"user-agent": "gateway/7"}
    client = PyJWKClient(server.url(), headers=headers)
    client.get_jwk_set()
    assert server.request_headers[-1]["User-Agent"] == "gateway/7"
    assert client.headers is headers and headers == {"user-agent": "gateway/7"}  # not modified


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_server(tls_files):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    srv = JWKSServer(tls=context)
    yield srv
    srv.close()


def test_https_uses_the_given_ssl_context(tls_server, tls_files):
    url = tls_server.url(scheme="https")
    trusting = ssl.create_default_context(cafile=tls_files[0])
    assert PyJWKClient(url, ssl_context=trusting).get_signing_key("k1").key_id == "k1"


def test_https_verifies_certificates_by_default(tls_server):
    with pytest.raises(PyJWKClientConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        PyJWKClient(tls_server.url(scheme="https"), timeout=2).get_jwk_set()


# ---------------------------------------------------------------- threads


def _run_threads(count: int, target) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait(WAIT)
        try:
            outcome = target()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            outcome = error
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_concurrent_first_lookups_fetch_once(server):
    server.gate = threading.Event()
    client = PyJWKClient(server.url())
    threading.Timer(0.1, server.gate.set).start()  # let every thread reach the client first
    results = _run_threads(8, lambda: client.get_signing_key("k1"))
    assert [r.key_id for r in results] == ["k1"] * 8
    assert server.hits["/jwks.json"] == 1


def test_concurrent_unknown_kids_refresh_once(server, clock):
    client = PyJWKClient(server.url(), cooldown_duration=30)
    client.get_jwk_set()
    clock.advance(31)
    results = _run_threads(8, lambda: client.get_signing_key("unknown"))
    assert all(isinstance(r, PyJWKClientError) for r in results)
    assert server.hits["/jwks.json"] == 2


def test_a_known_kid_is_served_while_a_refresh_is_in_flight(server, clock):
    client = PyJWKClient(server.url(), cooldown_duration=30)
    client.get_jwk_set()
    clock.advance(31)
    server.gate = threading.Event()  # the refresh hangs in the server until released
    outcome: list[Any] = []

    def refresh() -> None:
        try:
            client.get_signing_key("new")
        except PyJWKClientError as error:
            outcome.append(error)

    refresher = threading.Thread(target=refresh)
    refresher.start()
    try:
        for _ in range(200):  # the clock is faked: poll the server instead
            if server.hits["/jwks.json"] == 2:
                break
            time.sleep(0.01)
        assert server.hits["/jwks.json"] == 2
        assert client.get_signing_key("k1").key_id == "k1"  # not blocked by the refresh
        assert refresher.is_alive()
    finally:
        server.gate.set()
        refresher.join(WAIT)
    assert not refresher.is_alive()
    assert len(outcome) == 1 and "matches" in str(outcome[0])


# ---------------------------------------------------------------- construction


@pytest.mark.parametrize("lifespan", [0, -1, float("nan")])
def test_lifespan_must_be_positive(lifespan):
    with pytest.raises(PyJWKClientError, match="Lifespan must be greater than 0"):
        PyJWKClient("https://127.0.0.1/jwks.json", lifespan=lifespan)


def test_lifespan_is_not_checked_without_the_set_cache():
    assert PyJWKClient("https://127.0.0.1/jwks.json", cache_jwk_set=False, lifespan=0).jwk_set_cache is None


@pytest.mark.parametrize("cooldown", [-0.5, float("inf"), float("-inf"), float("nan")])
def test_cooldown_must_be_finite_and_not_negative(cooldown):
    with pytest.raises(PyJWKClientError, match="Cooldown duration must be"):
        PyJWKClient("https://127.0.0.1/jwks.json", cooldown_duration=cooldown)


def test_constructor_defaults_match_pyjwt():
    client = PyJWKClient("https://127.0.0.1/jwks.json")
    assert client.timeout == 30
    assert client.cooldown_duration == 30
    assert client.headers == {}
    assert client.ssl_context is None
    assert client.jwk_set_cache.lifespan == 300


# ---------------------------------------------------------------- JWKSetCache


def test_jwk_set_cache_put_get_expire_and_clear(clock):
    cache = JWKSetCache(10)
    assert cache.get() is None and not cache.is_expired()
    cache.put(jwks(ec_jwk(K1, "k1")))
    stored = cache.get()
    assert isinstance(stored, turbojwt.PyJWKSet) and stored["k1"].key_id == "k1"
    clock.advance(10.5)
    assert cache.is_expired() and cache.get() is None
    cache.put(stored)
    assert cache.get() is stored
    cache.put(None)
    assert cache.get() is None


def test_jwk_set_cache_refuses_bad_values_and_keeps_the_old_set():
    cache = JWKSetCache(10)
    cache.put(jwks(ec_jwk(K1, "k1")))
    stored = cache.get()
    with pytest.raises(PyJWKSetError, match="Invalid JWK Set value"):
        cache.put("not a jwk set")  # type: ignore[arg-type]
    with pytest.raises(PyJWKSetError):
        cache.put({"keys": []})
    assert cache.get() is stored


def test_jwk_set_cache_with_lifespan_minus_one_never_expires(clock):
    cache = JWKSetCache(-1)
    cache.put(jwks(ec_jwk(K1, "k1")))
    clock.advance(1e9)
    assert cache.get() is not None
