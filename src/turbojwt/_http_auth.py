"""What the framework plug-ins share: the bearer token of a request, and the RFC 6750 answers.

The ASGI and WSGI middlewares and the FastAPI dependency are thin adapters:
they take the token with :func:`bearer_token`, call ``verifier.decode`` (or
``decode_async``), and turn an exception into an answer with
:func:`refusal`. None of them verifies anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import ExpiredSignatureError, InvalidKeyError, InvalidTokenError, KeySetUnavailableError

#: Where the middlewares put the verified claims (ASGI: ``scope["state"]``, so
#: ``request.state.jwt_claims`` in Starlette and FastAPI; WSGI: ``environ["turbojwt.claims"]``).
CLAIMS_KEY = "jwt_claims"


@dataclass(frozen=True)
class Refusal:
    """An HTTP answer refusing a request: status, ``WWW-Authenticate`` (or None) and a short detail."""

    status: int
    www_authenticate: str | None
    detail: str

    @property
    def body(self) -> bytes:
        """The JSON body: ``{"detail": ...}``, as FastAPI writes its errors."""
        return json.dumps({"detail": self.detail}).encode()

    @property
    def reason(self) -> str:
        """The status line's reason phrase."""
        return _REASONS[self.status]


_REASONS = {401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable"}


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None (no header, another scheme)."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def bearer_token_bytes(authorization: bytes | None) -> bytes | None:
    """:func:`bearer_token` on the raw header bytes of an ASGI scope (no decoding: tokens are ASCII)."""
    if not authorization:
        return None
    if authorization.startswith(b"Bearer ") and b" " not in authorization[7:]:
        return authorization[7:]  # the usual form, without the general case's copies
    scheme, _, token = authorization.strip().partition(b" ")
    if scheme.lower() != b"bearer":
        return None
    return token.strip()


def _challenge(realm: str | None, **params: str) -> str:
    items = ([("realm", realm)] if realm else []) + list(params.items())
    if not items:
        return "Bearer"
    return "Bearer " + ", ".join(f'{name}="{value}"' for name, value in items)


def missing_token(realm: str | None = None) -> Refusal:
    """401 without ``error`` (RFC 6750 section 3.1: the request carried no token)."""
    return Refusal(401, _challenge(realm), "Not authenticated")


def refusal(exc: Exception, realm: str | None = None) -> Refusal | None:
    """The answer for an exception from ``decode``; None if it is none of ours to answer.

    - InvalidTokenError (any bad token, an unknown kid included): 401 ``invalid_token``;
    - InvalidKeyError: 401 ``invalid_token`` too. At decode time it means the token named a key that
      cannot verify it (``use: enc``, or an RSA key for an ES256 token): the token chose that, so it is
      the token that is refused, never a 500;
    - KeySetUnavailableError (no key set could be fetched): 503, the token is not judged.
    The description is fixed per kind: nothing from the token or the IdP's URL is echoed.
    """
    if isinstance(exc, KeySetUnavailableError):
        return Refusal(503, None, "The keys to verify the token are unavailable")
    if isinstance(exc, (InvalidTokenError, InvalidKeyError)):
        description = "The token has expired" if isinstance(exc, ExpiredSignatureError) else "The token is invalid"
        challenge = _challenge(realm, error="invalid_token", error_description=description)
        return Refusal(401, challenge, description)
    return None


def refusal_or_raise(exc: Exception, realm: str | None = None) -> Refusal:
    """:func:`refusal`, re-raising ``exc`` when it is none of ours to answer (a bug, not a bad token)."""
    answer = refusal(exc, realm)
    if answer is None:
        raise exc
    return answer


def insufficient_scope(required: Iterable[str], realm: str | None = None) -> Refusal:
    """403 ``insufficient_scope`` naming the scopes required (RFC 6750 section 3.1)."""
    needed = " ".join(required)
    challenge = _challenge(realm, error="insufficient_scope", scope=needed)
    return Refusal(403, challenge, f"Insufficient scope: requires {needed}")


def granted_scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    """The scopes a token grants, in the forms IdPs use.

    ``scope`` as a space-separated string (RFC 8693, OAuth 2.0), ``scp`` as an
    array or a string (Azure AD, Okta), ``permissions`` as an array (Auth0).
    """
    granted: set[str] = set()
    for name in ("scope", "scp", "permissions"):
        value = claims.get(name)
        if isinstance(value, str):
            granted.update(value.split())
        elif isinstance(value, list):
            granted.update(item for item in value if isinstance(item, str))
    return frozenset(granted)


def path_excluded(path: str, exact: Collection[str], prefixes: tuple[str, ...]) -> bool:
    """True if ``path`` is one of ``exact`` or starts with one of ``prefixes``."""
    return path in exact or (bool(prefixes) and path.startswith(prefixes))


def split_exclusions(paths: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """``exclude_paths`` as (exact paths, prefixes): an entry ending in ``/*`` excludes what it starts with."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for path in paths:
        if path.endswith("/*"):
            prefixes.append(path[:-1])
        else:
            exact.add(path)
    return frozenset(exact), tuple(prefixes)
