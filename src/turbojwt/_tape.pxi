# _tape.pxi: Python objects from the C core's JSON tape (included by _core.pyx).
#
# The core validated the document (grammar, UTF-8, escapes, depth), so every
# conversion here succeeds except an integer past Python's digit limit, which
# raises ValueError as json.loads would; the caller maps that to DecodeError.

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.dict cimport PyDict_New, PyDict_SetItem
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.long cimport PyLong_FromLongLong
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.ref cimport Py_INCREF
from libc.string cimport memcmp


cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)


# Claim and header names that nearly every token carries: one shared str
# object each, instead of a new one per token (as json.loads' key memo does).
cdef tuple _COMMON_NAMES = (
    "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "alg", "typ", "kid", "cty",
    "name", "scope", "email", "azp", "roles", "sid", "nonce", "crit", "b64", "client_id",
)
cdef enum:
    _N_COMMON = 21
cdef bytes _COMMON_UTF8 = b"".join([n.encode() for n in _COMMON_NAMES])
cdef const char *_common_ptr[_N_COMMON]
cdef uint32_t _common_len[_N_COMMON]


cdef void _init_common_names():
    cdef Py_ssize_t i, pos = 0
    cdef const char *base = _COMMON_UTF8
    assert len(_COMMON_NAMES) == _N_COMMON
    for i in range(_N_COMMON):
        _common_ptr[i] = base + pos
        _common_len[i] = <uint32_t>len(<str>_COMMON_NAMES[i])
        pos += _common_len[i]


_init_common_names()


cdef inline object _common_name(const uint8_t *s, uint32_t n):
    """The shared str for a common, unescaped name, or None."""
    cdef Py_ssize_t i
    if n > 9:
        return None
    for i in range(_N_COMMON):
        if _common_len[i] == n and memcmp(_common_ptr[i], s, n) == 0:
            return _COMMON_NAMES[i]
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
        container = PyDict_New()
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
