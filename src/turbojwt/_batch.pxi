# _batch.pxi: many tokens at once (included by _core.pyx).
#
# Tokens are taken in chunks. For each chunk the C core decodes every token
# with the GIL released, the chunk split across threads (each token has its
# own slice of one workspace arena, so threads share nothing they write);
# then, holding the GIL, the results are turned into claims dicts or
# exception instances in input order. Memory is bounded by the chunk, not by
# the number of tokens.

from libc.stdlib cimport calloc
from concurrent.futures import ThreadPoolExecutor as _ThreadPoolExecutor
import os as _os
import threading as _threading

DEF BATCH_CHUNK = 1024

cdef object _pool = None
cdef int _pool_size = 0
cdef object _pool_lock = _threading.Lock()


cdef object _worker_pool(int workers):
    """A process-wide pool with at least this many workers (grown, never shrunk)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < workers:
            _pool = _ThreadPoolExecutor(max_workers=workers, thread_name_prefix="turbojwt")
            _pool_size = workers
        return _pool


cdef class _Chunk:
    """The C state of one chunk of tokens: inputs, workspaces and results."""
    cdef Py_ssize_t n
    cdef const uint8_t **tok
    cdef size_t *tok_len
    cdef tj_workspace *ws
    cdef tj_decoded *res
    cdef uint8_t *arena
    cdef list keep          # the token objects whose buffers tok[] points into
    cdef double now
    cdef const tj_policy *pol

    def __dealloc__(self):
        free(self.tok)
        free(self.tok_len)
        free(self.ws)
        free(self.res)
        free(self.arena)

    def work(self, Py_ssize_t start, Py_ssize_t end):
        """Decode tokens start..end-1; no Python object is touched while the GIL is released."""
        cdef Py_ssize_t i
        with nogil:
            for i in range(start, end):
                if self.tok[i] != NULL:
                    tj_decode(self.pol, self.tok[i], self.tok_len[i], NULL, 0, self.now,
                              &self.ws[i], &self.res[i])


cdef _Chunk _prepare_chunk(Verifier v, list tokens, list early):
    """Fill a chunk's C arrays; tokens that cannot reach the core get their error in early[i]."""
    cdef _Chunk c = _Chunk.__new__(_Chunk)
    cdef Py_ssize_t i, n = len(tokens)
    cdef const uint8_t *p = NULL
    cdef Py_ssize_t plen = 0
    cdef size_t need_buf, total = 0
    cdef uint32_t need_tape
    cdef size_t *buf_size
    cdef uint8_t *at
    c.n = n
    c.keep = tokens
    c.pol = &v.policy
    c.tok = <const uint8_t **>calloc(n + 1, sizeof(uint8_t *))
    c.tok_len = <size_t *>calloc(n + 1, sizeof(size_t))
    c.ws = <tj_workspace *>calloc(n + 1, sizeof(tj_workspace))
    c.res = <tj_decoded *>calloc(n + 1, sizeof(tj_decoded))
    if c.tok == NULL or c.tok_len == NULL or c.ws == NULL or c.res == NULL:
        raise MemoryError()
    for i in range(n):
        try:
            _token_bytes(tokens[i], &p, &plen)
        except DecodeError as exc:
            early[i] = exc
            continue
        if <size_t>plen > <size_t>v.max_token_length:
            early[i] = DecodeError(f"Token is larger than the configured maximum ({v.max_token_length} bytes)")
            continue
        c.tok[i] = p
        c.tok_len[i] = <size_t>plen
        tj_workspace_need(<size_t>plen, 0, 0, &need_buf, &need_tape)
        # One arena for the chunk: each token's bytes then its tape, 8-byte aligned.
        c.ws[i].buf_cap = (need_buf + 7u) & ~(<size_t>7u)
        c.ws[i].tape_cap = need_tape
        total += c.ws[i].buf_cap + need_tape * sizeof(tj_json_entry)
    c.arena = <uint8_t *>malloc(total + 8)
    if c.arena == NULL:
        raise MemoryError()
    at = c.arena
    for i in range(n):
        if c.tok[i] == NULL:
            continue
        c.ws[i].buf = at
        at += c.ws[i].buf_cap
        c.ws[i].tape = <tj_json_entry *>at
        at += c.ws[i].tape_cap * sizeof(tj_json_entry)
    return c


cdef object _chunk_result(Verifier v, _Chunk c, Py_ssize_t i, bint light):
    """The result for token i: claims dict or exception instance, or (valid, reason) when light."""
    cdef tj_decoded *res = &c.res[i]
    cdef tj_json_entry *tape = c.ws[i].tape
    cdef object claims
    if res.status == TJ_OK:
        if light:
            return (True, "ok")
        try:
            return _tape_claims(res.payload, tape + res.payload_root, &v.known)
        except ValueError as exc:
            err = DecodeError(f"Invalid payload string: {exc}")
            return (False, type(err).__name__) if light else err
    if res.status == TJ_DEFER_CLAIMS:
        try:
            claims = _tape_claims(res.payload, tape + res.payload_root, &v.known)
            _validate_claims(claims, v.options, v.audience, v.issuer, v.subject, v.leeway, c.now)
        except (ValueError, PyJWTError) as exc:
            err = exc if isinstance(exc, PyJWTError) else DecodeError(f"Invalid payload string: {exc}")
            return (False, type(err).__name__) if light else err
        return (True, "ok") if light else claims
    err = _exception_for(v, res, tape)
    return (False, type(err).__name__) if light else err


cdef _collect(Verifier v, _Chunk c, list early, list out, bint light):
    """Append chunk c's results, in order, to out (holding the GIL)."""
    cdef _AllowedAlg served
    cdef Py_ssize_t i
    for i in range(c.n):
        if early[i] is not None:
            out.append((False, type(early[i]).__name__) if light else early[i])
        else:
            out.append(_chunk_result(v, c, i, light))
    if v._any_weak:
        for i in range(c.n):
            served = v._served_by(&c.res[i])
            if served is not None and served.weak_key is not None:
                _warnings.warn(served.weak_key, InsecureKeyLengthWarning, stacklevel=3)
                break


cdef list _decode_many(Verifier v, tokens, threads, bint light):
    """Pipelined: while pool threads decode chunk k+1 in C (GIL released), the
    calling thread builds chunk k's results, so the Python half of the work
    overlaps the C half instead of following it."""
    cdef list out = []
    cdef list chunk_tokens, early
    cdef _Chunk c
    cdef Py_ssize_t n, per, start
    cdef int t
    if threads is None:
        t = _os.cpu_count() or 1
    else:
        t = threads
        if t < 1:
            raise ValueError("threads must be at least 1")
    pool = _worker_pool(t + 1) if t > 1 else None
    iterator = iter(tokens)
    pending = None          # (chunk, early, futures) decoding in the pool
    while True:
        chunk_tokens = []
        for tok in iterator:
            chunk_tokens.append(tok)
            if len(chunk_tokens) == BATCH_CHUNK:
                break
        n = len(chunk_tokens)
        if n == 0:
            break
        early = [None] * n
        c = _prepare_chunk(v, chunk_tokens, early)
        c.now = tj_now()
        if pool is None:
            c.work(0, n)
            _collect(v, c, early, out, light)
            continue
        per = (n + t - 1) // t
        futures = [pool.submit(c.work, start, min(n, start + per)) for start in range(0, n, per)]
        if pending is not None:
            for f in pending[2]:
                f.result()
            _collect(v, pending[0], pending[1], out, light)
        pending = (c, early, futures)
    if pending is not None:
        for f in pending[2]:
            f.result()
        _collect(v, pending[0], pending[1], out, light)
    return out
