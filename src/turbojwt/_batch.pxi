# _batch.pxi: many tokens at once (included by _core.pyx).
#
# Tokens are taken in chunks. Each chunk is one C job (csrc/batch.h): every
# token has its own slice of one workspace arena and its own result slot, so
# the threads decoding it share nothing they write. Worker threads started in
# C decode chunk k+1 without ever taking the GIL, while the calling thread,
# holding it, turns chunk k's results into claims dicts or exception instances
# (in input order) and reads chunk k+2's tokens; it then joins the workers on
# whatever is left of chunk k+1. Python threads would not do here: each one
# must win the GIL back after every chunk, and behind a thread busy building
# dicts that takes milliseconds. Memory is bounded by the chunk size, not by
# the number of tokens.

from libc.stdlib cimport calloc
import os as _os

DEF BATCH_CHUNK = 1024
# A first chunk shorter than this is decoded without starting threads: it
# ends sooner than the threads would start.
DEF PARALLEL_MIN_TOKENS = 256


cdef class _Chunk:
    """The C state of one chunk of tokens: inputs, workspaces, results and the job."""
    cdef tj_batch_job job
    cdef const uint8_t **tok
    cdef size_t *tok_len
    cdef tj_workspace *ws
    cdef tj_decoded *res
    cdef uint8_t *arena
    cdef list keep          # the token objects whose buffers tok[] points into
    cdef list early         # per token: the exception found before the core, or None

    def __dealloc__(self):
        free(self.tok)
        free(self.tok_len)
        free(self.ws)
        free(self.res)
        free(self.arena)


cdef _Chunk _prepare_chunk(Verifier v, list tokens):
    """Fill a chunk's C arrays; tokens that cannot reach the core get their error in early[i]."""
    cdef _Chunk c = _Chunk.__new__(_Chunk)
    cdef Py_ssize_t i, n = len(tokens)
    cdef const uint8_t *p = NULL
    cdef Py_ssize_t plen = 0
    cdef size_t need_buf, total = 0
    cdef uint32_t need_tape
    cdef uint8_t *at
    c.keep = tokens
    c.early = [None] * n
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
            c.early[i] = exc
            continue
        if <size_t>plen > <size_t>v.max_token_length:
            c.early[i] = DecodeError(f"Token is larger than the configured maximum ({v.max_token_length} bytes)")
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
    c.job.pol = &v.policy
    c.job.tok = c.tok
    c.job.tok_len = c.tok_len
    c.job.ws = c.ws
    c.job.res = c.res
    c.job.n = <size_t>n
    c.job.next = 0
    return c


cdef _Chunk _next_chunk(Verifier v, iterator):
    """The next chunk of at most BATCH_CHUNK tokens from iterator, or None at its end."""
    cdef list tokens = []
    for tok in iterator:
        tokens.append(tok)
        if len(tokens) == BATCH_CHUNK:
            break
    if not tokens:
        return None
    chunk = _prepare_chunk(v, tokens)
    chunk.job.now = tj_now()
    return chunk


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
            return DecodeError(f"Invalid payload string: {exc}")
    if res.status == TJ_DEFER_CLAIMS:
        try:
            claims = _tape_claims(res.payload, tape + res.payload_root, &v.known)
            _validate_claims(claims, v.options, v.audience, v.issuer, v.subject, v.leeway, c.job.now)
        except (ValueError, PyJWTError) as exc:
            err = exc if isinstance(exc, PyJWTError) else DecodeError(f"Invalid payload string: {exc}")
            return (False, type(err).__name__) if light else err
        return (True, "ok") if light else claims
    err = _exception_for(v, res, tape)
    return (False, type(err).__name__) if light else err


cdef _collect(Verifier v, _Chunk c, list out, bint light):
    """Append chunk c's results, in order, to out (holding the GIL)."""
    cdef _AllowedAlg served
    cdef Py_ssize_t i
    cdef list early = c.early
    for i in range(<Py_ssize_t>c.job.n):
        if early[i] is not None:
            out.append((False, type(early[i]).__name__) if light else early[i])
        else:
            out.append(_chunk_result(v, c, i, light))
    if v._any_weak:
        for i in range(<Py_ssize_t>c.job.n):
            served = v._served_by(&c.res[i])
            if served is not None and served.weak_key is not None:
                _warnings.warn(served.weak_key, InsecureKeyLengthWarning, stacklevel=3)
                break


cdef list _decode_many(Verifier v, tokens, threads, bint light):
    cdef list out = []
    cdef _Chunk current, following
    cdef _Chunk submitted = None     # the chunk the workers may be on
    cdef tj_pool *pool = NULL
    cdef tj_batch_job *pending
    cdef int t
    if threads is None:
        t = _os.cpu_count() or 1
    else:
        t = threads
        if t < 1:
            raise ValueError("threads must be at least 1")
    iterator = iter(tokens)
    current = _next_chunk(v, iterator)
    if current is None:
        return out
    if t > 1 and current.job.n >= PARALLEL_MIN_TOKENS:
        with nogil:
            pool = tj_pool_new(<unsigned>(t - 1))     # the calling thread is the t-th
    if pool == NULL:
        # One thread (asked for, too few tokens to be worth threads, or none could start).
        while current is not None:
            with nogil:
                tj_batch_work(&current.job)
            _collect(v, current, out, light)
            current = _next_chunk(v, iterator)
        return out
    try:
        tj_pool_submit(pool, &current.job)
        submitted = current
        following = _next_chunk(v, iterator)
        while True:
            with nogil:
                tj_pool_finish(pool, &current.job)
            submitted = None
            if following is not None:
                tj_pool_submit(pool, &following.job)
                submitted = following
            # The workers decode the following chunk while this thread builds
            # the current one's results and reads the chunk after.
            _collect(v, current, out, light)
            if following is None:
                return out
            current = following
            following = _next_chunk(v, iterator)
    finally:
        # After an exception here (from the iterator, say) the workers may
        # still be on a chunk: they must let go of it before it is freed.
        pending = &submitted.job if submitted is not None else NULL
        with nogil:
            if pending != NULL:
                tj_pool_finish(pool, pending)
            tj_pool_free(pool)
