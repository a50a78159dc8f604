/* keys.c: a prepared key of one family, and verification dispatch by algorithm. */
#include <openssl/crypto.h>

#include "hmac.h"
#include "keys.h"
#include "pkey.h"

struct tj_key {
    tj_family family;
    tj_hmac *hmac;      /* TJ_FAMILY_HMAC */
    tj_pkey *pkey;      /* TJ_FAMILY_RSA, _EC, _OKP */
};

tj_status tj_key_adopt(tj_status st, tj_pkey *pk, tj_key **out)
{
    if (st != TJ_OK) {
        tj_pkey_free(pk);
        return st;
    }
    tj_key *k = OPENSSL_zalloc(sizeof *k);
    if (!k) {
        tj_pkey_free(pk);
        return TJ_ERR_NOMEM;
    }
    k->family = tj_pkey_family(pk);
    k->pkey = pk;
    *out = k;
    return TJ_OK;
}

tj_status tj_key_new_pem(const uint8_t *pem, size_t len, tj_key **out)
{
    tj_pkey *pk = NULL;
    tj_status st = tj_pkey_from_pem(pem, len, &pk);
    return tj_key_adopt(st, pk, out);
}

tj_status tj_key_new_der(const uint8_t *der, size_t len, tj_key **out)
{
    tj_pkey *pk = NULL;
    tj_status st = tj_pkey_from_der(der, len, &pk);
    return tj_key_adopt(st, pk, out);
}

int tj_key_bits(const tj_key *key)
{
    return key->pkey ? tj_pkey_bits(key->pkey) : 0;
}

tj_status tj_key_new_hmac(const uint8_t *secret, size_t len, tj_key **out)
{
    tj_key *k = OPENSSL_zalloc(sizeof *k);
    if (!k)
        return TJ_ERR_NOMEM;
    k->family = TJ_FAMILY_HMAC;
    tj_status st = tj_hmac_new(secret, len, &k->hmac);
    if (st != TJ_OK) {
        OPENSSL_free(k);
        return st;
    }
    *out = k;
    return TJ_OK;
}

void tj_key_free(tj_key *key)
{
    if (!key)
        return;
    tj_hmac_free(key->hmac);
    tj_pkey_free(key->pkey);
    OPENSSL_free(key);
}

tj_family tj_key_family(const tj_key *key)
{
    return key->family;
}

int tj_key_supports(const tj_key *key, tj_alg alg)
{
    if (key->pkey)
        return tj_pkey_supports(key->pkey, alg);  /* family and curve */
    return tj_alg_family(alg) == key->family;
}

static tj_sha hmac_sha(tj_alg alg)
{
    return alg == TJ_ALG_HS256 ? TJ_SHA256 : alg == TJ_ALG_HS384 ? TJ_SHA384 : TJ_SHA512;
}

int tj_key_is_private(const tj_key *key)
{
    return key->pkey ? tj_pkey_is_private(key->pkey) : 1;
}

size_t tj_key_sig_max(const tj_key *key)
{
    return key->pkey ? tj_pkey_sig_max(key->pkey) : TJ_HMAC_MAX_TAG;
}

tj_status tj_key_sign(const tj_key *key, tj_alg alg, const uint8_t *msg, size_t msg_len,
                      uint8_t *sig, size_t *sig_len)
{
    if (!tj_key_supports(key, alg))
        return TJ_ERR_KEY_UNUSABLE;
    if (key->pkey)
        return tj_pkey_sign(key->pkey, alg, msg, msg_len, sig, sig_len);
    if (*sig_len < TJ_HMAC_MAX_TAG)
        return TJ_ERR_INTERNAL;
    *sig_len = tj_hmac_tag_len(hmac_sha(alg));
    return tj_hmac_sign(key->hmac, hmac_sha(alg), msg, msg_len, sig);
}

tj_status tj_key_verify(const tj_key *key, tj_alg alg, const uint8_t *msg, size_t msg_len,
                        const uint8_t *sig, size_t sig_len)
{
    /* The family check is the algorithm-confusion guard: a key never serves
     * an algorithm of another family, whatever the token's header says. */
    if (!tj_key_supports(key, alg))
        return TJ_ERR_KEY_UNUSABLE;
    switch (key->family) {
    case TJ_FAMILY_HMAC:
        return tj_hmac_verify(key->hmac, hmac_sha(alg), msg, msg_len, sig, sig_len);
    case TJ_FAMILY_RSA: case TJ_FAMILY_EC: case TJ_FAMILY_OKP:
        return tj_pkey_verify(key->pkey, alg, msg, msg_len, sig, sig_len);
    default:
        return TJ_ERR_KEY_UNUSABLE;
    }
}
