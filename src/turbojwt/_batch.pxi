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
import operator as _operator
import os as _os
import threading as _threading

cdef enum:
    BATCH_CHUNK = 256           # tokens per C job
    PREFETCH_AHEAD = 3          # results are built this many tokens behind the prefetch of their memory
    # A first chunk shorter than this is decoded without starting threads: it
    # ends sooner than the threads would start.
    PARALLEL_MIN_TOKENS = 128
    # More threads than this are not started (a larger threads= is capped):
    # the shared pool keeps its workers for the process's life.
    MAX_THREADS = 64



cdef class _Chunk:
    """The C state of one chunk of tokens: inputs, workspaces, results and the job.

    A decode_many call fills two of these in turn, so their memory is
    allocated (and paged in) once per call, not once per chunk."""
    cdef tj_batch_job job
    cdef const uint8_t **tok
    cdef size_t *tok_len
    cdef tj_workspace *ws
    cdef tj_decoded *res
    cdef uint8_t *arena
    cdef size_t arena_cap
    cdef list keep          # the token objects whose buffers tok[] points into
    cdef list early         # per token: the exception found before the core, or None

    def __cinit__(self):
        self.tok = <const uint8_t **>calloc(BATCH_CHUNK, sizeof(uint8_t *))
        self.tok_len = <size_t *>calloc(BATCH_CHUNK, sizeof(size_t))
        self.ws = <tj_workspace *>calloc(BATCH_CHUNK, sizeof(tj_workspace))
        self.res = <tj_decoded *>calloc(BATCH_CHUNK, sizeof(tj_decoded))
        if self.tok == NULL or self.tok_len == NULL or self.ws == NULL or self.res == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.tok)
        free(self.tok_len)
        free(self.ws)
        free(self.res)
        free(self.arena)


cdef class _TokenSource:
    """The caller's tokens, BATCH_CHUNK at a time: a list or tuple by slicing
    (one C-level copy), any other iterable by iterating."""
    cdef object seq
    cdef object iterator
    cdef Py_ssize_t pos

    def __cinit__(self, tokens):
        if type(tokens) is list or type(tokens) is tuple:
            self.seq = tokens
        else:
            self.iterator = iter(tokens)

    cdef list take(self):
        cdef list out
        if self.seq is not None:
            part = self.seq[self.pos:self.pos + BATCH_CHUNK]
            out = part if type(part) is list else list(part)
            self.pos += len(out)
            return out
        out = []
        for tok in self.iterator:
            out.append(tok)
            if len(out) == BATCH_CHUNK:
                break
        return out


cdef bint _fill_chunk(Verifier v, _Chunk c, _TokenSource source, _RefTimes times) except -1:
    """Read up to BATCH_CHUNK tokens from source into c; False when there are none left.

    Tokens that cannot reach the core get their error in c.early[i] instead."""
    cdef list tokens = source.take()
    cdef Py_ssize_t i, n
    cdef const uint8_t *p = NULL
    cdef Py_ssize_t plen = 0
    cdef size_t need_buf, total = 0
    cdef uint32_t need_tape
    cdef uint8_t *at
    n = len(tokens)
    if n == 0:
        return False
    c.keep = tokens
    c.early = [None] * n
    for i in range(n):
        c.tok[i] = NULL
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
    if total > c.arena_cap:
        free(c.arena)
        c.arena_cap = 0
        c.arena = <uint8_t *>malloc(total)
        if c.arena == NULL:
            raise MemoryError()
        c.arena_cap = total
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
    c.job.now = tj_now()
    c.job.now_each = NULL
    if times is not None:
        times.apply(&c.job)      # now=: the caller's reference time(s) (_reftime.pxi)
    c.job.after = NULL
    # Public-key tokens take tens of microseconds each: claimed one at a time.
    c.job.claim = 1 if v._release_gil else 0
    return True


cdef object _chunk_result(Verifier v, _Chunk c, Py_ssize_t i, bint light):
    """The result for token i: claims dict or exception instance, or (valid, reason) when light."""
    cdef tj_decoded *res = &c.res[i]
    cdef tj_json_entry *tape = c.ws[i].tape
    cdef object claims
    if res.status == TJ_OK:
        if light:
            return (True, "ok")
        try:
            return _tape_claims(res.payload, tape + res.payload_root, &v.expected)
        except ValueError as exc:
            return DecodeError(f"Invalid payload string: {exc}")
    if res.status == TJ_DEFER_CLAIMS:
        try:
            claims = _tape_claims(res.payload, tape + res.payload_root, &v.expected)
            _validate_claims(claims, v.options, v.audience, v.issuer, v.subject, v.leeway,
                             c.job.now_each[i] if c.job.now_each != NULL else c.job.now)
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
    cdef Py_ssize_t n = <Py_ssize_t>c.job.n
    for i in range(min(n, PREFETCH_AHEAD)):
        tj_prefetch_result(&c.ws[i], &c.res[i])
    for i in range(n):
        if not light and i + PREFETCH_AHEAD < n:
            tj_prefetch_result(&c.ws[i + PREFETCH_AHEAD], &c.res[i + PREFETCH_AHEAD])
        if early[i] is not None:
            out.append((False, type(early[i]).__name__) if light else early[i])
        else:
            out.append(_chunk_result(v, c, i, light))
    if v._any_weak:
        for i in range(n):
            if early[i] is not None:
                continue        # its result slot holds an earlier chunk's token
            served = v._served_by(&c.res[i])
            if served is not None and served.weak_key is not None:
                _warnings.warn(served.weak_key, InsecureKeyLengthWarning, stacklevel=3)
                break


