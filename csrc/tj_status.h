/*
 * tj_status.h: every reason the C core can give for refusing a token or a key.
 *
 * Design note: the core never raises and never builds an error message on the
 * hot path. It returns one of these codes; the binding maps each code to one
 * Python exception class (src/turbojwt/_core.pyx, status_to_exception). Keep the
 * list in step with tj_status_message() in tj_status.c and with the mapping
 * table in the binding.
 */
#ifndef TJ_STATUS_H
#define TJ_STATUS_H

typedef enum {
    TJ_OK = 0,

    /* token structure (DecodeError) */
    TJ_ERR_TOKEN_TOO_LARGE,      /* longer than the configured maximum */
    TJ_ERR_SEGMENTS,             /* not exactly three '.'-separated segments */
    TJ_ERR_HEADER_B64,           /* header segment is not strict base64url */
    TJ_ERR_PAYLOAD_B64,
    TJ_ERR_SIGNATURE_B64,
    TJ_ERR_HEADER_JSON,          /* header is not valid JSON (see json status) */
    TJ_ERR_HEADER_NOT_OBJECT,
    TJ_ERR_PAYLOAD_JSON,
    TJ_ERR_PAYLOAD_NOT_OBJECT,
    TJ_ERR_PAYLOAD_NOT_EMPTY,    /* b64=false but the compact payload segment is not empty */
    TJ_ERR_DETACHED_NOT_ALLOWED, /* detached payload given but header lacks b64=false */
    TJ_ERR_DETACHED_MISSING,     /* b64=false but no detached payload given */

    /* header rules (InvalidTokenError) */
    TJ_ERR_HEADER_DUPLICATE,     /* a header parameter name appears twice (RFC 7515 4) */
    TJ_ERR_HEADER_TOO_MANY,      /* more header parameters than TJ_MAX_HEADER_PARAMS */
    TJ_ERR_KID_TYPE,             /* kid present but not a string */
    TJ_ERR_CRIT_FORMAT,          /* crit not a non-empty list */
    TJ_ERR_CRIT_VALUE_TYPE,      /* crit element not a string */
    TJ_ERR_CRIT_UNSUPPORTED,     /* crit names an extension this library does not implement */
    TJ_ERR_CRIT_MISSING,         /* crit names an extension absent from the header */
    TJ_ERR_B64_NOT_CRIT,         /* b64=false without "b64" listed in crit (RFC 7797 3) */

    /* key set (UnknownKeyError) */
    TJ_ERR_KID_UNKNOWN,          /* the token's kid names no key of the set; detail = kid's tape index */
    TJ_ERR_KID_MISSING,          /* no kid, and the set holds more than one key */

    /* algorithm (InvalidAlgorithmError) */
    TJ_ERR_ALG_MISSING,
    TJ_ERR_ALG_NOT_ALLOWED,
    TJ_ERR_ALG_UNSUPPORTED,

    /* key (InvalidKeyError): the key for the token's algorithm could not be prepared */
    TJ_ERR_KEY_UNUSABLE,

    /* signature (InvalidSignatureError) */
    TJ_ERR_SIGNATURE,

    /* registered claims */
    TJ_ERR_MISSING_CLAIM,        /* detail = index into policy->require, or TJ_CLAIM_ISS/AUD */
    TJ_ERR_IAT_TYPE,             /* InvalidIssuedAtError */
    TJ_ERR_IAT_FUTURE,           /* ImmatureSignatureError */
    TJ_ERR_NBF_TYPE,             /* DecodeError */
    TJ_ERR_NBF_FUTURE,           /* ImmatureSignatureError */
    TJ_ERR_EXP_TYPE,             /* DecodeError */
    TJ_ERR_EXPIRED,              /* ExpiredSignatureError */
    TJ_ERR_ISS_TYPE,             /* InvalidIssuerError */
    TJ_ERR_ISS_MISMATCH,
    TJ_ERR_AUD_UNEXPECTED,       /* InvalidAudienceError: no audience expected, token has one */
    TJ_ERR_AUD_FORMAT,
    TJ_ERR_AUD_MISMATCH,
    TJ_ERR_AUD_STRICT_EXPECTED,  /* strict_aud with a non-string expected audience */
    TJ_ERR_AUD_STRICT_FORMAT,
    TJ_ERR_AUD_STRICT_MISMATCH,
    TJ_ERR_SUB_TYPE,             /* InvalidSubjectError */
    TJ_ERR_SUB_MISMATCH,
    TJ_ERR_JTI_TYPE,             /* InvalidJTIError */

    /* not an error: the claims need Python's own semantics (a time claim that is
     * not a small JSON integer, for example); the binding validates them on the
     * built dict. Signature and structure have been verified. */
    TJ_DEFER_CLAIMS,

    /* resources and internal failures */
    TJ_ERR_NOMEM,
    TJ_ERR_INTERNAL,             /* OpenSSL failed in a way no input should cause */

    TJ_STATUS_COUNT
} tj_status;

/* detail values for TJ_ERR_MISSING_CLAIM when the claim is not in require[] */
#define TJ_CLAIM_ISS (-1)
#define TJ_CLAIM_AUD (-2)

/* A short, static, English description of a status (never NULL). */
const char *tj_status_message(tj_status status);

#endif
