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
 * Strings, the bulk of a JWT, leave the fast path only for an escape, a
 * non-ASCII byte, a control byte or the closing quote. On x86 (SSE2, part of
 * the x86-64 baseline) their ends come from a 64-byte bit mask of those bytes
 * kept in a register (the string window, below), so that finding one string's
 * end never waits for the previous one; elsewhere they are scanned eight bytes
 * at a time. The fast paths expect a compact document (no whitespace between
 * tokens, as JWT libraries write them) and fall back to the general path at the
 * first byte they do not expect. Nothing allocates, nothing is copied, nothing
 * reads past doc[len) (the document is not NUL-terminated) and nothing writes
 * past tape->cap.
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

/* closer at top level: matches no byte, so no bracket can close anything. */
#define TOP 0x100u

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

/* Index of the lowest set bit of x != 0. */
static inline unsigned ctz64(uint64_t x)
{
#if defined(__GNUC__) && !defined(TJ_JSON_PORTABLE)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* Branch hints for the hot loops; they only move code, never change results. */
#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

/* The SSE2 scanners: SSE2 is part of the x86-64 baseline, so no runtime
 * dispatch is needed. TJ_JSON_NO_SSE2 forces the word-at-a-time paths below
 * (which other GCC and Clang targets take) and TJ_JSON_PORTABLE the plain C99
 * ones (other compilers), so the tests can cover both on this machine too. */
#if !defined(TJ_JSON_PORTABLE) && !defined(TJ_JSON_NO_SSE2) && defined(__SSE2__) \
    && defined(__GNUC__)
#define TJ_JSON_SSE2 1
#include <emmintrin.h>

/* Bit i set when byte p[i] (of 16) is not plain string text: '"', '\\', below
 * 0x20 or non-ASCII. A signed compare with 0x20 catches both of the last two,
 * since bytes 0x80..0xFF are negative as signed chars. */
static inline unsigned special_mask16(const uint8_t *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                          _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                             _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(m);
}

/* Bit i set when byte p[i] (of 16) is not an ASCII digit. */
static inline unsigned nondigit_mask16(const uint8_t *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i d = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                              _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    return (unsigned)_mm_movemask_epi8(d) ^ 0xFFFFu;
}

/*
 * First byte in [p, end) that is not plain string text, or end: sixteen bytes
 * per step while at least sixteen remain. The last partial block is read as
 * the sixteen bytes that end at end (they start at or after doc when the
 * document has sixteen bytes or more), with the bytes before p shifted out;
 * only a document shorter than sixteen bytes takes the byte loop. Never reads
 * outside [doc, end).
 */
static inline const uint8_t *skip_plain(const uint8_t *p, const uint8_t *end, const uint8_t *doc)
{
    while (end - p >= 16) {
        unsigned m = special_mask16(p);
        if (m != 0)
            return p + __builtin_ctz(m);
        p += 16;
    }
    if (p < end) {
        if (LIKELY(end - doc >= 16)) {
            const uint8_t *t = end - 16; /* t < p: p > end - 16 here */
            unsigned m = special_mask16(t) >> (p - t);
            return m != 0 ? p + __builtin_ctz(m) : end;
        }
        while (p < end && (cc_tab[*p] & CC_PLAIN))
            p++;
    }
    return p;
}

/* First byte in [p, end) that is not an ASCII digit, or end; same scheme. */
static inline const uint8_t *skip_digits(const uint8_t *p, const uint8_t *end, const uint8_t *doc)
{
    while (end - p >= 16) {
        unsigned m = nondigit_mask16(p);
        if (m != 0)
            return p + __builtin_ctz(m);
        p += 16;
    }
    if (p < end) {
        if (LIKELY(end - doc >= 16)) {
            const uint8_t *t = end - 16;
            unsigned m = nondigit_mask16(t) >> (p - t);
            return m != 0 ? p + __builtin_ctz(m) : end;
        }
        while (p < end && is_digit(*p))
            p++;
    }
    return p;
}

/*
 * The string window. Finding where a string ends takes a chain of dependent
 * steps (load, compare, movemask, count zeros) that the next token would have
 * to wait for. Instead the parser keeps the special-byte mask of a 64-byte
 * window [wbase, wbase + 64) (wfull), and m: the bits of wfull at or after the
 * cursor p, or 0 when unknown. The opening and closing quotes of a string are
 * its lowest two bits, so each string end is one count of trailing zeros and
 * clearing the lowest bit twice, and no position depends on the one before
 * it: the scan runs ahead while the branches check the bytes in between.
 * Every byte the fast paths step over between strings (':', ',', brackets,
 * numbers, literals, spaces) is plain, so m stays exact; the slow paths that
 * may step over special bytes (other whitespace, escapes, UTF-8) recompute it
 * (WIN_SYNC). A window never has bits for positions at or past end, so a
 * string end found in m is always a byte of the document; only a reload can
 * come back with end itself (no special byte before it: unterminated).
 */

/* Special-byte mask of the 64 bytes at p; end - p >= 64. */
static inline uint64_t special_mask64(const uint8_t *p)
{
    return (uint64_t)special_mask16(p) | (uint64_t)special_mask16(p + 16) << 16
           | (uint64_t)special_mask16(p + 32) << 32 | (uint64_t)special_mask16(p + 48) << 48;
}

/* Special-byte mask of the tail window: the last 64 bytes of a document of
 * len >= 64 bytes (starting at doc + len - 64), or the whole of a shorter one
 * (starting at doc, bits from len up clear). Reads only doc[0, len). */
static uint64_t tail_mask(const uint8_t *doc, size_t len)
{
    uint64_t m = 0;
    size_t k = 0;
    if (len >= 64)
        return special_mask64(doc + len - 64);
    for (; len - k >= 16; k += 16)
        m |= (uint64_t)special_mask16(doc + k) << k;
    if (k < len) {
        if (len >= 16) {
            /* bit j of the last 16 bytes is doc[len - 16 + j]: drop those before k */
            m |= (uint64_t)(special_mask16(doc + len - 16) >> (16 - (len - k))) << k;
        } else {
            for (; k < len; k++)
                if (!(cc_tab[doc[k]] & CC_PLAIN))
                    m |= (uint64_t)1 << k;
        }
    }
    return m;
}

/* Special-byte mask of the window at x (doc <= x < end). tbase and tmask are
 * the tail window (tail_mask), which serves once fewer than 64 bytes remain:
 * then x - tbase is below 64 (x > end - 64 = tbase for a long document,
 * x - doc < len < 64 for a short one). */
static inline uint64_t window_at(const uint8_t *x, const uint8_t *end, const uint8_t *tbase,
                                 uint64_t tmask)
{
    if (end - x >= 64)
        return special_mask64(x);
    return tmask >> (x - tbase);
}

/* q = the first special byte after the opening quote at start - 1, and ok =
 * whether it is a closing quote (so not end): drop the opening quote's bit and
 * count; a window that is used up (or unknown) is reloaded at start, then on
 * past runs of 64 plain bytes, and q is end when nothing special is left. */
#define WIN_FIND(q, ok, start)                                                   \
    do {                                                                         \
        m &= m - 1;                                                              \
        if (LIKELY(m != 0)) {                                                    \
            (q) = wbase + ctz64(m);                                              \
            (ok) = *(q) == '"';                                                  \
        } else {                                                                 \
            wbase = (start);                                                     \
            for (;;) {                                                           \
                if (wbase == end) {                                              \
                    wfull = 0;                                                   \
                    break;                                                       \
                }                                                                \
                wfull = window_at(wbase, end, tbase, tmask);                     \
                if (wfull != 0 || end - wbase <= 64)                             \
                    break;                                                       \
                wbase += 64;                                                     \
            }                                                                    \
            m = wfull;                                                           \
            (q) = m != 0 ? wbase + ctz64(m) : end;                               \
            (ok) = (q) != end && *(q) == '"';                                    \
        }                                                                        \
    } while (0)

/* The special byte WIN_FIND found was the closing quote: drop its bit. */
#define WIN_NEXT() (m &= m - 1)

/* The window for string_rest. */
#define WIN_BASE wbase
#define WIN_FULL wfull

/* p has moved over bytes that may be special: recompute m. */
#define WIN_SYNC() \
    (m = (size_t)(p - wbase) < 64u ? wfull & (~(uint64_t)0 << (p - wbase)) : 0)

#else /* portable C: eight bytes at a time in a 64-bit word, no string window */

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

/* First byte in [p, end) that is not plain string text, or end. doc is
 * unused here (the SSE2 version needs it to bound its last load). */
static const uint8_t *skip_plain(const uint8_t *p, const uint8_t *end, const uint8_t *doc)
{
    (void)doc;
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

/* First byte in [p, end) that is not an ASCII digit, or end. */
static const uint8_t *skip_digits(const uint8_t *p, const uint8_t *end, const uint8_t *doc)
{
    (void)doc;
    while (p < end && is_digit(*p))
        p++;
    return p;
}

#define WIN_FIND(q, ok, start)                                                   \
    do {                                                                         \
        (q) = skip_plain((start), end, doc);                                     \
        (ok) = (q) < end && *(q) == '"';                                         \
    } while (0)
#define WIN_NEXT() ((void)0)
#define WIN_BASE doc
#define WIN_FULL 0u
#define WIN_SYNC() ((void)0)
#endif

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

/*
 * The rest of a string once the fast scan has stopped at p on a byte that is
 * neither plain text nor the closing quote (or at end): escapes and UTF-8
 * sequences through string_special, plain runs through the special-byte mask
 * wfull of the window at wbase while it reaches (0 when there is none) and
 * skip_plain beyond, until the closing quote. Returns the position of the
 * closing quote with *flags set; on error returns the offending position with
 * *st set, and that position is end or a byte other than '"', so the caller
 * tells the two apart by looking. Out of line: escapes, non-ASCII text and
 * errors are rare in a JWT.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const uint8_t *string_rest(const uint8_t *p, const uint8_t *end, const uint8_t *doc,
                                  const uint8_t *wbase, uint64_t wfull, unsigned *flags,
                                  tj_json_status *st)
{
    unsigned f = TJ_JSON_F_ASCII;
    for (;;) {
        const uint8_t *next = string_special(p, end, &f, st);
        size_t off;
        if (next == NULL)
            return p;
        off = (size_t)(next - wbase);
        if (off < 64u && (wfull >> off) != 0)
            p = next + ctz64(wfull >> off); /* the window has no bits past end */
        else
            p = skip_plain(next, end, doc);
        if (p < end && *p == '"') {
            *flags = f;
            return p;
        }
    }
}

