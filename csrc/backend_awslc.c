/*
 * backend_awslc.c: backend.h for aws-lc (linked statically, its symbols
 * hidden): keys built from RSA and EC_KEY objects, private keys read with the
 * CBS parsers, parameters read from the key objects, the static digests.
 * aws-lc has no Ed448 (tj_backend_has_ed448 says so; the binding routes Ed448
 * elsewhere). Compiles to nothing against OpenSSL (backend_openssl3.c).
 */
#include <openssl/crypto.h>

#ifdef OPENSSL_IS_AWSLC

#define TJ_BACKEND_INTERNAL
#include "backend.h"

#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

const char *tj_backend_version(void)
{
    return "aws-lc " AWSLC_VERSION_NUMBER_STRING; /* static: the headers' version is the code's */
}

int tj_backend_has_ed448(void) { return 0; }

int tj_backend_has_raw_ed25519(void) { return 1; }

int tj_backend_ed25519_verify(const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                              const uint8_t *pub)
{
    return ED25519_verify(msg, msg_len, sig, pub) == 1;
}

int tj_backend_has_direct_ecdsa(void) { return 1; }

int tj_backend_ecdsa_verify_rs(const EVP_PKEY *pk, const uint8_t *dg, size_t dg_len,
                               const uint8_t *r, const uint8_t *s, size_t coord)
{
    /* why on the stack: the signature's two BIGNUMs are the only allocations
     * left (their digits); the EVP route would add a context, a DER encoding,
     * its parse and the re-encoding aws-lc compares it with. */
    BIGNUM bn_r, bn_s;
    ECDSA_SIG sig = {&bn_r, &bn_s};
    const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(pk);
    int ok;
    if (ec == NULL)
        return 0;
    BN_init(&bn_r);
    BN_init(&bn_s);
    ok = BN_bin2bn(r, coord, &bn_r) != NULL && BN_bin2bn(s, coord, &bn_s) != NULL
         && ECDSA_do_verify(dg, dg_len, &sig, ec) == 1;
    BN_free(&bn_r);
    BN_free(&bn_s);
    return ok;
}

/* An EVP_PKEY that owns rsa (freed on failure); NULL when rsa is NULL. */
static EVP_PKEY *wrap_rsa(RSA *rsa)
{
    EVP_PKEY *pk;
    if (rsa == NULL)
        return NULL;
    pk = EVP_PKEY_new();
    if (pk == NULL || !EVP_PKEY_assign_RSA(pk, rsa)) {
        EVP_PKEY_free(pk);
        RSA_free(rsa);
        return NULL;
    }
    return pk;
}

/* The same for an EC key. */
static EVP_PKEY *wrap_ec(EC_KEY *ec)
{
    EVP_PKEY *pk;
    if (ec == NULL)
        return NULL;
    pk = EVP_PKEY_new();
    if (pk == NULL || !EVP_PKEY_assign_EC_KEY(pk, ec)) {
        EVP_PKEY_free(pk);
        EC_KEY_free(ec);
        return NULL;
    }
    return pk;
}

/* PKCS#1 RSAPublicKey from cbs, any public exponent below n (RSA_parse_public_key
 * would refuse exponents over 33 bits; see backend.h). The private-key parsers
 * below exist for the same reason. */
static EVP_PKEY *parse_rsa_public(CBS *cbs)
{
    CBS seq;
    RSA *rsa = NULL;
    BIGNUM *n = BN_new(), *e = BN_new();
    if (n != NULL && e != NULL && CBS_get_asn1(cbs, &seq, CBS_ASN1_SEQUENCE)
        && BN_parse_asn1_unsigned(&seq, n) && BN_parse_asn1_unsigned(&seq, e) && CBS_len(&seq) == 0)
        rsa = RSA_new_public_key_large_e(n, e);
    BN_free(n);
    BN_free(e);
    return wrap_rsa(rsa);
}

/* PKCS#1 RSAPrivateKey (two-prime, version 0) from cbs, any public exponent below n. */
static EVP_PKEY *parse_rsa_private(CBS *cbs)
{
    CBS seq;
    uint64_t version;
    BIGNUM *bn[8] = {NULL};
    RSA *rsa = NULL;
    int i, ok = CBS_get_asn1(cbs, &seq, CBS_ASN1_SEQUENCE) && CBS_get_asn1_uint64(&seq, &version)
                && version == 0;
    for (i = 0; ok && i < 8; i++) /* n, e, d, p, q, dp, dq, qi */
        ok = (bn[i] = i < 2 ? BN_new() : BN_secure_new()) != NULL && BN_parse_asn1_unsigned(&seq, bn[i]);
    if (ok && CBS_len(&seq) == 0)
        rsa = RSA_new_private_key_large_e(bn[0], bn[1], bn[2], bn[3], bn[4], bn[5], bn[6], bn[7]);
    for (i = 0; i < 8; i++)
        BN_clear_free(bn[i]);
    return wrap_rsa(rsa);
}

