/*
 * jws.h: from a compact token to a verified, claim-checked document.
 *
 * tj_decode runs every step that PyJWT 2.15 runs, in PyJWT's order, so that the
 * first problem found is the one PyJWT would report:
 *   1. split into header.payload.signature (exactly three segments);
 *   2. strict base64url of the header, JSON object, header rules
 *      (duplicate names, kid, crit, b64);
 *   3. base64url of the payload (or the detached payload, RFC 7797) and signature;
 *   4. algorithm from the caller's allow-list, never from the token alone;
 *      signature with the key prepared for that algorithm;
 *   5. the payload as a JSON object;
 *   6. the registered claims (claims.h).
 * Nothing here allocates: decoded bytes and the JSON tape go into the caller's
 * tj_workspace, sized with tj_workspace_need(). Nothing here touches Python, so
 * the binding may release the GIL around it.
 */
#ifndef TJ_JWS_H
#define TJ_JWS_H

#include <stddef.h>
#include <stdint.h>

#include "algs.h"
#include "json.h"
#include "keys.h"
#include "tj_status.h"

typedef struct {
    const char *ptr;
    size_t len;
} tj_str;

/* One entry of the caller's algorithm allow-list. */
typedef struct {
    tj_str name;         /* as the caller wrote it; compared with the header's alg */
    tj_alg alg;          /* what it names (TJ_ALG_UNSUPPORTED for unknown names) */
    const tj_key *key;   /* prepared key for alg, or NULL when the key cannot serve alg */
} tj_allowed_alg;

/* One key of a key set (a JWKS): the token's kid selects it. */
typedef struct {
    tj_str kid;                  /* ptr NULL for a key without a kid */
    const tj_allowed_alg *algs;  /* the algorithms this key verifies (a subset of the allow-list) */
    size_t n_algs;
} tj_set_key;

/* policy flags */
#define TJ_VERIFY_SIGNATURE 0x0001u
#define TJ_VERIFY_EXP       0x0002u
#define TJ_VERIFY_NBF       0x0004u
#define TJ_VERIFY_IAT       0x0008u
#define TJ_VERIFY_AUD       0x0010u
#define TJ_VERIFY_ISS       0x0020u
#define TJ_VERIFY_SUB       0x0040u
#define TJ_VERIFY_JTI       0x0080u
#define TJ_STRICT_AUD       0x0100u
#define TJ_AUDIENCE_SET     0x0200u  /* an expected audience was given */
#define TJ_AUDIENCE_IS_STR  0x0400u  /* ... and it was one string (strict_aud needs that) */
#define TJ_ISSUER_SET       0x0800u  /* an expected issuer (or issuers) was given */
#define TJ_SUBJECT_SET      0x1000u
#define TJ_CLAIMS_IN_PYTHON 0x2000u  /* skip claim checks here: the binding runs them */
#define TJ_SKIP_PAYLOAD     0x4000u  /* the payload is not JSON to parse (JWS layer only) */
#define TJ_HEADER_ONLY      0x8000u  /* stop after the header rules (get_unverified_header) */

/*
 * Header segments a verifier has seen on tokens whose signature it verified,
 * kept decoded and parsed. A gateway's tokens nearly all carry one of a few
 * headers, byte for byte; a token whose header segment equals a remembered
 * one skips its base64url, JSON parse and header scan (the result would be
 * the same: it is a function of those bytes). At most TJ_HEADER_MEMO_SLOTS
 * headers are kept, each learned once (one allocation) and never changed or
 * freed before the memo; only verified tokens teach it, so a client without
 * the key cannot fill it. Safe to share between threads.
 */
typedef struct tj_header_memo tj_header_memo;
#define TJ_HEADER_MEMO_SLOTS 4

/* A new, empty memo, or NULL when out of memory (decoding then works without one). */
tj_header_memo *tj_header_memo_new(void);
void tj_header_memo_free(tj_header_memo *memo);
/* How many headers the memo holds (for tests). */
unsigned tj_header_memo_count(const tj_header_memo *memo);

/* Everything a verifier decides once: what to accept and which key verifies. */
typedef struct {
    unsigned flags;
    double leeway;                   /* seconds */
    size_t max_token_len;            /* bytes, detached payload included */
    const tj_allowed_alg *algs;      /* the allow-list; with a key set, its keys are unused */
    size_t n_algs;
    const tj_set_key *keys;          /* a key set, or NULL: the key then comes with algs[] */
    size_t n_keys;
    const tj_str *audience;          /* expected audiences (one for a string) */
    size_t n_audience;
    const tj_str *issuers;           /* accepted issuers (one for a string) */
    size_t n_issuers;
    tj_str subject;
    const tj_str *require;           /* claims that must be present and not null */
    size_t n_require;
    tj_header_memo *memo;            /* remembered headers, or NULL for none */
} tj_policy;

/* Caller-owned scratch memory for one decode. */
typedef struct {
    uint8_t *buf;                    /* decoded header, payload and signature */
    size_t buf_cap;
    tj_json_entry *tape;             /* header tape followed by payload tape */
    uint32_t tape_cap;
} tj_workspace;

/* Bytes and tape entries a workspace needs for a token of token_len bytes,
 * with a detached payload of detached_len bytes when has_detached (an empty
 * detached payload still counts: the signing input is then rebuilt). */
void tj_workspace_need(size_t token_len, size_t detached_len, int has_detached, size_t *buf_bytes,
                       uint32_t *tape_entries);

/* What tj_decode found; pointers refer into the token or the workspace. */
typedef struct {
    tj_status status;
    int detail;                      /* TJ_ERR_MISSING_CLAIM: index into require, or TJ_CLAIM_*;
                                        JSON errors: tj_json_status */
    const uint8_t *header;           /* decoded header JSON */
    size_t header_len;
    const uint8_t *payload;          /* payload bytes (decoded, or the detached payload) */
    size_t payload_len;
    uint32_t payload_root;           /* tape index where the payload's tape starts (its object is
                                        entry 0 of that tape; its indices are relative to it) */
    const uint8_t *signature;
    size_t signature_len;
    int alg_index;                   /* index into the algs[] that served the token (the key's
                                        own list with a key set, else policy->algs), or -1 */
    int key_index;                   /* index into policy->keys, or -1 */
} tj_decoded;

/*
 * Decode and verify token[0..len). detached may be NULL (no detached payload).
 * now is the current time in seconds since the epoch (the claims' clock).
 * out->status is TJ_OK, TJ_DEFER_CLAIMS, or the first problem found.
 */
void tj_decode(const tj_policy *policy, const uint8_t *token, size_t len,
               const uint8_t *detached, size_t detached_len, double now,
               tj_workspace *ws, tj_decoded *out);

/* The current time (CLOCK_REALTIME) as seconds since the epoch. */
double tj_now(void);

#endif