#define SKIP_WS(p, end) \
    while ((p) < (end) && (cc_tab[*(p)] & CC_WS)) \
        (p)++

/* First byte in [p, end) that is not JSON whitespace, or end. Out of line:
 * it is off the fast paths, and keeping it out of the parser's body leaves
 * the compiler more registers there. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    SKIP_WS(p, end);
    return p;
}

/*
 * Skip whitespace inside the document. A single space (as after the ',' and
 * ':' of json.dumps) is stepped over at once; after anything more the string
 * window is resynchronised, since '\t', '\n' and '\r' are special bytes for
 * it. (A byte loop: its exit is predicted, while a vector scan would put its
 * latency between every token and the next.)
 */
#define SKIP_WS_SYNC()                                                           \
    do {                                                                         \
        if (p < end && *p == ' ' && (p + 1 == end || !(cc_tab[p[1]] & CC_WS)))   \
            p++; /* one space, which is plain: the window stays exact */         \
        else if (p < end && (cc_tab[*p] & CC_WS)) {                              \
            p = skip_ws(p, end);                                                 \
            WIN_SYNC();                                                          \
        }                                                                        \
    } while (0)

/* Write one whole tape entry at w (reserved always 0) and advance w. */
#define PUT(t, f, l, o) \
    (*w++ = (tj_json_entry){(uint8_t)(t), (uint8_t)(f), 0, (uint32_t)(l), (uint32_t)(o)})

