# _keys.pxi: key material to prepared C keys, and the allow-list entries that
# pair an algorithm with its key (included by _core.pyx).

cdef class PreparedKey:
    """Key material parsed once into the C core's form, bound to one family.

    Made by :func:`prepare_hmac_key`; shared read-only by any number of
    Verifiers and threads.
    """

    def __dealloc__(self):
        tj_key_free(self.key)

    def supports(self, alg):
        """Can this key verify tokens of ``alg`` (its family and, for EC and OKP, its curve)?"""
        return isinstance(alg, str) and _key_serves(self, alg)

    def __repr__(self):
        return f"<turbojwt PreparedKey {self.family}>"


def _to_bytes(key):
    if isinstance(key, str):
        try:
            return key.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidKeyError("The HMAC secret is not encodable as UTF-8 (lone surrogate)") from None
    if isinstance(key, bytes):
        return bytes(key)
    raise InvalidKeyError(
        f"Expected a string or bytes value as the HMAC secret, not {type(key).__name__}"
    )


def _is_der_key(bytes material):
    """Do these bytes parse as a DER public key, private key or certificate (per OpenSSL)?"""
    cdef tj_key *k = NULL
    cdef tj_status st = tj_key_new_der(<const uint8_t *>PyBytes_AS_STRING(material),
                                       <size_t>PyBytes_GET_SIZE(material), &k)
    tj_key_free(k)
    return st == TJ_OK


def prepare_hmac_key(key):
    """Prepare an HMAC secret (str or bytes) for HS256/HS384/HS512.

    Refuses an empty secret and anything that is public-key material (PEM,
    SSH, DER keys and certificates, JWK): see turbojwt._hmac_guard. Raises
    InvalidKeyError.
    """
    if isinstance(key, PreparedKey) and (<PreparedKey>key).family == "HMAC":
        return key
    cdef bytes secret = _to_bytes(key)
    _check_hmac_secret(secret, _is_der_key)
    cdef PreparedKey pk = PreparedKey.__new__(PreparedKey)
    cdef tj_status st = tj_key_new_hmac(<const uint8_t *>PyBytes_AS_STRING(secret),
                                        <size_t>PyBytes_GET_SIZE(secret), &pk.key)
    if st != TJ_OK:
        raise MemoryError() if st == TJ_ERR_NOMEM else InvalidKeyError(tj_status_message(st).decode())
    pk.family = "HMAC"
    pk.size = <int>PyBytes_GET_SIZE(secret)
    return pk


cdef dict _FAMILY_NAMES = {TJ_FAMILY_HMAC: "HMAC", TJ_FAMILY_RSA: "RSA", TJ_FAMILY_EC: "EC", TJ_FAMILY_OKP: "OKP"}


cdef bytes _cryptography_der(key):
    """SubjectPublicKeyInfo DER of a ``cryptography`` key object (public half of a private key).

    Only called for objects from the cryptography package, so turbojwt itself
    never needs cryptography installed.
    """
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key() if hasattr(key, "private_bytes") else key
    return public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def prepare_public_key(key):
    """Prepare an RSA, EC or OKP key for verification.

    Accepts PEM text (str or bytes: public keys, private keys whose public half
    is used, certificates), DER bytes, OpenSSH public keys (``ssh-rsa``,
    ``ecdsa-sha2-nistp256/384/521``, ``ssh-ed25519``) and ``cryptography`` key
    objects.
    Raises InvalidKeyError for anything else.
    """
    cdef bytes material
    cdef PreparedKey pk
    cdef tj_status st
    cdef bint is_pem
    if isinstance(key, PreparedKey):
        return key
    if type(key).__module__.startswith("cryptography.") and (
            hasattr(key, "public_bytes") or hasattr(key, "private_bytes")):
        material = _cryptography_der(key)
        is_pem = False
    elif isinstance(key, str):
        try:
            material = key.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidKeyError("The key is not encodable as UTF-8") from None
        is_pem = True
    elif isinstance(key, bytes):
        material = bytes(key)
        is_pem = b"-----BEGIN" in material
    else:
        raise InvalidKeyError(f"Expecting a PEM-formatted key, DER bytes or a cryptography key object, not {type(key).__name__}")
    if not is_pem or material[:4] in (b"ssh-", b"ecds"):
        from ._keyformats import looks_like_ssh_public_key, ssh_key_material
        if looks_like_ssh_public_key(material):
            return prepare_key_material(ssh_key_material(material))
    pk = PreparedKey.__new__(PreparedKey)
    if is_pem:
        st = tj_key_new_pem(<const uint8_t *>PyBytes_AS_STRING(material), <size_t>PyBytes_GET_SIZE(material), &pk.key)
    else:
        st = tj_key_new_der(<const uint8_t *>PyBytes_AS_STRING(material), <size_t>PyBytes_GET_SIZE(material), &pk.key)
    if st == TJ_ERR_NOMEM:
        raise MemoryError()
    if st != TJ_OK and (delegated := _ed448_fallback(material, is_pem)) is not None:
        return delegated  # Ed448 where the backend has none (_ed448.pxi)
    if st != TJ_OK:
        raise InvalidKeyError("Could not parse the key: not a supported RSA, EC (P-256, P-384, P-521, secp256k1) or Ed25519/Ed448 key in PEM or DER form")
    pk.family = _FAMILY_NAMES.get(tj_key_family(pk.key), "?")
    pk.size = tj_key_bits(pk.key)
    return pk


