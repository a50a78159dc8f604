"""Type stubs for turbojwt._core, the compiled binding (see _core.pyx)."""

from collections.abc import Callable, Container, Coroutine, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Union

if TYPE_CHECKING:
    from .remote_jwks import RemoteJWKSet

from typing_extensions import disjoint_base  # stub-only: a cdef class has a C layout (PEP 800)

# now=: epoch seconds or an aware datetime; the batch calls also take one per token.
_ReferenceTime = Union[int, float, datetime]

DEFAULT_MAX_TOKEN_LENGTH: Final[int]

@disjoint_base
class PreparedKey:
    """Key material parsed once into the C core's form, bound to one family."""

    @property
    def family(self) -> str: ...
    @property
    def size(self) -> int: ...
    def supports(self, alg: str) -> bool: ...

def prepare_hmac_key(key: str | bytes) -> PreparedKey: ...
def _is_der_key(material: bytes) -> bool: ...
def prepare_key_material(material: object) -> PreparedKey: ...
def prepare_private_key(key: object) -> PreparedKey: ...

@disjoint_base
class Verifier:
    """A prepared verifier: key, allowed algorithms and claim policy compiled once."""

    @property
    def options(self) -> dict[str, Any]: ...
    @property
    def audience(self) -> str | list[str] | None: ...
    @property
    def issuer(self) -> str | Container[str] | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def leeway(self) -> float: ...
    @property
    def max_token_length(self) -> int: ...
    @property
    def algorithms(self) -> tuple[str, ...]: ...
    def __init__(
        self,
        key: str | bytes | PreparedKey | Mapping[str, Any] | RemoteJWKSet | object | None = ...,
        algorithms: Sequence[str] | None = ...,
        *,
        options: Mapping[str, Any] | None = ...,
        audience: str | Iterable[str] | None = ...,
        issuer: str | Container[str] | None = ...,
        subject: str | None = ...,
        leeway: float | timedelta = ...,
        max_token_length: int | None = ...,
        cache: int = ...,
    ) -> None: ...
    @property
    def cache_info(self) -> tuple[int, int, int]: ...
    def decode(
        self, jwt: str | bytes, detached_payload: bytes | None = ..., *, now: _ReferenceTime | None = ...
    ) -> dict[str, Any]: ...
    def decode_complete(
        self, jwt: str | bytes, detached_payload: bytes | None = ..., *, now: _ReferenceTime | None = ...
    ) -> dict[str, Any]: ...
    def decode_jws(self, jwt: str | bytes, detached_payload: bytes | None = ...) -> dict[str, Any]: ...
    def decode_many(
        self,
        tokens: Iterable[str | bytes],
        threads: int | None = ...,
        *,
        now: _ReferenceTime | Sequence[_ReferenceTime] | None = ...,
    ) -> list[dict[str, Any] | Exception]: ...
    def verify_many(
        self,
        tokens: Iterable[str | bytes],
        threads: int | None = ...,
        *,
        now: _ReferenceTime | Sequence[_ReferenceTime] | None = ...,
    ) -> list[tuple[bool, str]]: ...
    # A RemoteJWKSet as ``key``: keys follow the set (see remote_jwks.py); for static keys these are plain.
    def decode_async(
        self, jwt: str | bytes, detached_payload: bytes | None = ...
    ) -> Coroutine[Any, Any, dict[str, Any]]: ...
    def decode_complete_async(
        self, jwt: str | bytes, detached_payload: bytes | None = ...
    ) -> Coroutine[Any, Any, dict[str, Any]]: ...
    @property
    def key_set(self) -> RemoteJWKSet | None: ...
    def close(self) -> None: ...
    async def aclose(self) -> None: ...
    def __enter__(self) -> Verifier: ...
    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def __aenter__(self) -> Verifier: ...
    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None: ...

def get_unverified_header(jwt: str | bytes) -> dict[str, Any]: ...
def _common_names_shared() -> list[str]: ...
def clear_cache() -> None: ...
def _set_general_path(fn: Callable[..., dict[str, Any]]) -> None: ...
def _route_all_calls(flag: bool) -> None: ...
def _bind_jwk(pyjwk: type, pyjwkset: type, resolve_key: Callable[[Any, Any], tuple[Any, Any]]) -> None: ...
def b64url_decode(data: bytes) -> bytes: ...
def cached_verifier(
    key: object,
    algorithms: Sequence[str] | None = ...,
    options: Mapping[str, Any] | None = ...,
    audience: str | Iterable[str] | None = ...,
    issuer: str | Container[str] | None = ...,
    subject: str | None = ...,
    leeway: float | timedelta = ...,
) -> Verifier: ...
def decode(
    jwt: str | bytes,
    key: str | bytes = ...,
    algorithms: Sequence[str] | None = ...,
    options: Mapping[str, Any] | None = ...,
    verify: bool | None = ...,
    detached_payload: bytes | None = ...,
    audience: str | Iterable[str] | None = ...,
    subject: str | None = ...,
    issuer: str | Container[str] | None = ...,
    leeway: float | timedelta = ...,
    **kwargs: Any,
) -> dict[str, Any]: ...
def decode_complete(
    jwt: str | bytes,
    key: str | bytes = ...,
    algorithms: Sequence[str] | None = ...,
    options: Mapping[str, Any] | None = ...,
    verify: bool | None = ...,
    detached_payload: bytes | None = ...,
    audience: str | Iterable[str] | None = ...,
    issuer: str | Container[str] | None = ...,
    subject: str | None = ...,
    leeway: float | timedelta = ...,
    **kwargs: Any,
) -> dict[str, Any]: ...
def hmac_digest(key: bytes, alg: str, msg: bytes) -> bytes: ...
def hmac_verify(key: bytes, alg: str, msg: bytes, tag: bytes) -> bool: ...
def sign_raw(key: PreparedKey, alg: str, msg: bytes) -> bytes: ...
def prepare_public_key(key: object) -> PreparedKey: ...

# the JSON writer (_jsonwrite.pxi) and signing, encode's hot path included (_sign.pxi)
ALGORITHM_UNSET: Final[object]

def json_compact(obj: object, sort_keys: bool = ...) -> bytes | None: ...
def b64url_encode(data: bytes) -> bytes: ...
def encode_compact(header_json: bytes, payload: bytes, key: PreparedKey, alg: str, detached: bool = ...) -> str: ...
def encode_claims(
    payload: object,
    key: object,
    algorithm: str | None | object = ...,
    headers: Mapping[str, Any] | None = ...,
    sort_headers: bool = ...,
) -> str | None: ...
def clear_signing_keys() -> None: ...

# turbojwt.arrow's C side (_arrow.pxi)
ARROW_COLUMN_TYPES: Final[dict[str, int]]
REASON_MISSING_TOKEN: Final[str]
REASON_INVALID_TIME: Final[str]

def arrow_verify_buffers(
    verifier: Verifier,
    chunks: list[tuple[int, int, int, int, int, int, bool]],
    rows: int,
    now_one: _ReferenceTime | None,
    now_address: int,
    claims: list[tuple[str, int]],
    threads: int | None = ...,
) -> tuple[bytearray, bytearray, list[str], list[tuple[str, bytearray, bytearray, bytearray | None, bool]]]: ...
