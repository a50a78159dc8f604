/*
 * test_pkey.c: known-answer, negative and round-trip tests for csrc/pkey.h.
 *
 * Reads commands from stdin, one per line; hex fields use "-" for empty.
 * Blank lines and lines starting with '#' are ignored.
 *
 *   GROUP <label>                      start a new key set (frees the previous keys)
 *   KEY-DER <der>                      add a key; loading must succeed
 *   KEY-PEM <hex of the PEM text>
 *   KEY-RSA <n> <e> [<d> [<p> <q> <dp> <dq> <qi>]]
 *   KEY-EC <P-256|P-384|P-521|secp256k1> <x> <y> [<d>]
 *   KEY-OKP <Ed25519|Ed448> <pub> [<priv>]
 *   NOKEY-<kind> <same arguments> <id>  loading must fail with TJ_ERR_KEY_UNUSABLE
 *   GEN <RSA-bits|P-256|P-384|P-521|secp256k1|Ed25519|Ed448>
 *                                      generate a key and add it through every
 *                                      loader (PEM, DER, certificate, components),
 *                                      checking that broken/encrypted forms fail
 *   INFO <RSA|EC|OKP> <bits> <curve|-> every key: family, bits and curve match
 *   VERIFY <alg> <msg> <sig> <1|0> <category>:<id>
 *                                      every key must accept (1) or reject (0)
 *   SIGN <alg> <msg> <sig> <id>        deterministic known answer: every private
 *                                      key produces exactly sig; every key verifies it
 *   ROUNDTRIP <alg> <msg>              every private key signs, every key verifies,
 *                                      and tampered/foreign signatures are rejected
 *   UNSUPPORTED <alg>                  every key refuses alg (TJ_ERR_KEY_UNUSABLE)
 *   NOSIGN <alg>                       every private key verifies alg but is too
 *                                      small to sign with it (TJ_ERR_KEY_UNUSABLE)
 *   THREADS <alg> <msg> <threads> <iterations>
 *                                      the first private key, shared by all threads
 *
 * Every check counts in a category; at the end the program prints one line per
 * category and then exactly "N passed, M failed", and exits 1 if M > 0.
 * After every library call the OpenSSL error queue must be empty.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "pkey.h"

/* ---- bookkeeping -------------------------------------------------------- */

typedef struct { char name[24]; long pass, fail; } category;
static category cats[64];
static int ncats;
static long total_pass, total_fail;

