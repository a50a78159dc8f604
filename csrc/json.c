/*
 * json.c: the strict JSON parser declared in json.h.
 *
 * Design note: one forward pass over the bytes, driven by gotos between a few
 * states (expect a value, expect a member name, scan a string, after a value),
 * so nesting costs no C stack at all. The open containers form a chain through
 * the tape itself: while a container is open, its entry's pos holds the tape
 * index of the enclosing container and its len counts the members seen so far;
 * on the closing bracket pos is overwritten with the skip index. That is why
 * max_depth can be any value the caller likes without an internal cap or a
 * stack array: depth is only a counter.
 * Strings, the bulk of a JWT, are scanned eight bytes at a time and leave the
 * fast path only for an escape, a non-ASCII byte, a control byte or the closing
 * quote. Nothing allocates, nothing is copied, nothing reads past doc[len) (the
 * document is not NUL-terminated) and nothing writes past tape->cap.
 */
#include "json.h"

#include <string.h>

/* Byte classes for the hot loops (one table, one load per byte). */
#define CC_WS    0x01u  /* JSON whitespace: space, \t, \n, \r */
#define CC_PLAIN 0x02u  /* string byte that needs no attention: 0x20..0x7F except '"' and '\\' */

static const uint8_t cc_tab[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,  /* 00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 10 */
    3, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* 20: ' ' is both, '"' neither */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* 30 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* 40 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2,  /* 50: '\\' is not plain */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* 60 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  /* 70: DEL is allowed by RFC 8259 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 80: non-ASCII goes to UTF-8 validation */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* a0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* b0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* c0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* d0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* e0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* f0 */
};

/* Marks "no open container" in the parent chain; a real tape index is always
 * below cap <= UINT32_MAX, so it can never collide. */
#define NO_CONTAINER UINT32_MAX

/* SWAR constants: the same byte repeated in every lane of a 64-bit word. */
#define LANES(b) ((uint64_t)(b) * UINT64_C(0x0101010101010101))

static int is_digit(uint8_t c) { return (unsigned)(c - '0') < 10u; }

/* Value of one hex digit, or -1. Escapes are rare, so no table for this. */
static int hex_digit(uint8_t c)
{
    unsigned u = c;
    if (u - '0' < 10u)
        return (int)(u - '0');
    u |= 0x20u; /* fold 'A'..'F' onto 'a'..'f'; nothing else lands there */
    if (u - 'a' < 6u)
        return (int)(u - 'a' + 10u);
    return -1;
}

/* The four hex digits at s as a code unit, or -1. The caller checked bounds. */
static long hex4(const uint8_t *s)
{
    int a = hex_digit(s[0]), b = hex_digit(s[1]), c = hex_digit(s[2]), d = hex_digit(s[3]);
    if ((a | b | c | d) < 0)
        return -1;
    return ((long)a << 12) | ((long)b << 8) | ((long)c << 4) | (long)d;
}

/* Nonzero when a 64-bit word of string text holds a byte that needs
 * attention: '"', '\\', below 0x20, or non-ASCII. For a word of plain bytes
 * (0x20..0x7F, not '"' or '\\') no subtraction borrows and every lane stays
 * below 0x80, so the result is 0. Otherwise take the lowest interesting lane:
 * nothing below it borrows, so its own subtraction wraps (or its top bit is
 * already set in w) and its top bit is set. Borrows can also mark lanes above
 * it, never below, so the lowest marked lane is exactly the first interesting
 * byte. */
static uint64_t special_lanes(uint64_t w)
{
    uint64_t q = w ^ LANES('"'), b = w ^ LANES('\\');
    return ((w - LANES(0x20)) | (q - LANES(0x01)) | (b - LANES(0x01)) | w) & LANES(0x80);
}

/* First byte in [p, end) that is not plain string text, or end. This is the
 * hot loop of the parser: eight bytes per step while they last. */
static const uint8_t *skip_plain(const uint8_t *p, const uint8_t *end)
{
    while (end - p >= 8) {
        uint64_t w, hit;
        memcpy(&w, p, 8); /* unaligned load; compilers emit one instruction */
        hit = special_lanes(w);
        if (hit != 0) {
#if !defined(TJ_JSON_PORTABLE) && defined(__GNUC__) && defined(__BYTE_ORDER__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* Lane i of the word is byte p[i] and the lowest marked lane is
             * exact. (TJ_JSON_PORTABLE forces the plain C99 path below, so the
             * tests can cover it on compilers that have the builtin.) */
            return p + ((unsigned)__builtin_ctzll(hit) >> 3);
#else
            break; /* the byte loop below stops within these eight bytes */
#endif
        }
        p += 8;
    }
    while (p < end && (cc_tab[*p] & CC_PLAIN))
        p++;
    return p;
}

