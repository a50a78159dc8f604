/*
 * jsonwrite.h: the C helpers of the binding's JSON writer (_jsonwrite.pxi),
 * declared in _cbinding.pxd.
 *
 * Binding code, not core: it includes Python.h (csrc/ never does).
 * tests/test_build_warnings.py compiles this header with csrc/'s strict flags.
 */
#ifndef TJ_JSONWRITE_H
#define TJ_JSONWRITE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* PyUnicode_READY: needed for legacy strings before 3.12, gone later. */
static inline int tj_jw_str_ready(PyObject *o) {
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_READY(o);
#else
    (void)o;
    return 0;
#endif
}


/* Length of the prefix of ASCII s[0..n) that json.dumps copies as is (no
 * byte below ' ', '"', '\\' or DEL), eight bytes at a time. */
static inline size_t tj_jw_plain_prefix(const unsigned char *s, size_t n) {
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, q, b;
        memcpy(&w, s + i, 8);
        q = w ^ (ones * 0x22u);                 /* '"'  -> 0 */
        b = w ^ (ones * 0x5cu);                 /* '\\' -> 0 */
        if (((w - ones * 0x20u)                 /* < ' ' (ASCII: no borrow from bit 7) */
             | (q - ones) | (b - ones)
             | (w + ones * 0x01u)) & high)      /* 0x7f + 1 sets bit 7 */
            break;
    }
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c < 0x20 || c == 0x22 || c == 0x5c || c >= 0x7f)
            break;
    }
    return i;
}

#endif
