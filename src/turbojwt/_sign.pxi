# _sign.pxi: signing (included by _core.pyx, after _jsonwrite.pxi).
#
# sign_raw, a prepared key's signature of bytes; the compact-JWS assembly:
# base64url of header and payload into one buffer, the core's signature, its
# base64url, one str for the token; and encode's hot path, which writes the
# claims with the JSON writer (_jsonwrite.pxi) and signs them in one call.

def sign_raw(PreparedKey key, alg, bytes msg):
    """The JWS signature of ``msg`` (a signing input) with a prepared private key, by the C core.

    HMAC keys sign too. Raises InvalidKeyError when the key cannot serve
    ``alg`` or holds no private key. The building block of signing; tests use
    it to check that PyJWT verifies what the core signs.
    """
    cdef bytes name = str(alg).encode("utf-8", "surrogatepass")
    cdef tj_alg a = tj_alg_from_name(name, len(name))
    cdef size_t cap = tj_key_sig_max(key.key)
    cdef bytearray out = bytearray(cap)
    cdef size_t n = cap
    cdef tj_status st = tj_key_sign(key.key, a, <const uint8_t *>PyBytes_AS_STRING(msg),
                                    <size_t>PyBytes_GET_SIZE(msg), <uint8_t *><char *>out, &n)
    if st == TJ_ERR_NOMEM:
        raise MemoryError()
    if st != TJ_OK:
        raise InvalidKeyError(f"The {key.family} key cannot sign with {alg} ({tj_status_message(st).decode()})")
    return bytes(out[:n])


# ---------------------------------------------------------------- compact JWS

def b64url_encode(bytes data):
    """base64url of ``data``, without padding, by the core."""
    cdef size_t n = <size_t>PyBytes_GET_SIZE(data)
    cdef bytes out = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>tj_b64url_encoded_len(n))
    tj_b64url_encode(<const uint8_t *>PyBytes_AS_STRING(data), n, <uint8_t *>PyBytes_AS_STRING(out))
    return out


cdef inline tj_alg _jw_alg(str alg) except? TJ_ALG_UNSUPPORTED:
    """The core's algorithm of a name (every supported name is ASCII)."""
    tj_jw_str_ready(alg)
    if not PyUnicode_IS_ASCII(alg):
        return TJ_ALG_UNSUPPORTED
    return tj_alg_from_name(<const char *>PyUnicode_DATA(alg), <size_t>PyUnicode_GET_LENGTH(alg))


cdef int _raise_sign_error(PreparedKey key, alg, tj_status st) except -1:
    if st == TJ_ERR_NOMEM:
        raise MemoryError()
    raise InvalidKeyError(f"The {key.family} key cannot sign with {alg} ({tj_status_message(st).decode()})")


