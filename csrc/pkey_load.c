/*
 * pkey_load.c: building a tj_pkey (PEM, DER, JWK components), the key policy,
 * the per-key preparation (digests, operation templates) and the accessors.
 * The per-token operations are in pkey_ops.c. Contracts are in pkey.h. Only
 * spellings that OpenSSL 3 and aws-lc share are used here; the rest is behind
 * backend.h.
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

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#define RSA_MIN_BITS 512         /* below this a key is a toy; the binding warns under 2048 */
#define RSA_MAX_BITS 16384       /* OPENSSL_RSA_MAX_MODULUS_BITS: OpenSSL refuses to verify above */
#define RSA_SMALL_BITS 3072      /* OPENSSL_RSA_SMALL_MODULUS_BITS */
#define RSA_MAX_PUBEXP_BITS 64   /* OPENSSL_RSA_MAX_PUBEXP_BITS, enforced above RSA_SMALL_BITS */
#define MAX_INPUT_LEN (1u << 20) /* no key, certificate or PEM file is a megabyte */

typedef struct {
    tj_curve curve;
    int nid;
    size_t coord;      /* bytes per coordinate */
    int bits;
    tj_alg alg;
} curve_info;

static const curve_info CURVES[] = {
    {TJ_CURVE_P256, NID_X9_62_prime256v1, 32, 256, TJ_ALG_ES256},
    {TJ_CURVE_P384, NID_secp384r1, 48, 384, TJ_ALG_ES384},
    {TJ_CURVE_P521, NID_secp521r1, 66, 521, TJ_ALG_ES512},
    {TJ_CURVE_SECP256K1, NID_secp256k1, 32, 256, TJ_ALG_ES256K},
};
#define N_CURVES (sizeof CURVES / sizeof CURVES[0])

static const curve_info *curve_by_id(int curve)
{
    size_t i;
    for (i = 0; i < N_CURVES; i++)
        if ((int)CURVES[i].curve == curve)
            return &CURVES[i];
    return NULL;
}

static const curve_info *curve_by_nid(int nid)
{
    size_t i;
    for (i = 0; i < N_CURVES; i++)
        if (CURVES[i].nid == nid)
            return &CURVES[i];
    return NULL;
}

int tj_pkey_md_index(tj_alg alg)
{
    switch (alg) {
    case TJ_ALG_RS256: case TJ_ALG_PS256: case TJ_ALG_ES256: case TJ_ALG_ES256K:
        return TJ_MD_SHA256;
    case TJ_ALG_RS384: case TJ_ALG_PS384: case TJ_ALG_ES384:
        return TJ_MD_SHA384;
    case TJ_ALG_RS512: case TJ_ALG_PS512: case TJ_ALG_ES512:
        return TJ_MD_SHA512;
    default:
        return -1;
    }
}

/* ---- accessors ---------------------------------------------------------- */

void tj_pkey_free(tj_pkey *k)
{
    int i;
    if (k == NULL)
        return;
    for (i = 0; i < TJ_ALG_COUNT; i++) {
        EVP_PKEY_CTX_free(k->vtpl[i]);
        EVP_PKEY_CTX_free(k->stpl[i]);
    }
    for (i = 0; i < TJ_MD_COUNT; i++)
        tj_backend_md_free(k->md[i]);
    EVP_PKEY_free(k->pkey);
    if (k->delegate != NULL)
        k->delegate->release(k->delegate_ctx);
    free(k);
}

tj_status tj_pkey_from_delegate(tj_curve curve, int is_private, const tj_pkey_delegate *ops, void *ctx,
                                tj_pkey **out)
{
    tj_pkey *k;
    *out = NULL;
    if (curve != TJ_CURVE_ED448) {
        ops->release(ctx);
        return TJ_ERR_KEY_UNUSABLE;
    }
    k = calloc(1, sizeof *k);
    if (k == NULL) {
        ops->release(ctx);
        return TJ_ERR_NOMEM;
    }
    k->delegate = ops;
    k->delegate_ctx = ctx;
    k->family = TJ_FAMILY_OKP;
    k->curve = TJ_CURVE_ED448;
    k->bits = 456;
    k->sig_len = 114;
    k->is_private = is_private != 0;
    *out = k;
    return TJ_OK;
}

