/* tj_status.c: one static English sentence per core status. */
#include "tj_status.h"

const char *tj_status_message(tj_status status)
{
    switch (status) {
    case TJ_OK: return "ok";
    case TJ_ERR_TOKEN_TOO_LARGE: return "Token is larger than the configured maximum";
    case TJ_ERR_SEGMENTS: return "Not enough segments";
    case TJ_ERR_HEADER_B64: return "Invalid header padding";
    case TJ_ERR_PAYLOAD_B64: return "Invalid payload padding";
    case TJ_ERR_SIGNATURE_B64: return "Invalid crypto padding";
    case TJ_ERR_HEADER_JSON: return "Invalid header string";
    case TJ_ERR_HEADER_NOT_OBJECT: return "Invalid header string: must be a json object";
    case TJ_ERR_PAYLOAD_JSON: return "Invalid payload string";
    case TJ_ERR_PAYLOAD_NOT_OBJECT: return "Invalid payload string: must be a json object";
    case TJ_ERR_PAYLOAD_NOT_EMPTY: return "Payload segment must be empty when 'b64' is false.";
    case TJ_ERR_DETACHED_NOT_ALLOWED:
        return "It is only valid to pass \"detached_payload\" when the protected header has \"b64\" set to false.";
    case TJ_ERR_DETACHED_MISSING:
        return "It is required that you pass in a value for the \"detached_payload\" argument to decode a message having the b64 header set to false.";
    case TJ_ERR_HEADER_DUPLICATE: return "Duplicate header parameter name";
    case TJ_ERR_HEADER_TOO_MANY: return "Too many header parameters";
    case TJ_ERR_KID_TYPE: return "Key ID header parameter must be a string";
    case TJ_ERR_CRIT_FORMAT: return "Invalid 'crit' header: must be a non-empty list";
    case TJ_ERR_CRIT_VALUE_TYPE: return "Invalid 'crit' header: values must be strings";
    case TJ_ERR_CRIT_UNSUPPORTED: return "Unsupported critical extension";
    case TJ_ERR_CRIT_MISSING: return "Critical extension is missing from headers";
    case TJ_ERR_B64_NOT_CRIT: return "The 'b64' header parameter requires 'b64' to be listed in 'crit'.";
    case TJ_ERR_KID_UNKNOWN: return "The token's kid names no usable key";
    case TJ_ERR_KID_MISSING: return "The token has no kid and the key set holds several keys";
    case TJ_ERR_ALG_MISSING: return "Algorithm not specified";
    case TJ_ERR_ALG_NOT_ALLOWED: return "The specified alg value is not allowed";
    case TJ_ERR_ALG_UNSUPPORTED: return "Algorithm not supported";
    case TJ_ERR_KEY_UNUSABLE: return "The key cannot be used with this algorithm";
    case TJ_ERR_SIGNATURE: return "Signature verification failed";
    case TJ_ERR_MISSING_CLAIM: return "Token is missing a required claim";
    case TJ_ERR_IAT_TYPE: return "Issued At claim (iat) must be an integer.";
    case TJ_ERR_IAT_FUTURE: return "The token is not yet valid (iat)";
    case TJ_ERR_NBF_TYPE: return "Not Before claim (nbf) must be an integer.";
    case TJ_ERR_NBF_FUTURE: return "The token is not yet valid (nbf)";
    case TJ_ERR_EXP_TYPE: return "Expiration Time claim (exp) must be an integer.";
    case TJ_ERR_EXPIRED: return "Signature has expired";
    case TJ_ERR_ISS_TYPE: return "Payload Issuer (iss) must be a string";
    case TJ_ERR_ISS_MISMATCH: return "Invalid issuer";
    case TJ_ERR_AUD_UNEXPECTED: return "Invalid audience";
    case TJ_ERR_AUD_FORMAT: return "Invalid claim format in token";
    case TJ_ERR_AUD_MISMATCH: return "Audience doesn't match";
    case TJ_ERR_AUD_STRICT_EXPECTED: return "Invalid audience (strict)";
    case TJ_ERR_AUD_STRICT_FORMAT: return "Invalid claim format in token (strict)";
    case TJ_ERR_AUD_STRICT_MISMATCH: return "Audience doesn't match (strict)";
    case TJ_ERR_SUB_TYPE: return "Subject must be a string";
    case TJ_ERR_SUB_MISMATCH: return "Invalid subject";
    case TJ_ERR_JTI_TYPE: return "JWT ID must be a string";
    case TJ_DEFER_CLAIMS: return "claims need Python semantics";
    case TJ_ERR_NOMEM: return "out of memory";
    case TJ_ERR_INTERNAL: return "internal cryptography error";
    case TJ_STATUS_COUNT: break;
    }
    return "unknown error";
}
