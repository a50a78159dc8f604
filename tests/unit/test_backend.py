"""The crypto backend of the installed build: which one it is, and that it keeps to itself.

tools/test.sh runs the suite once per backend (CI: the default OpenSSL build and
a TURBOJWT_CRYPTO=aws-lc build in its own virtualenv), so each test here checks
the build that is installed against what that run asked for.

The aws-lc build links aws-lc statically with its symbols hidden: in one process
with Python's ssl/hashlib (the system OpenSSL) and the cryptography package
(its own OpenSSL), each of the three must keep working on its own libcrypto.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import turbojwt
from turbojwt import _core

AWSLC_RUN = os.environ.get("TURBOJWT_CRYPTO") == "aws-lc"


def test_backend_version_names_the_library_this_run_built():
    version = turbojwt.backend_version()
    if AWSLC_RUN:
        assert re.fullmatch(r"aws-lc \d+\.\d+\.\d+", version), version
    else:
        assert re.match(r"OpenSSL 3\.\d+\.\d+", version), version
    assert "backend_version" in turbojwt.__all__


def test_cli_version_shows_the_backend():
    out = subprocess.run([sys.executable, "-m", "turbojwt", "--version"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"turbojwt {turbojwt.__version__} ({turbojwt.backend_version()})"


def _elf_tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} (binutils, installed with gcc) is needed to inspect the extension"
    return path


def test_extension_exports_only_its_init_function():
    """No libcrypto symbol leaks out of the extension (the aws-lc build hides aws-lc's with
    --exclude-libs; the OpenSSL build has none of its own), so no other library can bind to them."""
    out = subprocess.run([_elf_tool("nm"), "-D", "--defined-only", _core.__file__], capture_output=True,
                         text=True, check=True).stdout
    exported = sorted(line.split()[-1] for line in out.splitlines() if line.split()[1:2] in (["T"], ["D"], ["B"]))
    assert exported == [f"PyInit_{_core.__name__.rsplit('.', 1)[-1]}"], exported


def test_libcrypto_dependency_matches_the_backend():
    out = subprocess.run([_elf_tool("readelf"), "-d", _core.__file__], capture_output=True, text=True,
                         check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    has_libcrypto = any(n.startswith("libcrypto") for n in needed)
    assert has_libcrypto is not AWSLC_RUN, needed


SHARED_PROCESS = textwrap.dedent("""
    import hashlib, json, ssl, sys
    import turbojwt                              # first: its libcrypto must not capture anyone else's calls
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.backends.openssl import backend as crypto_backend

    key = ec.generate_private_key(ec.SECP256R1())
    token = turbojwt.encode({"sub": "x"}, key, algorithm="ES256")              # turbojwt signs
    claims = turbojwt.Verifier(key.public_key(), algorithms=["ES256"]).decode(token)
    header, payload, sig = token.split(".")
    raw = turbojwt.utils.base64url_decode(sig)
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.public_key().verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))  # cryptography verifies
    ctx = ssl.create_default_context()                                          # the system OpenSSL's ssl
    print(json.dumps({
        "claims": claims,
        "turbojwt": turbojwt.backend_version(),
        "ssl": ssl.OPENSSL_VERSION,
        "hashlib": hashlib.sha256(b"abc").hexdigest(),
        "ssl_ctx": ctx.protocol.name,
        "cryptography": crypto_backend.openssl_version_text(),
    }))
