/*
 * test_b64url.c: standalone tests and micro-benchmark for csrc/b64url.c.
 *
 * Build: cc -std=c11 -O1 -Wall -Wextra -Werror -g tests/c/test_b64url.c csrc/b64url.c
 * optionally with -DTJ_B64_SCALAR_ONLY or -DTJ_B64_NO_AVX2 (tests/test_c_b64url.py
 * does this, with sanitizers when they work).
 *   ./test_b64url             tests, then the benchmark
 *   ./test_b64url --no-bench  tests only (sanitizer builds: timings mean nothing)
 *   ./test_b64url --bench     benchmark only
 * The tests print "N passed, M failed" last and exit non-zero on any failure.
 *
 * Every input is decoded by four decoders that must agree on the decision, the
 * length and the bytes: tj_b64url_decode (SIMD where available), the scalar
 * path tj_b64url_decode_scalar, old_decode (a verbatim copy of the decoder
 * before the SIMD work: the contract is "same results as it") and spec_decode
 * (written from RFC 4648 and b64url.h as plainly as possible, bit by bit).
 * Inputs and outputs live in heap buffers of exactly len and
 * tj_b64url_decoded_bound(len) bytes, so AddressSanitizer catches any access
 * outside them; on Linux, inputs and outputs are also placed flush against
 * PROT_NONE pages, which catches the same without sanitizers.
 */
#define _DEFAULT_SOURCE 1
#include "../../csrc/b64url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

static unsigned long n_pass, n_fail;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            n_pass++;                                                          \
        } else {                                                               \
            if (n_fail++ < 30) {                                               \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);           \
                fprintf(stderr, __VA_ARGS__);                                  \
                fputc('\n', stderr);                                           \
            }                                                                  \
        }                                                                      \
    } while (0)

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static const char ALPHA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Printable form of an input for failure messages (static buffer). */
static const char *show(const uint8_t *s, size_t n)
{
    static char buf[400];
    size_t i, o = 0;
    for (i = 0; i < n && o < sizeof buf - 8; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
            buf[o++] = (char)s[i];
        else
            o += (size_t)sprintf(buf + o, "\\x%02x", s[i]);
    }
    if (i < n)
        buf[o++] = '.', buf[o++] = '.';
    buf[o] = 0;
    return buf;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
static size_t rnd_below(size_t n) { return (size_t)(rnd() % n); }

/* ------------------------------------------------------------------------ */
/* reference decoders                                                         */

/* The decoder as it was before the SIMD kernels, verbatim. */
static const uint8_t old_table[256] = {
#define X 0xFF
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,62,X,X, 52,53,54,55,56,57,58,59,60,61,X,X,X,X,X,X,
    X,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14, 15,16,17,18,19,20,21,22,23,24,25,X,X,X,X,63,
    X,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40, 41,42,43,44,45,46,47,48,49,50,51,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
#undef X
};

static int old_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t n = len;
    if (n > 0 && in[n - 1] == '=') {
        n--;
        if (n > 0 && in[n - 1] == '=')
            n--;
        if (len % 4u != 0 || (n > 0 && in[n - 1] == '='))
            return -1;
    }
    if (n % 4u == 1u)
        return -1;

    size_t i = 0, o = 0;
    for (; i + 4u <= n; i += 4u) {
        uint32_t a = old_table[in[i]], b = old_table[in[i + 1]];
        uint32_t c = old_table[in[i + 2]], d = old_table[in[i + 3]];
        if ((a | b | c | d) & 0x80u)
            return -1;
        uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
        out[o] = (uint8_t)(v >> 16);
        out[o + 1] = (uint8_t)(v >> 8);
        out[o + 2] = (uint8_t)v;
        o += 3u;
    }
    size_t rem = n - i;
    if (rem == 2u) {
        uint32_t a = old_table[in[i]], b = old_table[in[i + 1]];
        if (((a | b) & 0x80u) || (b & 0x0Fu))
            return -1;
        out[o++] = (uint8_t)((a << 2) | (b >> 4));
    } else if (rem == 3u) {
        uint32_t a = old_table[in[i]], b = old_table[in[i + 1]], c = old_table[in[i + 2]];
        if (((a | b | c) & 0x80u) || (c & 0x03u))
            return -1;
        uint32_t v = (a << 10) | (b << 4) | (c >> 2);
        out[o] = (uint8_t)(v >> 8);
        out[o + 1] = (uint8_t)v;
        o += 2u;
    }
    *out_len = o;
    return 0;
}

