"""JSON Web Keys (RFC 7517) with PyJWT 2.15's interface: PyJWK and PyJWKSet.

A PyJWK parses and checks its key once (``.key`` is a prepared
:class:`turbojwt.PreparedKey`, usable wherever turbojwt takes a key) and is
bound to one algorithm, as in PyJWT. Beyond PyJWT, a key whose ``use`` is not
``"sig"`` or whose ``key_ops`` lacks ``"verify"`` is refused for verification
(RFC 7517 4.2, 4.3): an encryption key must not verify tokens.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from . import _core
from ._core import prepare_key_material
from ._keyformats import jwk_key_material
from ._policy import SUPPORTED_ALGORITHMS
from .exceptions import InvalidKeyError, PyJWKError, PyJWKSetError, PyJWTError

__all__ = ["PyJWK", "PyJWKSet"]

# A PyJWK binds to a canonical name only (not PyJWT's ES521 alias).
_SUPPORTED_ALGORITHMS = frozenset(SUPPORTED_ALGORITHMS)
_EC_DEFAULT_ALGORITHM = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}


def _default_algorithm(jwk: Mapping[str, Any], kty: Any) -> str:
    """The algorithm PyJWT picks for a JWK without ``alg``: by key type (and curve)."""
    crv = jwk.get("crv")
    if kty == "EC":
        if not crv:
            return "ES256"
        if crv in _EC_DEFAULT_ALGORITHM:
            return _EC_DEFAULT_ALGORITHM[crv]
        raise InvalidKeyError(f"Unsupported crv: {crv}")
    if kty == "RSA":
        return "RS256"
    if kty == "oct":
        return "HS256"
    if kty == "OKP":
        if not crv:
            raise InvalidKeyError(f"crv is not found: {dict(jwk)}")
        if crv in ("Ed25519", "Ed448"):
            return "EdDSA"
        raise InvalidKeyError(f"Unsupported crv: {crv}")
    raise InvalidKeyError(f"Unsupported kty: {kty}")


class PyJWK:
    """One JSON Web Key, parsed and checked once, bound to one algorithm."""

    def __init__(self, jwk_data: Mapping[str, Any], algorithm: str | None = None) -> None:
        """Parse ``jwk_data``; ``algorithm`` overrides the key's ``alg`` (or the default for its type).

        Raises InvalidKeyError for a malformed or unsupported key and PyJWKError
        when no supported algorithm fits it.
        """
        if not isinstance(jwk_data, Mapping):
            raise InvalidKeyError(f"A JWK must be a JSON object, not {type(jwk_data).__name__}")
        self._jwk_data = jwk_data
        kty = jwk_data.get("kty")
        if not kty:
            raise InvalidKeyError(f"kty is not found: {dict(jwk_data)}")
        if not algorithm:
            algorithm = jwk_data.get("alg") or _default_algorithm(jwk_data, kty)
        if algorithm not in _SUPPORTED_ALGORITHMS:
            raise PyJWKError(f"Unable to find an algorithm for key: {dict(jwk_data)}")
        self.algorithm_name: str = algorithm
        # PyJWT's Algorithm object for this key (None for a public-key algorithm
        # without cryptography installed: turbojwt itself does not need it).
        from .algorithms import get_default_algorithms

        self.Algorithm = get_default_algorithms().get(algorithm)
        self.key = prepare_key_material(jwk_key_material(jwk_data))
        if not self.key.supports(algorithm):
            raise InvalidKeyError(f"The {kty} key cannot be used with {algorithm}")

    @staticmethod
    def from_dict(obj: Mapping[str, Any], algorithm: str | None = None) -> PyJWK:
        """A PyJWK from a JWK as a dict."""
        return PyJWK(obj, algorithm)

    @staticmethod
    def from_json(data: str | bytes, algorithm: str | None = None) -> PyJWK:
        """A PyJWK from a JWK as JSON text."""
        return PyJWK.from_dict(json.loads(data), algorithm)

    @property
    def key_type(self) -> str | None:
        """The key's ``kty``."""
        return self._jwk_data.get("kty")

    @property
    def key_id(self) -> str | None:
        """The key's ``kid``."""
        return self._jwk_data.get("kid")

    @property
    def public_key_use(self) -> str | None:
        """The key's ``use``."""
        return self._jwk_data.get("use")

    @property
    def verification_refusal(self) -> str | None:
        """Why this key may not verify signatures (its ``use`` or ``key_ops``), or None."""
        use = self._jwk_data.get("use")
        if use is not None and use != "sig":
            return f"The JWK {self.key_id!r} has use={use!r}: only 'sig' keys verify signatures"
        ops = self._jwk_data.get("key_ops")
        if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
            return f"The JWK {self.key_id!r} has key_ops={ops!r}, without 'verify'"
        return None

    def __repr__(self) -> str:
        return f"<PyJWK kty={self.key_type!r} kid={self.key_id!r} alg={self.algorithm_name!r}>"


class PyJWKSet:
    """A JSON Web Key Set: the usable keys of a ``{"keys": [...]}`` document."""

    def __init__(self, keys: list[Mapping[str, Any]]) -> None:
        """Parse every key; keys that cannot be used are skipped, as PyJWT does.

        Raises PyJWKSetError when there is no key, or no usable one.
        """
        self.keys: list[PyJWK] = []
        if not keys:
            raise PyJWKSetError("The JWK Set did not contain any keys")
        if not isinstance(keys, list):
            raise PyJWKSetError("Invalid JWK Set value")
        for key in keys:
            if not isinstance(key, Mapping):
                continue
            try:
                self.keys.append(PyJWK(key))
            except PyJWTError:
                continue
        if not self.keys:
            raise PyJWKSetError("The JWK Set did not contain any usable keys")

    @staticmethod
    def from_dict(obj: Mapping[str, Any]) -> PyJWKSet:
        """A PyJWKSet from a JWKS as a dict (``{"keys": [...]}``)."""
        if not isinstance(obj, Mapping):
            raise PyJWKSetError("Invalid JWK Set value")
        return PyJWKSet(obj.get("keys", []))

    @staticmethod
    def from_json(data: str | bytes) -> PyJWKSet:
        """A PyJWKSet from a JWKS as JSON text."""
        return PyJWKSet.from_dict(json.loads(data))

    def __getitem__(self, kid: str) -> PyJWK:
        """The key with this ``kid``; KeyError if there is none."""
        for key in self.keys:
            if key.key_id == kid:
                return key
        raise KeyError(f"keyset has no key for kid: {kid}")

    def __iter__(self) -> Iterator[PyJWK]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


def resolve_key(key: Any, algorithms: Any) -> tuple[Any, Any]:
    """PyJWT's reading of a verification key: a JWKS dict becomes a PyJWKSet and
    one JWK dict a PyJWK; with ``algorithms`` None, a PyJWK brings its own
    algorithm and a PyJWKSet those of its keys. Anything else is returned as given.

    The binding's Verifier calls it (given at this module's import: the
    binding never imports this module, which imports the binding).
    """
    if isinstance(key, dict) and "keys" in key:
        key = PyJWKSet.from_dict(key)
    elif isinstance(key, dict) and "kty" in key:
        key = PyJWK.from_dict(key)            # one JWK, bound to its algorithm as a PyJWK
    if algorithms is None and isinstance(key, PyJWK):
        algorithms = [key.algorithm_name]
    elif algorithms is None and isinstance(key, PyJWKSet):
        algorithms = sorted({k.algorithm_name for k in key.keys})
    return key, algorithms


_core._bind_jwk(PyJWK, PyJWKSet, resolve_key)
