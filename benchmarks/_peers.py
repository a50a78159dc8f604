"""The other JWT libraries, as contenders: how each one decodes (signature + exp + aud + iss) and signs.

Every peer is called the way its documentation shows, with whatever it can prepare
once (a key object, a claims registry) prepared once, as a careful user would.
A peer that is not installed comes back as a skipped Contender ("skipped (not
installed)"), one that cannot do an algorithm as "skipped (unsupported: ...)":
never silently dropped.
"""

from __future__ import annotations

import base64
import importlib
import json
import warnings
from dataclasses import dataclass
from typing import Any, Callable

AUDIENCE = "https://api.example.com"
ISSUER = "https://auth.example.com/"


@dataclass
class Contender:
    key: str                                  # short id, used by the bars and the JSON
    label: str                                # what the table shows
    call: Callable[[Any], Any] | None = None  # decode: token -> claims; encode: claims -> token; None: skipped
    rejects: type[BaseException] = Exception  # the library's base class for a rejected token
    skipped: str = ""


class Unsupported(Exception):
    """A peer library is installed but cannot do this algorithm (or this key)."""


@dataclass
class Keys:
    """One algorithm's key in every form the peers take. HMAC: `secret`. Public-key algorithms:
    the cryptography objects and their PEM texts (SubjectPublicKeyInfo, PKCS#8)."""
    alg: str
    secret: bytes | None = None
    private: Any = None
    public: Any = None
    public_pem: str | None = None
    private_pem: str | None = None

    @property
    def hmac(self) -> bool:
        return self.secret is not None


def peer(key: str, label: str, module: str, make_call: Callable[[Any], Any],
         rejects: Callable[[Any], type[BaseException]] = lambda lib: getattr(lib, "InvalidTokenError", Exception),
         ) -> Contender:
    """A contender from another library: skipped (and said so) when `module` cannot be imported, or
    when make_call raises Unsupported. make_call(module) returns the call, or (call, label)."""
    try:
        lib = importlib.import_module(module)
    except ImportError:
        return Contender(key, label, skipped="skipped (not installed)")
    try:
        made = make_call(lib)
    except Unsupported as exc:
        return Contender(key, label, skipped=f"skipped (unsupported{': ' + str(exc) if str(exc) else ''})")
    call, label = made if isinstance(made, tuple) else (made, label)
    return Contender(key, label, call, rejects(lib))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# ------------------------------------------------------------------ PyJWT and ryjwt

def pyjwt_decoders(keys: Keys) -> list[Contender]:
    alg = keys.alg
    if keys.hmac:
        secret = keys.secret
        return [peer("pyjwt", "PyJWT jwt.decode", "jwt", lambda jwt: lambda t: jwt.decode(
            t, secret, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER))]
    public, pem = keys.public, keys.public_pem
    return [
        peer("pyjwt", "PyJWT jwt.decode", "jwt", lambda jwt: lambda t: jwt.decode(
            t, public, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)),
        # PyJWT parses a PEM string again on every call.
        peer("pyjwt_pem", "PyJWT jwt.decode (PEM str)", "jwt", lambda jwt: lambda t: jwt.decode(
            t, pem, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)),
    ]


def ryjwt_decoder(keys: Keys) -> Contender:
    """ryjwt (Python 3.12+, Rust): a prepared key that checks exp when present, aud and iss."""
    alg = keys.alg

    def make(ryjwt: Any):
        try:
            if keys.hmac:
                return ryjwt.SecretKey(keys.secret, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER).decode
            # ryjwt's prepared public key takes PEM only.
            return ryjwt.PublicKey(keys.public_pem, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER).decode
        except (ryjwt.InvalidKeyError, ValueError, TypeError) as exc:
            raise Unsupported(str(exc)) from exc
    label = "ryjwt SecretKey.decode" if keys.hmac else "ryjwt PublicKey.decode"
    return peer("ryjwt", label, "ryjwt", make)


# ------------------------------------------------------------------ joserfc

JOSERFC_KEY_CLASSES = {"RS": "RSAKey", "PS": "RSAKey", "ES": "ECKey", "Ed": "OKPKey", "HS": "OctKey"}


def joserfc_key(jwk: Any, keys: Keys, private: bool) -> Any:
    cls = getattr(jwk, JOSERFC_KEY_CLASSES[keys.alg[:2]])
    if keys.hmac:
        return cls.import_key(keys.secret)
    return cls.import_key(keys.private_pem if private else keys.public_pem)


def joserfc_quiet() -> None:
    # joserfc 1.8 warns (SecurityWarning) on every "EdDSA" token: RFC 9864 deprecates the name in favour
    # of "Ed25519". The token is the same for every library, so the warning is silenced, not avoided.
    warnings.filterwarnings("ignore", message=".*EdDSA is deprecated.*")