/*
 * The slow path of a string: p is on a byte that is not plain text (a
 * backslash, a control character, a non-ASCII byte) or at end. Consumes one
 * escape or one UTF-8 sequence, updating *flags, and returns the position
 * after it; otherwise returns NULL with *st set, and the offending byte is p
 * itself (the backslash of an escape, the lead byte of a UTF-8 sequence, end
 * for an unterminated string). The caller handles the closing quote itself.
 * It returns the new position rather than taking &p so that the parser's
 * cursor never has its address taken and can stay in a register.
 * A malformed or truncated escape is ESCAPE, a malformed or truncated UTF-8
 * sequence is UTF8, a raw byte below 0x20 is CONTROL, and running out of input
 * between characters is SYNTAX.
 */
static const uint8_t *string_special(const uint8_t *p, const uint8_t *end, unsigned *flags,
                                     tj_json_status *st)
{
    ptrdiff_t avail = end - p;
    uint8_t c;

    if (avail == 0) {
        *st = TJ_JSON_ERR_SYNTAX;
        return NULL;
    }
    c = *p;
    if (c == '\\') {
        long cu;
        *flags |= TJ_JSON_F_ESCAPED;
        if (avail < 2)
            goto bad_escape;
        switch (p[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            return p + 2;
        case 'u':
            break;
        default:
            goto bad_escape;
        }
        if (avail < 6 || (cu = hex4(p + 2)) < 0)
            goto bad_escape;
        if (cu >= 0x80)
            *flags &= ~TJ_JSON_F_ASCII;
        if (cu < 0xD800 || cu > 0xDFFF)
            return p + 6;
        /* A high surrogate must be followed at once by an escaped low one; a
         * low surrogate on its own is never valid. */
        if (cu >= 0xDC00 || avail < 12 || p[6] != '\\' || p[7] != 'u')
            goto bad_escape;
        cu = hex4(p + 8);
        if (cu < 0xDC00 || cu > 0xDFFF)
            goto bad_escape;
        return p + 12;
    bad_escape:
        *st = TJ_JSON_ERR_ESCAPE;
        return NULL;
    }
    if (c < 0x20) {
        *st = TJ_JSON_ERR_CONTROL;
        return NULL;
    }
    /* Non-ASCII (plain bytes and '"' never get here): validate one UTF-8
     * sequence as in Unicode's table 3-7: exact length, continuation bytes
     * 80..BF, and the narrowed second-byte ranges that exclude overlong forms
     * (E0, F0), surrogates (ED) and code points above U+10FFFF (F4). C0, C1
     * and F5..FF never start a sequence. */
    *flags &= ~TJ_JSON_F_ASCII;
    if (c < 0xC2) {
        goto bad_utf8;
    } else if (c < 0xE0) {
        if (avail < 2 || (p[1] & 0xC0) != 0x80)
            goto bad_utf8;
        return p + 2;
    } else if (c < 0xF0) {
        uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        if (avail < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
            goto bad_utf8;
        return p + 3;
    } else if (c < 0xF5) {
        uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        if (avail < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80
            || (p[3] & 0xC0) != 0x80)
            goto bad_utf8;
        return p + 4;
    }
bad_utf8:
    *st = TJ_JSON_ERR_UTF8;
    return NULL;
}

#define SKIP_WS(p, end) \
    while ((p) < (end) && (cc_tab[*(p)] & CC_WS)) \
        (p)++

/* Write one whole tape entry at w (reserved always 0) and advance w. */
#define PUT(t, f, l, o) \
    (*w++ = (tj_json_entry){(uint8_t)(t), (uint8_t)(f), 0, (uint32_t)(l), (uint32_t)(o)})

/*
 * Contract in json.h. Implementation notes: the tape is written through a
 * pointer w bounded by wend and the innermost open container is the pointer
 * cur (NULL at top level), which keeps the live state of the loop small; the
 * remaining depth counts down from max_depth. max_depth 0 allows no container
 * at all, only a scalar document.
 */
tj_json_status tj_json_parse(const uint8_t *doc, size_t len, tj_json_tape *tape,
                             unsigned max_depth, size_t *err_pos)
{
    tj_json_entry *const ent = tape->entries;
    tj_json_entry *w = ent;                /* next entry to write */
    tj_json_entry *wend;                   /* one past the last usable entry */
    tj_json_entry *cur = NULL;             /* innermost open container */
    int in_obj = 0;                        /* is cur an object? (saves reading it) */
    int is_key = 0;                        /* is the string being scanned a member name? */
    unsigned depth_left = max_depth;
    const uint8_t *p, *end, *start;
    tj_json_status st;

    tape->count = 0; /* a failed parse leaves no usable tape */
    if (len == 0) {
        /* Handled apart so that a NULL doc with len 0 needs no pointer arithmetic. */
        if (err_pos)
            *err_pos = 0;
        return TJ_JSON_ERR_EMPTY;
    }
#if SIZE_MAX > UINT32_MAX
    if (len > UINT32_MAX) {
        /* Offsets on the tape are 32-bit. */
        if (err_pos)
            *err_pos = (size_t)UINT32_MAX;
        return TJ_JSON_ERR_TOO_LARGE;
    }
#endif
    wend = tape->cap ? ent + tape->cap : ent; /* no arithmetic on a NULL tape */
    p = doc;
    end = doc + len;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        st = TJ_JSON_ERR_UTF8;
        goto fail;
    }
    SKIP_WS(p, end);
    if (p == end) {
        st = TJ_JSON_ERR_EMPTY;
        goto fail;
    }

value: /* p < end, on the first byte of a value */
    if (w == wend) {
        st = TJ_JSON_ERR_TOO_LARGE;
        goto fail;
    }
    switch (*p) {
    case '"':
        is_key = 0;
        goto string;
    case '[':
    case '{':
        if (depth_left == 0) {
            st = TJ_JSON_ERR_DEPTH;
            goto fail;
        }
        depth_left--;
        in_obj = *p == '{';
        /* While open, pos links to the parent's index and len counts members. */
        PUT(in_obj ? TJ_JSON_OBJECT : TJ_JSON_ARRAY, 0, 0, cur ? (uint32_t)(cur - ent) : NO_CONTAINER);
        cur = w - 1;
        p++;
        SKIP_WS(p, end);
        if (p == end) {
            st = TJ_JSON_ERR_SYNTAX;
            goto fail;
        }
        if (*p == (in_obj ? '}' : ']'))
            goto close;
        if (in_obj)
            goto key;
        cur->len = 1;
        goto value;
    case 't':
        if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            PUT(TJ_JSON_TRUE, 0, 0, p - doc);
            p += 4;
            goto after_value;
        }
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    case 'f':
        if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            PUT(TJ_JSON_FALSE, 0, 0, p - doc);
            p += 5;
            goto after_value;
        }
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    case 'n':
        if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            PUT(TJ_JSON_NULL, 0, 0, p - doc);
            p += 4;
            goto after_value;
        }
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
        unsigned type = TJ_JSON_INT;
        start = p;
        if (*p == '-') {
            p++;
            if (p == end || !is_digit(*p)) {
                st = TJ_JSON_ERR_SYNTAX;
                goto fail;
            }
        }
        /* A leading '0' stands alone: "01" ends the number after the '0' and
         * the '1' then fails as trailing data. */
        if (*p++ != '0')
            while (p < end && is_digit(*p))
                p++;
        if (p < end && *p == '.') {
            p++;
            if (p == end || !is_digit(*p)) {
                st = TJ_JSON_ERR_SYNTAX;
                goto fail;
            }
            while (p < end && is_digit(*p))
                p++;
            type = TJ_JSON_FLOAT;
        }
        if (p < end && (*p | 0x20) == 'e') {
            p++;
            if (p < end && (*p == '+' || *p == '-'))
                p++;
            if (p == end || !is_digit(*p)) {
                st = TJ_JSON_ERR_SYNTAX;
                goto fail;
            }
            while (p < end && is_digit(*p))
                p++;
            type = TJ_JSON_FLOAT;
        }
        /* json.loads refuses integers past Python's digit limit; refuse them
         * here so no caller ever meets one, converted or not. */
        if (type == TJ_JSON_INT && (size_t)(p - start) - (*start == '-') > TJ_JSON_MAX_INT_DIGITS) {
            st = TJ_JSON_ERR_TOO_LARGE;
            p = start;
            goto fail;
        }
        PUT(type, 0, p - start, start - doc);
        goto after_value;
    }
    default:
        /* Includes NaN, Infinity, '+', '.', ']' after ',' (trailing comma) and
         * any non-ASCII byte outside a string. */
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }

