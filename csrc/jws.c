/* jws.c: compact JWS decoding and verification, in PyJWT 2.15's order (see jws.h). */
#define _GNU_SOURCE /* memrchr, where the C library has it */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64url.h"
#include "claims.h"
#include "jws.h"
#include "tj_limits.h"

double tj_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void tj_workspace_need(size_t token_len, size_t detached_len, int has_detached, size_t *buf_bytes,
                       uint32_t *tape_entries)
{
    /* Decoding never grows a segment, so the decoded header, payload and
     * signature fit in token_len bytes. With a detached payload (RFC 7797) the
     * signing input is rebuilt after them: the raw header segment (less than
     * token_len), '.', and the payload. */
    size_t total = token_len + 8u;
    if (has_detached)
        total += token_len + 1u + detached_len;
    *buf_bytes = total;
    *tape_entries = tj_json_tape_bound(token_len) + tj_json_tape_bound(detached_len) + 2u;
}

/* The last '.' of p[0..n), or NULL. */
static const uint8_t *last_dot(const uint8_t *p, size_t n)
{
#if defined(__GLIBC__)
    return memrchr(p, '.', n);
#else
    for (size_t i = n; i > 0; i--)
        if (p[i - 1] == '.')
            return p + i - 1;
    return NULL;
#endif
}

/* Positions of the header parameters the core reads, as tape indices (0 = absent). */
typedef struct {
    uint32_t alg, kid, crit, b64;
} header_params;

/* ------------------------------------------------------------ header memo */

#define MEMO_SEG_MAX 256u   /* longest header segment remembered (bytes of base64url) */
#define MEMO_TAPE_MAX 16u   /* most tape entries of a remembered header */

typedef struct {
    size_t seg_len;
    size_t dec_len;
    uint32_t n_tape;
    header_params hp;
    uint8_t seg[MEMO_SEG_MAX];              /* the header segment as it appears in tokens */
    uint8_t dec[MEMO_SEG_MAX];              /* its decoded JSON */
    tj_json_entry tape[MEMO_TAPE_MAX];      /* its tape (offsets into dec) */
} memo_entry;

/* Slots fill in order and each is set once, with release order, to a complete
 * entry, so a reader that loads a slot with acquire order sees all of it, and
 * the first NULL slot ends the filled ones. */
struct tj_header_memo {
    memo_entry *slot[TJ_HEADER_MEMO_SLOTS];
};

tj_header_memo *tj_header_memo_new(void)
{
    return calloc(1, sizeof(tj_header_memo));
}

void tj_header_memo_free(tj_header_memo *memo)
{
    if (memo == NULL)
        return;
    for (unsigned i = 0; i < TJ_HEADER_MEMO_SLOTS; i++)
        free(memo->slot[i]);
    free(memo);
}

unsigned tj_header_memo_count(const tj_header_memo *memo)
{
    unsigned n = 0;
    while (memo != NULL && n < TJ_HEADER_MEMO_SLOTS && __atomic_load_n(&memo->slot[n], __ATOMIC_ACQUIRE) != NULL)
        n++;
    return n;
}

static const memo_entry *memo_find(const tj_header_memo *memo, const uint8_t *seg, size_t len)
{
    if (memo == NULL)
        return NULL;
    for (unsigned i = 0; i < TJ_HEADER_MEMO_SLOTS; i++) {
        const memo_entry *e = __atomic_load_n(&memo->slot[i], __ATOMIC_ACQUIRE);
        if (e == NULL)
            return NULL;
        if (e->seg_len == len && memcmp(e->seg, seg, len) == 0)
            return e;
    }
    return NULL;
}

