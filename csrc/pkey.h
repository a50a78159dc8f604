/*
 * pkey.h: a prepared asymmetric key (RSA, EC, Ed25519/Ed448) for JWS
 * verification and signing through OpenSSL 3 EVP.
 *
 * Design note. A tj_pkey is built once from key material and is read-only
 * afterwards, so any number of threads may verify (or sign) with it at once.
 * Everything that can be prepared per key is prepared at creation: the
 * EVP_PKEY, the EVP_MD objects (fetched once), and for RSA and ECDSA one
 * template EVP_PKEY_CTX per algorithm, already initialised with its padding,
 * digest, MGF1 digest and salt length. Per token, the verifier duplicates the
 * template (EVP_PKEY_CTX_dup only reads the source), hashes the signing input
 * with the prefetched digest and verifies: no algorithm is fetched and no
 * parameter is parsed on the hot path. EdDSA initialises a one-shot
 * EVP_DigestVerify context per token instead (pure EdDSA has no separate
 * digest; the per-call setup is small next to an Ed25519 verification).
 *
 * The family and, for EC and OKP, the curve are fixed at creation, and a key
 * serves only the algorithms of its family and curve (tj_pkey_supports).
 *
 * Every function returns a tj_status and never prints. Every function that
 * calls into OpenSSL clears the calling thread's OpenSSL error queue before it
 * returns, so a failure here never surfaces in a later, unrelated OpenSSL call.
 *
 * Key policy applied at creation (the binding adds its own, e.g. the warning
 * for RSA keys under 2048 bits):
 *   RSA: modulus odd and 512..16384 bits; e odd, 1 < e < n; e at most 64 bits
 *        when the modulus exceeds 3072 bits (OpenSSL refuses to verify with
 *        such keys, so we refuse the key once instead of every token).
 *        Only the rsaEncryption key type; RSASSA-PSS-restricted keys are refused.
 *   EC:  named curves P-256, P-384, P-521 and secp256k1 only; the public point
 *        must pass a full public-key check (on the curve, not infinity, order n);
 *        a private scalar must be in [1, n-1] and match the public point.
 *   OKP: Ed25519 and Ed448 only (X25519/X448 cannot sign).
 * Anything else, including encrypted private keys, is TJ_ERR_KEY_UNUSABLE.
 */
#ifndef TJ_PKEY_H
#define TJ_PKEY_H

#include <stddef.h>
#include <stdint.h>

#include "algs.h"
#include "tj_status.h"

typedef enum {
    TJ_CURVE_NONE = 0,  /* RSA keys */
    TJ_CURVE_P256,      /* ES256, coordinates of 32 bytes */
    TJ_CURVE_P384,      /* ES384, 48 bytes */
    TJ_CURVE_P521,      /* ES512, 66 bytes */
    TJ_CURVE_SECP256K1, /* ES256K, 32 bytes */
    TJ_CURVE_ED25519,   /* EdDSA, 32-byte keys, 64-byte signatures */
    TJ_CURVE_ED448      /* EdDSA, 57-byte keys, 114-byte signatures */
} tj_curve;

/* The largest signature any tj_pkey produces or accepts (16384-bit RSA). */
#define TJ_PKEY_MAX_SIG 2048u

typedef struct tj_pkey tj_pkey;

/*
 * Parse the first PEM block of pem[0..len) (text before it is skipped):
 *   "PUBLIC KEY" (SubjectPublicKeyInfo), "RSA PUBLIC KEY" (PKCS#1),
 *   "PRIVATE KEY" (unencrypted PKCS#8), "RSA PRIVATE KEY" (PKCS#1),
 *   "EC PRIVATE KEY" (SEC1; "EC PARAMETERS" blocks before it are skipped),
 *   "CERTIFICATE" (X.509: its subject public key is used, the certificate
 *   itself is not validated).
 * Never asks for a passphrase: "ENCRYPTED PRIVATE KEY" and legacy encrypted
 * PEM (Proc-Type header) are TJ_ERR_KEY_UNUSABLE, as is any other label, a
 * DER body with trailing bytes, or a key the policy above refuses.
 * On TJ_OK *out owns a new key (free with tj_pkey_free); otherwise *out is NULL.
 * Returns TJ_OK, TJ_ERR_KEY_UNUSABLE or TJ_ERR_NOMEM.
 */
tj_status tj_pkey_from_pem(const uint8_t *pem, size_t len, tj_pkey **out);

/*
 * The same for one DER structure der[0..len), which must be consumed exactly:
 * SubjectPublicKeyInfo, X.509 certificate, PKCS#1 RSAPublicKey, unencrypted
 * PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey or SEC1 ECPrivateKey.
 */