tj_family tj_pkey_family(const tj_pkey *k) { return k->family; }
int tj_pkey_bits(const tj_pkey *k) { return k->bits; }
tj_curve tj_pkey_curve(const tj_pkey *k) { return k->curve; }
int tj_pkey_is_private(const tj_pkey *k) { return k->is_private; }
size_t tj_pkey_sig_max(const tj_pkey *k) { return k->sig_len; }

int tj_pkey_supports(const tj_pkey *k, tj_alg alg)
{
    if (k == NULL)
        return 0;
    switch (k->family) {
    case TJ_FAMILY_RSA:
        return alg >= TJ_ALG_RS256 && alg <= TJ_ALG_PS512;
    case TJ_FAMILY_EC: {
        /* why: each ES* algorithm names one curve (RFC 7518 3.4, RFC 8812 3.2);
         * a P-384 key must never verify an ES256 token. */
        const curve_info *ci = curve_by_id((int)k->curve);
        return ci != NULL && ci->alg == alg;
    }
    case TJ_FAMILY_OKP:
        return alg == TJ_ALG_EDDSA;
    default:
        return 0;
    }
}

/* ---- policy and preparation -------------------------------------------- */

/* The RSA policy of pkey.h, shared by every way of building an RSA key. */
static tj_status rsa_policy(const BIGNUM *n, const BIGNUM *e)
{
    int nbits = BN_num_bits(n);
    if (nbits < RSA_MIN_BITS || nbits > RSA_MAX_BITS)
        return TJ_ERR_KEY_UNUSABLE;
    /* why: an even modulus is not a product of two odd primes; such a key is broken or hostile. */
    if (!BN_is_odd(n))
        return TJ_ERR_KEY_UNUSABLE;
    /* why: e = 1 makes every padded message its own signature (anyone can forge);
     * an even e (including 0) is not invertible mod phi(n). */
    if (!BN_is_odd(e) || BN_is_one(e) || BN_ucmp(e, n) >= 0)
        return TJ_ERR_KEY_UNUSABLE;
    /* why: OpenSSL refuses such exponents at verify time; refuse the key once instead. */
    if (nbits > RSA_SMALL_BITS && BN_num_bits(e) > RSA_MAX_PUBEXP_BITS)
        return TJ_ERR_KEY_UNUSABLE;
    return TJ_OK;
}

static int has_private(EVP_PKEY *pk, int id)
{
    size_t len = 0;
    if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448)
        return EVP_PKEY_get_raw_private_key(pk, NULL, &len) == 1 && len > 0;
    if (id == EVP_PKEY_RSA || id == EVP_PKEY_EC)
        return tj_backend_has_private(pk, id);
    return 0; /* refused by finish() in any case */
}

static tj_status classify_rsa(tj_pkey *k)
{
    BIGNUM *n = NULL, *e = NULL;
    tj_status st = TJ_ERR_KEY_UNUSABLE;
    if (tj_backend_rsa_public(k->pkey, &n, &e)) {
        st = rsa_policy(n, e);
        k->bits = BN_num_bits(n);
        k->sig_len = (size_t)BN_num_bytes(n);
    }
    BN_free(n);
    BN_free(e);
    return st;
}

