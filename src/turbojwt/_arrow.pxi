# _arrow.pxi: batch verification over Arrow buffers (included by _core.pyx;
# turbojwt.arrow is the pyarrow-facing side).
#
# The tokens are read where Arrow keeps them: the validity bitmap, the offsets
# and the data buffer of each chunk, by address, so no Python object is made
# per token. Rows go through the same chunks, worker pool and core as
# decode_many (_batch.pxi); each decoded chunk is then written, without the
# GIL, into the result columns' buffers (csrc/columns.h) while the workers
# decode the next one. Only a row whose reason needs Python's view (a claim
# the core leaves to Python, a key that cannot serve the algorithm) takes
# the GIL, through the same code as verify_many, so both give the same answer.

from cpython.bytearray cimport PyByteArray_AS_STRING
from libc.stdint cimport int32_t

cdef extern from "columns.h" nogil:
    ctypedef struct tj_claim_col:
        const char *name
        size_t name_len
        uint8_t *kind
        int64_t *slot
        int64_t *off
        uint8_t *text
        size_t text_len
        size_t text_cap
    ctypedef struct tj_verdicts:
        uint8_t *valid_bits
        int32_t *reason
        const int32_t *status_reason
        tj_claim_col *claims
        size_t n_claims
    size_t tj_verdicts_collect(tj_verdicts *out, size_t base, const uint8_t *const *tok,
                               const tj_workspace *ws, const tj_decoded *res, size_t n)
    void tj_verdicts_null_claims(tj_verdicts *out, size_t row)
    int tj_claim_col_infer(const tj_claim_col *c, size_t rows)
    void tj_claim_col_finish(tj_claim_col *c, int type, size_t rows, uint8_t *validity,
                             uint8_t *data_bits, int64_t *out_off, uint8_t *out_text, size_t *text_len)
    void tj_claim_col_free_text(tj_claim_col *c)

# Column types, as in columns.h (tj_col_type); -1: inferred from the values.
ARROW_COLUMN_TYPES = {"string": 0, "int64": 1, "float64": 2, "bool": 3, "json": 4}
# Reasons of rows that never reach the core.
REASON_MISSING_TOKEN = "MissingToken"
REASON_INVALID_TIME = "InvalidTime"


cdef class _ArrowRows:
    """The token rows of an Arrow array's chunks, read by address.

    chunks: [(length, offset, validity address or 0, offsets address, data
    address, data size, offsets are int64)], the arrays kept alive by the caller."""
    cdef list chunks
    cdef Py_ssize_t at_chunk     # the chunk being read
    cdef Py_ssize_t at_row       # the next row of that chunk
    cdef Py_ssize_t row          # the next row overall


