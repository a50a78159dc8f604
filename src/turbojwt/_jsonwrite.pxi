# _jsonwrite.pxi: the JSON writer of encode (included by _core.pyx; _sign.pxi
# signs what it writes).
#
# It produces exactly what json.dumps(obj, separators=(",", ":")) produces
# (ensure_ascii, allow_nan, check_circular) for the plain types -- dict with str
# keys, list, tuple, str, int, float, bool, None, each matched by its exact type.
#
# Contract of the writer: it either writes json.dumps's bytes, or it answers
# "fall back" (1) and the caller runs json.dumps itself, which then produces the
# output or raises the error PyJWT raises. Anything it is not sure about falls
# back: a subclass (IntEnum, a str subclass: their repr/str may differ), any
# other type (json.dumps calls the encoder's default()), a dict with a non-str
# key (json.dumps converts or refuses it), and nesting deeper than _JW_MAX_DEPTH
# (json.dumps then raises RecursionError, or ValueError for a circular
# reference). It never runs Python code of the objects it writes.

from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from cpython.object cimport PyObject
from cpython.dict cimport PyDict_Next
from cpython.ref cimport Py_XINCREF, Py_XDECREF
from libc.string cimport memcpy, strlen
from libc.math cimport isinf

# The writer's C helpers (tj_jw_str_ready, tj_jw_plain_prefix) are in jsonwrite.h.


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object o)
    int PyUnicode_KIND(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    uint32_t PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    Py_ssize_t PyList_GET_SIZE(object o)
    PyObject *PyList_GET_ITEM(object o, Py_ssize_t i)
    Py_ssize_t PyTuple_GET_SIZE(object o)
    PyObject *PyTuple_GET_ITEM(object o, Py_ssize_t i)
    double PyFloat_AS_DOUBLE(object o)
    long long PyLong_AsLongLongAndOverflow(object o, int *overflow) except? -1
    char *PyOS_double_to_string(double val, char format_code, int precision, int flags,
                                int *ptype) except NULL
    int Py_DTSF_ADD_DOT_0
    Py_ssize_t PY_SSIZE_T_MAX


cdef enum:
    _JW_SMALL = 1024        # bytes each buffer holds on the C stack before growing on the heap
    _JW_MAX_DEPTH = 100     # deeper documents go to json.dumps (RecursionError, circular refs)
    _JW_FALLBACK = 1
    _JW_SORT_SMALL = 16     # dicts up to this size are sorted in place (headers), larger with sorted()


# ---------------------------------------------------------------- buffer

cdef struct _JBuf:
    char *data              # small, or a PyMem block once grown
    Py_ssize_t len
    Py_ssize_t cap
    char small[_JW_SMALL]


cdef inline void _jb_init(_JBuf *b) noexcept nogil:
    b.data = b.small
    b.len = 0
    b.cap = _JW_SMALL


cdef inline void _jb_free(_JBuf *b) noexcept:
    if b.data != b.small:
        PyMem_Free(b.data)
    b.data = b.small


cdef int _jb_grow(_JBuf *b, Py_ssize_t extra) except -1:
    cdef Py_ssize_t want
    cdef char *p
    if extra > PY_SSIZE_T_MAX // 2 - b.len:
        raise MemoryError()
    want = b.len + extra
    if want < 2 * b.cap:
        want = 2 * b.cap
    if b.data == b.small:
        p = <char *>PyMem_Malloc(<size_t>want)
        if p != NULL:
            memcpy(p, b.small, <size_t>b.len)
    else:
        p = <char *>PyMem_Realloc(b.data, <size_t>want)
    if p == NULL:
        raise MemoryError()
    b.data = p
    b.cap = want
    return 0


cdef inline int _jb_reserve(_JBuf *b, Py_ssize_t extra) except -1:
    """Room for ``extra`` more bytes (extra >= 0)."""
    if extra > b.cap - b.len:
        return _jb_grow(b, extra)
    return 0


cdef inline int _jb_put(_JBuf *b, const char *s, Py_ssize_t n) except -1:
    _jb_reserve(b, n)
    memcpy(b.data + b.len, s, <size_t>n)
    b.len += n
    return 0


cdef inline int _jb_byte(_JBuf *b, char c) except -1:
    if b.len == b.cap:
        _jb_grow(b, 1)
    b.data[b.len] = c
    b.len += 1
    return 0


# ---------------------------------------------------------------- scalars

# json's ensure_ascii escapes (CPython Modules/_json.c, ascii_escape_unichar):
# 0 = the byte itself; 'u' = \u00XX; else the letter after the backslash.
# Everything outside ' '..'~' is escaped, DEL (0x7f) included.
cdef unsigned char _JW_ESC[128]
cdef const char *_JW_HEX = b"0123456789abcdef"


cdef void _jw_init_table() noexcept:
    cdef int c
    for c in range(128):
        _JW_ESC[c] = 0 if 0x20 <= c <= 0x7e else ord('u')
    _JW_ESC[ord('"')] = ord('"')
    _JW_ESC[ord('\\')] = ord('\\')
    _JW_ESC[ord('\b')] = ord('b')
    _JW_ESC[ord('\f')] = ord('f')
    _JW_ESC[ord('\n')] = ord('n')
    _JW_ESC[ord('\r')] = ord('r')
    _JW_ESC[ord('\t')] = ord('t')


_jw_init_table()


cdef inline Py_ssize_t _jw_u4(char *out, Py_ssize_t j, uint32_t c) noexcept nogil:
    out[j] = c'\\'
    out[j + 1] = c'u'
    out[j + 2] = _JW_HEX[(c >> 12) & 0xf]
    out[j + 3] = _JW_HEX[(c >> 8) & 0xf]
    out[j + 4] = _JW_HEX[(c >> 4) & 0xf]
    out[j + 5] = _JW_HEX[c & 0xf]
    return j + 6


cdef inline Py_ssize_t _jw_char(char *out, Py_ssize_t j, uint32_t c) noexcept nogil:
    """One character as json.dumps writes it with ensure_ascii (at most 12 bytes)."""
    cdef unsigned char e
    if c < 128:
        e = _JW_ESC[c]
        if e == 0:
            out[j] = <char>c
            return j + 1
        if e != c'u':
            out[j] = c'\\'
            out[j + 1] = <char>e
            return j + 2
        return _jw_u4(out, j, c)
    if c >= 0x10000:
        # a UTF-16 surrogate pair, as json.dumps writes non-BMP characters
        c -= 0x10000
        j = _jw_u4(out, j, 0xd800 | ((c >> 10) & 0x3ff))
        return _jw_u4(out, j, 0xdc00 | (c & 0x3ff))
    return _jw_u4(out, j, c)      # lone surrogates too, as json.dumps does


cdef int _jw_str(_JBuf *b, object s) except -1:
    """A str (exact type) as a JSON string."""
    cdef Py_ssize_t n, i, j
    cdef const unsigned char *a
    cdef void *data
    cdef int kind
    cdef char *out
    tj_jw_str_ready(s)
    n = PyUnicode_GET_LENGTH(s)
    if PyUnicode_IS_ASCII(s):
        if n > (PY_SSIZE_T_MAX // 4 - 2) // 6:
            raise MemoryError()
        _jb_reserve(b, 6 * n + 2)
        a = <const unsigned char *>PyUnicode_DATA(s)
        out = b.data
        j = b.len
        out[j] = c'"'
        j += 1
        i = <Py_ssize_t>tj_jw_plain_prefix(a, <size_t>n)
        memcpy(out + j, a, <size_t>i)
        j += i
        while i < n:
            j = _jw_char(out, j, a[i])
            i += 1
    else:
        if n > (PY_SSIZE_T_MAX // 4 - 2) // 12:
            raise MemoryError()
        _jb_reserve(b, 12 * n + 2)
        kind = PyUnicode_KIND(s)
        data = PyUnicode_DATA(s)
        out = b.data
        j = b.len
        out[j] = c'"'
        j += 1
        for i in range(n):
            j = _jw_char(out, j, PyUnicode_READ(kind, data, i))
    out[j] = c'"'
    b.len = j + 1
    return 0


cdef int _jw_ascii_str(_JBuf *b, str s) except -1:
    """The characters of an ASCII str (a repr), unquoted."""
    tj_jw_str_ready(s)
    return _jb_put(b, <const char *>PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s))


cdef int _jw_int(_JBuf *b, object o) except -1:
    """An int (exact type) in decimal, as int.__repr__ (which json.dumps calls)."""
    cdef int overflow = 0
    cdef long long v = PyLong_AsLongLongAndOverflow(o, &overflow)
    cdef unsigned long long u
    cdef char tmp[24]
    cdef int k = 24
    if overflow:
        # int.__repr__ itself: the same digits, and the same ValueError past
        # sys.get_int_max_str_digits() as json.dumps raises.
        return _jw_ascii_str(b, int.__repr__(o))
    u = <unsigned long long>(-(v + 1)) + 1u if v < 0 else <unsigned long long>v
    while True:
        k -= 1
        tmp[k] = <char>(c'0' + <int>(u % 10u))
        u //= 10u
        if u == 0:
            break
    if v < 0:
        k -= 1
        tmp[k] = c'-'
    return _jb_put(b, &tmp[k], 24 - k)


cdef int _jw_float(_JBuf *b, object o) except -1:
    """A float (exact type) as json.dumps writes it: float.__repr__, NaN, Infinity, -Infinity."""
    cdef double d = PyFloat_AS_DOUBLE(o)
    cdef char *r
    cdef int rc
    if d != d:
        return _jb_put(b, b"NaN", 3)
    if isinf(d):
        return _jb_put(b, b"Infinity", 8) if d > 0 else _jb_put(b, b"-Infinity", 9)
    # float.__repr__ is exactly this call (Objects/floatobject.c, float_repr)
    r = PyOS_double_to_string(d, c'r', 0, Py_DTSF_ADD_DOT_0, NULL)
    try:
        rc = _jb_put(b, r, <Py_ssize_t>strlen(r))
    finally:
        PyMem_Free(r)
    return rc


# ---------------------------------------------------------------- containers

cdef object _JW_MISSING = object()


cdef extern from "Python.h":
    int PyUnicode_Compare(object a, object b) except? -1


cdef inline int _jw_item(_JBuf *b, object key, object value, bint first, int depth, bint sort_keys) except -1:
    if not first:
        _jb_byte(b, c',')
    _jw_str(b, key)
    _jb_byte(b, c':')
    return _jw_value(b, value, depth, sort_keys)


cdef int _jw_sorted_small(_JBuf *b, dict d, Py_ssize_t n, int depth) except -1:
    """The items of a dict of at most _JW_SORT_SMALL str keys, by key (an insertion sort).

    sort_keys holds for the values too: json.dumps sorts every dict of the document.
    """
    cdef PyObject *ks[_JW_SORT_SMALL]
    cdef PyObject *vs[_JW_SORT_SMALL]
    cdef PyObject *kp
    cdef PyObject *vp
    cdef Py_ssize_t pos = 0, got = 0, i, j
    cdef int rc = 0
    while PyDict_Next(d, &pos, &kp, &vp):
        if got == n:
            break
        Py_XINCREF(kp)              # owned: nothing below may free them
        Py_XINCREF(vp)
        ks[got] = kp
        vs[got] = vp
        got += 1
    try:
        if got != n:
            return _JW_FALLBACK
        for i in range(n):
            if type(<object>ks[i]) is not str:
                return _JW_FALLBACK
        for i in range(1, n):
            kp = ks[i]
            vp = vs[i]
            j = i
            # str < str is code point order, which PyUnicode_Compare computes
            while j > 0 and PyUnicode_Compare(<object>ks[j - 1], <object>kp) > 0:
                ks[j] = ks[j - 1]
                vs[j] = vs[j - 1]
                j -= 1
            ks[j] = kp
            vs[j] = vp
        for i in range(n):
            rc = _jw_item(b, <object>ks[i], <object>vs[i], i == 0, depth, True)
            if rc:
                return rc
        return 0
    finally:
        for i in range(got):
            Py_XDECREF(ks[i])
            Py_XDECREF(vs[i])


cdef int _jw_dict(_JBuf *b, dict d, int depth, bint sort_keys) except -1:
    cdef Py_ssize_t pos = 0
    cdef Py_ssize_t n = len(d)
    cdef PyObject *kp
    cdef PyObject *vp
    cdef object key, value
    cdef list keys
    cdef bint first = True
    if n == 0:
        return _jb_put(b, b"{}", 2)
    _jb_byte(b, c'{')
    if sort_keys and n <= _JW_SORT_SMALL:
        if _jw_sorted_small(b, d, n, depth):
            return _JW_FALLBACK
    elif sort_keys:
        # json.dumps sorts the items; with str keys only (else fall back) that
        # is the order of the keys.
        while PyDict_Next(d, &pos, &kp, NULL):
            if type(<object>kp) is not str:
                return _JW_FALLBACK
        keys = sorted(d)
        for key in keys:
            value = d.get(key, _JW_MISSING)
            if value is _JW_MISSING:
                return _JW_FALLBACK          # changed under us: let json.dumps decide
            if _jw_item(b, key, value, first, depth, True):
                return _JW_FALLBACK
            first = False
    else:
        while PyDict_Next(d, &pos, &kp, &vp):
            key = <object>kp          # owned references from here on
            value = <object>vp
            if type(key) is not str:
                return _JW_FALLBACK
            if _jw_item(b, key, value, first, depth, False):
                return _JW_FALLBACK
            first = False
    _jb_byte(b, c'}')
    return 0


cdef int _jw_list(_JBuf *b, list items, int depth, bint sort_keys) except -1:
    cdef Py_ssize_t i = 0
    cdef object item
    if PyList_GET_SIZE(items) == 0:
        return _jb_put(b, b"[]", 2)
    _jb_byte(b, c'[')
    while i < PyList_GET_SIZE(items):     # re-read: the list is the caller's
        item = <object>PyList_GET_ITEM(items, i)
        if i:
            _jb_byte(b, c',')
        if _jw_value(b, item, depth, sort_keys):
            return _JW_FALLBACK
        i += 1
    _jb_byte(b, c']')
    return 0


cdef int _jw_tuple(_JBuf *b, tuple items, int depth, bint sort_keys) except -1:
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(items)
    if n == 0:
        return _jb_put(b, b"[]", 2)
    _jb_byte(b, c'[')
    for i in range(n):
        if i:
            _jb_byte(b, c',')
        if _jw_value(b, <object>PyTuple_GET_ITEM(items, i), depth, sort_keys):
            return _JW_FALLBACK
    _jb_byte(b, c']')
    return 0


cdef int _jw_value(_JBuf *b, object o, int depth, bint sort_keys) except -1:
    """Write ``o``; 0 when written, _JW_FALLBACK when json.dumps must decide."""
    cdef type t = type(o)
    if t is str:
        return _jw_str(b, o)
    if t is int:
        return _jw_int(b, o)
    if o is None:
        return _jb_put(b, b"null", 4)
    if o is True:
        return _jb_put(b, b"true", 4)
    if o is False:
        return _jb_put(b, b"false", 5)
    if t is float:
        return _jw_float(b, o)
    if depth >= _JW_MAX_DEPTH:
        return _JW_FALLBACK
    if t is dict:
        return _jw_dict(b, <dict>o, depth + 1, sort_keys)
    if t is list:
        return _jw_list(b, <list>o, depth + 1, sort_keys)
    if t is tuple:
        return _jw_tuple(b, <tuple>o, depth + 1, sort_keys)
    return _JW_FALLBACK


cdef inline int _jw_top(_JBuf *b, object o, bint sort_keys) except -1:
    if type(o) is dict:
        return _jw_dict(b, <dict>o, 1, sort_keys)
    return _jw_value(b, o, 0, sort_keys)


def json_compact(obj, bint sort_keys=False):
    """``json.dumps(obj, separators=(",", ":"), sort_keys=sort_keys).encode()``, or None.

    The same bytes, written in C, for dicts with str keys, lists, tuples, str,
    int, float, bool and None (exact types). None means "call json.dumps":
    the document holds something else (a subclass, a datetime, a non-str key)
    or is nested deeper than the writer goes.
    """
    cdef _JBuf b
    _jb_init(&b)
    try:
        if _jw_top(&b, obj, sort_keys):
            return None
        return PyBytes_FromStringAndSize(b.data, b.len)
    finally:
        _jb_free(&b)
