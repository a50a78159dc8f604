/*
 * keys.h: a prepared verification (and signing) key, bound to one family.
 *
 * A tj_key is made once from key material and is then read-only: every
 * thread may verify with it at once. The family is fixed at creation, so a
 * key can only ever serve the algorithms of its family (an RSA public key is
 * never an HMAC secret; an EC key serves only the algorithm of its curve).
 */
#ifndef TJ_KEYS_H
#define TJ_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "algs.h"
#include "tj_status.h"

typedef struct tj_key tj_key;

/* An HMAC key for HS256/384/512. */
tj_status tj_key_new_hmac(const uint8_t *secret, size_t len, tj_key **out);

/* A public-key (RSA, EC, OKP) key from PEM text or DER bytes (see pkey.h for
 * the forms and the key policy). TJ_ERR_KEY_UNUSABLE when it is neither. */
tj_status tj_key_new_pem(const uint8_t *pem, size_t len, tj_key **out);
tj_status tj_key_new_der(const uint8_t *der, size_t len, tj_key **out);

struct tj_pkey;

/* Wrap a prepared public-key key (pkey.h) as a tj_key, taking ownership of it
 * whatever the outcome. Pass the constructor's status: a failure is returned
 * as is (with pk NULL). Call the constructor first, in its own statement:
 *     st = tj_pkey_from_pem(pem, len, &pk); st = tj_key_adopt(st, pk, &k);
 * (in one expression C leaves open whether pk is read before it is set). */
tj_status tj_key_adopt(tj_status st, struct tj_pkey *pk, tj_key **out);

/* RSA modulus bits or curve bits of a public-key key; 0 for HMAC. */
int tj_key_bits(const tj_key *key);

void tj_key_free(tj_key *key);

tj_family tj_key_family(const tj_key *key);

/* Can this key verify tokens of alg (right family, and for EC the right curve)? */
int tj_key_supports(const tj_key *key, tj_alg alg);

/*
 * Verify sig over msg with alg. TJ_OK, TJ_ERR_SIGNATURE, TJ_ERR_KEY_UNUSABLE
 * (the key cannot serve alg) or TJ_ERR_INTERNAL.
 */
tj_status tj_key_verify(const tj_key *key, tj_alg alg, const uint8_t *msg, size_t msg_len,
                        const uint8_t *sig, size_t sig_len);

/* Does the key hold a private half (HMAC keys always do)? */
int tj_key_is_private(const tj_key *key);

/* Largest signature this key makes (HMAC tag, RSA modulus, raw r||s, EdDSA). */
size_t tj_key_sig_max(const tj_key *key);

/*
 * Sign msg with alg into sig; *sig_len is the capacity on entry (at least
 * tj_key_sig_max) and the length on TJ_OK. TJ_ERR_KEY_UNUSABLE when the key
 * cannot serve alg or holds no private key.
 */
tj_status tj_key_sign(const tj_key *key, tj_alg alg, const uint8_t *msg, size_t msg_len,
                      uint8_t *sig, size_t *sig_len);

#endif
