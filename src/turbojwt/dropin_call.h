/*
 * dropin_call.h: the entry point of the module-level turbojwt.decode, for the
 * Cython binding (declared in _cbinding.pxd).
 *
 * Binding code, not core: it includes Python.h (csrc/ never does). The
 * drop-in decode is called as application code calls PyJWT's:
 *     decode(token, key, algorithms=[...], audience=..., issuer=..., ...)
 * A Python-level function with PyJWT's ten parameters and **kwargs costs a
 * generic keyword parse and a new kwargs dict per call; this vectorcall entry
 * binds that one call shape itself (two positional arguments, keywords among
 * algorithms, audience, issuer, subject and leeway, recognised by the
 * identity of their interned names) and hands the arguments to the binding's
 * fast function. Any other call (other keywords, positional options, a keyword
 * name that is not interned) and any call the fast function declines go,
 * untouched, to the general entry, a Cython function with PyJWT's full
 * signature: errors and warnings are exactly its own.
 *
 * tests/test_build_warnings.py compiles this header with csrc/'s strict flags.
 */
#ifndef TJ_DROPIN_CALL_H
#define TJ_DROPIN_CALL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The slots of the call shape bound here, in the order of the fast function's array. */
enum {
    TJ_DROPIN_JWT, TJ_DROPIN_KEY, TJ_DROPIN_ALGORITHMS, TJ_DROPIN_AUDIENCE, TJ_DROPIN_ISSUER,
    TJ_DROPIN_SUBJECT, TJ_DROPIN_LEEWAY, TJ_DROPIN_SLOTS
};

/* The binding's fast function: the arguments by slot (NULL where not given);
 * returns a new reference, NULL with an exception set, or a new reference to
 * tj_dropin.decline when the call is not one it finishes (it then has done
 * nothing). */
typedef PyObject *(*tj_dropin_fast_fn)(PyObject **slots);

static struct {
    PyObject *names[TJ_DROPIN_SLOTS];   /* interned parameter names (jwt and key unused) */
    tj_dropin_fast_fn fast;
    PyObject *general;                  /* the general entry (a strong reference, kept for good) */
    PyObject *decline;                  /* the fast function's "not mine" (a strong reference) */
    PyMethodDef def;
} tj_dropin;

static inline PyObject *tj_dropin_call(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                       PyObject *kwnames) {
    PyObject *slots[TJ_DROPIN_SLOTS] = {NULL};
    (void)self;
    if (nargs == 2) {
        slots[TJ_DROPIN_JWT] = args[0];
        slots[TJ_DROPIN_KEY] = args[1];
        Py_ssize_t nk = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t i = 0; i < nk; i++) {
            PyObject *name = PyTuple_GET_ITEM(kwnames, i);
            int slot = TJ_DROPIN_ALGORITHMS;
            while (slot < TJ_DROPIN_SLOTS && name != tj_dropin.names[slot])
                slot++;
            if (slot == TJ_DROPIN_SLOTS)
                goto general;       /* another keyword, or an equal name that is not the interned one */
            slots[slot] = args[nargs + i];
        }
        if (slots[TJ_DROPIN_ALGORITHMS] != NULL) {
            PyObject *result = tj_dropin.fast(slots);
            if (result != tj_dropin.decline)
                return result;
            Py_DECREF(result);
        }
    }
general:
    return PyObject_Vectorcall(tj_dropin.general, args, (size_t)nargs, kwnames);
}

/* The decode function object: a builtin whose calls go to tj_dropin_call.
 * doc (with its "--" signature line) must outlive the process's use of it;
 * general and decline are kept. NULL with an exception set on failure. */
static inline PyObject *tj_dropin_new(tj_dropin_fast_fn fast, PyObject *general, PyObject *decline,
                                      const char *doc, PyObject *module_name) {
    static const char *const names[TJ_DROPIN_SLOTS] = {
        "jwt", "key", "algorithms", "audience", "issuer", "subject", "leeway",
    };
    for (int i = 0; i < TJ_DROPIN_SLOTS; i++) {
        if (tj_dropin.names[i] == NULL && (tj_dropin.names[i] = PyUnicode_InternFromString(names[i])) == NULL)
            return NULL;
    }
    Py_INCREF(general);
    Py_INCREF(decline);
    Py_XSETREF(tj_dropin.general, general);
    Py_XSETREF(tj_dropin.decline, decline);
    tj_dropin.fast = fast;
    tj_dropin.def.ml_name = "decode";
    tj_dropin.def.ml_meth = (PyCFunction)(void (*)(void))tj_dropin_call;
    tj_dropin.def.ml_flags = METH_FASTCALL | METH_KEYWORDS;
    tj_dropin.def.ml_doc = doc;
    return PyCFunction_NewEx(&tj_dropin.def, NULL, module_name);
}

#endif