/* From the rules alone: trailing '=' only one or two of them and only when the
 * whole length is a multiple of 4; then 6 bits per char of the alphabet, 8 bits
 * out at a time; the leftover bits (0, 4 or 2 of them) must be zero, and a
 * single leftover char (6 bits, length 1 mod 4) is refused. */
static int spec_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t n = len, pad = 0, o = 0, i;
    while (n > 0 && in[n - 1] == '=')
        n--, pad++;
    if (pad > 2 || (pad > 0 && len % 4 != 0) || n % 4 == 1)
        return -1;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (i = 0; i < n; i++) {
        const char *p = memchr(ALPHA, in[i], 64);
        if (p == NULL)
            return -1;
        acc = (acc << 6) | (uint32_t)(p - ALPHA);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    if (acc != 0)
        return -1;
    *out_len = o;
    return 0;
}

typedef int (*decoder)(const uint8_t *, size_t, uint8_t *, size_t *);
static const decoder DECODERS[4] = {old_decode, spec_decode, tj_b64url_decode_scalar, tj_b64url_decode};

/* ------------------------------------------------------------------------ */
/* decoding with exact-size buffers                                           */

#define MAXLEN 12000
static uint8_t *in_cache[MAXLEN + 1], *out_cache[4][MAXLEN + 1];

/* The exact-size input buffer for len (kept for reuse). */
static uint8_t *ibuf(size_t len)
{
    if (!in_cache[len])
        in_cache[len] = xmalloc(len);
    return in_cache[len];
}

static int g_rc;          /* the agreed result of the last check */
static size_t g_len;
static const uint8_t *g_out;

/* Decodes ibuf(len) with all four decoders, each into its own buffer of
 * exactly the bound, and counts one pass if they all agree. Returns the
 * decision (0 or -1); g_out / g_len hold the agreed bytes. */
static int check_buf(size_t len)
{
    const uint8_t *in = ibuf(len);
    size_t bound = tj_b64url_decoded_bound(len), lens[4];
    int rc[4], ok = 1, d;
    for (d = 0; d < 4; d++) {
        if (!out_cache[d][len])
            out_cache[d][len] = xmalloc(bound);
        lens[d] = (size_t)-1;
        rc[d] = DECODERS[d](in, len, out_cache[d][len], &lens[d]);
        if (rc[d] != rc[0] || (rc[d] == 0 && (lens[d] != lens[0] || lens[d] > bound ||
                                              memcmp(out_cache[d][len], out_cache[0][len], lens[0]) != 0)))
            ok = 0;
        if (rc[d] != 0 && lens[d] != (size_t)-1)
            ok = 0; /* *out_len written on failure */
    }
    CHECK(ok, "disagreement on \"%s\" (len %zu): old %d/%zu spec %d/%zu scalar %d/%zu main %d/%zu",
          show(in, len), len, rc[0], lens[0], rc[1], lens[1], rc[2], lens[2], rc[3], lens[3]);
    g_rc = rc[0];
    g_len = lens[0];
    g_out = out_cache[0][len];
    return rc[0];
}

static int check(const void *s, size_t len)
{
    memcpy(ibuf(len), s, len);
    return check_buf(len);
}

/* Expects a given result too. */
static void expect(const char *s, int rc, const void *bytes, size_t n)
{
    size_t len = strlen(s);
    int got = check(s, len);
    CHECK(got == rc && (rc != 0 || (g_len == n && memcmp(g_out, bytes, n) == 0)),
          "\"%s\": expected %d (%zu bytes), got %d", s, rc, n, got);
}

/* How many bytes n chars (n % 4 != 1, no padding) decode to. */
static size_t bytes_for(size_t n) { return n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0); }

/* Random valid text for n raw bytes into t (tj_b64url_encoded_len(n) chars). */
static size_t random_text(uint8_t *t, uint8_t *raw, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        raw[i] = (uint8_t)rnd();
    return tj_b64url_encode(raw, n, t);
}

/* ------------------------------------------------------------------------ */
/* tests                                                                      */