/* Fail with TOO_LARGE unless the tape has room for one more entry. */
#define ROOM()                                                                   \
    do {                                                                         \
        if (UNLIKELY(w == wend)) {                                               \
            st = TJ_JSON_ERR_TOO_LARGE;                                          \
            goto fail;                                                           \
        }                                                                        \
    } while (0)

/*
 * Scan the string whose opening quote is at p, write its entry and leave p
 * after the closing quote; on error go to fail. The common case (plain ASCII
 * up to the closing quote) is one WIN_FIND and two compares.
 */
#define SCAN_STRING()                                                            \
    do {                                                                         \
        const uint8_t *q_;                                                       \
        int ok_;                                                                 \
        start = p + 1;                                                           \
        WIN_FIND(q_, ok_, start);                                                \
        if (LIKELY(ok_)) {                                                       \
            WIN_NEXT();                                                          \
            PUT(TJ_JSON_STRING, TJ_JSON_F_ASCII, q_ - start, start - doc);       \
            p = q_ + 1;                                                          \
        } else {                                                                 \
            unsigned flags_;                                                     \
            q_ = string_rest(q_, end, doc, WIN_BASE, WIN_FULL, &flags_, &st);    \
            if (q_ == end || *q_ != '"') {                                       \
                p = q_;                                                          \
                goto fail;                                                       \
            }                                                                    \
            PUT(TJ_JSON_STRING, flags_, q_ - start, start - doc);                \
            p = q_ + 1;                                                          \
            WIN_SYNC(); /* escapes and UTF-8 hold special bytes */               \
        }                                                                        \
    } while (0)

