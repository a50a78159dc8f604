/*
 * fuzz_b64url.c: libFuzzer target for tj_b64url_decode (csrc/b64url.c).
 *
 * Checks, beyond "no crash, no out-of-bounds access" (ASan/UBSan):
 *   - the SIMD decoder and the scalar decoder agree on acceptance and output;
 *   - every accepted input round-trips: tj_b64url_encode of the decoded bytes
 *     gives back the input text minus any trailing '=' padding (strictness:
 *     each byte string has exactly one accepted unpadded encoding);
 *   - the decoded length stays within tj_b64url_decoded_bound(len).
 * The output buffer is a heap block of exactly the bound, so an overrun is an
 * ASan report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bound = tj_b64url_decoded_bound(size);
    uint8_t *out = malloc(bound);
    uint8_t *out2 = malloc(bound);
    if (!out || !out2)
        abort();
    size_t n = 0, n2 = 0;
    int rc = tj_b64url_decode(data, size, out, &n);
    int rc2 = tj_b64url_decode_scalar(data, size, out2, &n2);
    if (rc != rc2)
        abort(); /* SIMD and scalar decoders disagree on acceptance */
    if (rc == 0) {
        if (n > bound || n != n2 || memcmp(out, out2, n) != 0)
            abort(); /* disagree on output */
        size_t unpadded = size;
        while (unpadded > 0 && data[unpadded - 1] == '=')
            unpadded--;
        size_t elen = tj_b64url_encoded_len(n);
        uint8_t *enc = malloc(elen + 1);
        if (!enc)
            abort();
        size_t got = tj_b64url_encode(out, n, enc);
        if (got != elen || got != unpadded || memcmp(enc, data, unpadded) != 0)
            abort(); /* accepted a non-canonical encoding */
        free(enc);
    }
    free(out);
    free(out2);
    return 0;
}
