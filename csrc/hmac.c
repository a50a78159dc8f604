/*
 * hmac.c: HMAC-SHA2 with prepared inner and outer states (see hmac.h).
 *
 * Why the SHA256_CTX / SHA512_CTX structures, which OpenSSL 3.0 marks
 * deprecated: they are plain structs, so cloning a prepared state is a
 * memcpy, and they run the same assembly block functions as EVP. EVP offers
 * no allocation-free clone (EVP_MD_CTX_copy_ex frees and re-allocates the
 * provider context each call), which would put a malloc/free pair on every
 * token. Where an OpenSSL build omits the deprecated API
 * (OPENSSL_NO_DEPRECATED_3_0), the EVP fallback below is used instead.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "hmac.h"

#define BLOCK_256 64u   /* SHA-256 block size */
#define BLOCK_512 128u  /* SHA-384/512 block size */

#ifndef OPENSSL_NO_DEPRECATED_3_0
#define TJ_HMAC_FAST 1
#endif

#ifdef TJ_HMAC_FAST
struct tj_hmac {
    SHA256_CTX inner256, outer256;
    SHA512_CTX inner384, outer384;
    SHA512_CTX inner512, outer512;
};
#else
struct tj_hmac {
    EVP_MD_CTX *inner[3], *outer[3];
};
#endif

size_t tj_hmac_tag_len(tj_sha sha)
{
    return sha == TJ_SHA256 ? 32u : sha == TJ_SHA384 ? 48u : 64u;
}

/* The key block: K hashed if longer than the block, zero-padded to the block. */
static int key_block(const uint8_t *secret, size_t len, tj_sha sha, uint8_t *block, size_t block_len)
{
    memset(block, 0, block_len);
    if (len <= block_len) {
        if (len)
            memcpy(block, secret, len);
        return 1;
    }
    const EVP_MD *md = sha == TJ_SHA256 ? EVP_sha256() : sha == TJ_SHA384 ? EVP_sha384() : EVP_sha512();
    unsigned int out_len = 0;
    return EVP_Digest(secret, len, block, &out_len, md, NULL) == 1;
}

#ifdef TJ_HMAC_FAST

static int prepare256(struct tj_hmac *h, const uint8_t *secret, size_t len)
{
    uint8_t k[BLOCK_256], pad[BLOCK_256];
    int ok = key_block(secret, len, TJ_SHA256, k, sizeof k);
    for (size_t i = 0; i < BLOCK_256; i++) pad[i] = (uint8_t)(k[i] ^ 0x36u);
    ok = ok && SHA256_Init(&h->inner256) && SHA256_Update(&h->inner256, pad, BLOCK_256);
    for (size_t i = 0; i < BLOCK_256; i++) pad[i] = (uint8_t)(k[i] ^ 0x5Cu);
    ok = ok && SHA256_Init(&h->outer256) && SHA256_Update(&h->outer256, pad, BLOCK_256);
    /* The key and the padded blocks are secret: wipe them from the stack. */
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
    return ok;
}

static int prepare512(SHA512_CTX *inner, SHA512_CTX *outer, tj_sha sha, const uint8_t *secret, size_t len)
{
    uint8_t k[BLOCK_512], pad[BLOCK_512];
    int ok = key_block(secret, len, sha, k, sizeof k);
    int (*init)(SHA512_CTX *) = sha == TJ_SHA384 ? SHA384_Init : SHA512_Init;
    for (size_t i = 0; i < BLOCK_512; i++) pad[i] = (uint8_t)(k[i] ^ 0x36u);
    ok = ok && init(inner) && SHA512_Update(inner, pad, BLOCK_512);
    for (size_t i = 0; i < BLOCK_512; i++) pad[i] = (uint8_t)(k[i] ^ 0x5Cu);
    ok = ok && init(outer) && SHA512_Update(outer, pad, BLOCK_512);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
    return ok;
}

tj_status tj_hmac_new(const uint8_t *secret, size_t len, tj_hmac **out)
{
    struct tj_hmac *h = OPENSSL_zalloc(sizeof *h);
    if (!h)
        return TJ_ERR_NOMEM;
    if (!prepare256(h, secret, len)
        || !prepare512(&h->inner384, &h->outer384, TJ_SHA384, secret, len)
        || !prepare512(&h->inner512, &h->outer512, TJ_SHA512, secret, len)) {
        tj_hmac_free(h);
        return TJ_ERR_INTERNAL;
    }
    *out = h;
    return TJ_OK;
}

void tj_hmac_free(tj_hmac *h)
{
    /* The prepared states are equivalent to the key: clear them on free. */
    if (h)
        OPENSSL_clear_free(h, sizeof *h);
}

