/* algs.c: JWS algorithm names and the key family each one needs. */
#include <string.h>

#include "algs.h"

static const char *const alg_names[TJ_ALG_COUNT] = {
    [TJ_ALG_UNSUPPORTED] = "",
    [TJ_ALG_NONE] = "none",
    [TJ_ALG_HS256] = "HS256", [TJ_ALG_HS384] = "HS384", [TJ_ALG_HS512] = "HS512",
    [TJ_ALG_RS256] = "RS256", [TJ_ALG_RS384] = "RS384", [TJ_ALG_RS512] = "RS512",
    [TJ_ALG_PS256] = "PS256", [TJ_ALG_PS384] = "PS384", [TJ_ALG_PS512] = "PS512",
    [TJ_ALG_ES256] = "ES256", [TJ_ALG_ES384] = "ES384", [TJ_ALG_ES512] = "ES512",
    [TJ_ALG_ES256K] = "ES256K",
    [TJ_ALG_EDDSA] = "EdDSA",
};

tj_alg tj_alg_from_name(const char *name, size_t len)
{
    /* Exact, case-sensitive match: "hs256" is not HS256 (RFC 7515 4.1.1). */
    if (len == 5 && memcmp(name, "ES521", 5) == 0)
        return TJ_ALG_ES512;  /* PyJWT's historical name for ES512 (P-521, SHA-512), in its default registry */
    for (int a = TJ_ALG_NONE; a < TJ_ALG_COUNT; a++) {
        const char *n = alg_names[a];
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return (tj_alg)a;
    }
    return TJ_ALG_UNSUPPORTED;
}

const char *tj_alg_name(tj_alg alg)
{
    return (alg >= 0 && alg < TJ_ALG_COUNT) ? alg_names[alg] : "";
}

tj_family tj_alg_family(tj_alg alg)
{
    switch (alg) {
    case TJ_ALG_HS256: case TJ_ALG_HS384: case TJ_ALG_HS512:
        return TJ_FAMILY_HMAC;
    case TJ_ALG_RS256: case TJ_ALG_RS384: case TJ_ALG_RS512:
    case TJ_ALG_PS256: case TJ_ALG_PS384: case TJ_ALG_PS512:
        return TJ_FAMILY_RSA;
    case TJ_ALG_ES256: case TJ_ALG_ES384: case TJ_ALG_ES512: case TJ_ALG_ES256K:
        return TJ_FAMILY_EC;
    case TJ_ALG_EDDSA:
        return TJ_FAMILY_OKP;
    default:
        return TJ_FAMILY_NONE;
    }
}
