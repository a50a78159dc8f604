/*
 * fuzz_json.c: libFuzzer target for tj_json_parse (csrc/json.c).
 *
 * The tape holds exactly tj_json_tape_bound(len) entries (heap, so ASan sees
 * any write past it). When the parse succeeds, the tape is walked and checked:
 *   - count >= 1 and count <= cap; entry 0's skip index is count;
 *   - every ARRAY/OBJECT skip index lies after the entry and within count,
 *     and its children (walked with tj_json_skip) end exactly there;
 *   - an OBJECT has STRING keys, len pairs;
 *   - STRING/number slices lie inside the document; a STRING is enclosed
 *     in quotes; tj_json_unescape writes at most e->len bytes (the output
 *     buffer is exactly e->len bytes, heap) and tj_json_str_eq agrees with it;
 *   - tj_json_small_int and tj_json_number_is_zero run on every number.
 * The document itself is an exact-size heap copy (libFuzzer's buffer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const uint8_t *g_doc;
static size_t g_len;
static const tj_json_entry *g_e;
static uint32_t g_count;

static void check_leaf(const tj_json_entry *e)
{
    switch (e->type) {
    case TJ_JSON_STRING: {
        if ((size_t)e->pos + e->len > g_len || e->pos == 0)
            abort();
        if (g_doc[e->pos - 1] != '"' || (size_t)e->pos + e->len >= g_len || g_doc[e->pos + e->len] != '"')
            abort();
        uint8_t *out = malloc(e->len ? e->len : 1);
        if (!out)
            abort();
        size_t n = tj_json_unescape(g_doc, e, out);
        if (n > e->len)
            abort();
        if (!(e->flags & TJ_JSON_F_ESCAPED) && (n != e->len || memcmp(out, g_doc + e->pos, n) != 0))
            abort();
        if (!tj_json_str_eq(g_doc, e, (const char *)out, n))
            abort();
        if (!tj_json_str_eq2(g_doc, e, g_doc, e))
            abort();
        if (e->flags & TJ_JSON_F_ASCII)
            for (size_t i = 0; i < n; i++)
                if (out[i] >= 0x80)
                    abort();
        free(out);
        break;
    }
    case TJ_JSON_INT:
    case TJ_JSON_FLOAT: {
        if (e->len == 0 || (size_t)e->pos + e->len > g_len)
            abort();
        int64_t v;
        if (e->type == TJ_JSON_INT && e->len > TJ_JSON_MAX_INT_DIGITS + 1u)
            abort();
        if (e->type == TJ_JSON_INT)
            (void)tj_json_small_int(g_doc, e, &v);
        (void)tj_json_number_is_zero(g_doc, e);
        break;
    }
    case TJ_JSON_NULL:
    case TJ_JSON_TRUE:
    case TJ_JSON_FALSE:
        if ((size_t)e->pos >= g_len)
            abort();
        break;
    default:
        abort();
    }
}

/* Check the value at index i; return the index after it. */
static uint32_t walk(uint32_t i, unsigned depth)
{
    if (i >= g_count || depth > 1000)
        abort();
    const tj_json_entry *e = &g_e[i];
    uint32_t end = tj_json_skip(g_e, i);
    if (end <= i || end > g_count)
        abort();
    if (e->type == TJ_JSON_ARRAY || e->type == TJ_JSON_OBJECT) {
        uint32_t j = i + 1;
        for (uint32_t n = 0; n < e->len; n++) {
            if (e->type == TJ_JSON_OBJECT) {
                if (j >= end || g_e[j].type != TJ_JSON_STRING)
                    abort();
                check_leaf(&g_e[j]);
                j++;
            }
            uint32_t next = walk(j, depth + 1);
            if (next <= j || next > end)
                abort();
            j = next;
        }
        if (j != end)
            abort();
    } else {
        if (end != i + 1)
            abort();
        check_leaf(e);
    }
    return end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t cap = tj_json_tape_bound(size);
    tj_json_entry *entries = malloc(sizeof *entries * cap);
    if (!entries)
        abort();
    tj_json_tape tape = {entries, cap, 0};
    size_t err_pos = 0;
    tj_json_status st = tj_json_parse(data, size, &tape, 64, &err_pos);
    if (st == TJ_JSON_OK) {
        if (tape.count == 0 || tape.count > cap)
            abort();
        g_doc = data;
        g_len = size;
        g_e = entries;
        g_count = tape.count;
        if (walk(0, 0) != tape.count)
            abort();
    } else {
        if (err_pos > size)
            abort();
        if (tj_json_status_message(st) == NULL)
            abort();
    }
    free(entries);
    return 0;
}
