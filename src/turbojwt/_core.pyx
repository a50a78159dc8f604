# cython: language_level=3
"""turbojwt._core: the binding between the C core (csrc/) and Python.

Prepared objects live here: a Verifier compiles its key, algorithms and
claim policy into C structures once; each decode hands the token's bytes to
the C core (tj_decode), which needs no Python object, and only then builds
the claims dict from the JSON tape or maps the core's status to one exception.
"""

from libc.stdint cimport uint8_t, uint32_t, int64_t
from libc.stdlib cimport malloc, free
from libc.string cimport memset
from libc.math cimport isfinite
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_AsUTF8AndSize

from ._ccore cimport *
from ._cbinding cimport *

import datetime as _datetime
import warnings as _warnings
from collections.abc import Iterable as _Iterable

from . import _policy
from ._options import merge_options as _merge_options
from ._claims import check_leeway as _check_leeway, validate_claims as _validate_claims
from ._hmac_guard import check_hmac_secret as _check_hmac_secret
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWTError,
    UnknownKeyError,
)
from .warnings import InsecureKeyLengthWarning

include "_tape.pxi"
include "_reftime.pxi"     # now=: reference times (issue 13)

DEFAULT_MAX_TOKEN_LENGTH = TJ_DEFAULT_MAX_TOKEN_LEN

_CLAIM_FLAGS = (
    ("verify_exp", TJ_VERIFY_EXP),
    ("verify_nbf", TJ_VERIFY_NBF),
    ("verify_iat", TJ_VERIFY_IAT),
    ("verify_aud", TJ_VERIFY_AUD),
    ("verify_iss", TJ_VERIFY_ISS),
    ("verify_sub", TJ_VERIFY_SUB),
    ("verify_jti", TJ_VERIFY_JTI),
)


# ---------------------------------------------------------------- status map

cdef dict _STATUS_EXCEPTION = {
    TJ_ERR_TOKEN_TOO_LARGE: DecodeError,
    TJ_ERR_SEGMENTS: DecodeError,
    TJ_ERR_HEADER_B64: DecodeError,
    TJ_ERR_PAYLOAD_B64: DecodeError,
    TJ_ERR_SIGNATURE_B64: DecodeError,
    TJ_ERR_HEADER_JSON: DecodeError,
    TJ_ERR_HEADER_NOT_OBJECT: DecodeError,
    TJ_ERR_PAYLOAD_JSON: DecodeError,
    TJ_ERR_PAYLOAD_NOT_OBJECT: DecodeError,
    TJ_ERR_PAYLOAD_NOT_EMPTY: DecodeError,
    TJ_ERR_DETACHED_NOT_ALLOWED: DecodeError,
    TJ_ERR_DETACHED_MISSING: DecodeError,
    TJ_ERR_HEADER_DUPLICATE: DecodeError,
    TJ_ERR_HEADER_TOO_MANY: DecodeError,
    TJ_ERR_KID_TYPE: InvalidTokenError,
    TJ_ERR_CRIT_FORMAT: InvalidTokenError,
    TJ_ERR_CRIT_VALUE_TYPE: InvalidTokenError,
    TJ_ERR_CRIT_UNSUPPORTED: InvalidTokenError,
    TJ_ERR_CRIT_MISSING: InvalidTokenError,
    TJ_ERR_B64_NOT_CRIT: InvalidTokenError,
    TJ_ERR_KID_UNKNOWN: UnknownKeyError,
    TJ_ERR_KID_MISSING: UnknownKeyError,
    TJ_ERR_ALG_MISSING: InvalidAlgorithmError,
    TJ_ERR_ALG_NOT_ALLOWED: InvalidAlgorithmError,
    TJ_ERR_ALG_UNSUPPORTED: InvalidAlgorithmError,
    TJ_ERR_KEY_UNUSABLE: InvalidKeyError,
    TJ_ERR_SIGNATURE: InvalidSignatureError,
    TJ_ERR_IAT_TYPE: InvalidIssuedAtError,
    TJ_ERR_IAT_FUTURE: ImmatureSignatureError,
    TJ_ERR_NBF_TYPE: DecodeError,
    TJ_ERR_NBF_FUTURE: ImmatureSignatureError,
    TJ_ERR_EXP_TYPE: DecodeError,
    TJ_ERR_EXPIRED: ExpiredSignatureError,
    TJ_ERR_ISS_TYPE: InvalidIssuerError,
    TJ_ERR_ISS_MISMATCH: InvalidIssuerError,
    TJ_ERR_AUD_UNEXPECTED: InvalidAudienceError,
    TJ_ERR_AUD_FORMAT: InvalidAudienceError,
    TJ_ERR_AUD_MISMATCH: InvalidAudienceError,
    TJ_ERR_AUD_STRICT_EXPECTED: InvalidAudienceError,
    TJ_ERR_AUD_STRICT_FORMAT: InvalidAudienceError,
    TJ_ERR_AUD_STRICT_MISMATCH: InvalidAudienceError,
    TJ_ERR_SUB_TYPE: InvalidSubjectError,
    TJ_ERR_SUB_MISMATCH: InvalidSubjectError,
    TJ_ERR_JTI_TYPE: InvalidJTIError,
}


