/*
 * fuzz_verify_hs256.c: libFuzzer target for full verification (tj_decode,
 * csrc/jws.c + claims.c + keys.c + hmac.c) with a fixed HS256 key (the JOSE
 * cookbook 4.4 key) and a full policy: HS256 allowed (plus "none" and an
 * allowed-but-unsupported name), exp/nbf/iat/aud/iss/sub/jti checks, a
 * required claim. The input is the token.
 *
 * Oracle: whenever tj_decode gets past the signature (TJ_OK, TJ_DEFER_CLAIMS
 * or any claim error), an independent tj_hmac_verify over the signing input
 * (token up to the last '.') with the decoded signature must say TJ_OK: no
 * input is accepted without the true HMAC.
 *
 * Second oracle: every input is decoded again by the same policy with a
 * header memo (jws.h), one that lives for the whole run and learns from every
 * verified input (the valid seeds teach it their headers, so mutants of them
 * take the remembered path). Both decodes must agree on everything.
 */
#include "fuzz_common.h"
#include "hmac.h"
#include "keys.h"

/* base64url-decoded "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg" (cookbook 4.4) */
static const uint8_t SECRET[32] = {
    0x84, 0x9b, 0x57, 0x21, 0x9d, 0xae, 0x48, 0xde, 0x64, 0x6d, 0x07, 0xdb, 0xb5, 0x33, 0x56, 0x6e,
    0x97, 0x66, 0x86, 0x45, 0x7c, 0x14, 0x91, 0xbe, 0x3a, 0x76, 0xdc, 0xea, 0x6c, 0x42, 0x71, 0x88};

static tj_key *g_key;
static tj_hmac *g_hmac;
static tj_header_memo *g_memo;

/* Did the decode with the memo give exactly what the one without gave? */
static int same_outcome(const tj_decoded *a, const tj_decoded *b)
{
    if (a->status != b->status || a->detail != b->detail || a->alg_index != b->alg_index ||
        a->key_index != b->key_index || a->header_len != b->header_len || a->payload_len != b->payload_len ||
        a->signature_len != b->signature_len || a->payload_root != b->payload_root ||
        (a->header == NULL) != (b->header == NULL) || (a->payload == NULL) != (b->payload == NULL))
        return 0;
    if (a->header && memcmp(a->header, b->header, a->header_len) != 0)
        return 0;
    if (a->payload && a->payload_len && memcmp(a->payload, b->payload, a->payload_len) != 0)
        return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_key) {
        if (tj_key_new_hmac(SECRET, sizeof SECRET, &g_key) != TJ_OK ||
            tj_hmac_new(SECRET, sizeof SECRET, &g_hmac) != TJ_OK || (g_memo = tj_header_memo_new()) == NULL)
            abort();
    }
    static const tj_str aud[] = {STR("urn:aud"), STR("urn:aud2")};
    static const tj_str iss[] = {STR("urn:iss")};
    static const tj_str req[] = {STR("exp"), STR("iat")};
    tj_allowed_alg algs[3] = {
        {STR("HS256"), TJ_ALG_HS256, NULL},
        {STR("none"), TJ_ALG_NONE, NULL},
        {STR("XS999"), TJ_ALG_UNSUPPORTED, NULL},
    };
    algs[0].key = g_key;
    tj_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.flags = TJ_VERIFY_SIGNATURE | TJ_VERIFY_EXP | TJ_VERIFY_NBF | TJ_VERIFY_IAT | TJ_VERIFY_AUD |
                TJ_VERIFY_ISS | TJ_VERIFY_SUB | TJ_VERIFY_JTI | TJ_AUDIENCE_SET | TJ_ISSUER_SET;
    pol.leeway = 10;
    pol.max_token_len = 1u << 20;
    pol.algs = algs;
    pol.n_algs = 3;
    pol.audience = aud;
    pol.n_audience = 2;
    pol.issuers = iss;
    pol.n_issuers = 1;
    pol.require = req;
    pol.n_require = 2;

    tj_decoded out;
    tj_workspace ws;
    uint8_t *buf;
    tj_json_entry *tape;
    fuzz_decode(&pol, data, size, NULL, 0, &out, &ws, &buf, &tape);
    if (past_signature(out.status)) {
        const uint8_t *last = fuzz_last_dot(data, size);
        if (!last || out.alg_index != 0)
            abort();
        if (tj_hmac_verify(g_hmac, TJ_SHA256, data, (size_t)(last - data), out.signature,
                           out.signature_len) != TJ_OK)
            abort(); /* accepted without the true HMAC */
    }
    tj_policy with_memo = pol;
    with_memo.memo = g_memo;
    tj_decoded out2;
    tj_workspace ws2;
    uint8_t *buf2;
    tj_json_entry *tape2;
    fuzz_decode(&with_memo, data, size, NULL, 0, &out2, &ws2, &buf2, &tape2);
    if (!same_outcome(&out, &out2) ||
        (out.status == TJ_OK && memcmp(tape, tape2, sizeof *tape * (out.payload_root + 1)) != 0))
        abort(); /* the memo changed an outcome */
    free(buf2);
    free(tape2);
    free(buf);
    free(tape);
    return 0;
}