static tj_status classify_ec(tj_pkey *k)
{
    const curve_info *ci;
    EC_GROUP *group;
    EVP_PKEY_CTX *ctx;
    int ok;

    /* why: only named curves; a key with explicit parameters that match no named
     * curve could carry a weak group or a rogue generator (CVE-2020-0601). */
    ci = curve_by_nid(tj_backend_ec_curve_nid(k->pkey));
    if (ci == NULL)
        return TJ_ERR_KEY_UNUSABLE;
    k->curve = ci->curve;
    k->coord_len = ci->coord;
    k->bits = ci->bits;
    k->sig_len = 2 * ci->coord;
    k->direct_ecdsa = tj_backend_has_direct_ecdsa();

    /* The group order n bounds r and s in every verification (pkey_ops.c). */
    group = EC_GROUP_new_by_curve_name(ci->nid);
    if (group == NULL)
        return TJ_ERR_NOMEM;
    ok = BN_bn2binpad(EC_GROUP_get0_order(group), k->order, (int)ci->coord) == (int)ci->coord;
    EC_GROUP_free(group);
    if (!ok)
        return TJ_ERR_INTERNAL;

    /* why: a point off the curve (or of small order) enables invalid-curve attacks
     * and signatures under a key nobody holds; a private scalar outside [1, n-1]
     * or not matching the public point signs for a different key. Full checks,
     * once per key. */
    ctx = EVP_PKEY_CTX_new(k->pkey, NULL);
    if (ctx == NULL)
        return TJ_ERR_NOMEM;
    ok = k->is_private ? EVP_PKEY_check(ctx) : EVP_PKEY_public_check(ctx);
    EVP_PKEY_CTX_free(ctx);
    return ok == 1 ? TJ_OK : TJ_ERR_KEY_UNUSABLE;
}

