"""turbojwt.encode: PyJWT 2.15's ``jwt.encode``, signing in the C core.

The header and payload are serialized exactly as PyJWT serializes them
(``json.dumps`` with compact separators, header keys sorted), so for the
deterministic algorithms (HS*, RS*, EdDSA) the token is byte for byte
PyJWT's. The key is prepared once and kept (like decode's verifiers), and the
signature is computed by the C core (``_core.sign_raw``).

The hot path (``encode`` without a json_encoder) writes both documents with
the core's JSON writer (``_core.encode_claims``, _sign.pxi: json.dumps's bytes for the
plain types, see _jsonwrite.pxi), signs and assembles the token in one call.
Whatever it is not sure about (a custom encoder, a datetime or subclass in
the claims, a weak or unusable key, "none", detached payloads, a header to
refuse) takes the general path, which does what PyJWT does, in PyJWT's order.
"""

from __future__ import annotations

import base64
import json
import warnings
from calendar import timegm
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from . import _core
from ._policy import SIGNING_ALGORITHMS, signing_keys, weak_key_message
from .api_jwk import PyJWK
from .exceptions import InvalidKeyError, InvalidTokenError
from .warnings import InsecureKeyLengthWarning

__all__ = ["encode", "encode_jws", "fast_encode", "native_signature"]

# The marker of "no algorithm given", shared with the core's hot path.
_ALGORITHM_UNSET: Any = _core.ALGORITHM_UNSET
_SIGNED_BY_CORE = frozenset(SIGNING_ALGORITHMS)
_b64url = _core.b64url_encode
_json_compact = _core.json_compact
_encode_claims = _core.encode_claims
_encode_compact = _core.encode_compact


def _b64(data: bytes) -> bytes:
    if type(data) is bytes:
        return _b64url(data)
    return base64.urlsafe_b64encode(data).rstrip(b"=")  # bytearray, memoryview: as PyJWT


def _dumps(obj: Any, json_encoder: type[json.JSONEncoder] | None, sort_keys: bool = False) -> bytes:
    """``json.dumps(obj, separators=(",", ":"), cls=json_encoder, sort_keys=sort_keys).encode()``."""
    if json_encoder is None:
        out = _json_compact(obj, sort_keys)
        if out is not None:
            return out
    return json.dumps(obj, separators=(",", ":"), cls=json_encoder, sort_keys=sort_keys).encode("utf-8")


def _signing_key(key: Any, algorithm: str) -> Any:
    """The PreparedKey that signs with ``algorithm``, prepared once per key."""
    return signing_keys(algorithm)(key)


def _weak_key_message(prepared: Any, algorithm: str) -> str | None:
    return weak_key_message(algorithm, prepared.family, prepared.size)


def _check_key_length(prepared: Any, algorithm: str, enforce: bool, stacklevel: int = 5) -> None:
    message = _weak_key_message(prepared, algorithm)
    if message is not None:
        if enforce:
            raise InvalidKeyError(message)
        warnings.warn(message, InsecureKeyLengthWarning, stacklevel=stacklevel)  # the caller of encode()


def native_signature(signing_input: bytes, key: Any, algorithm: str, enforce_min_length: bool) -> bytes:
    """The signature of ``signing_input`` for one of turbojwt's algorithms, by the C core."""
    if algorithm == "none":
        if not (key is None or key == ""):
            raise InvalidKeyError('When alg = "none", key value must be None.')
        return b""
    if algorithm not in _SIGNED_BY_CORE:
        raise NotImplementedError("Algorithm not supported")
    if isinstance(key, PyJWK):
        key = key.key
    prepared = _signing_key(key, algorithm)
    _check_key_length(prepared, algorithm, enforce_min_length)
    return _core.sign_raw(prepared, algorithm, signing_input)


