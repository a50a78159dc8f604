/*
 * pkey_ops.c: the per-token operations on a prepared tj_pkey: verify, sign,
 * and the raw verify loop used by the benchmarks. Contracts are in pkey.h.
 *
 * Hot path (RS*, PS*, ES*): hash the signing input with the digest fetched at
 * key creation, duplicate the key's template EVP_PKEY_CTX (already set up with
 * padding, digest, MGF1 digest and salt length) and verify the digest. The key
 * and its templates are only read, so threads share them freely; each call
 * owns its duplicate and frees it. ES* on a backend with a direct ECDSA route
 * (backend.h, aws-lc) skips the context and the DER round trip.
 */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 30000
#endif
#ifndef OPENSSL_NO_DEPRECATED
#define OPENSSL_NO_DEPRECATED
#endif

#define TJ_PKEY_INTERNAL
#include "pkey.h"
#define TJ_BACKEND_INTERNAL
#include "backend.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

/* DER of ECDSA-Sig-Value for P-521: 3 (SEQUENCE, long form) + 2 * (2 + 67). */
#define ECDSA_DER_MAX 144

static const uint8_t EMPTY[1] = {0};

/* Hash msg with the digest that alg names (fetched at key creation). */
static tj_status digest_of(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                           uint8_t *dg, size_t *dg_len)
{
    unsigned int len = 0;
    if (EVP_Digest(msg, msg_len, dg, &len, k->md[tj_pkey_md_index(alg)], NULL) != 1)
        return TJ_ERR_INTERNAL;
    *dg_len = len;
    return TJ_OK;
}

static tj_status verify_digest(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                               const uint8_t *sig, size_t sig_len)
{
    uint8_t dg[EVP_MAX_MD_SIZE];
    size_t dg_len = 0;
    EVP_PKEY_CTX *ctx;
    int r;
    tj_status st = digest_of(k, alg, msg, msg_len, dg, &dg_len);
    if (st != TJ_OK)
        return st;
    /* EVP_PKEY_CTX_dup only reads the template (reference counts aside). */
    ctx = EVP_PKEY_CTX_dup(k->vtpl[alg]);
    if (ctx == NULL)
        return TJ_ERR_NOMEM;
    r = EVP_PKEY_verify(ctx, sig, sig_len, dg, dg_len);
    EVP_PKEY_CTX_free(ctx);
    /* why: only 1 means valid; 0 is a mismatch and negative values are errors
     * (malformed input among them): fail closed on all of them. */
    return r == 1 ? TJ_OK : TJ_ERR_SIGNATURE;
}

/* 1 when v (len bytes, big-endian) is in [1, n-1] for the order n (len bytes). */
static int in_scalar_range(const uint8_t *v, const uint8_t *n, size_t len)
{
    size_t i;
    int nonzero = 0;
    for (i = 0; i < len; i++)
        nonzero |= v[i];
    /* equal-length big-endian strings compare like the numbers they encode */
    return nonzero != 0 && memcmp(v, n, len) < 0;
}

/* DER INTEGER of the non-zero unsigned big-endian v[0..len) into out; returns its size. */
static size_t der_integer(uint8_t *out, const uint8_t *v, size_t len)
{
    size_t pad;
    while (len > 1 && v[0] == 0) { /* DER: minimal, no leading zero bytes ... */
        v++;
        len--;
    }
    pad = (v[0] & 0x80) != 0; /* ... except one that keeps the integer positive */
    out[0] = 0x02;
    out[1] = (uint8_t)(len + pad); /* at most 67: short-form length */
    out[2] = 0x00;
    memcpy(out + 2 + pad, v, len);
    return 2 + pad + len;
}

/* DER ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER } from raw r and s. */
static size_t ecdsa_der(uint8_t *out, const uint8_t *r, const uint8_t *s, size_t coord)
{
    uint8_t body[ECDSA_DER_MAX];
    size_t blen = der_integer(body, r, coord);
    size_t hlen;
    blen += der_integer(body + blen, s, coord);
    out[0] = 0x30;
    if (blen < 0x80) {
        out[1] = (uint8_t)blen;
        hlen = 2;
    } else {
        out[1] = 0x81; /* blen <= 138 */
        out[2] = (uint8_t)blen;
        hlen = 3;
    }
    memcpy(out + hlen, body, blen);
    return hlen + blen;
}

