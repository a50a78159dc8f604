/*
 * claims.h: the registered-claim checks of RFC 7519 section 4.1, with
 * PyJWT 2.15's semantics and order, read straight from the payload's tape.
 *
 * Order (as PyJWT): require, iat, nbf, exp, iss, aud, sub, jti. Where a claim
 * appears twice the last one counts, as in the dict json.loads builds.
 * A time claim that is not a JSON integer of at most 15 digits (a float, a
 * string, a bool, a huge number) gets TJ_DEFER_CLAIMS: PyJWT applies Python's
 * int() to it, and the binding does exactly that on the built dict rather than
 * imitate int() here.
 */
#ifndef TJ_CLAIMS_H
#define TJ_CLAIMS_H

#include "json.h"
#include "jws.h"

/* Check the claims of the payload object at tape index root. Sets *detail for
 * TJ_ERR_MISSING_CLAIM. Returns TJ_OK, TJ_DEFER_CLAIMS or the first failure.
 * Unless a required claim is missing, it first records every top-level
 * member name's id on the tape (TJ_JSON_F_NAMED), and an iss or aud string
 * found equal to an expected value is marked with its index
 * (TJ_JSON_F_EXPECTED): the binding reads both when it builds the dict. */
tj_status tj_check_claims(const tj_policy *policy, const uint8_t *doc, tj_json_entry *tape,
                          uint32_t root, double now, int *detail);

/* Python truthiness of a JSON value (`not value`): null, false, "", [], {} and zero are falsy. */
int tj_json_falsy(const uint8_t *doc, const tj_json_entry *e);

#endif