static void test_vectors(void)
{
    expect("", 0, "", 0);
    expect("Zg", 0, "f", 1);
    expect("Zm8", 0, "fo", 2);
    expect("Zm9v", 0, "foo", 3);
    expect("Zm9vYg", 0, "foob", 4);
    expect("Zm9vYmE", 0, "fooba", 5);
    expect("Zm9vYmFy", 0, "foobar", 6);
    expect("Zg==", 0, "f", 1);
    expect("Zm8=", 0, "fo", 2);
    expect("Zm9vYg==", 0, "foob", 4);
    expect("-w", 0, "\xfb", 1);
    expect("_w", 0, "\xff", 1);
    expect("-_-_", 0, "\xfb\xff\xbf", 3);
    expect("____", 0, "\xff\xff\xff", 3);
    expect("+w", -1, "", 0);
    expect("/w", -1, "", 0);
    expect("Zg=", -1, "", 0);
    expect("Zg===", -1, "", 0);
    expect("Zm9v=", -1, "", 0);
    expect("Zm9v====", -1, "", 0);
    expect("====", -1, "", 0);
    expect("=", -1, "", 0);
    expect("==", -1, "", 0);
    expect("Z", -1, "", 0);
    expect("Zm9vY", -1, "", 0);
    expect("Zh", -1, "", 0);
    expect("Zm9", -1, "", 0);
    expect("Zm=v", -1, "", 0);
    /* 16 and 32 chars: whole SSSE3 / AVX2 blocks. */
    expect("Zm9vYmFyZm9vYmFy", 0, "foobarfoobar", 12);
    expect("Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy", 0, "foobarfoobarfoobarfoobar", 24);
    expect("Zm9vYmFyZm9vYmFy+m9vYmFyZm9vYmFy", -1, "", 0);
    expect("Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmF/", -1, "", 0);
    expect("Zm9vYmFyZm9vYmF=", -1, "", 0);

    /* Every byte value round-trips, and the alphabet decodes to 0..63. */
    uint8_t raw[256], txt[400], all[48];
    size_t i;
    for (i = 0; i < 256; i++)
        raw[i] = (uint8_t)i;
    size_t n = tj_b64url_encode(raw, 256, txt);
    CHECK(check(txt, n) == 0 && g_len == 256 && memcmp(g_out, raw, 256) == 0, "bytes 0..255 round trip");
    for (i = 0; i < 16; i++) { /* the 6-bit groups 0, 1, 2, ..., 63 */
        uint32_t v = ((uint32_t)(4 * i) << 18) | ((uint32_t)(4 * i + 1) << 12) | ((uint32_t)(4 * i + 2) << 6) |
                     (uint32_t)(4 * i + 3);
        all[3 * i] = (uint8_t)(v >> 16), all[3 * i + 1] = (uint8_t)(v >> 8), all[3 * i + 2] = (uint8_t)v;
    }
    CHECK(check(ALPHA, 64) == 0 && g_len == 48 && memcmp(g_out, all, 48) == 0, "the alphabet decodes to 0..63");
}

/* Every string of length 0..3 over all 256 bytes. */
static void test_exhaustive_short(void)
{
    unsigned a, b, c;
    uint8_t *p;
    check_buf(0);
    for (a = 0; a < 256; a++) {
        p = ibuf(1), p[0] = (uint8_t)a;
        check_buf(1);
        for (b = 0; b < 256; b++) {
            p = ibuf(2), p[0] = (uint8_t)a, p[1] = (uint8_t)b;
            check_buf(2);
            p = ibuf(3);
            p[0] = (uint8_t)a, p[1] = (uint8_t)b;
            for (c = 0; c < 256; c++) {
                p[2] = (uint8_t)c;
                check_buf(3);
            }
        }
    }
}

/* Every string of length up to k over a small alphabet of boundary bytes,
 * after a valid prefix of plen chars (so that the suffix also lands in SIMD
 * blocks, or right after them). */
static void enumerate(const uint8_t *set, size_t nset, size_t k, size_t plen)
{
    uint8_t buf[128];
    size_t idx[8], len, i;
    for (i = 0; i < plen; i++)
        buf[i] = (uint8_t)ALPHA[rnd_below(64)];
    for (len = 0; len <= k; len++) {
        memset(idx, 0, sizeof idx);
        for (;;) {
            for (i = 0; i < len; i++)
                buf[plen + i] = set[idx[i]];
            check(buf, plen + len);
            for (i = 0; i < len && ++idx[i] == nset; i++)
                idx[i] = 0;
            if (i == len)
                break;
        }
    }
}