/* One template context for alg, initialised for verify (sign == 0) or sign. */
static tj_status make_template(tj_pkey *k, tj_alg alg, int sign, EVP_PKEY_CTX **out)
{
    const EVP_MD *md = k->md[tj_pkey_md_index(alg)];
    int is_pss = alg >= TJ_ALG_PS256 && alg <= TJ_ALG_PS512;
    int is_rs = alg >= TJ_ALG_RS256 && alg <= TJ_ALG_RS512;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k->pkey, NULL);
    int ok;
    if (c == NULL)
        return TJ_ERR_NOMEM;
    ok = (sign ? EVP_PKEY_sign_init(c) : EVP_PKEY_verify_init(c)) == 1;
    if (ok && is_rs)
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1;
    if (ok && is_pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) == 1;
    if (ok)
        ok = EVP_PKEY_CTX_set_signature_md(c, md) == 1;
    if (ok && is_pss) {
        /* why: RFC 7518 3.5: MGF1 with the same hash, and a salt exactly as long as
         * the hash. RSA_PSS_SALTLEN_DIGEST makes verification insist on that length
         * (a signature with any other salt length fails) and signing use it. */
        ok = EVP_PKEY_CTX_set_rsa_mgf1_md(c, md) == 1
             && EVP_PKEY_CTX_set_rsa_pss_saltlen(c, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    if (!ok) {
        EVP_PKEY_CTX_free(c);
        return TJ_ERR_INTERNAL;
    }
    *out = c;
    return TJ_OK;
}

static tj_status prepare(tj_pkey *k)
{
    int i, a;
    tj_status st;
    if (k->family == TJ_FAMILY_OKP)
        return TJ_OK; /* EdDSA hashes internally; nothing to prepare */
    for (i = 0; i < TJ_MD_COUNT; i++) {
        k->md[i] = tj_backend_md(i);
        if (k->md[i] == NULL)
            return TJ_ERR_INTERNAL;
    }
    for (a = 0; a < TJ_ALG_COUNT; a++) {
        if (tj_pkey_md_index((tj_alg)a) < 0 || !tj_pkey_supports(k, (tj_alg)a))
            continue;
        st = make_template(k, (tj_alg)a, 0, &k->vtpl[a]);
        if (st == TJ_OK && k->is_private)
            st = make_template(k, (tj_alg)a, 1, &k->stpl[a]);
        if (st != TJ_OK)
            return st;
    }
    return TJ_OK;
}

/*
 * Take ownership of pk (freed on failure), classify it, apply the policy and
 * prepare it. want_private: 1 = must hold a private key, 0 = must not, -1 = either.
 */
static tj_status finish(EVP_PKEY *pk, int want_private, tj_pkey **out)
{
    tj_pkey *k;
    tj_status st;
    int id;
    if (pk == NULL)
        return TJ_ERR_KEY_UNUSABLE;
    k = calloc(1, sizeof *k);
    if (k == NULL) {
        EVP_PKEY_free(pk);
        return TJ_ERR_NOMEM;
    }
    k->pkey = pk;
    id = EVP_PKEY_base_id(pk);
    k->is_private = has_private(pk, id);
    if (want_private >= 0 && k->is_private != want_private) {
        tj_pkey_free(k);
        return TJ_ERR_KEY_UNUSABLE;
    }
    switch (id) {
    case EVP_PKEY_RSA: /* not EVP_PKEY_RSA_PSS: its restrictions would fight the JWS parameters */
        k->family = TJ_FAMILY_RSA;
        st = classify_rsa(k);
        break;
    case EVP_PKEY_EC:
        k->family = TJ_FAMILY_EC;
        st = classify_ec(k);
        break;
    case EVP_PKEY_ED25519:
        k->family = TJ_FAMILY_OKP;
        k->curve = TJ_CURVE_ED25519;
        k->bits = 256;
        k->sig_len = 64;
        st = TJ_OK;
        if (tj_backend_has_raw_ed25519()) {
            /* why: no EVP context allocated and initialised per token (backend.h) */
            size_t len = sizeof k->ed25519_pub;
            k->raw_ed25519 = EVP_PKEY_get_raw_public_key(pk, k->ed25519_pub, &len) == 1 && len == 32;
            st = k->raw_ed25519 ? TJ_OK : TJ_ERR_INTERNAL;
        }
        break;
    case EVP_PKEY_ED448:
        k->family = TJ_FAMILY_OKP;
        k->curve = TJ_CURVE_ED448;
        k->bits = 456;
        k->sig_len = 114;
        st = TJ_OK;
        break;
    default: /* DSA, DH, X25519, SM2, RSA-PSS, ... */
        st = TJ_ERR_KEY_UNUSABLE;
        break;
    }
    if (st == TJ_OK)
        st = prepare(k);
    if (st != TJ_OK) {
        tj_pkey_free(k);
        return st;
    }
    *out = k;
    return TJ_OK;
}

/* ---- PEM and DER -------------------------------------------------------- */

typedef enum { DER_SPKI, DER_CERT, DER_RSA_PUBLIC, DER_PRIVATE } der_kind;

/* Decode exactly der[0..len) as kind; form narrows DER_PRIVATE. */
static tj_status decode_der(der_kind kind, const uint8_t *der, size_t len, tj_der_private form,
                            tj_pkey **out)
{
    const unsigned char *p = der;
    EVP_PKEY *pk = NULL;
    X509 *cert;

    switch (kind) {
    case DER_SPKI:
        pk = tj_backend_public_from_der(TJ_DER_SPKI, &p, len);
        break;
    case DER_CERT:
        cert = d2i_X509(NULL, &p, (long)len);
        if (cert != NULL) {
            pk = tj_backend_cert_public_key(cert);
            X509_free(cert);
        }
        break;
    case DER_RSA_PUBLIC:
        pk = tj_backend_public_from_der(TJ_DER_RSA_PUBLIC, &p, len);
        break;
    case DER_PRIVATE:
        pk = tj_backend_private_from_der(form, &p, len);
        break;
    }
    if (pk == NULL)
        return TJ_ERR_KEY_UNUSABLE;
    /* why: the caller gave one structure; trailing bytes mean it gave something else. */
    if (p != der + len) {
        EVP_PKEY_free(pk);
        return TJ_ERR_KEY_UNUSABLE;
    }
    return finish(pk, kind == DER_PRIVATE ? 1 : 0, out);
}

tj_status tj_pkey_from_der(const uint8_t *der, size_t len, tj_pkey **out)
{
    static const der_kind order[] = {DER_SPKI, DER_CERT, DER_RSA_PUBLIC, DER_PRIVATE};
    tj_status st = TJ_ERR_KEY_UNUSABLE;
    size_t i;
    *out = NULL;
    if (der == NULL || len == 0 || len > MAX_INPUT_LEN)
        return TJ_ERR_KEY_UNUSABLE;
    for (i = 0; i < sizeof order / sizeof order[0]; i++) {
        st = decode_der(order[i], der, len, TJ_DER_ANY_PRIVATE, out);
        if (st != TJ_ERR_KEY_UNUSABLE)
            break; /* decoded (TJ_OK), or a resource failure */
    }
    ERR_clear_error();
    return st;
}

static tj_status decode_pem_block(const char *label, const uint8_t *der, size_t len, tj_pkey **out)
{
    if (strcmp(label, "PUBLIC KEY") == 0)
        return decode_der(DER_SPKI, der, len, TJ_DER_ANY_PRIVATE, out);
    if (strcmp(label, "RSA PUBLIC KEY") == 0)
        return decode_der(DER_RSA_PUBLIC, der, len, TJ_DER_ANY_PRIVATE, out);
    if (strcmp(label, "CERTIFICATE") == 0)
        return decode_der(DER_CERT, der, len, TJ_DER_ANY_PRIVATE, out);
    if (strcmp(label, "PRIVATE KEY") == 0)
        return decode_der(DER_PRIVATE, der, len, TJ_DER_PKCS8, out);
    if (strcmp(label, "RSA PRIVATE KEY") == 0)
        return decode_der(DER_PRIVATE, der, len, TJ_DER_RSA_PRIVATE, out);
    if (strcmp(label, "EC PRIVATE KEY") == 0)
        return decode_der(DER_PRIVATE, der, len, TJ_DER_EC_PRIVATE, out);
    return TJ_ERR_KEY_UNUSABLE; /* "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", ... */
}

tj_status tj_pkey_from_pem(const uint8_t *pem, size_t len, tj_pkey **out)
{
    BIO *bio;
    tj_status st = TJ_ERR_KEY_UNUSABLE;
    *out = NULL;
    if (pem == NULL || len == 0 || len > MAX_INPUT_LEN)
        return TJ_ERR_KEY_UNUSABLE;
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return TJ_ERR_NOMEM;
    for (;;) {
        char *label = NULL, *header = NULL;
        unsigned char *data = NULL;
        long dlen = 0;
        int skip;
        if (PEM_read_bio(bio, &label, &header, &data, &dlen) != 1)
            break; /* no (further) PEM block: st stays TJ_ERR_KEY_UNUSABLE */
        /* `openssl ecparam -genkey` writes the curve before the key: skip that block */
        skip = strcmp(label, "EC PARAMETERS") == 0;
        if (!skip) {
            /* why: PEM headers only carry legacy encryption (Proc-Type: 4,ENCRYPTED);
             * we never decrypt, so such a key is unusable. */
            st = header[0] != '\0' ? TJ_ERR_KEY_UNUSABLE
                                   : decode_pem_block(label, data, (size_t)dlen, out);
        }
        OPENSSL_free(label);
        OPENSSL_free(header);
        OPENSSL_clear_free(data, (size_t)dlen);
        if (!skip)
            break; /* only the first key block counts */
    }
    BIO_free(bio);
    ERR_clear_error();
    return st;
}

/* ---- JWK components ----------------------------------------------------- */

/* A BIGNUM of the big-endian v[0..len) (secure memory for secret values) into *keep; 0 on failure. */
static int new_bn(const uint8_t *v, size_t len, int secret, BIGNUM **keep)
{
    BIGNUM *bn = secret ? BN_secure_new() : BN_new();
    *keep = bn;
    return bn != NULL && BN_bin2bn(v, (int)len, bn) != NULL;
}

#define PRESENT(ptr, len) ((ptr) != NULL && (len) > 0)

/* Do the private values of an RSA key (bn: n, e, d[, p, q, dp, dq, qi]) belong
 * to it? 1 yes, 0 no, -1 allocation failure. No primality test: these only
 * catch a d or CRT value that was mangled or taken from another key. */
static int rsa_private_consistent(BIGNUM *const *bn, int crt, BIGNUM *tmp, BN_CTX *bctx)
{
    int ok = -1;
    BN_CTX_start(bctx);
    BIGNUM *two = BN_CTX_get(bctx), *c = BN_CTX_get(bctx), *r = BN_CTX_get(bctx);
    if (r == NULL || !BN_set_word(two, 2))
        goto out;
    /* (2^e)^d mod n must give 2 back (n > 2 always: at least 512 bits, and odd).
     * d is secret: the constant-time exponentiation. */
    if (!BN_mod_exp(c, two, bn[1], bn[0], bctx)
        || !BN_mod_exp_mont_consttime(r, c, bn[2], bn[0], bctx, NULL))
        goto out;
    ok = BN_cmp(r, two) == 0;
    if (ok != 1 || !crt)
        goto out;
    ok = -1;
    if (!BN_mul(tmp, bn[3], bn[4], bctx))
        goto out;
    ok = BN_cmp(tmp, bn[0]) == 0;
    for (int f = 0; ok == 1 && f < 2; f++) {   /* dp with p, dq with q */
        ok = -1;
        if (!BN_copy(c, bn[3 + f]) || !BN_sub_word(c, 1) || !BN_nnmod(r, bn[2], c, bctx))
            goto out;
        ok = BN_cmp(r, bn[5 + f]) == 0;
    }
    if (ok == 1) {
        ok = -1;
        if (!BN_mod_mul(r, bn[7], bn[4], bn[3], bctx))
            goto out;
        ok = BN_is_one(r);
    }
out:
    BN_CTX_end(bctx);
    return ok;
}

tj_status tj_pkey_from_rsa_components(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                                      const uint8_t *d, size_t d_len, const uint8_t *p, size_t p_len,
                                      const uint8_t *q, size_t q_len, const uint8_t *dp, size_t dp_len,
                                      const uint8_t *dq, size_t dq_len, const uint8_t *qi,
                                      size_t qi_len, tj_pkey **out)
{
    const uint8_t *v[8] = {n, e, d, p, q, dp, dq, qi};
    size_t l[8] = {n_len, e_len, d_len, p_len, q_len, dp_len, dq_len, qi_len};
    BIGNUM *bn[8] = {NULL};
    BN_CTX *bctx = NULL;
    BIGNUM *pq = NULL;
    EVP_PKEY *pk = NULL;
    tj_status st = TJ_ERR_KEY_UNUSABLE;
    int i, count, crt = 0;

    *out = NULL;
    for (i = 0; i < 8; i++) {
        if ((v[i] == NULL && l[i] != 0) || l[i] > RSA_MAX_BITS / 8 + 8)
            return TJ_ERR_KEY_UNUSABLE;
        crt += i >= 3 && PRESENT(v[i], l[i]);
    }
    if (!PRESENT(n, n_len) || !PRESENT(e, e_len))
        return TJ_ERR_KEY_UNUSABLE;
    /* why: RFC 7518 6.3.2: the CRT values come all together and only with d; a
     * partial set cannot be used consistently. */
    if ((crt != 0 && crt != 5) || (crt != 0 && !PRESENT(d, d_len)))
        return TJ_ERR_KEY_UNUSABLE;
    count = !PRESENT(d, d_len) ? 2 : crt ? 8 : 3;

    for (i = 0; i < count; i++)
        if (!new_bn(v[i], l[i], i >= 2, &bn[i])) {
            st = TJ_ERR_NOMEM;
            goto done;
        }
    st = rsa_policy(bn[0], bn[1]);
    if (st != TJ_OK)
        goto done;
    if (count > 2) {
        /* why: consistency checks so a mangled private JWK fails here, not as
         * signatures nobody can verify: 1 <= d < n, (2^e)^d = 2 mod n, and with
         * CRT values p*q = n, dp = d mod (p-1), dq = d mod (q-1), qi*q = 1 mod p. */
        st = TJ_ERR_KEY_UNUSABLE;
        if (BN_is_zero(bn[2]) || BN_ucmp(bn[2], bn[0]) >= 0)
            goto done;
        bctx = BN_CTX_new();
        pq = BN_new();
        if (bctx == NULL || pq == NULL) {
            st = TJ_ERR_NOMEM;
            goto done;
        }
        int consistent = rsa_private_consistent(bn, count == 8, pq, bctx);
        if (consistent < 0)
            st = TJ_ERR_NOMEM;
        if (consistent != 1)
            goto done;
    }
    pk = tj_backend_rsa_from_bn(bn, count);
    st = finish(pk, count > 2, out);
done:
    for (i = 0; i < 8; i++)
        BN_clear_free(bn[i]);
    BN_free(pq);
    BN_CTX_free(bctx);
    ERR_clear_error();
    return st;
}

tj_status tj_pkey_from_ec_point(int curve, const uint8_t *x, size_t x_len, const uint8_t *y,
                                size_t y_len, const uint8_t *d, size_t d_len, tj_pkey **out)
{
    const curve_info *ci = curve_by_id(curve);
    uint8_t point[1 + 2 * 66];
    BIGNUM *priv = NULL;
    EVP_PKEY *pk = NULL;
    tj_status st = TJ_ERR_NOMEM;

    *out = NULL;
    if (ci == NULL || x == NULL || y == NULL)
        return TJ_ERR_KEY_UNUSABLE;
    /* why: RFC 7518 6.2.1.2-3: each coordinate is exactly the curve's size; a short
     * or long one is a malformed key, never silently padded or truncated here. */
    if (x_len != ci->coord || y_len != ci->coord)
        return TJ_ERR_KEY_UNUSABLE;
    if (d != NULL && (d_len == 0 || d_len > ci->coord))
        return TJ_ERR_KEY_UNUSABLE;
    point[0] = 0x04; /* uncompressed: 04 || x || y (SEC 1 2.3.3) */
    memcpy(point + 1, x, x_len);
    memcpy(point + 1 + x_len, y, y_len);

    if (d == NULL || new_bn(d, d_len, 1, &priv)) {
        /* the backend refuses a point off the curve; finish() adds the full
         * public (and key pair) check. */
        pk = tj_backend_ec_from_point(ci->nid, point, 1 + 2 * ci->coord, priv);
        st = finish(pk, d != NULL, out);
    }
    BN_clear_free(priv);
    ERR_clear_error();
    return st;
}

tj_status tj_pkey_from_okp(int ed448, const uint8_t *pub, size_t pub_len, const uint8_t *priv,
                           size_t priv_len, tj_pkey **out)
{
    int type = ed448 ? EVP_PKEY_ED448 : EVP_PKEY_ED25519;
    size_t klen = ed448 ? 57 : 32;
    uint8_t derived[57];
    size_t dlen = sizeof derived;
    EVP_PKEY *pk;
    tj_status st;

    *out = NULL;
    /* why: RFC 8037 2: raw keys of exactly 32 (Ed25519) or 57 (Ed448) bytes. */
    if (pub == NULL || pub_len != klen || (priv != NULL && priv_len != klen))
        return TJ_ERR_KEY_UNUSABLE;
    if (ed448 && !tj_backend_has_ed448())
        return TJ_ERR_KEY_UNUSABLE;
    if (priv != NULL) {
        pk = EVP_PKEY_new_raw_private_key(type, NULL, priv, klen);
        /* why: a JWK whose x is not the public key of its d would sign for one key
         * and verify for another. */
        if (pk != NULL && (EVP_PKEY_get_raw_public_key(pk, derived, &dlen) != 1 || dlen != klen
                           || memcmp(derived, pub, klen) != 0)) {
            EVP_PKEY_free(pk);
            ERR_clear_error();
            return TJ_ERR_KEY_UNUSABLE;
        }
    } else {
        pk = EVP_PKEY_new_raw_public_key(type, NULL, pub, klen);
    }
    st = pk == NULL ? TJ_ERR_NOMEM : finish(pk, priv != NULL, out);
    ERR_clear_error();
    return st;
}