def joserfc_decoder(keys: Keys) -> Contender:
    """jwt.decode with the imported key, then JWTClaimsRegistry.validate (exp when present, aud, iss)."""
    alg = keys.alg

    def make(_: Any):
        from joserfc import jwk, jwt
        joserfc_quiet()
        key = joserfc_key(jwk, keys, private=False)
        registry = jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER},
                                         aud={"essential": True, "value": AUDIENCE})

        def decode(token: str) -> dict:
            claims = jwt.decode(token, key, algorithms=[alg]).claims
            registry.validate(claims)
            return claims
        return decode
    return peer("joserfc", "joserfc jwt.decode + JWTClaimsRegistry.validate", "joserfc", make,
                rejects=lambda lib: importlib.import_module("joserfc.errors").JoseError)


# ------------------------------------------------------------------ python-jose

def jose_backend(key: Any) -> str:
    """'cryptography backend' for jose.backends.cryptography_backend keys, and so on."""
    return type(key).__module__.rsplit(".", 1)[-1].replace("_backend", "") + " backend"


def jose_key(keys: Keys, private: bool) -> Any:
    """python-jose's key object (jwk.construct, once), or Unsupported: it has no PS* and no EdDSA."""
    from jose import jwk
    from jose.exceptions import JOSEError
    material = keys.secret if keys.hmac else keys.private_pem if private else keys.public_pem
    try:
        return jwk.construct(material, keys.alg)
    except JOSEError as exc:
        raise Unsupported(f"python-jose has no {keys.alg}") from exc


def jose_decoder(keys: Keys) -> Contender:
    alg = keys.alg

    def make(_: Any):
        from jose import jwt
        key = jose_key(keys, private=False)
        return (lambda t: jwt.decode(t, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER),
                f"python-jose jwt.decode ({jose_backend(key)})")
    return peer("python_jose", "python-jose jwt.decode", "jose", make,
                rejects=lambda lib: importlib.import_module("jose.exceptions").JOSEError)


# ------------------------------------------------------------------ jwcrypto

def jwcrypto_key(keys: Keys, private: bool) -> Any:
    from jwcrypto import jwk
    if keys.hmac:
        return jwk.JWK(kty="oct", k=b64url(keys.secret))
    return jwk.JWK.from_pem((keys.private_pem if private else keys.public_pem).encode())


def jwcrypto_decoder(keys: Keys) -> Contender:
    """jwt.JWT(jwt=token, key=JWK, algs=[alg], check_claims={exp, aud, iss}); claims parsed with json."""
    alg = keys.alg

    def make(_: Any):
        from jwcrypto import jwt
        key = jwcrypto_key(keys, private=False)
        checks = {"exp": None, "aud": AUDIENCE, "iss": ISSUER}
        return lambda t: json.loads(jwt.JWT(jwt=t, key=key, algs=[alg], check_claims=checks).claims)
    return peer("jwcrypto", "jwcrypto jwt.JWT(check_claims)", "jwcrypto", make,
                rejects=lambda lib: importlib.import_module("jwcrypto.common").JWException)


def decode_peers(keys: Keys) -> list[Contender]:
    """Every peer's decode, in the order the tables show them."""
    return [*pyjwt_decoders(keys), ryjwt_decoder(keys), joserfc_decoder(keys), jose_decoder(keys),
            jwcrypto_decoder(keys)]


# ------------------------------------------------------------------ encode (sign)

def encode_peers(keys: Keys) -> list[Contender]:
    """Every peer's encode: claims -> compact token (str), with the same key and algorithm."""
    alg = keys.alg
    signing_key = keys.secret if keys.hmac else keys.private

    def pyjwt(jwt: Any):
        return lambda claims: jwt.encode(claims, signing_key, algorithm=alg)

    def ryjwt(lib: Any):
        try:
            key = (lib.SecretKey(keys.secret, algorithms=[alg]) if keys.hmac
                   else lib.PrivateKey(keys.private_pem, algorithms=[alg]))
        except (lib.InvalidKeyError, ValueError, TypeError) as exc:
            raise Unsupported(str(exc)) from exc
        return key.encode

    def joserfc(_: Any):
        from joserfc import jwk, jwt
        joserfc_quiet()
        key = joserfc_key(jwk, keys, private=True)
        header = {"alg": alg}
        return lambda claims: jwt.encode(header, claims, key, algorithms=[alg])

    def jose(_: Any):
        from jose import jwt
        key = jose_key(keys, private=True)
        return (lambda claims: jwt.encode(claims, key, algorithm=alg),
                f"python-jose jwt.encode ({jose_backend(key)})")

    def jwcrypto(_: Any):
        from jwcrypto import jwt
        key = jwcrypto_key(keys, private=True)
        header = {"alg": alg, "typ": "JWT"}

        def encode(claims: dict) -> str:
            token = jwt.JWT(header=header, claims=claims)
            token.make_signed_token(key)
            return token.serialize()
        return encode

    return [
        peer("pyjwt", "PyJWT jwt.encode", "jwt", pyjwt),
        peer("ryjwt", "ryjwt SecretKey.encode" if keys.hmac else "ryjwt PrivateKey.encode", "ryjwt", ryjwt),
        peer("joserfc", "joserfc jwt.encode", "joserfc", joserfc),
        peer("python_jose", "python-jose jwt.encode", "jose", jose),
        peer("jwcrypto", "jwcrypto JWT.make_signed_token + serialize", "jwcrypto", jwcrypto),
    ]