cdef object _exception_for(Verifier v, tj_decoded *res, const tj_json_entry *tape):
    """The exception instance for a failed decode (cold path)."""
    cdef tj_status st = res.status
    cdef str msg = tj_status_message(st).decode()
    cdef str ext
    if st == TJ_ERR_MISSING_CLAIM:
        if res.detail == TJ_CLAIM_ISS:
            return MissingRequiredClaimError("iss")
        if res.detail == TJ_CLAIM_AUD:
            return MissingRequiredClaimError("aud")
        return MissingRequiredClaimError(v._require[res.detail])
    cdef _AllowedAlg served = v._served_by(res)
    if st == TJ_ERR_KEY_UNUSABLE or st == TJ_ERR_SIGNATURE:
        # A key the algorithm cannot use is reported as such, even for "none"
        # (which never verifies anyway), as PyJWT prepares the key first.
        if served is not None and served.alg_error is not None:
            return InvalidAlgorithmError(served.alg_error)
        if served is not None and served.key_error is not None:
            return InvalidKeyError(served.key_error)
        if st == TJ_ERR_KEY_UNUSABLE and res.key_index >= 0 and served is None:
            kid = v._set_kids[res.key_index]
            alg = _tape_object(res.header, tape).get("alg")
            return InvalidKeyError(f"The key {kid.decode('utf-8', 'replace') if kid else None!r} "
                                   f"of the key set cannot be used with {alg}")
    if st == TJ_ERR_KID_UNKNOWN:
        kid = _tape_string(res.header, &tape[res.detail], False)
        refusal = v._refused_kids.get(kid)
        if refusal is not None:
            return InvalidKeyError(refusal)
        return UnknownKeyError(f"No usable key of the key set has kid {kid!r}")
    if st == TJ_ERR_HEADER_JSON or st == TJ_ERR_PAYLOAD_JSON:
        msg = f"{msg}: {tj_json_status_message(<tj_json_status>res.detail).decode()}"
    elif st == TJ_ERR_CRIT_UNSUPPORTED or st == TJ_ERR_CRIT_MISSING:
        ext = _tape_string(res.header, &tape[res.detail], False)
        if st == TJ_ERR_CRIT_UNSUPPORTED:
            msg = f"Unsupported critical extension: {ext}"
        else:
            msg = f"Critical extension '{ext}' is missing from headers"
    elif st == TJ_ERR_TOKEN_TOO_LARGE:
        msg = f"{msg} ({v.max_token_length} bytes)"
    elif st == TJ_ERR_NOMEM:
        return MemoryError()
    elif st == TJ_ERR_INTERNAL:
        return PyJWTError(f"OpenSSL failed unexpectedly: {msg}")
    cls = _STATUS_EXCEPTION.get(st, DecodeError)
    return cls(msg)


include "_keys.pxi"
include "_ed448.pxi"  # Ed448 without backend support
include "_jsonwrite.pxi"
include "_sign.pxi"


# ---------------------------------------------------------------- verifier

cdef inline int _str_list(list src, tj_str *dst) except -1:
    """Point dst[i] at the UTF-8 bytes objects in src (kept alive by the caller)."""
    cdef Py_ssize_t i
    for i in range(len(src)):
        dst[i].ptr = PyBytes_AS_STRING(<bytes>src[i])
        dst[i].len = <size_t>PyBytes_GET_SIZE(<bytes>src[i])
    return 0


cdef list _utf8_strings(values, list sources):
    """UTF-8 of the str items of values; other items can never equal a JSON
    string. sources gets each item encoded, index for index with the result."""
    cdef list out = []
    for v in values:
        if isinstance(v, str):
            try:
                out.append((<str>v).encode("utf-8"))
            except UnicodeEncodeError:
                continue    # a lone surrogate: no valid token string equals it
            sources.append(v)
    return out