cdef object _weak_key_message(tj_alg alg, PreparedKey key):
    """The InsecureKeyLengthWarning text when key is below alg's recommended size, else None (turbojwt._policy)."""
    return _policy.weak_key_message(tj_alg_name(alg).decode(), key.family, key.size)


cdef class _AllowedAlg:
    """One algorithm of a Verifier's allow-list, with its key or the reason it has none."""


cdef _AllowedAlg _new_allowed(str name):
    cdef _AllowedAlg a = _AllowedAlg.__new__(_AllowedAlg)
    a.name_utf8 = name.encode("utf-8", "surrogatepass")
    a.alg = tj_alg_from_name(a.name_utf8, len(a.name_utf8))
    return a


cdef _bind_key(_AllowedAlg a, got, bint enforce_min_length):
    """Give a its key (a PreparedKey), or the reason it has none (got is then a message)."""
    if not isinstance(got, PreparedKey):
        a.key_error = got
    elif not tj_key_supports((<PreparedKey>got).key, a.alg):
        # Each key serves only its own family and curve: an EC key under
        # RS256, or a P-384 key under ES256, is refused here.
        a.key_error = f"The {(<PreparedKey>got).family} key cannot be used with {tj_alg_name(a.alg).decode()}"
    else:
        a.key = got
        a.weak_key = _weak_key_message(a.alg, a.key)
        if a.weak_key is not None and enforce_min_length:
            a.key_error, a.key, a.weak_key = a.weak_key, None, None


cdef _AllowedAlg _allowed_alg(str name, key, dict prepared, bint enforce_min_length):
    """The allow-list entry for name with key (raw material or a PreparedKey).

    ``prepared`` caches one parse per kind of key ("HMAC", "PKEY") across the
    algorithms of one Verifier (None when key is already a PreparedKey). A key that cannot serve the algorithm is not an
    error here: the error is raised when a token asks for it, as PyJWT does.
    """
    cdef _AllowedAlg a = _new_allowed(name)
    cdef tj_family family = tj_alg_family(a.alg)
    if a.alg == TJ_ALG_NONE:
        if not (key is None or (isinstance(key, str) and key == "")):
            a.key_error = 'When alg = "none", key value must be None.'
    elif family != TJ_FAMILY_NONE:
        if isinstance(key, PreparedKey):
            got = key
        else:
            kind = "HMAC" if family == TJ_FAMILY_HMAC else "PKEY"
            if kind not in prepared:
                try:
                    prepared[kind] = prepare_hmac_key(key) if kind == "HMAC" else prepare_public_key(key)
                except InvalidKeyError as exc:
                    prepared[kind] = str(exc)
            got = prepared[kind]
        _bind_key(a, got, enforce_min_length)
    return a


cdef _AllowedAlg _jwk_allowed_alg(str name, jwk, bint enforce_min_length):
    """The allow-list entry for name with a PyJWK, which verifies its own algorithm only."""
    cdef _AllowedAlg a = _new_allowed(name)
    if name != jwk.algorithm_name:
        a.alg_error = f"Token algorithm {name!r} does not match the key's algorithm {jwk.algorithm_name!r}"
    elif jwk.verification_refusal is not None:
        a.key_error = jwk.verification_refusal
    elif tj_alg_family(a.alg) != TJ_FAMILY_NONE:
        _bind_key(a, jwk.key, enforce_min_length)
    return a


cdef bint _key_serves(PreparedKey key, str name):
    cdef bytes b = name.encode("utf-8", "surrogatepass")
    return tj_key_supports(key.key, tj_alg_from_name(b, len(b))) != 0


# turbojwt.api_jwk's key classes and its reading of a verification key, given
# at its import (_bind_jwk): api_jwk imports this module, never the reverse.
cdef tuple _JWK_TYPES = ()          # (PyJWK, PyJWKSet) once bound
cdef object _PyJWKSet = None
cdef object _resolve_key = None