static void test_exhaustive_small_alphabet(void)
{
    /* Alphabet edges and their neighbours, '=' '+' '/', high bytes, and values
     * with and without zero trailing bits (Q=16, g=32, w=48, E=4, B=1). */
    static const uint8_t wide[] = {0x00, '+', ',', '-', '.', '/', '0', '9', ':', '=', '@', 'A', 'B', 'E', 'Q',
                                   'Z', '[', '^', '_', '`', 'a', 'g', 'w', 'z', '{', 0x7F, 0x80, 0xAD, 0xDF, 0xFF};
    static const uint8_t narrow[] = {'+', '/', '=', '-', '_', 'A', 'z', '0', '9', 0x80, 0xFF, 'Q', 'w', 'g', 'B', '.'};
    static const size_t prefixes[] = {12, 16, 28, 29, 30, 31, 44, 60};
    size_t i;
    enumerate(narrow, sizeof narrow, 5, 0);
    enumerate(wide, sizeof wide, 4, 0);
    for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        enumerate(wide, sizeof wide, 3, prefixes[i]);
    enumerate(narrow, sizeof narrow, 4, 28);
    enumerate(narrow, sizeof narrow, 4, 32);
}

/* Every length 0..320 with random valid data, padded and not, and one char
 * longer (1 mod 4), at every input and output alignment 0..31. */
static void test_lengths_alignments(void)
{
    uint8_t raw[256], txt[400];
    size_t m, a;
    for (m = 0; m <= 240; m++) {
        size_t n = random_text(txt, raw, m);
        size_t padded = n % 4 ? n + (4 - n % 4) : n;
        memset(txt + n, '=', padded - n);
        size_t variants[3] = {n, padded, n + (n % 4 == 0 ? 1 : 0)};
        int v;
        for (v = 0; v < 3; v++) {
            size_t len = variants[v];
            if (v == 2 && n % 4 != 0)
                continue; /* n + 1 would not be 1 mod 4 */
            if (v == 2)
                txt[n] = 'A';
            for (a = 0; a < 32; a++) {
                size_t b = (a * 7) % 32, bound = tj_b64url_decoded_bound(len), olen = (size_t)-1;
                uint8_t *ib = xmalloc(a + len), *ob = xmalloc(b + bound);
                memcpy(ib + a, txt, len);
                int rc = tj_b64url_decode(ib + a, len, ob + b, &olen);
                int want = v == 2 ? -1 : 0;
                CHECK(rc == want && (rc != 0 || (olen == m && memcmp(ob + b, raw, m) == 0)),
                      "length %zu (%zu bytes, variant %d) alignment %zu/%zu: rc %d", len, m, v, a, b, rc);
                olen = (size_t)-1;
                rc = tj_b64url_decode_scalar(ib + a, len, ob + b, &olen);
                CHECK(rc == want && (rc != 0 || (olen == m && memcmp(ob + b, raw, m) == 0)),
                      "scalar: length %zu alignment %zu/%zu: rc %d", len, a, b, rc);
                free(ib);
                free(ob);
            }
            check(txt, len);
        }
    }
}

/* Every byte value at every position of valid inputs of many lengths: each
 * SIMD lane, each block, and the scalar tail see every byte. */
static void test_every_byte_everywhere(void)
{
    static const size_t extra[] = {127, 128, 129, 130, 131, 255, 256, 257, 300, 511, 1000};
    uint8_t raw[1024], txt[1400], *p;
    size_t k, len, pos;
    unsigned v;
    for (k = 0; k < 85 + sizeof extra / sizeof extra[0]; k++) {
        len = k < 85 ? 16 + k : extra[k - 85];
        if (len % 4 == 1)
            continue;
        size_t n = random_text(txt, raw, bytes_for(len));
        if (n != len) {
            CHECK(0, "random_text length %zu != %zu", n, len);
            continue;
        }
        p = ibuf(len);
        memcpy(p, txt, len);
        for (pos = 0; pos < len; pos++) {
            for (v = 0; v < 256; v++) {
                p[pos] = (uint8_t)v;
                int rc = check_buf(len);
                int valid = memchr(ALPHA, (int)v, 64) != NULL;
                /* Where the value is valid, it decodes unless it breaks the trailing bits or is padding. */
                if (!valid && v != '=')
                    CHECK(rc == -1, "byte 0x%02x at %zu of %zu accepted", v, pos, len);
            }
            p[pos] = txt[pos];
        }
    }
}

