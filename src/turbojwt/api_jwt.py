"""PyJWT: PyJWT 2.15's JWT class (claims as a dict), on turbojwt's C core.

The module-level ``turbojwt.decode`` is the fast path; this class exists for
code that instantiates or subclasses ``jwt.PyJWT``. A subclass that overrides
``_decode_payload`` (a compressed payload, say) or an instance whose JWS layer
has custom algorithms takes the Python path: JWS in the core, the payload
through the hook, then the same claim checks (``_claims.validate_claims``).
"""

from __future__ import annotations

import json
from calendar import timegm
from collections.abc import Container, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from . import _core
from ._claims import check_issuer, validate_claims
from ._encode import _ALGORITHM_UNSET
from ._options import merge_options
from ._pyjwt_compat import warn_verify_argument
from ._core import encode_claims as _encode_claims
from .api_jws import PyJWS, _jws_global_obj, _signature_options, _warn_kwargs
from .exceptions import DecodeError

__all__ = ["PyJWT", "encode", "decode", "decode_complete"]


class PyJWT:
    """Encode and decode JWTs (PyJWT 2.15's ``jwt.PyJWT``), with options set per instance."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        """``options`` take PyJWT's names; unset ones keep their defaults."""
        self.options: dict[str, Any] = self._get_default_options()
        if options is not None:
            self.options = self._merge_options(options)
        self._jws = PyJWS(options=self._get_sig_options())

    @staticmethod
    def _get_default_options() -> dict[str, Any]:
        return merge_options(None)

    def _get_sig_options(self) -> dict[str, Any]:
        return {
            "verify_signature": self.options["verify_signature"],
            "enforce_minimum_key_length": self.options.get("enforce_minimum_key_length", False),
        }

    def _merge_options(self, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if options is None:
            return self.options
        # With verify_signature off, the claim checks default to off too.
        return merge_options(options, self.options)

    def encode(
        self,
        payload: dict[str, Any],
        key: Any,
        algorithm: str | None = _ALGORITHM_UNSET,
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
        sort_headers: bool = True,
    ) -> str:
        """Encode ``payload`` as a signed JWT (see :func:`turbojwt.encode`)."""
        if json_encoder is None and self._jws._native_encode and type(self)._encode_payload is PyJWT._encode_payload:
            # plain claims, a default algorithm, a key that signs it: PyJWT's token in one core call
            token = _encode_claims(payload, key, algorithm, headers, sort_headers)
            if token is not None:
                return token
        if not isinstance(payload, dict):
            raise TypeError("Expecting a dict object, as JWT only supports JSON objects as payloads.")
        payload = payload.copy()
        for time_claim in ("exp", "iat", "nbf"):
            if isinstance(payload.get(time_claim), datetime):
                payload[time_claim] = timegm(payload[time_claim].utctimetuple())
        if "iss" in payload and not isinstance(payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")
        json_payload = self._encode_payload(payload, headers=headers, json_encoder=json_encoder)
        return self._jws.encode(json_payload, key, algorithm, headers, json_encoder, sort_headers=sort_headers)

    def _encode_payload(
        self,
        payload: dict[str, Any],
        headers: dict[str, Any] | None = None,
        json_encoder: type[json.JSONEncoder] | None = None,
    ) -> bytes:
        """The payload bytes to sign (override to compress, for example)."""
        return json.dumps(payload, separators=(",", ":"), cls=json_encoder).encode("utf-8")

    def _decode_payload(self, decoded: dict[str, Any]) -> dict[str, Any]:
        """The claims dict from a decoded JWS (override to decompress, for example)."""
        try:
            payload = json.loads(decoded["payload"])
        except (ValueError, RecursionError) as e:
            raise DecodeError(f"Invalid payload string: {e}") from e
        if not isinstance(payload, dict):
            raise DecodeError("Invalid payload string: must be a json object")
        return payload

    @staticmethod
    def _validate_iss(payload: dict[str, Any], issuer: Any) -> None:
        """PyJWT's issuer check alone (kept for code and tests that call it)."""
        if issuer is not None:
            check_issuer(payload, issuer)

    def decode_complete(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        issuer: str | Container[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verify ``jwt``; return ``{"payload": claims, "header": header, "signature": bytes}``."""
        _warn_kwargs("decode_complete", kwargs)
        warn_verify_argument(verify, options, stacklevel=2)
        merged = self._merge_options(options)
        hooks_overridden = type(self)._decode_payload is not PyJWT._decode_payload
        if not hooks_overridden and self._jws._native(algorithms):
            verifier = _core.cached_verifier(key, algorithms, merged, audience, issuer, subject, leeway)
            return verifier.decode_complete(jwt, detached_payload)

        if audience is not None and not isinstance(audience, (str, Iterable)):
            raise TypeError("audience must be a string, iterable or None")
        decoded = self._jws.decode_complete(
            jwt, key, algorithms, _signature_options(merged), detached_payload=detached_payload
        )
        payload = self._decode_payload(decoded)
        seconds = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
        validate_claims(payload, merged, audience, issuer, subject, seconds)
        decoded["payload"] = payload
        return decoded

    def decode(
        self,
        jwt: str | bytes,
        key: Any = "",
        algorithms: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
        verify: bool | None = None,
        detached_payload: bytes | None = None,
        audience: str | Iterable[str] | None = None,
        subject: str | None = None,
        issuer: str | Container[str] | None = None,
        leeway: float | timedelta = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verify ``jwt`` and return its claims (PyJWT 2.15's ``jwt.decode``)."""
        _warn_kwargs("decode", kwargs)
        decoded = self.decode_complete(
            jwt, key, algorithms, options, verify=verify, detached_payload=detached_payload,
            audience=audience, subject=subject, issuer=issuer, leeway=leeway,
        )
        payload: dict[str, Any] = decoded["payload"]
        return payload


_jwt_global_obj = PyJWT()
_jwt_global_obj._jws = _jws_global_obj
encode = _jwt_global_obj.encode
decode_complete = _jwt_global_obj.decode_complete
decode = _jwt_global_obj.decode