tj_status tj_pkey_from_der(const uint8_t *der, size_t len, tj_pkey **out);

/*
 * An RSA key from big-endian unsigned integers (leading zero bytes allowed),
 * as found in a JWK. n and e are required. d alone makes a private key; the
 * CRT values p, q, dp, dq, qi must then be all present or all NULL (RFC 7518
 * 6.3.2). Every pointer with a non-zero length must be non-NULL.
 * Returns TJ_OK, TJ_ERR_KEY_UNUSABLE (policy above, a partial CRT set, d not in
 * [1, n-1], or p*q != n) or TJ_ERR_NOMEM. d is not checked against e (that costs
 * a modular exponentiation): a wrong d only yields signatures that do not verify.
 */
tj_status tj_pkey_from_rsa_components(const uint8_t *n, size_t n_len,
                                      const uint8_t *e, size_t e_len,
                                      const uint8_t *d, size_t d_len,
                                      const uint8_t *p, size_t p_len,
                                      const uint8_t *q, size_t q_len,
                                      const uint8_t *dp, size_t dp_len,
                                      const uint8_t *dq, size_t dq_len,
                                      const uint8_t *qi, size_t qi_len,
                                      tj_pkey **out);

/*
 * An EC key on curve (TJ_CURVE_P256, _P384, _P521 or _SECP256K1) from the
 * affine coordinates x and y, each exactly the curve's coordinate size
 * (32, 48, 66, 32 bytes, as RFC 7518 6.2.1.2 requires of a JWK), and an
 * optional private scalar d (NULL, or 1..coordinate-size bytes big-endian).
 * Returns TJ_OK, TJ_ERR_KEY_UNUSABLE (other curve, wrong length, point not on
 * the curve, d out of range or not matching the point) or TJ_ERR_NOMEM.
 */
tj_status tj_pkey_from_ec_point(int curve, const uint8_t *x, size_t x_len,
                                const uint8_t *y, size_t y_len,
                                const uint8_t *d, size_t d_len, tj_pkey **out);

/*
 * An Ed25519 (ed448 == 0) or Ed448 (ed448 != 0) key from its raw public key
 * (32 or 57 bytes, required) and optional raw private key (same length, or
 * NULL). When both are given the public key derived from priv must equal pub.
 * Returns TJ_OK, TJ_ERR_KEY_UNUSABLE or TJ_ERR_NOMEM.
 */
tj_status tj_pkey_from_okp(int ed448, const uint8_t *pub, size_t pub_len,
                           const uint8_t *priv, size_t priv_len, tj_pkey **out);

/*
 * A key whose signatures another library computes: Ed448 where the backend has
 * none (tj_backend_has_ed448() == 0, aws-lc; the binding delegates to the
 * cryptography package). The core keeps its own checks (the signature length,
 * the key's family and curve) and calls ops for the arithmetic only; ops must
 * be callable from any thread, and ctx lives until release(ctx) is called from
 * tj_pkey_free.
 */
typedef struct {
    /* 1: sig is a valid signature of msg; 0: it is not; -1: the call failed. */
    int (*verify)(void *ctx, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);
    /* Write the signature of msg (tj_pkey_sig_max bytes) to sig: 1 on success, 0 on failure. */
    int (*sign)(void *ctx, const uint8_t *msg, size_t msg_len, uint8_t *sig);
    void (*release)(void *ctx);
} tj_pkey_delegate;

/*
 * A delegated Ed448 key (curve must be TJ_CURVE_ED448; is_private: ops can
 * sign). On TJ_OK *out owns ctx; on failure release(ctx) has been called.
 * Returns TJ_OK, TJ_ERR_KEY_UNUSABLE (another curve) or TJ_ERR_NOMEM.
 */
tj_status tj_pkey_from_delegate(tj_curve curve, int is_private, const tj_pkey_delegate *ops, void *ctx,
                                tj_pkey **out);

/* Free a key (NULL is allowed). The caller guarantees no thread still uses it. */
void tj_pkey_free(tj_pkey *k);

/* TJ_FAMILY_RSA, TJ_FAMILY_EC or TJ_FAMILY_OKP. */
tj_family tj_pkey_family(const tj_pkey *k);

/* RSA: modulus bits. EC: curve bits (256, 384, 521, 256). OKP: 256 (Ed25519) or 456 (Ed448). */
int tj_pkey_bits(const tj_pkey *k);

/* The curve (TJ_CURVE_NONE for RSA). */
tj_curve tj_pkey_curve(const tj_pkey *k);

