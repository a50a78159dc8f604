"""PyJWS: PyJWT 2.15's JWS layer (payloads as bytes), on turbojwt's C core.

While the algorithms a call allows are the default ones, decoding runs in the
core through a cached Verifier. An algorithm registered by the caller (or a
default one replaced) makes that call take the Python path, which drives the
registered ``Algorithm`` objects exactly as PyJWT does.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from typing import Any

from . import _core
from ._encode import _ALGORITHM_UNSET, encode_jws, native_signature
from .algorithms import Algorithm, get_default_algorithms, has_crypto, requires_cryptography
from .api_jwk import PyJWK
from .exceptions import DecodeError, InvalidAlgorithmError, InvalidKeyError, InvalidSignatureError
from ._pyjwt_compat import use_python_algorithms, warn_unknown_kwargs
from .warnings import InsecureKeyLengthWarning

__all__ = [
    "PyJWS",
    "encode",
    "decode",
    "decode_complete",
    "get_unverified_header",
    "register_algorithm",
    "unregister_algorithm",
    "get_algorithm_by_name",
]

_STRUCTURE_ONLY = {"verify_signature": False}


def _signature_options(merged: dict[str, Any]) -> dict[str, Any]:
    """The options the JWS layer reads, out of a merged options dict."""
    return {
        "verify_signature": merged["verify_signature"],
        "enforce_minimum_key_length": merged.get("enforce_minimum_key_length", False),
    }


def _warn_kwargs(where: str, kwargs: dict[str, Any]) -> None:
    warn_unknown_kwargs(where, kwargs, stacklevel=3)


class PyJWS:
    """Encode and decode JWS compact tokens with bytes payloads (PyJWT 2.15's ``jwt.PyJWS``)."""

    header_typ = "JWT"

    def __init__(self, algorithms: Sequence[str] | None = None, options: dict[str, Any] | None = None) -> None:
        """``algorithms`` limits the registered algorithms; ``options`` are verify_signature and
        enforce_minimum_key_length."""
        self._defaults = get_default_algorithms()
        self._algorithms: dict[str, Algorithm] = dict(self._defaults)
        self._valid_algs = set(algorithms) if algorithms is not None else set(self._algorithms)
        for name in list(self._algorithms):
            if name not in self._valid_algs:
                del self._algorithms[name]
        self.options: dict[str, Any] = {**self._get_default_options(), **(options or {})}
        self._refresh_native_encode()

    def _refresh_native_encode(self) -> None:
        # turbojwt.encode's hot path (_core.encode_claims) signs with the core's own
        # algorithms: allowed while every default algorithm is registered unchanged
        # and this class signs as PyJWS does.
        self._native_encode = (
            type(self).encode is PyJWS.encode
            and type(self)._sign is PyJWS._sign
            and self._algorithms.keys() == self._defaults.keys()
            and all(self._algorithms[name] is alg for name, alg in self._defaults.items())
        )

    @staticmethod
    def _get_default_options() -> dict[str, Any]:
        return {"verify_signature": True, "enforce_minimum_key_length": False}

    def register_algorithm(self, alg_id: str, alg_obj: Algorithm) -> None:
        """Register an Algorithm object for ``alg_id`` (ValueError if one is registered)."""
        if alg_id in self._algorithms:
            raise ValueError("Algorithm already has a handler.")
        if not isinstance(alg_obj, Algorithm):
            raise TypeError("Object is not of type `Algorithm`")
        self._algorithms[alg_id] = alg_obj
        self._valid_algs.add(alg_id)
        self._refresh_native_encode()

    def unregister_algorithm(self, alg_id: str) -> None:
        """Remove the Algorithm registered for ``alg_id`` (KeyError if none)."""
        if alg_id not in self._algorithms:
            raise KeyError("The specified algorithm could not be removed because it is not registered.")
        del self._algorithms[alg_id]
        self._valid_algs.remove(alg_id)
        self._refresh_native_encode()

    def get_algorithms(self) -> list[str]:
        """The names of the registered algorithms."""
        return list(self._valid_algs)

    def get_algorithm_by_name(self, alg_name: str) -> Algorithm:
        """The Algorithm registered for ``alg_name`` (NotImplementedError if none)."""
        try:
            return self._algorithms[alg_name]
        except KeyError as e:
            if not has_crypto and alg_name in requires_cryptography:
                raise NotImplementedError(
                    f"Algorithm '{alg_name}' could not be found. Do you have cryptography installed?"
                ) from e
            raise NotImplementedError("Algorithm not supported") from e

    def _native(self, names: Sequence[str] | None) -> bool:
        """Can the core decide for these algorithm names (registered, default and unchanged)?"""
        if names is None:
            return True
        if isinstance(names, str):
            names = [names]
        return all(
            isinstance(n, str) and n in self._defaults and self._algorithms.get(n) is self._defaults[n]
            for n in names
        )

    def encode(
        self,
        payload: bytes,
        key: Any,
        algorithm: str | None = _ALGORITHM_UNSET,
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        is_payload_detached: bool = False,
        sort_headers: bool = True,
    ) -> str:
        """Sign ``payload`` bytes as a compact JWS."""
        return encode_jws(
            payload, key, algorithm, headers, json_encoder, is_payload_detached, sort_headers,
            bool(self.options.get("enforce_minimum_key_length", False)), signer=self._sign,
        )

    def _sign(self, signing_input: bytes, key: Any, algorithm: str, enforce_min_length: bool) -> bytes:
        alg_obj = self.get_algorithm_by_name(algorithm)
        if self._native([algorithm]):
            return native_signature(signing_input, key, algorithm, enforce_min_length)
        if isinstance(key, PyJWK):
            key = key.key
        prepared = alg_obj.prepare_key(key)
        self._check_key_length(alg_obj, prepared, enforce_min_length, stacklevel=5)
        return alg_obj.sign(signing_input, prepared)

    @staticmethod
    def _check_key_length(alg_obj: Algorithm, prepared: Any, enforce: bool, stacklevel: int) -> None:
        message = alg_obj.check_key_length(prepared)
        if message:
            if enforce:
                raise InvalidKeyError(message)
            warnings.warn(message, InsecureKeyLengthWarning, stacklevel=stacklevel)

    def decode_complete(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        detached_payload: bytes | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verify ``jwt`` and return ``{"payload": bytes, "header": dict, "signature": bytes}``."""
        _warn_kwargs("decode_complete", kwargs)
        merged = self.options if options is None else {**self.options, **options}
        sig_options = _signature_options(merged)
        if self._native(algorithms):
            verifier = _core.cached_verifier(key, algorithms, sig_options)
            return verifier.decode_jws(jwt, detached_payload)
        return self._decode_with_algorithm_objects(jwt, key, algorithms, sig_options, detached_payload)

    def _decode_with_algorithm_objects(
        self, jwt: Any, key: Any, algorithms: Sequence[str] | None, options: dict[str, Any], detached: bytes | None
    ) -> dict[str, Any]:
        """PyJWT's verification with the registered Algorithm objects (custom algorithms)."""
        verify_signature = options["verify_signature"]
        if verify_signature and not algorithms and not isinstance(key, PyJWK):
            raise DecodeError(
                'It is required that you pass in a value for the "algorithms" argument when calling decode().'
            )
        # Structure, base64url, header rules and detached-payload rules, by the core.
        decoded = _core.cached_verifier(None, None, _STRUCTURE_ONLY).decode_jws(jwt, detached)
        if verify_signature:
            header = decoded["header"]
            token = jwt.encode("utf-8") if isinstance(jwt, str) else jwt
            head = token.split(b".", 1)[0]
            signing_input = (
                head + b"." + decoded["payload"] if header.get("b64", True) is False else token.rsplit(b".", 1)[0]
            )
            if algorithms is None and isinstance(key, PyJWK):
                algorithms = [key.algorithm_name]
            if "alg" not in header:
                raise InvalidAlgorithmError("Algorithm not specified")
            alg = header["alg"]
            if not alg or (algorithms is not None and alg not in algorithms):
                raise InvalidAlgorithmError("The specified alg value is not allowed")
            if isinstance(key, PyJWK):
                if alg != key.algorithm_name:
                    raise InvalidAlgorithmError(
                        f"Token algorithm {alg!r} does not match the key's algorithm {key.algorithm_name!r}"
                    )
                key = key.key
            try:
                alg_obj = self.get_algorithm_by_name(alg)
            except NotImplementedError as e:
                raise InvalidAlgorithmError("Algorithm not supported") from e
            prepared = alg_obj.prepare_key(key)
            self._check_key_length(alg_obj, prepared, options["enforce_minimum_key_length"], stacklevel=4)
            if not alg_obj.verify(signing_input, prepared, decoded["signature"]):
                raise InvalidSignatureError("Signature verification failed")
        return decoded

    def decode(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        detached_payload: bytes | None = None,
        **kwargs: Any,
    ) -> Any:
        """Verify ``jwt`` and return its payload bytes."""
        _warn_kwargs("decode", kwargs)
        return self.decode_complete(jwt, key, algorithms, options, detached_payload=detached_payload)["payload"]

    @staticmethod
    def _decode_base64url_segment(segment: bytes, name: str) -> bytes:
        """One token segment decoded with the core's strict base64url (PyJWT's padding rule)."""
        try:
            return _core.b64url_decode(segment)
        except ValueError:
            raise DecodeError(f"Invalid {name} padding") from None

    def get_unverified_header(self, jwt: str | bytes) -> dict[str, Any]:
        """The token's header, checked for structure but not verified."""
        return _core.get_unverified_header(jwt)


class _GlobalPyJWS(PyJWS):
    """The PyJWS behind the module-level functions: changing its algorithms sends the
    module-level ``turbojwt.decode`` through it (the core alone knows only the defaults)."""

    def register_algorithm(self, alg_id: str, alg_obj: Algorithm) -> None:
        super().register_algorithm(alg_id, alg_obj)
        self._sync_core()

    def unregister_algorithm(self, alg_id: str) -> None:
        super().unregister_algorithm(alg_id)
        self._sync_core()

    def _sync_core(self) -> None:
        changed = set(self._algorithms) != set(self._defaults) or not self._native(list(self._algorithms))
        use_python_algorithms(changed)


_jws_global_obj = _GlobalPyJWS()
encode = _jws_global_obj.encode
decode_complete = _jws_global_obj.decode_complete
decode = _jws_global_obj.decode
register_algorithm = _jws_global_obj.register_algorithm
unregister_algorithm = _jws_global_obj.unregister_algorithm
get_algorithm_by_name = _jws_global_obj.get_algorithm_by_name
get_unverified_header = _jws_global_obj.get_unverified_header
