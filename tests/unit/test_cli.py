"""The turbojwt command line (turbojwt.cli): verify, decode and bench.

Most tests run ``cli.main([...])`` in this process and read what it wrote
with capsys; a few run ``python -m turbojwt`` as a subprocess (stdin, a pipe
that stays open, a terminal for the progress line, the console entry point).
The example data comes from examples/ (see examples/README.md); other tokens
are made here with turbojwt.encode.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import io
import json
import os
import select
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

import pytest

import turbojwt
from turbojwt import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AUDIENCE = "https://api.example.com"
ISSUER = "https://auth.example.com"
SECRET = "cli-test-secret-0123456789abcdef-0123456789"
FAR = 4102444800            # 2100-01-01
PAST = 1577836800           # 2020-01-01
LOG_ARGS = [str(EXAMPLES / "tokens.log"), "--jwks", str(EXAMPLES / "jwks.json"), "--extract", "bearer",
            "--audience", AUDIENCE, "--issuer", ISSUER]


def hs256(claims: dict | None = None, secret: str = SECRET, **headers) -> str:
    base = {"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "exp": FAR}
    base.update(claims or {})
    base = {k: v for k, v in base.items() if v is not None}
    return turbojwt.encode(base, secret, algorithm="HS256", headers=headers or None)


def _not_json(name: str):
    raise AssertionError(f"{name} in the output: not JSON (RFC 8259)")


def strict_json(text: str):
    """json.loads, but failing on NaN, Infinity and -Infinity, which json.loads reads and JSON lacks."""
    return json.loads(text, parse_constant=_not_json)


def hs256_raw(payload: bytes, secret: str = SECRET) -> str:
    """An HS256 token over payload bytes as they are (JSON that json.dumps would not write)."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(payload)
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(mac)


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    """main(argv) in this process: exit status, stdout as JSON lines (strict JSON each), stderr."""
    rc = cli.main(list(argv))
    captured = capsys.readouterr()
    return rc, [strict_json(line) for line in captured.out.splitlines()], captured.err


def write_lines(tmp_path: Path, lines: list[bytes | str], name: str = "tokens.txt") -> str:
    path = tmp_path / name
    path.write_bytes(b"".join((x.encode() if isinstance(x, str) else x) + b"\n" for x in lines))
    return str(path)


def hs_verify(path: str, *extra: str) -> list[str]:
    return ["verify", path, "--secret", SECRET, "--algorithms", "HS256", "--audience", AUDIENCE, *extra]