cdef class Verifier:
    """A prepared verifier: key, allowed algorithms and claim policy compiled once.

    ``Verifier(key, algorithms=["HS256"], audience=..., issuer=..., subject=...,
    leeway=0, options=None)`` takes the arguments of :func:`turbojwt.decode`
    (with PyJWT 2.15's meaning) and checks them now, so a misconfiguration
    fails here rather than on the first token. ``key`` is an HMAC secret, a
    public key (PEM, DER, OpenSSH, ``cryptography`` object, PreparedKey), a
    PyJWK, or a key set (PyJWKSet or a JWKS dict), from which the token's
    ``kid`` picks the key. ``decode(token)`` then verifies a
    token and returns its claims; it is safe to call from many threads at once.
    The configuration is fixed once built (calling ``__init__`` again raises
    TypeError).
    """
    # Its C attributes and methods are declared in _core.pxd.

    def __cinit__(self):
        self.c_algs = NULL
        self.c_audience = NULL
        self.c_issuers = NULL
        self.c_require = NULL
        self.c_keys = NULL
        self.c_key_algs = NULL

    def __dealloc__(self):
        tj_header_memo_free(self.policy.memo)
        free(self.c_keys)
        free(self.c_key_algs)
        free(self.c_algs)
        free(self.c_audience)
        free(self.c_issuers)
        free(self.c_require)

    def __init__(self, key=None, algorithms=None, *, options=None, audience=None, issuer=None,
                 subject=None, leeway=0, max_token_length=None, cache=0):
        cdef dict merged
        cdef unsigned flags = 0
        cdef bint verify_sig
        # The C policy points into objects this call keeps; a second call would
        # drop them under a policy that other threads may be reading.
        if self._initialized:
            raise TypeError("a Verifier is initialized once: build a new one instead")
        self._initialized = True
        # ---- remote key set (RemoteJWKSet, see _remote_verifier.py): keys follow the set's generations
        delegate = getattr(key, "_tj_verifier_delegate", None)
        if delegate is not None:
            self._remote = delegate(key, algorithms, dict(
                options=options, audience=audience, issuer=issuer, subject=subject, leeway=leeway,
                max_token_length=max_token_length, cache=cache))
            (self.options, self.algorithms, self.audience, self.issuer, self.subject, self.leeway,
             self.max_token_length) = self._remote.settings
            return
        # ---- end remote key set
        merged = _merge_options(options)
        verify_sig = bool(merged["verify_signature"])
        self.options = merged
        self._keep = []
        self._python_claims = False

        if verify_sig:
            flags |= TJ_VERIFY_SIGNATURE
        for name, bit in _CLAIM_FLAGS:
            if merged[name]:
                flags |= bit
        if merged.get("strict_aud", False):
            flags |= TJ_STRICT_AUD

        # leeway: seconds, or a timedelta (PyJWT accepts both)
        if isinstance(leeway, _datetime.timedelta):
            self.leeway = leeway.total_seconds()
        elif isinstance(leeway, (int, float)):
            self.leeway = float(leeway)
        else:
            raise TypeError(f"leeway must be a number of seconds or a timedelta, not {type(leeway).__name__}")
        if not isfinite(self.leeway):
            _check_leeway(self.leeway)      # raises ValueError: a check must never fail open

        if max_token_length is None:
            self.max_token_length = TJ_DEFAULT_MAX_TOKEN_LEN
        else:
            if not 0 < max_token_length <= TJ_HARD_MAX_TOKEN_LEN:
                raise ValueError(f"max_token_length must be in 1..{TJ_HARD_MAX_TOKEN_LEN}")
            self.max_token_length = max_token_length

        self._setup_audience(audience, &flags)
        self._setup_issuer(issuer, &flags)
        self._setup_subject(subject, &flags)
        self._setup_require(merged["require"])
        if verify_sig:
            self._setup_algorithms(key, algorithms, bool(merged.get("enforce_minimum_key_length", False)))
        else:
            self.algorithms = tuple(algorithms or ())
            self._allowed = []
            self._refused_kids = {}
        if self._python_claims:
            flags |= TJ_CLAIMS_IN_PYTHON

        if cache:
            if cache < 0:
                raise ValueError("cache must be a number of tokens (0 for none)")
            self._cache = _TokenCache(cache)
        self.policy.flags = flags
        self.policy.leeway = self.leeway
        self.policy.max_token_len = <size_t>self.max_token_length
        self.policy.algs = self.c_algs
        self.policy.n_algs = len(self._allowed)
        if self.policy.memo == NULL:
            # Headers of verified tokens, remembered decoded (jws.h); NULL on
            # out of memory only costs the parsing it would have saved.
            self.policy.memo = tj_header_memo_new()

    cdef _setup_audience(self, audience, unsigned *flags):
        cdef list values
        self.audience = audience
        if audience is None:
            return
        cdef list sources = []
        if isinstance(audience, str):
            values = _utf8_strings([audience], sources)
            flags[0] |= TJ_AUDIENCE_SET | TJ_AUDIENCE_IS_STR
        elif isinstance(audience, _Iterable):
            # Materialize once: an iterator would be consumed by the first token.
            self.audience = list(audience)
            values = _utf8_strings(self.audience, sources)
            flags[0] |= TJ_AUDIENCE_SET
        else:
            raise TypeError("audience must be a string, iterable or None")
        _expected_set(self.expected.aud, self._keep, sources)
        self.c_audience = <tj_str *>malloc(sizeof(tj_str) * (len(values) + 1))
        if self.c_audience == NULL:
            raise MemoryError()
        _str_list(values, self.c_audience)
        self._keep.append(values)
        self.policy.audience = self.c_audience
        self.policy.n_audience = len(values)

    cdef _setup_issuer(self, issuer, unsigned *flags):
        cdef list values
        self.issuer = issuer
        if issuer is None:
            return
        cdef list sources = []
        if isinstance(issuer, str):
            values = _utf8_strings([issuer], sources)
        elif isinstance(issuer, (list, tuple, set, frozenset)):
            values = _utf8_strings(issuer, sources)
        else:
            # Any other container: PyJWT's `iss in issuer` semantics, in Python.
            self._python_claims = True
            return
        flags[0] |= TJ_ISSUER_SET
        _expected_set(self.expected.iss, self._keep, sources)
        self.c_issuers = <tj_str *>malloc(sizeof(tj_str) * (len(values) + 1))
        if self.c_issuers == NULL:
            raise MemoryError()
        _str_list(values, self.c_issuers)
        self._keep.append(values)
        self.policy.issuers = self.c_issuers
        self.policy.n_issuers = len(values)

    cdef _setup_subject(self, subject, unsigned *flags):
        cdef bytes s
        self.subject = subject
        if subject is None:
            return
        if not isinstance(subject, str):
            self._python_claims = True
            return
        try:
            s = (<str>subject).encode("utf-8")
        except UnicodeEncodeError:
            self._python_claims = True
            return
        self._keep.append(s)
        self.policy.subject.ptr = PyBytes_AS_STRING(s)
        self.policy.subject.len = <size_t>PyBytes_GET_SIZE(s)
        flags[0] |= TJ_SUBJECT_SET

    cdef _setup_require(self, require):
        cdef list values
        self._require = list(require)
        if not all(isinstance(c, str) for c in self._require):
            self._python_claims = True
            return
        try:
            values = [(<str>c).encode("utf-8") for c in self._require]
        except UnicodeEncodeError:
            self._python_claims = True
            return
        self.c_require = <tj_str *>malloc(sizeof(tj_str) * (len(values) + 1))
        if self.c_require == NULL:
            raise MemoryError()
        _str_list(values, self.c_require)
        self._keep.append(values)
        self.policy.require = self.c_require
        self.policy.n_require = len(values)

    cdef _setup_algorithms(self, key, algorithms, bint enforce_min_length):
        """Compile the allow-list and the key (a key, a PyJWK, or a key set) into the C policy."""
        if _resolve_key is not None:
            # PyJWT's reading of the key (turbojwt.api_jwk.resolve_key): JWK and
            # JWKS dicts become a PyJWK or PyJWKSet, which bring their algorithms.
            key, algorithms = _resolve_key(key, algorithms)
        cdef bint jwk = isinstance(key, _JWK_TYPES)
        if not algorithms and not jwk:
            # An explicitly empty allow-list with a PyJWK stays empty and
            # accepts nothing, as in PyJWT (it substitutes only for None).
            raise DecodeError(
                    'It is required that you pass in a value for the "algorithms" argument when calling decode().'
                )
        if isinstance(algorithms, str):
            # PyJWT tests `alg in algorithms`; on a str that is a substring
            # test ("S25" would pass). Take the string as the one name.
            algorithms = [algorithms]
        self.algorithms = tuple(algorithms)
        names = [n for n in self.algorithms if isinstance(n, str)]   # others never equal a header's alg
        self._any_weak = False
        self._release_gil = False
        self._refused_kids = {}
        if jwk and isinstance(key, _PyJWKSet):
            self._setup_key_set(key, names, enforce_min_length)
            # The allow-list itself only names algorithms; keys come from the set.
            self._allowed = [_new_allowed(n) for n in names]
        elif jwk:
            self._allowed = [_jwk_allowed_alg(n, key, enforce_min_length) for n in names]
        else:
            prepared = {}
            self._allowed = [_allowed_alg(n, key, prepared, enforce_min_length) for n in names]
        self.c_algs = self._c_alg_array(self._allowed)

    cdef _setup_key_set(self, key_set, list names, bint enforce_min_length):
        """One entry per usable key of the set, with the algorithms it may verify."""
        cdef Py_ssize_t i, k, total = 0
        cdef tj_allowed_alg *arr
        self._set_kids = []
        self._set_allowed = []
        for jwk in key_set.keys:
            refusal = jwk.verification_refusal
            if refusal is not None:
                self._refused_kids[jwk.key_id] = refusal
                continue
            if "alg" in jwk._jwk_data:
                # The JWK names its algorithm: it verifies that one only.
                mine = [n for n in names if n == jwk.algorithm_name]
            else:
                mine = [n for n in names if _key_serves(jwk.key, n)]
            self._set_kids.append(jwk.key_id.encode("utf-8", "surrogatepass") if isinstance(jwk.key_id, str) else None)
            self._set_allowed.append([_allowed_alg(n, jwk.key, None, enforce_min_length) for n in mine])
        self.c_keys = <tj_set_key *>malloc(sizeof(tj_set_key) * (len(self._set_kids) + 1))
        for allowed in self._set_allowed:
            total += len(allowed)
        self.c_key_algs = <tj_allowed_alg *>malloc(sizeof(tj_allowed_alg) * (total + 1))
        if self.c_keys == NULL or self.c_key_algs == NULL:
            raise MemoryError()
        arr = self.c_key_algs
        for i in range(len(self._set_kids)):
            kid = self._set_kids[i]
            self.c_keys[i].kid.ptr = PyBytes_AS_STRING(kid) if kid is not None else NULL
            self.c_keys[i].kid.len = <size_t>PyBytes_GET_SIZE(kid) if kid is not None else 0
            self.c_keys[i].algs = arr
            self.c_keys[i].n_algs = len(self._set_allowed[i])
            for k in range(len(self._set_allowed[i])):
                self._fill_c_alg(&arr[k], self._set_allowed[i][k])
            arr += len(self._set_allowed[i])
        self.policy.keys = self.c_keys
        self.policy.n_keys = len(self._set_kids)

    cdef tj_allowed_alg *_c_alg_array(self, list allowed) except NULL:
        cdef Py_ssize_t i
        cdef tj_allowed_alg *arr = <tj_allowed_alg *>malloc(sizeof(tj_allowed_alg) * (len(allowed) + 1))
        if arr == NULL:
            raise MemoryError()
        for i in range(len(allowed)):
            self._fill_c_alg(&arr[i], allowed[i])
        return arr

    cdef _fill_c_alg(self, tj_allowed_alg *c, _AllowedAlg a):
        c.name.ptr = PyBytes_AS_STRING(a.name_utf8)
        c.name.len = <size_t>PyBytes_GET_SIZE(a.name_utf8)
        c.alg = a.alg
        c.key = a.key.key if a.key is not None else NULL
        if a.weak_key is not None:
            self._any_weak = True
        if tj_alg_family(a.alg) not in (TJ_FAMILY_HMAC, TJ_FAMILY_NONE):
            # Public-key verification takes microseconds: let other threads run meanwhile
            # (when there are any: gil_release.h).
            self._release_gil = True

    cdef _AllowedAlg _served_by(self, const tj_decoded *res):
        """The _AllowedAlg whose key served (or refused) the token, or None."""
        if res.alg_index < 0:
            return None
        if res.key_index >= 0:
            return self._set_allowed[res.key_index][res.alg_index]
        return self._allowed[res.alg_index]

    def decode(self, jwt, detached_payload=None, *, now=None):
        """Verify ``jwt`` (str or bytes) and return its claims as a dict.

        Raises a subclass of InvalidTokenError (or InvalidKeyError) naming what
        was wrong; never returns an unverified payload. With ``cache=N``, a
        token seen verified before skips the signature (its claims are checked
        again against the current clock). ``now`` (epoch seconds or an aware
        datetime) checks exp, nbf and iat as of that time instead of the clock.
        """
        if self._remote is not None:
            return self._remote.run(Verifier.decode, jwt, detached_payload, now)
        if now is not None:
            return _decode_at(self, jwt, detached_payload, _reference_time(now), MODE_CLAIMS)
        if detached_payload is None:
            return _decode_claims(self, jwt)
        return _run(self, jwt, detached_payload, MODE_CLAIMS)

    def decode_complete(self, jwt, detached_payload=None, *, now=None):
        """Like :meth:`decode`, but return ``{"payload", "header", "signature"}``."""
        if self._remote is not None:
            return self._remote.run(Verifier.decode_complete, jwt, detached_payload, now)
        if now is not None:
            return _decode_at(self, jwt, detached_payload, _reference_time(now), MODE_COMPLETE)
        return _run(self, jwt, detached_payload, MODE_COMPLETE)

    # ---- async and lifetime (for a RemoteJWKSet; see _remote_verifier.py)
    def decode_async(self, jwt, detached_payload=None):
        """:meth:`decode` for ``async def`` code (a coroutine): a key-set fetch it needs is awaited, never blocks the loop.

        The verification itself runs on the loop's thread (it takes microseconds).
        """
        if self._remote is not None:
            return self._remote.run_async(Verifier.decode, jwt, detached_payload)
        return _now_async(Verifier.decode, self, jwt, detached_payload)

    def decode_complete_async(self, jwt, detached_payload=None):
        """:meth:`decode_complete` for ``async def`` code (a coroutine; see :meth:`decode_async`)."""
        if self._remote is not None:
            return self._remote.run_async(Verifier.decode_complete, jwt, detached_payload)
        return _now_async(Verifier.decode_complete, self, jwt, detached_payload)

    @property
    def key_set(self):
        """The RemoteJWKSet this verifier reads its keys from, or None."""
        return None if self._remote is None else self._remote.keys

    def close(self):
        """Stop the RemoteJWKSet's background thread (nothing to do for static keys)."""
        if self._remote is not None:
            self._remote.keys.close()

    async def aclose(self):
        """:meth:`close` without blocking the event loop."""
        if self._remote is not None:
            await self._remote.keys.aclose()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        await self.aclose()
    # ---- end async and lifetime

    @property
    def _remembered_headers(self):
        """How many header segments the core remembers decoded (at most 4; for tests)."""
        return tj_header_memo_count(self.policy.memo)

    @property
    def cache_info(self):
        """``(hits, misses, entries)`` of the verified-token cache; ``(0, 0, 0)`` without one."""
        if self._remote is not None:
            return self._remote.current().cache_info
        if self._cache is None:
            return (0, 0, 0)
        c = <_TokenCache>self._cache
        return (c.hits, c.misses, len(c))

    def decode_many(self, tokens, threads=None, *, now=None):
        """Verify many tokens; a list, in input order, of claims dicts or exception instances.

        The C core runs with the GIL released, each chunk of tokens split across
        ``threads`` threads (default: the number of cores; at most 64 are
        used); each result is what :meth:`decode` would return, or the
        exception it would raise. ``tokens`` must be an iterable of tokens: a
        single str or bytes raises TypeError. ``now`` is one reference time for
        every token, or a sequence with one per token (a log's request times),
        as for :meth:`decode`.
        """
        if self._remote is not None:
            return self._remote.current().decode_many(tokens, threads, now=now)
        return _decode_many(self, tokens, threads, False, now)

    def verify_many(self, tokens, threads=None, *, now=None):
        """Like :meth:`decode_many` without building claims: ``(valid, reason)`` per token.

        ``reason`` is ``"ok"`` or the name of the exception class :meth:`decode`
        would raise (for auditing logs, where the claims are not needed).
        """
        if self._remote is not None:
            return self._remote.current().verify_many(tokens, threads, now=now)
        return _decode_many(self, tokens, threads, True, now)

    def decode_jws(self, jwt, detached_payload=None):
        """Verify the JWS layer only: ``{"payload": bytes, "header": dict, "signature": bytes}``.

        The payload is not parsed and no claim is checked (PyJWT's ``PyJWS.decode_complete``).
        """
        if self._remote is not None:
            return self._remote.run(Verifier.decode_jws, jwt, detached_payload)
        return _run(self, jwt, detached_payload, MODE_JWS)

    def __repr__(self):
        return f"<turbojwt.Verifier algorithms={list(self.algorithms)!r}>"


