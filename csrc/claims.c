/* claims.c: registered-claim checks on the payload tape (see claims.h). */
#include <string.h>

#include "claims.h"

int tj_json_falsy(const uint8_t *doc, const tj_json_entry *e)
{
    switch (e->type) {
    case TJ_JSON_NULL: case TJ_JSON_FALSE: return 1;
    case TJ_JSON_STRING: case TJ_JSON_ARRAY: case TJ_JSON_OBJECT: return e->len == 0;
    case TJ_JSON_INT: case TJ_JSON_FLOAT: return tj_json_number_is_zero(doc, e);
    default: return 0;
    }
}

enum { C_IAT, C_NBF, C_EXP, C_ISS, C_AUD, C_SUB, C_JTI, C_COUNT };
static const char claim_names[C_COUNT][4] = {"iat", "nbf", "exp", "iss", "aud", "sub", "jti"};

#define NAME3(a, b, c) ((uint32_t)(uint8_t)(a) | (uint32_t)(uint8_t)(b) << 8 | (uint32_t)(uint8_t)(c) << 16)

/* Which registered claim a member name is, or C_COUNT. All seven names are
 * three ASCII letters, so an unescaped name of another length is none of them,
 * and a three-letter one is matched as one integer (this runs for every
 * member of every payload, so no memcmp calls). */
static int claim_of(const uint8_t *doc, const tj_json_entry *key)
{
    if (!(key->flags & TJ_JSON_F_ESCAPED)) {
        if (key->len != 3)
            return C_COUNT;
        const uint8_t *s = doc + key->pos;
        switch (NAME3(s[0], s[1], s[2])) {
        case NAME3('i', 'a', 't'): return C_IAT;
        case NAME3('n', 'b', 'f'): return C_NBF;
        case NAME3('e', 'x', 'p'): return C_EXP;
        case NAME3('i', 's', 's'): return C_ISS;
        case NAME3('a', 'u', 'd'): return C_AUD;
        case NAME3('s', 'u', 'b'): return C_SUB;
        case NAME3('j', 't', 'i'): return C_JTI;
        default: return C_COUNT;
        }
    }
    for (int c = 0; c < C_COUNT; c++)
        if (tj_json_str_eq(doc, key, claim_names[c], 3))
            return c;
    return C_COUNT;
}

/* Tape index of the last member named name[0..len) (json.loads keeps the last), or 0. */
static uint32_t find_member(const uint8_t *doc, const tj_json_entry *tape, uint32_t root,
                            const char *name, size_t len)
{
    uint32_t found = 0, i = root + 1u;
    for (uint32_t m = 0; m < tape[root].len; m++) {
        if (tj_json_str_eq(doc, &tape[i], name, len))
            found = i + 1u;
        i = tj_json_skip(tape, i + 1u);
    }
    return found;
}

typedef enum { T_OK, T_TYPE, T_DEFER } time_kind;

/* A time claim as PyJWT's int(value) sees it: small JSON integers are read
 * here exactly; null, lists and objects make int() raise TypeError; anything
 * else (floats, strings, booleans, huge integers) is left to Python's int(). */
static time_kind time_value(const uint8_t *doc, const tj_json_entry *e, double *out)
{
    int64_t v;
    switch (e->type) {
    case TJ_JSON_INT:
        /* 15 digits keep |v| below 2^53, where a double holds it exactly, so
         * comparing with now +/- leeway matches Python's int/float comparison. */
        if (e->len <= 16 && tj_json_small_int(doc, e, &v) && v < 1000000000000000LL
            && v > -1000000000000000LL) {
            *out = (double)v;
            return T_OK;
        }
        return T_DEFER;
    case TJ_JSON_NULL: case TJ_JSON_ARRAY: case TJ_JSON_OBJECT:
        return T_TYPE;
    default:
        return T_DEFER;
    }
}

static int str_in(const uint8_t *doc, const tj_json_entry *e, const tj_str *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (tj_json_str_eq(doc, e, list[k].ptr, list[k].len))
            return 1;
    return 0;
}

