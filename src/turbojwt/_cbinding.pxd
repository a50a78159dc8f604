# Declarations of the binding's own C helpers (src/turbojwt/*.h): code that
# works on Python objects, so it lives beside the binding, not in csrc/.
from libc.stdint cimport uint8_t, uint32_t
from cpython.object cimport PyObject

from ._ccore cimport tj_json_entry, tj_workspace, tj_decoded


cdef extern from "tape_objects.h":
    int TJ_NAME_COUNT
    const char *tj_name_text[]
    PyObject *tj_name_obj[]
    unsigned tj_name_lookup(const uint8_t *s, uint32_t n) noexcept
    int tj_name_objs_init() except -1
    int TJ_EXPECTED_MAX
    ctypedef struct tj_expected_objs:
        PyObject *iss[8]
        PyObject *aud[8]
    object tj_py_string(const uint8_t *doc, const tj_json_entry *e)
    object tj_py_key(const uint8_t *doc, const tj_json_entry *e)
    object tj_py_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i)
    object tj_py_claims(const uint8_t *doc, const tj_json_entry *tape, const tj_expected_objs *expected)
    # The same, as a new reference or NULL with the exception set: for a caller
    # on the hot path that would rather not set up a try block.
    PyObject *tj_py_claims_ref "tj_py_claims"(const uint8_t *doc, const tj_json_entry *tape,
                                              const tj_expected_objs *expected)
    void tj_mark_names(tj_workspace *ws, const tj_decoded *res) noexcept nogil
    void tj_prefetch_result(const tj_workspace *ws, const tj_decoded *res) noexcept nogil


cdef extern from "jsonwrite.h":
    int tj_jw_str_ready(object o) except -1
    size_t tj_jw_plain_prefix(const unsigned char *s, size_t n) nogil


cdef extern from "gil_release.h":
    bint tj_other_python_threads()


cdef extern from "dropin_call.h":
    enum:
        TJ_DROPIN_JWT
        TJ_DROPIN_KEY
        TJ_DROPIN_ALGORITHMS
        TJ_DROPIN_AUDIENCE
        TJ_DROPIN_ISSUER
        TJ_DROPIN_SUBJECT
        TJ_DROPIN_LEEWAY
    ctypedef PyObject *(*tj_dropin_fast_fn)(PyObject **slots) except NULL
    object tj_dropin_new(tj_dropin_fast_fn fast, object general, object decline, const char *doc,
                         object module_name)
