"""Type stubs for turbojwt._core, the compiled binding (see _core.pyx)."""

from collections.abc import Container, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

DEFAULT_MAX_TOKEN_LENGTH: Final[int]
DEFAULT_OPTIONS: Final[dict[str, Any]]

def merge_options(options: Mapping[str, Any] | None = ...) -> dict[str, Any]: ...

class PreparedKey:
    """Key material parsed once into the C core's form, bound to one family."""

    @property
    def family(self) -> str: ...
    @property
    def size(self) -> int: ...
    def supports(self, alg: str) -> bool: ...

def prepare_hmac_key(key: str | bytes) -> PreparedKey: ...
def prepare_key_material(material: object) -> PreparedKey: ...
def prepare_private_key(key: object) -> PreparedKey: ...

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
        key: str | bytes | PreparedKey | Mapping[str, Any] | object | None = ...,
        algorithms: Sequence[str] | None = ...,
        *,
        options: Mapping[str, Any] | None = ...,
        audience: str | Iterable[str] | None = ...,
        issuer: str | Container[str] | None = ...,
        subject: str | None = ...,
        leeway: float | timedelta = ...,
        max_token_length: int | None = ...,
    ) -> None: ...
    def decode(self, jwt: str | bytes, detached_payload: bytes | None = ...) -> dict[str, Any]: ...
    def decode_complete(self, jwt: str | bytes, detached_payload: bytes | None = ...) -> dict[str, Any]: ...

def get_unverified_header(jwt: str | bytes) -> dict[str, Any]: ...
def clear_cache() -> None: ...
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
def bench_raw_hmac(key: bytes, alg: str, msg: bytes, iterations: int) -> float: ...
def sign_raw(key: PreparedKey, alg: str, msg: bytes) -> bytes: ...
def bench_raw_verify(key: PreparedKey, alg: str, msg: bytes, sig: bytes, iterations: int) -> float: ...
def prepare_public_key(key: object) -> PreparedKey: ...