/*
 * Contract in json.h. Implementation notes: the tape is written through a
 * pointer w bounded by wend and the innermost open container is the pointer
 * cur (NULL at top level); its running member count lives in n and is stored
 * to cur->len whenever the parser leaves cur (a child opens, cur closes, or
 * the parse fails), so the tape holds exactly what it would if len were
 * updated in place. closer is the byte that closes cur (TOP, which no byte
 * equals, at top level), so one compare tells both what closes the container
 * and whether it is an object. The remaining depth counts down from max_depth.
 * max_depth 0 allows no container at all, only a scalar document.
 * The fast paths assume a compact document (no whitespace between tokens, as
 * JWT libraries write them); whitespace costs a test or two where it may occur.
 */
tj_json_status tj_json_parse(const uint8_t *doc, size_t len, tj_json_tape *tape,
                             unsigned max_depth, size_t *err_pos)
{
    tj_json_entry *const ent = tape->entries;
    tj_json_entry *w = ent;                /* next entry to write */
    tj_json_entry *wend;                   /* one past the last usable entry */
    tj_json_entry *cur = NULL;             /* innermost open container */
    uint32_t n = 0;                        /* members (elements) of cur so far */
    unsigned closer = TOP;                 /* the byte that closes cur: ']' or '}' */
    unsigned depth_left = max_depth;
    const uint8_t *p, *end, *start;
    tj_json_status st;
    uint8_t c;
#if defined(TJ_JSON_SSE2)
    const uint8_t *wbase, *tbase; /* the string window and the tail window */
    uint64_t wfull, m, tmask;
#endif

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
#if defined(TJ_JSON_SSE2)
    tbase = len >= 64 ? end - 64 : doc;
    tmask = tail_mask(doc, len);
    wbase = doc;
    wfull = m = 0; /* unknown: the first search loads a window */
#endif
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        st = TJ_JSON_ERR_UTF8;
        goto fail;
    }
    SKIP_WS(p, end);
    if (p == end) {
        st = TJ_JSON_ERR_EMPTY;
        goto fail;
    }