cdef int _arrow_fill(Verifier v, _Chunk c, _ArrowRows rows, const double *now_each, double now_one,
                     int32_t *reason, int32_t missing_code, int32_t time_code,
                     int32_t large_code) except -1:
    """Up to BATCH_CHUNK rows into c (0 when none are left); rows that cannot
    reach the core get their reason in reason[] and a NULL token."""
    cdef Py_ssize_t n = 0, i, length, offset, base
    cdef const uint8_t *validity
    cdef const int32_t *off32
    cdef const int64_t *off64
    cdef const uint8_t *data
    cdef int64_t start, end, data_size
    cdef size_t need_buf, total = 0, plen
    cdef uint32_t need_tape
    cdef uint8_t *at
    cdef bint large
    base = rows.row
    while n < BATCH_CHUNK and rows.at_chunk < len(rows.chunks):
        length, offset, va, oa, da, data_size, large = rows.chunks[rows.at_chunk]
        if rows.at_row >= length:
            rows.at_chunk += 1
            rows.at_row = 0
            continue
        validity = <const uint8_t *><size_t>va
        off32 = <const int32_t *><size_t>oa
        off64 = <const int64_t *><size_t>oa
        data = <const uint8_t *><size_t>da
        while n < BATCH_CHUNK and rows.at_row < length:
            i = offset + rows.at_row
            rows.at_row += 1
            c.tok[n] = NULL
            if validity != NULL and not (validity[i >> 3] >> (i & 7)) & 1:
                reason[base + n] = missing_code
            elif now_each != NULL and not isfinite(now_each[base + n]):
                reason[base + n] = time_code
            else:
                if large:
                    start = off64[i]
                    end = off64[i + 1]
                else:
                    start = off32[i]
                    end = off32[i + 1]
                plen = <size_t>(end - start)
                # Offsets outside the data buffer (a corrupt array) are refused
                # like an oversized token, never read.
                if start < 0 or end < start or end > data_size or plen > <size_t>v.max_token_length:
                    reason[base + n] = large_code
                else:
                    # An empty value still needs an address that is not NULL.
                    c.tok[n] = data + start if data != NULL else <const uint8_t *>""
                    c.tok_len[n] = plen
                    tj_workspace_need(plen, 0, 0, &need_buf, &need_tape)
                    c.ws[n].buf_cap = (need_buf + 7u) & ~(<size_t>7u)
                    c.ws[n].tape_cap = need_tape
                    total += c.ws[n].buf_cap + need_tape * sizeof(tj_json_entry)
            n += 1
    rows.row += n
    if n == 0:
        return 0
    if total > c.arena_cap:
        free(c.arena)
        c.arena_cap = 0
        c.arena = <uint8_t *>malloc(total if total else 8)
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
    c.job.now = now_one
    c.job.now_each = now_each + base if now_each != NULL else NULL
    c.job.after = NULL
    c.job.claim = 1 if v._release_gil else 0
    return <int>n


cdef class _ArrowVerdicts:
    """The result columns being written, and the reason names their codes stand for."""
    cdef tj_verdicts out
    cdef tj_claim_col *cols
    cdef int32_t status_reason[128]     # per tj_status (TJ_STATUS_COUNT is well below)
    cdef list names            # reason code -> name
    cdef dict codes            # name -> code
    cdef bytearray valid, reason
    cdef list kinds, slots, offs, claim_names
    cdef Py_ssize_t rows

    def __dealloc__(self):
        cdef size_t k
        if self.cols != NULL:
            for k in range(self.out.n_claims):
                tj_claim_col_free_text(&self.cols[k])
            free(self.cols)

    cdef int32_t code(self, str name):
        got = self.codes.get(name)
        if got is None:
            got = len(self.names)
            self.names.append(name)
            self.codes[name] = got
        return got


