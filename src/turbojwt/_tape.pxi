# _tape.pxi: Python objects from the C core's JSON tape (included by _core.pyx).
#
# The core validated the document (grammar, UTF-8, escapes, depth), so every
# conversion here succeeds except an integer past Python's digit limit, which
# raises ValueError as json.loads would; the caller maps that to DecodeError.
#
# This runs for every decoded token, so the builder is plain C against the
# Python C API (below): one function per JSON type, no temporaries to
# release, and claim names that nearly every token carries ("iss", "exp",
# ...) shared as one str object each, as json.loads' key memo does.

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.dict cimport PyDict_SetItem
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.long cimport PyLong_FromLongLong
from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF
from cpython.exc cimport PyErr_Clear
from libc.stdint cimport uint64_t
from libc.string cimport memcpy, memset


# Also used by the other .pxi files (declared once, here).
cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    void *PyUnicode_DATA(object o)
    object _PyDict_NewPresized(Py_ssize_t minused)


cdef extern from *:
    """
    #include <string.h>
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    #define TJ_LITTLE_ENDIAN 0
    #else
    #define TJ_LITTLE_ENDIAN 1
    #endif

    /* The n bytes at s (1 <= n <= 8) as a little-endian word, read with
     * fixed-size loads only: copying n bytes into a stack word and reading it
     * back stalls the CPU on store-to-load forwarding, once per claim name.
     * Three-letter names (most registered claims) take constant shifts. */
    static inline uint64_t tj_name_word(const uint8_t *s, uint32_t n) {
        if (n == 3)
            return (uint64_t)s[0] | ((uint64_t)s[1] << 8) | ((uint64_t)s[2] << 16);
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
        return (uint64_t)s[0] | ((uint64_t)s[n - 1] << (8 * (n - 1)));
    }

    /* Common names: each packed into a 64-bit word and placed in a 64-slot
     * table by a multiplicative hash of that word, so matching a name costs
     * one load, one multiply and one compare. The multiplier is chosen at
     * import (by _init_common_names) so that no two names share a slot. */
    typedef struct {
        uint64_t word;      /* the name's bytes, little-endian */
        uint32_t len;       /* 0: an empty slot */
        PyObject *obj;      /* borrowed from _COMMON_NAMES, alive as long as the module */
    } tj_name_slot;
    static tj_name_slot tj_name_slots[64];
    static uint64_t tj_name_mult;

    static inline uint32_t tj_name_slot_of(uint64_t w, uint32_t n) {
        return (uint32_t)(((w ^ n) * tj_name_mult) >> 58);
    }

    /* The slot + 1 of a common, unescaped name, or 0. */
    static inline uint32_t tj_common_slot(const uint8_t *s, uint32_t n) {
        if (n == 0 || n > 8)
            return 0;
        uint64_t w = tj_name_word(s, n);
        uint32_t i = tj_name_slot_of(w, n);
        return (tj_name_slots[i].word == w && tj_name_slots[i].len == n) ? i + 1u : 0;
    }

    /* The shared str (borrowed) for a common, unescaped name, or NULL. */
    static inline PyObject *tj_common_name(const uint8_t *s, uint32_t n) {
        uint32_t slot = tj_common_slot(s, n);
        return slot ? tj_name_slots[slot - 1u].obj : NULL;
    }

    /* Values a Verifier expects (its issuers and audiences): a token's `iss`
     * or `aud` equal to one of them gets the configured str object itself. */
    #define TJ_KNOWN_MAX 8
    typedef struct {
        const char *utf8;
        size_t len;
        PyObject *obj;      /* borrowed: the Verifier keeps it alive */
    } tj_known_str;
    typedef struct {
        int n;
        tj_known_str items[TJ_KNOWN_MAX];
    } tj_known_strs;
    static PyObject *tj_name_iss, *tj_name_aud;   /* the shared "iss" and "aud" */

    /* A string with escapes, decoded (apart, so its buffer stays off the fast path). */
    static PyObject *tj_py_escaped(const uint8_t *doc, const tj_json_entry *e) {
        uint8_t stack[512];
        uint8_t *out = stack;
        /* Unescaping never lengthens the text: e->len bytes always suffice. */
        if (e->len > sizeof stack && (out = PyMem_Malloc(e->len)) == NULL)
            return PyErr_NoMemory();
        size_t n = tj_json_unescape(doc, e, out);
        PyObject *text = PyUnicode_DecodeUTF8((const char *)out, (Py_ssize_t)n, NULL);
        if (out != stack)
            PyMem_Free(out);
        return text;
    }

    /* A string value. */
    static inline PyObject *tj_py_string(const uint8_t *doc, const tj_json_entry *e) {
        if (e->flags & TJ_JSON_F_ESCAPED)
            return tj_py_escaped(doc, e);
        if (e->flags & TJ_JSON_F_ASCII) {
            /* Validated ASCII: copied straight into a compact str, no decoding. */
            PyObject *text = PyUnicode_New(e->len, 127);
            if (text != NULL)
                memcpy(PyUnicode_DATA(text), doc + e->pos, e->len);
            return text;
        }
        return PyUnicode_DecodeUTF8((const char *)doc + e->pos, e->len, NULL);
    }

    /* Mark each top-level member name of a payload that is a common name
     * with its slot + 1 in the entry's reserved field. Pure C on a tape that
     * only the calling thread owns: batch workers run it right after decoding
     * a token, so the thread that builds the dicts later need not hash names. */
    static void tj_mark_common_names(tj_workspace *ws, const tj_decoded *res) {
        tj_json_entry *tape = ws->tape + res->payload_root;
        const uint8_t *doc = res->payload;
        if (tape[0].type != TJ_JSON_OBJECT)
            return;
        uint32_t i = 1;
        for (uint32_t k = 0; k < tape[0].len; k++) {
            tj_json_entry *key = &tape[i];
            if (!(key->flags & TJ_JSON_F_ESCAPED))
                key->reserved = (uint16_t)tj_common_slot(doc + key->pos, key->len);
            i = tj_json_skip(tape, i + 1u);
        }
    }

    /* An object member's name: the shared str for a common one. */
    static inline __attribute__((always_inline)) PyObject *tj_py_key(const uint8_t *doc, const tj_json_entry *e) {
        if (e->reserved) {      /* marked by tj_mark_common_names */
            PyObject *name = tj_name_slots[e->reserved - 1u].obj;
            Py_INCREF(name);
            return name;
        }
        if (!(e->flags & TJ_JSON_F_ESCAPED)) {
            PyObject *name = tj_common_name(doc + e->pos, e->len);
            if (name != NULL) {
                Py_INCREF(name);
                return name;
            }
        }
        return tj_py_string(doc, e);
    }

    /* A number as json.loads makes it: int() or float() of the text; up to 18
     * digits read directly. int() enforces Python's digit limit (ValueError). */
    static PyObject *tj_py_number(const uint8_t *doc, const tj_json_entry *e) {
        int64_t v;
        if (e->type == TJ_JSON_INT && tj_json_small_int(doc, e, &v))
            return PyLong_FromLongLong(v);
        PyObject *text = PyBytes_FromStringAndSize((const char *)doc + e->pos, e->len);
        if (text == NULL)
            return NULL;
        PyObject *number = e->type == TJ_JSON_INT ? PyNumber_Long(text) : PyFloat_FromString(text);
        Py_DECREF(text);
        return number;
    }

    static PyObject *tj_py_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i);

    /* Set d[key] = the value that follows key on the tape; steals nothing. */
    static inline int tj_py_member(PyObject *d, PyObject *key, const uint8_t *doc,
                                   const tj_json_entry *tape, uint32_t *i) {
        if (key == NULL)
            return -1;
        PyObject *item = tj_py_value(doc, tape, i);
        int rc = item == NULL ? -1 : PyDict_SetItem(d, key, item);  /* later duplicates win, as in json.loads */
        Py_DECREF(key);
        Py_XDECREF(item);
        return rc;
    }

    /* The value at tape[*i]; *i moves past it and its descendants. Recursion
     * is bounded by TJ_JSON_MAX_DEPTH, which the parser enforced. */
    static PyObject *tj_py_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i) {
        const tj_json_entry *e = &tape[(*i)++];
        switch (e->type) {
        case TJ_JSON_STRING:
            return tj_py_string(doc, e);
        case TJ_JSON_INT:
        case TJ_JSON_FLOAT:
            return tj_py_number(doc, e);
        case TJ_JSON_TRUE:
            Py_RETURN_TRUE;
        case TJ_JSON_FALSE:
            Py_RETURN_FALSE;
        case TJ_JSON_NULL:
            Py_RETURN_NONE;
        case TJ_JSON_OBJECT: {
            /* Sized up front, the dict never resizes while it fills. */
            PyObject *d = _PyDict_NewPresized(e->len);
            if (d == NULL)
                return NULL;
            for (uint32_t k = 0; k < e->len; k++)
                if (tj_py_member(d, tj_py_key(doc, &tape[(*i)++]), doc, tape, i) < 0) {
                    Py_DECREF(d);
                    return NULL;
                }
            return d;
        }
        default: {  /* TJ_JSON_ARRAY */
            PyObject *list = PyList_New(e->len);
            if (list == NULL)
                return NULL;
            for (uint32_t k = 0; k < e->len; k++) {
                PyObject *item = tj_py_value(doc, tape, i);
                if (item == NULL) {
                    Py_DECREF(list);
                    return NULL;
                }
                PyList_SET_ITEM(list, k, item);
            }
            return list;
        }
        }
    }

    /* The configured str equal to the STRING entry e, or NULL (borrowed). */
    static inline PyObject *tj_known_value(const tj_known_strs *known, const uint8_t *doc,
                                           const tj_json_entry *e) {
        if (e->type != TJ_JSON_STRING || (e->flags & TJ_JSON_F_ESCAPED))
            return NULL;
        for (int k = 0; k < known->n; k++)
            if (known->items[k].len == e->len && memcmp(known->items[k].utf8, doc + e->pos, e->len) == 0)
                return known->items[k].obj;
        return NULL;
    }

    /* A payload's claims: tj_py_value, except that an `iss` or `aud` equal to
     * a configured value is that value's str object. */
    static PyObject *tj_py_claims(const uint8_t *doc, const tj_json_entry *tape, const tj_known_strs *known) {
        uint32_t i = 0;
        if (known->n == 0 || tape[0].type != TJ_JSON_OBJECT)
            return tj_py_value(doc, tape, &i);
        PyObject *d = _PyDict_NewPresized(tape[0].len);
        if (d == NULL)
            return NULL;
        i = 1;
        for (uint32_t k = 0; k < tape[0].len; k++) {
            PyObject *key = tj_py_key(doc, &tape[i++]);
            PyObject *same = (key == tj_name_iss || key == tj_name_aud) ? tj_known_value(known, doc, &tape[i]) : NULL;
            int rc;
            if (same != NULL) {
                i++;
                rc = PyDict_SetItem(d, key, same);
                Py_DECREF(key);
            } else {
                rc = tj_py_member(d, key, doc, tape, &i);
            }
            if (rc < 0) {
                Py_DECREF(d);
                return NULL;
            }
        }
        return d;
    }
    """
    ctypedef struct tj_name_slot:
        uint64_t word
        uint32_t len
        PyObject *obj
    tj_name_slot tj_name_slots[64]
    uint64_t tj_name_mult
    uint32_t tj_name_slot_of(uint64_t w, uint32_t n) noexcept
    PyObject *tj_common_name(const uint8_t *s, uint32_t n) noexcept
    int TJ_KNOWN_MAX
    ctypedef struct tj_known_str:
        const char *utf8
        size_t len
        PyObject *obj
    ctypedef struct tj_known_strs:
        int n
        tj_known_str items[8]
    PyObject *tj_name_iss
    PyObject *tj_name_aud
    object tj_py_string(const uint8_t *doc, const tj_json_entry *e)
    object tj_py_key(const uint8_t *doc, const tj_json_entry *e)
    object tj_py_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i)
    object tj_py_claims(const uint8_t *doc, const tj_json_entry *tape, const tj_known_strs *known)
    # The same, as a new reference or NULL with the exception set: for a caller
    # on the hot path that would rather not set up a try block.
    PyObject *tj_py_claims_ref "tj_py_claims"(const uint8_t *doc, const tj_json_entry *tape,
                                              const tj_known_strs *known)
    void tj_mark_common_names(tj_workspace *ws, const tj_decoded *res) noexcept nogil