static void record(const char *cat, int ok, const char *fmt, ...)
{
    int i;
    for (i = 0; i < ncats; i++)
        if (strncmp(cats[i].name, cat, sizeof cats[i].name - 1) == 0)
            break;
    if (i == ncats && ncats < 64) {
        snprintf(cats[i].name, sizeof cats[i].name, "%s", cat);
        ncats++;
    }
    if (ok) {
        cats[i].pass++;
        total_pass++;
    } else {
        va_list ap;
        cats[i].fail++;
        total_fail++;
        fprintf(stderr, "FAIL [%s] ", cat);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

/* The library promises an empty OpenSSL error queue after every call. */
#ifdef TJ_TEST_CORE_ERR_QUEUE
/* The core runs on a libcrypto of its own (tests/c/core_err_queue.c): check
 * that one's queue; this program's own OpenSSL calls may leave noise on ours,
 * which the core cannot clear. */
unsigned long tj_test_core_err_peek(void);
void tj_test_core_err_clear(void);
static void queue_clean(const char *where)
{
    ERR_clear_error();
    if (tj_test_core_err_peek() != 0) {
        record("errqueue", 0, "%s left errors on the core's libcrypto queue", where);
        tj_test_core_err_clear();
    }
}
#else
static void queue_clean(const char *where)
{
    if (ERR_peek_error() != 0) {
        record("errqueue", 0, "%s left errors on the OpenSSL queue", where);
        ERR_clear_error();
    }
}
#endif

typedef struct {
    tj_pkey *k;
    EVP_PKEY *src; /* the generated key it came from, or NULL */
    char desc[64];
} entry;

#define MAX_KEYS 64
static entry keys[MAX_KEYS];
static int nkeys;

static void clear_keys(void)
{
    int i;
    for (i = 0; i < nkeys; i++) {
        tj_pkey_free(keys[i].k);
        EVP_PKEY_free(keys[i].src);
    }
    nkeys = 0;
}

static const struct { const char *name; tj_alg alg; } ALGS[] = {
    {"RS256", TJ_ALG_RS256}, {"RS384", TJ_ALG_RS384}, {"RS512", TJ_ALG_RS512},
    {"PS256", TJ_ALG_PS256}, {"PS384", TJ_ALG_PS384}, {"PS512", TJ_ALG_PS512},
    {"ES256", TJ_ALG_ES256}, {"ES384", TJ_ALG_ES384}, {"ES512", TJ_ALG_ES512},
    {"ES256K", TJ_ALG_ES256K}, {"EdDSA", TJ_ALG_EDDSA}, {"HS256", TJ_ALG_HS256},
    {"none", TJ_ALG_NONE},
};
#define N_ALGS (sizeof ALGS / sizeof ALGS[0])

static tj_alg alg_by_name(const char *s)
{
    size_t i;
    for (i = 0; i < N_ALGS; i++)
        if (strcmp(ALGS[i].name, s) == 0)
            return ALGS[i].alg;
    return TJ_ALG_UNSUPPORTED;
}

static const char *alg_name(tj_alg a)
{
    size_t i;
    for (i = 0; i < N_ALGS; i++)
        if (ALGS[i].alg == a)
            return ALGS[i].name;
    return "?";
}

static int curve_by_name(const char *s)
{
    if (strcmp(s, "P-256") == 0) return TJ_CURVE_P256;
    if (strcmp(s, "P-384") == 0) return TJ_CURVE_P384;
    if (strcmp(s, "P-521") == 0) return TJ_CURVE_P521;
    if (strcmp(s, "secp256k1") == 0) return TJ_CURVE_SECP256K1;
    if (strcmp(s, "Ed25519") == 0) return TJ_CURVE_ED25519;
    if (strcmp(s, "Ed448") == 0) return TJ_CURVE_ED448;
    return -1;
}

/* ---- hex ---------------------------------------------------------------- */

typedef struct { uint8_t *p; size_t n; int ok; } buf;

static buf unhex(const char *s)
{
    buf b = {NULL, 0, 0};
    size_t i, len;
    if (s == NULL)
        return b;
    if (strcmp(s, "-") == 0) {
        b.p = malloc(1);
        b.ok = b.p != NULL;
        return b;
    }
    len = strlen(s);
    if (len % 2 != 0)
        return b;
    b.p = malloc(len / 2 + 1);
    if (b.p == NULL)
        return b;
    for (i = 0; i < len / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            free(b.p);
            b.p = NULL;
            return b;
        }
        b.p[i] = (uint8_t)v;
    }
    b.n = len / 2;
    b.ok = 1;
    return b;
}

/* ---- loading keys from lines -------------------------------------------- */

#define MAXTOK 16

static tj_status load_tokens(const char *kind, char **t, int nt, tj_pkey **out)
{
    buf v[8];
    int i, nv = nt < 8 ? nt : 8;
    tj_status st = TJ_ERR_INTERNAL;
    for (i = 0; i < 8; i++)
        v[i] = i < nv ? unhex(t[i]) : (buf){NULL, 0, 1};
    *out = NULL;
    if (strcmp(kind, "DER") == 0 && nt >= 1 && v[0].ok)
        st = tj_pkey_from_der(v[0].p, v[0].n, out);
    else if (strcmp(kind, "PEM") == 0 && nt >= 1 && v[0].ok)
        st = tj_pkey_from_pem(v[0].p, v[0].n, out);
    else if (strcmp(kind, "RSA") == 0 && nt >= 2 && v[0].ok && v[1].ok)
        st = tj_pkey_from_rsa_components(v[0].p, v[0].n, v[1].p, v[1].n, v[2].p, v[2].n, v[3].p,
                                         v[3].n, v[4].p, v[4].n, v[5].p, v[5].n, v[6].p, v[6].n,
                                         v[7].p, v[7].n, out);
    else if (strcmp(kind, "EC") == 0 && nt >= 3) {
        buf x = unhex(t[1]), y = unhex(t[2]), d = nt >= 4 ? unhex(t[3]) : (buf){NULL, 0, 1};
        if (x.ok && y.ok && d.ok)
            st = tj_pkey_from_ec_point(curve_by_name(t[0]), x.p, x.n, y.p, y.n, d.p, d.n, out);
        free(x.p);
        free(y.p);
        free(d.p);
    } else if (strcmp(kind, "OKP") == 0 && nt >= 2) {
        buf pub = unhex(t[1]), priv = nt >= 3 ? unhex(t[2]) : (buf){NULL, 0, 1};
        if (pub.ok && priv.ok)
            st = tj_pkey_from_okp(strcmp(t[0], "Ed448") == 0, pub.p, pub.n, priv.p, priv.n, out);
        free(pub.p);
        free(priv.p);
    }
    for (i = 0; i < 8; i++)
        free(v[i].p);
    queue_clean(kind);
    return st;
}

static void add_key(tj_status st, tj_pkey *k, EVP_PKEY *src, const char *desc)
{
    record("load", st == TJ_OK && k != NULL, "%s: status %d", desc, (int)st);
    if (st != TJ_OK || k == NULL)
        return;
    if (nkeys == MAX_KEYS) {
        record("load", 0, "%s: too many keys in one group", desc);
        tj_pkey_free(k);
        return;
    }
    if (src != NULL)
        EVP_PKEY_up_ref(src);
    keys[nkeys].k = k;
    keys[nkeys].src = src;
    snprintf(keys[nkeys].desc, sizeof keys[nkeys].desc, "%s", desc);
    nkeys++;
}

static void expect_unusable(tj_status st, tj_pkey *k, const char *desc)
{
    record("nokey", st == TJ_ERR_KEY_UNUSABLE && k == NULL, "%s: status %d, want unusable", desc,
           (int)st);
    tj_pkey_free(k);
}

/* ---- generated keys ----------------------------------------------------- */

static int encode(EVP_PKEY *pk, int selection, const char *type, const char *structure,
                  int encrypt, buf *out)
{
    OSSL_ENCODER_CTX *ec = OSSL_ENCODER_CTX_new_for_pkey(pk, selection, type, structure, NULL);
    unsigned char *data = NULL;
    size_t len = 0;
    int ok = ec != NULL && OSSL_ENCODER_CTX_get_num_encoders(ec) > 0;
    if (ok && encrypt)
        ok = OSSL_ENCODER_CTX_set_cipher(ec, "AES-256-CBC", NULL) == 1
             && OSSL_ENCODER_CTX_set_passphrase(ec, (const unsigned char *)"secret", 6) == 1;
    ok = ok && OSSL_ENCODER_to_data(ec, &data, &len) == 1;
    OSSL_ENCODER_CTX_free(ec);
    out->p = NULL;
    out->n = 0;
    out->ok = 0;
    if (ok) {
        out->p = malloc(len + 2);
        if (out->p != NULL) {
            memcpy(out->p, data, len);
            out->n = len;
            out->ok = 1;
        }
    }
    OPENSSL_free(data);
    if (!out->ok)
        record("gen", 0, "encode %s %s failed", type, structure);
    return out->ok;
}

static buf bio_take(BIO *bio)
{
    buf b = {NULL, 0, 0};
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    if (n > 0 && (b.p = malloc((size_t)n + 1)) != NULL) {
        memcpy(b.p, p, (size_t)n);
        b.n = (size_t)n;
        b.ok = 1;
    }
    BIO_free(bio);
    return b;
}

static X509 *self_signed(EVP_PKEY *pk, int is_ed)
{
    X509 *x = X509_new();
    X509_NAME *name;
    if (x == NULL)
        return NULL;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pk);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"turbojwt", -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (X509_sign(x, pk, is_ed ? NULL : EVP_sha256()) <= 0) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static buf bn_param(EVP_PKEY *pk, const char *name, int pad)
{
    buf b = {NULL, 0, 0};
    BIGNUM *bn = NULL;
    if (EVP_PKEY_get_bn_param(pk, name, &bn) == 1) {
        int n = pad > 0 ? pad : BN_num_bytes(bn);
        b.p = malloc((size_t)n + 1);
        if (b.p != NULL && BN_bn2binpad(bn, b.p, n) == n) {
            b.n = (size_t)n;
            b.ok = 1;
        }
    }
    BN_clear_free(bn);
    if (!b.ok)
        record("gen", 0, "parameter %s unavailable", name);
    return b;
}

static void free_bufs(buf *b, int n)
{
    int i;
    for (i = 0; i < n; i++)
        free(b[i].p);
}

/* Load every public and private form of pk, plus forms that must be refused. */
static void gen_forms(EVP_PKEY *pk, const char *kind, EVP_PKEY *other)
{
    int id = EVP_PKEY_get_base_id(pk);
    int is_rsa = id == EVP_PKEY_RSA, is_ec = id == EVP_PKEY_EC;
    int is_ed = !is_rsa && !is_ec;
    tj_pkey *k;
    tj_status st;
    char d[64];
    buf b, b2;
    X509 *cert;
    BIO *bio;

#define DESC(what) (snprintf(d, sizeof d, "%s %s", kind, what), d)
    /* public forms */
    if (encode(pk, EVP_PKEY_PUBLIC_KEY, "DER", "SubjectPublicKeyInfo", 0, &b)) {
        st = tj_pkey_from_der(b.p, b.n, &k);
        add_key(st, k, pk, DESC("SPKI DER"));
        b.p[b.n] = 0x00; /* one trailing byte */
        st = tj_pkey_from_der(b.p, b.n + 1, &k);
        expect_unusable(st, k, DESC("SPKI DER + trailing byte"));
        st = tj_pkey_from_der(b.p, b.n - 1, &k);
        expect_unusable(st, k, DESC("SPKI DER truncated"));
        free(b.p);
    }
    if (encode(pk, EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo", 0, &b)) {
        st = tj_pkey_from_pem(b.p, b.n, &k);
        add_key(st, k, pk, DESC("SPKI PEM"));
        free(b.p);
    }
    if (is_rsa && encode(pk, EVP_PKEY_PUBLIC_KEY, "DER", "type-specific", 0, &b)) {
        st = tj_pkey_from_der(b.p, b.n, &k);
        add_key(st, k, pk, DESC("PKCS#1 public DER"));
        bio = BIO_new(BIO_s_mem());
        PEM_write_bio(bio, "RSA PUBLIC KEY", "", b.p, (long)b.n);
        b2 = bio_take(bio);
        st = tj_pkey_from_pem(b2.p, b2.n, &k);
        add_key(st, k, pk, DESC("PKCS#1 public PEM"));
        free(b.p);
        free(b2.p);
    }
    cert = self_signed(pk, is_ed);
    record("gen", cert != NULL, "%s: self-signed certificate", kind);
    if (cert != NULL) {
        unsigned char *der = NULL;
        int n = i2d_X509(cert, &der);
        st = n > 0 ? tj_pkey_from_der(der, (size_t)n, &k) : TJ_ERR_INTERNAL;
        add_key(st, k, pk, DESC("certificate DER"));
        OPENSSL_free(der);
        bio = BIO_new(BIO_s_mem());
        BIO_puts(bio, "subject=CN = turbojwt\n"); /* text before the block is skipped */
        PEM_write_bio_X509(bio, cert);
        b = bio_take(bio);
        st = tj_pkey_from_pem(b.p, b.n, &k);
        add_key(st, k, pk, DESC("certificate PEM"));
        free(b.p);
        X509_free(cert);
    }

    /* private forms */
    if (encode(pk, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", 0, &b)) {
        st = tj_pkey_from_pem(b.p, b.n, &k);
        add_key(st, k, pk, DESC("PKCS#8 PEM"));
        free(b.p);
    }
    if (encode(pk, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", 0, &b)) {
        st = tj_pkey_from_der(b.p, b.n, &k);
        add_key(st, k, pk, DESC("PKCS#8 DER"));
        bio = BIO_new(BIO_s_mem());
        PEM_write_bio(bio, "PUBLIC KEY", "", b.p, (long)b.n); /* label and body disagree */
        b2 = bio_take(bio);
        st = tj_pkey_from_pem(b2.p, b2.n, &k);
        expect_unusable(st, k, DESC("PKCS#8 body under PUBLIC KEY label"));
        free(b.p);
        free(b2.p);
    }
    if (!is_ed && encode(pk, EVP_PKEY_KEYPAIR, "DER", "type-specific", 0, &b)) {
        st = tj_pkey_from_der(b.p, b.n, &k);
        add_key(st, k, pk, DESC(is_rsa ? "PKCS#1 private DER" : "SEC1 DER"));
        free(b.p);
    }
    if (!is_ed && encode(pk, EVP_PKEY_KEYPAIR, "PEM", "type-specific", 0, &b)) {
        st = tj_pkey_from_pem(b.p, b.n, &k);
        add_key(st, k, pk, DESC(is_rsa ? "PKCS#1 private PEM" : "SEC1 PEM"));
        if (is_ec && encode(pk, EVP_PKEY_KEY_PARAMETERS, "PEM", "type-specific", 0, &b2)) {
            /* `openssl ecparam -genkey` output: EC PARAMETERS, then EC PRIVATE KEY */
            uint8_t *both = malloc(b2.n + b.n);
            memcpy(both, b2.p, b2.n);
            memcpy(both + b2.n, b.p, b.n);
            st = tj_pkey_from_pem(both, b2.n + b.n, &k);
            add_key(st, k, pk, DESC("EC PARAMETERS + SEC1 PEM"));
            free(both);
            free(b2.p);
        }
        free(b.p);
    }
    /* encrypted forms: never decrypted, never prompted for */
    if (encode(pk, EVP_PKEY_KEYPAIR, "PEM", "EncryptedPrivateKeyInfo", 1, &b)) {
        st = tj_pkey_from_pem(b.p, b.n, &k);
        expect_unusable(st, k, DESC("encrypted PKCS#8 PEM"));
        free(b.p);
    }
    if (encode(pk, EVP_PKEY_KEYPAIR, "DER", "EncryptedPrivateKeyInfo", 1, &b)) {
        st = tj_pkey_from_der(b.p, b.n, &k);
        expect_unusable(st, k, DESC("encrypted PKCS#8 DER"));
        free(b.p);
    }
    if (!is_ed) {
        bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey_traditional(bio, pk, EVP_aes_128_cbc(),
                                             (const unsigned char *)"secret", 6, NULL, NULL);
        b = bio_take(bio);
        record("gen", b.ok && strstr((char *)b.p, "ENCRYPTED") != NULL, "%s legacy encrypted PEM", kind);
        st = tj_pkey_from_pem(b.p, b.n, &k);
        expect_unusable(st, k, DESC("legacy encrypted PEM (Proc-Type)"));
        free(b.p);
    }
    queue_clean("gen encode");

    /* components, as from a JWK */
    if (is_rsa) {
        static const char *const names[8] = {
            OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
            OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
            OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
        buf c[8];
        int i;
        uint8_t one = 1, two = 2;
        for (i = 0; i < 8; i++)
            c[i] = bn_param(pk, names[i], 0);
#define RSA_ARGS(n_) c[0].p, c[0].n, c[1].p, c[1].n, (n_) > 2 ? c[2].p : NULL, (n_) > 2 ? c[2].n : 0, \
        (n_) > 3 ? c[3].p : NULL, (n_) > 3 ? c[3].n : 0, (n_) > 4 ? c[4].p : NULL, (n_) > 4 ? c[4].n : 0, \
        (n_) > 5 ? c[5].p : NULL, (n_) > 5 ? c[5].n : 0, (n_) > 6 ? c[6].p : NULL, (n_) > 6 ? c[6].n : 0, \
        (n_) > 7 ? c[7].p : NULL, (n_) > 7 ? c[7].n : 0
        st = tj_pkey_from_rsa_components(RSA_ARGS(2), &k);
        add_key(st, k, pk, DESC("n,e"));
        st = tj_pkey_from_rsa_components(RSA_ARGS(3), &k);
        add_key(st, k, pk, DESC("n,e,d"));
        st = tj_pkey_from_rsa_components(RSA_ARGS(8), &k);
        add_key(st, k, pk, DESC("n,e,d,p,q,dp,dq,qi"));
        st = tj_pkey_from_rsa_components(RSA_ARGS(7), &k);
        expect_unusable(st, k, DESC("CRT set without qi"));
        c[3].p[c[3].n - 1] ^= 2; /* p no longer a factor of n (stays odd) */
        st = tj_pkey_from_rsa_components(RSA_ARGS(8), &k);
        expect_unusable(st, k, DESC("p*q != n"));
        c[3].p[c[3].n - 1] ^= 2;
        c[0].p[c[0].n - 1] ^= 1; /* even modulus */
        st = tj_pkey_from_rsa_components(RSA_ARGS(2), &k);
        expect_unusable(st, k, DESC("even n"));
        c[0].p[c[0].n - 1] ^= 1;
        st = tj_pkey_from_rsa_components(c[0].p, c[0].n, &one, 1, NULL, 0, NULL, 0, NULL, 0,
                                         NULL, 0, NULL, 0, NULL, 0, &k);
        expect_unusable(st, k, DESC("e = 1"));
        st = tj_pkey_from_rsa_components(c[0].p, c[0].n, &two, 1, NULL, 0, NULL, 0, NULL, 0,
                                         NULL, 0, NULL, 0, NULL, 0, &k);
        expect_unusable(st, k, DESC("e = 2"));
        st = tj_pkey_from_rsa_components(c[0].p, 63, c[1].p, c[1].n, NULL, 0, NULL, 0, NULL, 0,
                                         NULL, 0, NULL, 0, NULL, 0, &k);
        expect_unusable(st, k, DESC("504-bit modulus"));
#undef RSA_ARGS
        free_bufs(c, 8);
    } else if (is_ec) {
        char group[32];
        size_t glen = 0, coord;
        int curve, nid;
        buf x, y, dd, dshort, dother;
        EC_GROUP *g;
        uint8_t order[66];
        EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen);
        nid = OBJ_sn2nid(group);
        curve = nid == NID_X9_62_prime256v1 ? TJ_CURVE_P256 : nid == NID_secp384r1 ? TJ_CURVE_P384
                : nid == NID_secp521r1 ? TJ_CURVE_P521 : TJ_CURVE_SECP256K1;
        coord = curve == TJ_CURVE_P384 ? 48 : curve == TJ_CURVE_P521 ? 66 : 32;
        x = bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, (int)coord);
        y = bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, (int)coord);
        dd = bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, (int)coord);
        dshort = bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, 0);
        dother = bn_param(other, OSSL_PKEY_PARAM_PRIV_KEY, (int)coord);
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, NULL, 0, &k);
        add_key(st, k, pk, DESC("x,y"));
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, dd.p, dd.n, &k);
        add_key(st, k, pk, DESC("x,y,d"));
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, dshort.p, dshort.n, &k);
        add_key(st, k, pk, DESC("x,y,d without leading zeros"));
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, dother.p, dother.n, &k);
        expect_unusable(st, k, DESC("d of another key"));
        g = EC_GROUP_new_by_curve_name(nid);
        BN_bn2binpad(EC_GROUP_get0_order(g), order, (int)coord);
        EC_GROUP_free(g);
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, order, coord, &k);
        expect_unusable(st, k, DESC("d = n"));
        memset(dd.p, 0, dd.n);
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, dd.p, dd.n, &k);
        expect_unusable(st, k, DESC("d = 0"));
        st = tj_pkey_from_ec_point(curve, x.p + 1, x.n - 1, y.p, y.n, NULL, 0, &k);
        expect_unusable(st, k, DESC("x one byte short"));
        st = tj_pkey_from_ec_point(curve == TJ_CURVE_P256 ? TJ_CURVE_SECP256K1 : TJ_CURVE_P256,
                                   x.p, 32, y.p, 32, NULL, 0, &k);
        expect_unusable(st, k, DESC("point on another curve"));
        y.p[y.n - 1] ^= 1; /* off the curve */
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, NULL, 0, &k);
        expect_unusable(st, k, DESC("y + 1 (off the curve)"));
        memset(x.p, 0, x.n);
        memset(y.p, 0, y.n);
        st = tj_pkey_from_ec_point(curve, x.p, x.n, y.p, y.n, NULL, 0, &k);
        expect_unusable(st, k, DESC("x = y = 0"));
        st = tj_pkey_from_ec_point(99, x.p, x.n, y.p, y.n, NULL, 0, &k);
        expect_unusable(st, k, DESC("unknown curve id"));
        free(x.p); free(y.p); free(dd.p); free(dshort.p); free(dother.p);
    } else {
        int ed448 = id == EVP_PKEY_ED448;
        uint8_t pub[57], priv[57], opub[57];
        size_t pl = sizeof pub, sl = sizeof priv, ol = sizeof opub;
        EVP_PKEY_get_raw_public_key(pk, pub, &pl);
        EVP_PKEY_get_raw_private_key(pk, priv, &sl);
        EVP_PKEY_get_raw_public_key(other, opub, &ol);
        st = tj_pkey_from_okp(ed448, pub, pl, NULL, 0, &k);
        add_key(st, k, pk, DESC("raw public"));
        st = tj_pkey_from_okp(ed448, pub, pl, priv, sl, &k);
        add_key(st, k, pk, DESC("raw public + private"));
        st = tj_pkey_from_okp(ed448, opub, ol, priv, sl, &k);
        expect_unusable(st, k, DESC("private with another public key"));
        st = tj_pkey_from_okp(!ed448, pub, pl, NULL, 0, &k);
        expect_unusable(st, k, DESC("raw public of the wrong length"));
    }
    queue_clean("gen components");