value: /* p < end, on the first byte of a value, or (after a ':') on whitespace before it */
    c = *p;
    if (LIKELY(c == '"')) {
        ROOM();
        SCAN_STRING();
        goto after_value;
    }
    if (is_digit(c) || c == '-') {
        unsigned type = TJ_JSON_INT;
        ROOM();
        start = p;
        if (c == '-') {
            p++;
            if (p == end || !is_digit(*p)) {
                st = TJ_JSON_ERR_SYNTAX;
                goto fail;
            }
        }
        /* A leading '0' stands alone: "01" ends the number after the '0' and
         * the '1' then fails as trailing data. */
        if (*p++ != '0')
            p = skip_digits(p, end, doc);
        if (p < end && (*p == '.' || (*p | 0x20) == 'e')) {
            if (*p == '.') {
                p++;
                if (p == end || !is_digit(*p)) {
                    st = TJ_JSON_ERR_SYNTAX;
                    goto fail;
                }
                p = skip_digits(p + 1, end, doc);
            }
            if (p < end && (*p | 0x20) == 'e') {
                p++;
                if (p < end && (*p == '+' || *p == '-'))
                    p++;
                if (p == end || !is_digit(*p)) {
                    st = TJ_JSON_ERR_SYNTAX;
                    goto fail;
                }
                p = skip_digits(p + 1, end, doc);
            }
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
    if (cc_tab[c] & CC_WS) {
        /* only after a ':', where the fast path does not look for it */
        SKIP_WS_SYNC();
        if (p == end) {
            st = TJ_JSON_ERR_SYNTAX;
            goto fail;
        }
        goto value;
    }
    ROOM();
    switch (c) {
    case '[':
    case '{':
        if (depth_left == 0) {
            st = TJ_JSON_ERR_DEPTH;
            goto fail;
        }
        depth_left--;
        /* While open, pos links to the parent's index and len (kept in n
         * meanwhile) counts members. */
        if (cur)
            cur->len = n;
        closer = c + 2u; /* '[' + 2 is ']', '{' + 2 is '}' */
        PUT(c == '{' ? TJ_JSON_OBJECT : TJ_JSON_ARRAY, 0, 0, cur ? (uint32_t)(cur - ent) : NO_CONTAINER);
        cur = w - 1;
        n = 0;
        p++;
        if (UNLIKELY(p == end || (cc_tab[*p] & CC_WS))) {
            SKIP_WS_SYNC();
            if (p == end) {
                st = TJ_JSON_ERR_SYNTAX;
                goto fail;
            }
        }
        if (*p == closer)
            goto close;
        if (closer == '}')
            goto key;
        n = 1;
        goto value;
    case 't':
        if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            PUT(TJ_JSON_TRUE, 0, 0, p - doc);
            p += 4;
            goto after_value;
        }
        break;
    case 'f':
        if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            PUT(TJ_JSON_FALSE, 0, 0, p - doc);
            p += 5;
            goto after_value;
        }
        break;
    case 'n':
        if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            PUT(TJ_JSON_NULL, 0, 0, p - doc);
            p += 4;
            goto after_value;
        }
        break;
    default:
        /* Includes NaN, Infinity, '+', '.', ']' after ',' (trailing comma) and
         * any non-ASCII byte outside a string. */
        break;
    }
    st = TJ_JSON_ERR_SYNTAX;
    goto fail;

after_value: /* p just after a value; at top level, only whitespace may follow */
    if (UNLIKELY(p == end))
        goto at_end;
    c = *p;
    if (LIKELY(c == ','))
        goto comma;
    if (c == closer) /* never at top level */
        goto close;
    if (cc_tab[c] & CC_WS) {
        SKIP_WS_SYNC();
        if (p == end)
            goto at_end;
        c = *p;
        if (c == ',')
            goto comma;
        if (c == closer)
            goto close;
    }
    st = TJ_JSON_ERR_SYNTAX;
    goto fail;

