/*
 * b64url.c: strict base64url decoding and unpadded encoding (see b64url.h).
 *
 * Design of the decoder
 * ---------------------
 * tj_b64url_decode() first strips the allowed '=' padding and refuses a length
 * of 1 mod 4 (both O(1), shared by every path). What is left, in[0..n), is
 * q = n rounded down to a multiple of 4 chars of whole quanta, then 0, 2 or 3
 * chars of a final partial quantum.
 *
 *  1. On x86-64 with GCC or clang, when q >= 16, a SIMD kernel (AVX2, else
 *     SSSE3, picked once at run time with __builtin_cpu_supports) decodes the
 *     whole quanta in[0..q). It uses the method of Wojciech Mula and Daniel
 *     Lemire ("Faster Base64 Encoding and Decoding Using AVX2 Instructions",
 *     2018), adapted to the URL-safe alphabet:
 *       - validate: two pshufb lookups, on the low and the high nibble of each
 *         byte, give bit masks whose AND is non-zero exactly for bytes outside
 *         A-Z a-z 0-9 '-' '_' (bytes >= 0x80 included);
 *       - map to 0..63: add an offset looked up by high nibble; '_' (0x5F) is
 *         the one valid byte whose high nibble (5) also holds letters, so its
 *         index is moved to the otherwise unused 13 first;
 *       - pack 4 x 6 bits into 3 bytes: pmaddubsw, pmaddwd, then pshufb (and
 *         vpermd for AVX2) to squeeze out the zero bytes.
 *     It decodes 32-char (AVX2) and 16-char blocks, and the last 4..12 chars
 *     as a 16-char block ending at q that overlaps the one before (the same
 *     chars give the same bytes). Every block lies inside in[0..q), and stores
 *     exactly its 24 or 12 bytes, so nothing is read outside the input and
 *     nothing is written past the decoded length. A block with any invalid
 *     byte rejects the whole input, as any invalid byte anywhere does.
 *  2. The portable scalar code decodes the final partial quantum, with its
 *     trailing-bits check, and everything when there is no kernel (other
 *     platforms, q < 16, TJ_B64_SCALAR_ONLY). Its tables hold each char's value
 *     already shifted into place for its position in the quantum, with bit 31
 *     for an invalid char, so a quantum is the OR of four lookups and one test
 *     of bit 31 checks all four chars; it goes two quanta per step.
 *
 * Compile-time switches, for testing: TJ_B64_SCALAR_ONLY uses the scalar code
 * only; TJ_B64_NO_AVX2 never picks the AVX2 kernel (so SSSE3 gets tested).
 * On a rejected input the contents of out are unspecified (any path may have
 * written part of it), as they always were; *out_len is left untouched.
 */
#include "b64url.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(TJ_B64_SCALAR_ONLY)
#define TJ_B64_SIMD 1
#include <immintrin.h>
#endif

/* ------------------------------------------------------------------------ */
/* Portable scalar decoder                                                   */
/* ------------------------------------------------------------------------ */

/* The value of char c (0..63), or -1 outside the URL-safe alphabet. */
#define VAL(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 : \
                (c) >= '0' && (c) <= '9' ? (c) - '0' + 52 : (c) == '-' ? 62 : (c) == '_' ? 63 : -1)
/* The value of c shifted into place for char k of a quantum (the 24 bits of a
 * quantum are the OR of the four), or BAD: bit 31, which no valid value has. */
#define BAD 0x80000000u
#define SHIFTED(c, k) (VAL(c) < 0 ? BAD : (uint32_t)VAL(c) << (18 - 6 * (k)))
#define D0(c) SHIFTED(c, 0)
#define D1(c) SHIFTED(c, 1)
#define D2(c) SHIFTED(c, 2)
#define D3(c) SHIFTED(c, 3)
#define R16(F, c) F(c), F(c + 1), F(c + 2), F(c + 3), F(c + 4), F(c + 5), F(c + 6), F(c + 7), F(c + 8), \
                  F(c + 9), F(c + 10), F(c + 11), F(c + 12), F(c + 13), F(c + 14), F(c + 15)
#define R256(F) R16(F, 0), R16(F, 16), R16(F, 32), R16(F, 48), R16(F, 64), R16(F, 80), R16(F, 96), \
                R16(F, 112), R16(F, 128), R16(F, 144), R16(F, 160), R16(F, 176), R16(F, 192), R16(F, 208), \
                R16(F, 224), R16(F, 240)
static const uint32_t dec0[256] = {R256(D0)}, dec1[256] = {R256(D1)};
static const uint32_t dec2[256] = {R256(D2)}, dec3[256] = {R256(D3)};

