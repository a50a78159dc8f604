/*
 * fuzz_verify_es256.c: libFuzzer target for full verification (tj_decode,
 * csrc/jws.c + claims.c + keys.c + pkey_load.c + pkey_ops.c) with a fixed
 * ES256 key (RFC 7515 A.3's P-256 public key, built from its JWK point with
 * tj_pkey_from_ec_point) and a full policy: ES256 allowed, plus HS256 with no
 * key (an EC key cannot serve it), "none", exp/nbf/iat/aud/iss/sub/jti checks
 * and required claims. The input is the token.
 *
 * Oracle: whenever tj_decode gets past the signature, an independent OpenSSL
 * check (the same public key loaded from PEM, r||s converted to a DER
 * ECDSA-Sig-Value, EVP_DigestVerify with SHA-256) must accept the signature,
 * and r and s must both be non-zero (CVE-2022-21449, "psychic signatures").
 */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "fuzz_common.h"
#include "keys.h"
#include "pkey.h"

static const uint8_t X[32] = {
    0x7f, 0xcd, 0xce, 0x27, 0x70, 0xf6, 0xc4, 0x5d, 0x41, 0x83, 0xcb, 0xee, 0x6f, 0xdb, 0x4b, 0x7b,
    0x58, 0x07, 0x33, 0x35, 0x7b, 0xe9, 0xef, 0x13, 0xba, 0xcf, 0x6e, 0x3c, 0x7b, 0xd1, 0x54, 0x45};
static const uint8_t Y[32] = {
    0xc7, 0xf1, 0x44, 0xcd, 0x1b, 0xbd, 0x9b, 0x7e, 0x87, 0x2c, 0xdf, 0xed, 0xb9, 0xee, 0xb9, 0xf4,
    0xb3, 0x69, 0x5d, 0x6e, 0xa9, 0x0b, 0x24, 0xad, 0x8a, 0x46, 0x23, 0x28, 0x85, 0x88, 0xe5, 0xad};
static const char PEM[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n"
    "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
    "-----END PUBLIC KEY-----\n";

static tj_key *g_key;
static EVP_PKEY *g_ref;

/* Independent ES256 check with plain OpenSSL. 1 = valid. */
static int reference_verify(const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
    if (sig_len != 64)
        return 0;
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
    if (!r || !s)
        abort();
    if (BN_is_zero(r) || BN_is_zero(s)) {
        BN_free(r);
        BN_free(s);
        return 0;
    }
    ECDSA_SIG *es = ECDSA_SIG_new();
    if (!es || !ECDSA_SIG_set0(es, r, s))
        abort();
    unsigned char *der = NULL;
    int der_len = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (der_len <= 0)
        abort();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, g_ref) != 1)
        abort();
    int ok = EVP_DigestVerify(ctx, der, (size_t)der_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_key) {
        /* Two statements, not tj_key_adopt(tj_pkey_from_...(&pk), pk, ...) as keys.h
         * suggests: the order in which arguments are evaluated is unspecified, and GCC
         * reads pk before the call that sets it. */
        tj_pkey *pk = NULL;
        tj_status st = tj_pkey_from_ec_point(TJ_CURVE_P256, X, 32, Y, 32, NULL, 0, &pk);
        if (tj_key_adopt(st, pk, &g_key) != TJ_OK)
            abort();
        BIO *bio = BIO_new_mem_buf(PEM, -1);
        g_ref = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        BIO_free(bio);
        if (!g_ref)
            abort();
    }
    static const tj_str aud[] = {STR("urn:aud")};
    static const tj_str iss[] = {STR("urn:iss"), STR("urn:iss2")};
    static const tj_str req[] = {STR("exp")};
    tj_allowed_alg algs[3] = {
        {STR("ES256"), TJ_ALG_ES256, NULL},
        {STR("HS256"), TJ_ALG_HS256, NULL},
        {STR("none"), TJ_ALG_NONE, NULL},
    };
    algs[0].key = g_key;
    tj_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.flags = TJ_VERIFY_SIGNATURE | TJ_VERIFY_EXP | TJ_VERIFY_NBF | TJ_VERIFY_IAT | TJ_VERIFY_AUD |
                TJ_VERIFY_ISS | TJ_VERIFY_SUB | TJ_VERIFY_JTI | TJ_AUDIENCE_SET | TJ_AUDIENCE_IS_STR |
                TJ_ISSUER_SET | TJ_STRICT_AUD;
    pol.leeway = 0;
    pol.max_token_len = 1u << 20;
    pol.algs = algs;
    pol.n_algs = 3;
    pol.audience = aud;
    pol.n_audience = 1;
    pol.issuers = iss;
    pol.n_issuers = 2;
    pol.require = req;
    pol.n_require = 1;

    tj_decoded out;
    tj_workspace ws;
    uint8_t *buf;
    tj_json_entry *tape;
    fuzz_decode(&pol, data, size, NULL, 0, &out, &ws, &buf, &tape);
    if (past_signature(out.status)) {
        const uint8_t *last = fuzz_last_dot(data, size);
        if (!last || out.alg_index != 0)
            abort();
        if (!reference_verify(data, (size_t)(last - data), out.signature, out.signature_len))
            abort(); /* accepted a signature OpenSSL itself rejects */
    }
    free(buf);
    free(tape);
    return 0;
}