def encode_jws(
    payload: bytes,
    key: Any,
    algorithm: str | None = _ALGORITHM_UNSET,
    headers: Mapping[str, Any] | None = None,
    json_encoder: type[json.JSONEncoder] | None = None,
    is_payload_detached: bool = False,
    sort_headers: bool = True,
    enforce_min_length: bool = False,
    signer: Callable[[bytes, Any, str, bool], bytes] = native_signature,
) -> str:
    """Sign ``payload`` bytes as a compact JWS, as PyJWT 2.15's ``PyJWS.encode``.

    ``signer(signing_input, key, algorithm, enforce_min_length)`` makes the
    signature: the core by default, registered Algorithm objects for PyJWS.
    """
    if algorithm is _ALGORITHM_UNSET:
        algorithm_ = key.algorithm_name if isinstance(key, PyJWK) else "HS256"
    elif algorithm is None:
        algorithm_ = key.algorithm_name if isinstance(key, PyJWK) else "none"
    else:
        algorithm_ = algorithm
    if headers:
        if headers.get("alg"):
            algorithm_ = headers["alg"]
        if headers.get("b64") is False:
            is_payload_detached = True

    header: dict[str, Any] = {"typ": "JWT", "alg": algorithm_}
    if headers:
        if "kid" in headers and not isinstance(headers["kid"], str):
            raise InvalidTokenError("Key ID header parameter must be a string")
        header.update(headers)
    if not header["typ"]:
        del header["typ"]
    if is_payload_detached:
        header["b64"] = False
        # RFC 7797 3: "b64" in the header must be listed in "crit".
        crit = header.get("crit", [])
        if not isinstance(crit, list):
            raise InvalidTokenError("Invalid 'crit' header: must be a list")
        if "b64" not in crit:
            header["crit"] = [*crit, "b64"]
    elif "b64" in header:
        del header["b64"]

    json_header = _dumps(header, json_encoder, sort_headers)
    if signer is native_signature and type(algorithm_) is str and algorithm_ in _SIGNED_BY_CORE \
            and type(payload) is bytes:
        # native_signature's steps, then signing and assembly in one core call
        prepared = _signing_key(key.key if isinstance(key, PyJWK) else key, algorithm_)
        _check_key_length(prepared, algorithm_, enforce_min_length, stacklevel=4)
        return _encode_compact(json_header, payload, prepared, algorithm_, is_payload_detached)
    segments = [_b64(json_header), payload if is_payload_detached else _b64(payload)]
    signing_input = b".".join(segments)
    signature = signer(signing_input, key, algorithm_, enforce_min_length)
    if is_payload_detached:
        segments[1] = b""
    segments.append(_b64(signature))
    return b".".join(segments).decode("utf-8")


def fast_encode(
    payload: dict[str, Any],
    key: Any,
    algorithm: str | None = _ALGORITHM_UNSET,
    headers: dict[str, Any] | None = None,
    sort_headers: bool = True,
) -> str | None:
    """The token of the hot path (``_core.encode_claims``), a PyJWK's algorithm and key resolved; or None.

    None, having raised, warned and signed nothing, when the general path
    must decide (see encode_claims): a datetime claim, "none", a custom
    algorithm name, a detached payload, a header PyJWT refuses, a key that
    cannot sign or is short enough to warn about, a value json.dumps alone
    can write.
    """
    if isinstance(key, PyJWK):
        if algorithm is _ALGORITHM_UNSET or algorithm is None:
            algorithm = key.algorithm_name
        key = key.key
    return _encode_claims(payload, key, algorithm, headers, sort_headers)


def encode(
    payload: dict[str, Any],
    key: Any,
    algorithm: str | None = _ALGORITHM_UNSET,
    headers: dict[str, Any] | None = None,
    json_encoder: type[json.JSONEncoder] | None = None,
    sort_headers: bool = True,
) -> str:
    """Encode ``payload`` as a signed JWT, with PyJWT 2.15's ``jwt.encode`` arguments and behaviour.

    ``payload`` must be a dict; ``datetime`` values of ``exp``, ``iat`` and
    ``nbf`` become integer timestamps. ``algorithm`` defaults to HS256 (or a
    PyJWK's own); ``headers["alg"]`` overrides it. ``key`` is an HMAC secret,
    a private key (PEM, DER, ``cryptography`` object) or a PyJWK. Signing
    happens in the C core.
    """
    if json_encoder is None:
        # The hot path: PyJWT's bytes for plain claims, in one core call.
        token = _encode_claims(payload, key, algorithm, headers, sort_headers)
        if token is not None:
            return token
    if not isinstance(payload, dict):
        raise TypeError("Expecting a dict object, as JWT only supports JSON objects as payloads.")
    payload = payload.copy()
    retry = isinstance(key, PyJWK)
    for time_claim in ("exp", "iat", "nbf"):
        value = payload.get(time_claim)
        if isinstance(value, datetime):
            payload[time_claim] = timegm(value.utctimetuple())
            retry = True
    if "iss" in payload and not isinstance(payload["iss"], str):
        raise TypeError("Issuer (iss) must be a string.")
    if json_encoder is None and retry:
        # dates converted, a PyJWK resolved: the hot path may take it now
        token = fast_encode(payload, key, algorithm, headers, sort_headers)
        if token is not None:
            return token
    json_payload = _dumps(payload, json_encoder)
    return encode_jws(json_payload, key, algorithm, headers, json_encoder, sort_headers=sort_headers)
