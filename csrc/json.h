/*
 * json.h: a strict RFC 8259 parser that describes a document as a tape.
 *
 * Design note: parsing never allocates and never copies. The caller hands in a
 * tape (an array of tj_json_entry) and the parser writes one entry per value,
 * in document order: an OBJECT entry is followed by its members as
 * (STRING key, value) pairs, an ARRAY entry by its elements, each value followed
 * by its own descendants. Strings and numbers point back into the document, so
 * a claim check can compare a name or read an integer without building anything,
 * and the binding builds Python objects only when the caller wants them.
 *
 * Strictness (each choice is listed in docs/security.md):
 *   - UTF-8 is validated (no overlong forms, no surrogates, nothing above U+10FFFF);
 *     a byte order mark is refused.
 *   - \u escapes must form valid code points: a lone surrogate is refused
 *     (Python's json module accepts one; we are stricter).
 *   - NaN, Infinity and -Infinity are refused (json.loads accepts them).
 *   - Control characters below 0x20 inside strings are refused (as json.loads does).
 *   - Nesting deeper than max_depth is refused.
 *   - An integer of more than TJ_JSON_MAX_INT_DIGITS digits is refused
 *     (TJ_JSON_ERR_TOO_LARGE), as json.loads refuses it under Python's default
 *     int_max_str_digits.
 * The whole document must be one value, with only JSON whitespace around it.
 */
#ifndef TJ_JSON_H
#define TJ_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Longest integer literal accepted, in digits: Python's default int max_str_digits. */
#define TJ_JSON_MAX_INT_DIGITS 4300u

typedef enum {
    TJ_JSON_NULL = 1,
    TJ_JSON_FALSE,
    TJ_JSON_TRUE,
    TJ_JSON_INT,     /* -?(0|[1-9][0-9]*) */
    TJ_JSON_FLOAT,   /* a number with a fraction or an exponent */
    TJ_JSON_STRING,
    TJ_JSON_ARRAY,
    TJ_JSON_OBJECT
} tj_json_type;

/* entry flags */
#define TJ_JSON_F_ESCAPED 0x01u  /* STRING: the raw text contains at least one backslash escape */
#define TJ_JSON_F_ASCII   0x02u  /* STRING: every decoded character is below U+0080 */
/* Set after parsing, by the claim checks (claims.c), never by the parser: */
#define TJ_JSON_F_NAMED    0x04u /* member name: reserved holds its tj_name_id (names.h), 0 for none */
#define TJ_JSON_F_EXPECTED 0x08u /* iss or aud string value: equal to expected value number reserved */

typedef struct {
    uint8_t type;      /* tj_json_type */
    uint8_t flags;     /* TJ_JSON_F_* */
    /* 0 as the parser writes it. The claim checks annotate a payload's tape
     * here: see TJ_JSON_F_NAMED and TJ_JSON_F_EXPECTED. */
    uint16_t reserved;
    /* STRING: length in bytes of the raw text between the quotes;
     * INT/FLOAT: length of the number's text;
     * ARRAY: number of elements; OBJECT: number of members; otherwise 0. */
    uint32_t len;
    /* STRING: offset of the first byte after the opening quote;
     * INT/FLOAT/NULL/TRUE/FALSE: offset of the first character;
     * ARRAY/OBJECT: index of the first tape entry after this value's last descendant. */
    uint32_t pos;
} tj_json_entry;

typedef enum {
    TJ_JSON_OK = 0,
    TJ_JSON_ERR_SYNTAX,     /* grammar violation, including trailing data */
    TJ_JSON_ERR_UTF8,       /* invalid UTF-8, or a byte order mark */
    TJ_JSON_ERR_ESCAPE,     /* bad escape, or a \u escape that is a lone surrogate */
    TJ_JSON_ERR_CONTROL,    /* raw control character in a string */
    TJ_JSON_ERR_DEPTH,      /* nesting deeper than max_depth */
    TJ_JSON_ERR_TOO_LARGE,  /* more values than the tape holds, an integer of too many digits, or document over 4 GiB */
    TJ_JSON_ERR_EMPTY       /* nothing but whitespace */
} tj_json_status;

typedef struct {
    tj_json_entry *entries; /* caller-owned storage */
    uint32_t cap;           /* entries available */
    uint32_t count;         /* entries written by the last successful parse */
} tj_json_tape;

/* Entries needed, at most, for any document of len bytes: each value but the
 * outermost takes at least two bytes of text with its separator. */
static inline uint32_t tj_json_tape_bound(size_t len) { return (uint32_t)(len / 2u + 2u); }

/*
 * Parse doc[0..len) onto tape (appending from tape->count is NOT supported:
 * the parse starts at entry 0 and sets tape->count). On error, *err_pos (if not
 * NULL) receives the byte offset where the problem was found.
 */
tj_json_status tj_json_parse(const uint8_t *doc, size_t len, tj_json_tape *tape,
                             unsigned max_depth, size_t *err_pos);

/* A short static description of a parse status. */
const char *tj_json_status_message(tj_json_status st);

/* Index of the entry that follows the value at index i with all its descendants. */
static inline uint32_t tj_json_skip(const tj_json_entry *entries, uint32_t i)
{
    uint8_t t = entries[i].type;
    return (t == TJ_JSON_ARRAY || t == TJ_JSON_OBJECT) ? entries[i].pos : i + 1u;
}

/*
 * Does the STRING entry e of doc decode to exactly the UTF-8 bytes lit[0..litlen)?
 * Escapes are decoded on the fly, so "\u0061lg" equals "alg".
 */
int tj_json_str_eq(const uint8_t *doc, const tj_json_entry *e, const char *lit, size_t litlen);

/* Do two STRING entries (of the same or different documents) decode to the same text? */
int tj_json_str_eq2(const uint8_t *doc_a, const tj_json_entry *a,
                    const uint8_t *doc_b, const tj_json_entry *b);

/*
 * Decode the STRING entry e into out as UTF-8 and return the number of bytes
 * written. out must hold e->len bytes (decoding never grows the text).
 */
size_t tj_json_unescape(const uint8_t *doc, const tj_json_entry *e, uint8_t *out);

/*
 * Read an INT entry as a signed 64-bit value. Returns 1 and sets *out when the
 * text has at most 18 digits (so it always fits), 0 otherwise.
 */
int tj_json_small_int(const uint8_t *doc, const tj_json_entry *e, int64_t *out);

/* Is the number entry e (INT or FLOAT) equal to zero ("0", "-0", "0.0e7", ...)? */
int tj_json_number_is_zero(const uint8_t *doc, const tj_json_entry *e);

#endif