#undef DESC
}

static void gen(const char *kind)
{
    EVP_PKEY *pk = NULL, *other = NULL, *foreign = NULL;
    tj_pkey *k;
    tj_status st;
    buf b;
    if (strncmp(kind, "RSA-", 4) == 0) {
        size_t bits = (size_t)strtoul(kind + 4, NULL, 10);
        pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
        foreign = EVP_PKEY_Q_keygen(NULL, NULL, "RSA-PSS", (size_t)2048);
    } else if (strcmp(kind, "Ed25519") == 0 || strcmp(kind, "Ed448") == 0) {
        const char *t = kind[2] == '4' ? "ED448" : "ED25519";
        pk = EVP_PKEY_Q_keygen(NULL, NULL, t);
        other = EVP_PKEY_Q_keygen(NULL, NULL, t);
        foreign = EVP_PKEY_Q_keygen(NULL, NULL, kind[2] == '4' ? "X448" : "X25519");
    } else {
        pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", kind);
        other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", kind);
        if (strcmp(kind, "P-256") == 0) /* a curve JWS does not know */
            foreign = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
    }
    record("gen", pk != NULL, "keygen %s", kind);
    if (pk != NULL)
        gen_forms(pk, kind, other);
    if (foreign != NULL && encode(foreign, EVP_PKEY_PUBLIC_KEY, "DER", "SubjectPublicKeyInfo", 0, &b)) {
        st = tj_pkey_from_der(b.p, b.n, &k);
        expect_unusable(st, k, "foreign key type (RSA-PSS, X25519, X448, P-224)");
        free(b.p);
    }
    EVP_PKEY_free(pk);
    EVP_PKEY_free(other);
    EVP_PKEY_free(foreign);
    ERR_clear_error(); /* keygen noise, not the library's */
}

