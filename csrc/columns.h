/*
 * columns.h: the result columns of a batch verification, written straight
 * into the buffers of Apache Arrow arrays (turbojwt.arrow).
 *
 * For each row: a validity bit, a reason code, and per requested claim the
 * claim's value (found by name in the payload's tape) as one of a few kinds.
 * The binding reads the tokens from the caller's Arrow buffers, runs the batch
 * engine (batch.h) on them, and then calls tj_verdicts_collect on each decoded
 * chunk, in row order, without the GIL. At the end tj_claim_col_finish turns a
 * claim's rows into the buffers of one typed Arrow array. Nothing here touches
 * Python; the memory is the caller's except each claim's text, which grows.
 */
#ifndef TJ_COLUMNS_H
#define TJ_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include "jws.h"

/* What a claim's value is, per row. */
enum {
    TJ_KIND_NULL = 0,   /* absent, JSON null, or the token did not verify */
    TJ_KIND_STRING,     /* text: the decoded string */
    TJ_KIND_INT,        /* slot: int64 (at most 18 digits); text: the digits */
    TJ_KIND_FLOAT,      /* slot: double; text: the number as written */
    TJ_KIND_BOOL,       /* slot: 0 or 1; text: "true" or "false" */
    TJ_KIND_JSON        /* text: compact JSON (objects, arrays, integers of 19+ digits) */
};

/* What a claim column becomes in Arrow. */
typedef enum {
    TJ_COL_STRING = 0,  /* strings as their text, other values as JSON text */
    TJ_COL_INT64,       /* integers; null for any other kind */
    TJ_COL_FLOAT64,     /* numbers; null for any other kind */
    TJ_COL_BOOL,        /* booleans; null for any other kind */
    TJ_COL_JSON         /* every value as compact JSON text */
} tj_col_type;

typedef struct {
    const char *name;   /* the claim's name, UTF-8 */
    size_t name_len;
    uint8_t *kind;      /* [rows] TJ_KIND_* */
    int64_t *slot;      /* [rows] int64, double bits or 0/1 by kind */
    int64_t *off;       /* [rows + 1] offsets into text; off[0] = 0 */
    uint8_t *text;      /* malloc'd, grows; freed by tj_claim_col_free_text */
    size_t text_len;
    size_t text_cap;
} tj_claim_col;

typedef struct {
    uint8_t *valid_bits;          /* [rows / 8 rounded up], zeroed by the caller */
    int32_t *reason;              /* [rows] 0: "ok"; see status_reason */
    /* reason code per tj_status, or -1: the binding decides with the GIL
     * (set reason[row] to -1 and count it). Rows whose token never reached the
     * core (tok NULL) keep what the caller put in reason[] before. */
    const int32_t *status_reason;
    tj_claim_col *claims;
    size_t n_claims;
} tj_verdicts;

/*
 * Record the rows [base, base + n) of a decoded chunk: res/ws/tok as in the
 * batch job. Returns the number of rows left to the binding (reason -1), or
 * (size_t)-1 when a claim's text cannot grow (out of memory).
 */
size_t tj_verdicts_collect(tj_verdicts *out, size_t base, const uint8_t *const *tok,
                           const tj_workspace *ws, const tj_decoded *res, size_t n);

/* Mark row's claims null (a token the binding found invalid after all). */
void tj_verdicts_null_claims(tj_verdicts *out, size_t row);

/* The type a column of these rows takes when the caller names no type:
 * only strings -> STRING, only integers -> INT64, only numbers -> FLOAT64,
 * only booleans -> BOOL, nothing -> STRING, any other mix -> JSON. */
tj_col_type tj_claim_col_infer(const tj_claim_col *c, size_t rows);

/*
 * The Arrow buffers of the column as `type`:
 *   validity: [rows / 8 rounded up] bytes, zeroed by the caller; set here.
 *   INT64/FLOAT64: the data is c->slot (converted in place for FLOAT64).
 *   BOOL: data_bits [rows / 8 rounded up] zeroed bytes, set here.
 *   STRING/JSON: call with out_text NULL first to learn *text_len, then with
 *   out_off ([rows + 1] int64) and out_text (*text_len bytes) to fill them.
 */
void tj_claim_col_finish(tj_claim_col *c, tj_col_type type, size_t rows, uint8_t *validity,
                         uint8_t *data_bits, int64_t *out_off, uint8_t *out_text, size_t *text_len);

void tj_claim_col_free_text(tj_claim_col *c);

#endif
