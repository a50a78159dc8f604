/* columns.c: a batch's results written as Arrow column buffers (see columns.h). */
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "json.h"

/* Room for `more` bytes of text; 0 on success, -1 out of memory. */
static int text_reserve(tj_claim_col *c, size_t more)
{
    if (c->text != NULL && c->text_cap - c->text_len >= more)
        return 0;
    size_t cap = c->text_cap ? c->text_cap : 4096;
    while (cap - c->text_len < more) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    uint8_t *p = realloc(c->text, cap);
    if (p == NULL)
        return -1;
    c->text = p;
    c->text_cap = cap;
    return 0;
}

static void text_put(tj_claim_col *c, const void *p, size_t n)
{
    memcpy(c->text + c->text_len, p, n);
    c->text_len += n;
}

/* Text bytes, at most, of the compact JSON of the value at tape index i. */
static size_t json_text_bound(const tj_json_entry *t, uint32_t i)
{
    size_t n = 0;
    uint32_t end = tj_json_skip(t, i);
    for (uint32_t k = i; k < end; k++) {
        switch (t[k].type) {
        case TJ_JSON_STRING: n += t[k].len + 3; break;          /* quotes and a separator */
        case TJ_JSON_INT: case TJ_JSON_FLOAT: n += t[k].len + 1; break;
        case TJ_JSON_ARRAY: case TJ_JSON_OBJECT: n += 3; break;
        default: n += 6; break;                                  /* false, and a separator */
        }
    }
    return n;
}

/* Append the compact JSON of the value at tape index i (strings keep their
 * escapes as written, which is valid JSON); the index after it. */
static uint32_t json_text_put(tj_claim_col *c, const uint8_t *doc, const tj_json_entry *t, uint32_t i)
{
    const tj_json_entry *e = &t[i];
    switch (e->type) {
    case TJ_JSON_NULL: text_put(c, "null", 4); return i + 1;
    case TJ_JSON_TRUE: text_put(c, "true", 4); return i + 1;
    case TJ_JSON_FALSE: text_put(c, "false", 5); return i + 1;
    case TJ_JSON_INT: case TJ_JSON_FLOAT: text_put(c, doc + e->pos, e->len); return i + 1;
    case TJ_JSON_STRING:
        text_put(c, "\"", 1);
        text_put(c, doc + e->pos, e->len);
        text_put(c, "\"", 1);
        return i + 1;
    default: {
        int obj = e->type == TJ_JSON_OBJECT;
        uint32_t count = e->len, k = i + 1;
        text_put(c, obj ? "{" : "[", 1);
        for (uint32_t m = 0; m < count; m++) {
            if (m)
                text_put(c, ",", 1);
            if (obj) {
                k = json_text_put(c, doc, t, k);   /* the member's name */
                text_put(c, ":", 1);
            }
            k = json_text_put(c, doc, t, k);
        }
        text_put(c, obj ? "}" : "]", 1);
        return k;
    }
    }
}

/* The tape index of the value of member `name` of the object at index 0, or 0
 * if it has none (the last one wins, as in a Python dict). */
static uint32_t find_member(const uint8_t *doc, const tj_json_entry *t, const char *name, size_t len)
{
    uint32_t found = 0, k = 1;
    for (uint32_t m = 0; m < t[0].len; m++) {
        if (tj_json_str_eq(doc, &t[k], name, len))
            found = k + 1;
        k = tj_json_skip(t, k + 1);
    }
    return found;
}

/* Record row's value of claim c from the payload; -1 out of memory. */
static int put_claim(tj_claim_col *c, size_t row, const uint8_t *doc, const tj_json_entry *t)
{
    uint32_t v = find_member(doc, t, c->name, c->name_len);
    const tj_json_entry *e = &t[v];
    uint8_t kind = TJ_KIND_NULL;
    int64_t slot = 0;
    if (v != 0 && e->type != TJ_JSON_NULL) {
        switch (e->type) {
        case TJ_JSON_STRING:
            if (text_reserve(c, e->len) != 0)
                return -1;
            c->text_len += tj_json_unescape(doc, e, c->text + c->text_len);
            kind = TJ_KIND_STRING;
            break;
        case TJ_JSON_TRUE: case TJ_JSON_FALSE:
            if (text_reserve(c, 5) != 0)
                return -1;
            slot = e->type == TJ_JSON_TRUE;
            text_put(c, slot ? "true" : "false", slot ? 4 : 5);
            kind = TJ_KIND_BOOL;
            break;
        case TJ_JSON_INT: case TJ_JSON_FLOAT: {
            if (text_reserve(c, e->len) != 0)
                return -1;
            text_put(c, doc + e->pos, e->len);
            if (e->type == TJ_JSON_INT) {
                kind = tj_json_small_int(doc, e, &slot) ? TJ_KIND_INT : TJ_KIND_JSON;
            } else {
                /* strtod wants a terminated string; the text was just copied */
                char small[64], *num = small, *end;
                if (e->len >= sizeof small && (num = malloc(e->len + 1)) == NULL)
                    return -1;
                memcpy(num, doc + e->pos, e->len);
                num[e->len] = '\0';
                double d = strtod(num, &end);
                if (num != small)
                    free(num);
                memcpy(&slot, &d, sizeof d);
                kind = TJ_KIND_FLOAT;
            }
            break;
        }
        default:
            if (text_reserve(c, json_text_bound(t, v)) != 0)
                return -1;
            json_text_put(c, doc, t, v);
            kind = TJ_KIND_JSON;
            break;
        }
    }
    c->kind[row] = kind;
    c->slot[row] = slot;
    c->off[row + 1] = (int64_t)c->text_len;
    return 0;
}