/* ---- commands ----------------------------------------------------------- */

static void cmd_info(char **t, int nt)
{
    int i;
    tj_family fam;
    if (nt < 3)
        {
        record("parse", 0, "INFO needs 3 fields");
        return;
    }
    fam = strcmp(t[0], "RSA") == 0 ? TJ_FAMILY_RSA : strcmp(t[0], "EC") == 0 ? TJ_FAMILY_EC
                                                                           : TJ_FAMILY_OKP;
    for (i = 0; i < nkeys; i++) {
        const tj_pkey *k = keys[i].k;
        int want_curve = strcmp(t[2], "-") == 0 ? TJ_CURVE_NONE : curve_by_name(t[2]);
        record("info", tj_pkey_family(k) == fam && tj_pkey_bits(k) == atoi(t[1])
                           && (int)tj_pkey_curve(k) == want_curve,
               "%s: family %d bits %d curve %d", keys[i].desc, tj_pkey_family(k), tj_pkey_bits(k),
               tj_pkey_curve(k));
    }
}

static void cmd_verify(char **t, int nt)
{
    tj_alg alg;
    buf msg, sig;
    int i, want;
    if (nt < 5)
        {
        record("parse", 0, "VERIFY needs 5 fields");
        return;
    }
    alg = alg_by_name(t[0]);
    msg = unhex(t[1]);
    sig = unhex(t[2]);
    want = atoi(t[3]);
    char cat[24];
    const char *colon = strchr(t[4], ':');
    snprintf(cat, sizeof cat, "%.*s", colon ? (int)(colon - t[4]) : (int)strlen(t[4]), t[4]);
    if (!msg.ok || !sig.ok || nkeys == 0) {
        record(cat, 0, "%s: bad line or no key", t[4]);
    } else {
        int ok = 1;
        for (i = 0; i < nkeys; i++) {
            tj_status st = tj_pkey_verify(keys[i].k, alg, msg.p, msg.n, sig.p, sig.n);
            queue_clean("verify");
            if (want ? st != TJ_OK : st != TJ_ERR_SIGNATURE) {
                ok = 0;
                fprintf(stderr, "  %s with %s: status %d\n", t[4], keys[i].desc, (int)st);
            }
        }
        record(cat, ok, "%s %s: expected %s", t[0], t[4], want ? "valid" : "invalid");
    }
    free(msg.p);
    free(sig.p);
}