/* The final 2- or 3-char quantum: accepted exactly when its unused bits are 0. */
static void test_trailing_bits(void)
{
    uint8_t raw[64], txt[128];
    size_t plen, c, r;
    for (plen = 0; plen <= 72; plen += 4) {
        random_text(txt, raw, plen / 4 * 3);
        for (r = 2; r <= 3; r++) {
            for (c = 0; c < 64; c++) {
                size_t i;
                for (i = 0; i + 1 < r; i++)
                    txt[plen + i] = (uint8_t)ALPHA[rnd_below(64)];
                txt[plen + r - 1] = (uint8_t)ALPHA[c];
                int want = (r == 2 ? (c & 0x0F) : (c & 0x03)) == 0 ? 0 : -1;
                CHECK(check(txt, plen + r) == want, "prefix %zu, %zu-char tail ending in %c", plen, r, ALPHA[c]);
                /* the same padded */
                memset(txt + plen + r, '=', 4 - r);
                CHECK(check(txt, plen + 4) == want, "padded: prefix %zu, tail ending in %c", plen, ALPHA[c]);
            }
        }
    }
}

/* '=' accepted only as one or two chars of padding up to a multiple of 4. */
static void test_padding(void)
{
    uint8_t raw[64], txt[128];
    size_t n, p, at;
    for (n = 0; n <= 72; n++) {
        if (n % 4 == 1)
            continue;
        random_text(txt, raw, bytes_for(n));
        for (p = 0; p <= 4; p++) {
            memset(txt + n, '=', p);
            int want = (p == 0 || ((p == 1 || p == 2) && (n + p) % 4 == 0)) ? 0 : -1;
            CHECK(check(txt, n + p) == want, "%zu chars + %zu '='", n, p);
        }
        /* A '=' anywhere but the padding position. */
        for (at = 0; at + 1 < n; at++) {
            uint8_t keep = txt[at];
            txt[at] = '=';
            CHECK(check(txt, n) == -1, "'=' at %zu of %zu", at, n);
            txt[at] = keep;
        }
    }
}

/* Seeded random inputs, valid and not, compared across the four decoders. */
static void test_random(unsigned long count)
{
    static const uint8_t nasty[] = {'+', '/', '=', '.', ' ', '\n', 0, 0x80, 0xFF, 0xAD, 0xDF, 0x2C, 0x2E,
                                    0x40, 0x5B, 0x5E, 0x60, 0x7B, 0x7F, 0x3A, 0x2F, 0x3D};
    uint8_t raw[2048], txt[3000];
    unsigned long t;
    for (t = 0; t < count; t++) {
        size_t m = rnd_below(8) == 0 ? rnd_below(1500) : rnd_below(240);
        size_t n = random_text(txt, raw, m), k;
        unsigned mode = (unsigned)rnd_below(8);
        switch (mode) {
        case 0: case 1: /* valid */
            break;
        case 2: /* random bytes replaced by anything */
            for (k = 1 + rnd_below(3); k > 0 && n > 0; k--)
                txt[rnd_below(n)] = (uint8_t)rnd();
            break;
        case 3: /* one nasty byte */
            if (n > 0)
                txt[rnd_below(n)] = nasty[rnd_below(sizeof nasty)];
            break;
        case 4: /* padded, maybe wrongly */
            for (k = rnd_below(4); k > 0; k--)
                txt[n++] = '=';
            break;
        case 5: /* one char more or less */
            if (rnd() & 1)
                txt[n++] = (uint8_t)ALPHA[rnd_below(64)];
            else if (n > 0)
                n--;
            break;
        case 6: /* all random bytes */
            for (k = 0; k < n; k++)
                txt[k] = (uint8_t)rnd();
            break;
        default: /* random alphabet chars: mostly bad trailing bits */
            for (k = 0; k < n; k++)
                txt[k] = (uint8_t)ALPHA[rnd_below(64)];
            break;
        }
        int rc = check(txt, n);
        if (mode <= 1)
            CHECK(rc == 0 && g_len == m && memcmp(g_out, raw, m) == 0, "valid random input of %zu bytes", m);
    }
}

/* ------------------------------------------------------------------------ */
/* encoder                                                                    */

/* The encoding by its definition: 8 bits in at a time, 6 bits out, the last
 * char's missing bits zero, no padding. */
static size_t spec_encode(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0, i;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = (uint8_t)ALPHA[(acc >> bits) & 63u];
        }
        acc &= (1u << bits) - 1u;
    }
    if (bits > 0)
        out[o++] = (uint8_t)ALPHA[(acc << (6 - bits)) & 63u];
    return o;
}

