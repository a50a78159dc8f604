# _ed448.pxi: Ed448 keys delegated to the cryptography package, in builds whose
# backend has no Ed448 (aws-lc; tj_backend_has_ed448() == 0). See _ed448.py for
# the loading and csrc/pkey.h (tj_pkey_from_delegate) for the contract: the core
# calls back here for the arithmetic only, from any thread (batch workers too),
# so each callback takes the GIL.

from cpython.ref cimport Py_INCREF, Py_DECREF
from libc.string cimport memcpy


cdef int _ed448_verify(void *ctx, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                       size_t sig_len) noexcept with gil:
    keys = <tuple>ctx
    try:
        keys[0].verify((<const char *>sig)[:sig_len], (<const char *>msg)[:msg_len])
        return 1
    except BaseException as exc:
        # cryptography's InvalidSignature is the only "no"; anything else is a failure
        return 0 if type(exc).__name__ == "InvalidSignature" else -1


cdef int _ed448_sign(void *ctx, const uint8_t *msg, size_t msg_len, uint8_t *sig) noexcept with gil:
    cdef bytes out
    keys = <tuple>ctx
    try:
        out = keys[1].sign((<const char *>msg)[:msg_len])
    except BaseException:
        return 0
    if len(out) != 114:
        return 0
    memcpy(sig, PyBytes_AS_STRING(out), 114)
    return 1


cdef void _ed448_release(void *ctx) noexcept with gil:
    Py_DECREF(<object>ctx)


cdef tj_pkey_delegate _ED448_OPS
_ED448_OPS.verify = _ed448_verify
_ED448_OPS.sign = _ed448_sign
_ED448_OPS.release = _ed448_release


cdef PreparedKey _ed448_delegated(tuple keys):
    """A PreparedKey whose Ed448 operations are cryptography's keys (public, private or None)."""
    cdef tj_pkey *raw = NULL
    cdef PreparedKey pk = PreparedKey.__new__(PreparedKey)
    cdef tj_status st
    Py_INCREF(keys)  # owned by the C key from here on; _ed448_release drops it
    st = tj_pkey_from_delegate(TJ_CURVE_ED448, keys[1] is not None, &_ED448_OPS, <void *>keys, &raw)
    st = tj_key_adopt(st, raw, &pk.key)
    if st == TJ_ERR_NOMEM:
        raise MemoryError()
    if st != TJ_OK:
        raise InvalidKeyError("The Ed448 key could not be prepared")
    pk.family = "OKP"
    pk.size = tj_key_bits(pk.key)
    return pk


cdef object _ed448_fallback(bytes material, bint is_pem):
    """The delegated key when material is Ed448 and the backend lacks it, else None."""
    if tj_backend_has_ed448():
        return None
    from . import _ed448
    keys = _ed448.load(material, is_pem, backend_version())
    return None if keys is None else _ed448_delegated(keys)


cdef PreparedKey _ed448_from_raw(x, d):
    from . import _ed448
    return _ed448_delegated(_ed448.from_raw(x, d, backend_version()))