static void cmd_sign(char **t, int nt)
{
    tj_alg alg;
    buf msg, want;
    int i, signers = 0;
    if (nt < 4)
        {
        record("parse", 0, "SIGN needs 4 fields");
        return;
    }
    alg = alg_by_name(t[0]);
    msg = unhex(t[1]);
    want = unhex(t[2]);
    for (i = 0; i < nkeys && msg.ok && want.ok; i++) {
        uint8_t sig[TJ_PKEY_MAX_SIG];
        size_t len = sizeof sig;
        tj_status st = tj_pkey_verify(keys[i].k, alg, msg.p, msg.n, want.p, want.n);
        record("kat", st == TJ_OK, "%s %s: known signature rejected by %s (%d)", t[0], t[3],
               keys[i].desc, (int)st);
        if (!tj_pkey_is_private(keys[i].k))
            continue;
        signers++;
        st = tj_pkey_sign(keys[i].k, alg, msg.p, msg.n, sig, &len);
        record("kat", st == TJ_OK && len == want.n && memcmp(sig, want.p, len) == 0,
               "%s %s: %s signs differently (%d)", t[0], t[3], keys[i].desc, (int)st);
        queue_clean("sign");
    }
    record("kat", signers > 0, "%s %s: no private key", t[0], t[3]);
    free(msg.p);
    free(want.p);
}

