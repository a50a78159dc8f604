# _tape.pxi: Python objects from the C core's JSON tape (included by _core.pyx).
#
# The core validated the document (grammar, UTF-8, escapes, depth), so every
# conversion here succeeds except an integer past Python's digit limit, which
# raises ValueError as json.loads would; the caller maps that to DecodeError.
#
# This runs for every decoded token, so the builder is plain C against the
# Python C API (tape_objects.h): one function per JSON type, no temporaries to
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


# The builder itself is C against the Python C API: tape_objects.h (declared in _cbinding.pxd).


# Claim and header names that nearly every token carries (csrc/names.h): one
# shared, interned str object each, by name id, instead of a new one per token.
tj_name_objs_init()
cdef tuple _COMMON_NAMES = tuple(<object>tj_name_obj[i] for i in range(1, TJ_NAME_COUNT))


def _common_names_shared():
    """The common names that decode to their one shared str (a test checks it is all of them)."""
    cdef bytes b
    cdef unsigned id
    shared = []
    for name in _COMMON_NAMES:
        b = (<str>name).encode()
        id = tj_name_lookup(<const uint8_t *>PyBytes_AS_STRING(b), <uint32_t>len(b))
        if id != 0 and tj_name_obj[id] == <PyObject *>name:
            shared.append(name)
    return shared


cdef void _expected_set(PyObject **slots, list keep, list values):
    """slots[k] = values[k] where that is an exact str (a subclass must not
    reach a claims dict), for the first TJ_EXPECTED_MAX; keep holds the
    references slots borrow."""
    for k, value in enumerate(values[:TJ_EXPECTED_MAX]):
        if type(value) is str:
            keep.append(value)
            slots[k] = <PyObject *>value


cdef inline object _tape_string(const uint8_t *doc, const tj_json_entry *e, bint is_key):
    """The str of a STRING entry (a shared object for a common name when is_key)."""
    return tj_py_key(doc, e) if is_key else tj_py_string(doc, e)


cdef inline object _tape_object(const uint8_t *doc, const tj_json_entry *tape):
    """The Python value of the document at the start of a tape."""
    cdef uint32_t i = 0
    return tj_py_value(doc, tape, &i)


cdef inline object _tape_claims(const uint8_t *doc, const tj_json_entry *tape,
                                const tj_expected_objs *expected):
    """_tape_object for a payload, sharing the configured str for an `iss` or
    `aud` the claim checks found equal to it: a gateway's valid tokens all
    carry those values, str is immutable, and the configured values never
    change after the Verifier is built, so nothing is shared that a caller
    could change, from any thread."""
    return tj_py_claims(doc, tape, expected)
