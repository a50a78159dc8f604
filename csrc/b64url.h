/*
 * b64url.h: strict base64url (RFC 4648 section 5), as JWS compact form needs it.
 *
 * Decoding accepts only the URL-safe alphabet, refuses a length of 1 mod 4 and
 * any non-zero trailing bits (so each byte string has exactly one accepted
 * encoding), and accepts trailing '=' padding only the way PyJWT 2.15 does: one
 * or two '=' and only when the padded length is a multiple of four.
 */
#ifndef TJ_B64URL_H
#define TJ_B64URL_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound of the decoded size of len characters of input. */
static inline size_t tj_b64url_decoded_bound(size_t len) { return (len / 4u) * 3u + 3u; }

/* Exact encoded size (no padding) of len bytes. */
static inline size_t tj_b64url_encoded_len(size_t len) { return (len / 3u) * 4u + ((len % 3u) ? (len % 3u) + 1u : 0u); }

/*
 * Decode in[0..len) into out (which holds at least tj_b64url_decoded_bound(len)
 * bytes). Returns 0 and sets *out_len on success, -1 on any invalid input.
 */
int tj_b64url_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len);

/*
 * The portable scalar decoder alone, same contract and results as
 * tj_b64url_decode (which uses SIMD kernels where it can). For the tests and
 * benchmarks, which compare the two; the library itself does not call it.
 */
int tj_b64url_decode_scalar(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len);

/* Encode in[0..len) into out (tj_b64url_encoded_len(len) bytes), no padding. Returns the length.
 * Uses an SSSE3 kernel on x86-64 CPUs that have it. */
size_t tj_b64url_encode(const uint8_t *in, size_t len, uint8_t *out);

/* The portable scalar encoder alone, same contract and results (for the tests). */
size_t tj_b64url_encode_scalar(const uint8_t *in, size_t len, uint8_t *out);

#endif
