# _tape.pxi: Python objects from the C core's JSON tape (included by _core.pyx).
#
# The core validated the document (grammar, UTF-8, escapes, depth), so every
# conversion here succeeds except an integer past Python's digit limit, which
# raises ValueError as json.loads would; the caller maps that to DecodeError.

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.dict cimport PyDict_SetItem
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.long cimport PyLong_FromLongLong
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.ref cimport Py_INCREF
from libc.string cimport memcpy
from libc.stdint cimport uint64_t


cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    void *PyUnicode_DATA(object o)
    # Sized up front, a dict of a token's claims never resizes while it fills.
    object _PyDict_NewPresized(Py_ssize_t minused)

cdef extern from *:
    """
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    #define TJ_LITTLE_ENDIAN 0
    #else
    #define TJ_LITTLE_ENDIAN 1
    #endif
    #include <string.h>
    /* The n bytes at s (1 <= n <= 8) as a little-endian word, read with
     * fixed-size loads only: copying n bytes into a stack word and reading it
     * back stalls the CPU on store-to-load forwarding, once per claim name. */
    static inline uint64_t tj_name_word(const uint8_t *s, uint32_t n) {
        if (n >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, s, 4);
            memcpy(&hi, s + n - 4, 4);
    #if !TJ_LITTLE_ENDIAN
            lo = __builtin_bswap32(lo);
            hi = __builtin_bswap32(hi);
    #endif
            /* The loads overlap when n < 8; shared bytes are equal, so OR is exact. */
            return (uint64_t)lo | ((uint64_t)hi << (8 * (n - 4)));
        }
        return (uint64_t)s[0] | ((uint64_t)s[n >> 1] << (8 * (n >> 1))) | ((uint64_t)s[n - 1] << (8 * (n - 1)));
    }
    """
    uint64_t _name_word "tj_name_word"(const uint8_t *s, uint32_t n) noexcept


# Claim and header names that nearly every token carries: one shared str
# object each, instead of a new one per token (as json.loads' key memo does).
cdef tuple _COMMON_NAMES = (
    "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "alg", "typ", "kid", "cty",
    "name", "scope", "email", "azp", "roles", "sid", "nonce", "crit", "b64",
)
# Each name packed little-endian into the low bytes of a 64-bit word (all are
# at most 8 bytes long) and placed in a 64-slot table by a multiplicative hash
# of that word: matching a name costs one load, one multiply and one compare.
cdef uint64_t _slot_word[64]
cdef uint32_t _slot_len[64]
cdef int _slot_index[64]


cdef inline uint32_t _name_slot(uint64_t w, uint32_t n) noexcept:
    return <uint32_t>(((w ^ n) * <uint64_t>0x9E3779B97F4A7C15) >> 58)


cdef void _init_common_names():
    cdef Py_ssize_t i
    cdef uint32_t slot
    cdef uint64_t w
    cdef bytes b
    for i in range(64):
        _slot_index[i] = -1
    for i in range(len(_COMMON_NAMES)):
        b = (<str>_COMMON_NAMES[i]).encode()
        assert len(b) <= 8
        w = int.from_bytes(b, "little")
        slot = _name_slot(w, <uint32_t>len(b))
        if _slot_index[slot] == -1:     # on a collision the later name is simply not shared
            _slot_index[slot] = <int>i
            _slot_word[slot] = w
            _slot_len[slot] = <uint32_t>len(b)


_init_common_names()


cdef inline object _common_name(const uint8_t *s, uint32_t n):
    """The shared str for a common, unescaped name, or None."""
    cdef uint64_t w
    cdef uint32_t slot
    if n > 8 or n == 0:
        return None
    w = _name_word(s, n)
    slot = _name_slot(w, n)
    if _slot_index[slot] >= 0 and _slot_word[slot] == w and _slot_len[slot] == n:
        return _COMMON_NAMES[_slot_index[slot]]
    return None


cdef object _tape_string(const uint8_t *doc, const tj_json_entry *e, bint is_key):
    cdef const uint8_t *s = doc + e.pos
    cdef uint8_t stack[512]
    cdef uint8_t *out
    cdef size_t n
    cdef object name
    if not (e.flags & TJ_JSON_F_ESCAPED):
        if is_key:
            name = _common_name(s, e.len)
            if name is not None:
                return name
        if e.flags & TJ_JSON_F_ASCII:
            # Validated ASCII: copy straight into a compact str, no decoding.
            name = PyUnicode_New(e.len, 127)
            memcpy(PyUnicode_DATA(name), s, e.len)
            return name
        return PyUnicode_DecodeUTF8(<const char *>s, e.len, NULL)
    # Unescaping never lengthens the text: e.len bytes always suffice.
    if e.len <= sizeof(stack):
        out = &stack[0]
    else:
        out = <uint8_t *>PyMem_Malloc(e.len)
    if out == NULL:
        raise MemoryError()
    try:
        n = tj_json_unescape(doc, e, out)
        return PyUnicode_DecodeUTF8(<const char *>out, <Py_ssize_t>n, NULL)
    finally:
        if out != &stack[0]:
            PyMem_Free(out)


cdef object _tape_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i):
    """Build the value at tape[i[0]] and advance i[0] past it (and its descendants).

    Recursion depth is bounded by TJ_JSON_MAX_DEPTH, which the parser enforced.
    """
    cdef const tj_json_entry *e = &tape[i[0]]
    cdef uint32_t n, k
    cdef int64_t v
    cdef object container, key, item
    i[0] += 1
    if e.type == TJ_JSON_STRING:
        return _tape_string(doc, e, False)
    if e.type == TJ_JSON_INT:
        if tj_json_small_int(doc, e, &v):
            return PyLong_FromLongLong(v)
        # Past 18 digits: Python's int(), with its digit limit, as json.loads.
        return int(PyBytes_FromStringAndSize(<const char *>doc + e.pos, e.len))
    if e.type == TJ_JSON_OBJECT:
        container = _PyDict_NewPresized(e.len)
        n = e.len
        for k in range(n):
            key = _tape_string(doc, &tape[i[0]], True)
            i[0] += 1
            item = _tape_value(doc, tape, i)
            # Later duplicates overwrite earlier ones, as in json.loads.
            PyDict_SetItem(container, key, item)
        return container
    if e.type == TJ_JSON_ARRAY:
        n = e.len
        container = PyList_New(n)
        for k in range(n):
            item = _tape_value(doc, tape, i)
            Py_INCREF(item)
            PyList_SET_ITEM(container, k, item)
        return container
    if e.type == TJ_JSON_TRUE:
        return True
    if e.type == TJ_JSON_FALSE:
        return False
    if e.type == TJ_JSON_NULL:
        return None
    # FLOAT: Python's float() of the text, exactly what json.loads does.
    return float(PyBytes_FromStringAndSize(<const char *>doc + e.pos, e.len))


cdef object _tape_object(const uint8_t *doc, const tj_json_entry *tape):
    """The dict for the object at the start of a tape."""
    cdef uint32_t i = 0
    return _tape_value(doc, tape, &i)