/* OpenSSL's own PSS signature with an arbitrary salt length (not the JWS one). */
static int pss_sign_other_salt(EVP_PKEY *pk, tj_alg alg, int saltlen, const buf *msg,
                               uint8_t *sig, size_t *len, int verify_auto)
{
    const char *md = alg == TJ_ALG_PS256 ? "SHA256" : alg == TJ_ALG_PS384 ? "SHA384" : "SHA512";
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    int ok;
    ok = (verify_auto ? EVP_DigestVerifyInit_ex(m, &pc, md, NULL, NULL, pk, NULL)
                      : EVP_DigestSignInit_ex(m, &pc, md, NULL, NULL, pk, NULL)) == 1
         && EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1
         && EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, saltlen) == 1
         && (verify_auto ? EVP_DigestVerify(m, sig, *len, msg->p, msg->n)
                         : EVP_DigestSign(m, sig, len, msg->p, msg->n)) == 1;
    EVP_MD_CTX_free(m);
    ERR_clear_error();
    return ok;
}

static void ec_order(const tj_pkey *k, uint8_t *order, size_t coord)
{
    int nid = tj_pkey_curve(k) == TJ_CURVE_P256 ? NID_X9_62_prime256v1
              : tj_pkey_curve(k) == TJ_CURVE_P384 ? NID_secp384r1
              : tj_pkey_curve(k) == TJ_CURVE_P521 ? NID_secp521r1 : NID_secp256k1;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
    BN_bn2binpad(EC_GROUP_get0_order(g), order, (int)coord);
    EC_GROUP_free(g);
}

/* Every key of the set must reject sig over msg with alg. */
static void all_reject(tj_alg alg, const uint8_t *msg, size_t mlen, const uint8_t *sig, size_t slen,
                       const char *what, const char *signer)
{
    int i;
    for (i = 0; i < nkeys; i++) {
        tj_status st;
        if (!tj_pkey_supports(keys[i].k, alg))
            continue;
        st = tj_pkey_verify(keys[i].k, alg, msg, mlen, sig, slen);
        queue_clean("verify");
        record("roundtrip", st == TJ_ERR_SIGNATURE, "%s by %s: %s accepted by %s (%d)",
               alg_name(alg), signer, what, keys[i].desc, (int)st);
    }
}

