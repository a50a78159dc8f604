/*
 * fuzz_header.c: libFuzzer target for the header rules of tj_decode
 * (csrc/jws.c: segment split, base64url of every segment, header JSON,
 * duplicate names, too many parameters, kid type, crit, b64).
 *
 * Input layout: the first byte picks the mode, the rest is the token; if the
 * token contains a '\n', what follows the first '\n' is a detached payload
 * (RFC 7797) and the token ends before it.
 *   mode & 1 == 0: TJ_HEADER_ONLY (get_unverified_header's path);
 *   mode & 1 == 1: signature check OFF but everything after the header too
 *                  (b64=false rules, detached payload, payload JSON, claims).
 * With the signature off, every header rule runs on every input. Checks:
 * no crash / OOB (the token and the detached payload are exact-size heap
 * copies), a valid status, and on TJ_OK the decoded header is a slice of the
 * workspace holding a JSON object.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    data++;
    size--;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tok_len = nl ? (size_t)(nl - data) : size;
    size_t det_len = nl ? size - tok_len - 1 : 0;
    uint8_t *tok = malloc(tok_len ? tok_len : 1);
    uint8_t *det = nl ? malloc(det_len ? det_len : 1) : NULL;
    if (!tok || (nl && !det))
        abort();
    memcpy(tok, data, tok_len);
    if (nl)
        memcpy(det, nl + 1, det_len);

    static const tj_str aud[] = {STR("urn:aud")};
    static const tj_str iss[] = {STR("urn:iss")};
    static const tj_str req[] = {STR("exp")};
    tj_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.max_token_len = 1u << 20;
    pol.leeway = 0;
    if (mode & 1) {
        pol.flags = TJ_VERIFY_EXP | TJ_VERIFY_NBF | TJ_VERIFY_IAT | TJ_VERIFY_AUD | TJ_VERIFY_ISS |
                    TJ_VERIFY_SUB | TJ_VERIFY_JTI | TJ_AUDIENCE_SET | TJ_AUDIENCE_IS_STR | TJ_ISSUER_SET;
        if (mode & 2)
            pol.flags |= TJ_STRICT_AUD;
        if (mode & 4)
            pol.flags |= TJ_SKIP_PAYLOAD;
        pol.audience = aud;
        pol.n_audience = 1;
        pol.issuers = iss;
        pol.n_issuers = 1;
        pol.require = req;
        pol.n_require = (mode & 8) ? 1 : 0;
    } else {
        pol.flags = TJ_HEADER_ONLY;
    }

    tj_decoded out;
    tj_workspace ws;
    uint8_t *buf;
    tj_json_entry *tape;
    fuzz_decode(&pol, tok, tok_len, det, det_len, &out, &ws, &buf, &tape);
    if (out.status == TJ_OK) {
        if (out.header != buf || out.header_len > ws.buf_cap || tape[0].type != TJ_JSON_OBJECT)
            abort();
        if (out.signature && (out.signature < buf || out.signature + out.signature_len > buf + ws.buf_cap))
            abort();
    }
    free(buf);
    free(tape);
    free(tok);
    free(det);
    return 0;
}