/* Remember a header that was just verified, if there is room and it is small. */
static void memo_learn(tj_header_memo *memo, const uint8_t *seg, size_t len, const uint8_t *dec,
                       size_t dec_len, const tj_json_entry *tape, uint32_t n_tape, const header_params *hp)
{
    if (memo == NULL || len > MEMO_SEG_MAX || dec_len > MEMO_SEG_MAX || n_tape > MEMO_TAPE_MAX
        || __atomic_load_n(&memo->slot[TJ_HEADER_MEMO_SLOTS - 1], __ATOMIC_ACQUIRE) != NULL)
        return;
    memo_entry *e = malloc(sizeof *e);
    if (e == NULL)
        return;  /* no memo entry: this header keeps being parsed, nothing else changes */
    e->seg_len = len;
    e->dec_len = dec_len;
    e->n_tape = n_tape;
    e->hp = *hp;
    memcpy(e->seg, seg, len);
    memcpy(e->dec, dec, dec_len);
    memcpy(e->tape, tape, n_tape * sizeof *tape);
    for (unsigned i = 0; i < TJ_HEADER_MEMO_SLOTS; i++) {
        memo_entry *seen = NULL;
        if (__atomic_compare_exchange_n(&memo->slot[i], &seen, e, 0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
            return;
        if (seen->seg_len == len && memcmp(seen->seg, seg, len) == 0)
            break;  /* another thread remembered the same header first */
    }
    free(e);
}

static int is_false(const tj_json_entry *tape, uint32_t i)
{
    return i != 0 && tape[i].type == TJ_JSON_FALSE;
}

/* Where in hp a header member named by key belongs, or NULL. Unescaped names
 * (nearly all) are matched by length and bytes without a call per name. */
static uint32_t *header_param_slot(const uint8_t *doc, const tj_json_entry *key, header_params *hp)
{
    if (!(key->flags & TJ_JSON_F_ESCAPED)) {
        const uint8_t *s = doc + key->pos;
        if (key->len == 3) {
            if (s[0] == 'a' && s[1] == 'l' && s[2] == 'g') return &hp->alg;
            if (s[0] == 'k' && s[1] == 'i' && s[2] == 'd') return &hp->kid;
            if (s[0] == 'b' && s[1] == '6' && s[2] == '4') return &hp->b64;
        } else if (key->len == 4 && memcmp(s, "crit", 4) == 0) {
            return &hp->crit;
        }
        return NULL;
    }
    if (tj_json_str_eq(doc, key, "alg", 3)) return &hp->alg;
    if (tj_json_str_eq(doc, key, "kid", 3)) return &hp->kid;
    if (tj_json_str_eq(doc, key, "crit", 4)) return &hp->crit;
    if (tj_json_str_eq(doc, key, "b64", 3)) return &hp->b64;
    return NULL;
}

/* Walk the header object: refuse duplicate names, find the parameters we read. */
static tj_status scan_header(const uint8_t *doc, const tj_json_entry *tape, uint32_t root,
                             header_params *hp)
{
    const tj_json_entry *obj = &tape[root];
    uint32_t keys[TJ_MAX_HEADER_PARAMS];
    if (obj->len > TJ_MAX_HEADER_PARAMS)
        return TJ_ERR_HEADER_TOO_MANY;
    memset(hp, 0, sizeof *hp);
    uint32_t i = root + 1u;
    for (uint32_t m = 0; m < obj->len; m++) {
        const tj_json_entry *key = &tape[i];
        /* RFC 7515 section 4: a header with duplicate names must be rejected
         * (or the last taken); we reject, so no two parsers can disagree on
         * which "alg" counts. Names are compared after unescaping. */
        for (uint32_t p = 0; p < m; p++)
            if (tj_json_str_eq2(doc, &tape[keys[p]], doc, key))
                return TJ_ERR_HEADER_DUPLICATE;
        keys[m] = i;
        uint32_t value = i + 1u;
        uint32_t *slot = header_param_slot(doc, key, hp);
        if (slot)
            *slot = value;
        i = tj_json_skip(tape, value);
    }
    return TJ_OK;
}

/* RFC 7515 4.1.11: crit lists extensions that must be understood. The only
 * one implemented here is b64 (RFC 7797). On failure *bad is the element. */
static tj_status check_crit(const uint8_t *doc, const tj_json_entry *tape, const header_params *hp,
                            int *bad)
{
    const tj_json_entry *crit = &tape[hp->crit];
    if (crit->type != TJ_JSON_ARRAY || crit->len == 0)
        return TJ_ERR_CRIT_FORMAT;
    uint32_t i = hp->crit + 1u;
    for (uint32_t n = 0; n < crit->len; n++, i = tj_json_skip(tape, i)) {
        *bad = (int)i;
        if (tape[i].type != TJ_JSON_STRING)
            return TJ_ERR_CRIT_VALUE_TYPE;
        if (!tj_json_str_eq(doc, &tape[i], "b64", 3))
            return TJ_ERR_CRIT_UNSUPPORTED;
        if (hp->b64 == 0)
            return TJ_ERR_CRIT_MISSING;
    }
    return TJ_OK;
}

static int crit_lists_b64(const uint8_t *doc, const tj_json_entry *tape, const header_params *hp)
{
    if (hp->crit == 0 || tape[hp->crit].type != TJ_JSON_ARRAY)
        return 0;
    uint32_t i = hp->crit + 1u;
    for (uint32_t n = 0; n < tape[hp->crit].len; n++, i = tj_json_skip(tape, i))
        if (tape[i].type == TJ_JSON_STRING && tj_json_str_eq(doc, &tape[i], "b64", 3))
            return 1;
    return 0;
}

/* Index of alg among the algorithms key serves, or -1. */
static int served_index(const tj_set_key *key, tj_alg alg)
{
    for (size_t i = 0; i < key->n_algs; i++)
        if (key->algs[i].alg == alg)
            return (int)i;
    return -1;
}

/* The key of the set that the token's kid names and that serves alg (RFC 7517
 * 4.5 lets keys of different types share a kid), or the only key for a token
 * without kid. Sets out->key_index and out->alg_index (into that key's algs);
 * a kid that matches only keys that cannot serve alg gives TJ_ERR_KEY_UNUSABLE
 * with the first of them. Keys and URLs in the header (jwk, jku, x5u, x5c) are
 * never read. */
static tj_status select_key(const tj_policy *pol, const uint8_t *doc, const tj_json_entry *tape,
                            const header_params *hp, tj_alg alg, tj_decoded *out)
{
    if (hp->kid == 0) {
        if (pol->n_keys != 1)
            return TJ_ERR_KID_MISSING;
        out->key_index = 0;
        out->alg_index = served_index(&pol->keys[0], alg);
        return out->alg_index < 0 ? TJ_ERR_KEY_UNUSABLE : TJ_OK;
    }
    for (size_t k = 0; k < pol->n_keys; k++) {
        const tj_str *kid = &pol->keys[k].kid;
        if (!kid->ptr || !tj_json_str_eq(doc, &tape[hp->kid], kid->ptr, kid->len))
            continue;
        int i = served_index(&pol->keys[k], alg);
        if (out->key_index < 0 || i >= 0) {
            out->key_index = (int)k;
            out->alg_index = i;
        }
        if (i >= 0)
            return TJ_OK;
    }
    if (out->key_index >= 0)
        return TJ_ERR_KEY_UNUSABLE;
    out->detail = (int)hp->kid;
    return TJ_ERR_KID_UNKNOWN;
}

/* Pick the allowed algorithm the header names and verify with its key. */
static tj_status verify_signature(const tj_policy *pol, const uint8_t *doc, const tj_json_entry *tape,
                                  const header_params *hp, const uint8_t *msg, size_t msg_len,
                                  const uint8_t *sig, size_t sig_len, tj_decoded *out)
{
    if (hp->alg == 0)
        return TJ_ERR_ALG_MISSING;
    const tj_json_entry *alg = &tape[hp->alg];
    /* The token may only choose among the caller's algorithms (RFC 8725 2.1). */
    if (tj_json_falsy(doc, alg) || alg->type != TJ_JSON_STRING)
        return TJ_ERR_ALG_NOT_ALLOWED;
    for (size_t a = 0; a < pol->n_algs; a++) {
        const tj_allowed_alg *al = &pol->algs[a];
        if (!tj_json_str_eq(doc, alg, al->name.ptr, al->name.len))
            continue;
        out->alg_index = (int)a;
        if (al->alg == TJ_ALG_UNSUPPORTED)
            return TJ_ERR_ALG_UNSUPPORTED;
        if (al->alg == TJ_ALG_NONE)
            return TJ_ERR_SIGNATURE;  /* "none" never verifies */
        if (pol->n_keys) {
            /* The allowed algorithm must also be one the selected key serves. */
            tj_status st = select_key(pol, doc, tape, hp, al->alg, out);
            if (st != TJ_OK)
                return st;
            al = &pol->keys[out->key_index].algs[out->alg_index];
        }
        if (al->key == NULL)
            return TJ_ERR_KEY_UNUSABLE;
        return tj_key_verify(al->key, al->alg, msg, msg_len, sig, sig_len);
    }
    return TJ_ERR_ALG_NOT_ALLOWED;
}

static tj_status parse_object(const uint8_t *doc, size_t len, tj_json_entry *entries, uint32_t cap,
                              uint32_t *used, tj_status json_err, tj_status not_object, int *detail)
{
    tj_json_tape tape = {entries, cap, 0};
    tj_json_status js = tj_json_parse(doc, len, &tape, TJ_JSON_MAX_DEPTH, NULL);
    if (js != TJ_JSON_OK) {
        *detail = (int)js;
        return json_err;
    }
    *used = tape.count;
    return entries[0].type == TJ_JSON_OBJECT ? TJ_OK : not_object;
}

void tj_decode(const tj_policy *pol, const uint8_t *token, size_t len,
               const uint8_t *detached, size_t detached_len, double now,
               tj_workspace *ws, tj_decoded *out)
{
    memset(out, 0, sizeof *out);
    out->alg_index = -1;
    out->key_index = -1;
    tj_status st;
#define FAIL(s) do { out->status = (s); return; } while (0)

    if (len > pol->max_token_len || detached_len > pol->max_token_len - len)
        FAIL(TJ_ERR_TOKEN_TOO_LARGE);

    /* Segments as PyJWT splits them: the signature after the last '.', the
     * header before the first; a '.' left in the payload fails its base64url. */
    const uint8_t *first = memchr(token, '.', len), *last = last_dot(token, len);
    if (first == NULL || first == last)
        FAIL(TJ_ERR_SEGMENTS);
    const uint8_t *hseg = token, *pseg = first + 1, *sseg = last + 1;
    size_t hlen = (size_t)(first - token), plen = (size_t)(last - pseg), slen = (size_t)(token + len - sseg);

    uint8_t *buf = ws->buf;
    size_t used = 0, n = 0;

    /* 1. header: a remembered one is copied, decoded and parsed as it was */
    uint32_t htape = 0;
    header_params hp;
    const memo_entry *known = memo_find(pol->memo, hseg, hlen);
    if (known != NULL && known->dec_len <= ws->buf_cap && known->n_tape <= ws->tape_cap) {
        memcpy(buf, known->dec, known->dec_len);
        memcpy(ws->tape, known->tape, known->n_tape * sizeof *ws->tape);
        n = known->dec_len;
        htape = known->n_tape;
        hp = known->hp;
    } else {
        known = NULL;
        if (tj_b64url_decode(hseg, hlen, buf, &n) != 0)
            FAIL(TJ_ERR_HEADER_B64);
        st = parse_object(buf, n, ws->tape, ws->tape_cap, &htape, TJ_ERR_HEADER_JSON,
                          TJ_ERR_HEADER_NOT_OBJECT, &out->detail);
        if (st != TJ_OK)
            FAIL(st);
        st = scan_header(buf, ws->tape, 0, &hp);
        if (st != TJ_OK)
            FAIL(st);
    }
    out->header = buf;
    out->header_len = n;
    used = n;
    const tj_json_entry *tape = ws->tape;
    int b64_false = is_false(tape, hp.b64);

    /* 2. payload segment and signature */
    if (b64_false) {
        /* RFC 7797 detached form: the compact payload segment is empty, and
         * is never decoded (no unauthenticated work to amplify). */
        if (plen != 0)
            FAIL(TJ_ERR_PAYLOAD_NOT_EMPTY);
    } else {
        if (tj_b64url_decode(pseg, plen, buf + used, &n) != 0)
            FAIL(TJ_ERR_PAYLOAD_B64);
        out->payload = buf + used;
        out->payload_len = n;
        used += n;
    }
    if (tj_b64url_decode(sseg, slen, buf + used, &n) != 0)
        FAIL(TJ_ERR_SIGNATURE_B64);
    out->signature = buf + used;
    out->signature_len = n;
    used += n;

    /* 3. header rules */
    if (hp.kid && tape[hp.kid].type != TJ_JSON_STRING)
        FAIL(TJ_ERR_KID_TYPE);
    if (hp.crit) {
        st = check_crit(out->header, tape, &hp, &out->detail);
        if (st != TJ_OK)
            FAIL(st);
    }
    if (pol->flags & TJ_HEADER_ONLY)
        FAIL(TJ_OK);
    const uint8_t *msg = token;
    size_t msg_len = (size_t)(last - token);
    if (detached && !b64_false)
        FAIL(TJ_ERR_DETACHED_NOT_ALLOWED);
    if (b64_false) {
        if (!crit_lists_b64(out->header, tape, &hp))
            FAIL(TJ_ERR_B64_NOT_CRIT);
        if (!detached)
            FAIL(TJ_ERR_DETACHED_MISSING);
        /* signing input = header segment '.' detached payload; the workspace
         * was sized for it (tj_workspace_need with has_detached), and a
         * caller's short workspace is refused rather than overrun. */
        if (ws->buf_cap - used < hlen + 1u + detached_len)
            FAIL(TJ_ERR_NOMEM);
        uint8_t *si = buf + used;
        memcpy(si, hseg, hlen);
        si[hlen] = '.';
        if (detached_len)
            memcpy(si + hlen + 1, detached, detached_len);
        msg = si;
        msg_len = hlen + 1 + detached_len;
        used += msg_len;
        out->payload = detached;
        out->payload_len = detached_len;
    }

    /* 4. signature */
    if (pol->flags & TJ_VERIFY_SIGNATURE) {
        st = verify_signature(pol, out->header, tape, &hp, msg, msg_len, out->signature,
                              out->signature_len, out);
        if (st != TJ_OK)
            FAIL(st);
        if (known == NULL)
            memo_learn(pol->memo, hseg, hlen, out->header, out->header_len, tape, htape, &hp);
    }

    if (pol->flags & TJ_SKIP_PAYLOAD)
        FAIL(TJ_OK);

    /* 5. payload JSON, parsed only once the signature holds */
    uint32_t ptape = 0;
    out->payload_root = htape;
    st = parse_object(out->payload, out->payload_len, ws->tape + htape, ws->tape_cap - htape, &ptape,
                      TJ_ERR_PAYLOAD_JSON, TJ_ERR_PAYLOAD_NOT_OBJECT, &out->detail);
    if (st != TJ_OK)
        FAIL(st);

    /* 6. registered claims */
    if (pol->flags & TJ_CLAIMS_IN_PYTHON)
        FAIL(TJ_DEFER_CLAIMS);
    out->status = tj_check_claims(pol, out->payload, ws->tape + htape, 0, now, &out->detail);
#undef FAIL
}