/* An rsaEncryption AlgorithmIdentifier's body (after the SEQUENCE header)? 1 yes, 0 another
 * algorithm, -1 malformed. RFC 3279 2.3.1: the parameters are NULL (absent is tolerated, as
 * OpenSSL does). */
static int is_rsa_encryption(CBS *alg)
{
    static const uint8_t RSA_ENCRYPTION[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
    CBS oid, params;
    if (!CBS_get_asn1(alg, &oid, CBS_ASN1_OBJECT))
        return -1;
    if (!CBS_mem_equal(&oid, RSA_ENCRYPTION, sizeof RSA_ENCRYPTION))
        return 0;
    if (CBS_len(alg) != 0
        && (!CBS_get_asn1(alg, &params, CBS_ASN1_NULL) || CBS_len(&params) != 0 || CBS_len(alg) != 0))
        return -1;
    return 1;
}

/* PKCS#8 PrivateKeyInfo from cbs: rsaEncryption keys here (parse_rsa_private), the others by aws-lc. */
static EVP_PKEY *parse_pkcs8(CBS *cbs)
{
    CBS copy = *cbs, info, alg, key, attributes;
    uint64_t version;
    int rsa;
    EVP_PKEY *pk;
    if (!CBS_get_asn1(&copy, &info, CBS_ASN1_SEQUENCE) || !CBS_get_asn1_uint64(&info, &version)
        || !CBS_get_asn1(&info, &alg, CBS_ASN1_SEQUENCE) || (rsa = is_rsa_encryption(&alg)) == 0)
        return EVP_parse_private_key(cbs);
    /* version 0 (RFC 5208), the key, and optionally [0] attributes, which are ignored */
    if (rsa < 0 || version != 0 || !CBS_get_asn1(&info, &key, CBS_ASN1_OCTETSTRING)
        || !CBS_get_optional_asn1(&info, &attributes, NULL, CBS_ASN1_CONSTRUCTED | CBS_ASN1_CONTEXT_SPECIFIC | 0)
        || CBS_len(&info) != 0)
        return NULL;
    pk = parse_rsa_private(&key);
    if (pk != NULL && CBS_len(&key) != 0) { /* bytes after the key inside the OCTET STRING */
        EVP_PKEY_free(pk);
        return NULL;
    }
    if (pk != NULL)
        *cbs = copy;
    return pk;
}

/* SubjectPublicKeyInfo from cbs: rsaEncryption keys here (parse_rsa_public), the others by aws-lc. */
static EVP_PKEY *parse_spki(CBS *cbs)
{
    CBS copy = *cbs, spki, alg, key;
    uint8_t unused_bits;
    int rsa;
    EVP_PKEY *pk;
    if (!CBS_get_asn1(&copy, &spki, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&spki, &alg, CBS_ASN1_SEQUENCE)
        || (rsa = is_rsa_encryption(&alg)) == 0)
        return EVP_parse_public_key(cbs);
    if (rsa < 0 || !CBS_get_asn1(&spki, &key, CBS_ASN1_BITSTRING) || CBS_len(&spki) != 0
        || !CBS_get_u8(&key, &unused_bits) || unused_bits != 0)
        return NULL;
    pk = parse_rsa_public(&key);
    if (pk != NULL && CBS_len(&key) != 0) { /* bytes after the key inside the BIT STRING */
        EVP_PKEY_free(pk);
        return NULL;
    }
    if (pk != NULL)
        *cbs = copy;
    return pk;
}

EVP_PKEY *tj_backend_public_from_der(tj_der_public form, const unsigned char **p, size_t len)
{
    CBS cbs;
    EVP_PKEY *pk;
    CBS_init(&cbs, *p, len);
    pk = form == TJ_DER_SPKI ? parse_spki(&cbs) : parse_rsa_public(&cbs);
    if (pk != NULL)
        *p = CBS_data(&cbs);
    return pk;
}

EVP_PKEY *tj_backend_cert_public_key(X509 *cert)
{
    uint8_t *der = NULL;
    const unsigned char *p;
    EVP_PKEY *pk = NULL;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    if (len > 0) {
        p = der;
        pk = tj_backend_public_from_der(TJ_DER_SPKI, &p, (size_t)len);
        if (pk != NULL && p != der + len) {
            EVP_PKEY_free(pk);
            pk = NULL;
        }
    }
    OPENSSL_free(der);
    return pk;
}

/* One structure from cbs, as an EVP_PKEY; NULL when it does not parse. */
static EVP_PKEY *parse_private(tj_der_private form, CBS *cbs)
{
    switch (form) {
    case TJ_DER_PKCS8:
        return parse_pkcs8(cbs); /* plain PrivateKeyInfo: never decrypts */
    case TJ_DER_RSA_PRIVATE:
        return parse_rsa_private(cbs);
    case TJ_DER_EC_PRIVATE:
        return wrap_ec(EC_KEY_parse_private_key(cbs, NULL)); /* the curve must be in the structure */
    default:
        return NULL;
    }
}

EVP_PKEY *tj_backend_private_from_der(tj_der_private form, const unsigned char **p, size_t len)
{
    tj_der_private f, first = form, last = form;
    if (form == TJ_DER_ANY_PRIVATE) {
        first = TJ_DER_PKCS8;
        last = TJ_DER_EC_PRIVATE;
    }
    for (f = first; f <= last; f++) {
        CBS cbs;
        EVP_PKEY *pk;
        CBS_init(&cbs, *p, len);
        pk = parse_private(f, &cbs);
        if (pk != NULL) {
            *p = CBS_data(&cbs); /* the caller refuses what is left over */
            return pk;
        }
    }
    return NULL;
}

const EVP_MD *tj_backend_md(int index)
{
    return index == 0 ? EVP_sha256() : index == 1 ? EVP_sha384() : EVP_sha512();
}

void tj_backend_md_free(const EVP_MD *md)
{
    (void)md; /* static objects */
}

int tj_backend_rsa_public(const EVP_PKEY *pk, BIGNUM **n, BIGNUM **e)
{
    const RSA *rsa = EVP_PKEY_get0_RSA(pk);
    *n = *e = NULL;
    if (rsa == NULL || RSA_get0_n(rsa) == NULL || RSA_get0_e(rsa) == NULL)
        return 0;
    *n = BN_dup(RSA_get0_n(rsa));
    *e = BN_dup(RSA_get0_e(rsa));
    if (*n != NULL && *e != NULL)
        return 1;
    BN_free(*n);
    BN_free(*e);
    *n = *e = NULL;
    return 0;
}

int tj_backend_has_private(const EVP_PKEY *pk, int base_id)
{
    if (base_id == EVP_PKEY_RSA) {
        const RSA *rsa = EVP_PKEY_get0_RSA(pk);
        return rsa != NULL && RSA_get0_d(rsa) != NULL;
    }
    const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(pk);
    return ec != NULL && EC_KEY_get0_private_key(ec) != NULL;
}

int tj_backend_ec_curve_nid(const EVP_PKEY *pk)
{
    const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(pk);
    const EC_GROUP *group = ec != NULL ? EC_KEY_get0_group(ec) : NULL;
    return group != NULL ? EC_GROUP_get_curve_name(group) : NID_undef;
}

EVP_PKEY *tj_backend_rsa_from_bn(BIGNUM *const *bn, int count)
{
    RSA *rsa;
    /* why the _large_e constructors: aws-lc by default refuses public exponents
     * over 33 bits; pkey.h's policy (OpenSSL's limits) already bounds e, and both
     * builds must accept the same keys. */
    if (count == 2)
        rsa = RSA_new_public_key_large_e(bn[0], bn[1]);
    else if (count == 3)
        rsa = RSA_new_private_key_no_crt(bn[0], bn[1], bn[2]);
    else
        rsa = RSA_new_private_key_large_e(bn[0], bn[1], bn[2], bn[3], bn[4], bn[5], bn[6], bn[7]);
    return wrap_rsa(rsa);
}

EVP_PKEY *tj_backend_ec_from_point(int nid, const uint8_t *point, size_t point_len,
                                   const BIGNUM *priv)
{
    EC_KEY *ec = EC_KEY_new_by_curve_name(nid);
    EC_POINT *pub = NULL;
    int ok;
    if (ec == NULL)
        return NULL;
    pub = EC_POINT_new(EC_KEY_get0_group(ec));
    /* oct2point refuses a point off the curve */
    ok = pub != NULL && EC_POINT_oct2point(EC_KEY_get0_group(ec), pub, point, point_len, NULL)
         && EC_KEY_set_public_key(ec, pub) && (priv == NULL || EC_KEY_set_private_key(ec, priv));
    EC_POINT_free(pub);
    if (!ok) {
        EC_KEY_free(ec);
        return NULL;
    }
    return wrap_ec(ec);
}

#else
typedef int tj_backend_awslc_not_built; /* ISO C wants a declaration in every file */
#endif