static void cmd_roundtrip(char **t, int nt)
{
    tj_alg alg, other;
    buf msg;
    int i, j, signers = 0;
    if (nt < 2)
        {
        record("parse", 0, "ROUNDTRIP needs 2 fields");
        return;
    }
    alg = alg_by_name(t[0]);
    msg = unhex(t[1]);
    for (i = 0; i < nkeys && msg.ok; i++) {
        const tj_pkey *k = keys[i].k;
        const char *who = keys[i].desc;
        uint8_t sig[TJ_PKEY_MAX_SIG + 1], bad[TJ_PKEY_MAX_SIG + 1];
        size_t len = sizeof sig, small, c;
        tj_status st;
        if (!tj_pkey_is_private(k)) {
            len = sizeof sig;
            st = tj_pkey_sign(k, alg, msg.p, msg.n, sig, &len);
            record("roundtrip", st == TJ_ERR_KEY_UNUSABLE, "%s: public key signed (%d)", who, (int)st);
            continue;
        }
        signers++;
        small = tj_pkey_sig_max(k) - 1;
        st = tj_pkey_sign(k, alg, msg.p, msg.n, sig, &small);
        record("roundtrip", st == TJ_ERR_INTERNAL, "%s: signed into a short buffer (%d)", who, (int)st);
        st = tj_pkey_sign(k, alg, msg.p, msg.n, sig, &len);
        queue_clean("sign");
        record("roundtrip", st == TJ_OK && len == tj_pkey_sig_max(k), "%s %s: sign %d, length %zu",
               t[0], who, (int)st, len);
        if (st != TJ_OK)
            continue;
        /* every key of the set (every loader) accepts it */
        for (j = 0; j < nkeys; j++) {
            st = tj_pkey_verify(keys[j].k, alg, msg.p, msg.n, sig, len);
            queue_clean("verify");
            record("roundtrip", st == TJ_OK, "%s signed by %s, rejected by %s (%d)", t[0], who,
                   keys[j].desc, (int)st);
        }
        st = tj_raw_verify_loop(k, alg, msg.p, msg.n, sig, len, 3);
        record("roundtrip", st == TJ_OK, "%s: raw loop %d", who, (int)st);
        /* tampering */
        memcpy(bad, sig, len);
        bad[len / 2] ^= 0x01;
        all_reject(alg, msg.p, msg.n, bad, len, "flipped bit", who);
        st = tj_raw_verify_loop(k, alg, msg.p, msg.n, bad, len, 3);
        record("roundtrip", st == TJ_ERR_SIGNATURE, "%s: raw loop on a bad signature %d", who, (int)st);
        all_reject(alg, msg.p, msg.n, sig, len - 1, "truncated", who);
        memcpy(bad, sig, len);
        bad[len] = 0;
        all_reject(alg, msg.p, msg.n, bad, len + 1, "one byte appended", who);
        all_reject(alg, msg.p, msg.n, NULL, 0, "empty signature", who);
        if (msg.n > 0)
            all_reject(alg, msg.p, msg.n - 1, sig, len, "message shortened", who);
        /* the same bytes under every other algorithm of the family */
        for (other = TJ_ALG_RS256; other <= TJ_ALG_EDDSA; other++)
            if (other != alg && tj_pkey_supports(k, other))
                all_reject(other, msg.p, msg.n, sig, len, "signature of another algorithm", who);
        if (tj_pkey_family(k) == TJ_FAMILY_EC) {
            uint8_t order[66];
            c = len / 2;
            ec_order(k, order, c);
            memset(bad, 0, len);
            all_reject(alg, msg.p, msg.n, bad, len, "r = s = 0 (CVE-2022-21449)", who);
            memcpy(bad, sig, len);
            memset(bad, 0, c);
            all_reject(alg, msg.p, msg.n, bad, len, "r = 0", who);
            memcpy(bad, sig, len);
            memset(bad + c, 0, c);
            all_reject(alg, msg.p, msg.n, bad, len, "s = 0", who);
            memcpy(bad, order, c);
            memcpy(bad + c, sig + c, c);
            all_reject(alg, msg.p, msg.n, bad, len, "r = n", who);
            memcpy(bad, sig, c);
            memcpy(bad + c, order, c);
            all_reject(alg, msg.p, msg.n, bad, len, "s = n", who);
            memcpy(bad, order, c);
            memcpy(bad + c, order, c);
            all_reject(alg, msg.p, msg.n, bad, len, "r = s = n", who);
        }
        if (alg >= TJ_ALG_PS256 && alg <= TJ_ALG_PS512 && keys[i].src != NULL) {
            /* why: JWS fixes the salt length to the hash length; a signature that is
             * valid PSS with another salt length must still fail. */
            int salts[3] = {0, 20, RSA_PSS_SALTLEN_MAX}, s;
            for (s = 0; s < 3; s++) {
                size_t olen = sizeof bad;
                int made = pss_sign_other_salt(keys[i].src, alg, salts[s], &msg, bad, &olen, 0);
                int genuine = made && pss_sign_other_salt(keys[i].src, alg, RSA_PSS_SALTLEN_AUTO,
                                                          &msg, bad, &olen, 1);
                record("roundtrip", made && genuine, "%s: OpenSSL PSS salt %d sign/verify", who,
                       salts[s]);
                if (made)
                    all_reject(alg, msg.p, msg.n, bad, olen, "PSS with another salt length", who);
            }
        }
    }
    record("roundtrip", signers > 0, "%s: no private key in the group", t[0]);
    free(msg.p);
}

static void cmd_unsupported(char **t, int nt)
{
    int i;
    tj_alg alg;
    if (nt < 1)
        {
        record("parse", 0, "UNSUPPORTED needs 1 field");
        return;
    }
    alg = alg_by_name(t[0]);
    for (i = 0; i < nkeys; i++) {
        uint8_t sig[TJ_PKEY_MAX_SIG];
        size_t len = sizeof sig;
        tj_status v = tj_pkey_verify(keys[i].k, alg, (const uint8_t *)"m", 1, sig, 64);
        tj_status s = tj_pkey_sign(keys[i].k, alg, (const uint8_t *)"m", 1, sig, &len);
        record("unsupported", !tj_pkey_supports(keys[i].k, alg) && v == TJ_ERR_KEY_UNUSABLE
                                  && s == TJ_ERR_KEY_UNUSABLE,
               "%s served %s (verify %d, sign %d)", keys[i].desc, t[0], (int)v, (int)s);
        queue_clean("unsupported");
    }
}

