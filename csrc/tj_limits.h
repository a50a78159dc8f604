/*
 * tj_limits.h: the sizes the core refuses to go past.
 *
 * Every buffer the core writes is sized from the token's length, and the
 * token's length is capped here, so no input can make the caller allocate more
 * than a fixed multiple of TJ_MAX_TOKEN_LEN. docs/security.md lists these.
 */
#ifndef TJ_LIMITS_H
#define TJ_LIMITS_H

/* Longest compact token accepted by default (bytes), detached payload included. */
#define TJ_DEFAULT_MAX_TOKEN_LEN (1024u * 1024u)
/* Hard ceiling for a caller-chosen maximum: offsets on the tape are 32-bit. */
#define TJ_HARD_MAX_TOKEN_LEN (64u * 1024u * 1024u)
/* Deepest nesting of arrays and objects in the header or the payload. */
#define TJ_JSON_MAX_DEPTH 64u
/* Most parameters in a JOSE header (duplicate detection is quadratic in this). */
#define TJ_MAX_HEADER_PARAMS 64u

#endif