async def _now_async(method, Verifier verifier, jwt, detached_payload):
    """Verifier.decode_async without a remote key set: nothing to wait for."""
    return method(verifier, jwt, detached_payload)


# ---------------------------------------------------------------- decoding

cdef enum:
    MODE_CLAIMS = 0
    MODE_COMPLETE = 1
    MODE_HEADER = 2
    MODE_JWS = 3        # the JWS layer only: payload bytes, no JSON, no claims


cdef extern from "Python.h":
    bint PyUnicode_IS_COMPACT_ASCII(object o)


cdef inline int _token_bytes(object jwt, const uint8_t **p, Py_ssize_t *n) except -1:
    cdef const char *s
    if type(jwt) is str and PyUnicode_IS_COMPACT_ASCII(jwt):
        # Nearly every token: its characters are its UTF-8 bytes, no call and
        # no exception handling needed.
        p[0] = <const uint8_t *>PyUnicode_DATA(jwt)
        n[0] = PyUnicode_GET_LENGTH(jwt)
        return 0
    if isinstance(jwt, str):
        try:
            s = PyUnicode_AsUTF8AndSize(jwt, n)
        except UnicodeEncodeError:
            raise DecodeError("Invalid token: not encodable as UTF-8 (lone surrogate)") from None
        p[0] = <const uint8_t *>s
    elif isinstance(jwt, bytes):
        p[0] = <const uint8_t *>PyBytes_AS_STRING(jwt)
        n[0] = PyBytes_GET_SIZE(jwt)
    else:
        raise DecodeError(f"Invalid token type. Token must be a {bytes}")
    return 0