/* The key serves alg for verification but is too small to sign with it. */
static void cmd_nosign(char **t, int nt)
{
    int i, privates = 0;
    tj_alg alg;
    if (nt < 1) {
        record("parse", 0, "NOSIGN needs 1 field");
        return;
    }
    alg = alg_by_name(t[0]);
    for (i = 0; i < nkeys; i++) {
        uint8_t sig[TJ_PKEY_MAX_SIG];
        size_t len = sizeof sig;
        tj_status st;
        if (!tj_pkey_is_private(keys[i].k))
            continue;
        privates++;
        st = tj_pkey_sign(keys[i].k, alg, (const uint8_t *)"m", 1, sig, &len);
        record("nosign", tj_pkey_supports(keys[i].k, alg) && st == TJ_ERR_KEY_UNUSABLE,
               "%s signed %s (%d)", keys[i].desc, t[0], (int)st);
        queue_clean("nosign");
    }
    record("nosign", privates > 0, "%s: no private key", t[0]);
}

typedef struct {
    const tj_pkey *k;
    tj_alg alg;
    const buf *msg;
    const uint8_t *sig;
    size_t len;
    long iters, errors;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *j = arg;
    uint8_t bad[TJ_PKEY_MAX_SIG], mine[TJ_PKEY_MAX_SIG];
    long i;
    memcpy(bad, j->sig, j->len);
    bad[0] ^= 0x80;
    for (i = 0; i < j->iters; i++) {
        size_t mlen = sizeof mine;
        j->errors += tj_pkey_verify(j->k, j->alg, j->msg->p, j->msg->n, j->sig, j->len) != TJ_OK;
        j->errors += tj_pkey_verify(j->k, j->alg, j->msg->p, j->msg->n, bad, j->len)
                     != TJ_ERR_SIGNATURE;
        if (i % 8 == 0)
            j->errors += tj_pkey_sign(j->k, j->alg, j->msg->p, j->msg->n, mine, &mlen) != TJ_OK
                         || tj_pkey_verify(j->k, j->alg, j->msg->p, j->msg->n, mine, mlen) != TJ_OK;
    }
    j->errors += ERR_peek_error() != 0;
    ERR_clear_error();
    OPENSSL_thread_stop();
    return NULL;
}

static void cmd_threads(char **t, int nt)
{
    tj_alg alg;
    buf msg;
    int i, n;
    const tj_pkey *k = NULL;
    uint8_t sig[TJ_PKEY_MAX_SIG];
    size_t len = sizeof sig;
    pthread_t th[16];
    thread_job jobs[16];
    if (nt < 4)
        {
        record("parse", 0, "THREADS needs 4 fields");
        return;
    }
    alg = alg_by_name(t[0]);
    msg = unhex(t[1]);
    n = atoi(t[2]);
    n = n < 1 ? 1 : n > 16 ? 16 : n;
    for (i = 0; i < nkeys && k == NULL; i++)
        if (tj_pkey_is_private(keys[i].k) && tj_pkey_supports(keys[i].k, alg))
            k = keys[i].k;
    if (k == NULL || !msg.ok || tj_pkey_sign(k, alg, msg.p, msg.n, sig, &len) != TJ_OK) {
        record("threads", 0, "%s: no private key or signing failed", t[0]);
        free(msg.p);
        return;
    }
    for (i = 0; i < n; i++) {
        jobs[i] = (thread_job){k, alg, &msg, sig, len, atol(t[3]), 0};
        if (pthread_create(&th[i], NULL, thread_main, &jobs[i]) != 0) {
            record("threads", 0, "pthread_create");
            n = i;
            break;
        }
    }
    for (i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        record("threads", jobs[i].errors == 0, "%s thread %d: %ld wrong results", t[0], i,
               jobs[i].errors);
    }
    free(msg.p);
}

static void cmd_key(const char *kind, char **t, int nt, int expect_ok)
{
    tj_pkey *k = NULL;
    tj_status st;
    char desc[64];
    if (expect_ok) {
        snprintf(desc, sizeof desc, "KEY-%s #%d", kind, nkeys);
        st = load_tokens(kind, t, nt, &k);
        add_key(st, k, NULL, desc);
    } else {
        snprintf(desc, sizeof desc, "NOKEY-%s %s", kind, nt > 0 ? t[nt - 1] : "?");
        st = load_tokens(kind, t, nt - 1, &k);
        expect_unusable(st, k, desc);
    }
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int i;
    while ((got = getline(&line, &cap, stdin)) > 0) {
        char *t[MAXTOK], *cmd, *save = NULL;
        int nt = 0;
        cmd = strtok_r(line, " \t\r\n", &save);
        if (cmd == NULL || cmd[0] == '#')
            continue;
        while (nt < MAXTOK && (t[nt] = strtok_r(NULL, " \t\r\n", &save)) != NULL)
            nt++;
        if (strcmp(cmd, "GROUP") == 0)
            clear_keys();
        else if (strncmp(cmd, "KEY-", 4) == 0)
            cmd_key(cmd + 4, t, nt, 1);
        else if (strncmp(cmd, "NOKEY-", 6) == 0)
            cmd_key(cmd + 6, t, nt, 0);
        else if (strcmp(cmd, "GEN") == 0 && nt >= 1)
            gen(t[0]);
        else if (strcmp(cmd, "INFO") == 0)
            cmd_info(t, nt);
        else if (strcmp(cmd, "VERIFY") == 0)
            cmd_verify(t, nt);
        else if (strcmp(cmd, "SIGN") == 0)
            cmd_sign(t, nt);
        else if (strcmp(cmd, "ROUNDTRIP") == 0)
            cmd_roundtrip(t, nt);
        else if (strcmp(cmd, "UNSUPPORTED") == 0)
            cmd_unsupported(t, nt);
        else if (strcmp(cmd, "NOSIGN") == 0)
            cmd_nosign(t, nt);
        else if (strcmp(cmd, "THREADS") == 0)
            cmd_threads(t, nt);
        else
            record("parse", 0, "unknown command %s", cmd);
    }
    free(line);
    clear_keys();
    for (i = 0; i < ncats; i++)
        printf("category %s: %ld passed, %ld failed\n", cats[i].name, cats[i].pass, cats[i].fail);
    printf("%ld passed, %ld failed\n", total_pass, total_fail);
    return total_fail == 0 ? 0 : 1;
}
