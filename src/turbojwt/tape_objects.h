/*
 * tape_objects.h: Python objects from the C core's JSON tape, for the Cython
 * binding (declared in _cbinding.pxd; included by the extension modules only).
 *
 * Binding code, not core: it includes Python.h (csrc/ never does). The core
 * validated the document (grammar, UTF-8, escapes, depth), so every conversion
 * here succeeds except an integer past Python's digit limit, which raises
 * ValueError as json.loads would, and out of memory. It runs for every decoded
 * token, so the builder is plain C against the Python C API: one function per
 * JSON type, no temporaries to release, and claim names that nearly every token
 * carries ("iss", "exp", ...) shared as one str object each, as json.loads'
 * key memo does.
 *
 * tests/test_build_warnings.py compiles this header with csrc/'s strict flags.
 */
#ifndef TJ_TAPE_OBJECTS_H
#define TJ_TAPE_OBJECTS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "jws.h"
#include "names.h"


/* One shared str per common member name (names.h), by id; set at import. */
static PyObject *tj_name_obj[TJ_NAME_COUNT];

/* Fill tj_name_obj with one interned str per common name (names.h), kept
 * for the process's life: each extension module that includes this header
 * calls it once, at import. 0, or -1 with the exception set. */
static inline int tj_name_objs_init(void) {
    for (int i = TJ_NAME_NONE + 1; i < TJ_NAME_COUNT; i++) {
        if (tj_name_obj[i] != NULL)
            continue;
        PyObject *name = PyUnicode_InternFromString(tj_name_text[i]);
        if (name == NULL)
            return -1;
        tj_name_obj[i] = name;
    }
    return 0;
}

/* The str objects a Verifier expects as iss and aud, index for index with
 * its policy's issuers and audience (NULL where one is not an exact str,
 * and past the first TJ_EXPECTED_MAX): a value the claim checks found
 * equal to expected value k (TJ_JSON_F_EXPECTED) becomes that str. */
#define TJ_EXPECTED_MAX 8
typedef struct {
    PyObject *iss[TJ_EXPECTED_MAX];     /* borrowed: the Verifier keeps them alive */
    PyObject *aud[TJ_EXPECTED_MAX];
} tj_expected_objs;

/* A string with escapes, decoded (apart, so its buffer stays off the fast path). */
static inline PyObject *tj_py_escaped(const uint8_t *doc, const tj_json_entry *e) {
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

/* A batch worker's hook, after each token it decoded: record the payload's
 * member names where the claim checks did not (they return TJ_OK only
 * after recording them all; claims left to Python skip them), so that the
 * thread that builds the dicts later need not look names up. */
static inline void tj_mark_names(tj_workspace *ws, const tj_decoded *res) {
    if (res->status != TJ_DEFER_CLAIMS)
        return;
    tj_json_entry *tape = ws->tape + res->payload_root;
    const uint8_t *doc = res->payload;
    if (tape[0].type != TJ_JSON_OBJECT)
        return;
    uint32_t i = 1;
    for (uint32_t k = 0; k < tape[0].len; k++) {
        tj_json_entry *key = &tape[i];
        key->reserved = (uint16_t)tj_json_name_id(doc, key);
        key->flags |= TJ_JSON_F_NAMED;
        i = tj_json_skip(tape, i + 1u);
    }
}

/* The str of a member name whose id (tj_json_name_id) is known: the shared
 * one for a common name. */
static inline __attribute__((always_inline)) PyObject *tj_py_name(unsigned id, const uint8_t *doc,
                                                                 const tj_json_entry *e) {
    if (id != TJ_NAME_NONE) {
        PyObject *name = tj_name_obj[id];
        Py_INCREF(name);
        return name;
    }
    return tj_py_string(doc, e);
}

/* An object member's name: the shared str for a common one. */
static inline __attribute__((always_inline)) PyObject *tj_py_key(const uint8_t *doc, const tj_json_entry *e) {
    return tj_py_name(tj_json_name_id(doc, e), doc, e);
}

/* A number as json.loads makes it: int() or float() of the text; up to 18
 * digits read directly. int() enforces Python's digit limit (ValueError). */
static inline PyObject *tj_py_number(const uint8_t *doc, const tj_json_entry *e) {
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

static inline PyObject *tj_py_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i);

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
static inline PyObject *tj_py_value(const uint8_t *doc, const tj_json_entry *tape, uint32_t *i) {
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

/* The expected str that the claim checks found the value e equal to,
 * for the member name id, or NULL (borrowed). */
static inline PyObject *tj_expected_value(const tj_expected_objs *expected, unsigned id,
                                          const tj_json_entry *e) {
    if (!(e->flags & TJ_JSON_F_EXPECTED) || e->reserved >= TJ_EXPECTED_MAX)
        return NULL;
    if (id == TJ_NAME_ISS)
        return expected->iss[e->reserved];
    return id == TJ_NAME_AUD ? expected->aud[e->reserved] : NULL;
}

/* A payload's claims: tj_py_value, except that an `iss` or `aud` equal to
 * an expected value is that value's str object. */
static inline PyObject *tj_py_claims(const uint8_t *doc, const tj_json_entry *tape,
                              const tj_expected_objs *expected) {
    uint32_t i = 0;
    if (tape[0].type != TJ_JSON_OBJECT)
        return tj_py_value(doc, tape, &i);
    PyObject *d = _PyDict_NewPresized(tape[0].len);
    if (d == NULL)
        return NULL;
    i = 1;
    for (uint32_t k = 0; k < tape[0].len; k++) {
        unsigned id = tj_json_name_id(doc, &tape[i]);
        PyObject *key = tj_py_name(id, doc, &tape[i++]);
        PyObject *same = tj_expected_value(expected, id, &tape[i]);
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

/* A worker thread wrote a token's decoded payload and tape, on another
 * core, long before the calling thread builds its dict: start bringing the
 * first lines of both into this core's cache while earlier tokens are built. */
static inline void tj_prefetch_result(const tj_workspace *ws, const tj_decoded *res) {
    const char *doc = (const char *)res->payload, *tape = (const char *)(ws->tape + res->payload_root);
    if (res->status != TJ_OK || doc == NULL)
        return;
    for (int line = 0; line < 6; line++) {
        __builtin_prefetch(doc + 64 * line);
        __builtin_prefetch(tape + 64 * line);
    }
}

#endif