cdef object _jw_token(const uint8_t *header, size_t header_len, bint header_is_b64,
                      const uint8_t *payload, size_t payload_len, bint detached,
                      PreparedKey key, tj_alg a, str alg):
    """The compact JWS of a header's JSON and a payload, signed by the core, as a str.

    b64(header) "." b64(payload) (the payload as is when detached) is written
    into one buffer and signed; the token is that buffer (without the payload
    when detached), ".", and b64(signature): one str, the only object made.
    ``header_is_b64``: the header is given already base64url-encoded.
    """
    cdef size_t hb = header_len if header_is_b64 else tj_b64url_encoded_len(header_len)
    cdef size_t pb = payload_len if detached else tj_b64url_encoded_len(payload_len)
    cdef size_t sig_cap = tj_key_sig_max(key.key)
    cdef size_t sig_len = sig_cap
    cdef size_t msg_len, sb, head
    cdef tj_status st
    cdef _JBuf msg
    cdef uint8_t sig_small[512]
    cdef uint8_t *sig = sig_small
    cdef uint8_t *m
    cdef uint8_t *out
    cdef object token
    if hb > <size_t>(PY_SSIZE_T_MAX // 4) or pb > <size_t>(PY_SSIZE_T_MAX // 4):
        raise MemoryError()
    msg_len = hb + 1 + pb
    _jb_init(&msg)
    try:
        _jb_reserve(&msg, <Py_ssize_t>msg_len)
        m = <uint8_t *>msg.data
        if header_is_b64:
            memcpy(m, header, header_len)
        else:
            tj_b64url_encode(header, header_len, m)
        m[hb] = c'.'
        if detached:
            memcpy(m + hb + 1, payload, payload_len)
        else:
            tj_b64url_encode(payload, payload_len, m + hb + 1)
        if sig_cap > sizeof(sig_small):
            sig = <uint8_t *>PyMem_Malloc(sig_cap)
            if sig == NULL:
                raise MemoryError()
        if tj_key_family(key.key) == TJ_FAMILY_HMAC:
            # A prepared HMAC costs less than releasing the GIL would.
            st = tj_key_sign(key.key, a, m, msg_len, sig, &sig_len)
        else:
            # No Python object from here: the message and signature buffers
            # are this call's, and a prepared key is read-only (thread-safe).
            with nogil:
                st = tj_key_sign(key.key, a, m, msg_len, sig, &sig_len)
        if st != TJ_OK:
            _raise_sign_error(key, alg, st)
        sb = tj_b64url_encoded_len(sig_len)
        head = hb + 1 if detached else msg_len
        token = PyUnicode_New(<Py_ssize_t>(head + 1 + sb), 127)
        out = <uint8_t *>PyUnicode_DATA(token)
        memcpy(out, m, head)        # detached: "header." and so an empty payload segment
        out[head] = c'.'
        tj_b64url_encode(sig, sig_len, out + head + 1)
        return token
    finally:
        if sig != sig_small:
            PyMem_Free(sig)
        _jb_free(&msg)


def encode_compact(bytes header_json, bytes payload, PreparedKey key, str alg, bint detached=False):
    """The compact JWS (str) of ``header_json`` and ``payload``, signed with ``key`` for ``alg``.

    ``payload`` is the payload's bytes (base64url-encoded here), or with
    ``detached`` the signed content as is, left out of the token (RFC 7797).
    Raises InvalidKeyError when the key cannot sign with ``alg``, as sign_raw.
    """
    return _jw_token(<const uint8_t *>PyBytes_AS_STRING(header_json), <size_t>PyBytes_GET_SIZE(header_json),
                     False, <const uint8_t *>PyBytes_AS_STRING(payload), <size_t>PyBytes_GET_SIZE(payload),
                     detached, key, _jw_alg(alg), alg)


# ---------------------------------------------------------------- encode's hot path

ALGORITHM_UNSET = object()      # encode's "no algorithm given" marker (turbojwt._encode uses it)
cdef object _ALG_UNSET = ALGORITHM_UNSET

# The hot path signs with keys from turbojwt._policy's signing-key caches (one
# for HMAC secrets, one for private keys), whose dicts it reads directly: str
# and bytes keys by value, other objects by id with the object held. A key
# that cannot sign the algorithm, or that PyJWT would warn about, takes the
# general path, which raises or warns as PyJWT does.

cdef class _SignAlg:
    """What the hot path needs of one algorithm, found with one dict look-up."""
    cdef tj_alg alg
    cdef int hmac_min                # PyJWT's minimum HMAC key length (0: not HMAC)
    cdef bytes header_sorted         # b64 of {"alg":...,"typ":"JWT"}: the header without extra headers
    cdef bytes header_unsorted       # b64 of {"typ":"JWT","alg":...}
    cdef object cache                # the _policy.SigningKeyCache of its keys
    cdef dict keys_str               # that cache's dicts
    cdef dict keys_bytes
    cdef dict keys_obj


cdef _SignAlg _new_sign_alg(str name):
    cdef _SignAlg info = _SignAlg.__new__(_SignAlg)
    info.alg = _jw_alg(name)
    info.hmac_min = _policy.HMAC_MIN_KEY_BYTES.get(name, 0)
    info.header_sorted = b64url_encode(b'{"alg":"%s","typ":"JWT"}' % name.encode())
    info.header_unsorted = b64url_encode(b'{"typ":"JWT","alg":"%s"}' % name.encode())
    info.cache = _policy.signing_keys(name)
    info.keys_str = info.cache.by_str
    info.keys_bytes = info.cache.by_bytes
    info.keys_obj = info.cache.by_id
    return info


# The algorithms of PyJWT's default registry that the core signs (_policy's
# SIGNING_ALGORITHMS); the hot path takes no other name ("none", anything a
# caller registers).
cdef dict _JW_SIGN = {name: _new_sign_alg(name) for name in _policy.SIGNING_ALGORITHMS}
cdef int _JW_RSA_MIN_BITS = _policy.RSA_MIN_KEY_BITS


cdef bint _jw_weak(PreparedKey pk, _SignAlg info):
    """Would PyJWT warn about this key's length (_policy.weak_key_message)?"""
    cdef tj_family fam = tj_key_family(pk.key)
    if fam == TJ_FAMILY_HMAC:
        return pk.size < info.hmac_min
    return fam == TJ_FAMILY_RSA and pk.size < _JW_RSA_MIN_BITS


cdef inline bint _jw_usable(PreparedKey pk, _SignAlg info):
    """Can the hot path sign with pk for this algorithm (no error, no warning)?"""
    return tj_key_supports(pk.key, info.alg) and tj_key_is_private(pk.key) and not _jw_weak(pk, info)


cdef object _jw_prepare(object key, _SignAlg info):
    """Prepare ``key`` for the hot path and remember it, or None (the general path decides)."""
    cdef type tk = type(key)
    cdef PreparedKey pk
    if tk is PreparedKey:
        pk = key
        return pk if _jw_usable(pk, info) else None
    if tk is str or tk is bytes or (<str>getattr(tk, "__module__", "")).startswith("cryptography."):
        try:
            pk = info.cache.prepare(key)
        except Exception:
            return None     # the general path raises it again, where PyJWT does
    else:
        return None         # a PyJWK, or a key PyJWT's algorithms may refuse: the general path
    info.cache.put(key, pk)
    return pk if _jw_usable(pk, info) else None


cdef inline object _jw_signing_key(object key, _SignAlg info):
    """The prepared key for the hot path (a cache hit is one dict look-up), or None."""
    cdef type tk = type(key)
    cdef object hit
    if tk is str:
        hit = info.keys_str.get(key)
    elif tk is bytes:
        hit = info.keys_bytes.get(key)
    else:
        hit = info.keys_obj.get(id(key))
        if hit is not None:
            hit = (<tuple>hit)[0] if (<tuple>hit)[1] is key else None
    if hit is not None:
        return hit if _jw_usable(<PreparedKey>hit, info) else None
    return _jw_prepare(key, info)


cdef int _jw_truth(object v):
    """bool(v) for the plain JSON types (no Python code runs); -1 for any other type."""
    cdef type t = type(v)
    if v is None or v is False:
        return 0
    if v is True:
        return 1
    if t is str or t is int or t is float or t is list or t is tuple or t is dict:
        return 1 if v else 0
    return -1


def encode_claims(payload, key, algorithm=ALGORITHM_UNSET, headers=None, bint sort_headers=True):
    """PyJWT's token for a claims dict, json.dumps and all, in one call; or None.

    ``encode(payload, key, algorithm, headers, sort_headers=...)`` with no
    json_encoder, for the common case: ``payload`` a dict whose values are
    plain JSON types (a ``datetime`` in ``exp``, ``iat`` or ``nbf`` is not),
    ``key`` a str or bytes secret or PEM, a ``cryptography`` private key or a
    PreparedKey that signs ``algorithm`` with no key-length warning,
    ``algorithm`` one of PyJWT's defaults but "none", ``headers`` None or a
    dict, not detached. The header is PyJWS.encode's ({"typ": "JWT", "alg":
    ...} updated with ``headers``). Anything else returns None having done
    nothing (no exception, no warning): turbojwt._encode then takes the
    general path, which raises or warns as PyJWT does. The token is PyJWT's
    byte for byte for HS*, RS* and EdDSA.
    """
    cdef str alg
    cdef dict header = None
    cdef object v
    cdef _SignAlg info
    cdef PreparedKey pk
    cdef bytes std
    cdef int truth
    cdef Py_ssize_t pos
    cdef PyObject *kp
    cdef _JBuf h, p
    if type(payload) is not dict:
        return None
    if algorithm is _ALG_UNSET:
        alg = "HS256"               # (a PyJWK's own algorithm: not a key the hot path takes)
    elif type(algorithm) is str:
        alg = algorithm
    else:
        return None
    v = (<dict>payload).get("iss", _JW_MISSING)
    if v is not _JW_MISSING and type(v) is not str:
        return None                 # PyJWT's TypeError, or a str subclass: the general path
    if headers is not None:
        if type(headers) is not dict:
            return None
        if headers:
            # PyJWS.encode's header, refusing (None) what it would raise for,
            # detach, or decide by running Python code of the keys or values
            pos = 0
            while PyDict_Next(<dict>headers, &pos, &kp, NULL):
                if type(<object>kp) is not str:
                    return None
            v = (<dict>headers).get("alg")
            truth = _jw_truth(v)
            if truth < 0:
                return None
            if truth:
                if type(v) is not str:
                    return None
                alg = v
            if (<dict>headers).get("b64") is False:
                return None
            v = (<dict>headers).get("kid", _JW_MISSING)
            if v is not _JW_MISSING and type(v) is not str:
                return None
            header = {"typ": "JWT", "alg": alg}
            header.update(<dict>headers)
            truth = _jw_truth(header["typ"])
            if truth < 0:
                return None
            if not truth:
                del header["typ"]
            if "b64" in header:
                del header["b64"]
    v = _JW_SIGN.get(alg)
    if v is None:
        return None
    info = <_SignAlg>v
    v = _jw_signing_key(key, info)
    if v is None:
        return None
    pk = <PreparedKey>v
    _jb_init(&p)
    _jb_init(&h)
    try:
        if _jw_dict(&p, <dict>payload, 1, False):
            return None
        if header is None:
            std = info.header_sorted if sort_headers else info.header_unsorted
            return _jw_token(<const uint8_t *>PyBytes_AS_STRING(std), <size_t>PyBytes_GET_SIZE(std), True,
                             <const uint8_t *>p.data, <size_t>p.len, False, pk, info.alg, alg)
        if _jw_dict(&h, header, 1, sort_headers):
            return None
        return _jw_token(<const uint8_t *>h.data, <size_t>h.len, False,
                         <const uint8_t *>p.data, <size_t>p.len, False, pk, info.alg, alg)
    finally:
        _jb_free(&p)
        _jb_free(&h)


def clear_signing_keys():
    """Forget the prepared signing keys of encode (tests; key rotation needs no call)."""
    _policy.HMAC_SIGNING_KEYS.clear()
    _policy.PRIVATE_SIGNING_KEYS.clear()

