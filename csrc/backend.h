/*
 * backend.h: the libcrypto calls that differ between OpenSSL 3 and aws-lc.
 *
 * The core is written against the spellings both libraries accept
 * (EVP_PKEY_CTX_new, EVP_PKEY_base_id, EVP_MD_size, d2i_PUBKEY, ...). What one
 * of them spells differently, or lacks, is here, implemented once per library:
 * backend_openssl3.c (OpenSSL >= 3.0: OSSL_PARAM_BLD, EVP_PKEY_fromdata,
 * OSSL_DECODER, EVP_PKEY_get_bn_param, EVP_MD_fetch) and backend_awslc.c
 * (aws-lc: the RSA/EC_KEY objects and the CBS parsers). Each of the two files
 * compiles to nothing against the other library (OPENSSL_IS_AWSLC decides), so
 * a build may compile every .c file of csrc/ and gets exactly one backend.
 *
 * Every backend function has one behaviour on both libraries: the same inputs
 * accepted, the same ones refused. None of them is on the per-token path
 * (pkey.h prepares everything per key). None prints; the caller clears the
 * error queue.
 */
#ifndef TJ_BACKEND_H
#define TJ_BACKEND_H

/* The library in use and its version, e.g. "OpenSSL 3.0.19 1 Jul 2025" (as the
 * loaded libcrypto reports it) or "aws-lc 5.12.0" (linked in statically). */
const char *tj_backend_version(void);

/* 1 when the backend implements Ed448 (OpenSSL), 0 when it does not (aws-lc). */
int tj_backend_has_ed448(void);

#ifdef TJ_BACKEND_INTERNAL
#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <openssl/x509.h>

/* The public-key DER structures pkey_load.c reads. */
typedef enum {
    TJ_DER_SPKI = 0,   /* SubjectPublicKeyInfo */
    TJ_DER_RSA_PUBLIC  /* PKCS#1 RSAPublicKey */
} tj_der_public;

/*
 * Parse one public key of the given form from *p (len bytes) and advance *p
 * past the bytes it consumed. An RSA key is accepted whatever the size of its
 * public exponent (e < n): pkey.h's policy bounds it, identically for both
 * libraries (aws-lc alone would refuse e over 33 bits). NULL on failure.
 */
EVP_PKEY *tj_backend_public_from_der(tj_der_public form, const unsigned char **p, size_t len);

/* The subject public key of a certificate (its validity is not checked); NULL on failure. */
EVP_PKEY *tj_backend_cert_public_key(X509 *cert);

/* The private-key DER structures pkey_load.c reads. */
typedef enum {
    TJ_DER_ANY_PRIVATE = 0, /* whichever of the three below parses */
    TJ_DER_PKCS8,           /* unencrypted PKCS#8 PrivateKeyInfo */
    TJ_DER_RSA_PRIVATE,     /* PKCS#1 RSAPrivateKey */
    TJ_DER_EC_PRIVATE       /* SEC1 ECPrivateKey, with its curve parameters */
} tj_der_private;

/*
 * Parse one unencrypted private key of the given form from *p (len bytes) and
 * advance *p past the bytes it consumed (the caller refuses trailing bytes).
 * Never asks for a passphrase: an encrypted key does not parse. RSA keys with
 * any public exponent below n, as for public keys. NULL on failure.
 */
EVP_PKEY *tj_backend_private_from_der(tj_der_private form, const unsigned char **p, size_t len);

/*
 * Ed25519 verification from the raw 32-byte public key, with no EVP context
 * per call, where the backend has such a function (aws-lc: ED25519_verify, the
 * function its EVP Ed25519 verify calls; OpenSSL 3 has none):
 * tj_backend_has_raw_ed25519() says whether it does. 1: valid, 0: not.
 */
int tj_backend_has_raw_ed25519(void);
int tj_backend_ed25519_verify(const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                              const uint8_t *pub);

/*
 * ECDSA verification of a digest from the raw r and s of a JWS signature
 * (coord bytes each, already checked to lie in [1, n-1] by the caller), with
 * no EVP context, DER encoding or DER parsing per call, where the backend has
 * such a route (aws-lc: ECDSA_do_verify, the function its EVP verify ends in;
 * OpenSSL 3 has none that is not deprecated): tj_backend_has_direct_ecdsa()
 * says whether it does. 1: valid, 0: not.
 */
int tj_backend_has_direct_ecdsa(void);
int tj_backend_ecdsa_verify_rs(const EVP_PKEY *pk, const uint8_t *dg, size_t dg_len,
                               const uint8_t *r, const uint8_t *s, size_t coord);

/* SHA-256, SHA-384 or SHA-512 (index 0, 1, 2), looked up once per key; NULL on
 * failure. Release with tj_backend_md_free. */
const EVP_MD *tj_backend_md(int index);
void tj_backend_md_free(const EVP_MD *md);

/* Copies of an RSA key's modulus and public exponent (the caller frees both). 1 on success. */
int tj_backend_rsa_public(const EVP_PKEY *pk, BIGNUM **n, BIGNUM **e);

/* 1 when an RSA or EC key holds its private half (d, or the private scalar). */
int tj_backend_has_private(const EVP_PKEY *pk, int base_id);

/* The NID of an EC key's named curve; NID_undef for explicit parameters that
 * name no curve, or for a key that is not EC. */
int tj_backend_ec_curve_nid(const EVP_PKEY *pk);

/*
 * An RSA key from bn[0..count): n, e (count 2: public key), d (count 3), and
 * p, q, dp, dq, qi (count 8). The values are only read; the caller has already
 * applied the policy of pkey.h and checked the private values for consistency.
 * NULL when the library refuses the key or on allocation failure.
 */
EVP_PKEY *tj_backend_rsa_from_bn(BIGNUM *const *bn, int count);

/*
 * An EC key on the named curve nid from its uncompressed point (04 || x || y)
 * and optional private scalar priv. NULL for a point off the curve or on
 * failure (the caller adds the full key check).
 */
EVP_PKEY *tj_backend_ec_from_point(int nid, const uint8_t *point, size_t point_len,
                                   const BIGNUM *priv);
#endif

#endif
