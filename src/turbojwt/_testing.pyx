# cython: language_level=3
"""turbojwt._testing: benchmark loops and test hooks of the C core.

Nothing in turbojwt imports this module: benchmarks/ times the C core with
its loops (the "limit" columns, the decode breakdown) and tests/ compares the
core's parsers and tables with Python's through its hooks. It links its own
copy of the core (csrc/) and reads a Verifier's and a PreparedKey's C state
through _core.pxd.
"""

from libc.stdint cimport uint8_t, uint32_t
from libc.stdlib cimport malloc, free
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.object cimport PyObject
from cpython.ref cimport Py_XDECREF
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from ._ccore cimport *
from ._cbinding cimport *
from ._core cimport PreparedKey, Verifier, STACK_BUF, STACK_TAPE, _stack_workspace

from ._core import hmac_digest
from .exceptions import PyJWTError

# The shared str objects of the common member names, as _core has them.
tj_name_objs_init()


cdef inline double _elapsed(const timespec *start, const timespec *end) noexcept:
    """Seconds from start to end."""
    return (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9


cdef tj_sha _hmac_sha(str alg) except *:
    cdef bytes name = alg.encode()
    cdef tj_alg a = tj_alg_from_name(name, len(name))
    if a == TJ_ALG_HS256:
        return TJ_SHA256
    if a == TJ_ALG_HS384:
        return TJ_SHA384
    if a == TJ_ALG_HS512:
        return TJ_SHA512
    raise ValueError(f"not an HMAC algorithm: {alg!r}")


def bench_raw_hmac(bytes key, str alg, bytes msg, Py_ssize_t iterations):
    """Seconds taken by ``iterations`` prepared-HMAC verifications of ``msg``, in a C loop.

    The tag verified is the correct one, so each iteration does the full work
    of a successful verification: the limit a token decode can approach.
    """
    cdef tj_sha sha = _hmac_sha(alg)
    cdef bytes tag = hmac_digest(key, alg, msg)
    cdef tj_hmac *h = NULL
    if tj_hmac_new(<const uint8_t *>PyBytes_AS_STRING(key), <size_t>PyBytes_GET_SIZE(key), &h) != TJ_OK:
        raise MemoryError()
    cdef const uint8_t *m = <const uint8_t *>PyBytes_AS_STRING(msg)
    cdef size_t mlen = <size_t>PyBytes_GET_SIZE(msg)
    cdef const uint8_t *t = <const uint8_t *>PyBytes_AS_STRING(tag)
    cdef size_t tlen = <size_t>PyBytes_GET_SIZE(tag)
    cdef timespec a, b
    cdef Py_ssize_t i
    cdef int failures = 0
    with nogil:
        clock_gettime(CLOCK_MONOTONIC, &a)
        for i in range(iterations):
            failures += tj_hmac_verify(h, sha, m, mlen, t, tlen) != TJ_OK
        clock_gettime(CLOCK_MONOTONIC, &b)
    tj_hmac_free(h)
    if failures:
        raise PyJWTError("raw HMAC verification failed in the benchmark loop")
    return _elapsed(&a, &b)


cdef struct _TokenRun:
    uint8_t buf[STACK_BUF]          # the stack workspace of one token
    tj_json_entry tape[STACK_TAPE]
    tj_workspace ws
    tj_decoded res
    const uint8_t *tok              # the token's bytes (kept alive by the caller)
    size_t n


cdef int _token_run_init(_TokenRun *r, bytes token) except -1:
    """Point r at token and at its stack workspace; ValueError if the token does not fit it."""
    r.tok = <const uint8_t *>PyBytes_AS_STRING(token)
    r.n = <size_t>PyBytes_GET_SIZE(token)
    if not _stack_workspace(&r.ws, r.buf, r.tape, r.n, 0, False):
        raise ValueError("token too large for the benchmark's stack workspace")
    return 0


def bench_core_decode(Verifier verifier, bytes token, Py_ssize_t iterations):
    """Seconds taken by ``iterations`` runs of the C core alone (tj_decode: split,
    base64url, JSON, signature and registered claims) on ``token``, in a C loop.

    What a decode costs before any Python object is built; ``token`` must verify.
    """
    cdef _TokenRun r
    cdef timespec a, b
    cdef Py_ssize_t i
    cdef int failures = 0
    _token_run_init(&r, token)
    with nogil:
        clock_gettime(CLOCK_MONOTONIC, &a)
        for i in range(iterations):
            tj_decode(&verifier.policy, r.tok, r.n, NULL, 0, tj_now(), &r.ws, &r.res)
            failures += r.res.status != TJ_OK
        clock_gettime(CLOCK_MONOTONIC, &b)
    if failures:
        raise PyJWTError(f"the token did not verify in the benchmark loop: {tj_status_message(r.res.status).decode()}")
    return _elapsed(&a, &b)


def bench_build_claims(Verifier verifier, bytes token, Py_ssize_t iterations):
    """Seconds taken by ``iterations`` builds (and frees) of ``token``'s claims dict from its tape, in a C loop.

    The token is decoded once (it must verify); each iteration is what
    Verifier.decode does after the core: the dict, its str and int objects,
    and, as the caller dropping the result, their deallocation.
    """
    cdef _TokenRun r
    cdef timespec a, b
    cdef Py_ssize_t i
    cdef PyObject *claims
    _token_run_init(&r, token)
    tj_decode(&verifier.policy, r.tok, r.n, NULL, 0, tj_now(), &r.ws, &r.res)
    if r.res.status != TJ_OK:
        raise PyJWTError(f"the token did not verify: {tj_status_message(r.res.status).decode()}")
    clock_gettime(CLOCK_MONOTONIC, &a)
    for i in range(iterations):
        claims = tj_py_claims_ref(r.res.payload, r.ws.tape + r.res.payload_root, &verifier.expected)
        if claims == NULL:
            raise PyJWTError("the claims dict could not be built")
        Py_XDECREF(claims)
    clock_gettime(CLOCK_MONOTONIC, &b)
    return _elapsed(&a, &b)


def bench_raw_verify(PreparedKey key, str alg, bytes msg, bytes sig, Py_ssize_t iterations):
    """Seconds taken by ``iterations`` verifications of ``sig`` over ``msg`` with a prepared key, in a C loop.

    The same prepared key and C function (tj_key_verify) as a token decode uses,
    with no token around them: the limit for any algorithm. ``sig`` must verify.
    """
    cdef bytes name = alg.encode()
    cdef tj_alg a = tj_alg_from_name(name, len(name))
    cdef const uint8_t *m = <const uint8_t *>PyBytes_AS_STRING(msg)
    cdef size_t mlen = <size_t>PyBytes_GET_SIZE(msg)
    cdef const uint8_t *s = <const uint8_t *>PyBytes_AS_STRING(sig)
    cdef size_t slen = <size_t>PyBytes_GET_SIZE(sig)
    cdef timespec t0, t1
    cdef Py_ssize_t i
    cdef tj_status st = TJ_OK
    with nogil:
        clock_gettime(CLOCK_MONOTONIC, &t0)
        for i in range(iterations):
            st = tj_key_verify(key.key, a, m, mlen, s, slen)
            if st != TJ_OK:
                break
        clock_gettime(CLOCK_MONOTONIC, &t1)
    if st != TJ_OK:
        raise PyJWTError(f"raw verification failed in the benchmark loop: {tj_status_message(st).decode()}")
    return _elapsed(&t0, &t1)


def _c_algorithm_table():
    """The C core's table (csrc/algs.c): {canonical name: key family or None}
    for every algorithm it knows, "none" included. For the test that proves
    turbojwt._policy agrees with it."""
    cdef int a
    families = {TJ_FAMILY_HMAC: "HMAC", TJ_FAMILY_RSA: "RSA", TJ_FAMILY_EC: "EC", TJ_FAMILY_OKP: "OKP",
                TJ_FAMILY_NONE: None}
    return {tj_alg_name(<tj_alg>a).decode(): families[tj_alg_family(<tj_alg>a)]
            for a in range(<int>TJ_ALG_NONE, <int>TJ_ALG_COUNT)}


def _c_canonical_name(str name):
    """The canonical name of the algorithm the C core reads ``name`` as ("" for none)."""
    cdef bytes b = name.encode("utf-8", "surrogatepass")
    return tj_alg_name(tj_alg_from_name(b, len(b))).decode()


def json_loads(bytes doc):
    """The core's JSON parser and tape reader on ``doc`` (any JSON value): what a
    token segment would decode to. ValueError, naming the byte offset, if the
    core rejects the document. For tests comparing the parser with json.loads."""
    cdef size_t n = <size_t>PyBytes_GET_SIZE(doc)
    cdef size_t err_pos = 0
    cdef uint32_t cap = tj_json_tape_bound(n)
    cdef tj_json_tape tape
    cdef tj_json_status st
    cdef uint32_t i
    tape.entries = <tj_json_entry *>malloc(cap * sizeof(tj_json_entry))
    if tape.entries == NULL:
        raise MemoryError()
    tape.cap = cap
    tape.count = 0
    try:
        st = tj_json_parse(<const uint8_t *>PyBytes_AS_STRING(doc), n, &tape, TJ_JSON_MAX_DEPTH, &err_pos)
        if st != TJ_JSON_OK:
            raise ValueError(f"{tj_json_status_message(st).decode()} at byte {err_pos}")
        i = 0
        return tj_py_value(<const uint8_t *>PyBytes_AS_STRING(doc), tape.entries, &i)
    finally:
        free(tape.entries)


def bench_raw_sign(PreparedKey key, str alg, bytes msg, Py_ssize_t iterations):
    """Seconds taken by ``iterations`` signatures of ``msg`` with a prepared private key, in a C loop.

    The same prepared key and C function (tj_key_sign) as encode uses, with no
    token around them: the limit for signing with any algorithm.
    """
    cdef bytes name = alg.encode()
    cdef tj_alg a = tj_alg_from_name(name, len(name))
    cdef const uint8_t *m = <const uint8_t *>PyBytes_AS_STRING(msg)
    cdef size_t mlen = <size_t>PyBytes_GET_SIZE(msg)
    cdef size_t cap = tj_key_sig_max(key.key)
    cdef size_t n = cap
    cdef uint8_t *sig = <uint8_t *>malloc(cap if cap else 1)
    cdef timespec t0, t1
    cdef Py_ssize_t i
    cdef tj_status st = TJ_OK
    if sig == NULL:
        raise MemoryError()
    with nogil:
        clock_gettime(CLOCK_MONOTONIC, &t0)
        for i in range(iterations):
            n = cap
            st = tj_key_sign(key.key, a, m, mlen, sig, &n)
            if st != TJ_OK:
                break
        clock_gettime(CLOCK_MONOTONIC, &t1)
    free(sig)
    if st != TJ_OK:
        raise PyJWTError(f"raw signing failed in the benchmark loop: {tj_status_message(st).decode()}")
    return _elapsed(&t0, &t1)