cdef _ArrowVerdicts _arrow_verdicts(Verifier v, Py_ssize_t rows, list claim_names):
    cdef _ArrowVerdicts r = _ArrowVerdicts()
    cdef int st
    cdef Py_ssize_t k
    cdef bint signature_simple = True
    if <int>TJ_STATUS_COUNT > 128:
        raise SystemError("tj_status has outgrown _ArrowVerdicts.status_reason")
    r.rows = rows
    r.names = ["ok"]
    r.codes = {"ok": 0}
    for allowed in (v._allowed or []) + [a for per_key in (v._set_allowed or []) for a in per_key]:
        if (<_AllowedAlg>allowed).alg_error is not None or (<_AllowedAlg>allowed).key_error is not None:
            signature_simple = False
    for st in range(<int>TJ_STATUS_COUNT):
        if st == TJ_OK:
            r.status_reason[st] = 0
        elif (st == TJ_DEFER_CLAIMS or st == TJ_ERR_KEY_UNUSABLE
              or (st == TJ_ERR_SIGNATURE and not signature_simple)
              or (st == TJ_ERR_KID_UNKNOWN and v._refused_kids)):
            r.status_reason[st] = -1       # the binding decides, as _exception_for does
        elif st == TJ_ERR_MISSING_CLAIM:
            r.status_reason[st] = r.code("MissingRequiredClaimError")
        elif st == TJ_ERR_NOMEM:
            r.status_reason[st] = r.code("MemoryError")
        elif st == TJ_ERR_INTERNAL:
            r.status_reason[st] = r.code("PyJWTError")
        else:
            r.status_reason[st] = r.code(_STATUS_EXCEPTION.get(st, DecodeError).__name__)
    r.valid = bytearray((rows + 7) // 8)
    r.reason = bytearray(4 * rows)
    r.out.valid_bits = <uint8_t *>PyByteArray_AS_STRING(r.valid)
    r.out.reason = <int32_t *>PyByteArray_AS_STRING(r.reason)
    r.out.status_reason = r.status_reason
    r.claim_names = [name.encode("utf-8") for name in claim_names]
    r.kinds, r.slots, r.offs = [], [], []
    r.cols = <tj_claim_col *>calloc(len(claim_names) + 1, sizeof(tj_claim_col))
    if r.cols == NULL:
        raise MemoryError()
    r.out.claims = r.cols
    r.out.n_claims = len(claim_names)
    for k in range(len(claim_names)):
        r.kinds.append(bytearray(rows))
        r.slots.append(bytearray(8 * rows))
        r.offs.append(bytearray(8 * (rows + 1)))
        r.cols[k].name = PyBytes_AS_STRING(<bytes>r.claim_names[k])
        r.cols[k].name_len = <size_t>len(r.claim_names[k])
        r.cols[k].kind = <uint8_t *>PyByteArray_AS_STRING(r.kinds[k])
        r.cols[k].slot = <int64_t *>PyByteArray_AS_STRING(r.slots[k])
        r.cols[k].off = <int64_t *>PyByteArray_AS_STRING(r.offs[k])
    return r


cdef int _arrow_collect(Verifier v, _Chunk c, _ArrowVerdicts r, Py_ssize_t base) except -1:
    """Write chunk c's rows (starting at row base) into r."""
    cdef size_t left
    cdef Py_ssize_t i, n = <Py_ssize_t>c.job.n
    cdef _AllowedAlg served
    with nogil:
        left = tj_verdicts_collect(&r.out, <size_t>base, c.tok, c.ws, c.res, c.job.n)
    if left == <size_t>-1:
        raise MemoryError()
    if left:
        for i in range(n):
            if c.tok[i] == NULL or r.out.reason[base + i] != -1:
                continue
            valid, why = _chunk_result(v, c, i, True)
            r.out.reason[base + i] = r.code(why)
            if valid:
                r.out.valid_bits[(base + i) >> 3] |= <uint8_t>(1 << ((base + i) & 7))
            else:
                tj_verdicts_null_claims(&r.out, <size_t>(base + i))
    if v._any_weak:
        for i in range(n):
            if c.tok[i] == NULL:
                continue
            served = v._served_by(&c.res[i])
            if served is not None and served.weak_key is not None:
                _warnings.warn(served.weak_key, InsecureKeyLengthWarning, stacklevel=3)
                break
    return 0


cdef tuple _arrow_claim_column(_ArrowVerdicts r, Py_ssize_t k, int wanted):
    """(type name, validity, data, offsets or None, large offsets) of claim k."""
    cdef tj_claim_col *col = &r.cols[k]
    cdef size_t rows = <size_t>r.rows, text_len = 0, i
    cdef int t = wanted if wanted >= 0 else tj_claim_col_infer(col, rows)
    cdef bytearray validity = bytearray((r.rows + 7) // 8)
    cdef bytearray bits, text, off64, off32
    cdef int64_t *o64
    cdef int32_t *o32
    names = ("string", "int64", "float64", "bool", "json")
    if t == 1 or t == 2:
        tj_claim_col_finish(col, t, rows, <uint8_t *>PyByteArray_AS_STRING(validity), NULL, NULL, NULL, NULL)
        return (names[t], validity, r.slots[k], None, False)
    if t == 3:
        bits = bytearray((r.rows + 7) // 8)
        tj_claim_col_finish(col, t, rows, <uint8_t *>PyByteArray_AS_STRING(validity),
                            <uint8_t *>PyByteArray_AS_STRING(bits), NULL, NULL, NULL)
        return (names[t], validity, bits, None, False)
    tj_claim_col_finish(col, t, rows, NULL, NULL, NULL, NULL, &text_len)
    text = bytearray(text_len)
    off64 = bytearray(8 * (r.rows + 1))
    o64 = <int64_t *>PyByteArray_AS_STRING(off64)
    tj_claim_col_finish(col, t, rows, <uint8_t *>PyByteArray_AS_STRING(validity), NULL, o64,
                        <uint8_t *>PyByteArray_AS_STRING(text), &text_len)
    tj_claim_col_free_text(col)
    if text_len >= 0x7fffffff:
        return (names[t], validity, text, off64, True)
    off32 = bytearray(4 * (r.rows + 1))
    o32 = <int32_t *>PyByteArray_AS_STRING(off32)
    for i in range(rows + 1):
        o32[i] = <int32_t>o64[i]
    return (names[t], validity, text, off32, False)


def arrow_verify_buffers(Verifier verifier, list chunks, Py_ssize_t rows, now_one, size_t now_address,
                         list claims, threads=None):
    """The buffers of turbojwt.arrow.verify's result (its pyarrow side builds the arrays).

    ``chunks``: [(length, offset, validity address or 0, offsets address, data
    address, data size, offsets are int64)] of the token arrays, ``rows`` their total
    length; ``now_one``: epoch seconds for every row (None: the clock) unless
    ``now_address`` points at ``rows`` float64 seconds (NaN: a bad time);
    ``claims``: [(name, column type code or -1 to infer)]. The caller keeps
    every buffer alive. Returns (valid bits, reason int32 codes, reason names,
    [(type, validity, data, offsets, large)] per claim).
    """
    cdef Verifier v = verifier
    cdef _ArrowRows source = _ArrowRows()
    cdef _Chunk current = _Chunk(), following = _Chunk(), spare
    cdef _ArrowVerdicts r = _arrow_verdicts(v, rows, [name for name, _ in claims])
    cdef const double *now_each = <const double *>now_address if now_address else NULL
    cdef double now_value = tj_now() if now_one is None else _reference_time(now_one)
    cdef int32_t missing = r.code(REASON_MISSING_TOKEN), bad_time = r.code(REASON_INVALID_TIME)
    cdef int32_t too_large = r.code(DecodeError.__name__)
    cdef Py_ssize_t base = 0, following_base = 0
    cdef int got, t
    cdef tj_pool *pool = NULL
    cdef bint shared = False
    cdef tj_batch_job *submitted = NULL
    source.chunks = chunks
    if threads is None:
        t = _os.cpu_count() or 1
    else:
        t = threads
        if t < 1:
            raise ValueError("threads must be at least 1")
    got = _arrow_fill(v, current, source, now_each, now_value, r.out.reason, missing, bad_time, too_large)
    if got and t > 1 and rows >= PARALLEL_MIN_TOKENS:
        pool = _take_pool(<unsigned>(t - 1), &shared)
    try:
        if pool == NULL:
            while got:
                with nogil:
                    tj_batch_work(&current.job)
                _arrow_collect(v, current, r, base)
                base += got
                got = _arrow_fill(v, current, source, now_each, now_value, r.out.reason, missing, bad_time,
                                  too_large)
        elif got:
            tj_pool_submit(pool, &current.job)
            submitted = &current.job
            following_base = base + got
            got = _arrow_fill(v, following, source, now_each, now_value, r.out.reason, missing, bad_time,
                              too_large)
            while True:
                with nogil:
                    tj_pool_finish(pool, submitted)
                submitted = NULL
                if got:
                    tj_pool_submit(pool, &following.job)
                    submitted = &following.job
                # The workers decode the following chunk while this thread
                # writes the current one's columns.
                _arrow_collect(v, current, r, base)
                if not got:
                    break
                base = following_base
                following_base = base + got
                spare = current
                current = following
                following = spare
                got = _arrow_fill(v, following, source, now_each, now_value, r.out.reason, missing,
                                  bad_time, too_large)
    finally:
        if submitted != NULL:
            with nogil:
                tj_pool_finish(pool, submitted)
        if pool != NULL:
            _give_back(pool, shared)
    columns = [_arrow_claim_column(r, k, wanted) for k, (_, wanted) in enumerate(claims)]
    return (r.valid, r.reason, r.names, columns)
