/*
 * backend_openssl3.c: backend.h for OpenSSL 3.0 and newer: keys built from
 * OSSL_PARAM lists (EVP_PKEY_fromdata), private keys read by OSSL_DECODER,
 * parameters read with EVP_PKEY_get_*_param, digests fetched (EVP_MD_fetch).
 * Compiles to nothing against aws-lc (backend_awslc.c serves that build).
 */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 30000
#endif
#ifndef OPENSSL_NO_DEPRECATED
#define OPENSSL_NO_DEPRECATED
#endif

#include <openssl/crypto.h>

#ifndef OPENSSL_IS_AWSLC

#define TJ_BACKEND_INTERNAL
#include "backend.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

const char *tj_backend_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION); /* of the libcrypto loaded, not the headers */
}

int tj_backend_has_ed448(void) { return 1; }

int tj_backend_has_raw_ed25519(void) { return 0; }

int tj_backend_ed25519_verify(const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                              const uint8_t *pub)
{
    (void)msg; (void)msg_len; (void)sig; (void)pub;
    return 0; /* never called: tj_backend_has_raw_ed25519() is 0 */
}

/* EVP only: ECDSA_do_verify and EVP_PKEY_get0_EC_KEY are deprecated in 3.0. */
int tj_backend_has_direct_ecdsa(void) { return 0; }

int tj_backend_ecdsa_verify_rs(const EVP_PKEY *pk, const uint8_t *dg, size_t dg_len,
                               const uint8_t *r, const uint8_t *s, size_t coord)
{
    (void)pk; (void)dg; (void)dg_len; (void)r; (void)s; (void)coord;
    return 0; /* never called: tj_backend_has_direct_ecdsa() is 0 */
}

EVP_PKEY *tj_backend_public_from_der(tj_der_public form, const unsigned char **p, size_t len)
{
    return form == TJ_DER_SPKI ? d2i_PUBKEY(NULL, p, (long)len)
                               : d2i_PublicKey(EVP_PKEY_RSA, NULL, p, (long)len);
}

EVP_PKEY *tj_backend_cert_public_key(X509 *cert)
{
    return X509_get_pubkey(cert);
}

/* why: a server has no terminal and no business decrypting keys: every
 * passphrase request fails, so an encrypted key is simply unusable. */
static int no_passphrase(char *pass, size_t pass_size, size_t *pass_len,
                         const OSSL_PARAM params[], void *arg)
{
    (void)pass; (void)pass_size; (void)params; (void)arg;
    *pass_len = 0;
    return 0;
}

EVP_PKEY *tj_backend_private_from_der(tj_der_private form, const unsigned char **p, size_t len)
{
    static const char *const structure[] = {NULL, "PrivateKeyInfo", "type-specific", "type-specific"};
    static const char *const keytype[] = {NULL, NULL, "RSA", "EC"};
    EVP_PKEY *pk = NULL;
    size_t left = len;
    OSSL_DECODER_CTX *dc = OSSL_DECODER_CTX_new_for_pkey(&pk, "DER", structure[form], keytype[form],
                                                         EVP_PKEY_KEYPAIR, NULL, NULL);
    if (dc == NULL)
        return NULL;
    if (OSSL_DECODER_CTX_set_passphrase_cb(dc, no_passphrase, NULL) != 1
        || OSSL_DECODER_from_data(dc, p, &left) != 1) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    OSSL_DECODER_CTX_free(dc);
    return pk;
}

const EVP_MD *tj_backend_md(int index)
{
    static const char *const names[] = {"SHA256", "SHA384", "SHA512"};
    /* why fetched: an explicit fetch once per key spares the implicit fetch
     * that EVP_sha256() and friends cost on every use in OpenSSL 3. */
    return EVP_MD_fetch(NULL, names[index], NULL);
}

void tj_backend_md_free(const EVP_MD *md)
{
    EVP_MD_free((EVP_MD *)md); /* fetched: we own a reference */
}

int tj_backend_rsa_public(const EVP_PKEY *pk, BIGNUM **n, BIGNUM **e)
{
    *n = *e = NULL;
    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, n) == 1
        && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, e) == 1)
        return 1;
    BN_free(*n);
    BN_free(*e);
    *n = *e = NULL;
    return 0;
}

int tj_backend_has_private(const EVP_PKEY *pk, int base_id)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(
                 pk, base_id == EVP_PKEY_RSA ? OSSL_PKEY_PARAM_RSA_D : OSSL_PKEY_PARAM_PRIV_KEY, &bn)
             == 1;
    BN_clear_free(bn);
    return ok;
}

int tj_backend_ec_curve_nid(const EVP_PKEY *pk)
{
    char name[64];
    size_t name_len = 0;
    int nid;
    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &name_len)
        != 1)
        return NID_undef;
    nid = OBJ_sn2nid(name);
    return nid != NID_undef ? nid : EC_curve_nist2nid(name);
}

/* EVP_PKEY_fromdata over the parameters in bld; NULL on failure. */
static EVP_PKEY *from_params(const char *keytype, OSSL_PARAM_BLD *bld, int private_key)
{
    EVP_PKEY *pk = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, keytype, NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pk, private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                             params) != 1) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* secure (and cleared) for the secret values */
    return pk;
}

EVP_PKEY *tj_backend_rsa_from_bn(BIGNUM *const *bn, int count)
{
    static const char *const names[8] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    EVP_PKEY *pk = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    int i, ok = bld != NULL;
    for (i = 0; ok && i < count; i++)
        ok = OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]);
    if (ok)
        pk = from_params("RSA", bld, count > 2);
    OSSL_PARAM_BLD_free(bld);
    return pk;
}

EVP_PKEY *tj_backend_ec_from_point(int nid, const uint8_t *point, size_t point_len,
                                   const BIGNUM *priv)
{
    EVP_PKEY *pk = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (bld == NULL)
        return NULL;
    /* fromdata refuses a point off the curve */
    if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0)
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, point_len)
        && (priv == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
        pk = from_params("EC", bld, priv != NULL);
    OSSL_PARAM_BLD_free(bld);
    return pk;
}

#else
typedef int tj_backend_openssl3_not_built; /* ISO C wants a declaration in every file */
#endif