# Claim and header names that nearly every token carries: one shared str
# object each, instead of a new one per token.
cdef tuple _COMMON_NAMES = (
    "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "alg", "typ", "kid", "cty",
    "name", "scope", "email", "azp", "roles", "sid", "nonce", "crit", "b64",
)


cdef bint _fill_name_slots(uint64_t mult):
    """Place every common name with this multiplier; False on any collision."""
    global tj_name_mult
    cdef uint32_t slot
    cdef uint64_t w
    cdef bytes b
    tj_name_mult = mult
    memset(tj_name_slots, 0, sizeof(tj_name_slots))
    for name in _COMMON_NAMES:
        b = (<str>name).encode()
        w = int.from_bytes(b, "little")
        slot = tj_name_slot_of(w, <uint32_t>len(b))
        if tj_name_slots[slot].len != 0:
            return False
        tj_name_slots[slot].word = w
        tj_name_slots[slot].len = <uint32_t>len(b)
        tj_name_slots[slot].obj = <PyObject *>name
    return True


cdef int _init_common_names() except -1:
    # A name that lost a slot collision would silently cost a new str and a
    # hash per token, so the multiplier is searched until there is none.
    global tj_name_iss, tj_name_aud
    cdef uint64_t mult = <uint64_t>0x9E3779B97F4A7C15
    cdef int tries
    assert all(0 < len((<str>name).encode()) <= 8 for name in _COMMON_NAMES)
    assert _COMMON_NAMES[0] == "iss" and _COMMON_NAMES[2] == "aud"
    tj_name_iss = <PyObject *>_COMMON_NAMES[0]
    tj_name_aud = <PyObject *>_COMMON_NAMES[2]
    for tries in range(100000):
        if _fill_name_slots(mult):
            return 0
        mult += <uint64_t>0x2545F4914F6CDD1E      # odd + even: stays odd
    raise AssertionError("no collision-free slot table for the common names")


