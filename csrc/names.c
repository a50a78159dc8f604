/* names.c: the table of common member names (see names.h). */
#include "names.h"

const char *const tj_name_text[TJ_NAME_COUNT] = {
    [TJ_NAME_NONE] = "",
    [TJ_NAME_ISS] = "iss", [TJ_NAME_SUB] = "sub", [TJ_NAME_AUD] = "aud", [TJ_NAME_EXP] = "exp",
    [TJ_NAME_NBF] = "nbf", [TJ_NAME_IAT] = "iat", [TJ_NAME_JTI] = "jti",
    [TJ_NAME_ALG] = "alg", [TJ_NAME_TYP] = "typ", [TJ_NAME_KID] = "kid", [TJ_NAME_CTY] = "cty",
    [TJ_NAME_CRIT] = "crit", [TJ_NAME_B64] = "b64",
    [TJ_NAME_NAME] = "name", [TJ_NAME_SCOPE] = "scope", [TJ_NAME_EMAIL] = "email",
    [TJ_NAME_AZP] = "azp", [TJ_NAME_ROLES] = "roles", [TJ_NAME_SID] = "sid",
    [TJ_NAME_NONCE] = "nonce",
};

/* Each name's word, spelled out so that its slot is a constant expression: a
 * collision would initialise one slot twice, which -Wextra reports
 * (-Woverride-init, -Winitializer-overrides) and the warnings test refuses. */
#define W(a, b, c, d, e) \
    ((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 | (uint64_t)(e) << 32)
#define NAME(id, len, a, b, c, d, e) \
    [TJ_NAME_SLOT(W(a, b, c, d, e), len)] = {W(a, b, c, d, e), len, id}

const tj_name_slot tj_name_table[64] = {
    NAME(TJ_NAME_ISS, 3, 'i', 's', 's', 0, 0),
    NAME(TJ_NAME_SUB, 3, 's', 'u', 'b', 0, 0),
    NAME(TJ_NAME_AUD, 3, 'a', 'u', 'd', 0, 0),
    NAME(TJ_NAME_EXP, 3, 'e', 'x', 'p', 0, 0),
    NAME(TJ_NAME_NBF, 3, 'n', 'b', 'f', 0, 0),
    NAME(TJ_NAME_IAT, 3, 'i', 'a', 't', 0, 0),
    NAME(TJ_NAME_JTI, 3, 'j', 't', 'i', 0, 0),
    NAME(TJ_NAME_ALG, 3, 'a', 'l', 'g', 0, 0),
    NAME(TJ_NAME_TYP, 3, 't', 'y', 'p', 0, 0),
    NAME(TJ_NAME_KID, 3, 'k', 'i', 'd', 0, 0),
    NAME(TJ_NAME_CTY, 3, 'c', 't', 'y', 0, 0),
    NAME(TJ_NAME_CRIT, 4, 'c', 'r', 'i', 't', 0),
    NAME(TJ_NAME_B64, 3, 'b', '6', '4', 0, 0),
    NAME(TJ_NAME_NAME, 4, 'n', 'a', 'm', 'e', 0),
    NAME(TJ_NAME_SCOPE, 5, 's', 'c', 'o', 'p', 'e'),
    NAME(TJ_NAME_EMAIL, 5, 'e', 'm', 'a', 'i', 'l'),
    NAME(TJ_NAME_AZP, 3, 'a', 'z', 'p', 0, 0),
    NAME(TJ_NAME_ROLES, 5, 'r', 'o', 'l', 'e', 's'),
    NAME(TJ_NAME_SID, 3, 's', 'i', 'd', 0, 0),
    NAME(TJ_NAME_NONCE, 5, 'n', 'o', 'n', 'c', 'e'),
};
