# Declarations of the C core's API (csrc/*.h), mirrored once here.
# Everything the core exports is pure C on caller-owned memory, so every
# function is declared nogil: the binding may call it with the GIL released.
from libc.stdint cimport uint8_t, uint16_t, uint32_t, int64_t


cdef extern from "tj_status.h" nogil:
    ctypedef enum tj_status:
        TJ_OK
        TJ_ERR_TOKEN_TOO_LARGE
        TJ_ERR_SEGMENTS
        TJ_ERR_HEADER_B64
        TJ_ERR_PAYLOAD_B64
        TJ_ERR_SIGNATURE_B64
        TJ_ERR_HEADER_JSON
        TJ_ERR_HEADER_NOT_OBJECT
        TJ_ERR_PAYLOAD_JSON
        TJ_ERR_PAYLOAD_NOT_OBJECT
        TJ_ERR_PAYLOAD_NOT_EMPTY
        TJ_ERR_DETACHED_NOT_ALLOWED
        TJ_ERR_DETACHED_MISSING
        TJ_ERR_HEADER_DUPLICATE
        TJ_ERR_HEADER_TOO_MANY
        TJ_ERR_KID_TYPE
        TJ_ERR_CRIT_FORMAT
        TJ_ERR_CRIT_VALUE_TYPE
        TJ_ERR_CRIT_UNSUPPORTED
        TJ_ERR_CRIT_MISSING
        TJ_ERR_B64_NOT_CRIT
        TJ_ERR_KID_UNKNOWN
        TJ_ERR_KID_MISSING
        TJ_ERR_ALG_MISSING
        TJ_ERR_ALG_NOT_ALLOWED
        TJ_ERR_ALG_UNSUPPORTED
        TJ_ERR_KEY_UNUSABLE
        TJ_ERR_SIGNATURE
        TJ_ERR_MISSING_CLAIM
        TJ_ERR_IAT_TYPE
        TJ_ERR_IAT_FUTURE
        TJ_ERR_NBF_TYPE
        TJ_ERR_NBF_FUTURE
        TJ_ERR_EXP_TYPE
        TJ_ERR_EXPIRED
        TJ_ERR_ISS_TYPE
        TJ_ERR_ISS_MISMATCH
        TJ_ERR_AUD_UNEXPECTED
        TJ_ERR_AUD_FORMAT
        TJ_ERR_AUD_MISMATCH
        TJ_ERR_AUD_STRICT_EXPECTED
        TJ_ERR_AUD_STRICT_FORMAT
        TJ_ERR_AUD_STRICT_MISMATCH
        TJ_ERR_SUB_TYPE
        TJ_ERR_SUB_MISMATCH
        TJ_ERR_JTI_TYPE
        TJ_DEFER_CLAIMS
        TJ_ERR_NOMEM
        TJ_ERR_INTERNAL
        TJ_STATUS_COUNT
    int TJ_CLAIM_ISS
    int TJ_CLAIM_AUD
    const char *tj_status_message(tj_status status)


cdef extern from "tj_limits.h" nogil:
    unsigned int TJ_DEFAULT_MAX_TOKEN_LEN
    unsigned int TJ_HARD_MAX_TOKEN_LEN
    unsigned int TJ_JSON_MAX_DEPTH


cdef extern from "algs.h" nogil:
    ctypedef enum tj_alg:
        TJ_ALG_UNSUPPORTED
        TJ_ALG_NONE
        TJ_ALG_HS256
        TJ_ALG_HS384
        TJ_ALG_HS512
        TJ_ALG_RS256
        TJ_ALG_RS384
        TJ_ALG_RS512
        TJ_ALG_PS256
        TJ_ALG_PS384
        TJ_ALG_PS512
        TJ_ALG_ES256
        TJ_ALG_ES384
        TJ_ALG_ES512
        TJ_ALG_ES256K
        TJ_ALG_EDDSA
        TJ_ALG_COUNT
    ctypedef enum tj_family:
        TJ_FAMILY_NONE
        TJ_FAMILY_HMAC
        TJ_FAMILY_RSA
        TJ_FAMILY_EC
        TJ_FAMILY_OKP
    tj_alg tj_alg_from_name(const char *name, size_t len)
    const char *tj_alg_name(tj_alg alg)
    tj_family tj_alg_family(tj_alg alg)


