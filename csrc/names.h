/*
 * names.h: the member names nearly every JWT carries, recognised in one step.
 *
 * Each name is packed into a 64-bit word and has its own slot in a 64-slot
 * table, picked by a multiplicative hash of the word whose multiplier leaves
 * no two names in one slot: recognising a name costs one load, one multiply
 * and one compare, with no memcmp.
 *
 * The claim checks (claims.c) recognise every top-level member name of a
 * payload this way and record the result on the tape (TJ_JSON_F_NAMED), so
 * that the binding, building the claims dict afterwards, hands out one shared
 * str per common name without looking the name up a second time.
 */
#ifndef TJ_NAMES_H
#define TJ_NAMES_H

#include <stdint.h>
#include <string.h>

#include "json.h"

/* Name ids; 0 is "not a common name". The first seven are the registered
 * claims that tj_check_claims reads. */
typedef enum {
    TJ_NAME_NONE = 0,
    TJ_NAME_ISS, TJ_NAME_SUB, TJ_NAME_AUD, TJ_NAME_EXP, TJ_NAME_NBF, TJ_NAME_IAT, TJ_NAME_JTI,
    TJ_NAME_ALG, TJ_NAME_TYP, TJ_NAME_KID, TJ_NAME_CTY, TJ_NAME_CRIT, TJ_NAME_B64,
    TJ_NAME_NAME, TJ_NAME_SCOPE, TJ_NAME_EMAIL, TJ_NAME_AZP, TJ_NAME_ROLES, TJ_NAME_SID,
    TJ_NAME_NONCE,
    TJ_NAME_COUNT   /* one past the last id */
} tj_name_id;

#define TJ_NAME_LAST_CLAIM TJ_NAME_JTI

/* The text of each id (NUL-terminated ASCII, at most 8 bytes); [0] is "". */
extern const char *const tj_name_text[TJ_NAME_COUNT];

typedef struct {
    uint64_t word;  /* the name's bytes, little-endian, zero-padded */
    uint32_t len;   /* 0: an empty slot */
    uint32_t id;
} tj_name_slot;

extern const tj_name_slot tj_name_table[64];

/* The multiplier: found by search so that the names above share no slot
 * (tests/test_tape_objects.py fails if one is added that collides). */
#define TJ_NAME_MULT UINT64_C(0x12186ddd8e581653)
#define TJ_NAME_SLOT(word, len) \
    ((unsigned)((((uint64_t)(word) ^ (uint64_t)(len)) * TJ_NAME_MULT) >> 58))

/* The n bytes at s (1 <= n <= 8) as a little-endian word, read with
 * fixed-size loads only: copying n bytes into a stack word and reading it
 * back stalls the CPU on store-to-load forwarding, once per member name.
 * Three-letter names (most registered claims) take constant shifts. */
static inline uint64_t tj_name_word(const uint8_t *s, uint32_t n)
{
    if (n == 3)
        return (uint64_t)s[0] | ((uint64_t)s[1] << 8) | ((uint64_t)s[2] << 16);
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        lo = __builtin_bswap32(lo);
        hi = __builtin_bswap32(hi);
#endif
        /* The loads overlap when n < 8; shared bytes are equal, so OR is exact. */
        return (uint64_t)lo | ((uint64_t)hi << (8 * (n - 4)));
    }
    return (uint64_t)s[0] | ((uint64_t)s[n - 1] << (8 * (n - 1)));
}

/* The id of the unescaped name s[0..n), or 0. */
static inline unsigned tj_name_lookup(const uint8_t *s, uint32_t n)
{
    if (n == 0 || n > 8)
        return 0;
    uint64_t w = tj_name_word(s, n);
    const tj_name_slot *slot = &tj_name_table[TJ_NAME_SLOT(w, n)];
    return (slot->word == w && slot->len == n) ? slot->id : 0;
}

/* The id of the member name at key (a STRING entry of doc): the one the
 * claim checks recorded, else looked up now. An escaped name that the checks
 * did not record counts as no common name (its text is decoded instead). */
static inline unsigned tj_json_name_id(const uint8_t *doc, const tj_json_entry *key)
{
    if (key->flags & TJ_JSON_F_NAMED)
        return key->reserved;
    if (key->flags & TJ_JSON_F_ESCAPED)
        return 0;
    return tj_name_lookup(doc + key->pos, key->len);
}

#endif