static void put_null(tj_claim_col *c, size_t row)
{
    c->kind[row] = TJ_KIND_NULL;
    c->slot[row] = 0;
    c->off[row + 1] = (int64_t)c->text_len;
}

size_t tj_verdicts_collect(tj_verdicts *out, size_t base, const uint8_t *const *tok,
                           const tj_workspace *ws, const tj_decoded *res, size_t n)
{
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        size_t row = base + i;
        int claims = 0;
        if (tok[i] != NULL) {
            tj_status st = res[i].status;
            int32_t code = st == TJ_OK ? 0 : out->status_reason[st];
            if (st == TJ_OK)
                out->valid_bits[row >> 3] |= (uint8_t)(1u << (row & 7));
            out->reason[row] = code;
            left += code < 0;
            /* Claims the binding checks itself: their values are kept unless it
             * finds them invalid (tj_verdicts_null_claims). */
            claims = st == TJ_OK || st == TJ_DEFER_CLAIMS;
        }
        for (size_t k = 0; k < out->n_claims; k++) {
            if (!claims) {
                put_null(&out->claims[k], row);
            } else if (put_claim(&out->claims[k], row, res[i].payload,
                                 ws[i].tape + res[i].payload_root) != 0) {
                return (size_t)-1;
            }
        }
    }
    return left;
}

void tj_verdicts_null_claims(tj_verdicts *out, size_t row)
{
    for (size_t k = 0; k < out->n_claims; k++)
        out->claims[k].kind[row] = TJ_KIND_NULL;
}

tj_col_type tj_claim_col_infer(const tj_claim_col *c, size_t rows)
{
    unsigned seen = 0;
    for (size_t r = 0; r < rows; r++)
        seen |= 1u << c->kind[r];
    seen &= ~(1u << TJ_KIND_NULL);
    if (seen == 0 || seen == 1u << TJ_KIND_STRING)
        return TJ_COL_STRING;
    if (seen == 1u << TJ_KIND_INT)
        return TJ_COL_INT64;
    if ((seen & ~((1u << TJ_KIND_INT) | (1u << TJ_KIND_FLOAT))) == 0)
        return TJ_COL_FLOAT64;
    if (seen == 1u << TJ_KIND_BOOL)
        return TJ_COL_BOOL;
    return TJ_COL_JSON;
}

/* Bytes of a decoded (valid UTF-8) string written as a JSON string, with quotes. */
static size_t quoted_len(const uint8_t *s, size_t n)
{
    size_t q = n + 2;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            q += 1;
        else if (s[i] < 0x20)
            q += 5;     /* \u00XX */
    }
    return q;
}

static uint8_t *quote(uint8_t *o, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            *o++ = '\\';
            *o++ = s[i];
        } else if (s[i] < 0x20) {
            memcpy(o, "\\u00", 4);
            o[4] = (uint8_t)hex[s[i] >> 4];
            o[5] = (uint8_t)hex[s[i] & 15];
            o += 6;
        } else {
            *o++ = s[i];
        }
    }
    *o++ = '"';
    return o;
}

void tj_claim_col_finish(tj_claim_col *c, tj_col_type type, size_t rows, uint8_t *validity,
                         uint8_t *data_bits, int64_t *out_off, uint8_t *out_text, size_t *text_len)
{
    size_t total = 0;
    for (size_t r = 0; r < rows; r++) {
        uint8_t k = c->kind[r];
        int keep;
        switch (type) {
        case TJ_COL_INT64: keep = k == TJ_KIND_INT; break;
        case TJ_COL_FLOAT64:
            keep = k == TJ_KIND_INT || k == TJ_KIND_FLOAT;
            if (k == TJ_KIND_INT && validity != NULL) {
                double d = (double)c->slot[r];
                memcpy(&c->slot[r], &d, sizeof d);
            }
            break;
        case TJ_COL_BOOL:
            keep = k == TJ_KIND_BOOL;
            if (keep && c->slot[r] && data_bits != NULL)
                data_bits[r >> 3] |= (uint8_t)(1u << (r & 7));
            break;
        default: keep = k != TJ_KIND_NULL; break;
        }
        if (!keep && (type == TJ_COL_INT64 || type == TJ_COL_FLOAT64) && validity != NULL)
            c->slot[r] = 0;
        if (keep && validity != NULL)
            validity[r >> 3] |= (uint8_t)(1u << (r & 7));
        if (type == TJ_COL_STRING || type == TJ_COL_JSON) {
            const uint8_t *s = c->text != NULL ? c->text + c->off[r] : (const uint8_t *)"";
            size_t n = keep ? (size_t)(c->off[r + 1] - c->off[r]) : 0;
            int q = type == TJ_COL_JSON && k == TJ_KIND_STRING;
            if (out_text != NULL) {
                out_off[r] = (int64_t)total;
                if (q)
                    quote(out_text + total, s, n);
                else if (n)
                    memcpy(out_text + total, s, n);
            }
            total += q ? quoted_len(s, n) : n;
        }
    }
    if (out_off != NULL)
        out_off[rows] = (int64_t)total;
    if (text_len != NULL)
        *text_len = total;
}

void tj_claim_col_free_text(tj_claim_col *c)
{
    free(c->text);
    c->text = NULL;
    c->text_len = c->text_cap = 0;
}