cdef extern from "json.h" nogil:
    ctypedef enum tj_json_type:
        TJ_JSON_NULL
        TJ_JSON_FALSE
        TJ_JSON_TRUE
        TJ_JSON_INT
        TJ_JSON_FLOAT
        TJ_JSON_STRING
        TJ_JSON_ARRAY
        TJ_JSON_OBJECT
    unsigned int TJ_JSON_F_ESCAPED
    unsigned int TJ_JSON_F_ASCII
    ctypedef struct tj_json_entry:
        uint8_t type
        uint8_t flags
        uint32_t len
        uint32_t pos
    ctypedef enum tj_json_status:
        TJ_JSON_OK
    ctypedef struct tj_json_tape:
        tj_json_entry *entries
        uint32_t cap
        uint32_t count
    uint32_t tj_json_tape_bound(size_t len)
    tj_json_status tj_json_parse(const uint8_t *doc, size_t len, tj_json_tape *tape,
                                 unsigned max_depth, size_t *err_pos)
    const char *tj_json_status_message(tj_json_status st)
    size_t tj_json_unescape(const uint8_t *doc, const tj_json_entry *e, uint8_t *out)
    int tj_json_small_int(const uint8_t *doc, const tj_json_entry *e, int64_t *out)


cdef extern from "claims.h" nogil:
    tj_status tj_check_claims(const tj_policy *policy, const uint8_t *doc, tj_json_entry *tape,
                              uint32_t root, double now, int *detail)


cdef extern from "b64url.h" nogil:
    size_t tj_b64url_decoded_bound(size_t len)
    size_t tj_b64url_encoded_len(size_t len)
    int tj_b64url_decode(const uint8_t *inp, size_t len, uint8_t *out, size_t *out_len)
    size_t tj_b64url_encode(const uint8_t *inp, size_t len, uint8_t *out)


cdef extern from "hmac.h" nogil:
    ctypedef enum tj_sha:
        TJ_SHA256
        TJ_SHA384
        TJ_SHA512
    ctypedef struct tj_hmac:
        pass
    tj_status tj_hmac_new(const uint8_t *secret, size_t len, tj_hmac **out)
    void tj_hmac_free(tj_hmac *h)
    tj_status tj_hmac_sign(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len, uint8_t *tag)
    tj_status tj_hmac_verify(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len,
                             const uint8_t *sig, size_t sig_len)


cdef extern from "pkey.h" nogil:
    ctypedef struct tj_pkey:
        pass
    ctypedef enum tj_curve:
        TJ_CURVE_NONE
        TJ_CURVE_P256
        TJ_CURVE_P384
        TJ_CURVE_P521
        TJ_CURVE_SECP256K1
        TJ_CURVE_ED25519
        TJ_CURVE_ED448
    tj_status tj_pkey_from_rsa_components(const uint8_t *n, size_t n_len,
                                          const uint8_t *e, size_t e_len,
                                          const uint8_t *d, size_t d_len,
                                          const uint8_t *p, size_t p_len,
                                          const uint8_t *q, size_t q_len,
                                          const uint8_t *dp, size_t dp_len,
                                          const uint8_t *dq, size_t dq_len,
                                          const uint8_t *qi, size_t qi_len,
                                          tj_pkey **out)
    tj_status tj_pkey_from_ec_point(int curve, const uint8_t *x, size_t x_len,
                                    const uint8_t *y, size_t y_len,
                                    const uint8_t *d, size_t d_len, tj_pkey **out)
    tj_status tj_pkey_from_okp(int ed448, const uint8_t *pub, size_t pub_len,
                               const uint8_t *priv, size_t priv_len, tj_pkey **out)


cdef extern from "keys.h" nogil:
    ctypedef struct tj_key:
        pass
    tj_status tj_key_new_hmac(const uint8_t *secret, size_t len, tj_key **out)
    tj_status tj_key_new_pem(const uint8_t *pem, size_t len, tj_key **out)
    tj_status tj_key_new_der(const uint8_t *der, size_t len, tj_key **out)
    int tj_key_bits(const tj_key *key)
    tj_status tj_key_adopt(tj_status st, tj_pkey *pk, tj_key **out)
    void tj_key_free(tj_key *key)
    tj_family tj_key_family(const tj_key *key)
    int tj_key_supports(const tj_key *key, tj_alg alg)
    tj_status tj_key_verify(const tj_key *key, tj_alg alg, const uint8_t *msg, size_t msg_len,
                            const uint8_t *sig, size_t sig_len)
    size_t tj_key_sig_max(const tj_key *key)
    int tj_key_is_private(const tj_key *key)
    tj_status tj_key_sign(const tj_key *key, tj_alg alg, const uint8_t *msg, size_t msg_len,
                          uint8_t *sig, size_t *sig_len)