/* 1 when the key holds a private part and can sign, else 0. */
int tj_pkey_is_private(const tj_pkey *k);

/*
 * 1 when k can serve alg: RS256..PS512 for RSA; ES256 only on P-256, ES384 only
 * on P-384, ES512 only on P-521, ES256K only on secp256k1; EdDSA only on
 * Ed25519/Ed448. 0 for everything else (HS*, none, unsupported).
 */
int tj_pkey_supports(const tj_pkey *k, tj_alg alg);

/* Capacity needed by tj_pkey_sign: RSA modulus bytes, 2 * coordinate bytes, 64 or 114. */
size_t tj_pkey_sig_max(const tj_pkey *k);

/*
 * Verify the JWS signature sig over msg (the signing input) with alg.
 *   RS*: RSASSA-PKCS1-v1_5; sig_len must equal the modulus length.
 *   PS*: RSASSA-PSS, MGF1 with the same hash, salt length exactly the hash
 *        length; sig_len must equal the modulus length.
 *   ES*: raw r||s, exactly 2 * coordinate bytes, r and s in [1, n-1].
 *   EdDSA: pure Ed25519/Ed448, 64 or 114 bytes.
 * msg may be NULL when msg_len is 0, sig may be NULL when sig_len is 0.
 * Returns TJ_OK, TJ_ERR_SIGNATURE (any malformed or non-matching signature),
 * TJ_ERR_KEY_UNUSABLE (k cannot serve alg), TJ_ERR_NOMEM or TJ_ERR_INTERNAL.
 * Thread-safe: k is only read.
 */
tj_status tj_pkey_verify(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                         const uint8_t *sig, size_t sig_len);

/*
 * Sign msg with alg into sig. *sig_len is the capacity on entry (at least
 * tj_pkey_sig_max(k)) and the signature length on TJ_OK. PS* use a salt of the
 * hash length; ES* produce raw r||s, each left-padded to the coordinate size.
 * Returns TJ_OK, TJ_ERR_KEY_UNUSABLE (public key only, k cannot serve alg, or an
 * RSA modulus too small for alg's encoding, e.g. PS512 with 512 bits),
 * TJ_ERR_INTERNAL (capacity too small, or OpenSSL failed) or TJ_ERR_NOMEM.
 * Thread-safe: k is only read (ECDSA draws a fresh nonce from OpenSSL's RNG).
 */
tj_status tj_pkey_sign(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                       uint8_t *sig, size_t *sig_len);

/*
 * Call tj_pkey_verify iterations times on the same input ("the limit" for the
 * benchmarks). Returns the first status other than TJ_OK, else TJ_OK.
 */
tj_status tj_raw_verify_loop(const tj_pkey *k, tj_alg alg, const uint8_t *msg, size_t msg_len,
                             const uint8_t *sig, size_t sig_len, size_t iterations);

#ifdef TJ_PKEY_INTERNAL
/* The representation, shared by pkey_load.c and pkey_ops.c only. */
#include <openssl/evp.h>

enum { TJ_MD_SHA256 = 0, TJ_MD_SHA384, TJ_MD_SHA512, TJ_MD_COUNT };

struct tj_pkey {
    EVP_PKEY *pkey;          /* NULL for a delegated key */
    const tj_pkey_delegate *delegate; /* tj_pkey_from_delegate, else NULL */
    void *delegate_ctx;
    tj_family family;
    tj_curve curve;
    int bits;                /* see tj_pkey_bits */
    int is_private;
    size_t coord_len;        /* EC: bytes per coordinate and per r, s */
    int raw_ed25519;         /* Ed25519 verified from ed25519_pub by the backend (backend.h) */
    int direct_ecdsa;        /* EC: verified by tj_backend_ecdsa_verify_rs, not EVP (backend.h) */
    uint8_t ed25519_pub[32];
    size_t sig_len;          /* the exact signature length (RSA, EC, OKP) */
    uint8_t order[66];       /* EC: group order n, big-endian, coord_len bytes */
    const EVP_MD *md[TJ_MD_COUNT]; /* looked up once (backend.h); NULL for OKP */
    /* RSA and EC: templates initialised for verify / sign, indexed by tj_alg;
     * NULL where the key cannot serve the algorithm (or cannot sign). Never
     * used directly, only duplicated. */
    EVP_PKEY_CTX *vtpl[TJ_ALG_COUNT];
    EVP_PKEY_CTX *stpl[TJ_ALG_COUNT];
};

/* Digest index for an RS/PS/ES algorithm, or -1. */
int tj_pkey_md_index(tj_alg alg);
#endif

#endif