/* Both encoders against spec_encode: every length to 700 with random bytes,
 * every byte value repeated at the lengths around the SIMD block sizes, and
 * nothing written past the encoded length. */
static void check_encode(const uint8_t *in, size_t len)
{
    static uint8_t want[1000], got[1000 + 32];
    size_t n = spec_encode(in, len, want), f;
    CHECK(n == tj_b64url_encoded_len(len), "encoded_len(%zu)", len);
    for (f = 0; f < 2; f++) {
        memset(got, 0xA5, sizeof got);
        size_t m = f ? tj_b64url_encode(in, len, got) : tj_b64url_encode_scalar(in, len, got);
        size_t k, clean = 1;
        for (k = m; k < m + 32; k++)
            clean &= got[k] == 0xA5;
        CHECK(m == n && memcmp(got, want, n) == 0 && clean, "%s encoder, %zu bytes", f ? "main" : "scalar", len);
    }
}

static void test_encode(void)
{
    uint8_t raw[720];
    size_t len, t;
    int b;
    for (len = 0; len <= 700; len++)
        for (t = 0; t < 8; t++) {
            for (size_t k = 0; k < len; k++)
                raw[k] = (uint8_t)rnd();
            check_encode(raw, len);
        }
    for (len = 12; len <= 52; len++)
        for (b = 0; b < 256; b++) {
            memset(raw, b, len);
            check_encode(raw, len);
        }
}

#if defined(__linux__)
/* Inputs and outputs flush against PROT_NONE pages on both sides: any access
 * outside in[0..len) or out[0..bound) faults, sanitizers or not. */
static void test_guard_pages(void)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE), len, side;
    uint8_t *ia = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *oa = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ia == MAP_FAILED || oa == MAP_FAILED) {
        CHECK(0, "mmap failed");
        return;
    }
    mprotect(ia, pg, PROT_NONE), mprotect(ia + 2 * pg, pg, PROT_NONE);
    mprotect(oa, pg, PROT_NONE), mprotect(oa + 2 * pg, pg, PROT_NONE);
    uint8_t raw[1024], txt[1400];
    for (len = 0; len <= 1300; len++) {
        /* Lengths 0 mod 4 are padded with 0, 1 or 2 '='; 1 mod 4 are refused. */
        size_t pad = (len % 4 == 0 && len > 0) ? len / 4 % 3 : 0;
        size_t n = random_text(txt, raw, bytes_for(len % 4 == 1 ? len - 1 : len - pad));
        while (n < len)
            txt[n++] = len % 4 == 1 ? 'A' : '=';
        size_t bound = tj_b64url_decoded_bound(len);
        for (side = 0; side < 4; side++) {
            uint8_t *in = (side & 1) ? ia + 2 * pg - len : ia + pg;
            uint8_t *out = (side & 2) ? oa + 2 * pg - bound : oa + pg;
            size_t a, b;
            memcpy(in, txt, len);
            int ra = tj_b64url_decode(in, len, out, &a);
            int rb = old_decode(txt, len, raw, &b);
            CHECK(ra == rb && (ra != 0 || (a == b && memcmp(out, raw, a) == 0)), "guard pages, length %zu", len);
            ra = tj_b64url_decode_scalar(in, len, out, &a);
            CHECK(ra == rb && (ra != 0 || (a == b && memcmp(out, raw, a) == 0)), "guard pages scalar, %zu", len);
        }
    }
    /* The encoder: len bytes in, encoded_len(len) chars out, each flush
     * against a guard page on either side. */
    for (len = 0; len <= 1000; len++) {
        size_t n = tj_b64url_encoded_len(len), want_n = spec_encode(raw, len, txt);
        for (side = 0; side < 4; side++) {
            uint8_t *in = (side & 1) ? ia + 2 * pg - len : ia + pg;
            uint8_t *out = (side & 2) ? oa + 2 * pg - n : oa + pg;
            memcpy(in, raw, len);
            size_t m = tj_b64url_encode(in, len, out);
            CHECK(m == want_n && memcmp(out, txt, m) == 0, "encoder guard pages, %zu bytes", len);
        }
    }
    munmap(ia, 3 * pg);
    munmap(oa, 3 * pg);
}
#else
static void test_guard_pages(void) {}
#endif