static tj_status check_aud(const tj_policy *pol, const uint8_t *doc, const tj_json_entry *tape,
                           uint32_t at, int *detail)
{
    const tj_json_entry *aud = at ? &tape[at] : NULL;
    /* A float's truthiness depends on its value after rounding ("1e-400" is
     * 0.0, falsy): leave that to Python rather than imitate strtod here. */
    if (aud && aud->type == TJ_JSON_FLOAT)
        return TJ_DEFER_CLAIMS;
    int empty = aud == NULL || tj_json_falsy(doc, aud);
    if (!(pol->flags & TJ_AUDIENCE_SET))
        return empty ? TJ_OK : TJ_ERR_AUD_UNEXPECTED;
    if (empty) {
        *detail = TJ_CLAIM_AUD;
        return TJ_ERR_MISSING_CLAIM;
    }
    if (pol->flags & TJ_STRICT_AUD) {
        /* strict_aud: one expected string, one claimed string, equal. */
        if (!(pol->flags & TJ_AUDIENCE_IS_STR))
            return TJ_ERR_AUD_STRICT_EXPECTED;
        if (aud->type != TJ_JSON_STRING)
            return TJ_ERR_AUD_STRICT_FORMAT;
        return str_in(doc, aud, pol->audience, 1) ? TJ_OK : TJ_ERR_AUD_STRICT_MISMATCH;
    }
    if (aud->type == TJ_JSON_STRING)
        return str_in(doc, aud, pol->audience, pol->n_audience) ? TJ_OK : TJ_ERR_AUD_MISMATCH;
    if (aud->type != TJ_JSON_ARRAY)
        return TJ_ERR_AUD_FORMAT;
    /* Every element must be a string before any match counts (PyJWT checks
     * the format of the whole list first). */
    uint32_t i = at + 1u;
    for (uint32_t n = 0; n < aud->len; n++, i = tj_json_skip(tape, i))
        if (tape[i].type != TJ_JSON_STRING)
            return TJ_ERR_AUD_FORMAT;
    i = at + 1u;
    for (uint32_t n = 0; n < aud->len; n++, i++)
        if (str_in(doc, &tape[i], pol->audience, pol->n_audience))
            return TJ_OK;
    return TJ_ERR_AUD_MISMATCH;
}

tj_status tj_check_claims(const tj_policy *pol, const uint8_t *doc, const tj_json_entry *tape,
                          uint32_t root, double now, int *detail)
{
    unsigned f = pol->flags;

    for (size_t r = 0; r < pol->n_require; r++) {
        uint32_t at = find_member(doc, tape, root, pol->require[r].ptr, pol->require[r].len);
        /* PyJWT: payload.get(claim) is None, so an explicit null is missing too. */
        if (at == 0 || tape[at].type == TJ_JSON_NULL) {
            *detail = (int)r;
            return TJ_ERR_MISSING_CLAIM;
        }
    }

    uint32_t at[C_COUNT] = {0};
    uint32_t i = root + 1u;
    for (uint32_t m = 0; m < tape[root].len; m++) {
        int c = claim_of(doc, &tape[i]);
        if (c != C_COUNT)
            at[c] = i + 1u;  /* the last occurrence wins, as in json.loads */
        i = tj_json_skip(tape, i + 1u);
    }

    double t;
    time_kind k;
    if (at[C_IAT] && (f & TJ_VERIFY_IAT)) {
        k = time_value(doc, &tape[at[C_IAT]], &t);
        if (k == T_DEFER) return TJ_DEFER_CLAIMS;
        if (k == T_TYPE) return TJ_ERR_IAT_TYPE;
        if (t > now + pol->leeway) return TJ_ERR_IAT_FUTURE;
    }
    if (at[C_NBF] && (f & TJ_VERIFY_NBF)) {
        k = time_value(doc, &tape[at[C_NBF]], &t);
        if (k == T_DEFER) return TJ_DEFER_CLAIMS;
        if (k == T_TYPE) return TJ_ERR_NBF_TYPE;
        if (t > now + pol->leeway) return TJ_ERR_NBF_FUTURE;
    }
    if (at[C_EXP] && (f & TJ_VERIFY_EXP)) {
        k = time_value(doc, &tape[at[C_EXP]], &t);
        if (k == T_DEFER) return TJ_DEFER_CLAIMS;
        if (k == T_TYPE) return TJ_ERR_EXP_TYPE;
        if (t <= now - pol->leeway) return TJ_ERR_EXPIRED;
    }
    if ((f & TJ_VERIFY_ISS) && (f & TJ_ISSUER_SET)) {
        if (!at[C_ISS]) {
            *detail = TJ_CLAIM_ISS;
            return TJ_ERR_MISSING_CLAIM;
        }
        const tj_json_entry *iss = &tape[at[C_ISS]];
        if (iss->type != TJ_JSON_STRING)
            return TJ_ERR_ISS_TYPE;
        /* Whole-string equality only: "https://a.example" never matches
         * "https://a.example.evil" (CVE-2024-53861 was a partial match). */
        if (!str_in(doc, iss, pol->issuers, pol->n_issuers))
            return TJ_ERR_ISS_MISMATCH;
    }
    if (f & TJ_VERIFY_AUD) {
        tj_status st = check_aud(pol, doc, tape, at[C_AUD], detail);
        if (st != TJ_OK)
            return st;
    }
    if ((f & TJ_VERIFY_SUB) && at[C_SUB]) {
        const tj_json_entry *sub = &tape[at[C_SUB]];
        if (sub->type != TJ_JSON_STRING)
            return TJ_ERR_SUB_TYPE;
        if ((f & TJ_SUBJECT_SET) && !tj_json_str_eq(doc, sub, pol->subject.ptr, pol->subject.len))
            return TJ_ERR_SUB_MISMATCH;
    }
    if ((f & TJ_VERIFY_JTI) && at[C_JTI] && tape[at[C_JTI]].type != TJ_JSON_STRING)
        return TJ_ERR_JTI_TYPE;
    return TJ_OK;
}