tj_status tj_hmac_sign(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len, uint8_t *tag)
{
    int ok;
    if (sha == TJ_SHA256) {
        SHA256_CTX c = h->inner256;
        uint8_t inner[SHA256_DIGEST_LENGTH];
        ok = SHA256_Update(&c, msg, len) && SHA256_Final(inner, &c);
        c = h->outer256;
        ok = ok && SHA256_Update(&c, inner, sizeof inner) && SHA256_Final(tag, &c);
        OPENSSL_cleanse(&c, sizeof c);
    } else {
        const SHA512_CTX *pi = sha == TJ_SHA384 ? &h->inner384 : &h->inner512;
        const SHA512_CTX *po = sha == TJ_SHA384 ? &h->outer384 : &h->outer512;
        size_t dlen = tj_hmac_tag_len(sha);
        SHA512_CTX c = *pi;
        uint8_t inner[SHA512_DIGEST_LENGTH];
        /* SHA512_Final writes the state's md_len bytes: 48 for a SHA-384 state. */
        ok = SHA512_Update(&c, msg, len) && SHA512_Final(inner, &c);
        c = *po;
        ok = ok && SHA512_Update(&c, inner, dlen) && SHA512_Final(tag, &c);
        OPENSSL_cleanse(&c, sizeof c);
    }
    return ok ? TJ_OK : TJ_ERR_INTERNAL;
}

#else /* EVP fallback: one EVP_MD_CTX copy per token */

static const EVP_MD *md_of(tj_sha sha)
{
    return sha == TJ_SHA256 ? EVP_sha256() : sha == TJ_SHA384 ? EVP_sha384() : EVP_sha512();
}

tj_status tj_hmac_new(const uint8_t *secret, size_t len, tj_hmac **out)
{
    struct tj_hmac *h = OPENSSL_zalloc(sizeof *h);
    if (!h)
        return TJ_ERR_NOMEM;
    for (int s = 0; s < 3; s++) {
        uint8_t k[BLOCK_512], pad[BLOCK_512];
        size_t bl = s == TJ_SHA256 ? BLOCK_256 : BLOCK_512;
        int ok = key_block(secret, len, (tj_sha)s, k, bl);
        h->inner[s] = EVP_MD_CTX_new();
        h->outer[s] = EVP_MD_CTX_new();
        ok = ok && h->inner[s] && h->outer[s];
        for (size_t i = 0; i < bl; i++) pad[i] = (uint8_t)(k[i] ^ 0x36u);
        ok = ok && EVP_DigestInit_ex(h->inner[s], md_of((tj_sha)s), NULL) && EVP_DigestUpdate(h->inner[s], pad, bl);
        for (size_t i = 0; i < bl; i++) pad[i] = (uint8_t)(k[i] ^ 0x5Cu);
        ok = ok && EVP_DigestInit_ex(h->outer[s], md_of((tj_sha)s), NULL) && EVP_DigestUpdate(h->outer[s], pad, bl);
        OPENSSL_cleanse(k, sizeof k);
        OPENSSL_cleanse(pad, sizeof pad);
        if (!ok) {
            tj_hmac_free(h);
            return TJ_ERR_INTERNAL;
        }
    }
    *out = h;
    return TJ_OK;
}

void tj_hmac_free(tj_hmac *h)
{
    if (!h)
        return;
    for (int s = 0; s < 3; s++) {
        EVP_MD_CTX_free(h->inner[s]);
        EVP_MD_CTX_free(h->outer[s]);
    }
    OPENSSL_free(h);
}

tj_status tj_hmac_sign(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len, uint8_t *tag)
{
    uint8_t inner[EVP_MAX_MD_SIZE];
    unsigned int ilen = 0, tlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_MD_CTX_copy_ex(c, h->inner[sha]) && EVP_DigestUpdate(c, msg, len)
             && EVP_DigestFinal_ex(c, inner, &ilen)
             && EVP_MD_CTX_copy_ex(c, h->outer[sha]) && EVP_DigestUpdate(c, inner, ilen)
             && EVP_DigestFinal_ex(c, tag, &tlen);
    EVP_MD_CTX_free(c);
    return ok ? TJ_OK : TJ_ERR_INTERNAL;
}

#endif

tj_status tj_hmac_verify(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len,
                         const uint8_t *sig, size_t sig_len)
{
    uint8_t tag[TJ_HMAC_MAX_TAG];
    size_t tlen = tj_hmac_tag_len(sha);
    /* The length is public (fixed by the algorithm); only the bytes need
     * constant-time comparison, so an early return on length leaks nothing. */
    if (sig_len != tlen)
        return TJ_ERR_SIGNATURE;
    tj_status st = tj_hmac_sign(h, sha, msg, len, tag);
    if (st != TJ_OK)
        return st;
    /* CRYPTO_memcmp: constant time, so timing reveals nothing of the tag. */
    st = CRYPTO_memcmp(tag, sig, tlen) == 0 ? TJ_OK : TJ_ERR_SIGNATURE;
    OPENSSL_cleanse(tag, sizeof tag);
    return st;
}