/* ------------------------------------------------------------------------ */
/* benchmark (informational)                                                  */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void bench(void)
{
    static const size_t sizes[] = {36, 216, 1000, 10000};
    static const decoder fns[3] = {old_decode, tj_b64url_decode_scalar, tj_b64url_decode};
    volatile unsigned sink = 0;
    size_t s;
#if defined(__SANITIZE_ADDRESS__)
    printf("(sanitizer build: the timings below mean nothing)\n");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    printf("(sanitizer build: the timings below mean nothing)\n");
#endif
#endif
    printf("%8s %12s %12s %12s %9s %9s\n", "chars", "old ns", "scalar ns", "main ns", "scal/old", "main/old");
    for (s = 0; s < 4; s++) {
        size_t len = sizes[s], m = len / 4 * 3, f;
        uint8_t *raw = xmalloc(m), *txt = xmalloc(len), *out = xmalloc(tj_b64url_decoded_bound(len));
        random_text(txt, raw, m);
        double best[3];
        long iters = (long)(4000000 / len) + 1000;
        for (f = 0; f < 3; f++) {
            decoder volatile fn = fns[f];
            int rep;
            best[f] = 1e30;
            for (rep = 0; rep < 7; rep++) {
                long it;
                size_t ol = 0;
                double t0 = now_ns();
                for (it = 0; it < iters; it++) {
                    fn(txt, len, out, &ol);
                    sink += out[ol / 2];
                }
                double dt = (now_ns() - t0) / (double)iters;
                if (dt < best[f])
                    best[f] = dt;
            }
        }
        printf("%8zu %12.1f %12.1f %12.1f %8.2fx %8.2fx\n", len, best[0], best[1], best[2], best[0] / best[1],
               best[0] / best[2]);
        free(raw), free(txt), free(out);
    }
    printf("%8s %12s %12s %9s\n", "bytes", "enc scalar", "enc main", "scal/main");
    for (s = 0; s < 4; s++) {
        size_t len = sizes[s], f;
        uint8_t *raw = xmalloc(len), *txt = xmalloc(tj_b64url_encoded_len(len));
        for (f = 0; f < len; f++)
            raw[f] = (uint8_t)rnd();
        double best[2];
        long iters = (long)(4000000 / len) + 1000;
        for (f = 0; f < 2; f++) {
            size_t (*volatile fn)(const uint8_t *, size_t, uint8_t *) = f ? tj_b64url_encode : tj_b64url_encode_scalar;
            int rep;
            best[f] = 1e30;
            for (rep = 0; rep < 7; rep++) {
                long it;
                double t0 = now_ns();
                for (it = 0; it < iters; it++)
                    sink += txt[fn(raw, len, txt) / 2];
                double dt = (now_ns() - t0) / (double)iters;
                if (dt < best[f])
                    best[f] = dt;
            }
        }
        printf("%8zu %12.1f %12.1f %8.2fx\n", len, best[0], best[1], best[0] / best[1]);
        free(raw), free(txt);
    }
    (void)sink;
}

static const char *kernel_name(void)
{
#if defined(TJ_B64_SCALAR_ONLY) || !(defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)))
    return "scalar only";
#else
    __builtin_cpu_init();
#ifndef TJ_B64_NO_AVX2
    if (__builtin_cpu_supports("avx2"))
        return "avx2";
#endif
    return __builtin_cpu_supports("ssse3") ? "ssse3" : "scalar (no ssse3)";
#endif
}

int main(int argc, char **argv)
{
    int tests = !(argc > 1 && strcmp(argv[1], "--bench") == 0);
    int benchmark = !(argc > 1 && strcmp(argv[1], "--no-bench") == 0);
    printf("tj_b64url_decode path: %s\n", kernel_name());
    if (benchmark)
        bench();
    if (!tests)
        return 0;
    test_vectors();
    test_exhaustive_short();
    test_exhaustive_small_alphabet();
    test_lengths_alignments();
    test_every_byte_everywhere();
    test_trailing_bits();
    test_padding();
    test_random(300000);
    test_encode();
    test_guard_pages();
    size_t i, d;
    for (i = 0; i <= MAXLEN; i++) {
        free(in_cache[i]);
        for (d = 0; d < 4; d++)
            free(out_cache[d][i]);
    }
    printf("%lu passed, %lu failed\n", n_pass, n_fail);
    return n_fail == 0 ? 0 : 1;
}