""")


def test_shares_a_process_with_ssl_hashlib_and_cryptography():
    pytest.importorskip("cryptography", reason="the test extra installs cryptography")
    out = subprocess.run([sys.executable, "-c", SHARED_PROCESS], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json
    import ssl

    got = json.loads(out.stdout)
    assert got["claims"] == {"sub": "x"}
    assert got["turbojwt"] == turbojwt.backend_version()
    # ssl and hashlib still report and use the system OpenSSL, whatever turbojwt carries
    assert got["ssl"] == ssl.OPENSSL_VERSION and got["ssl"].startswith("OpenSSL")
    assert got["hashlib"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert got["cryptography"].startswith("OpenSSL")
    if AWSLC_RUN:
        assert "aws-lc" not in got["ssl"].lower() and "aws-lc" not in got["cryptography"].lower()


# --------------------------------------------------------------------------
# Ed448: the core's own in an OpenSSL build, delegated to cryptography in an
# aws-lc build (aws-lc has no Ed448; src/turbojwt/_ed448.py). Same behaviour.

def _ed448_pair():
    ed448 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed448",
                                reason="the test extra installs cryptography")
    return ed448.Ed448PrivateKey.generate()


@pytest.mark.parametrize("threads", [1, 4])
def test_ed448_signs_verifies_and_refuses_in_every_build(threads):
    from cryptography.hazmat.primitives import serialization as ser

    key = _ed448_pair()
    pem_private = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    pem_public = key.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
    token = turbojwt.encode({"sub": "ed448"}, pem_private, algorithm="EdDSA")
    verifier = turbojwt.Verifier(pem_public, algorithms=["EdDSA"])
    assert verifier.decode(token) == {"sub": "ed448"}
    # the batch path runs the verification on worker threads (the delegate takes the GIL there)
    assert verifier.decode_many([token] * 8, threads=threads) == [{"sub": "ed448"}] * 8
    # cryptography's own verify accepts turbojwt's signature
    head, body, sig = token.split(".")
    key.public_key().verify(turbojwt.utils.base64url_decode(sig), f"{head}.{body}".encode())
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(turbojwt.InvalidSignatureError):
        verifier.decode(tampered)
    with pytest.raises(turbojwt.InvalidSignatureError):  # 113 bytes: the core's length check
        verifier.decode(f"{head}.{body}.{turbojwt.utils.base64url_encode(b'x' * 113).decode()}")
    other = _ed448_pair().public_key()
    with pytest.raises(turbojwt.InvalidSignatureError):
        turbojwt.decode(token, other, algorithms=["EdDSA"])
    with pytest.raises(turbojwt.InvalidAlgorithmError):  # an Ed448 key serves EdDSA only
        turbojwt.decode(token, pem_public, algorithms=["ES512"])


def test_ed448_jwk_in_every_build():
    from cryptography.hazmat.primitives import serialization as ser

    key = _ed448_pair()
    raw = lambda b: turbojwt.utils.base64url_encode(b).decode()  # noqa: E731
    x = key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    d = key.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption())
    private_jwk = turbojwt.PyJWK({"kty": "OKP", "crv": "Ed448", "x": raw(x), "d": raw(d)})
    public_jwk = turbojwt.PyJWK({"kty": "OKP", "crv": "Ed448", "x": raw(x)})
    token = turbojwt.encode({"n": 1}, private_jwk, algorithm="EdDSA")
    assert turbojwt.decode(token, public_jwk, algorithms=["EdDSA"]) == {"n": 1}
    other_x = _ed448_pair().public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    with pytest.raises(turbojwt.InvalidKeyError):  # x is not the public key of d (both builds)
        turbojwt.PyJWK({"kty": "OKP", "crv": "Ed448", "x": raw(other_x), "d": raw(d)})


ED448_PEM = ("-----BEGIN PUBLIC KEY-----\n"
             "MEMwBQYDK2VxAzoAX9dEm1m0Yf0s54fsYWrUah2hNCSFpw4fig6nXYDpZ3jt8SR2\n"
             "m0bHBhvWeD3x5Q9s0foavq/oJWGA\n"
             "-----END PUBLIC KEY-----\n")

WITHOUT_CRYPTOGRAPHY = textwrap.dedent("""
    import sys
    sys.modules["cryptography"] = None          # as if it were not installed
    import turbojwt
    try:
        turbojwt.Verifier(sys.argv[1], algorithms=["EdDSA"]).decode("eyJhbGciOiJFZERTQSJ9.e30." + "A" * 152)
    except turbojwt.InvalidKeyError as exc:
        print("InvalidKeyError:", exc)
    except turbojwt.InvalidSignatureError:
        print("InvalidSignatureError")
""")


def test_ed448_without_cryptography_says_what_to_install():
    out = subprocess.run([sys.executable, "-c", WITHOUT_CRYPTOGRAPHY, ED448_PEM], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    if AWSLC_RUN:
        assert out.stdout.startswith("InvalidKeyError: Ed448 keys need the 'cryptography' package"), out.stdout
        assert "pip install cryptography" in out.stdout
    else:  # OpenSSL has Ed448: the key loads without cryptography, the forged signature fails
        assert out.stdout.strip() == "InvalidSignatureError", out.stdout


# --------------------------------------------------------------------------
# RSA public exponents above 33 bits: aws-lc refuses them by default, OpenSSL
# accepts them (up to 64 bits above 3072-bit moduli). The backends agree on
# OpenSSL's limits (csrc/backend.h), for every public form.

def _large_exponent_key():
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    import math

    base = rsa.generate_private_key(65537, 2048).private_numbers()
    p, q = base.p, base.q
    phi = (p - 1) * (q - 1)
    e = (1 << 40) + 15
    while math.gcd(e, phi) != 1:
        e += 2
    d = pow(e, -1, phi)
    return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                 rsa.RSAPublicNumbers(e, p * q)).private_key()


def _self_signed_pem(key) -> bytes:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "large-e")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def test_rsa_public_exponent_over_33_bits_is_accepted_by_both_backends():
    import jwt as pyjwt
    from cryptography.hazmat.primitives import serialization as ser

    key = _large_exponent_key()
    public = key.public_key()
    assert public.public_numbers().e.bit_length() == 41
    token = pyjwt.encode({"sub": "e41"}, key, algorithm="RS256")
    forms = {
        "SPKI PEM": public.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo),
        "SPKI DER": public.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo),
        "PKCS#1 PEM": public.public_bytes(ser.Encoding.PEM, ser.PublicFormat.PKCS1),
        "certificate": _self_signed_pem(key),
        "JWK": turbojwt.PyJWK.from_json(pyjwt.algorithms.RSAAlgorithm.to_jwk(public), algorithm="RS256"),
    }
    for form, material in forms.items():
        assert turbojwt.decode(token, material, algorithms=["RS256"]) == {"sub": "e41"}, form
        with pytest.raises(turbojwt.InvalidSignatureError):
            turbojwt.decode(token[:-6] + "AAAAAA", material, algorithms=["RS256"])


def test_rsa_private_key_with_a_large_exponent_signs_in_both_backends():
    import jwt as pyjwt
    from cryptography.hazmat.primitives import serialization as ser

    key = _large_exponent_key()
    for fmt in (ser.PrivateFormat.PKCS8, ser.PrivateFormat.TraditionalOpenSSL):
        for encoding in (ser.Encoding.PEM, ser.Encoding.DER):
            material = key.private_bytes(encoding, fmt, ser.NoEncryption())
            token = turbojwt.encode({"sub": "e41"}, material, algorithm="PS256")
            assert pyjwt.decode(token, key.public_key(), algorithms=["PS256"]) == {"sub": "e41"}, (fmt, encoding)