cdef object _run(Verifier v, object jwt, object detached, int mode, object at=None):
    cdef const uint8_t *tok = NULL
    cdef const uint8_t *det = NULL
    cdef Py_ssize_t n = 0, dn = 0
    cdef uint8_t stack_buf[STACK_BUF]
    cdef tj_json_entry stack_tape[STACK_TAPE]
    cdef tj_workspace ws
    cdef tj_decoded res
    cdef size_t need_buf
    cdef uint32_t need_tape
    cdef bint heap = False
    cdef tj_policy header_policy
    cdef const tj_policy *pol = &v.policy
    cdef double now
    cdef object claims, header, err
    cdef _AllowedAlg served

    _token_bytes(jwt, &tok, &n)
    if detached is not None:
        if not isinstance(detached, bytes):
            raise TypeError(f"detached_payload must be bytes, not {type(detached).__name__}")
        det = <const uint8_t *>PyBytes_AS_STRING(detached)
        dn = PyBytes_GET_SIZE(detached)
    if <size_t>n > <size_t>v.max_token_length or <size_t>dn > <size_t>v.max_token_length - <size_t>n:
        raise DecodeError(f"Token is larger than the configured maximum ({v.max_token_length} bytes)")
    if mode == MODE_HEADER or mode == MODE_JWS:
        header_policy = v.policy
        header_policy.flags = TJ_HEADER_ONLY if mode == MODE_HEADER else (
            (v.policy.flags & TJ_VERIFY_SIGNATURE) | TJ_SKIP_PAYLOAD)
        pol = &header_policy

    if not _stack_workspace(&ws, stack_buf, stack_tape, <size_t>n, <size_t>dn, det != NULL):
        # Bounded by max_token_length, checked above: the token's size, not
        # its content, sizes this block.
        heap = True
        tj_workspace_need(<size_t>n, <size_t>dn, det != NULL, &need_buf, &need_tape)
        ws.buf = <uint8_t *>malloc(need_buf)
        ws.tape = <tj_json_entry *>malloc(need_tape * sizeof(tj_json_entry))
        if ws.buf == NULL or ws.tape == NULL:
            free(ws.buf)
            free(ws.tape)
            raise MemoryError()
        ws.buf_cap = need_buf
        ws.tape_cap = need_tape
    try:
        now = tj_now() if at is None else <double>at
        # No Python object is touched inside tj_decode: it reads the token's
        # immutable buffer (kept alive by our reference) and the verifier's
        # read-only C policy, and writes only to ws and res.
        if (v._release_gil and tj_other_python_threads()) or n > 16384:
            with nogil:
                tj_decode(pol, tok, <size_t>n, det, <size_t>dn, now, &ws, &res)
        else:
            tj_decode(pol, tok, <size_t>n, det, <size_t>dn, now, &ws, &res)

        if v._any_weak:
            served = v._served_by(&res)
            if served is not None and served.weak_key is not None:
                _warnings.warn(served.weak_key, InsecureKeyLengthWarning, stacklevel=1)

        if res.status == TJ_OK and mode == MODE_CLAIMS:
            try:
                claims = _tape_claims(res.payload, ws.tape + res.payload_root, &v.expected)
            except ValueError as exc:
                raise DecodeError(f"Invalid payload string: {exc}") from None
            if v._cache is not None and detached is None:
                _cache_store(v, jwt, res.payload, res.payload_len, claims)
            return claims

        if res.status != TJ_OK and res.status != TJ_DEFER_CLAIMS:
            raise _exception_for(v, &res, ws.tape)

        try:
            header = _tape_object(res.header, ws.tape)
        except ValueError as exc:
            raise DecodeError(f"Invalid header string: {exc}") from None
        if mode == MODE_HEADER:
            return header
        if mode == MODE_JWS:
            return {
                "payload": PyBytes_FromStringAndSize(<const char *>res.payload, res.payload_len),
                "header": header,
                "signature": PyBytes_FromStringAndSize(<const char *>res.signature, res.signature_len),
            }
        try:
            claims = _tape_claims(res.payload, ws.tape + res.payload_root, &v.expected)
        except ValueError as exc:
            raise DecodeError(f"Invalid payload string: {exc}") from None
        if res.status == TJ_DEFER_CLAIMS:
            _validate_claims(claims, v.options, v.audience, v.issuer, v.subject, v.leeway, now)
        if mode == MODE_CLAIMS:
            if v._cache is not None and detached is None:
                _cache_store(v, jwt, res.payload, res.payload_len, claims)
            return claims
        return {
            "payload": claims,
            "header": header,
            "signature": PyBytes_FromStringAndSize(<const char *>res.signature, res.signature_len),
        }
    finally:
        if heap:
            free(ws.buf)
            free(ws.tape)