def _bind_jwk(pyjwk, pyjwkset, resolve_key):
    """Give the binding api_jwk's PyJWK and PyJWKSet classes and its
    ``resolve_key(key, algorithms) -> (key, algorithms)`` (called once, at api_jwk's import)."""
    global _JWK_TYPES, _PyJWKSet, _resolve_key
    _JWK_TYPES = (pyjwk, pyjwkset)
    _PyJWKSet = pyjwkset
    _resolve_key = resolve_key


cdef dict _CURVES = {
    "P-256": TJ_CURVE_P256, "P-384": TJ_CURVE_P384, "P-521": TJ_CURVE_P521,
    "secp256k1": TJ_CURVE_SECP256K1,
}


cdef inline const uint8_t *_ptr(b):
    return <const uint8_t *>PyBytes_AS_STRING(b) if b is not None else NULL


cdef inline size_t _len(b):
    return <size_t>PyBytes_GET_SIZE(b) if b is not None else 0


def prepare_key_material(material):
    """A PreparedKey from a validated ``_keyformats.KeyMaterial`` (from a JWK or an SSH key).

    The C core checks what the shape check cannot: an RSA key's arithmetic, an
    EC point on its curve, a private key matching its public key.
    """
    cdef PreparedKey pk
    cdef tj_pkey *raw = NULL
    cdef tj_status st
    kind = material.kind
    if kind == "oct":
        return prepare_hmac_key(material.k)
    if kind == "RSA":
        st = tj_pkey_from_rsa_components(
            _ptr(material.n), _len(material.n), _ptr(material.e), _len(material.e),
            _ptr(material.d), _len(material.d), _ptr(material.p), _len(material.p),
            _ptr(material.q), _len(material.q), _ptr(material.dp), _len(material.dp),
            _ptr(material.dq), _len(material.dq), _ptr(material.qi), _len(material.qi), &raw)
    elif kind == "EC":
        st = tj_pkey_from_ec_point(_CURVES[material.curve], _ptr(material.x), _len(material.x),
                                   _ptr(material.y), _len(material.y),
                                   _ptr(material.d), _len(material.d), &raw)
    elif kind == "OKP" and material.curve == "Ed448" and not tj_backend_has_ed448():
        return _ed448_from_raw(material.x, material.d)  # _ed448.pxi
    elif kind == "OKP":
        st = tj_pkey_from_okp(material.curve == "Ed448", _ptr(material.x), _len(material.x),
                              _ptr(material.d), _len(material.d), &raw)
    else:
        raise InvalidKeyError(f"Unsupported key type: {kind}")
    pk = PreparedKey.__new__(PreparedKey)
    st = tj_key_adopt(st, raw, &pk.key)
    if st == TJ_ERR_NOMEM:
        raise MemoryError()
    if st != TJ_OK:
        raise InvalidKeyError(f"The {kind} key is not valid (refused by OpenSSL's checks: "
                              "point on the curve, RSA consistency, matching private key)")
    pk.family = _FAMILY_NAMES.get(tj_key_family(pk.key), "?")
    pk.size = tj_key_bits(pk.key)
    return pk


def prepare_private_key(key):
    """Prepare a public-key private key for signing (RS*, PS*, ES*, EdDSA).

    Accepts PEM text (PKCS#8, PKCS#1 "RSA PRIVATE KEY", SEC 1 "EC PRIVATE KEY"),
    DER bytes (PKCS#8), ``cryptography`` private key objects and a private
    PreparedKey. Encrypted PEM is refused with a message saying so. Raises
    InvalidKeyError for anything else, public keys included.
    """
    cdef PreparedKey pk
    if isinstance(key, PreparedKey):
        pk = key
    elif type(key).__module__.startswith("cryptography.") and hasattr(key, "private_bytes"):
        from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

        pk = prepare_public_key(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    else:
        text = key.encode("utf-8", "surrogatepass") if isinstance(key, str) else key
        if isinstance(text, bytes) and (b"ENCRYPTED" in text and b"-----BEGIN" in text):
            raise InvalidKeyError(
                "The private key is encrypted: decrypt it first (for example with cryptography's "
                "load_pem_private_key(data, password)) and pass the key object"
            )
        pk = prepare_public_key(key)
    if not tj_key_is_private(pk.key):
        raise InvalidKeyError(f"Signing needs a private key; this {pk.family} key is public")
    return pk


# The signing-key caches of turbojwt._policy prepare with these (it imports
# nothing of turbojwt's, so it is given them here).
_policy.HMAC_SIGNING_KEYS.prepare = prepare_hmac_key
_policy.PRIVATE_SIGNING_KEYS.prepare = prepare_private_key