static const char enc_table[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Strips the padding PyJWT 2.15 accepts (some issuers, e.g. AWS ALB, send it):
 * at most two '=' and only when the padded text is a multiple of 4 long.
 * Returns the unpadded length, or SIZE_MAX when the padding or length is bad. */
static size_t unpadded_len(const uint8_t *in, size_t len)
{
    size_t n = len;
    if (n > 0 && in[n - 1] == '=') {
        n--;
        if (n > 0 && in[n - 1] == '=')
            n--;
        if (len % 4u != 0 || (n > 0 && in[n - 1] == '='))
            return SIZE_MAX;
    }
    return n % 4u == 1u ? SIZE_MAX : n;
}

static inline void put3(uint8_t *out, uint32_t v)
{
    out[0] = (uint8_t)(v >> 16);
    out[1] = (uint8_t)(v >> 8);
    out[2] = (uint8_t)v;
}

/* Decodes in[i..n) (i a multiple of 4, n % 4 != 1) into out + i / 4 * 3. */
static int decode_scalar_from(const uint8_t *in, size_t n, size_t i, uint8_t *out, size_t *out_len)
{
    size_t o = i / 4u * 3u;
    /* Two quanta per step, one branch for any byte outside the alphabet. */
    for (; i + 8u <= n; i += 8u, o += 6u) {
        const uint8_t *s = in + i;
        uint32_t v = dec0[s[0]] | dec1[s[1]] | dec2[s[2]] | dec3[s[3]];
        uint32_t w = dec0[s[4]] | dec1[s[5]] | dec2[s[6]] | dec3[s[7]];
        if ((v | w) & BAD)
            return -1;
        put3(out + o, v);
        put3(out + o + 3, w);
    }
    if (i + 4u <= n) {
        uint32_t v = dec0[in[i]] | dec1[in[i + 1]] | dec2[in[i + 2]] | dec3[in[i + 3]];
        if (v & BAD)
            return -1;
        put3(out + o, v);
        o += 3u;
        i += 4u;
    }
    /* The final 2 or 3 chars: their unused low bits (4 or 2, at bits 12..15 or
     * 6..7 of v) must be zero, or the same bytes would have a second spelling. */
    if (n - i == 2u) {
        uint32_t v = dec0[in[i]] | dec1[in[i + 1]];
        if (v & (BAD | 0xF000u))
            return -1;
        out[o++] = (uint8_t)(v >> 16);
    } else if (n - i == 3u) {
        uint32_t v = dec0[in[i]] | dec1[in[i + 1]] | dec2[in[i + 2]];
        if (v & (BAD | 0xC0u))
            return -1;
        out[o] = (uint8_t)(v >> 16);
        out[o + 1] = (uint8_t)(v >> 8);
        o += 2u;
    }
    *out_len = o;
    return 0;
}

int tj_b64url_decode_scalar(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t n = unpadded_len(in, len);
    return n == SIZE_MAX ? -1 : decode_scalar_from(in, n, 0, out, out_len);
}

/* ------------------------------------------------------------------------ */
/* x86-64 SIMD kernels (SSSE3 and AVX2)                                      */
/* ------------------------------------------------------------------------ */
#ifdef TJ_B64_SIMD

/* A kernel decodes in[0..q), q >= 16 whole quanta (q % 4 == 0), into
 * out[0..q / 4 * 3); 0 if all of it is valid, else -1. */
typedef int (*b64_kernel)(const uint8_t *in, size_t q, uint8_t *out);

/* Per nibble lookups, the same in every 128-bit lane. Bit k of lut_hi[h] is the
 * class of high nibble h; bit k of lut_lo[l] is set when low nibble l is NOT a
 * valid char in class k. Classes: bit0 high nibble 0,1,8-F (nothing valid);
 * bit1 '-' (2D); bit2 digits (30-39); bit3 letters 41-4F and 61-6F; bit4 50-5A
 * and '_' (5F); bit5 70-7A. */
#define LUT_LO 0x0B, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x37, 0x37, 0x35, 0x37, 0x27
#define LUT_HI 0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x08, 0x20, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01
/* Offset from char to value by high nibble: '-' +17, digits +4, A-Z -65, a-z
 * -71; index 13 is '_' (0x5F - 32 = 63), which is moved there by adding 8. */
#define LUT_ROLL 0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, -32, 0, 0
/* Within each 32-bit word after pmaddwd: the 3 payload bytes, big-endian first. */
#define PACK 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1

#define SSSE3_INLINE __attribute__((target("ssse3"), always_inline))
#define AVX2_INLINE __attribute__((target("avx2"), always_inline))

/* Decodes the 16 chars at in into 12 bytes at out; 0 if all are valid, else
 * -1 (nothing stored). */
SSSE3_INLINE static inline int block16(const uint8_t *in, uint8_t *out)
{
    const __m128i nib = _mm_set1_epi8(0x0F);
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)in);
    __m128i hi = _mm_and_si128(_mm_srli_epi32(x, 4), nib);
    __m128i bad = _mm_and_si128(_mm_shuffle_epi8(_mm_setr_epi8(LUT_LO), _mm_and_si128(x, nib)),
                                _mm_shuffle_epi8(_mm_setr_epi8(LUT_HI), hi));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) != 0xFFFF)
        return -1;
    __m128i idx = _mm_add_epi8(hi, _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x5F)), _mm_set1_epi8(8)));
    __m128i v = _mm_add_epi8(x, _mm_shuffle_epi8(_mm_setr_epi8(LUT_ROLL), idx));
    v = _mm_maddubs_epi16(v, _mm_set1_epi32(0x01400140)); /* 16 bits: a << 6 | b */
    v = _mm_madd_epi16(v, _mm_set1_epi32(0x00011000));    /* 32 bits: ab << 12 | cd */
    v = _mm_shuffle_epi8(v, _mm_setr_epi8(PACK));
    _mm_storel_epi64((__m128i *)(void *)out, v);
    uint32_t last = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(v, 8));
    memcpy(out + 8, &last, 4);
    return 0;
}

