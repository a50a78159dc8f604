/* b64url.c: strict base64url decoding and unpadded encoding (see b64url.h). */
#include "b64url.h"

/* 0..63 for the URL-safe alphabet, 0xFF for everything else ('+', '/', '=' included). */
static const uint8_t dec_table[256] = {
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

static const char enc_table[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int tj_b64url_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    /* Padding as PyJWT 2.15 accepts it (some issuers, e.g. AWS ALB, send it):
     * at most two '=' and only when the padded text is a multiple of 4 long. */
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
    /* Whole quanta: OR the table values together so one branch per quantum
     * catches any byte outside the alphabet (0xFF has bit 7 set). */
    for (; i + 4u <= n; i += 4u) {
        uint32_t a = dec_table[in[i]], b = dec_table[in[i + 1]];
        uint32_t c = dec_table[in[i + 2]], d = dec_table[in[i + 3]];
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
        uint32_t a = dec_table[in[i]], b = dec_table[in[i + 1]];
        /* Non-zero trailing bits would give a second spelling of the same bytes. */
        if (((a | b) & 0x80u) || (b & 0x0Fu))
            return -1;
        out[o++] = (uint8_t)((a << 2) | (b >> 4));
    } else if (rem == 3u) {
        uint32_t a = dec_table[in[i]], b = dec_table[in[i + 1]], c = dec_table[in[i + 2]];
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

size_t tj_b64url_encode(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0, o = 0;
    for (; i + 3u <= len; i += 3u) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o] = (uint8_t)enc_table[v >> 18];
        out[o + 1] = (uint8_t)enc_table[(v >> 12) & 63u];
        out[o + 2] = (uint8_t)enc_table[(v >> 6) & 63u];
        out[o + 3] = (uint8_t)enc_table[v & 63u];
        o += 4u;
    }
    size_t rem = len - i;
    if (rem == 1u) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = (uint8_t)enc_table[v >> 18];
        out[o++] = (uint8_t)enc_table[(v >> 12) & 63u];
    } else if (rem == 2u) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = (uint8_t)enc_table[v >> 18];
        out[o++] = (uint8_t)enc_table[(v >> 12) & 63u];
        out[o++] = (uint8_t)enc_table[(v >> 6) & 63u];
    }
    return o;
}
