/*
 * fuzz_common.h: helpers shared by the tj_decode fuzz targets (a fresh,
 * exact-size workspace per input, so ASan sees any overrun).
 */
#ifndef TJ_FUZZ_COMMON_H
#define TJ_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jws.h"
#include "tj_limits.h"

#define STR(s) {(s), sizeof(s) - 1}

/* Did tj_decode get past the signature check (so the signature verified)? */
static inline int past_signature(tj_status st)
{
    return st == TJ_OK || st == TJ_DEFER_CLAIMS || (st >= TJ_ERR_PAYLOAD_JSON && st <= TJ_ERR_PAYLOAD_NOT_OBJECT) ||
           (st >= TJ_ERR_MISSING_CLAIM && st <= TJ_ERR_JTI_TYPE);
}

/* The last '.' of data[0..size) (the end of the signing input), or NULL. */
static inline const uint8_t *fuzz_last_dot(const uint8_t *data, size_t size)
{
    for (size_t i = size; i > 0; i--)
        if (data[i - 1] == '.')
            return data + i - 1;
    return NULL;
}

/* A fixed clock: inside the seeds' validity windows. */
#define FUZZ_NOW 1700000000.0

static inline void fuzz_decode(const tj_policy *pol, const uint8_t *tok, size_t len,
                               const uint8_t *det, size_t det_len, tj_decoded *out,
                               tj_workspace *ws_out_for_checks, uint8_t **bufp, tj_json_entry **tapep)
{
    size_t bytes;
    uint32_t entries;
    tj_workspace_need(len, det_len, det != NULL, &bytes, &entries);
    uint8_t *buf = malloc(bytes ? bytes : 1);
    tj_json_entry *tape = malloc(sizeof *tape * entries);
    if (!buf || !tape)
        abort();
    tj_workspace ws = {buf, bytes, tape, entries};
    tj_decode(pol, tok, len, det, det_len, FUZZ_NOW, &ws, out);
    if ((unsigned)out->status >= TJ_STATUS_COUNT || tj_status_message(out->status) == NULL)
        abort();
    *ws_out_for_checks = ws;
    *bufp = buf;
    *tapep = tape;
}

#endif