#ifndef TJ_B64_NO_AVX2
/* The same for 32 chars into 24 bytes. */
AVX2_INLINE static inline int block32(const uint8_t *in, uint8_t *out)
{
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)in);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi32(x, 4), nib);
    if (!_mm256_testz_si256(_mm256_shuffle_epi8(_mm256_setr_epi8(LUT_LO, LUT_LO), _mm256_and_si256(x, nib)),
                            _mm256_shuffle_epi8(_mm256_setr_epi8(LUT_HI, LUT_HI), hi)))
        return -1;
    __m256i eq = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(0x5F));
    __m256i idx = _mm256_add_epi8(hi, _mm256_and_si256(eq, _mm256_set1_epi8(8)));
    __m256i v = _mm256_add_epi8(x, _mm256_shuffle_epi8(_mm256_setr_epi8(LUT_ROLL, LUT_ROLL), idx));
    v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
    v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
    v = _mm256_shuffle_epi8(v, _mm256_setr_epi8(PACK, PACK));
    /* 12 bytes at the bottom of each lane: move them to bytes 0..23. */
    v = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
    _mm_storeu_si128((__m128i *)(void *)out, _mm256_castsi256_si128(v));
    _mm_storel_epi64((__m128i *)(void *)(out + 16), _mm256_extracti128_si256(v, 1));
    return 0;
}
#endif

/* Whole blocks, then the last 4..12 chars as one more block of the last 16
 * chars, overlapping the previous one (q >= 16): same chars, same bytes. */
#define LAST16(in, q, out) block16((in) + (q) - 16u, (out) + ((q) - 16u) / 4u * 3u)

__attribute__((target("ssse3"))) static int kernel_ssse3(const uint8_t *in, size_t q, uint8_t *out)
{
    size_t i = 0;
    for (; i + 16u <= q; i += 16u)
        if (block16(in + i, out + i / 4u * 3u) != 0)
            return -1;
    return (i < q && LAST16(in, q, out) != 0) ? -1 : 0;
}

#ifndef TJ_B64_NO_AVX2
__attribute__((target("avx2"))) static int kernel_avx2(const uint8_t *in, size_t q, uint8_t *out)
{
    size_t i = 0;
    for (; i + 32u <= q; i += 32u)
        if (block32(in + i, out + i / 4u * 3u) != 0)
            return -1;
    if (i + 16u <= q) {
        if (block16(in + i, out + i / 4u * 3u) != 0)
            return -1;
        i += 16u;
    }
    return (i < q && LAST16(in, q, out) != 0) ? -1 : 0;
}
#endif

/* For a CPU without SSSE3. */
static int kernel_scalar(const uint8_t *in, size_t q, uint8_t *out)
{
    size_t unused;
    return decode_scalar_from(in, q, 0, out, &unused);
}

/* Resolved on first use. Threads racing there all compute and store the same
 * value; the atomic accesses make that race well-defined. */
static b64_kernel kernel_ptr;