# One pool of worker threads for the process, kept between calls: a batch job
# that verifies a file a thousand lines at a time would otherwise start and
# join a thread per call, which costs as much as decoding a few hundred HMAC
# tokens. Its workers sleep while no call needs them. It serves one call at a
# time: a call that finds it busy (another Python thread is in decode_many)
# starts threads of its own. After fork() the child has none of the parent's
# threads, so a pool made in another process is abandoned, never joined.
cdef tj_pool *_shared_pool = NULL
cdef unsigned _shared_workers = 0
cdef object _shared_pid = None
cdef object _shared_lock = _threading.Lock()


cdef tj_pool *_take_pool(unsigned workers, bint *shared) except? NULL:
    """A pool of `workers` threads: the shared one (*shared set: release with
    _give_back) when it is free, else a new one (free it with tj_pool_free).
    NULL if no thread can be started."""
    global _shared_pool, _shared_workers, _shared_pid
    cdef tj_pool *pool
    shared[0] = False
    if not _shared_lock.acquire(False):
        with nogil:
            pool = tj_pool_new(workers)
        return pool
    try:
        if _shared_pool != NULL and (_shared_pid != _os.getpid() or _shared_workers != workers):
            if _shared_pid == _os.getpid():
                pool = _shared_pool
                with nogil:
                    tj_pool_free(pool)
            _shared_pool = NULL         # made before a fork: its threads are not in this process
        if _shared_pool == NULL:
            with nogil:
                pool = tj_pool_new(workers)
            if pool == NULL:
                _shared_lock.release()
                return NULL
            _shared_pool = pool
            _shared_workers = workers
            _shared_pid = _os.getpid()
    except BaseException:
        _shared_lock.release()
        raise
    shared[0] = True
    return _shared_pool


cdef void _give_back(tj_pool *pool, bint shared) noexcept:
    if shared:
        _shared_lock.release()
    else:
        with nogil:
            tj_pool_free(pool)


cdef list _decode_many(Verifier v, tokens, threads, bint light, now=None):
    cdef list out = []
    cdef _Chunk current = _Chunk(), following = _Chunk(), spare
    cdef bint more
    cdef _TokenSource source
    cdef tj_batch_job *submitted = NULL     # the job the workers may be on
    cdef tj_pool *pool = NULL
    cdef bint shared = False
    cdef int t
    if isinstance(tokens, (str, bytes, bytearray, memoryview)):
        # Iterating would decode each character (or byte) as a token.
        raise TypeError(f"tokens must be an iterable of tokens, not one {type(tokens).__name__}: "
                        "wrap a single token in a list")
    if threads is None:
        threads = _os.cpu_count() or 1
    else:
        threads = _operator.index(threads)      # TypeError for anything but an integer
        if threads < 1:
            raise ValueError("threads must be at least 1")
    t = min(threads, MAX_THREADS)
    cdef _RefTimes times = _ref_times(now, tokens)
    source = _TokenSource(tokens)
    if not _fill_chunk(v, current, source, times):
        if times is not None:
            times.finish()
        return out
    if t > 1 and current.job.n >= PARALLEL_MIN_TOKENS:
        pool = _take_pool(<unsigned>(t - 1), &shared)     # the calling thread is the t-th
    if pool == NULL:
        # One thread (asked for, too few tokens to be worth threads, or none could start).
        more = True
        while more:
            with nogil:
                tj_batch_work(&current.job)
            _collect(v, current, out, light)
            more = _fill_chunk(v, current, source, times)
        if times is not None:
            times.finish()
        return out
    try:
        # Name lookups stay on the decoding threads (the claim checks record
        # them; the hook covers claims left to Python): with workers, the
        # thread that builds the dicts is the bottleneck.
        current.job.after = tj_mark_names
        tj_pool_submit(pool, &current.job)
        submitted = &current.job
        more = _fill_chunk(v, following, source, times)
        while True:
            with nogil:
                tj_pool_finish(pool, submitted)
            submitted = NULL
            if more:
                following.job.after = tj_mark_names
                tj_pool_submit(pool, &following.job)
                submitted = &following.job
            # The workers decode the following chunk while this thread builds
            # the current one's results and reads the chunk after into its memory.
            _collect(v, current, out, light)
            if not more:
                if times is not None:
                    times.finish()
                return out
            spare = current
            current = following
            following = spare
            more = _fill_chunk(v, following, source, times)
    finally:
        # After an exception here (from the iterator, say) the workers may
        # still be on a chunk: they must let go of it before it is freed.
        if submitted != NULL:
            with nogil:
                tj_pool_finish(pool, submitted)
        _give_back(pool, shared)