cdef inline object _new_reference(PyObject *obj):
    """The object of a new reference, taking that reference over."""
    cdef object o = <object>obj       # Cython adds a reference here...
    Py_DECREF(o)                      # ...so drop the one obj carried
    return o


cdef object _run_hmac_claims(Verifier v, object jwt):
    """Verifier.decode's common case, kept small (about 1% of an HS256 decode):
    a verifier that keeps the GIL (HMAC keys, or no signature check), no
    detached payload, no cache, no key-length warning, a token that fits the
    stack workspace. Anything else, and claims the core leaves to Python, go
    through _run."""
    cdef const uint8_t *tok = NULL
    cdef Py_ssize_t n = 0
    cdef uint8_t stack_buf[STACK_BUF]
    cdef tj_json_entry stack_tape[STACK_TAPE]
    cdef tj_workspace ws
    cdef tj_decoded res
    cdef PyObject *claims
    _token_bytes(jwt, &tok, &n)
    if <size_t>n > <size_t>v.max_token_length or not _stack_workspace(&ws, stack_buf, stack_tape, <size_t>n, 0, False):
        return _run(v, jwt, None, MODE_CLAIMS)
    tj_decode(&v.policy, tok, <size_t>n, NULL, 0, tj_now(), &ws, &res)
    if res.status == TJ_DEFER_CLAIMS:
        return _run(v, jwt, None, MODE_CLAIMS)     # claims Python must check: decoded again there
    if res.status != TJ_OK:
        raise _exception_for(v, &res, ws.tape)
    claims = tj_py_claims_ref(res.payload, ws.tape + res.payload_root, &v.expected)
    if claims == NULL:
        # Rare (an integer past Python's digit limit, no memory): build it
        # again where the error becomes the DecodeError _run would raise.
        PyErr_Clear()
        return _run(v, jwt, None, MODE_CLAIMS)
    return _new_reference(claims)


cdef inline object _decode_claims(Verifier v, object jwt):
    """Verifier.decode without a detached payload: through the token cache, the
    small HMAC path, or _run."""
    if v._cache is not None:
        return _decode_cached(v, jwt)
    if not v._release_gil and not v._any_weak:
        return _run_hmac_claims(v, jwt)
    return _run(v, jwt, None, MODE_CLAIMS)


cdef Verifier _HEADER_READER = Verifier(None, options={"verify_signature": False})


def get_unverified_header(jwt):
    """Return the token's header as a dict, without verifying anything else.

    The header is checked for structure (base64url, JSON object, no duplicate
    names, ``kid`` a string, ``crit`` rules), but the signature is not
    checked: do not trust what it says before verification.
    """
    return _run(_HEADER_READER, jwt, None, MODE_HEADER)


include "_batch.pxi"
include "_cache.pxi"
include "_arrow.pxi"      # turbojwt.arrow's C side (issue 13)
include "_backend.pxi"  # backend_version()


cdef object _decode_at(Verifier v, object jwt, object detached, double now, int mode):
    """Verifier.decode(_complete) with now=: as of a given time (issue 13)."""
    if v._cache is not None and detached is None and mode == MODE_CLAIMS:
        return _decode_cached(v, jwt, now)
    return _run(v, jwt, detached, mode, now)


# ---------------------------------------------------------------- drop-in decode

# The module-level decode prepares a Verifier per distinct (key, algorithms,
# options, audience, issuer, subject, leeway) and keeps the most recently
# prepared ones, so code written for PyJWT gets prepared keys without changes.
cdef enum:
    VERIFIER_CACHE_SIZE = 128
cdef dict _verifier_cache = {}
cdef object _UNCACHEABLE = object()


cdef object _freeze(object value):
    """A hashable stand-in with the same meaning for a decode argument, or _UNCACHEABLE."""
    if value is None or isinstance(value, (str, bytes, int, float, _datetime.timedelta)):
        return value
    if isinstance(value, (list, tuple)):
        frozen = tuple([_freeze(v) for v in value])
        for v in frozen:
            if v is _UNCACHEABLE:
                return _UNCACHEABLE
        return (type(value) is list, frozen)
    if isinstance(value, (set, frozenset)):
        try:
            return frozenset(value)
        except TypeError:
            return _UNCACHEABLE
    if isinstance(value, dict):
        items = tuple([(k, _freeze(v)) for k, v in (<dict>value).items()])
        for _, v in items:
            if v is _UNCACHEABLE:
                return _UNCACHEABLE
        return ("dict", items)
    return _UNCACHEABLE


cdef inline bint _plain(object value):
    """None, a str, or a number: hashable, immutable, and equal only when the meaning is equal."""
    return value is None or type(value) is str or type(value) is int or type(value) is float