at_end: /* p == end after a value: the end of the document, or truncated */
    if (closer != TOP) {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    tape->count = (uint32_t)(w - ent);
    return TJ_JSON_OK;

comma: /* p on a ',' after a value */
    if (UNLIKELY(closer == TOP)) {
        st = TJ_JSON_ERR_SYNTAX; /* trailing data */
        goto fail;
    }
    p++;
    if (closer == '}') {
        if (LIKELY(p < end && *p == '"'))
            goto member;
        SKIP_WS_SYNC();
        if (p == end) {
            st = TJ_JSON_ERR_SYNTAX;
            goto fail;
        }
        goto key;
    }
    if (UNLIKELY(p == end || (cc_tab[*p] & CC_WS))) {
        SKIP_WS_SYNC();
        if (p == end) {
            st = TJ_JSON_ERR_SYNTAX;
            goto fail;
        }
    }
    n++;
    goto value;

close: { /* p on the closing bracket of container cur */
    uint32_t parent = cur->pos;
    cur->len = n;
    cur->pos = (uint32_t)(w - ent);
    if (parent == NO_CONTAINER) {
        cur = NULL;
        closer = TOP;
    } else {
        cur = ent + parent;
        closer = cur->type == TJ_JSON_OBJECT ? '}' : ']';
        n = cur->len;
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
member: /* p on the opening quote of a member name */
    ROOM();
    n++;
    SCAN_STRING();
    /* the ':' and the value follow */
    if (LIKELY(end - p >= 2 && *p == ':')) {
        p++;
        goto value; /* which skips any whitespace first */
    }
    SKIP_WS_SYNC();
    if (p == end || *p != ':') {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    p++;
    if (p == end) {
        st = TJ_JSON_ERR_SYNTAX;
        goto fail;
    }
    goto value;

fail:
    if (cur)
        cur->len = n; /* as if len had been counted in place */
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

/* The value of the 8 ASCII digits at s (SWAR: pairs, then quads, then the
 * whole word, each step one multiply; see Lemire, "Faster integer parsing",
 * 2018). Read little-endian, s[0] is the lowest byte and the most
 * significant digit: each step multiplies the higher-placed group by 1 and the
 * lower-placed (earlier, more significant) one by 10, 100 or 10000. */
static inline uint64_t eight_digits(const uint8_t *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    v -= 0x3030303030303030ULL;
    v = (v * 10u + (v >> 8)) & 0x00FF00FF00FF00FFULL;
    v = ((v * (1u + (100ULL << 16))) >> 16) & 0x0000FFFF0000FFFFULL;
    return (v * (1u + (10000ULL << 32))) >> 32;
}

/* Contract in json.h. 18 decimal digits stay below 10^18 < 2^63, so no overflow. */
int tj_json_small_int(const uint8_t *doc, const tj_json_entry *e, int64_t *out)
{
    const uint8_t *s = doc + e->pos;
    size_t n = e->len, i = 0;
    int neg = 0;
    uint64_t v = 0;

    if (e->type != TJ_JSON_INT)
        return 0;
    if (n && s[0] == '-') {
        neg = 1;
        s++;
        n--;
    }
    if (n == 0 || n > 18)
        return 0;
    /* The parser checked the grammar (-?(0|[1-9][0-9]*)), so every byte of
     * s[0..n) is a digit. Reads stay inside the number's own text. */
    for (; i + 8 <= n; i += 8)
        v = v * 100000000u + eight_digits(s + i);
    for (; i < n; i++)
        v = v * 10u + (uint64_t)(s[i] - '0');
    *out = neg ? -(int64_t)v : (int64_t)v;
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
