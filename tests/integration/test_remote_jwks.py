"""RemoteJWKSet and a Verifier built on it, against a real HTTP IdP stub on 127.0.0.1.

No mock of the HTTP layer: every fetch is a real request to tests/_idp_stub.py,
whose fetch counter is what the rate-limit tests count. Delays are short
(cooldowns and back-offs of tenths of a second) so the whole file stays fast.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import turbojwt
from _idp_stub import FAST, IdP, running_idp
from turbojwt import KeySetUnavailableError, RemoteJWKSet, UnknownKeyError, Verifier



@pytest.fixture
def idp():
    with running_idp("k1") as stub:
        yield stub


def remote(idp: IdP, **options) -> RemoteJWKSet:
    return RemoteJWKSet(idp.jwks_url, **{**FAST, **options})


def verifier_on(idp: IdP, keys: RemoteJWKSet, cache: int = 0) -> Verifier:
    return Verifier(keys, algorithms=["RS256", "ES256"], audience=idp.audience, issuer=idp.issuer, cache=cache)


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


# ------------------------------------------------------------------ basics


def test_decode_sync_and_async_with_one_fetch(idp):
    with verifier_on(idp, remote(idp), cache=100) as verifier:
        token = idp.sign("k1", sub="alice")
        assert verifier.decode(token)["sub"] == "alice"
        assert asyncio.run(verifier.decode_async(token))["sub"] == "alice"
        assert verifier.decode_complete(token)["header"]["kid"] == "k1"
        assert verifier.algorithms == ("RS256", "ES256")
        assert verifier.audience == "api"
        assert idp.jwks_fetches == 1
        assert verifier.key_set.generation.number == 1


def test_decode_async_on_static_keys_raises_when_awaited():
    secret = b"s" * 32
    with Verifier(secret, algorithms=["HS256"]) as verifier:
        token = turbojwt.encode({"sub": "x"}, secret, algorithm="HS256")
        assert asyncio.run(verifier.decode_async(token)) == {"sub": "x"}
        assert asyncio.run(verifier.decode_complete_async(token))["payload"] == {"sub": "x"}
        pending = verifier.decode_async(token + "x")  # nothing raised yet: it is a coroutine
        with pytest.raises(turbojwt.InvalidSignatureError):
            asyncio.run(pending)
        assert verifier.key_set is None


def test_now_reaches_the_generation_verifier(idp):
    with verifier_on(idp, remote(idp)) as verifier:
        expired = idp.sign("k1", lifetime=-100, iat=int(time.time()) - 1000)
        assert verifier.decode(expired, now=time.time() - 200)["aud"] == "api"
        assert verifier.decode_complete(expired, now=time.time() - 200)["header"]["kid"] == "k1"
        with pytest.raises(turbojwt.ExpiredSignatureError):
            verifier.decode(expired)


def test_bad_tokens_still_raise_invalid_token_errors(idp):
    with verifier_on(idp, remote(idp)) as verifier:
        good = idp.sign("k1")
        with pytest.raises(turbojwt.InvalidSignatureError):
            verifier.decode(good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"))
        with pytest.raises(turbojwt.ExpiredSignatureError):
            verifier.decode(idp.sign("k1", lifetime=-100))
        with pytest.raises(turbojwt.InvalidAudienceError):
            verifier.decode(idp.sign("k1", aud="other"))


def test_a_remote_verifier_needs_an_explicit_allow_list(idp):
    with remote(idp) as keys:
        with pytest.raises(TypeError, match="algorithms"):
            Verifier(keys)
        with pytest.raises(TypeError):
            Verifier(keys, algorithms=["RS256"], audience=42)  # checked now, not on the first token


# ------------------------------------------------------------------ rotation, single flight, cooldown


def test_rotation_picks_up_a_new_kid_at_once_with_one_shared_fetch(idp):
    with verifier_on(idp, remote(idp), cache=100) as verifier:
        verifier.decode(idp.sign("k1"))
        idp.publish("k2")
        idp.delay = 0.3  # long enough for every caller to join the one fetch in flight
        token = idp.sign("k2", sub="bob")
        results, errors = [], []

        def worker():
            try:
                results.append(verifier.decode(token)["sub"])
            except Exception as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert results == ["bob"] * 16
        assert idp.jwks_fetches == 2  # the first fetch, then one for all 16 callers


def test_rotation_async_callers_share_the_fetch_about_to_start(idp):
    # Tasks that meet the new kid before the fetch thread has picked up the
    # fetch asked for must join it, not be refused by the cooldown.
    async def scenario(verifier, token):
        return await asyncio.gather(*[verifier.decode_async(token) for _ in range(8)], return_exceptions=True)

    for _ in range(5):
        with verifier_on(idp, remote(idp)) as verifier:
            verifier.decode(idp.sign("k1"))
            idp.publish("k2")
            results = asyncio.run(scenario(verifier, idp.sign("k2", sub="bob")))
            assert [r["sub"] if isinstance(r, dict) else r for r in results] == ["bob"] * 8
            idp.unpublish("k2")


def test_a_random_kid_flood_costs_at_most_one_fetch_per_cooldown(idp):
    cooldown = 0.4
    with verifier_on(idp, remote(idp, cooldown=cooldown)) as verifier:
        verifier.decode(idp.sign("k1"))
        idp.publish("attacker")
        idp.unpublish("attacker")  # the attacker's key is never published at the time of the flood
        before = idp.jwks_fetches
        started = time.monotonic()
        rejected = 0
        while time.monotonic() - started < 1.5:
            token = idp.sign("attacker", sub=str(rejected))  # the kid is unknown to the set
            with pytest.raises(UnknownKeyError):
                verifier.decode(token)
            rejected += 1
        elapsed = time.monotonic() - started
        time.sleep(cooldown)  # a fetch scheduled at the end of the last cooldown may still run
        fetches = idp.jwks_fetches - before
        assert rejected > 50
        assert 1 <= fetches <= int(elapsed / cooldown) + 2


def test_unknown_kid_errors_are_invalid_token_errors(idp):
    with verifier_on(idp, remote(idp)) as verifier:
        idp.publish("gone")
        idp.unpublish("gone")
        with pytest.raises(turbojwt.InvalidTokenError):
            verifier.decode(idp.sign("gone"))


def test_a_removed_key_stops_verifying_even_for_cached_tokens(idp):
    with verifier_on(idp, remote(idp, cooldown=0.0), cache=1000) as verifier:
        old = idp.sign("k1")
        assert verifier.decode(old)
        assert verifier.decode(old)
        assert verifier.cache_info[0] == 1  # the second decode was a cache hit
        idp.publish("k2")
        idp.unpublish("k1")
        assert verifier.decode(idp.sign("k2"))  # unknown kid: refetch, new generation
        with pytest.raises(UnknownKeyError):
            verifier.decode(old)


def test_routine_refresh_follows_cache_control_max_age_in_the_background(idp):
    idp.max_age = 1
    with remote(idp, min_max_age=0.3, max_max_age=0.5) as keys:  # 1 s bounded down to 0.5 s
        keys.wait_ready()
        idp.publish("k2")
        wait_for(lambda: keys.generation is not None and keys.generation.number == 2, timeout=3)
        assert idp.jwks_fetches >= 2


# ------------------------------------------------------------------ failures


@pytest.mark.parametrize("mode", ["500", "garbage", "empty", "huge", "down"])
def test_a_failing_idp_keeps_the_last_good_set_and_backs_off(idp, mode):
    with verifier_on(idp, remote(idp, min_max_age=0.2, max_max_age=0.2), cache=10) as verifier:
        token = idp.sign("k1")
        verifier.decode(token)
        if mode == "down":
            idp.go_down()
        else:
            idp.mode = mode
        started = time.monotonic()
        decodes = 0
        while time.monotonic() - started < 1.2:  # past the max age: the set is stale, still used
            assert verifier.decode(token)["aud"] == "api"
            decodes += 1
            time.sleep(0.002)
        keys = verifier.key_set
        assert keys.generation is not None
        assert keys.last_error is not None and idp.jwks_url in keys.last_error
        if mode != "down":
            # fetches follow the back-off (0.1, 0.2, 0.3, 0.3...), never one per request
            assert 2 <= idp.jwks_fetches <= 8 < decodes


def test_the_errors_name_the_url_and_the_cause(idp):
    idp.mode = "500"
    with remote(idp, headers={"Authorization": "Bearer s3cret-value"}) as keys:
        with pytest.raises(KeySetUnavailableError) as info:
            keys.wait_ready()
        message = str(info.value)
        assert idp.jwks_url in message and "HTTP 500" in message
        assert "s3cret" not in message
    idp.mode = "garbage"
    with remote(idp) as keys:
        with pytest.raises(KeySetUnavailableError, match="not JSON"):
            keys.wait_ready()
    idp.mode = "huge"
    with remote(idp) as keys:
        with pytest.raises(KeySetUnavailableError, match="larger than"):
            keys.wait_ready()
    idp.mode = "empty"
    with remote(idp) as keys:
        with pytest.raises(KeySetUnavailableError, match="did not contain any keys"):
            keys.wait_ready()


def test_no_key_set_ever_is_a_distinct_error_and_no_fetch_storm(idp):
    idp.mode = "500"
    with verifier_on(idp, remote(idp, min_backoff=0.5, max_backoff=0.5)) as verifier:
        token = idp.sign("k1")
        with pytest.raises(KeySetUnavailableError) as info:
            verifier.decode(token)
        assert not isinstance(info.value, turbojwt.InvalidTokenError)
        for _ in range(200):  # in back-off: answered at once, no fetch per request
            with pytest.raises(KeySetUnavailableError):
                verifier.decode(token)
        assert idp.jwks_fetches <= 2
        idp.mode = "ok"  # the IdP recovers: the next retry brings the set
        wait_for(lambda: verifier.key_set.generation is not None)
        assert verifier.decode(token)


def test_a_set_stale_past_max_stale_stops_verifying(idp):
    with verifier_on(idp, remote(idp, min_max_age=0.2, max_max_age=0.2, max_stale=0.3)) as verifier:
        token = idp.sign("k1")
        verifier.decode(token)
        idp.mode = "500"
        wait_for(lambda: verifier.key_set.generation is None, timeout=3)
        with pytest.raises(KeySetUnavailableError, match="HTTP 500"):
            verifier.decode(token)


def test_a_slow_idp_is_bounded_by_the_timeout(idp):
    idp.delay = 2.0
    with verifier_on(idp, remote(idp, timeout=0.5)) as verifier:
        started = time.monotonic()
        # The fetch times out after 0.5 s, the caller stops waiting after 0.5 s: either may say so first.
        with pytest.raises(KeySetUnavailableError, match="timed out|still fetching"):
            verifier.decode(idp.sign("k1"))
        assert time.monotonic() - started < 1.8  # the IdP would take 2 s


def test_known_kids_never_wait_for_a_slow_refetch(idp):
    with verifier_on(idp, remote(idp)) as verifier:
        token = idp.sign("k1")
        verifier.decode(token)
        idp.delay = 2.0
        idp.publish("k2")
        waiter = threading.Thread(target=verifier.decode, args=(idp.sign("k2"),))
        waiter.start()
        wait_for(lambda: idp.jwks_fetches == 2)  # the refetch is in flight, sleeping 2 s
        started = time.monotonic()
        for _ in range(20):
            verifier.decode(token)
        assert time.monotonic() - started < 1.0  # the refetch takes 2 s
        waiter.join()


def test_the_event_loop_never_stalls_while_the_idp_sleeps(idp):
    async def scenario():
        with verifier_on(idp, remote(idp)) as verifier:
            await verifier.decode_async(idp.sign("k1"))
            idp.delay = 2.0
            idp.publish("k2")
            gaps = []

            async def ticker():
                last = time.monotonic()
                while True:
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    gaps.append(now - last)
                    last = now

            tick = asyncio.create_task(ticker())
            started = time.monotonic()
            claims = await verifier.decode_async(idp.sign("k2", sub="new"))  # awaits the 2 s refetch
            waited = time.monotonic() - started
            tick.cancel()
            return claims, waited, gaps

    claims, waited, gaps = asyncio.run(scenario())
    assert claims["sub"] == "new"
    assert waited >= 1.9
    assert len(gaps) > 50
    # A blocked loop would show one gap of 2 s; the bound leaves room for a busy machine.
    assert max(gaps) < 1.0, f"the loop stalled for {max(gaps):.3f} s"


# ------------------------------------------------------------------ discovery


def test_discovery_finds_the_jwks_uri(idp):
    keys = RemoteJWKSet.from_issuer(idp.issuer, **FAST)
    with Verifier(keys, algorithms=["RS256"], audience="api", issuer=idp.issuer) as verifier:
        assert verifier.decode(idp.sign("k1"))
        assert keys.url == idp.jwks_url
        assert idp.discovery_fetches == 1


def test_discovery_refuses_a_document_for_another_issuer(idp):
    idp.discovery_issuer = "https://evil.example"
    with RemoteJWKSet.from_issuer(idp.issuer, **FAST) as keys:
        with pytest.raises(KeySetUnavailableError, match="evil.example"):
            keys.wait_ready()
        assert keys.url is None
        assert idp.jwks_fetches == 0


def test_discovery_refuses_a_plain_http_jwks_uri_on_another_host(idp):
    idp.discovery_jwks_uri = "http://keys.example/jwks"
    with RemoteJWKSet.from_issuer(idp.issuer, **FAST) as keys:
        with pytest.raises(KeySetUnavailableError, match="jwks_uri refused.*plain http"):
            keys.wait_ready()
        assert keys.url is None


# ------------------------------------------------------------------ client safety


def test_no_cache_answers_do_not_make_the_thread_refetch_in_a_loop(idp):
    idp.max_age = 0  # "max-age=0": the set is stale at once; min_max_age bounds the refresh rate
    with remote(idp, min_max_age=0.2, max_max_age=1.0) as keys:
        keys.wait_ready()
        time.sleep(1.0)
    assert 3 <= idp.jwks_fetches <= 7
    with pytest.raises(ValueError, match="min_max_age"):
        RemoteJWKSet(idp.jwks_url, min_max_age=0)


@pytest.mark.parametrize("url", ["http://idp.example/jwks", "file:///etc/passwd", "ftp://x/y", "jwks"])
def test_only_https_or_loopback_http_urls(url):
    with pytest.raises(ValueError):
        RemoteJWKSet(url)


def test_redirects_are_followed_to_the_same_origin_only(idp):
    with RemoteJWKSet(idp.issuer + "/moved", **FAST) as keys:
        assert keys.wait_ready().number == 1
    with RemoteJWKSet(idp.issuer + "/moved-away", **FAST) as keys:
        with pytest.raises(KeySetUnavailableError, match="another origin"):
            keys.wait_ready()
    assert idp.jwks_fetches == 1  # the refused redirect was not followed


def test_https_checks_the_certificate(tmp_path):
    pytest.importorskip("cryptography")
    import datetime
    import http.server
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/jwks"
        with RemoteJWKSet(url, **FAST) as keys:  # the system's CA store: a self-signed cert fails
            with pytest.raises(KeySetUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
                keys.wait_ready()
            assert url in keys.last_error
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ lifetime


def test_close_stops_the_thread_and_async_close_too(idp):
    keys = remote(idp)
    keys.wait_ready()
    keys.close()
    assert not keys._thread.is_alive()
    keys.close()  # idempotent

    async def scenario():
        async with remote(idp) as other:
            await other.wait_ready_async()
        return other

    other = asyncio.run(scenario())
    assert not other._thread.is_alive()


def test_after_close_the_set_in_memory_verifies_and_nothing_is_fetched(idp):
    verifier = verifier_on(idp, remote(idp))
    token = idp.sign("k1")
    verifier.decode(token)
    verifier.close()
    assert verifier.decode(token)["aud"] == "api"
    idp.publish("k2")
    with pytest.raises(UnknownKeyError):
        verifier.decode(idp.sign("k2"))
    assert idp.jwks_fetches == 1
    idp.mode = "500"
    with remote(idp) as never:
        pass
    with pytest.raises(KeySetUnavailableError, match="closed"):
        never.wait_ready()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_fetches_with_its_own_thread(idp):
    # A pre-forking server (gunicorn --preload) makes the key set in the parent:
    # the child must still fetch a new kid, with a thread of its own.
    script = textwrap.dedent("""
        import os, sys, warnings, turbojwt
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads running
        url, issuer, old, new = sys.argv[1:]
        keys = turbojwt.RemoteJWKSet(url, timeout=3.0, cooldown=0.5)
        verifier = turbojwt.Verifier(keys, algorithms=["RS256"], audience="api", issuer=issuer)
        verifier.decode(old)
        print("published", flush=True)
        sys.stdin.readline()                      # the test publishes the new key meanwhile
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if verifier.decode(new)["sub"] == "child" else 2)
            except Exception as e:
                print("child:", type(e).__name__, e, flush=True)
                os._exit(1)
        print("child exit", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
    """)
    idp.publish("k2")
    new = idp.sign("k2", sub="child")
    idp.unpublish("k2")  # not yet: the parent's set must lack it
    child = subprocess.Popen([sys.executable, "-c", script, idp.jwks_url, idp.issuer, idp.sign("k1"), new],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent)
    try:
        assert child.stdout.readline().strip() == "published"
        idp.publish("k2")
        out, _ = child.communicate("go\n", timeout=30)
    finally:
        child.kill()
    assert "child exit 0" in out, out
    assert idp.jwks_fetches == 2  # the parent's first fetch, then the child's for the new kid


def test_a_process_exits_promptly_with_the_refresher_mid_fetch(idp):
    idp.delay = 10.0  # the refresher is blocked in a fetch when the interpreter exits
    script = textwrap.dedent(f"""
        import time, turbojwt
        keys = turbojwt.RemoteJWKSet({idp.jwks_url!r}, timeout=30)
        verifier = turbojwt.Verifier(keys, algorithms=["RS256"])
        time.sleep(0.3)
        print("exiting", flush=True)
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=20,
                          cwd=Path(__file__).parent, env=os.environ.copy())
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "exiting" in done.stdout
    assert elapsed < 8.0  # not held by the 10 s fetch nor the 30 s timeout (startup takes ~0.5 s)