cdef Verifier _verifier_for(key, algorithms, options, audience, issuer, subject, leeway):
    cdef object cache_key
    cdef Verifier v
    # Fast path for the common call shape (str/bytes key, list of names, no
    # options, plain audience/issuer/subject/leeway): a short tuple, no freezing.
    # Its keys are 6-tuples and the general path's are 8-tuples, so they never collide.
    if (options is None and (type(key) is str or type(key) is bytes) and type(algorithms) is list
            and _plain(audience) and _plain(issuer) and _plain(subject) and _plain(leeway)):
        try:
            cache_key = (key, tuple(algorithms), audience, issuer, subject, leeway)
            found = _verifier_cache.get(cache_key)
        except TypeError:       # an unhashable algorithm name
            cache_key = None
            found = None
        if found is not None:
            return <Verifier>found
        if cache_key is not None:
            v = Verifier(key, algorithms, options=options, audience=audience, issuer=issuer,
                         subject=subject, leeway=leeway)
            _remember(cache_key, v)
            return v
    cdef tuple parts = (type(key), _freeze_key(key), _freeze(algorithms), _freeze(options),
                        _freeze(audience), _freeze(issuer), _freeze(subject), _freeze(leeway))
    for part in parts:
        if part is _UNCACHEABLE:
            return Verifier(key, algorithms, options=options, audience=audience, issuer=issuer,
                            subject=subject, leeway=leeway)
    found = _verifier_cache.get(parts)
    if found is not None and (<Verifier>found)._source_key is key:
        return <Verifier>found
    v = Verifier(key, algorithms, options=options, audience=audience, issuer=issuer,
                 subject=subject, leeway=leeway)
    # The cache holds the key object itself, so an identity-keyed entry's id
    # cannot be reused by another object while the entry lives.
    v._source_key = key
    _remember(parts, v)
    return v


cdef object _freeze_key(object key):
    """A hashable stand-in for a key with the same meaning, or _UNCACHEABLE.

    ``cryptography`` key objects are immutable but neither hashable nor
    weak-referenceable: they are cached by identity (the entry keeps the
    object alive). Mutable unhashable keys (a JWKS dict) are not cached.
    """
    if isinstance(key, (str, bytes)):
        return key
    if type(key).__module__.startswith("cryptography."):
        return ("id", id(key))
    try:
        hash(key)
    except TypeError:
        return _UNCACHEABLE
    return key


cdef _remember(object cache_key, Verifier v):
    if len(_verifier_cache) >= VERIFIER_CACHE_SIZE:
        # Drop the oldest entry (dicts keep insertion order). Another thread
        # may be evicting at the same moment: losing that race is harmless.
        try:
            _verifier_cache.pop(next(iter(_verifier_cache)), None)
        except (RuntimeError, StopIteration):
            pass
    _verifier_cache[cache_key] = v


def cached_verifier(key, algorithms=None, options=None, audience=None, issuer=None, subject=None, leeway=0):
    """The Verifier the module-level decode uses for these arguments (prepared once, then cached)."""
    return _verifier_for(key, algorithms, options, audience, issuer, subject, leeway)


def clear_cache():
    """Forget every Verifier that the module-level decode prepared."""
    global _last_call
    _verifier_cache.clear()
    _last_call = None


# The general path of the module-level decode (turbojwt._pyjwt_compat sets it
# at import): deprecated arguments, the Python algorithm registry. The binding
# does not import that module (it imports this one).
cdef object _general_path = None
# Set by _pyjwt_compat.use_python_algorithms: every call takes the general path.
cdef bint _all_calls_general = False


def _set_general_path(fn):
    """Install turbojwt._pyjwt_compat's general path of decode (called once, at its import)."""
    global _general_path
    _general_path = fn


def _route_all_calls(bint flag):
    """Send every module-level decode through the general path (True) or only the calls the binding cannot finish."""
    global _all_calls_general
    _all_calls_general = flag


# The arguments and Verifier of the last call of the common shape (see
# _verifier_for_plain), as one tuple so that a reader always sees one call's
# whole entry: (key, algorithm, audience, issuer, subject, leeway, verifier).
cdef object _last_call = None


cdef inline bint _same_plain(object a, object b):
    """a and b are the same plain value (None, str, bytes or a number: see _plain)."""
    return a is b or (type(a) is type(b) and a == b)


cdef Verifier _verifier_for_plain(object key, list algorithms, object audience, object issuer,
                                  object subject, object leeway):
    """The cached Verifier for the common call shape (a str or bytes key, a list of
    one algorithm name, plain audience/issuer/subject/leeway), or None.

    Application code repeats one call: the last one's entry is compared first,
    item by item (no tuple built, nothing hashed); then the cache's 6-tuple."""
    global _last_call
    cdef tuple last = <tuple>_last_call if _last_call is not None else None
    cdef object alg = algorithms[0]
    if (last is not None and _same_plain(key, last[0]) and _same_plain(alg, last[1])
            and _same_plain(audience, last[2]) and _same_plain(issuer, last[3])
            and _same_plain(subject, last[4]) and _same_plain(leeway, last[5])):
        return <Verifier>last[6]
    if type(alg) is not str:
        return None
    v = _verifier_for(key, algorithms, None, audience, issuer, subject, leeway)
    _last_call = (key, alg, audience, issuer, subject, leeway, v)
    return v


def decode_complete(jwt, key="", algorithms=None, options=None, verify=None, detached_payload=None,
                    audience=None, issuer=None, subject=None, leeway=0, **kwargs):
    """Verify ``jwt`` and return ``{"payload": claims, "header": header, "signature": bytes}``.

    The same arguments and checks as :func:`decode`.
    """
    if kwargs or verify is not None or _all_calls_general:
        return _general_path(True, jwt, key, algorithms, options, verify, detached_payload, audience, issuer,
                             subject, leeway, kwargs)
    cdef Verifier v = _verifier_for(key, algorithms, options, audience, issuer, subject, leeway)
    return _run(v, jwt, detached_payload, MODE_COMPLETE)


