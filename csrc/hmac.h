/*
 * hmac.h: HMAC-SHA256/384/512 with the keyed inner and outer hash states
 * computed once per key.
 *
 * Per token, HMAC(K, m) = H(K^opad || H(K^ipad || m)). The two one-block
 * prefixes depend only on the key, so tj_hmac_init hashes them once; each
 * verification then copies the two prepared states (plain struct copies, no
 * allocation) and hashes only the message. A prepared tj_hmac is read-only
 * after tj_hmac_init, so any number of threads may use it at once.
 */
#ifndef TJ_HMAC_H
#define TJ_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "tj_status.h"

typedef enum { TJ_SHA256 = 0, TJ_SHA384, TJ_SHA512 } tj_sha;

#define TJ_HMAC_MAX_TAG 64u

typedef struct tj_hmac tj_hmac;

/* Prepare the three HMAC states for secret[0..len). len may be 0 (the caller enforces policy). */
tj_status tj_hmac_new(const uint8_t *secret, size_t len, tj_hmac **out);
void tj_hmac_free(tj_hmac *h);

/* Tag length in bytes of the given hash (32, 48 or 64). */
size_t tj_hmac_tag_len(tj_sha sha);

/* Compute the tag of msg into tag (TJ_HMAC_MAX_TAG bytes). Returns TJ_OK or TJ_ERR_INTERNAL. */
tj_status tj_hmac_sign(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len, uint8_t *tag);

/* TJ_OK when sig is the tag of msg, TJ_ERR_SIGNATURE otherwise; compared in constant time. */
tj_status tj_hmac_verify(const tj_hmac *h, tj_sha sha, const uint8_t *msg, size_t len,
                         const uint8_t *sig, size_t sig_len);

#endif