_init_common_names()


def _common_names_shared():
    """The common names that decode to the one shared str (a test checks it is all of them)."""
    cdef bytes b
    shared = []
    for name in _COMMON_NAMES:
        b = (<str>name).encode()
        if tj_common_name(<const uint8_t *>PyBytes_AS_STRING(b), <uint32_t>len(b)) == <PyObject *>name:
            shared.append(name)
    return shared


cdef void _known_add(tj_known_strs *known, list keep, object value):
    """Add value (an exact str) to known; keep holds the references known borrows."""
    cdef bytes b
    if type(value) is not str or known.n >= TJ_KNOWN_MAX:
        return
    try:
        b = (<str>value).encode("utf-8")
    except UnicodeEncodeError:
        return          # a lone surrogate: no token string equals it
    keep.append(value)
    keep.append(b)
    known.items[known.n].utf8 = PyBytes_AS_STRING(b)
    known.items[known.n].len = <size_t>len(b)
    known.items[known.n].obj = <PyObject *>value
    known.n += 1


cdef inline object _tape_string(const uint8_t *doc, const tj_json_entry *e, bint is_key):
    """The str of a STRING entry (a shared object for a common name when is_key)."""
    return tj_py_key(doc, e) if is_key else tj_py_string(doc, e)


cdef inline object _tape_object(const uint8_t *doc, const tj_json_entry *tape):
    """The Python value of the document at the start of a tape."""
    cdef uint32_t i = 0
    return tj_py_value(doc, tape, &i)


cdef inline object _tape_claims(const uint8_t *doc, const tj_json_entry *tape, const tj_known_strs *known):
    """_tape_object for a payload, sharing the configured str for an expected
    `iss` or `aud`: a gateway's valid tokens all carry those values, str is
    immutable, and the configured values never change after the Verifier is
    built, so nothing is shared that a caller could change, from any thread."""
    return tj_py_claims(doc, tape, known)