def subprocess_env() -> dict[str, str]:
    """The environment for ``python -m turbojwt``: import the same turbojwt as this process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(turbojwt.__file__).resolve().parent.parent)
    return env


def run_module(*argv: str, input: bytes | None = None, **kwargs) -> subprocess.CompletedProcess:  # noqa: A002 - subprocess.run's name
    return subprocess.run([sys.executable, "-m", "turbojwt", *argv], input=input, capture_output=True,
                          env=subprocess_env(), cwd=str(ROOT), timeout=60, **kwargs)


def expected_log_reasons() -> list[str]:
    return (EXAMPLES / "tokens_log_expected.txt").read_text().split()


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


# ------------------------------------------------------------------ the example data

def test_example_log_gives_the_expected_reason_on_every_line(capsys):
    rc, rows, err = run(capsys, "verify", *LOG_ARGS, "--claims", "sub,exp", "--summary-json")
    summary = rows.pop()["summary"]
    expected = expected_log_reasons()
    assert [r["line"] for r in rows] == list(range(1, len(expected) + 1))
    assert [r["reason"] for r in rows] == expected
    assert rc == 1                                  # the log holds invalid tokens on purpose
    for row in rows:
        assert row["valid"] == (row["reason"] == "ok")
        if row["valid"]:
            assert set(row) == {"line", "valid", "reason", "claims"}
            assert row["claims"]["sub"].startswith("user-") and row["claims"]["exp"] == FAR
        else:
            assert set(row) == {"line", "valid", "reason", "error"} and row["error"]
    # Every kind the example promises is there, and the summary adds up.
    counts = Counter(expected)
    assert {"ok", "ExpiredSignatureError", "ImmatureSignatureError", "InvalidSignatureError",
            "InvalidAudienceError", "UnknownKeyError", "DecodeError"} <= set(counts)
    assert summary["reasons"] == dict(counts)
    assert summary["total"] == len(expected) == summary["valid"] + summary["invalid"]
    assert summary["valid"] == counts["ok"] and summary["tokens_per_second"] > 0
    assert summary["no_token"] > 0 and summary["blank"] == 0 and summary["too_long"] == 0
    assert f"{len(expected):,} lines" in err and "ExpiredSignatureError" in err


def test_example_log_has_all_three_line_styles():
    text = (EXAMPLES / "tokens.log").read_text()
    lines = text.splitlines()
    assert len(lines) >= 1000
    assert any(line.startswith("Authorization: Bearer ") for line in lines)
    assert any(line.startswith("eyJ") for line in lines)
    assert any('"GET ' in line and "Bearer " in line for line in lines)
    assert any('"GET /healthz' in line for line in lines)
    keys = json.loads((EXAMPLES / "jwks.json").read_text())["keys"]
    assert {k["alg"] for k in keys} == {"RS256", "ES256"} and all(k.get("kid") for k in keys)
    assert all("d" not in k for k in keys)          # public keys only


def test_example_hs256_tokens_with_a_secret_file(capsys):
    expected = (EXAMPLES / "tokens_expected.txt").read_text().splitlines()
    rc, rows, _ = run(capsys, "verify", str(EXAMPLES / "tokens.txt"),
                      "--secret-file", str(EXAMPLES / "hs256_secret.txt"), "--algorithms", "HS256",
                      "--audience", AUDIENCE, "--issuer", ISSUER, "--claims", "sub")
    got = [f"valid {r['claims']['sub']}" if r["valid"] else r["reason"] for r in rows]
    assert got == expected and rc == 1


def test_check_log_results_script_agrees(tmp_path, capsys):
    cli.main(["verify", *LOG_ARGS, "--summary-json"])
    results = tmp_path / "results.jsonl"
    results.write_text(capsys.readouterr().out)
    proc = subprocess.run([sys.executable, str(EXAMPLES / "check_log_results.py"), str(results)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "all 2000 results as expected" in proc.stdout


# ------------------------------------------------------------------ options

def test_all_valid_exits_0_and_claims_are_copied(tmp_path, capsys):
    path = write_lines(tmp_path, [hs256({"sub": f"user-{i}", "n": i, "roles": ["a", "é"]})
                                  for i in range(50)])
    rc, rows, err = run(capsys, *hs_verify(path, "--claims", "sub,n,roles,missing"))
    assert rc == 0
    assert [r["claims"] for r in rows] == [{"sub": f"user-{i}", "n": i, "roles": ["a", "é"]}
                                           for i in range(50)]
    assert "50 valid, 0 invalid" in err


def test_claims_output_is_exactly_json_dumps(tmp_path, capsys):
    path = write_lines(tmp_path, [hs256({"sub": 'quo"te\\ \u2028 \U0001f600', "big": 2**70, "f": 1.5,
                                         "t": True, "z": None, "o": {"k": [1]}})])
    cli.main(hs_verify(path, "--claims", "sub,big,f,t,z,o"))
    line = capsys.readouterr().out
    assert line == json.dumps(json.loads(line)) + "\n"


def test_secret_inline_and_wrong_secret(tmp_path, capsys):
    path = write_lines(tmp_path, [hs256(), hs256(secret="another-secret-of-enough-length-0123456789")])
    rc, rows, _ = run(capsys, *hs_verify(path))
    assert rc == 1 and [r["reason"] for r in rows] == ["ok", "InvalidSignatureError"]


def test_audience_issuer_leeway_require(tmp_path, capsys):
    now = int(time.time())
    path = write_lines(tmp_path, [
        hs256(),
        hs256({"aud": "https://admin.example.com"}),
        hs256({"iss": "https://evil.example.com"}),
        hs256({"exp": now - 30}),
        hs256({"nbf": now + 30}),
        hs256({"sub": None}),
    ])
    base = ["verify", path, "--secret", SECRET, "--algorithms", "HS256"]
    _, rows, _ = run(capsys, *base, "--audience", AUDIENCE, "--issuer", ISSUER)
    assert [r["reason"] for r in rows] == ["ok", "InvalidAudienceError", "InvalidIssuerError",
                                           "ExpiredSignatureError", "ImmatureSignatureError", "ok"]
    # Several accepted audiences and issuers; a leeway that covers the clock skew; a required claim.
    _, rows, _ = run(capsys, *base, "--audience", AUDIENCE, "--audience", "https://admin.example.com",
                     "--issuer", ISSUER, "--issuer", "https://evil.example.com", "--leeway", "120",
                     "--require", "sub,exp")
    assert [r["reason"] for r in rows] == ["ok"] * 5 + ["MissingRequiredClaimError"]


def test_algorithms_allow_list(tmp_path, capsys):
    secret = SECRET * 2                                  # 64 bytes and more: enough for HS512
    token = turbojwt.encode({"sub": "a"}, secret, algorithm="HS512")
    path = write_lines(tmp_path, [token])
    _, rows, _ = run(capsys, "verify", path, "--secret", secret, "--algorithms", "HS256")
    assert rows[0]["reason"] == "InvalidAlgorithmError"
    rc, rows, _ = run(capsys, "verify", path, "--secret", secret, "--algorithms", "HS256, HS512")
    assert rc == 0 and rows[0]["valid"]


def test_warnings_are_one_line_messages(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        token = turbojwt.encode({"sub": "a"}, "short-secret", algorithm="HS256")
    path = write_lines(tmp_path, [token])
    rc, rows, err = run(capsys, "verify", path, "--secret", "short-secret", "--algorithms", "HS256")
    assert rc == 0 and rows[0]["valid"]
    assert "turbojwt verify: warning: " in err and "InsecureKeyLengthWarning" in err
    assert "decoded = " not in err                     # no source line of the warning's location


@pytest.fixture(scope="module")
def ec_material(tmp_path_factory):
    """An ES256 key in every file format --key reads, and tokens signed with it."""
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pub = key.public_key()
    d = tmp_path_factory.mktemp("keys")
    numbers = pub.public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()

    jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y), "kid": "k1", "alg": "ES256"}
    files = {
        "pem": pub.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo),
        "der": pub.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo),
        "ssh": pub.public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH) + b"\n",
        "private.pem": key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()),
        "jwk.json": json.dumps(jwk).encode(),
        "jwks.json": json.dumps({"keys": [jwk]}).encode(),
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    pem = files["private.pem"]
    tokens = [turbojwt.encode({"sub": f"ec-{i}", "aud": AUDIENCE, "exp": FAR}, pem, algorithm="ES256",
                              headers={"kid": "k1"}) for i in range(3)]
    tokens.append(turbojwt.encode({"sub": "x", "aud": AUDIENCE, "exp": PAST}, pem, algorithm="ES256",
                                  headers={"kid": "k1"}))
    (d / "tokens.txt").write_text("".join(t + "\n" for t in tokens))
    return d


@pytest.mark.parametrize("name,algs", [("pem", True), ("der", True), ("ssh", True), ("private.pem", True),
                                       ("jwk.json", False), ("jwk.json", True), ("jwks.json", False)])
def test_key_file_formats(ec_material, capsys, name, algs):
    argv = ["verify", str(ec_material / "tokens.txt"), "--key", str(ec_material / name), "--audience", AUDIENCE]
    if algs:
        argv += ["--algorithms", "ES256"]
    rc, rows, err = run(capsys, *argv, "--claims", "sub")
    assert [r["reason"] for r in rows] == ["ok", "ok", "ok", "ExpiredSignatureError"], err
    assert rows[0]["claims"] == {"sub": "ec-0"} and rc == 1


def test_jwks_file_without_algorithms_takes_them_from_the_set(ec_material, capsys):
    rc, rows, _ = run(capsys, "verify", str(ec_material / "tokens.txt"), "--jwks",
                      str(ec_material / "jwks.json"), "--audience", AUDIENCE)
    assert [r["valid"] for r in rows] == [True, True, True, False]


class _JWKSHandler(http.server.BaseHTTPRequestHandler):
    body = (EXAMPLES / "jwks.json").read_bytes()

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path != "/.well-known/jwks.json":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def jwks_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _JWKSHandler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_jwks_url(jwks_server, capsys, monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    args = list(LOG_ARGS)
    args[2] = jwks_server + "/.well-known/jwks.json"
    rc, rows, _ = run(capsys, "verify", *args, "--timeout", "5")
    assert [r["reason"] for r in rows] == expected_log_reasons() and rc == 1
    rc, rows, err = run(capsys, "verify", *LOG_ARGS[:1], "--jwks", jwks_server + "/missing.json", "--timeout", "5")
    assert rc == 2 and rows == [] and "cannot get the JWK set" in err and "404" in err
    no_traceback(err)


def test_unreachable_jwks_url_is_a_usage_error(capsys, monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    server = http.server.HTTPServer(("127.0.0.1", 0), _JWKSHandler)
    port = server.server_address[1]
    server.server_close()                      # nothing listens there any more
    rc, rows, err = run(capsys, "verify", *LOG_ARGS[:1], "--jwks", f"http://127.0.0.1:{port}/jwks.json",
                        "--timeout", "5")
    assert rc == 2 and rows == [] and "cannot get the JWK set" in err
    no_traceback(err)


def test_extract_bearer(tmp_path, capsys):
    tok = hs256()
    lines = [
        f"Authorization: Bearer {tok}",
        f'203.0.113.9 - - [01/Jan/2024:00:00:00 +0000] "GET /x HTTP/1.1" 200 5 "-" "curl" "Bearer {tok}"',
        f"authorization: bearer {tok}",                    # the scheme is case-insensitive
        f"x-forwarded-for: 1.2.3.4, Authorization: BEARER {tok}, Bearer first-wins-not",
        tok,                                               # a bare token line
        f"  {tok}  ",
        '203.0.113.9 - - [01/Jan/2024:00:00:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "probe" "-"',
        "Authorization: Basic dXNlcjpwYXNz",
        "Authorization: Bearer",
        "   ",
        "garbage-word",
        f"Bearer {tok[:-4]}AAAA",
    ]
    rc, rows, err = run(capsys, *hs_verify(write_lines(tmp_path, lines), "--extract", "bearer",
                                           "--summary-json"))
    summary = rows.pop()["summary"]
    assert [r["reason"] for r in rows] == ["ok"] * 6 + ["DecodeError"] * 5 + ["InvalidSignatureError"]
    assert "no 'Bearer <token>'" in rows[6]["error"] and "blank line" in rows[9]["error"]
    assert summary["no_token"] == 3 and summary["blank"] == 1 and rc == 1
    # Without --extract, the header lines are not tokens.
    _, rows, _ = run(capsys, *hs_verify(write_lines(tmp_path, lines)))
    assert [r["reason"] for r in rows][:6] == ["DecodeError"] * 4 + ["ok", "ok"]


# ------------------------------------------------------------------ hostile input

def hostile_lines() -> list[bytes]:
    good = hs256().encode()
    return [
        good,
        b"",                                          # blank
        b" \t \x0b\x0c ",                             # whitespace only
        bytes(range(256)).replace(b"\n", b""),        # binary garbage, NUL included
        b"\xff\xfe\xfd" + good,                       # not UTF-8
        good[:10] + b"\xc3\x28" + good[12:],          # invalid UTF-8 inside a token
        b"A" * (1536 * 1024),                         # longer than the Verifier's token limit
        b"B" * (cli.MAX_LINE + 5),                    # longer than a line may be
        b"." * 5000,
        b"eyJ" * 40000,
        good + b"\r",                                 # CRLF line end
        good.replace(b".", b"\x00", 1),
        good,
    ]


def test_hostile_lines_are_reported_one_by_one_and_the_run_goes_on(tmp_path, capsys):
    lines = hostile_lines()
    rc, rows, err = run(capsys, *hs_verify(write_lines(tmp_path, lines), "--summary-json"))
    summary = rows.pop()["summary"]
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))
    reasons = [r["reason"] for r in rows]
    assert reasons[0] == reasons[-3] == reasons[-1] == "ok" and reasons[-2] == "DecodeError"
    assert all(r == "DecodeError" for r in reasons[1:10]), reasons
    assert "blank line" in rows[1]["error"] and "blank line" in rows[2]["error"]
    assert "larger than" in rows[6]["error"]
    assert "longer than" in rows[7]["error"] and summary["too_long"] == 1 and summary["blank"] == 2
    assert all(len(r.get("error", "")) <= 1000 for r in rows)
    assert summary["total"] == len(lines) and summary["valid"] == 3 and rc == 1
    no_traceback(err)


def test_last_line_without_newline_and_a_too_long_last_line(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_bytes(hs256().encode() + b"\n" + hs256().encode())
    rc, rows, _ = run(capsys, *hs_verify(str(path)))
    assert [r["valid"] for r in rows] == [True, True] and rc == 0
    path.write_bytes(hs256().encode() + b"\n" + b"x" * (cli.MAX_LINE + 1))
    rc, rows, _ = run(capsys, *hs_verify(str(path)))
    assert [r["reason"] for r in rows] == ["ok", "DecodeError"] and "longer than" in rows[1]["error"]


def test_empty_input_is_all_valid(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    rc, rows, err = run(capsys, *hs_verify(str(path), "--summary-json"))
    assert rc == 0 and rows == [{"summary": rows[0]["summary"]}] and rows[0]["summary"]["total"] == 0


def test_lines_split_across_reads(tmp_path, capsys, monkeypatch):
    """Small read blocks: lines (and a too-long one) cut at every place come out whole."""
    monkeypatch.setattr(cli, "READ_BLOCK", 7)
    monkeypatch.setattr(cli, "MAX_LINE", 400)
    tokens = [hs256({"sub": "s" * i}) for i in range(0, 120, 7)]
    lines = tokens[:3] + [b"z" * 401, b"", tokens[3].encode() + b"   "] + tokens[4:]
    rc, rows, _ = run(capsys, *hs_verify(write_lines(tmp_path, lines), "--batch-size", "3"))
    want = ["ok"] * 3 + ["DecodeError"] * 2 + ["ok"] * (len(tokens) - 3)
    assert [r["reason"] for r in rows] == want
    assert "longer than 400" in rows[3]["error"]


# ------------------------------------------------------------------ one output, every path

def _python_batch(verifier, tokens):
    """What decode_many returns, computed token by token with Verifier.decode."""
    out = []
    for t in tokens:
        try:
            out.append(verifier.decode(t))
        except Exception as exc:  # noqa: BLE001
            out.append(exc)
    return out


class _PythonBatchVerifier(turbojwt.Verifier):
    """A Verifier whose decode_many / verify_many are written in Python on top of decode."""

    def decode_many(self, tokens, threads=None):
        return _python_batch(self, tokens)

    def verify_many(self, tokens, threads=None):
        return [(True, "ok") if isinstance(r, dict) else (False, type(r).__name__)
                for r in _python_batch(self, tokens)]


@pytest.mark.parametrize("claims", [[], ["--claims", "sub"]])
def test_batch_paths_write_the_same_output(tmp_path, capsys, monkeypatch, claims):
    # Runs of invalid and valid tokens: the verify_many path switches to decode_many and back.
    invalid = [hs256({"exp": PAST}), hs256({"aud": "x"})] * 20
    mixed = write_lines(tmp_path, hostile_lines() + invalid + [hs256()] * 40 + invalid)
    runs = {
        "example log": ["verify", *LOG_ARGS, *claims],
        "hs256 mixed": hs_verify(mixed, *claims),
    }
    for label, argv in runs.items():
        outputs = {}
        for name, verifier_class in {"core": turbojwt.Verifier, "python batch": _PythonBatchVerifier}.items():
            monkeypatch.setattr(cli, "Verifier", verifier_class)
            for extra in ([], ["--threads", "2", "--batch-size", "7"]):
                rc = cli.main(argv + extra)
                outputs[(name, tuple(extra))] = (rc, capsys.readouterr().out)
        first = next(iter(outputs.values()))
        assert all(out == first for out in outputs.values()), label


def test_light_path_switches_to_decode_many_after_a_mostly_invalid_chunk():
    calls = []

    class Counting(_PythonBatchVerifier):
        def decode_many(self, tokens, threads=None):
            calls.append(("decode_many", len(tokens)))
            return super().decode_many(tokens, threads)

        def verify_many(self, tokens, threads=None):
            calls.append(("verify_many", len(tokens)))
            return super().verify_many(tokens, threads)

    verifier = Counting(SECRET, ["HS256"], audience=AUDIENCE)
    chunk = cli._chunk_verifier(verifier, False, None)
    good, bad = hs256().encode(), hs256({"exp": PAST}).encode()
    first = chunk([good, good, bad])                   # mostly valid: verify_many, then the invalid one
    second = chunk([bad, bad, good])                   # still on verify_many; mostly invalid
    third = chunk([bad, good, good])                   # straight to decode_many; mostly valid
    fourth = chunk([good, good, good])                 # back on verify_many
    assert calls == [("verify_many", 3), ("decode_many", 1), ("verify_many", 3), ("decode_many", 2),
                     ("decode_many", 3), ("verify_many", 3)]
    assert [type(r).__name__ for r in first + second + third + fourth] == (
        ["dict", "dict", "ExpiredSignatureError", "ExpiredSignatureError", "ExpiredSignatureError", "dict",
         "ExpiredSignatureError", "dict", "dict", "dict", "dict", "dict"])


def test_threads_and_batch_size(tmp_path, capsys):
    path = write_lines(tmp_path, [hs256({"sub": str(i)}) if i % 3 else hs256({"exp": PAST}) for i in range(100)])
    outs = set()
    for extra in ([], ["--threads", "1"], ["--threads", "2"], ["--batch-size", "1"], ["--batch-size", "33"]):
        rc = cli.main(hs_verify(path, "--claims", "sub", *extra))
        outs.add((rc, capsys.readouterr().out))
    assert len(outs) == 1
    rc, _, err = run(capsys, *hs_verify(path, "--threads", "0"))
    assert rc == 2 and "at least 1" in err


# ------------------------------------------------------------------ exit codes and usage errors

@pytest.mark.parametrize("argv,message", [
    (["verify", "-", "--algorithms", "HS256"], "one of the arguments"),
    (["verify", "-", "--secret", SECRET], "--algorithms is required"),
    (["verify", "-", "--secret", SECRET, "--algorithms", "HS257"], "unknown algorithm"),
    (["verify", "-", "--secret", SECRET, "--algorithms", "none"], "never accepted"),
    (["verify", "-", "--secret", SECRET, "--algorithms", "RS256"], "cannot verify RS256"),
    (["verify", "-", "--secret", "", "--algorithms", "HS256"], "HMAC secret cannot be used"),
    (["verify", "-", "--secret", SECRET, "--key", "k.pem", "--algorithms", "HS256"], "not allowed with"),
    (["verify", "/nonexistent/tokens.txt", "--secret", SECRET, "--algorithms", "HS256"], "cannot read"),
    (["verify", "-", "--secret-file", "/nonexistent/secret", "--algorithms", "HS256"], "cannot read the secret"),
    (["verify", "-", "--key", "/nonexistent/key.pem", "--algorithms", "RS256"], "cannot read the key file"),
    (["verify", "-", "--jwks", "/nonexistent/jwks.json"], "cannot read the JWK set"),
    (["verify", "-", "--leeway", "soon", "--secret", SECRET], "invalid float"),
    # NaN or an infinity would turn the exp/nbf/iat checks off; a timeout that is not a
    # positive, finite number of seconds makes the socket raise (it was a traceback, exit 1).
    (["verify", "-", "--leeway", "nan", "--secret", SECRET, "--algorithms", "HS256"], "finite number"),
    (["verify", "-", "--leeway", "inf", "--secret", SECRET, "--algorithms", "HS256"], "finite number"),
    (["verify", "-", "--leeway=-Infinity", "--secret", SECRET, "--algorithms", "HS256"], "finite number"),
    (["verify", "-", "--jwks", "http://127.0.0.1:9/k", "--timeout", "-1"], "above 0"),
    (["verify", "-", "--jwks", "http://127.0.0.1:9/k", "--timeout", "0"], "above 0"),
    (["verify", "-", "--jwks", "http://127.0.0.1:9/k", "--timeout", "1e300"], "at most 86400"),
    (["verify", "-", "--jwks", "http://127.0.0.1:9/k", "--timeout", "nan"], "finite number"),
    (["verify", "-", "--jwks", "http://127.0.0.1:9/k", "--timeout", "inf"], "finite number"),
    (["verify", "-", "--extract", "basic", "--secret", SECRET], "invalid choice"),
    (["frobnicate"], "invalid choice"),
    ([], "a command is required"),
])
def test_usage_errors_exit_2_with_a_message(capsys, argv, message):
    rc = cli.main(argv)
    err = capsys.readouterr().err
    assert rc == 2 and message in err, err
    no_traceback(err)


@pytest.mark.parametrize("content,message", [
    (b"not a key at all", "cannot read a public key"),
    (b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "cannot read a public key"),
    (b'{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}', "not a usable JWK"),
    (b'{"keys": []}', "did not contain any keys"),
    (b'{"kty": ', "not valid JSON"),
    (b"\xff" * 10, "cannot read a public key"),
])
def test_bad_key_files_exit_2(tmp_path, capsys, content, message):
    key = tmp_path / "key"
    key.write_bytes(content)
    rc = cli.main(["verify", "-", "--key", str(key), "--algorithms", "ES256"])
    err = capsys.readouterr().err
    assert rc == 2 and message in err, err
    no_traceback(err)


@pytest.mark.parametrize("content,message", [
    (b'{"keys": [{"kty": "RSA"}]}', "usable keys"),
    (b"[1, 2]", "not a JWK set"),
    (b"", "not valid JSON"),
])
def test_bad_jwks_files_exit_2(tmp_path, capsys, content, message):
    jwks = tmp_path / "jwks.json"
    jwks.write_bytes(content)
    rc = cli.main(["verify", "-", "--jwks", str(jwks)])
    err = capsys.readouterr().err
    assert rc == 2 and message.lower() in err.lower(), err


def test_help_and_version(capsys):
    assert cli.main(["--version"]) == 0
    assert turbojwt.__version__ in capsys.readouterr().out
    assert cli.main(["verify", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--secret", "--secret-file", "--key", "--jwks", "--algorithms", "--audience", "--issuer",
                   "--leeway", "--require", "--threads", "--extract", "--claims", "--summary-json"):
        assert option in out


# ------------------------------------------------------------------ stdin, streaming, the terminal

def test_stdin_dash_and_default_in_process(capsys, monkeypatch):
    data = (hs256() + "\n" + hs256({"exp": PAST}) + "\n").encode()
    for argv in (["verify", "-"], ["verify"]):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        rc, rows, _ = run(capsys, *argv, "--secret", SECRET, "--algorithms", "HS256", "--audience", AUDIENCE)
        assert rc == 1 and [r["reason"] for r in rows] == ["ok", "ExpiredSignatureError"]


def test_module_entry_point_reads_stdin_and_keeps_stderr_free_of_progress():
    data = "".join(hs256({"sub": str(i)}) + "\n" for i in range(3000)).encode()
    proc = run_module("verify", "--secret", SECRET, "--algorithms", "HS256", "--audience", AUDIENCE, input=data)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3000
    err = proc.stderr.decode()
    assert "\r" not in err and "\x1b" not in err          # no progress line in a pipe
    assert err.startswith("turbojwt verify: 3,000 lines: 3,000 valid, 0 invalid")


def test_results_stream_before_the_input_ends():
    """With the input still open, the first results are already written."""
    proc = subprocess.Popen([sys.executable, "-m", "turbojwt", "verify", "--secret", SECRET,
                             "--algorithms", "HS256", "--audience", AUDIENCE],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=subprocess_env(), cwd=str(ROOT))
    try:
        proc.stdin.write((hs256() + "\n" + hs256({"exp": PAST}) + "\n").encode())
        proc.stdin.flush()
        got = []
        timer = threading.Timer(20, proc.kill)         # bounded, whatever happens
        timer.start()
        try:
            got = [json.loads(proc.stdout.readline()) for _ in range(2)]
        finally:
            timer.cancel()
        assert [r["reason"] for r in got] == ["ok", "ExpiredSignatureError"]
        proc.stdin.close()
        assert proc.wait(20) == 1
    finally:
        proc.kill()
        proc.wait(5)
        for stream in (proc.stdout, proc.stderr):
            stream.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty behaviour checked on Linux")
def test_progress_line_on_a_terminal_only(tmp_path):
    import pty

    path = write_lines(tmp_path, [hs256()] * 5000)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "turbojwt", *hs_verify(path, "--batch-size", "100")],
                                stdout=subprocess.DEVNULL, stderr=slave, env=subprocess_env(), cwd=str(ROOT))
        os.close(slave)
        slave = -1
        chunks = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                data = os.read(master, 4096)
            except OSError:                            # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(30) == 0
    finally:
        os.close(master)
        if slave != -1:
            os.close(slave)
    err = b"".join(chunks).decode()
    assert "\r" in err and "tokens/s" in err
    assert "5,000 lines: 5,000 valid" in err


# ------------------------------------------------------------------ decode

def test_decode_prints_header_and_claims_marked_not_verified(capsys):
    token = hs256({"sub": "zoë", "iat": 1704067200}, kid="k9")
    rc = cli.main(["decode", token])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert rc == 0 and doc["verified"] is False
    assert doc["header"] == {"alg": "HS256", "kid": "k9", "typ": "JWT"}
    assert doc["claims"]["sub"] == "zoë" and doc["claims"]["exp"] == FAR
    assert doc["dates_utc"] == {"iat": "2024-01-01T00:00:00Z", "exp": "2100-01-01T00:00:00Z"}
    assert "NOT VERIFIED" in captured.err


def test_decode_does_not_check_anything(capsys):
    token = hs256({"exp": PAST, "aud": "elsewhere"}, secret="some-other-secret-0123456789abcdef")
    assert cli.main(["decode", "Authorization: Bearer " + token]) == 0
    assert json.loads(capsys.readouterr().out)["claims"]["exp"] == PAST


@pytest.mark.parametrize("token", ["not-a-token", "a.b", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", "", "\udcff"])
def test_decode_malformed_exits_2(capsys, token):
    rc = cli.main(["decode", token])
    captured = capsys.readouterr()
    assert rc == 2 and captured.out == "" and "error" in captured.err
    no_traceback(captured.err)


def test_decode_from_stdin():
    proc = run_module("decode", "-", input=(hs256() + "\n").encode())
    assert proc.returncode == 0 and json.loads(proc.stdout)["claims"]["sub"] == "alice"
    assert b"NOT VERIFIED" in proc.stderr
    proc = run_module("decode", "-", input=b"\xff\xfe garbage")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr


def test_decode_from_stdin_takes_one_token(capsys, monkeypatch):
    """Two tokens on stdin are a usage error that says so; one Bearer token among other lines
    (a pasted request) is that token."""
    two = f"{hs256()}\n{hs256({'sub': 'bob'})}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(two.encode())))
    assert cli.main(["decode", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "holds 2 lines" in captured.err and "turbojwt verify" in captured.err
    no_traceback(captured.err)

    two_bearers = f"Authorization: Bearer {hs256()}\nAuthorization: Bearer {hs256()}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(two_bearers.encode())))
    assert cli.main(["decode", "-"]) == 2
    assert "holds 2 'Bearer <token>'s" in capsys.readouterr().err

    request = f"GET /api HTTP/1.1\nHost: example.com\nAuthorization: Bearer {hs256({'sub': 'carol'})}\n\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(request.encode())))
    assert cli.main(["decode", "-"]) == 0
    assert strict_json(capsys.readouterr().out)["claims"]["sub"] == "carol"


def test_numbers_past_a_double_are_written_as_json_strings(capsys, tmp_path):
    """1e400 reads as an infinite float, which json.dumps writes as the bare Infinity (not JSON):
    decode and verify --claims write the string "Infinity" instead, and every line parses strictly."""
    token = hs256_raw(b'{"sub":"alice","aud":"https://api.example.com","exp":1e400,'
                      b'"nested":{"low":-1e400,"list":[1.5,1e999]}}')
    assert cli.main(["decode", token]) == 0
    doc = strict_json(capsys.readouterr().out)
    assert doc["claims"]["exp"] == "Infinity" and "exp" not in doc.get("dates_utc", {})
    assert doc["claims"]["nested"] == {"low": "-Infinity", "list": [1.5, "Infinity"]}

    # (A valid token cannot have exp 1e400: exp must be an integer. Another claim can.)
    valid = hs256_raw(b'{"sub":"alice","aud":"https://api.example.com","big":1e400,'
                      b'"nested":{"low":-1e400,"list":[1.5,1e999]}}')
    path = write_lines(tmp_path, [valid, hs256({"big": 2.5})])
    rc, rows, _ = run(capsys, *hs_verify(path, "--claims", "sub,big,nested", "--summary-json"))
    assert rc == 0 and [row["valid"] for row in rows[:2]] == [True, True]
    assert rows[0]["claims"] == {"sub": "alice", "big": "Infinity",
                                 "nested": {"low": "-Infinity", "list": [1.5, "Infinity"]}}
    assert rows[1]["claims"] == {"sub": "alice", "big": 2.5}
    assert rows[2]["summary"]["valid"] == 2



# ------------------------------------------------------------------ bench

def test_bench_without_a_checkout_says_so(tmp_path, capsys):
    rc = cli.main(["bench", "--repo", str(tmp_path), "--quick"])
    err = capsys.readouterr().err
    assert rc == 2 and "needs a checkout" in err and "--repo" in err


def test_bench_runs_compare_py_with_its_arguments(tmp_path, capfd):
    """The arguments reach compare.py as they are (a stand-in script prints them), and its status comes back."""
    bench = tmp_path / "benchmarks"
    bench.mkdir()
    (bench / "compare.py").write_text("import json, sys\nprint(json.dumps(sys.argv[1:]))\nsys.exit(3)\n")
    rc = cli.main(["bench", "--repo", str(tmp_path), "--quick", "--json", "out.json", "--", "--algs", "HS256"])
    assert rc == 3
    assert json.loads(capfd.readouterr().out) == ["--quick", "--json", "out.json", "--algs", "HS256"]
    rc = cli.main(["bench", "--help", f"--repo={tmp_path}", "--", "--repo", "x"])
    assert json.loads(capfd.readouterr().out) == ["--help", "--repo", "x"] and rc == 3
    assert cli.main(["bench", "--repo"]) == 2 and "--repo needs a directory" in capfd.readouterr().err


def test_bench_finds_the_checkouts_compare_py():
    assert cli._find_compare(str(ROOT)) == ROOT / "benchmarks" / "compare.py"