static int decode_simd(const uint8_t *in, size_t q, uint8_t *out)
{
    b64_kernel k = __atomic_load_n(&kernel_ptr, __ATOMIC_RELAXED);
    if (__builtin_expect(k == NULL, 0)) {
        __builtin_cpu_init();
        k = __builtin_cpu_supports("ssse3") ? kernel_ssse3 : kernel_scalar;
#ifndef TJ_B64_NO_AVX2
        if (__builtin_cpu_supports("avx2"))
            k = kernel_avx2;
#endif
        __atomic_store_n(&kernel_ptr, k, __ATOMIC_RELAXED);
    }
    return k(in, q, out);
}

/* Encoder (SSSE3): 12 bytes into 16 chars per step, after W. Muła and
 * D. Lemire, "Faster Base64 Encoding and Decoding using AVX2 Instructions"
 * (2018), with the URL-safe alphabet. */

/* Byte i of the result is the 6-bit value of output char i: each group of
 * three bytes is spread over a 32-bit lane as b1 b0 b2 b1, then two
 * multiplies move its four 6-bit fields into the lane's four bytes. */
SSSE3_INLINE static inline __m128i enc_split(__m128i x)
{
    x = _mm_shuffle_epi8(x, _mm_set_epi8(10, 11, 9, 10, 7, 8, 6, 7, 4, 5, 3, 4, 1, 2, 0, 1));
    __m128i hi = _mm_mulhi_epu16(_mm_and_si128(x, _mm_set1_epi32(0x0FC0FC00)), _mm_set1_epi32(0x04000040));
    __m128i lo = _mm_mullo_epi16(_mm_and_si128(x, _mm_set1_epi32(0x003F03F0)), _mm_set1_epi32(0x01000010));
    return _mm_or_si128(hi, lo);
}

/* 6-bit values to chars: an offset by range, looked up by
 * 0 (A-Z), 1 (a-z), 2..11 (digits), 12 ('-'), 13 ('_'). */
SSSE3_INLINE static inline __m128i enc_chars(__m128i v)
{
    __m128i idx = _mm_subs_epu8(v, _mm_set1_epi8(51));
    idx = _mm_sub_epi8(idx, _mm_cmpgt_epi8(v, _mm_set1_epi8(25)));
    const __m128i offset = _mm_setr_epi8('A', 'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                                         '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '-' - 62, '_' - 63,
                                         0, 0);
    return _mm_add_epi8(v, _mm_shuffle_epi8(offset, idx));
}

/* Encodes in[0..i) for the largest i, a multiple of 12, with i + 4 <= len,
 * into out[0..i / 3 * 4); returns i. */
__attribute__((target("ssse3"))) static size_t encode_ssse3(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0, o = 0;
    for (; i + 16u <= len; i += 12u, o += 16u) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        _mm_storeu_si128((__m128i *)(void *)(out + o), enc_chars(enc_split(x)));
    }
    return i;
}

/* Whether the CPU has SSSE3; resolved on first use, as the decoder's kernel. */
static int encode_simd_ok(void)
{
    static int ok = -1;     /* -1 unknown, 0 no, 1 yes */
    int v = __atomic_load_n(&ok, __ATOMIC_RELAXED);
    if (__builtin_expect(v < 0, 0)) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("ssse3") ? 1 : 0;
        __atomic_store_n(&ok, v, __ATOMIC_RELAXED);
    }
    return v;
}

#endif /* TJ_B64_SIMD */

/* ------------------------------------------------------------------------ */
/* Public entry points                                                       */
/* ------------------------------------------------------------------------ */

int tj_b64url_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t n = unpadded_len(in, len);
    if (n == SIZE_MAX)
        return -1;
#ifdef TJ_B64_SIMD
    size_t q = n & ~(size_t)3; /* the whole quanta */
    if (q >= 16u) {
        if (decode_simd(in, q, out) != 0)
            return -1;
        return decode_scalar_from(in, n, q, out, out_len);
    }
#endif
    return decode_scalar_from(in, n, 0, out, out_len);
}

/* Encodes in[i..len) (i a multiple of 3) into out + i / 3 * 4; returns the total length. */
static size_t encode_scalar_from(const uint8_t *in, size_t len, size_t i, uint8_t *out)
{
    size_t o = i / 3u * 4u;
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

size_t tj_b64url_encode_scalar(const uint8_t *in, size_t len, uint8_t *out)
{
    return encode_scalar_from(in, len, 0, out);
}

size_t tj_b64url_encode(const uint8_t *in, size_t len, uint8_t *out)
{
#ifdef TJ_B64_SIMD
    /* 16 bytes are read for each 12 encoded: the SSSE3 loop stops while 4
     * input bytes remain, and the scalar code finishes. */
    if (len >= 16u && encode_simd_ok()) {
        size_t i = encode_ssse3(in, len, out);
        return encode_scalar_from(in, len, i, out);
    }
#endif
    return encode_scalar_from(in, len, 0, out);
}