string: { /* p on the opening quote, w < wend; is_key says where to go next */
    unsigned flags = TJ_JSON_F_ASCII;
    start = ++p;
    for (;;) {
        p = skip_plain(p, end);
        if (p < end && *p == '"')
            break;
        {
            const uint8_t *next = string_special(p, end, &flags, &st);
            if (next == NULL)
                goto fail;
            p = next;
        }
    }
    PUT(TJ_JSON_STRING, flags, p - start, start - doc);
    p++; /* closing quote */
    if (!is_key)
        goto after_value;
    /* a member name: the ':' and the value follow */
    SKIP_WS(p, end);
    if (p == end || *p != ':') {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    p++;
    SKIP_WS(p, end);
    if (p == end) {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    goto value;
}

after_value:
    if (cur == NULL)
        goto done;
    SKIP_WS(p, end);
    if (p == end) {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    if (*p == ',') {
        p++;
        SKIP_WS(p, end);
        if (p == end) {
            st = TJ_JSON_ERR_SYNTAX;
            goto fail;
        }
        if (in_obj)
            goto key;
        cur->len++;
        goto value;
    }
    if (*p == (in_obj ? '}' : ']'))
        goto close;
    st = TJ_JSON_ERR_SYNTAX;
    goto fail;

close: { /* p on the closing bracket of container cur */
    uint32_t parent = cur->pos;
    cur->pos = (uint32_t)(w - ent);
    if (parent == NO_CONTAINER) {
        cur = NULL;
    } else {
        cur = ent + parent;
        in_obj = cur->type == TJ_JSON_OBJECT;
    }
    depth_left++;
    p++;
    goto after_value;
}

key: /* p < end, inside object cur where a member name must start */
    if (*p != '"') {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    if (w == wend) {
        st = TJ_JSON_ERR_TOO_LARGE;
        goto fail;
    }
    cur->len++;
    is_key = 1;
    goto string;

done:
    SKIP_WS(p, end);
    if (p != end) {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    tape->count = (uint32_t)(w - ent);
    return TJ_JSON_OK;

fail:
    if (err_pos)
        *err_pos = (size_t)(p - doc);
    return st;
}

const char *tj_json_status_message(tj_json_status st)
{
    switch (st) {
    case TJ_JSON_OK: return "ok";
    case TJ_JSON_ERR_SYNTAX: return "invalid JSON syntax";
    case TJ_JSON_ERR_UTF8: return "invalid UTF-8 or byte order mark in JSON";
    case TJ_JSON_ERR_ESCAPE: return "invalid escape or lone surrogate in JSON string";
    case TJ_JSON_ERR_CONTROL: return "control character in JSON string";
    case TJ_JSON_ERR_DEPTH: return "JSON nested too deeply";
    case TJ_JSON_ERR_TOO_LARGE: return "JSON document or number too large";
    case TJ_JSON_ERR_EMPTY: return "empty JSON document";
    }
    return "unknown JSON status";
}

/* ---- decoding helpers for STRING entries ---- */

/*
 * Decode the escape at s[0] == '\\' with avail raw bytes left in the string.
 * Writes its UTF-8 form to out and returns the byte count; *used receives the
 * raw bytes consumed. Always returns at most *used (that is what lets
 * tj_json_unescape promise out never needs more than e->len bytes): 2 -> 1,
 * 6 -> at most 3, a 12-byte surrogate pair -> 4.
 * The entry comes from a successful parse, so escapes are well formed; for
 * anything else (a hand-made entry) the backslash is passed through as a plain
 * byte, which keeps every read inside the string.
 */
static size_t decode_escape(const uint8_t *s, size_t avail, uint8_t *out, size_t *used)
{
    long cp;
    if (avail >= 2) {
        switch (s[1]) {
        case '"': case '\\': case '/': out[0] = s[1]; *used = 2; return 1;
        case 'b': out[0] = '\b'; *used = 2; return 1;
        case 'f': out[0] = '\f'; *used = 2; return 1;
        case 'n': out[0] = '\n'; *used = 2; return 1;
        case 'r': out[0] = '\r'; *used = 2; return 1;
        case 't': out[0] = '\t'; *used = 2; return 1;
        default: break;
        }
    }
    if (avail < 6 || s[1] != 'u' || (cp = hex4(s + 2)) < 0) {
        out[0] = s[0];
        *used = 1;
        return 1;
    }
    *used = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && avail >= 12 && s[6] == '\\' && s[7] == 'u') {
        long lo = hex4(s + 8);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            *used = 12;
        }
    }
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* Contract in json.h. Also returns 0 when e is not a STRING entry. */
int tj_json_str_eq(const uint8_t *doc, const tj_json_entry *e, const char *lit, size_t litlen)
{
    const uint8_t *s = doc + e->pos, *l = (const uint8_t *)lit;
    size_t n = e->len, i = 0, j = 0;

    if (e->type != TJ_JSON_STRING)
        return 0;
    if (!(e->flags & TJ_JSON_F_ESCAPED))
        return n == litlen && (n == 0 || memcmp(s, l, n) == 0);
    if (litlen > n) /* decoding never grows the text */
        return 0;
    while (i < n) {
        uint8_t buf[4];
        size_t used, k;
        if (s[i] != '\\') {
            if (j == litlen || s[i] != l[j])
                return 0;
            i++;
            j++;
            continue;
        }
        k = decode_escape(s + i, n - i, buf, &used);
        if (litlen - j < k || memcmp(buf, l + j, k) != 0)
            return 0;
        i += used;
        j += k;
    }
    return j == litlen;
}

/* Yields the decoded bytes of a string one at a time (for tj_json_str_eq2). */
typedef struct {
    const uint8_t *s;
    size_t i, n;
    uint8_t buf[4];
    size_t bi, bn;
} dec_iter;

/* Next decoded byte, or -1 at the end. */
static int dec_next(dec_iter *it)
{
    size_t used;
    if (it->bi < it->bn)
        return it->buf[it->bi++];
    if (it->i >= it->n)
        return -1;
    if (it->s[it->i] != '\\')
        return it->s[it->i++];
    it->bn = decode_escape(it->s + it->i, it->n - it->i, it->buf, &used);
    it->i += used;
    it->bi = 1;
    return it->buf[0];
}

/* Contract in json.h. Returns 0 when either entry is not a STRING entry. */
int tj_json_str_eq2(const uint8_t *doc_a, const tj_json_entry *a,
                    const uint8_t *doc_b, const tj_json_entry *b)
{
    dec_iter x, y;
    int ca, cb;

    if (a->type != TJ_JSON_STRING || b->type != TJ_JSON_STRING)
        return 0;
    /* At most one side escaped: compare against the other's raw bytes. */
    if (!(b->flags & TJ_JSON_F_ESCAPED))
        return tj_json_str_eq(doc_a, a, (const char *)(doc_b + b->pos), b->len);
    if (!(a->flags & TJ_JSON_F_ESCAPED))
        return tj_json_str_eq(doc_b, b, (const char *)(doc_a + a->pos), a->len);
    x.s = doc_a + a->pos;
    x.i = 0;
    x.n = a->len;
    x.bi = x.bn = 0;
    y.s = doc_b + b->pos;
    y.i = 0;
    y.n = b->len;
    y.bi = y.bn = 0;
    do {
        ca = dec_next(&x);
        cb = dec_next(&y);
        if (ca != cb)
            return 0;
    } while (ca >= 0);
    return 1;
}

/* Contract in json.h. Returns 0 (writes nothing) when e is not a STRING entry. */
size_t tj_json_unescape(const uint8_t *doc, const tj_json_entry *e, uint8_t *out)
{
    const uint8_t *s = doc + e->pos;
    size_t n = e->len, i = 0, o = 0;

    if (e->type != TJ_JSON_STRING)
        return 0;
    if (!(e->flags & TJ_JSON_F_ESCAPED)) {
        if (n)
            memcpy(out, s, n);
        return n;
    }
    while (i < n) {
        const uint8_t *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : n - i, used;
        if (run) {
            memcpy(out + o, s + i, run);
            o += run;
            i += run;
        }
        if (!bs)
            break;
        o += decode_escape(s + i, n - i, out + o, &used);
        i += used;
    }
    return o;
}

/* Contract in json.h. 18 decimal digits stay below 10^18 < 2^63, so no overflow. */
int tj_json_small_int(const uint8_t *doc, const tj_json_entry *e, int64_t *out)
{
    const uint8_t *s = doc + e->pos;
    size_t n = e->len, i;
    int neg = 0;
    int64_t v = 0;

    if (e->type != TJ_JSON_INT)
        return 0;
    if (n && s[0] == '-') {
        neg = 1;
        s++;
        n--;
    }
    if (n == 0 || n > 18)
        return 0;
    for (i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        v = v * 10 + (int64_t)(s[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

/* Contract in json.h: zero exactly when every mantissa digit is '0' (the
 * exponent cannot make a nonzero mantissa zero, nor a zero one nonzero). */
int tj_json_number_is_zero(const uint8_t *doc, const tj_json_entry *e)
{
    const uint8_t *s = doc + e->pos;
    size_t n = e->len, i = 0;

    if (e->type != TJ_JSON_INT && e->type != TJ_JSON_FLOAT)
        return 0;
    if (n && s[0] == '-')
        i = 1;
    if (i == n)
        return 0;
    for (; i < n; i++) {
        uint8_t c = s[i];
        if (c == 'e' || c == 'E')
            break;
        if (c != '0' && c != '.')
            return 0;
    }
    return 1;
}
