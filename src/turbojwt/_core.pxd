# Declarations of turbojwt._core that other binding modules cimport
# (turbojwt._testing's benchmark loops read a Verifier's C policy).
from libc.stdint cimport uint8_t, uint32_t

from ._ccore cimport *
from ._cbinding cimport tj_expected_objs

# Tokens up to this size decode with scratch memory on the C stack; larger
# ones (up to the verifier's max_token_length) get one heap block per call.
cdef enum:
    STACK_BUF = 4096
    STACK_TAPE = 2304


cdef class PreparedKey:
    cdef tj_key *key
    cdef readonly str family
    cdef readonly int size      # HMAC: secret length in bytes


cdef class _AllowedAlg:
    cdef bytes name_utf8
    cdef tj_alg alg
    cdef PreparedKey key
    cdef object key_error       # message for InvalidKeyError when key is None
    cdef object alg_error       # message for InvalidAlgorithmError when key is None
    cdef object weak_key        # InsecureKeyLengthWarning message, or None


cdef class Verifier:
    cdef tj_policy policy
    cdef tj_allowed_alg *c_algs
    cdef tj_str *c_audience
    cdef tj_str *c_issuers
    cdef tj_str *c_require
    cdef list _allowed             # [_AllowedAlg], the allow-list
    cdef tj_set_key *c_keys        # a key set's keys (NULL without a set)
    cdef tj_allowed_alg *c_key_algs
    cdef list _set_kids            # [bytes or None] per key of the set
    cdef list _set_allowed         # [[_AllowedAlg]] per key of the set
    cdef dict _refused_kids        # kid -> why the set's key may not verify
    cdef object _source_key        # the key object, for identity-keyed cache entries
    cdef object _cache             # _TokenCache, or None
    cdef list _keep                # bytes objects the C policy points into
    cdef tj_expected_objs expected # expected iss/aud str objects, shared into claims dicts
    cdef list _require
    cdef bint _python_claims
    cdef bint _release_gil
    cdef bint _any_weak
    cdef bint _initialized
    cdef readonly dict options
    cdef readonly object audience
    cdef readonly object issuer
    cdef readonly object subject
    cdef readonly double leeway
    cdef readonly Py_ssize_t max_token_length
    cdef readonly tuple algorithms
    cdef object _remote            # remote key set (_remote_verifier.py): decodes go there; else None

    cdef _setup_audience(self, audience, unsigned *flags)
    cdef _setup_issuer(self, issuer, unsigned *flags)
    cdef _setup_subject(self, subject, unsigned *flags)
    cdef _setup_require(self, require)
    cdef _setup_algorithms(self, key, algorithms, bint enforce_min_length)
    cdef _setup_key_set(self, key_set, list names, bint enforce_min_length)
    cdef tj_allowed_alg *_c_alg_array(self, list allowed) except NULL
    cdef _fill_c_alg(self, tj_allowed_alg *c, _AllowedAlg a)
    cdef _AllowedAlg _served_by(self, const tj_decoded *res)


cdef inline bint _stack_workspace(tj_workspace *ws, uint8_t *buf, tj_json_entry *tape, size_t token_len,
                                  size_t detached_len, bint has_detached) noexcept:
    """Point ws at a caller's stack buffers (STACK_BUF bytes, STACK_TAPE entries)
    when a token of token_len bytes, with its detached payload, fits them."""
    cdef size_t need_buf
    cdef uint32_t need_tape
    tj_workspace_need(token_len, detached_len, has_detached, &need_buf, &need_tape)
    if need_buf > STACK_BUF or need_tape > STACK_TAPE:
        return False
    ws.buf = buf
    ws.buf_cap = STACK_BUF
    ws.tape = tape
    ws.tape_cap = STACK_TAPE
    return True