cdef extern from "jws.h" nogil:
    ctypedef struct tj_str:
        const char *ptr
        size_t len
    ctypedef struct tj_allowed_alg:
        tj_str name
        tj_alg alg
        const tj_key *key
    ctypedef struct tj_set_key:
        tj_str kid
        const tj_allowed_alg *algs
        size_t n_algs
    unsigned int TJ_VERIFY_SIGNATURE
    unsigned int TJ_VERIFY_EXP
    unsigned int TJ_VERIFY_NBF
    unsigned int TJ_VERIFY_IAT
    unsigned int TJ_VERIFY_AUD
    unsigned int TJ_VERIFY_ISS
    unsigned int TJ_VERIFY_SUB
    unsigned int TJ_VERIFY_JTI
    unsigned int TJ_STRICT_AUD
    unsigned int TJ_AUDIENCE_SET
    unsigned int TJ_AUDIENCE_IS_STR
    unsigned int TJ_ISSUER_SET
    unsigned int TJ_SUBJECT_SET
    unsigned int TJ_CLAIMS_IN_PYTHON
    unsigned int TJ_SKIP_PAYLOAD
    unsigned int TJ_HEADER_ONLY
    ctypedef struct tj_header_memo:
        pass
    tj_header_memo *tj_header_memo_new()
    void tj_header_memo_free(tj_header_memo *memo)
    unsigned tj_header_memo_count(const tj_header_memo *memo)
    ctypedef struct tj_policy:
        unsigned flags
        double leeway
        size_t max_token_len
        const tj_allowed_alg *algs
        size_t n_algs
        const tj_set_key *keys
        size_t n_keys
        const tj_str *audience
        size_t n_audience
        const tj_str *issuers
        size_t n_issuers
        tj_str subject
        const tj_str *require
        size_t n_require
        tj_header_memo *memo
    ctypedef struct tj_workspace:
        uint8_t *buf
        size_t buf_cap
        tj_json_entry *tape
        uint32_t tape_cap
    void tj_workspace_need(size_t token_len, size_t detached_len, int has_detached, size_t *buf_bytes,
                           uint32_t *tape_entries)
    ctypedef struct tj_decoded:
        tj_status status
        int detail
        const uint8_t *header
        size_t header_len
        const uint8_t *payload
        size_t payload_len
        uint32_t payload_root
        const uint8_t *signature
        size_t signature_len
        int alg_index
        int key_index
    void tj_decode(const tj_policy *policy, const uint8_t *token, size_t len,
                   const uint8_t *detached, size_t detached_len, double now,
                   tj_workspace *ws, tj_decoded *out)
    double tj_now()


cdef extern from "batch.h" nogil:
    ctypedef struct tj_batch_job:
        const tj_policy *pol
        const uint8_t **tok
        const size_t *tok_len
        tj_workspace *ws
        tj_decoded *res
        size_t n
        double now
        const double *now_each
        size_t next
        size_t claim
        void (*after)(tj_workspace *ws, const tj_decoded *res) noexcept nogil
    void tj_batch_work(tj_batch_job *job)
    ctypedef struct tj_pool:
        pass
    tj_pool *tj_pool_new(unsigned workers)
    void tj_pool_submit(tj_pool *pool, tj_batch_job *job)
    void tj_pool_finish(tj_pool *pool, tj_batch_job *job)
    void tj_pool_free(tj_pool *pool)


cdef extern from "backend.h" nogil:
    const char *tj_backend_version()
    int tj_backend_has_ed448()


cdef extern from "pkey.h" nogil:
    ctypedef struct tj_pkey_delegate:
        int (*verify)(void *ctx, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len) noexcept
        int (*sign)(void *ctx, const uint8_t *msg, size_t msg_len, uint8_t *sig) noexcept
        void (*release)(void *ctx) noexcept
    tj_status tj_pkey_from_delegate(tj_curve curve, int is_private, const tj_pkey_delegate *ops, void *ctx,
                                    tj_pkey **out)
