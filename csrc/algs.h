/*
 * algs.h: the JWS algorithms (RFC 7518, RFC 8037) and the key family each needs.
 */
#ifndef TJ_ALGS_H
#define TJ_ALGS_H

#include <stddef.h>

typedef enum {
    TJ_ALG_UNSUPPORTED = 0, /* a name the caller allowed that this library does not implement */
    TJ_ALG_NONE,            /* "none": never verifies */
    TJ_ALG_HS256, TJ_ALG_HS384, TJ_ALG_HS512,
    TJ_ALG_RS256, TJ_ALG_RS384, TJ_ALG_RS512,
    TJ_ALG_PS256, TJ_ALG_PS384, TJ_ALG_PS512,
    TJ_ALG_ES256, TJ_ALG_ES384, TJ_ALG_ES512, TJ_ALG_ES256K,
    TJ_ALG_EDDSA,
    TJ_ALG_COUNT
} tj_alg;

typedef enum {
    TJ_FAMILY_NONE = 0,
    TJ_FAMILY_HMAC,
    TJ_FAMILY_RSA,      /* RS* and PS* */
    TJ_FAMILY_EC,       /* ES*, each bound to one curve */
    TJ_FAMILY_OKP       /* EdDSA: Ed25519 or Ed448 */
} tj_family;

/* The algorithm named by name[0..len) ("HS256", ...), or TJ_ALG_UNSUPPORTED. */
tj_alg tj_alg_from_name(const char *name, size_t len);

/* The canonical name of an algorithm ("HS256"), or "" for TJ_ALG_UNSUPPORTED. */
const char *tj_alg_name(tj_alg alg);

/* The key family an algorithm needs. */
tj_family tj_alg_family(tj_alg alg);

#endif