static tj_status verify_ec(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                           const uint8_t *sig, size_t sig_len)
{
    size_t c = k->coord_len;
    uint8_t der[ECDSA_DER_MAX];
    /* why: RFC 7518 3.4: the JWS signature is R || S, each exactly the coordinate
     * size (64, 96, 132 bytes); DER, trimmed or padded forms are not signatures. */
    if (sig_len != 2 * c)
        return TJ_ERR_SIGNATURE;
    /* why: ECDSA needs 1 <= r, s <= n-1 (SEC 1 4.1.4 step 1). CVE-2022-21449
     * ("psychic signatures", r = s = 0 verifying anything) shows what happens when
     * a verifier skips this; we check before OpenSSL does, so a regression there
     * cannot reach us. It also keeps r+n / s+n aliases out. */
    if (!in_scalar_range(sig, k->order, c) || !in_scalar_range(sig + c, k->order, c))
        return TJ_ERR_SIGNATURE;
    if (k->direct_ecdsa) {
        uint8_t dg[EVP_MAX_MD_SIZE];
        size_t dg_len = 0;
        tj_status st = digest_of(k, alg, msg, msg_len, dg, &dg_len);
        if (st != TJ_OK)
            return st;
        return tj_backend_ecdsa_verify_rs(k->pkey, dg, dg_len, sig, sig + c, c) == 1
                   ? TJ_OK : TJ_ERR_SIGNATURE;
    }
    return verify_digest(k, alg, msg, msg_len, der, ecdsa_der(der, sig, sig + c, c));
}

static tj_status verify_eddsa(const tj_pkey *k, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX *mctx;
    int r;
    /* why: RFC 8032 5.1.7 / 5.2.7: exactly 64 (Ed25519) or 114 (Ed448) bytes. */
    if (sig_len != k->sig_len)
        return TJ_ERR_SIGNATURE;
    if (k->raw_ed25519)
        return tj_backend_ed25519_verify(msg, msg_len, sig, k->ed25519_pub) ? TJ_OK : TJ_ERR_SIGNATURE;
    if (k->delegate != NULL) {
        r = k->delegate->verify(k->delegate_ctx, msg, msg_len, sig, sig_len);
        return r == 1 ? TJ_OK : r == 0 ? TJ_ERR_SIGNATURE : TJ_ERR_INTERNAL;
    }
    mctx = EVP_MD_CTX_new();
    if (mctx == NULL)
        return TJ_ERR_NOMEM;
    /* pure EdDSA: no digest, one shot over the whole signing input */
    if (EVP_DigestVerifyInit(mctx, NULL, NULL, NULL, k->pkey) != 1) {
        EVP_MD_CTX_free(mctx);
        return TJ_ERR_INTERNAL;
    }
    r = EVP_DigestVerify(mctx, sig, sig_len, msg, msg_len);
    EVP_MD_CTX_free(mctx);
    return r == 1 ? TJ_OK : TJ_ERR_SIGNATURE;
}

tj_status tj_pkey_verify(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                         const uint8_t *sig, size_t sig_len)
{
    tj_status st;
    if (k == NULL || (msg == NULL && msg_len != 0) || (sig == NULL && sig_len != 0))
        return TJ_ERR_INTERNAL;
    if (!tj_pkey_supports(k, alg))
        return TJ_ERR_KEY_UNUSABLE;
    if (msg == NULL)
        msg = EMPTY;
    if (sig == NULL)
        sig = EMPTY;
    switch (k->family) {
    case TJ_FAMILY_RSA:
        /* why: RFC 8017 8.2.2 step 1: an RSA signature is exactly k bytes; a
         * stripped leading zero or appended bytes make it no signature at all. */
        st = sig_len == k->sig_len ? verify_digest(k, alg, msg, msg_len, sig, sig_len)
                                   : TJ_ERR_SIGNATURE;
        break;
    case TJ_FAMILY_EC:
        st = verify_ec(k, alg, msg, msg_len, sig, sig_len);
        break;
    default:
        st = verify_eddsa(k, msg, msg_len, sig, sig_len);
        break;
    }
    /* why: a failed verification leaves errors on this thread's OpenSSL queue;
     * clear them so they never surface in an unrelated later call. */
    ERR_clear_error();
    return st;
}

tj_status tj_raw_verify_loop(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                             const uint8_t *sig, size_t sig_len, size_t iterations)
{
    size_t i;
    for (i = 0; i < iterations; i++) {
        tj_status st = tj_pkey_verify(k, alg, msg, msg_len, sig, sig_len);
        if (st != TJ_OK)
            return st;
    }
    return TJ_OK;
}

