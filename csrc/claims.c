/* claims.c: registered-claim checks on the payload tape (see claims.h). */
#include <string.h>

#include "claims.h"
#include "names.h"

int tj_json_falsy(const uint8_t *doc, const tj_json_entry *e)
{
    switch (e->type) {
    case TJ_JSON_NULL: case TJ_JSON_FALSE: return 1;
    case TJ_JSON_STRING: case TJ_JSON_ARRAY: case TJ_JSON_OBJECT: return e->len == 0;
    case TJ_JSON_INT: case TJ_JSON_FLOAT: return tj_json_number_is_zero(doc, e);
    default: return 0;
    }
}

/* The id of the member name at key, recorded on the tape for the binding
 * (names.h); ids up to TJ_NAME_LAST_CLAIM are the registered claims read
 * here. This runs for every member of every payload, hence the one-step
 * lookup. An escaped name ("\u0069ss") is decoded and compared with the
 * seven claim names only. */
static unsigned mark_name(const uint8_t *doc, tj_json_entry *key)
{
    unsigned id = 0;
    if (!(key->flags & TJ_JSON_F_ESCAPED)) {
        id = tj_name_lookup(doc + key->pos, key->len);
    } else {
        for (unsigned c = TJ_NAME_NONE + 1; c <= TJ_NAME_LAST_CLAIM; c++)
            if (tj_json_str_eq(doc, key, tj_name_text[c], 3)) {
                id = c;
                break;
            }
    }
    key->reserved = (uint16_t)id;
    key->flags |= TJ_JSON_F_NAMED;
    return id;
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

/* Whether an iss or aud string value is one of the n expected values,
 * recording which one on the tape (TJ_JSON_F_EXPECTED), so that the binding
 * can put that value's own str in the claims dict. */
static int expected_in(const uint8_t *doc, tj_json_entry *e, const tj_str *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (tj_json_str_eq(doc, e, list[k].ptr, list[k].len)) {
            if (k < UINT16_MAX) {
                e->reserved = (uint16_t)k;
                e->flags |= TJ_JSON_F_EXPECTED;
            }
            return 1;
        }
    return 0;
}

static tj_status check_aud(const tj_policy *pol, const uint8_t *doc, tj_json_entry *tape,
                           uint32_t at, int *detail)
{
    tj_json_entry *aud = at ? &tape[at] : NULL;
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
        return expected_in(doc, aud, pol->audience, 1) ? TJ_OK : TJ_ERR_AUD_STRICT_MISMATCH;
    }
    if (aud->type == TJ_JSON_STRING)
        return expected_in(doc, aud, pol->audience, pol->n_audience) ? TJ_OK : TJ_ERR_AUD_MISMATCH;
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
        if (expected_in(doc, &tape[i], pol->audience, pol->n_audience))
            return TJ_OK;
    return TJ_ERR_AUD_MISMATCH;
}

tj_status tj_check_claims(const tj_policy *pol, const uint8_t *doc, tj_json_entry *tape,
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

    uint32_t at[TJ_NAME_LAST_CLAIM + 1] = {0};   /* by name id: tape index of the value, or 0 */
    uint32_t i = root + 1u;
    for (uint32_t m = 0; m < tape[root].len; m++) {
        unsigned id = mark_name(doc, &tape[i]);
        if (id != TJ_NAME_NONE && id <= TJ_NAME_LAST_CLAIM)
            at[id] = i + 1u;  /* the last occurrence wins, as in json.loads */
        i = tj_json_skip(tape, i + 1u);
    }

    double t;
    time_kind k;
    if (at[TJ_NAME_IAT] && (f & TJ_VERIFY_IAT)) {
        k = time_value(doc, &tape[at[TJ_NAME_IAT]], &t);
        if (k == T_DEFER) return TJ_DEFER_CLAIMS;
        if (k == T_TYPE) return TJ_ERR_IAT_TYPE;
        if (t > now + pol->leeway) return TJ_ERR_IAT_FUTURE;
    }
    if (at[TJ_NAME_NBF] && (f & TJ_VERIFY_NBF)) {
        k = time_value(doc, &tape[at[TJ_NAME_NBF]], &t);
        if (k == T_DEFER) return TJ_DEFER_CLAIMS;
        if (k == T_TYPE) return TJ_ERR_NBF_TYPE;
        if (t > now + pol->leeway) return TJ_ERR_NBF_FUTURE;
    }
    if (at[TJ_NAME_EXP] && (f & TJ_VERIFY_EXP)) {
        k = time_value(doc, &tape[at[TJ_NAME_EXP]], &t);
        if (k == T_DEFER) return TJ_DEFER_CLAIMS;
        if (k == T_TYPE) return TJ_ERR_EXP_TYPE;
        if (t <= now - pol->leeway) return TJ_ERR_EXPIRED;
    }
    if ((f & TJ_VERIFY_ISS) && (f & TJ_ISSUER_SET)) {
        if (!at[TJ_NAME_ISS]) {
            *detail = TJ_CLAIM_ISS;
            return TJ_ERR_MISSING_CLAIM;
        }
        tj_json_entry *iss = &tape[at[TJ_NAME_ISS]];
        if (iss->type != TJ_JSON_STRING)
            return TJ_ERR_ISS_TYPE;
        /* Whole-string equality only: "https://a.example" never matches
         * "https://a.example.evil" (CVE-2024-53861 was a partial match). */
        if (!expected_in(doc, iss, pol->issuers, pol->n_issuers))
            return TJ_ERR_ISS_MISMATCH;
    }
    if (f & TJ_VERIFY_AUD) {
        tj_status st = check_aud(pol, doc, tape, at[TJ_NAME_AUD], detail);
        if (st != TJ_OK)
            return st;
    }
    if ((f & TJ_VERIFY_SUB) && at[TJ_NAME_SUB]) {
        const tj_json_entry *sub = &tape[at[TJ_NAME_SUB]];
        if (sub->type != TJ_JSON_STRING)
            return TJ_ERR_SUB_TYPE;
        if ((f & TJ_SUBJECT_SET) && !tj_json_str_eq(doc, sub, pol->subject.ptr, pol->subject.len))
            return TJ_ERR_SUB_MISMATCH;
    }
    if ((f & TJ_VERIFY_JTI) && at[TJ_NAME_JTI] && tape[at[TJ_NAME_JTI]].type != TJ_JSON_STRING)
        return TJ_ERR_JTI_TYPE;
    return TJ_OK;
}