def decode(jwt, key="", algorithms=None, options=None, verify=None, detached_payload=None,
           audience=None, subject=None, issuer=None, leeway=0, **kwargs):
    """turbojwt.decode for any call: what dropin_call.h does not bind itself comes here."""
    cdef Verifier v = None
    if kwargs or verify is not None or _all_calls_general:
        return _general_path(False, jwt, key, algorithms, options, verify, detached_payload, audience, issuer,
                             subject, leeway, kwargs)
    if (options is None and (type(key) is str or type(key) is bytes) and type(algorithms) is list
            and len(<list>algorithms) == 1 and _plain(audience) and _plain(issuer) and _plain(subject)
            and _plain(leeway)):
        v = _verifier_for_plain(key, <list>algorithms, audience, issuer, subject, leeway)
    if v is None:
        v = _verifier_for(key, algorithms, options, audience, issuer, subject, leeway)
    if detached_payload is None:
        return _decode_claims(v, jwt)
    return _run(v, jwt, detached_payload, MODE_CLAIMS)


# The module-level decode: a builtin whose vectorcall entry (dropin_call.h)
# binds the common call shape itself and calls _dropin_fast; every other call
# goes to the function above (kept as _decode_general_entry; its errors name
# decode()) with its arguments untouched.
cdef object _DECLINE = object()


cdef inline object _dropin_decode(PyObject **slots):
    """decode() for the common call shape, or _DECLINE having done nothing."""
    cdef object key = <object>slots[TJ_DROPIN_KEY]
    cdef object algorithms = <object>slots[TJ_DROPIN_ALGORITHMS]
    cdef object audience = <object>slots[TJ_DROPIN_AUDIENCE] if slots[TJ_DROPIN_AUDIENCE] != NULL else None
    cdef object issuer = <object>slots[TJ_DROPIN_ISSUER] if slots[TJ_DROPIN_ISSUER] != NULL else None
    cdef object subject = <object>slots[TJ_DROPIN_SUBJECT] if slots[TJ_DROPIN_SUBJECT] != NULL else None
    cdef object leeway = <object>slots[TJ_DROPIN_LEEWAY] if slots[TJ_DROPIN_LEEWAY] != NULL else 0
    cdef Verifier v
    if _all_calls_general or not ((type(key) is str or type(key) is bytes) and type(algorithms) is list
                                  and len(<list>algorithms) == 1 and _plain(audience) and _plain(issuer)
                                  and _plain(subject) and _plain(leeway)):
        return _DECLINE
    v = _verifier_for_plain(key, <list>algorithms, audience, issuer, subject, leeway)
    if v is None:
        return _DECLINE
    return _decode_claims(v, <object>slots[TJ_DROPIN_JWT])


cdef PyObject *_dropin_fast(PyObject **slots) except NULL:
    cdef object result = _dropin_decode(slots)
    Py_INCREF(result)           # the new reference dropin_call.h returns to the caller
    return <PyObject *>result


# Its docstring, with the signature line inspect reads (kept alive: the builtin points into it).
cdef bytes _DECODE_DOC = b"""\
decode(jwt, key='', algorithms=None, options=None, verify=None, detached_payload=None, \
audience=None, subject=None, issuer=None, leeway=0, **kwargs)
--

Verify ``jwt`` (str or bytes) and return its claims, as PyJWT 2.15's ``jwt.decode``.

``algorithms`` is the allow-list and is required unless
``options={"verify_signature": False}``. ``audience``, ``issuer``,
``subject`` and ``leeway`` (seconds or a timedelta) set the claim checks;
``options`` takes PyJWT's option names. The prepared key and policy are
cached, so repeated calls with the same arguments run at Verifier speed.
"""
_decode_general_entry = decode
decode = tj_dropin_new(_dropin_fast, _decode_general_entry, _DECLINE, PyBytes_AS_STRING(_DECODE_DOC), __name__)


# ---------------------------------------------------------------- raw primitives
# The prepared primitive alone, with no token around it: HMAC for
# turbojwt.algorithms (and its known-answer tests), strict base64url for
# api_jws. The benchmark loops and test hooks are in turbojwt._testing.

cdef tj_sha _hmac_sha_of(str alg) except *:
    if alg == "HS256":
        return TJ_SHA256
    if alg == "HS384":
        return TJ_SHA384
    if alg == "HS512":
        return TJ_SHA512
    raise ValueError(f"not an HMAC algorithm: {alg!r}")


cdef tj_hmac *_raw_hmac_new(bytes key) except NULL:
    cdef tj_hmac *h = NULL
    if tj_hmac_new(<const uint8_t *>PyBytes_AS_STRING(key), <size_t>PyBytes_GET_SIZE(key), &h) != TJ_OK:
        raise MemoryError()
    return h


def hmac_digest(bytes key, str alg, bytes msg):
    """The HMAC tag of ``msg`` under ``key`` for alg HS256/HS384/HS512, computed by the C core.

    No key policy is applied (empty and short keys are allowed): this is the
    raw primitive, for HMACAlgorithm.sign and known-answer tests.
    """
    cdef tj_sha sha = _hmac_sha_of(alg)
    cdef uint8_t tag[64]
    cdef tj_hmac *h = _raw_hmac_new(key)
    cdef tj_status st = tj_hmac_sign(h, sha, <const uint8_t *>PyBytes_AS_STRING(msg),
                                     <size_t>PyBytes_GET_SIZE(msg), tag)
    tj_hmac_free(h)
    if st != TJ_OK:
        raise PyJWTError("HMAC failed")
    return PyBytes_FromStringAndSize(<const char *>tag, 32 if sha == TJ_SHA256 else 48 if sha == TJ_SHA384 else 64)


def hmac_verify(bytes key, str alg, bytes msg, bytes tag):
    """True when ``tag`` is the HMAC of ``msg`` (constant-time comparison in the core)."""
    cdef tj_sha sha = _hmac_sha_of(alg)
    cdef tj_hmac *h = _raw_hmac_new(key)
    cdef tj_status st = tj_hmac_verify(h, sha, <const uint8_t *>PyBytes_AS_STRING(msg),
                                       <size_t>PyBytes_GET_SIZE(msg),
                                       <const uint8_t *>PyBytes_AS_STRING(tag), <size_t>PyBytes_GET_SIZE(tag))
    tj_hmac_free(h)
    return st == TJ_OK


def b64url_decode(bytes data):
    """Strict base64url decoding by the core (the rule token segments follow); ValueError if invalid."""
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef bytearray out = bytearray(tj_b64url_decoded_bound(<size_t>n))
    cdef size_t got = 0
    if tj_b64url_decode(<const uint8_t *>PyBytes_AS_STRING(data), <size_t>n,
                        <uint8_t *><char *>out, &got) != 0:
        raise ValueError("not strict base64url")
    return bytes(out[:got])