/* ---- signing ------------------------------------------------------------ */

static tj_status sign_digest(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                             uint8_t *out, size_t *out_len)
{
    uint8_t dg[EVP_MAX_MD_SIZE];
    size_t dg_len = 0;
    EVP_PKEY_CTX *ctx;
    int r;
    tj_status st = digest_of(k, alg, msg, msg_len, dg, &dg_len);
    if (st != TJ_OK)
        return st;
    ctx = EVP_PKEY_CTX_dup(k->stpl[alg]);
    if (ctx == NULL)
        return TJ_ERR_NOMEM;
    r = EVP_PKEY_sign(ctx, out, out_len, dg, dg_len);
    EVP_PKEY_CTX_free(ctx);
    return r == 1 ? TJ_OK : TJ_ERR_INTERNAL;
}

/* Can a modulus of k->sig_len bytes carry alg's encoding? (RFC 8017 9.1.1, 9.2) */
static int rsa_fits(const tj_pkey *k, tj_alg alg)
{
    size_t h = (size_t)EVP_MD_size(k->md[tj_pkey_md_index(alg)]);
    size_t em_len = ((size_t)k->bits - 1 + 7) / 8; /* emBits = modBits - 1 */
    if (alg >= TJ_ALG_PS256)
        return em_len >= 2 * h + 2; /* hash, salt of hash length, 2 bytes */
    return k->sig_len >= 19 + h + 11; /* DigestInfo prefix, hash, minimum padding */
}

static tj_status sign_ec(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                         uint8_t *sig)
{
    uint8_t der[ECDSA_DER_MAX];
    size_t der_len = sizeof der;
    const unsigned char *p = der;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG *es;
    int c = (int)k->coord_len;
    tj_status st = sign_digest(k, alg, msg, msg_len, der, &der_len);
    if (st != TJ_OK)
        return st;
    es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (es == NULL)
        return TJ_ERR_INTERNAL;
    ECDSA_SIG_get0(es, &r, &s);
    /* JWS wants R || S, each left-padded with zeros to the coordinate size */
    st = BN_bn2binpad(r, sig, c) == c && BN_bn2binpad(s, sig + c, c) == c ? TJ_OK
                                                                           : TJ_ERR_INTERNAL;
    ECDSA_SIG_free(es);
    return st;
}

static tj_status sign_eddsa(const tj_pkey *k, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                            size_t *sig_len)
{
    EVP_MD_CTX *mctx;
    int r;
    if (k->delegate != NULL) {
        if (k->delegate->sign(k->delegate_ctx, msg, msg_len, sig) != 1)
            return TJ_ERR_INTERNAL;
        *sig_len = k->sig_len;
        return TJ_OK;
    }
    mctx = EVP_MD_CTX_new();
    if (mctx == NULL)
        return TJ_ERR_NOMEM;
    r = EVP_DigestSignInit(mctx, NULL, NULL, NULL, k->pkey) == 1
        && EVP_DigestSign(mctx, sig, sig_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(mctx);
    return r ? TJ_OK : TJ_ERR_INTERNAL;
}

tj_status tj_pkey_sign(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                       uint8_t *sig, size_t *sig_len)
{
    tj_status st;
    size_t cap;
    if (k == NULL || sig == NULL || sig_len == NULL || (msg == NULL && msg_len != 0))
        return TJ_ERR_INTERNAL;
    if (!tj_pkey_supports(k, alg) || !k->is_private)
        return TJ_ERR_KEY_UNUSABLE;
    if (*sig_len < k->sig_len)
        return TJ_ERR_INTERNAL;
    if (msg == NULL)
        msg = EMPTY;
    cap = *sig_len;
    switch (k->family) {
    case TJ_FAMILY_RSA:
        if (!rsa_fits(k, alg))
            return TJ_ERR_KEY_UNUSABLE;
        st = sign_digest(k, alg, msg, msg_len, sig, &cap);
        break;
    case TJ_FAMILY_EC:
        st = sign_ec(k, alg, msg, msg_len, sig);
        cap = k->sig_len;
        break;
    default:
        st = sign_eddsa(k, msg, msg_len, sig, &cap);
        break;
    }
    /* every JWS signature of this key has exactly this length */
    if (st == TJ_OK && cap != k->sig_len)
        st = TJ_ERR_INTERNAL;
    if (st == TJ_OK)
        *sig_len = cap;
    ERR_clear_error();
    return st;
}
