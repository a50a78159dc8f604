/*
 * test_json.c: standalone tests for csrc/json.c.
 *
 * Build: cc -std=c99 -O1 -Wall -Wextra -Werror -g tests/c/test_json.c csrc/json.c
 * (tests/test_c_json.py does this, with sanitizers when they work). Prints
 * "N passed, M failed" last and exits non-zero on any failure.
 *
 * Every document is copied into a heap buffer of exactly its length before it
 * is parsed, so that under AddressSanitizer a read past doc[len) is caught; the
 * tape gets guard entries after cap, checked after every parse, so a write past
 * cap is caught even without sanitizers.
 *
 * Besides the explicit tables, a slow recursive reference parser (ref_parse,
 * written separately and as plainly as possible) is run side by side with the
 * real one on exhaustive and random inputs: same status, same error offset,
 * same tape.
 */
#include "../../csrc/json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long n_pass, n_fail;

/* Counts a failure only: for the sanity checks run on every parse, so that the
 * pass count reflects the tests themselves. */
#define CHECK_QUIET(cond, ...)                                                 \
    do {                                                                       \
        if (!(cond)) {                                                         \
            n_fail++;                                                          \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);               \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            n_pass++;                                                          \
        } else {                                                               \
            n_fail++;                                                          \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);               \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

/* A string literal and its length, embedded NULs included. */
#define D(s) s, sizeof(s) - 1

#define DEPTH 64u  /* TJ_JSON_MAX_DEPTH, the depth the library uses */
#define GUARD 4u   /* sentinel entries after cap */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* Printable form of a document for failure messages (static buffer). */
static const char *show(const uint8_t *s, size_t n)
{
    static char buf[512];
    size_t i, o = 0;
    for (i = 0; i < n && o < sizeof buf - 8; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
            buf[o++] = (char)s[i];
        else
            o += (size_t)sprintf(buf + o, "\\x%02x", s[i]);
    }
    if (i < n) {
        buf[o++] = '.';
        buf[o++] = '.';
    }
    buf[o] = 0;
    return buf;
}

/* ------------------------------------------------------------------------ */
/* parsing with exact-size buffers and guarded tapes                          */

typedef struct {
    uint8_t *doc;          /* exact-size copy */
    size_t len;
    tj_json_entry *ent;    /* cap + GUARD entries */
    tj_json_tape tape;
    tj_json_status st;
    size_t err;
} parsed;

static const uint8_t GUARD_BYTE = 0xA5;

static int guards_intact(const tj_json_entry *ent, uint32_t cap)
{
    const uint8_t *g = (const uint8_t *)(ent + cap);
    size_t i;
    for (i = 0; i < GUARD * sizeof(tj_json_entry); i++)
        if (g[i] != GUARD_BYTE)
            return 0;
    return 1;
}

/*
 * Structural check of a tape, independent of how the parser built it: the root
 * spans the tape, every container's children tile exactly [i+1, pos), the
 * count matches len, object members are (STRING, value) pairs, text ranges
 * lie inside the document.
 */
static int tape_ok(const tj_json_entry *t, uint32_t count, size_t doclen)
{
    uint32_t i;
    if (count == 0 || tj_json_skip(t, 0) != count)
        return 0;
    for (i = 0; i < count; i++) {
        const tj_json_entry *e = &t[i];
        if (e->reserved != 0)
            return 0;
        switch (e->type) {
        case TJ_JSON_NULL: case TJ_JSON_TRUE: case TJ_JSON_FALSE:
            if (e->len != 0 || e->flags != 0 || e->pos >= doclen)
                return 0;
            break;
        case TJ_JSON_INT: case TJ_JSON_FLOAT:
            if (e->len == 0 || e->flags != 0 || (size_t)e->pos + e->len > doclen)
                return 0;
            break;
        case TJ_JSON_STRING:
            if ((e->flags & ~3u) || e->pos == 0 || (size_t)e->pos + e->len >= doclen)
                return 0;
            break;
        case TJ_JSON_ARRAY: case TJ_JSON_OBJECT: {
            uint32_t j = i + 1, k = 0;
            if (e->flags != 0 || e->pos <= i || e->pos > count)
                return 0;
            while (j < e->pos) {
                if (e->type == TJ_JSON_OBJECT) {
                    if (t[j].type != TJ_JSON_STRING)
                        return 0;
                    j++;
                    if (j >= e->pos)
                        return 0;
                }
                j = tj_json_skip(t, j);
                k++;
            }
            if (j != e->pos || k != e->len)
                return 0;
            break;
        }
        default:
            return 0;
        }
    }
    return 1;
}

static void parse_cap(parsed *P, const void *s, size_t len, uint32_t cap, unsigned max_depth)
{
    P->len = len;
    P->doc = xmalloc(len);
    if (len)
        memcpy(P->doc, s, len);
    P->ent = xmalloc(((size_t)cap + GUARD) * sizeof(tj_json_entry));
    memset(P->ent, GUARD_BYTE, ((size_t)cap + GUARD) * sizeof(tj_json_entry));
    P->tape.entries = P->ent;
    P->tape.cap = cap;
    P->tape.count = 12345;
    P->err = (size_t)-1;
    P->st = tj_json_parse(P->doc, len, &P->tape, max_depth, &P->err);
    CHECK_QUIET(guards_intact(P->ent, cap), "wrote past tape cap for %s", show(P->doc, len));
    if (P->st == TJ_JSON_OK) {
        CHECK_QUIET(P->tape.count <= cap && tape_ok(P->ent, P->tape.count, len),
              "bad tape structure for %s", show(P->doc, len));
        CHECK_QUIET(P->tape.count <= tj_json_tape_bound(len), "tape bound exceeded for %s",
              show(P->doc, len));
    } else {
        CHECK_QUIET(P->tape.count == 0, "count not reset on error for %s", show(P->doc, len));
        CHECK_QUIET(P->err <= len, "err_pos %zu beyond len %zu for %s", P->err, len, show(P->doc, len));
    }
}

static void parse(parsed *P, const void *s, size_t len)
{
    parse_cap(P, s, len, tj_json_tape_bound(len), DEPTH);
}

static void release(parsed *P)
{
    free(P->doc);
    free(P->ent);
}

/* ------------------------------------------------------------------------ */
/* explicit accept / reject tables (JSONTestSuite names where they apply)    */

typedef struct {
    const char *doc;
    size_t len;
} acc_case;

static const acc_case accept_cases[] = {
    {D("[[]   ]")},                                     /* y_array_arraysWithSpaces */
    {D("[\"\"]")},                                      /* y_array_empty-string */
    {D("[]")},                                          /* y_array_empty */
    {D("[\"a\"]")},                                     /* y_array_ending_with_newline */
    {D("[false]")},
    {D("[null, 1, \"1\", {}]")},                        /* y_array_heterogeneous */
    {D("[null]")},
    {D("[1\n]")},
    {D(" [1]")},
    {D("[1,null,null,null,2]")},
    {D("[2] ")},
    {D("[123e65]")},
    {D("[0e+1]")},
    {D("[0e1]")},
    {D("[ 4]")},
    {D("[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]\n")},
    {D("[20e1]")},
    {D("[-0]")},
    {D("[-123]")},
    {D("[-1]")},
    {D("[1E22]")},
    {D("[1E-2]")},
    {D("[1E+2]")},
    {D("[123e45]")},
    {D("[123.456e78]")},
    {D("[1e-2]")},
    {D("[1e+2]")},
    {D("[123]")},
    {D("[123.456789]")},
    {D("[-123123123123123123123123123123]")},          /* y_number_too_big_neg_int */
    {D("[100000000000000000000]")},
    {D("[1.5e-999]")},
    {D("[0.0]")},
    {D("[-0.0e-0]")},
    {D("{\"asd\":\"sdf\", \"dfg\":\"fgh\"}")},
    {D("{\"a\":\"b\",\"a\":\"c\"}")},                 /* y_object_duplicated_key */
    {D("{}")},
    {D("{\"\":0}")},
    {D("{\"foo\\u0000bar\": 42}")},
    {D("{ \"min\": -1.0e+28, \"max\": 1.0e+28 }")},
    {D("{\"a\":[]}")},
    {D("{\"title\":\"\\u041f\\u043e\\u043b\\u0442\\u043e\\u0440\\u0430 \\u0417\\u0435\\u043c\\u043b\\u0435\\u043a\\u043e\\u043f\\u0430\" }")},
    {D("{\n\"a\": \"b\"\n}")},
    {D("\t\r\n {\t\"a\"\r:\n1 } \t\r\n")},
    {D("[\"\\u0060\\u012a\\u12AB\"]")},
    {D("[\"\\uD801\\udc37\"]")},                        /* y_string_accepted_surrogate_pair */
    {D("[\"\\ud83d\\ude39\\ud83d\\udc8d\"]")},
    {D("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]")},            /* y_string_allowed_escapes */
    {D("[\"\\\\u0000\"]")},
    {D("[\"\\\"\"]")},
    {D("[\"a/*b*/c/*d//e\"]")},
    {D("[\"\\\\a\"]")},
    {D("[\"\\\\n\"]")},
    {D("[\"\\u0012\"]")},
    {D("[\"\\uFFFF\"]")},
    {D("[\"asd\"]")},
    {D("[ \"asd\"]")},
    {D("[\"\\uDBFF\\uDFFF\"]")},                        /* y_string_last_surrogates_1_and_2 */
    {D("[\"new\\u00A0line\"]")},
    {D("[\"\xf4\x8f\xbf\xbf\"]")},                      /* U+10FFFF */
    {D("[\"\xef\xbf\xbf\"]")},                          /* U+FFFF */
    {D("[\"\\u0000\"]")},                               /* y_string_null_escape */
    {D("[\"\\u002c\"]")},
    {D("[\"\xcf\x80\"]")},                              /* pi */
    {D("[\"\xf0\x9b\xbf\xbf\"]")},                      /* U+1BFFF */
    {D("[\"asd \"]")},
    {D("\" \"")},
    {D("[\"\\uD834\\uDd1e\"]")},                        /* G clef */
    {D("[\"\\u0821\"]")},
    {D("[\"\\u0123\"]")},
    {D("[\"\xe2\x80\xa8\"]")},                          /* U+2028 */
    {D("[\"\xe2\x80\xa9\"]")},
    {D("[\"\\u0061\\u30af\\u30EA\\u30b9\"]")},
    {D("[\"new\\u000Aline\"]")},
    {D("[\"\x7f\"]")},                                  /* DEL is not a control char in JSON */
    {D("[\"\\uA66D\"]")},
    {D("[\"\\u005C\"]")},
    {D("[\"\xe2\x8d\x82\xe3\x88\xb4\xe2\x8d\x82\"]")},
    {D("[\"\\uDBFF\\uDFFE\"]")},
    {D("[\"\\uD83F\\uDFFE\"]")},
    {D("[\"\\u200B\"]")},
    {D("[\"\\u2064\"]")},
    {D("[\"\\uFDD0\"]")},
    {D("[\"\\uFFFE\"]")},
    {D("[\"\\u0022\"]")},
    {D("[\"\xe2\x82\xac\xf0\x9d\x84\x9e\"]")},          /* euro, G clef raw */
    {D("[\"a\x7f" "a\"]")},
    {D("[\"\xef\xbb\xbf\"]")},                          /* U+FEFF inside a string is fine */
    {D("[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"]")},
    {D("false")},
    {D("42")},
    {D("-0.1")},
    {D("null")},
    {D("\"asd\"")},
    {D("true")},
    {D("\"\"")},
    {D("[\"a\"]\n")},
    {D("[true]")},
    {D(" [] ")},
    {D("0")},
    {D("-0")},
    {D("[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]")},
    {D("{\"a\":{\"b\":{\"c\":[1,{\"d\":[]}]}}}")},
    {D("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")},
    {D("{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022,\"exp\":1516242622.5,"
       "\"aud\":[\"a\",\"b\"],\"admin\":true,\"x\":null,\"n\":-12e-3}")},
};

typedef struct {
    const char *doc;
    size_t len;
    tj_json_status st;
    long err; /* expected err_pos, or -1 for "not checked here" */
} rej_case;

#define SYN TJ_JSON_ERR_SYNTAX
#define U8 TJ_JSON_ERR_UTF8
#define ESC TJ_JSON_ERR_ESCAPE
#define CTL TJ_JSON_ERR_CONTROL

static const rej_case reject_cases[] = {
    /* structure */
    {D(""), TJ_JSON_ERR_EMPTY, 0},                      /* n_structure_no_data */
    {D(" "), TJ_JSON_ERR_EMPTY, 1},                     /* n_single_space */
    {D(" \t\r\n"), TJ_JSON_ERR_EMPTY, 4},
    {D("[1 true]"), SYN, 3},
    {D("[a\xe5]"), SYN, 1},
    {D("[\"\": 1]"), SYN, 3},
    {D("[\"\"],"), SYN, 4},
    {D("[,1]"), SYN, 1},
    {D("[1,,2]"), SYN, 3},
    {D("[\"x\",,]"), SYN, 5},
    {D("[\"x\"]]"), SYN, 5},
    {D("[\"\",]"), SYN, 4},                             /* n_array_extra_comma */
    {D("[\"x\""), SYN, 4},
    {D("[x"), SYN, 1},
    {D("[3[4]]"), SYN, 2},
    {D("[\xff]"), SYN, 1},
    {D("[1:2]"), SYN, 2},
    {D("[,]"), SYN, 1},
    {D("[-]"), SYN, 2},
    {D("[   , \"\"]"), SYN, 4},
    {D("[\"a\",\n4\n,1,"), SYN, 11},
    {D("[1,]"), SYN, 3},                                /* n_structure_trailing_comma */
    {D("[1,,]"), SYN, 3},
    {D("[\"\x0b" "a\"\\f]"), CTL, 2},
    {D("[*]"), SYN, 1},
    {D("[\"\""), SYN, 3},
    {D("[1,"), SYN, 3},
    {D("[1,\n1\n,1"), SYN, 8},
    {D("[{}"), SYN, 3},
    {D("[fals]"), SYN, 1},
    {D("[nul]"), SYN, 1},
    {D("[tru]"), SYN, 1},
    {D("[fals"), SYN, 1},
    {D("nul"), SYN, 0},
    {D("[True]"), SYN, 1},
    {D("truex"), SYN, 4},
    {D("nulll"), SYN, 4},
    {D("123\0"), SYN, 3},                               /* n_multidigit_number_then_00 */
    {D("{\"a\":1}{}"), SYN, 7},
    {D("[][]"), SYN, 2},
    {D("2 3"), SYN, 2},
    {D("\"a\" \"b\""), SYN, 4},
    {D("]"), SYN, 0},
    {D("}"), SYN, 0},
    {D("1]"), SYN, 1},
    {D("["), SYN, 1},
    {D("[[["), SYN, 3},
    {D("{"), SYN, 1},
    {D("{]"), SYN, 1},
    {D("{["), SYN, 1},
    {D("['"), SYN, 1},
    {D("[,"), SYN, 1},
    {D("*"), SYN, 0},
    {D("<.>"), SYN, 0},
    {D("[<null>]"), SYN, 1},
    {D("[1]x"), SYN, 3},
    {D("aå"), SYN, 0},
    {D("\xc3\xa5"), SYN, 0},
    {D("[\0]"), SYN, 1},
    {D("\0"), SYN, 0},
    {D("[\f]"), SYN, 1},                                /* form feed is not JSON whitespace */
    {D("\f[]"), SYN, 0},
    {D("[\x0b]"), SYN, 1},
    {D("[\xc2\xa0]"), SYN, 1},                          /* U+00A0 outside a string */
    {D("[\xe2\x81\xa0]"), SYN, 1},                      /* U+2060 word joiner */
    {D("[1]\0"), SYN, 3},
    {D("{\"a\":/*comment*/\"b\"}"), SYN, 5},
    {D("{\"a\":\"b\"}/**/"), SYN, 9},
    {D("{\"a\":\"b\"}#{}"), SYN, 9},
    {D("2@"), SYN, 1},
    {D("[ false, nul"), SYN, 9},
    {D("{\"x\": true,"), SYN, 11},
    /* objects */
    {D("[\"x\", truth]"), SYN, 6},
    {D("{[: \"x\"}"), SYN, 1},
    {D("{\"x\", null}"), SYN, 4},
    {D("{\"x\"::\"b\"}"), SYN, 5},
    {D("{\xf0\x9f\x87\xa8\xf0\x9f\x87\xad}"), SYN, 1},
    {D("{\"a\":\"a\" 123}"), SYN, 9},
    {D("{key: 'value'}"), SYN, 1},
    {D("{\"\xb9\":\"0\",}"), U8, 2},
    {D("{\"a\" b}"), SYN, 5},
    {D("{:\"b\"}"), SYN, 1},
    {D("{\"a\" \"b\"}"), SYN, 5},
    {D("{\"a\":"), SYN, 5},
    {D("{\"a\""), SYN, 4},
    {D("{1:1}"), SYN, 1},
    {D("{9999E9999:1}"), SYN, 1},
    {D("{null:null,null:null}"), SYN, 1},
    {D("{\"id\":0,,,,,}"), SYN, 8},
    {D("{'a':0}"), SYN, 1},
    {D("{\"id\":0,}"), SYN, 8},                         /* n_object_trailing_comma */
    {D("{\"a\":\"b\",,\"c\":\"d\"}"), SYN, 9},
    {D("{a: \"b\"}"), SYN, 1},
    {D("{\"a\":\"a"), SYN, 7},
    {D("{ \"foo\" : \"bar\", \"a\" }"), SYN, 21},
    {D("{\"a\":\"b\"}#"), SYN, 9},
    {D("{\"a\" 1}"), SYN, 5},
    {D("{\"a\":1 \"b\":2}"), SYN, 7},
    {D("{\"a\":1]"), SYN, 6},
    {D("[1}"), SYN, 2},
    /* numbers */
    {D("01"), SYN, 1},                                  /* n_number_leading_zero */
    {D("[012]"), SYN, 2},
    {D("[-012]"), SYN, 3},
    {D("[-01]"), SYN, 3},
    {D("00"), SYN, 1},
    {D("-00"), SYN, 2},
    {D("[++1234]"), SYN, 1},
    {D("[+1]"), SYN, 1},
    {D("+1"), SYN, 0},
    {D("[+Inf]"), SYN, 1},
    {D("[-1.0.]"), SYN, 5},
    {D("[-2.]"), SYN, 4},
    {D("[-NaN]"), SYN, 2},
    {D("[.-1]"), SYN, 1},
    {D("[.2e-3]"), SYN, 1},
    {D("[0.1.2]"), SYN, 4},
    {D("[0.3e+]"), SYN, 6},
    {D("[0.3e]"), SYN, 5},
    {D("[0.e1]"), SYN, 3},
    {D("[0E+]"), SYN, 4},
    {D("[0E]"), SYN, 3},
    {D("[0e+]"), SYN, 4},
    {D("[0e]"), SYN, 3},
    {D("[1.0e+]"), SYN, 6},
    {D("[1.0e-]"), SYN, 6},
    {D("[1.0e]"), SYN, 5},
    {D("[1 000.0]"), SYN, 3},
    {D("[1eE2]"), SYN, 3},
    {D("[2.e+3]"), SYN, 3},
    {D("[2.e-3]"), SYN, 3},
    {D("[2.e3]"), SYN, 3},
    {D("[9.e+]"), SYN, 3},
    {D("[Inf]"), SYN, 1},
    {D("[NaN]"), SYN, 1},
    {D("NaN"), SYN, 0},
    {D("Infinity"), SYN, 0},
    {D("-Infinity"), SYN, 1},
    {D("[Infinity]"), SYN, 1},
    {D("[-Infinity]"), SYN, 2},
    {D("[\xef\xbc\x91]"), SYN, 1},                      /* fullwidth digit one */
    {D("[1+2]"), SYN, 2},
    {D("[0x1]"), SYN, 2},
    {D("[0x42]"), SYN, 2},
    {D("[0e+-1]"), SYN, 4},
    {D("[-foo]"), SYN, 2},
    {D("[- 1]"), SYN, 2},
    {D("[-.123]"), SYN, 2},
    {D("[-1x]"), SYN, 3},
    {D("[1ea]"), SYN, 3},
    {D("[1.]"), SYN, 3},
    {D("[.123]"), SYN, 1},
    {D("[1.2a-3]"), SYN, 4},
    {D("[1.8011670033376514H-308]"), SYN, 19},
    {D("[1e\xe5]"), SYN, 3},
    {D("-"), SYN, 1},
    {D("1."), SYN, 2},
    {D("1e"), SYN, 2},
    {D("1e+"), SYN, 3},
    {D("-0."), SYN, 3},
    /* strings: escapes */
    {D("[\"\\uD800\\\"]"), ESC, 2},                     /* n_string_1_surrogate_then_escape */
    {D("[\"\\uD800\\u\"]"), ESC, 2},
    {D("[\"\\uD800\\u1\"]"), ESC, 2},
    {D("[\"\\uD800\\u1x\"]"), ESC, 2},
    {D("[\xc3\xa9]"), SYN, 1},                          /* n_string_accentuated_char_no_quotes */
    {D("[\"\\\0\"]"), ESC, 2},                          /* n_string_backslash_00 */
    {D("[\"\\x00\"]"), ESC, 2},
    {D("[\"\\\\\\\"]"), SYN, 7},                        /* n_string_escaped_backslash_bad */
    {D("[\"\\\t\"]"), ESC, 2},
    {D("[\"\\\xf0\x9f\x8c\x80\"]"), ESC, 2},            /* n_string_escaped_emoji */
    {D("[\"\\\"]"), SYN, 5},                            /* n_string_incomplete_escape */
    {D("[\"\\u00A\"]"), ESC, 2},
    {D("[\"\\uD834\\uDd\"]"), ESC, 2},
    {D("[\"\\uD800\\uD800\\x\"]"), ESC, 2},
    {D("[\"\\u\xe5\"]"), ESC, 2},
    {D("[\"\\a\"]"), ESC, 2},
    {D("[\"\\uqqqq\"]"), ESC, 2},
    {D("[\"\\\xe5\"]"), ESC, 2},
    {D("[\\u0020\"asd\"]"), SYN, 1},
    {D("[\\n]"), SYN, 1},
    {D("\""), SYN, 1},
    {D("['single quote']"), SYN, 1},
    {D("abc"), SYN, 0},
    {D("[\"\\"), ESC, 2},                               /* n_string_start_escape_unclosed */
    {D("\"\\u12"), ESC, 1},
    {D("\"\\u123"), ESC, 1},
    {D("\"\\u1234"), SYN, 7},
    {D("\"\\UA66D\""), ESC, 1},
    {D("\"\\u+123\""), ESC, 1},
    {D("\"\\u 123\""), ESC, 1},
    {D("\"\"x"), SYN, 2},
    {D("\"\\'\""), ESC, 1},
    {D("\"\\0\""), ESC, 1},
    /* strings: lone surrogates (json.loads accepts these; we refuse) */
    {D("[\"\\uD800\"]"), ESC, 2},
    {D("[\"\\uDC00\"]"), ESC, 2},
    {D("[\"\\uDFFF\"]"), ESC, 2},
    {D("[\"\\uDADA\"]"), ESC, 2},
    {D("[\"\\uD888\\u1234\"]"), ESC, 2},
    {D("[\"\\uDd1ea\"]"), ESC, 2},
    {D("[\"\\uD800\\n\"]"), ESC, 2},
    {D("[\"\\ud800abc\"]"), ESC, 2},
    {D("[\"\\uDFAA\"]"), ESC, 2},
    {D("[\"\\uDBFF\\uDBFF\"]"), ESC, 2},
    {D("[\"\\uDC00\\uD800\"]"), ESC, 2},
    {D("[\"a\\uD800\\uE000\"]"), ESC, 3},
    {D("[\"ab\\uDBFF\""), ESC, 4},
    {D("\"\\uD800\\uDC0"), ESC, 1},
    {D("\"xy\\uDC00\\uDC00\""), ESC, 3},
    /* strings: control characters */
    {D("[\"a\0a\"]"), CTL, 3},
    {D("[\"new\nline\"]"), CTL, 5},
    {D("[\"\t\"]"), CTL, 2},
    {D("[\"\r\"]"), CTL, 2},
    {D("\"\x1f\""), CTL, 1},
    {D("{\"a\x01\":1}"), CTL, 3},
    {D("\"0123456789abcdef\x10\""), CTL, 17},
    /* strings: UTF-8 */
    {D("[\"\xc0\xaf\"]"), U8, 2},                       /* overlong '/' */
    {D("[\"\xc1\xbf\"]"), U8, 2},
    {D("[\"\xe0\x80\xaf\"]"), U8, 2},
    {D("[\"\xe0\x9f\xbf\"]"), U8, 2},                   /* overlong U+07FF */
    {D("[\"\xf0\x80\x80\xaf\"]"), U8, 2},
    {D("[\"\xf0\x8f\xbf\xbf\"]"), U8, 2},               /* overlong U+FFFF */
    {D("[\"\xed\xa0\x80\"]"), U8, 2},                   /* U+D800 encoded */
    {D("\xed\xa0\x80"), SYN, 0},                        /* ... outside a string: not a value */
    {D("[\"\xed\xbf\xbf\"]"), U8, 2},                   /* U+DFFF encoded */
    {D("[\"\xed\xb0\x80\"]"), U8, 2},
    {D("[\"\xf4\x90\x80\x80\"]"), U8, 2},               /* U+110000 */
    {D("[\"\xf5\x80\x80\x80\"]"), U8, 2},
    {D("[\"\xf7\xbf\xbf\xbf\"]"), U8, 2},
    {D("[\"\xf8\x88\x80\x80\x80\"]"), U8, 2},
    {D("[\"\xfc\x80\x80\x80\x80\x80\"]"), U8, 2},
    {D("[\"\xfe\"]"), U8, 2},
    {D("[\"\xff\"]"), U8, 2},
    {D("[\"\x80\"]"), U8, 2},                           /* lone continuation */
    {D("[\"\xbf\"]"), U8, 2},
    {D("[\"\xe9\"]"), U8, 2},                           /* truncated, then a quote */
    {D("[\"\xe6\x97\"]"), U8, 2},
    {D("[\"\xf0\x9f\x98\"]"), U8, 2},
    {D("[\"\xc3"), U8, 2},                              /* truncated at end of input */
    {D("\"\xe2\x82"), U8, 1},
    {D("\"\xf0\x9f\x98"), U8, 1},
    {D("[\"a\xc3\x28\"]"), U8, 3},
    {D("[\"\xe2\x28\xa1\"]"), U8, 2},
    {D("[\"\xe2\x82\x28\"]"), U8, 2},
    {D("[\"\xf0\x28\x8c\xbc\"]"), U8, 2},
    {D("[\"\xf0\x90\x28\xbc\"]"), U8, 2},
    {D("[\"\xf0\x90\x8c\x28\"]"), U8, 2},
    {D("[\"\xc3\xa9\xc3\"]"), U8, 4},
    {D("\"0123456789abcdef\xc3\xa9\xff\""), U8, 19},
    /* byte order mark */
    {D("\xef\xbb\xbf{}"), U8, 0},
    {D("\xef\xbb\xbf"), U8, 0},
    {D("\xef\xbb\xbf\"a\""), U8, 0},
    {D("\xef\xbb{}"), SYN, 0},                          /* n_structure_incomplete_UTF8_BOM */
    {D(" \xef\xbb\xbf{}"), SYN, 1},
    {D("\xfe\xff{}"), SYN, 0},                          /* UTF-16 BOMs are just garbage */
    {D("\xff\xfe{}"), SYN, 0},
};

static void test_tables(void)
{
    size_t i;
    for (i = 0; i < sizeof accept_cases / sizeof accept_cases[0]; i++) {
        parsed P;
        parse(&P, accept_cases[i].doc, accept_cases[i].len);
        CHECK(P.st == TJ_JSON_OK, "accept #%zu %s: status %d at %zu", i,
              show(P.doc, P.len), (int)P.st, P.err);
        release(&P);
    }
    for (i = 0; i < sizeof reject_cases / sizeof reject_cases[0]; i++) {
        const rej_case *c = &reject_cases[i];
        parsed P;
        parse(&P, c->doc, c->len);
        CHECK(P.st == c->st, "reject #%zu %s: status %d, want %d", i, show(P.doc, P.len),
              (int)P.st, (int)c->st);
        if (c->err >= 0)
            CHECK(P.err == (size_t)c->err, "reject #%zu %s: err_pos %zu, want %ld", i,
                  show(P.doc, P.len), P.err, c->err);
        release(&P);
    }
}

/* ------------------------------------------------------------------------ */
/* tape layout                                                               */

typedef struct {
    uint8_t type, flags;
    uint32_t len, pos;
} want_entry;

#define S TJ_JSON_STRING
#define A TJ_JSON_F_ASCII
#define E TJ_JSON_F_ESCAPED

static void check_layout(const char *doc, size_t len, const want_entry *w, uint32_t nw)
{
    parsed P;
    uint32_t i;
    parse(&P, doc, len);
    CHECK(P.st == TJ_JSON_OK, "layout %s: status %d", show(P.doc, P.len), (int)P.st);
    CHECK(P.tape.count == nw, "layout %s: count %u, want %u", show(P.doc, P.len),
          P.tape.count, nw);
    for (i = 0; i < nw && i < P.tape.count; i++) {
        const tj_json_entry *e = &P.ent[i];
        CHECK(e->type == w[i].type && e->flags == w[i].flags && e->len == w[i].len
                  && e->pos == w[i].pos && e->reserved == 0,
              "layout %s: entry %u is {%u,%u,%u,%u}, want {%u,%u,%u,%u}", show(P.doc, P.len), i,
              e->type, e->flags, e->len, e->pos, w[i].type, w[i].flags, w[i].len, w[i].pos);
    }
    release(&P);
}

static void test_layout(void)
{
    static const want_entry w1[] = {
        {TJ_JSON_ARRAY, 0, 4, 7},
        {TJ_JSON_INT, 0, 1, 1},
        {S, A, 2, 4},
        {TJ_JSON_OBJECT, 0, 1, 6},
        {S, A, 1, 10},
        {TJ_JSON_ARRAY, 0, 0, 6},
        {TJ_JSON_FLOAT, 0, 6, 17},
    };
    static const want_entry w2[] = {
        {TJ_JSON_OBJECT, 0, 3, 13},
        {S, E, 7, 4},                 /* "a\u00e9": escaped, not ASCII */
        {TJ_JSON_ARRAY, 0, 2, 5},
        {TJ_JSON_TRUE, 0, 0, 17},
        {TJ_JSON_NULL, 0, 0, 24},
        {S, E | A, 3, 34},            /* "b\n" */
        {S, 0, 4, 42},                /* "x<U+00E9>y" raw */
        {S, A, 1, 51},
        {TJ_JSON_OBJECT, 0, 1, 13},
        {S, A, 1, 56},
        {TJ_JSON_ARRAY, 0, 2, 13},
        {TJ_JSON_ARRAY, 0, 0, 12},
        {TJ_JSON_OBJECT, 0, 0, 13},
    };
    static const want_entry w3[] = {{S, A, 1, 1}};
    static const want_entry w4[] = {{TJ_JSON_INT, 0, 2, 1}};
    static const want_entry w5[] = {{TJ_JSON_NULL, 0, 0, 0}};
    static const want_entry w6[] = {{TJ_JSON_FALSE, 0, 0, 2}};
    static const want_entry w7[] = {{TJ_JSON_FLOAT, 0, 7, 0}};
    static const want_entry w8[] = {{S, A, 0, 1}};
    static const want_entry w9[] = {
        {TJ_JSON_ARRAY, 0, 6, 7},
        {S, E | A, 6, 2},             /* \u007f is still ASCII */
        {S, E, 6, 11},                /* \u0080 is not */
        {S, E | A, 6, 20},            /* \u0000 */
        {S, E, 12, 29},               /* surrogate pair */
        {S, E | A, 2, 44},            /* \/ */
        {S, 0, 3, 49},                /* raw U+20AC */
    };
    static const want_entry w10[] = {
        {TJ_JSON_OBJECT, 0, 2, 5},
        {S, A, 1, 2},
        {TJ_JSON_INT, 0, 2, 5},
        {S, A, 1, 9},
        {TJ_JSON_INT, 0, 1, 12},
    };

    check_layout(D("[1,\"ab\",{\"k\":[]},-0.5e3]"), w1, 7);
    check_layout(D(" { \"a\\u00e9\" : [ true , null ] , \"b\\n\" : \"x\xc3\xa9y\" , "
                   "\"c\":{\"d\":[[],{}]} } "), w2, 13);
    check_layout(D("\"x\""), w3, 1);
    check_layout(D(" 12 "), w4, 1);
    check_layout(D("null"), w5, 1);
    check_layout(D("\r\nfalse\t"), w6, 1);
    check_layout(D("1.5e+10"), w7, 1);
    check_layout(D("\"\""), w8, 1);
    /* offsets:  0 [, 1 ", 2..7 \u007f, 8 ", 9 ,, 10 ", 11..16, 17 ", 18 ,, 19 ", 20..25,
     * 26 ", 27 ,, 28 ", 29..40, 41 ", 42 ,, 43 ", 44..45, 46 ", 47 ,, 48 ", 49..51 */
    check_layout(D("[\"\\u007f\",\"\\u0080\",\"\\u0000\",\"\\ud83d\\ude00\",\"\\/\",\"\xe2\x82\xac\"]"),
                 w9, 7);
    check_layout(D("{\"a\":10,\"b\":2}"), w10, 5);
}

/* ------------------------------------------------------------------------ */
/* string helpers                                                            */

/* Parse doc (an array of strings/values) and return the parsed state. */
static void test_str_helpers(void)
{
    /* entries: 1 "\u0061lg", 2 "alg", 3 "al", 4 U+1F600 as a pair, 5 "\u00e9",
     * 6 raw U+00E9, 7 "a\"b", 8 "\/", 9 "", 10 "\u0000", 11 "\u0061\u006cg",
     * 12 "\u0061\u006cx", 13 the INT 1 */
    static const char doc[] =
        "[\"\\u0061lg\",\"alg\",\"al\",\"\\uD83D\\uDE00\",\"\\u00e9\",\"\xc3\xa9\","
        "\"a\\\"b\",\"\\/\",\"\",\"\\u0000\",\"\\u0061\\u006cg\",\"\\u0061\\u006cx\",1]";
    static const char doc2[] = "{\"alg\":\"\\u00E9\",\"x\":\"\\ud83d\\ude00\"}";
    parsed P, Q;
    const tj_json_entry *e;
    uint32_t i, j;

    parse(&P, doc, sizeof doc - 1);
    parse(&Q, doc2, sizeof doc2 - 1);
    CHECK(P.st == TJ_JSON_OK && P.tape.count == 14, "helper doc parses (%d, %u)", (int)P.st,
          P.tape.count);
    CHECK(Q.st == TJ_JSON_OK && Q.tape.count == 5, "helper doc2 parses");
    if (P.st != TJ_JSON_OK || Q.st != TJ_JSON_OK) {
        release(&P);
        release(&Q);
        return;
    }
    e = P.ent;
    CHECK(tj_json_str_eq(P.doc, &e[1], "alg", 3), "\\u0061lg == alg");
    CHECK(!tj_json_str_eq(P.doc, &e[1], "al", 2), "\\u0061lg != al");
    CHECK(!tj_json_str_eq(P.doc, &e[1], "algx", 4), "\\u0061lg != algx");
    CHECK(!tj_json_str_eq(P.doc, &e[1], "blg", 3), "\\u0061lg != blg");
    CHECK(!tj_json_str_eq(P.doc, &e[1], "\\u0061lg", 8), "no raw compare of escaped text");
    CHECK(tj_json_str_eq(P.doc, &e[2], "alg", 3), "alg == alg");
    CHECK(!tj_json_str_eq(P.doc, &e[2], "alG", 3), "alg != alG");
    CHECK(!tj_json_str_eq(P.doc, &e[2], "al", 2), "alg != al");
    CHECK(!tj_json_str_eq(P.doc, &e[3], "alg", 3), "al != alg");
    CHECK(tj_json_str_eq(P.doc, &e[4], "\xf0\x9f\x98\x80", 4), "pair == U+1F600 as UTF-8");
    CHECK(!tj_json_str_eq(P.doc, &e[4], "\xf0\x9f\x98\x81", 4), "pair != U+1F601");
    CHECK(!tj_json_str_eq(P.doc, &e[4], "\xed\xa0\xbd\xed\xb8\x80", 6), "pair != CESU-8 form");
    CHECK(tj_json_str_eq(P.doc, &e[5], "\xc3\xa9", 2), "\\u00e9 == e-acute");
    CHECK(tj_json_str_eq(P.doc, &e[6], "\xc3\xa9", 2), "raw e-acute == e-acute");
    CHECK(tj_json_str_eq(P.doc, &e[7], "a\"b", 3), "a\\\"b");
    CHECK(tj_json_str_eq(P.doc, &e[8], "/", 1), "\\/ == /");
    CHECK(tj_json_str_eq(P.doc, &e[9], "", 0), "empty == empty");
    CHECK(tj_json_str_eq(P.doc, &e[9], NULL, 0), "empty == (NULL, 0)");
    CHECK(!tj_json_str_eq(P.doc, &e[9], "a", 1), "empty != a");
    CHECK(tj_json_str_eq(P.doc, &e[10], "\0", 1), "\\u0000 == NUL");
    CHECK(!tj_json_str_eq(P.doc, &e[10], "", 0), "\\u0000 != empty");
    CHECK(tj_json_str_eq(P.doc, &e[11], "alg", 3), "\\u0061\\u006cg == alg");
    CHECK(!tj_json_str_eq(P.doc, &e[13], "1", 1), "INT entry never equals a string");

    CHECK(tj_json_str_eq2(P.doc, &e[1], P.doc, &e[2]), "eq2 escaped vs raw");
    CHECK(tj_json_str_eq2(P.doc, &e[2], P.doc, &e[1]), "eq2 raw vs escaped");
    CHECK(tj_json_str_eq2(P.doc, &e[1], P.doc, &e[11]), "eq2 both escaped");
    CHECK(!tj_json_str_eq2(P.doc, &e[11], P.doc, &e[12]), "eq2 both escaped, last differs");
    CHECK(!tj_json_str_eq2(P.doc, &e[1], P.doc, &e[3]), "eq2 alg vs al");
    CHECK(!tj_json_str_eq2(P.doc, &e[3], P.doc, &e[1]), "eq2 al vs alg");
    CHECK(!tj_json_str_eq2(P.doc, &e[3], P.doc, &e[2]), "eq2 raw al vs raw alg");
    CHECK(tj_json_str_eq2(P.doc, &e[5], P.doc, &e[6]), "eq2 \\u00e9 vs raw");
    CHECK(tj_json_str_eq2(P.doc, &e[9], P.doc, &e[9]), "eq2 empty");
    CHECK(!tj_json_str_eq2(P.doc, &e[9], P.doc, &e[10]), "eq2 empty vs NUL");
    CHECK(!tj_json_str_eq2(P.doc, &e[10], P.doc, &e[9]), "eq2 NUL vs empty");
    CHECK(!tj_json_str_eq2(P.doc, &e[13], P.doc, &e[13]), "eq2 on INT entries");
    /* across documents */
    CHECK(tj_json_str_eq2(P.doc, &e[1], Q.doc, &Q.ent[1]), "eq2 across docs, key alg");
    CHECK(tj_json_str_eq2(Q.doc, &Q.ent[2], P.doc, &e[5]), "eq2 \\u00E9 vs \\u00e9");
    CHECK(tj_json_str_eq2(Q.doc, &Q.ent[2], P.doc, &e[6]), "eq2 \\u00E9 vs raw");
    CHECK(tj_json_str_eq2(Q.doc, &Q.ent[4], P.doc, &e[4]), "eq2 pair vs pair (case differs)");
    CHECK(!tj_json_str_eq2(Q.doc, &Q.ent[4], P.doc, &e[5]), "eq2 pair vs e-acute");

    /* unescape each string into a buffer of exactly e->len bytes, then check
     * that str_eq agrees with the result, and that eq2 is symmetric and agrees
     * with comparing decoded bytes */
    for (i = 1; i < 13; i++) {
        uint8_t *out = xmalloc(e[i].len);
        size_t n = tj_json_unescape(P.doc, &e[i], out);
        CHECK(n <= e[i].len, "unescape grew the text");
        CHECK(tj_json_str_eq(P.doc, &e[i], (const char *)out, n), "str_eq(unescape(e)) #%u", i);
        if (n > 0) {
            CHECK(!tj_json_str_eq(P.doc, &e[i], (const char *)out, n - 1), "str_eq short #%u", i);
            out[n - 1] ^= 0x01;
            CHECK(!tj_json_str_eq(P.doc, &e[i], (const char *)out, n), "str_eq flipped #%u", i);
            out[n - 1] ^= 0x01;
        }
        for (j = 1; j < 13; j++) {
            uint8_t *o2 = xmalloc(e[j].len);
            size_t n2 = tj_json_unescape(P.doc, &e[j], o2);
            int same = n2 == n && (n2 == 0 || memcmp(out, o2, n2) == 0);
            CHECK(tj_json_str_eq2(P.doc, &e[i], P.doc, &e[j]) == same, "eq2(%u,%u)", i, j);
            free(o2);
        }
        free(out);
    }
    release(&P);
    release(&Q);
}

static void check_unescape(const char *doc, size_t len, const char *want, size_t wantlen)
{
    parsed P;
    parse(&P, doc, len);
    CHECK(P.st == TJ_JSON_OK && P.ent[0].type == TJ_JSON_STRING, "unescape doc %s parses",
          show(P.doc, P.len));
    if (P.st == TJ_JSON_OK) {
        uint8_t *out = xmalloc(P.ent[0].len); /* exact size: ASan sees any overrun */
        size_t n = tj_json_unescape(P.doc, &P.ent[0], out);
        CHECK(n == wantlen && memcmp(out, want, n) == 0, "unescape %s gave %s",
              show(P.doc, P.len), show(out, n));
        CHECK(tj_json_str_eq(P.doc, &P.ent[0], want, wantlen), "str_eq %s", show(P.doc, P.len));
        free(out);
    }
    release(&P);
}

static void test_unescape(void)
{
    check_unescape(D("\"\""), D(""));
    check_unescape(D("\"abc\""), D("abc"));
    check_unescape(D("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), D("\"\\/\b\f\n\r\t"));
    check_unescape(D("\"\\u0000\""), D("\0"));
    check_unescape(D("\"\\u007F\""), D("\x7f"));
    check_unescape(D("\"\\u0080\""), D("\xc2\x80"));
    check_unescape(D("\"\\u07fF\""), D("\xdf\xbf"));
    check_unescape(D("\"\\u0800\""), D("\xe0\xa0\x80"));
    check_unescape(D("\"\\uD7FF\""), D("\xed\x9f\xbf"));
    check_unescape(D("\"\\uE000\""), D("\xee\x80\x80"));
    check_unescape(D("\"\\uFFFF\""), D("\xef\xbf\xbf"));
    check_unescape(D("\"\\uD800\\uDC00\""), D("\xf0\x90\x80\x80"));
    check_unescape(D("\"\\uDBFF\\uDFFF\""), D("\xf4\x8f\xbf\xbf"));
    check_unescape(D("\"\\ud83d\\ude00\""), D("\xf0\x9f\x98\x80"));
    check_unescape(D("\"a\\nb\\u00e9c\xc3\xa9\\\\\""), D("a\nb\xc3\xa9" "c\xc3\xa9\\"));
    check_unescape(D("\"\\\\u0000\""), D("\\u0000"));
    check_unescape(D("\"xx\\uD834\\uDD1Eyy\\u20ACzz\""), D("xx\xf0\x9d\x84\x9eyy\xe2\x82\xac" "zz"));

    /* A hand-made entry that no parse could produce (an escape cut off by len)
     * must still not read or write outside its bytes. */
    {
        static const char raw[] = "\"ab\\u00\"";
        uint8_t *doc = xmalloc(sizeof raw - 1), *out;
        tj_json_entry e;
        size_t n;
        memcpy(doc, raw, sizeof raw - 1);
        e.type = TJ_JSON_STRING;
        e.flags = TJ_JSON_F_ESCAPED;
        e.reserved = 0;
        e.pos = 1;
        e.len = 6; /* ab\u00 */
        out = xmalloc(e.len);
        n = tj_json_unescape(doc, &e, out);
        CHECK(n <= e.len, "malformed entry: unescape stays within len");
        CHECK(!tj_json_str_eq(doc, &e, "ab", 2), "malformed entry: str_eq is false");
        e.len = 3; /* ab\ */
        n = tj_json_unescape(doc, &e, out);
        CHECK(n == 3 && memcmp(out, "ab\\", 3) == 0, "malformed entry: lone backslash copied");
        e.type = TJ_JSON_INT;
        CHECK(tj_json_unescape(doc, &e, out) == 0, "unescape of non-STRING writes nothing");
        free(out);
        free(doc);
    }
}

/* ------------------------------------------------------------------------ */
/* number helpers                                                            */

static void test_numbers(void)
{
    static const struct {
        const char *doc;
        int ok;
        int64_t v;
    } ints[] = {
        {"0", 1, 0},
        {"-0", 1, 0},
        {"7", 1, 7},
        {"-7", 1, -7},
        {"1516239022", 1, 1516239022},
        {"-1516239022", 1, -1516239022},
        {"999999999999999999", 1, INT64_C(999999999999999999)},     /* 18 digits */
        {"-999999999999999999", 1, -INT64_C(999999999999999999)},
        {"100000000000000000", 1, INT64_C(100000000000000000)},
        {"1000000000000000000", 0, 0},                                /* 19 digits */
        {"-1000000000000000000", 0, 0},
        {"9223372036854775807", 0, 0},
        {"99999999999999999999999", 0, 0},
        {"1.0", 0, 0},
        {"1e3", 0, 0},
        {"-0.0", 0, 0},
        {"\"12\"", 0, 0},
        {"true", 0, 0},
        {"null", 0, 0},
    };
    static const struct {
        const char *doc;
        int zero;
    } zeros[] = {
        {"0", 1}, {"-0", 1}, {"0.000", 1}, {"0e10", 1}, {"-0.0E-5", 1}, {"0.0e+7", 1},
        {"0E0", 1}, {"-0.00000000000000000000", 1},
        {"1", 0}, {"-1", 0}, {"0.001", 0}, {"-0.1", 0}, {"10", 0}, {"1e0", 0},
        {"0.10", 0}, {"100e-2", 0}, {"1e-999", 0}, {"-0.0000000001e5", 0}, {"5e0", 0},
        {"\"0\"", 0}, {"false", 0}, {"null", 0}, {"[0]", 0},
    };
    size_t i;
    for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        parsed P;
        int64_t v = 424242;
        int r;
        parse(&P, ints[i].doc, strlen(ints[i].doc));
        CHECK(P.st == TJ_JSON_OK, "small_int doc %s parses", ints[i].doc);
        r = P.st == TJ_JSON_OK ? tj_json_small_int(P.doc, &P.ent[0], &v) : -1;
        CHECK(r == ints[i].ok, "small_int(%s) returned %d", ints[i].doc, r);
        if (ints[i].ok)
            CHECK(v == ints[i].v, "small_int(%s) = %lld", ints[i].doc, (long long)v);
        else
            CHECK(v == 424242, "small_int(%s) wrote *out on failure", ints[i].doc);
        release(&P);
    }
    for (i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        parsed P;
        int r;
        parse(&P, zeros[i].doc, strlen(zeros[i].doc));
        CHECK(P.st == TJ_JSON_OK, "is_zero doc %s parses", zeros[i].doc);
        r = P.st == TJ_JSON_OK ? tj_json_number_is_zero(P.doc, &P.ent[0]) : -1;
        CHECK(r == zeros[i].zero, "number_is_zero(%s) returned %d", zeros[i].doc, r);
        release(&P);
    }
    /* INT vs FLOAT classification */
    {
        static const struct {
            const char *doc;
            uint8_t type;
        } types[] = {
            {"0", TJ_JSON_INT}, {"-0", TJ_JSON_INT}, {"123", TJ_JSON_INT},
            {"1.0", TJ_JSON_FLOAT}, {"1e0", TJ_JSON_FLOAT}, {"1E+0", TJ_JSON_FLOAT},
            {"-0.5", TJ_JSON_FLOAT}, {"12345678901234567890123", TJ_JSON_INT},
        };
        for (i = 0; i < sizeof types / sizeof types[0]; i++) {
            parsed P;
            parse(&P, types[i].doc, strlen(types[i].doc));
            CHECK(P.st == TJ_JSON_OK && P.ent[0].type == types[i].type
                      && P.ent[0].len == strlen(types[i].doc) && P.ent[0].pos == 0,
                  "number type of %s", types[i].doc);
            release(&P);
        }
    }
}

static void test_messages(void)
{
    int s;
    for (s = TJ_JSON_OK; s <= TJ_JSON_ERR_EMPTY; s++) {
        const char *m = tj_json_status_message((tj_json_status)s);
        int t;
        CHECK(m != NULL && m[0] != 0, "message for status %d", s);
        for (t = TJ_JSON_OK; t < s; t++)
            CHECK(strcmp(m, tj_json_status_message((tj_json_status)t)) != 0,
                  "messages %d and %d are the same", s, t);
    }
    CHECK(tj_json_status_message((tj_json_status)99) != NULL, "message for unknown status");
}

/* ------------------------------------------------------------------------ */
/* depth                                                                     */

static void nest(char *buf, size_t depth, const char *open, const char *mid, const char *close)
{
    size_t i, o = 0, lo = strlen(open), lc = strlen(close);
    for (i = 0; i < depth; i++, o += lo)
        memcpy(buf + o, open, lo);
    memcpy(buf + o, mid, strlen(mid));
    o += strlen(mid);
    for (i = 0; i < depth; i++, o += lc)
        memcpy(buf + o, close, lc);
    buf[o] = 0;
}

static void test_depth(void)
{
    char *buf = xmalloc(8u * 1000u + 64u);
    parsed P;
    size_t big = 1000000, i;
    char *huge;

    nest(buf, 64, "[", "", "]");
    parse(&P, buf, strlen(buf));
    CHECK(P.st == TJ_JSON_OK && P.tape.count == 64, "64 nested arrays at max_depth 64");
    release(&P);
    nest(buf, 65, "[", "", "]");
    parse(&P, buf, strlen(buf));
    CHECK(P.st == TJ_JSON_ERR_DEPTH && P.err == 64, "65 nested arrays: %d at %zu", (int)P.st, P.err);
    release(&P);
    nest(buf, 64, "{\"a\":", "1", "}");
    parse(&P, buf, strlen(buf));
    CHECK(P.st == TJ_JSON_OK && P.tape.count == 64 * 2 + 1, "64 nested objects");
    release(&P);
    nest(buf, 65, "{\"a\":", "1", "}");
    parse(&P, buf, strlen(buf));
    CHECK(P.st == TJ_JSON_ERR_DEPTH && P.err == 64 * 5, "65 nested objects: %d at %zu", (int)P.st,
          P.err);
    release(&P);
    nest(buf, 32, "[{\"k\":", "[]", "}]");
    parse(&P, buf, strlen(buf));
    CHECK(P.st == TJ_JSON_ERR_DEPTH, "65 mixed levels");
    release(&P);
    nest(buf, 32, "[{\"k\":", "0", "}]");
    parse(&P, buf, strlen(buf));
    CHECK(P.st == TJ_JSON_OK, "64 mixed levels");
    release(&P);
    /* depth is restored on close: many siblings at the limit */
    strcpy(buf, "[");
    for (i = 0; i < 500; i++)
        strcat(buf, i ? ",[]" : "[]");
    strcat(buf, "]");
    parse_cap(&P, buf, strlen(buf), tj_json_tape_bound(strlen(buf)), 2);
    CHECK(P.st == TJ_JSON_OK && P.ent[0].len == 500, "500 siblings at max_depth 2");
    release(&P);
    parse_cap(&P, buf, strlen(buf), tj_json_tape_bound(strlen(buf)), 1);
    CHECK(P.st == TJ_JSON_ERR_DEPTH && P.err == 1, "siblings at max_depth 1");
    release(&P);
    parse_cap(&P, D("[1]"), 8, 1);
    CHECK(P.st == TJ_JSON_OK, "[1] at max_depth 1");
    release(&P);
    parse_cap(&P, D("[]"), 8, 0);
    CHECK(P.st == TJ_JSON_ERR_DEPTH && P.err == 0, "[] at max_depth 0");
    release(&P);
    parse_cap(&P, D("{}"), 8, 0);
    CHECK(P.st == TJ_JSON_ERR_DEPTH, "{} at max_depth 0");
    release(&P);
    parse_cap(&P, D("\"x\""), 8, 0);
    CHECK(P.st == TJ_JSON_OK, "scalar at max_depth 0");
    release(&P);

    /* a million levels with no depth limit: the parser must not recurse */
    huge = xmalloc(2 * big + 1);
    memset(huge, '[', big);
    memset(huge + big, ']', big);
    parse_cap(&P, huge, 2 * big, tj_json_tape_bound(2 * big), UINT_MAX);
    CHECK(P.st == TJ_JSON_OK && P.tape.count == big && P.ent[0].pos == big
              && P.ent[big - 1].pos == big && P.ent[big - 1].len == 0 && P.ent[big - 2].len == 1,
          "a million nested arrays without a depth limit");
    release(&P);
    parse_cap(&P, huge, big, (uint32_t)big, UINT_MAX);
    CHECK(P.st == TJ_JSON_ERR_SYNTAX && P.err == big, "a million unclosed arrays");
    release(&P);
    /* tj_json_tape_bound only covers valid documents: unclosed brackets take
     * one entry per byte, so with a bound-sized tape the tape runs out first */
    parse_cap(&P, huge, big, tj_json_tape_bound(big), UINT_MAX);
    CHECK(P.st == TJ_JSON_ERR_TOO_LARGE && P.err == tj_json_tape_bound(big),
          "a million unclosed arrays, bound-sized tape: %d at %zu", (int)P.st, P.err);
    release(&P);
    parse_cap(&P, huge, 2 * big, tj_json_tape_bound(2 * big), DEPTH);
    CHECK(P.st == TJ_JSON_ERR_DEPTH && P.err == DEPTH, "a million nested arrays at max_depth 64");
    release(&P);
    free(huge);
    free(buf);
}

/* ------------------------------------------------------------------------ */
/* tape capacity                                                             */

static void test_capacity(void)
{
    static const acc_case docs[] = {
        {D("0")},
        {D("[]")},
        {D("[0,0,0]")},
        {D("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}")},
        {D("[[[[]]],{},\"\",[{\"\":[]}]]")},
        {D("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}")},
    };
    size_t i;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        parsed P;
        uint32_t need, cap;
        parse(&P, docs[i].doc, docs[i].len);
        CHECK(P.st == TJ_JSON_OK, "capacity doc %s", docs[i].doc);
        need = P.tape.count;
        release(&P);
        parse_cap(&P, docs[i].doc, docs[i].len, need, DEPTH);
        CHECK(P.st == TJ_JSON_OK && P.tape.count == need, "exact cap %u works for %s", need,
              docs[i].doc);
        release(&P);
        parse_cap(&P, docs[i].doc, docs[i].len, need - 1, DEPTH);
        CHECK(P.st == TJ_JSON_ERR_TOO_LARGE, "cap %u (one short) fails for %s: %d", need - 1,
              docs[i].doc, (int)P.st);
        release(&P);
        for (cap = 0; cap < need; cap++) {
            parse_cap(&P, docs[i].doc, docs[i].len, cap, DEPTH);
            CHECK(P.st == TJ_JSON_ERR_TOO_LARGE, "cap %u fails for %s", cap, docs[i].doc);
            release(&P);
        }
    }
    /* cap 0 and a NULL entries pointer: nothing is ever written */
    {
        tj_json_tape t;
        size_t err = 99;
        t.entries = NULL;
        t.cap = 0;
        t.count = 7;
        CHECK(tj_json_parse((const uint8_t *)"1", 1, &t, DEPTH, &err) == TJ_JSON_ERR_TOO_LARGE
                  && err == 0 && t.count == 0,
              "cap 0 with NULL entries");
        CHECK(tj_json_parse(NULL, 0, &t, DEPTH, NULL) == TJ_JSON_ERR_EMPTY, "NULL doc, len 0");
        CHECK(tj_json_parse(NULL, 0, &t, DEPTH, &err) == TJ_JSON_ERR_EMPTY && err == 0,
              "NULL doc, len 0, err_pos 0");
    }
    /* the tape is reused: a second parse overwrites, it does not append */
    {
        parsed P;
        tj_json_status st;
        parse(&P, D("[1,2,3,4,5,6,7,8,9]"));
        st = tj_json_parse((const uint8_t *)"7", 1, &P.tape, DEPTH, NULL);
        CHECK(st == TJ_JSON_OK && P.tape.count == 1 && P.ent[0].type == TJ_JSON_INT,
              "second parse restarts at entry 0");
        release(&P);
    }
#if SIZE_MAX > UINT32_MAX
    /* over 4 GiB: refused before a byte is read (the pointer is never dereferenced) */
    {
        tj_json_entry ent[2];
        tj_json_tape t;
        size_t err = 0;
        static const uint8_t one[1] = {'1'};
        t.entries = ent;
        t.cap = 2;
        t.count = 0;
        CHECK(tj_json_parse(one, (size_t)UINT32_MAX + 1u, &t, DEPTH, &err) == TJ_JSON_ERR_TOO_LARGE
                  && err == UINT32_MAX,
              "document over 4 GiB");
    }
#endif
}

/* ------------------------------------------------------------------------ */
/* every byte in every position                                              */

static void test_bytes(void)
{
    unsigned b, off, tail;
    unsigned long bad = 0;
    uint8_t buf[64];
    /* whitespace: only the four JSON whitespace bytes may surround a value */
    for (b = 0; b < 256; b++) {
        int ws = b == ' ' || b == '\t' || b == '\n' || b == '\r';
        int digit = b >= '0' && b <= '9';
        parsed P;
        buf[0] = '[';
        buf[1] = (uint8_t)b;
        buf[2] = '1';
        buf[3] = ']';
        parse(&P, buf, 4); /* fine if b is whitespace or starts a number ("01" does not) */
        {
            /* where the error is: mostly b itself; these shift it */
            size_t want_err = b == '"' || b == '[' ? 4u : b == '{' || b == ']' || b == '0' ? 2u : 1u;
            if ((P.st == TJ_JSON_OK) != (ws || (digit && b != '0') || b == '-')
                || (P.st != TJ_JSON_OK && P.err != want_err)) {
                fprintf(stderr, "whitespace byte 0x%02x: status %d at %zu\n", b, (int)P.st, P.err);
                bad++;
            }
        }
        release(&P);
        buf[0] = '1';
        buf[1] = (uint8_t)b;
        parse(&P, buf, 2); /* "1" then b: fine only if b is whitespace or extends the number */
        if ((P.st == TJ_JSON_OK) != (ws || digit))
            bad++;
        release(&P);
    }
    CHECK(bad == 0, "%lu whitespace byte mismatches", bad);

    /* one byte b inside a string, at every offset across the 8-byte fast path */
    bad = 0;
    for (b = 0; b < 256; b++) {
        for (off = 0; off < 20; off++) {
            for (tail = 0; tail < 10; tail++) {
                size_t len = 1 + off + 1 + tail + 1, bpos = 1 + off;
                tj_json_status want;
                size_t want_err = bpos;
                parsed P;
                memset(buf, 'a', sizeof buf);
                buf[0] = '"';
                buf[bpos] = (uint8_t)b;
                buf[len - 1] = '"';
                if (b < 0x20) {
                    want = TJ_JSON_ERR_CONTROL;
                } else if (b == '"') {
                    want = TJ_JSON_ERR_SYNTAX; /* the string ends early: trailing data */
                    want_err = bpos + 1;
                } else if (b == '\\' && tail == 0) {
                    want = TJ_JSON_ERR_SYNTAX; /* \" escapes the closing quote */
                    want_err = len;
                } else if (b == '\\') {
                    want = TJ_JSON_ERR_ESCAPE; /* \a */
                } else if (b >= 0x80) {
                    want = TJ_JSON_ERR_UTF8;
                } else {
                    want = TJ_JSON_OK;
                }
                parse(&P, buf, len);
                if (P.st != want || (want != TJ_JSON_OK && P.err != want_err)
                    || (want == TJ_JSON_OK
                        && (P.ent[0].len != len - 2 || P.ent[0].flags != TJ_JSON_F_ASCII))) {
                    if (bad < 5)
                        fprintf(stderr, "byte 0x%02x at %u: status %d at %zu\n", b, off,
                                (int)P.st, P.err);
                    bad++;
                }
                release(&P);
            }
        }
    }
    CHECK(bad == 0, "%lu string byte mismatches", bad);
}

/* ------------------------------------------------------------------------ */
/* the reference parser: slow, recursive, written without the real one's tricks */

typedef struct {
    const uint8_t *s;
    size_t n, i;
    tj_json_entry *t;
    uint32_t cap, cnt;
    unsigned maxd;
    tj_json_status st;
    size_t err;
} ref;

static int ref_fail(ref *r, tj_json_status st, size_t pos)
{
    r->st = st;
    r->err = pos;
    return 0;
}

static int ref_isws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void ref_ws(ref *r)
{
    while (r->i < r->n && ref_isws(r->s[r->i]))
        r->i++;
}

static int ref_hex(uint8_t c)
{
    const char *digits = "0123456789abcdef";
    const char *p;
    if (c >= 'A' && c <= 'F')
        c = (uint8_t)(c - 'A' + 'a');
    if (c == 0)
        return -1;
    p = strchr(digits, c);
    return p ? (int)(p - digits) : -1;
}

static long ref_u4(ref *r, size_t at)
{
    long v = 0;
    size_t k;
    if (at + 4 > r->n)
        return -1;
    for (k = 0; k < 4; k++) {
        int h = ref_hex(r->s[at + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at s (avail bytes), or 0: decode the
 * generic way and then check the code point. */
static size_t ref_utf8(const uint8_t *s, size_t avail)
{
    size_t need, k;
    unsigned long cp;
    uint8_t c = s[0];
    if ((c & 0xE0) == 0xC0) {
        need = 2;
        cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        need = 3;
        cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        need = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (avail < need)
        return 0;
    for (k = 1; k < need; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000))
        return 0; /* overlong */
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need;
}

static int ref_string(ref *r) /* r->i on the opening quote */
{
    size_t start = ++r->i;
    int ascii = 1, escaped = 0;
    for (;;) {
        uint8_t c;
        if (r->i >= r->n)
            return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->n);
        c = r->s[r->i];
        if (c == '"')
            break;
        if (c == '\\') {
            size_t at = r->i;
            escaped = 1;
            if (at + 1 >= r->n)
                return ref_fail(r, TJ_JSON_ERR_ESCAPE, at);
            c = r->s[at + 1];
            if (c == 'u') {
                long v = ref_u4(r, at + 2);
                if (v < 0)
                    return ref_fail(r, TJ_JSON_ERR_ESCAPE, at);
                r->i = at + 6;
                if (v >= 0x80)
                    ascii = 0;
                if (v >= 0xDC00 && v <= 0xDFFF)
                    return ref_fail(r, TJ_JSON_ERR_ESCAPE, at);
                if (v >= 0xD800 && v <= 0xDBFF) {
                    long lo;
                    if (r->i + 1 >= r->n || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u')
                        return ref_fail(r, TJ_JSON_ERR_ESCAPE, at);
                    lo = ref_u4(r, r->i + 2);
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return ref_fail(r, TJ_JSON_ERR_ESCAPE, at);
                    r->i += 6;
                }
            } else if (c && strchr("\"\\/bfnrt", c)) {
                r->i = at + 2;
            } else {
                return ref_fail(r, TJ_JSON_ERR_ESCAPE, at);
            }
            continue;
        }
        if (c < 0x20)
            return ref_fail(r, TJ_JSON_ERR_CONTROL, r->i);
        if (c >= 0x80) {
            size_t k = ref_utf8(r->s + r->i, r->n - r->i);
            if (!k)
                return ref_fail(r, TJ_JSON_ERR_UTF8, r->i);
            ascii = 0;
            r->i += k;
            continue;
        }
        r->i++;
    }
    r->t[r->cnt].type = TJ_JSON_STRING;
    r->t[r->cnt].flags = (uint8_t)((ascii ? TJ_JSON_F_ASCII : 0) | (escaped ? TJ_JSON_F_ESCAPED : 0));
    r->t[r->cnt].reserved = 0;
    r->t[r->cnt].len = (uint32_t)(r->i - start);
    r->t[r->cnt].pos = (uint32_t)start;
    r->cnt++;
    r->i++;
    return 1;
}

static int ref_digit(ref *r) { return r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9'; }

static int ref_number(ref *r)
{
    size_t start = r->i;
    int is_float = 0;
    if (r->s[r->i] == '-')
        r->i++;
    if (!ref_digit(r))
        return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
    if (r->s[r->i] == '0') {
        r->i++;
    } else {
        while (ref_digit(r))
            r->i++;
    }
    if (r->i < r->n && r->s[r->i] == '.') {
        r->i++;
        if (!ref_digit(r))
            return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
        while (ref_digit(r))
            r->i++;
        is_float = 1;
    }
    if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
        r->i++;
        if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
            r->i++;
        if (!ref_digit(r))
            return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
        while (ref_digit(r))
            r->i++;
        is_float = 1;
    }
    r->t[r->cnt].type = is_float ? TJ_JSON_FLOAT : TJ_JSON_INT;
    r->t[r->cnt].flags = 0;
    r->t[r->cnt].reserved = 0;
    r->t[r->cnt].len = (uint32_t)(r->i - start);
    r->t[r->cnt].pos = (uint32_t)start;
    r->cnt++;
    return 1;
}

static int ref_value(ref *r, unsigned depth)
{
    uint8_t c;
    if (r->i >= r->n)
        return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->n);
    if (r->cnt >= r->cap)
        return ref_fail(r, TJ_JSON_ERR_TOO_LARGE, r->i);
    c = r->s[r->i];
    if (c == '[' || c == '{') {
        uint32_t me = r->cnt, members = 0;
        uint8_t close = c == '[' ? ']' : '}';
        if (depth >= r->maxd)
            return ref_fail(r, TJ_JSON_ERR_DEPTH, r->i);
        r->t[me].type = c == '[' ? TJ_JSON_ARRAY : TJ_JSON_OBJECT;
        r->t[me].flags = 0;
        r->t[me].reserved = 0;
        r->cnt++;
        r->i++;
        ref_ws(r);
        if (r->i < r->n && r->s[r->i] == close) {
            r->i++;
        } else {
            for (;;) {
                if (c == '{') {
                    if (r->i >= r->n || r->s[r->i] != '"')
                        return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
                    if (r->cnt >= r->cap)
                        return ref_fail(r, TJ_JSON_ERR_TOO_LARGE, r->i);
                    if (!ref_string(r))
                        return 0;
                    ref_ws(r);
                    if (r->i >= r->n || r->s[r->i] != ':')
                        return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
                    r->i++;
                    ref_ws(r);
                }
                if (!ref_value(r, depth + 1))
                    return 0;
                members++;
                ref_ws(r);
                if (r->i >= r->n)
                    return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->n);
                if (r->s[r->i] == ',') {
                    r->i++;
                    ref_ws(r);
                    continue;
                }
                if (r->s[r->i] == close) {
                    r->i++;
                    break;
                }
                return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
            }
        }
        r->t[me].len = members;
        r->t[me].pos = r->cnt;
        return 1;
    }
    if (c == '"')
        return ref_string(r);
    if (c == '-' || (c >= '0' && c <= '9'))
        return ref_number(r);
    {
        static const char *const words[] = {"null", "false", "true"};
        static const uint8_t types[] = {TJ_JSON_NULL, TJ_JSON_FALSE, TJ_JSON_TRUE};
        int k;
        for (k = 0; k < 3; k++) {
            size_t wl = strlen(words[k]);
            if (r->n - r->i >= wl && memcmp(r->s + r->i, words[k], wl) == 0) {
                r->t[r->cnt].type = types[k];
                r->t[r->cnt].flags = 0;
                r->t[r->cnt].reserved = 0;
                r->t[r->cnt].len = 0;
                r->t[r->cnt].pos = (uint32_t)r->i;
                r->cnt++;
                r->i += wl;
                return 1;
            }
        }
    }
    return ref_fail(r, TJ_JSON_ERR_SYNTAX, r->i);
}

static tj_json_status ref_parse(const uint8_t *s, size_t n, tj_json_entry *t, uint32_t cap,
                                unsigned maxd, uint32_t *count, size_t *err)
{
    ref r;
    r.s = s;
    r.n = n;
    r.i = 0;
    r.t = t;
    r.cap = cap;
    r.cnt = 0;
    r.maxd = maxd;
    r.st = TJ_JSON_OK;
    r.err = 0;
    *count = 0;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        *err = 0;
        return TJ_JSON_ERR_UTF8;
    }
    ref_ws(&r);
    if (r.i == n) {
        *err = n;
        return TJ_JSON_ERR_EMPTY;
    }
    if (!ref_value(&r, 0)) {
        *err = r.err;
        return r.st;
    }
    ref_ws(&r);
    if (r.i != n) {
        *err = r.i;
        return TJ_JSON_ERR_SYNTAX;
    }
    *count = r.cnt;
    return TJ_JSON_OK;
}

/* Parse with both parsers; 1 when they agree on status, error offset and tape.
 * Lean on purpose (it runs millions of times): one exact-size copy of the
 * document, a static guarded tape. */
#define REF_CAP 8192u
static tj_json_entry ref_tape[REF_CAP];
static tj_json_entry real_tape[REF_CAP + GUARD];
static int differ_count;

static int agree_off(const uint8_t *s, size_t n, uint32_t cap, unsigned maxd, size_t off);

static int agree(const uint8_t *s, size_t n, uint32_t cap, unsigned maxd)
{
    return agree_off(s, n, cap, maxd, 0);
}

/* agree() with the document placed off bytes into its heap block (which still
 * ends exactly where the document does), so that its address alignment varies. */
static int agree_off(const uint8_t *s, size_t n, uint32_t cap, unsigned maxd, size_t off)
{
    uint8_t *block = xmalloc(off + n), *doc = block + off;
    tj_json_tape t;
    uint32_t rc;
    size_t rerr = 0, err = (size_t)-1;
    tj_json_status rst, st;
    int ok;
    if (cap > REF_CAP)
        cap = REF_CAP;
    if (n)
        memcpy(doc, s, n);
    memset(real_tape + cap, GUARD_BYTE, GUARD * sizeof(tj_json_entry));
    t.entries = real_tape;
    t.cap = cap;
    t.count = 777;
    st = tj_json_parse(doc, n, &t, maxd, &err);
    CHECK_QUIET(guards_intact(real_tape, cap), "wrote past tape cap for %s", show(s, n));
    rst = ref_parse(s, n, ref_tape, cap, maxd, &rc, &rerr);
    ok = st == rst;
    if (ok && rst != TJ_JSON_OK)
        ok = err == rerr && t.count == 0;
    if (ok && rst == TJ_JSON_OK)
        ok = t.count == rc && memcmp(real_tape, ref_tape, rc * sizeof(tj_json_entry)) == 0
             && tape_ok(real_tape, rc, n) && rc <= tj_json_tape_bound(n);
    if (!ok && differ_count++ < 10)
        fprintf(stderr, "disagree on %s (cap %u depth %u offset %zu): parser %d@%zu, reference %d@%zu\n",
                show(s, n), cap, maxd, off, (int)st, err, (int)rst, rerr);
    free(block);
    return ok;
}

/* Reference self-check: it must agree with the tables too, or it proves nothing. */
static void test_reference_on_tables(void)
{
    size_t i;
    uint32_t rc;
    size_t err;
    for (i = 0; i < sizeof accept_cases / sizeof accept_cases[0]; i++)
        CHECK(ref_parse((const uint8_t *)accept_cases[i].doc, accept_cases[i].len, ref_tape, REF_CAP,
                        DEPTH, &rc, &err) == TJ_JSON_OK,
              "reference accepts #%zu", i);
    for (i = 0; i < sizeof reject_cases / sizeof reject_cases[0]; i++) {
        const rej_case *c = &reject_cases[i];
        tj_json_status st = ref_parse((const uint8_t *)c->doc, c->len, ref_tape, REF_CAP, DEPTH, &rc, &err);
        CHECK(st == c->st && (c->err < 0 || err == (size_t)c->err), "reference on reject #%zu: %d@%zu",
              i, (int)st, err);
        CHECK(agree((const uint8_t *)c->doc, c->len, REF_CAP, DEPTH), "agree on reject #%zu", i);
    }
}

/* ------------------------------------------------------------------------ */
/* exhaustive UTF-8                                                          */

/* All 1-, 2- and 3-byte sequences and a dense sample of 4-byte ones, inside a
 * string, compared with the reference (which decodes the generic way). */
static void test_utf8_exhaustive(void)
{
    static const uint8_t pick[] = {0x00, 0x22, 0x5c, 0x7f, 0x80, 0x81, 0x8f, 0x90,
                                   0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff};
    uint8_t doc[8];
    unsigned a, b, c, d;
    unsigned long bad = 0, total = 0;
    for (a = 0; a < 256; a++) {
        for (b = 0; b < 256; b++) {
            doc[0] = '"';
            doc[1] = (uint8_t)a;
            doc[2] = (uint8_t)b;
            doc[3] = '"';
            bad += !agree(doc, 4, 8, DEPTH);
            total++;
        }
    }
    for (a = 0xE0; a < 0x100; a++) {
        for (b = 0; b < 256; b++) {
            for (c = 0; c < 256; c++) {
                if (a >= 0xF0 && c != 0x80 && c != 0xBF && c != 0x22)
                    continue;
                doc[0] = '"';
                doc[1] = (uint8_t)a;
                doc[2] = (uint8_t)b;
                doc[3] = (uint8_t)c;
                doc[4] = '"';
                bad += !agree(doc, 5, 8, DEPTH);
                total++;
            }
        }
    }
    for (a = 0xF0; a < 0x100; a++)
        for (b = 0; b < 256; b++)
            for (c = 0; c < sizeof pick; c++)
                for (d = 0; d < sizeof pick; d++) {
                    doc[0] = '"';
                    doc[1] = (uint8_t)a;
                    doc[2] = (uint8_t)b;
                    doc[3] = pick[c];
                    doc[4] = pick[d];
                    doc[5] = '"';
                    bad += !agree(doc, 6, 8, DEPTH);
                    total++;
                }
    CHECK(bad == 0, "%lu of %lu UTF-8 sequences disagree with the reference", bad, total);

    /* exact code point coverage: every scalar value encodes to something accepted,
     * with the ASCII flag only below U+0080 */
    {
        unsigned long cp;
        uint8_t s[6];
        bad = 0;
        for (cp = 0x20; cp <= 0x10FFFF; cp++) {
            size_t n, err;
            tj_json_tape t;
            tj_json_entry e[2];
            if (cp == '"' || cp == '\\' || (cp >= 0xD800 && cp <= 0xDFFF))
                continue;
            s[0] = '"';
            if (cp < 0x80) {
                s[1] = (uint8_t)cp;
                n = 1;
            } else if (cp < 0x800) {
                s[1] = (uint8_t)(0xC0 | (cp >> 6));
                s[2] = (uint8_t)(0x80 | (cp & 0x3F));
                n = 2;
            } else if (cp < 0x10000) {
                s[1] = (uint8_t)(0xE0 | (cp >> 12));
                s[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                s[3] = (uint8_t)(0x80 | (cp & 0x3F));
                n = 3;
            } else {
                s[1] = (uint8_t)(0xF0 | (cp >> 18));
                s[2] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
                s[3] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                s[4] = (uint8_t)(0x80 | (cp & 0x3F));
                n = 4;
            }
            s[n + 1] = '"';
            t.entries = e;
            t.cap = 2;
            if (tj_json_parse(s, n + 2, &t, DEPTH, &err) != TJ_JSON_OK || e[0].len != n
                || e[0].flags != (cp < 0x80 ? TJ_JSON_F_ASCII : 0))
                bad++;
        }
        CHECK(bad == 0, "%lu code points refused or mis-flagged", bad);
    }
}

/* All \uXXXX escapes (and every pairing class), decoded and compared. */
static void test_escapes_exhaustive(void)
{
    unsigned long cu, bad = 0;
    char doc[32];
    for (cu = 0; cu < 0x10000; cu++) {
        parsed P;
        int lone = cu >= 0xD800 && cu <= 0xDFFF;
        sprintf(doc, cu & 1 ? "\"\\u%04lX\"" : "\"\\u%04lx\"", cu);
        parse(&P, doc, 8);
        if (lone) {
            if (P.st != TJ_JSON_ERR_ESCAPE || P.err != 1)
                bad++;
        } else if (P.st != TJ_JSON_OK
                   || P.ent[0].flags != (TJ_JSON_F_ESCAPED | (cu < 0x80 ? TJ_JSON_F_ASCII : 0))) {
            bad++;
        } else {
            uint8_t out[6], want[3];
            size_t n = tj_json_unescape(P.doc, &P.ent[0], out), wn;
            if (cu < 0x80) {
                want[0] = (uint8_t)cu;
                wn = 1;
            } else if (cu < 0x800) {
                want[0] = (uint8_t)(0xC0 | (cu >> 6));
                want[1] = (uint8_t)(0x80 | (cu & 0x3F));
                wn = 2;
            } else {
                want[0] = (uint8_t)(0xE0 | (cu >> 12));
                want[1] = (uint8_t)(0x80 | ((cu >> 6) & 0x3F));
                want[2] = (uint8_t)(0x80 | (cu & 0x3F));
                wn = 3;
            }
            if (n != wn || memcmp(out, want, wn) != 0
                || !tj_json_str_eq(P.doc, &P.ent[0], (const char *)want, wn))
                bad++;
        }
        release(&P);
    }
    CHECK(bad == 0, "%lu single \\u escapes wrong", bad);

    /* every byte in every hex digit position: only [0-9a-fA-F] is a digit */
    bad = 0;
    {
        unsigned byte, at;
        for (byte = 0; byte < 256; byte++) {
            int hex = (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'f')
                      || (byte >= 'A' && byte <= 'F');
            for (at = 0; at < 4; at++) {
                parsed P;
                memcpy(doc, "\"\\u0041\"", 8);
                doc[3 + at] = (char)byte;
                parse(&P, doc, 8);
                if ((P.st == TJ_JSON_OK) != hex || (!hex && (P.st != TJ_JSON_ERR_ESCAPE || P.err != 1)))
                    bad++;
                release(&P);
            }
        }
    }
    CHECK(bad == 0, "%lu hex digit bytes wrong", bad);

    /* pairs: sample high x low grid, including every boundary */
    bad = 0;
    {
        static const unsigned long firsts[] = {0x0041, 0x00e9, 0xD7FF, 0xD800, 0xD801, 0xDA00,
                                               0xDBFE, 0xDBFF, 0xDC00, 0xDDDD, 0xDFFF, 0xE000,
                                               0xFFFF};
        size_t i, j;
        for (i = 0; i < sizeof firsts / sizeof firsts[0]; i++) {
            for (j = 0; j < sizeof firsts / sizeof firsts[0]; j++) {
                unsigned long h = firsts[i], l = firsts[j];
                int hi = h >= 0xD800 && h <= 0xDBFF, lo_l = l >= 0xDC00 && l <= 0xDFFF;
                int hl = h >= 0xDC00 && h <= 0xDFFF, hi_l = l >= 0xD800 && l <= 0xDBFF;
                int valid = hi ? lo_l : (!hl && !hi_l && !lo_l);
                parsed P;
                sprintf(doc, "\"\\u%04lx\\u%04lX\"", h, l);
                parse(&P, doc, 14);
                if ((P.st == TJ_JSON_OK) != valid || (!valid && P.st != TJ_JSON_ERR_ESCAPE))
                    bad++;
                if (valid && hi) {
                    unsigned long cp = 0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00);
                    uint8_t want[4], out[12];
                    want[0] = (uint8_t)(0xF0 | (cp >> 18));
                    want[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
                    want[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                    want[3] = (uint8_t)(0x80 | (cp & 0x3F));
                    if (tj_json_unescape(P.doc, &P.ent[0], out) != 4 || memcmp(out, want, 4) != 0
                        || !tj_json_str_eq(P.doc, &P.ent[0], (const char *)want, 4)
                        || P.ent[0].flags != TJ_JSON_F_ESCAPED)
                        bad++;
                }
                release(&P);
            }
        }
        /* every low half after a fixed high half, and every high half before a fixed low */
        for (i = 0xDC00; i <= 0xDFFF; i++) {
            size_t err;
            tj_json_tape t;
            tj_json_entry e[2];
            sprintf(doc, "\"\\uD83D\\u%04zx\"", i);
            t.entries = e;
            t.cap = 2;
            if (tj_json_parse((const uint8_t *)doc, 14, &t, DEPTH, &err) != TJ_JSON_OK)
                bad++;
            sprintf(doc, "\"\\u%04zX\\uDE00\"", i - 0x400);
            if (tj_json_parse((const uint8_t *)doc, 14, &t, DEPTH, &err) != TJ_JSON_OK)
                bad++;
        }
    }
    CHECK(bad == 0, "%lu surrogate pair cases wrong", bad);
}

/* ------------------------------------------------------------------------ */
/* random documents from a tiny grammar, and mutations of them                */

static uint64_t rng = UINT64_C(0x243F6A8885A308D3); /* fixed seed: reproducible */

static uint32_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * UINT64_C(2685821657736338717)) >> 32);
}

static uint32_t rndn(uint32_t n) { return rnd() % n; }

typedef struct {
    char buf[4096];
    size_t n;
    int budget;  /* values left to generate */
    int dense;   /* minimal tokens, no whitespace: the tape bound's worst case */
} gen;

static void put(gen *g, const char *s)
{
    size_t l = strlen(s);
    if (g->n + l >= sizeof g->buf) {
        fprintf(stderr, "generator overflow\n");
        exit(2);
    }
    memcpy(g->buf + g->n, s, l);
    g->n += l;
}

static void gen_ws(gen *g)
{
    static const char *const ws[] = {" ", "\n", "\t", "\r", "  "};
    if (!g->dense && rndn(4) == 0)
        put(g, ws[rndn(5)]);
}

static void gen_value(gen *g, int depth)
{
    static const char *const scalars[] = {
        "0", "-0", "1", "-12", "3.25", "1e5", "-2.5E-3", "123456789012345678901",
        "\"\"", "\"a\"", "\"\\u0061\"", "\"\\n\\t\"", "\"\xc3\xa9\"", "\"\\ud83d\\ude00\"",
        "\"0123456789abcdefghij\"", "\"\xf0\x9f\x98\x80 \\\\ \\/\"",
        "true", "false", "null",
    };
    static const char *const dense_scalars[] = {"0", "1", "\"\""};
    static const char *const keys[] = {"\"\"", "\"a\"", "\"alg\"", "\"\\u0061\"", "\"k\\\"\""};
    uint32_t kind;
    g->budget--;
    kind = rndn(depth < 8 ? 10 : 4);
    if (kind < 4) {
        if (g->dense)
            put(g, dense_scalars[rndn(3)]);
        else
            put(g, scalars[rndn(sizeof scalars / sizeof scalars[0])]);
        return;
    }
    {
        int obj = kind >= 7, k, members = (int)rndn(5);
        put(g, obj ? "{" : "[");
        gen_ws(g);
        for (k = 0; k < members && g->budget > 0; k++) {
            if (k) {
                put(g, ",");
                gen_ws(g);
            }
            if (obj) {
                put(g, g->dense ? "\"\"" : keys[rndn(5)]);
                gen_ws(g);
                put(g, ":");
                gen_ws(g);
            }
            gen_value(g, depth + 1);
            gen_ws(g);
        }
        put(g, obj ? "}" : "]");
    }
}

static void test_random(void)
{
    static const uint8_t alphabet[] = "[]{}\",:0123456789.eE+-tfnul\\ \t\n\r/abx";
    static const uint8_t high[] = {0x00, 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xa9,
                                   0xe0, 0xed, 0xa0, 0xef, 0xbb, 0xf0, 0xf4, 0x90, 0xf5, 0xff};
    unsigned long iters = 300000, i, bad = 0, over = 0, max_slack_hits = 0;
    uint8_t mut[4200];
    gen g;

    for (i = 0; i < iters; i++) {
        uint32_t cap;
        unsigned maxd = DEPTH;
        g.n = 0;
        g.dense = (i & 3) == 0;
        g.budget = 1 + (int)rndn(40);
        gen_ws(&g);
        gen_value(&g, 0);
        gen_ws(&g);

        /* the generated document: valid, and within the tape bound */
        {
            parsed P;
            parse(&P, g.buf, g.n);
            if (P.st != TJ_JSON_OK) {
                if (bad++ < 5)
                    fprintf(stderr, "generated doc refused: %s\n", show(P.doc, P.len));
            } else {
                if (P.tape.count > tj_json_tape_bound(g.n))
                    over++;
                if (P.tape.count + 1 >= tj_json_tape_bound(g.n))
                    max_slack_hits++;
            }
            release(&P);
            if (!agree((const uint8_t *)g.buf, g.n, tj_json_tape_bound(g.n), DEPTH))
                bad++;
        }

        /* a mutation of it: the two parsers must agree on whatever happens */
        {
            size_t n = g.n, k, muts = 1 + rndn(3);
            memcpy(mut, g.buf, n);
            for (k = 0; k < muts && n > 0; k++) {
                size_t at = rndn((uint32_t)n);
                uint8_t byte = rndn(3) ? alphabet[rndn(sizeof alphabet - 1)] : high[rndn(sizeof high)];
                switch (rndn(4)) {
                case 0: mut[at] = byte; break;
                case 1: /* insert */
                    memmove(mut + at + 1, mut + at, n - at);
                    mut[at] = byte;
                    n++;
                    break;
                case 2: /* delete */
                    memmove(mut + at, mut + at + 1, n - at - 1);
                    n--;
                    break;
                default: n = at; break; /* truncate */
                }
            }
            cap = tj_json_tape_bound(n);
            if (rndn(10) == 0)
                cap = rndn(cap + 1); /* also compare where the tape runs out */
            if (rndn(10) == 0)
                maxd = rndn(4);
            if (!agree(mut, n, cap, maxd))
                bad++;
        }
    }
    CHECK(bad == 0, "%lu random documents disagree with the reference", bad);
    CHECK(over == 0, "%lu random documents exceed tj_json_tape_bound", over);
    /* the dense generator must come close to the bound, or the check above is toothless */
    CHECK(max_slack_hits > 1000, "only %lu documents came within 1 of the tape bound", max_slack_hits);
}

/* Every document up to 7 bytes over a small alphabet: both parsers agree, and
 * every accepted one fits tj_json_tape_bound. */
static void test_enumerate(void)
{
    static const uint8_t sym[] = {'[', ']', '{', '}', '"', ',', ':', '0', ' '};
    const unsigned ns = sizeof sym;
    uint8_t doc[8];
    unsigned long bad = 0, accepted = 0, total = 0;
    size_t len;
    for (len = 1; len <= 7; len++) {
        unsigned long combos = 1, c;
        size_t k;
        for (k = 0; k < len; k++)
            combos *= ns;
        for (c = 0; c < combos; c++) {
            unsigned long x = c;
            uint32_t rc;
            size_t err;
            tj_json_status st;
            for (k = 0; k < len; k++) {
                doc[k] = sym[x % ns];
                x /= ns;
            }
            /* cheap prefilter for the common case, full agree() on a sample */
            st = ref_parse(doc, len, ref_tape, tj_json_tape_bound(len), DEPTH, &rc, &err);
            if (st == TJ_JSON_OK) {
                accepted++;
                if (rc > tj_json_tape_bound(len))
                    bad++;
            }
            if (st == TJ_JSON_OK || c % 7 == 0 || len < 5) {
                bad += !agree(doc, len, tj_json_tape_bound(len), DEPTH);
            } else {
                tj_json_entry ent[8];
                tj_json_tape t;
                size_t e2 = 0;
                t.entries = ent;
                t.cap = tj_json_tape_bound(len);
                if (tj_json_parse(doc, len, &t, DEPTH, &e2) != st || e2 != err)
                    bad++;
            }
            total++;
        }
    }
    CHECK(bad == 0, "%lu of %lu enumerated documents disagree", bad, total);
    CHECK(accepted > 1000, "enumeration accepted only %lu documents", accepted);
}

/* Every prefix of every accepted table document parses without reading past
 * its end (exact-size buffers) and with a sane result. */
static void test_prefixes(void)
{
    size_t i, k;
    unsigned long bad = 0;
    for (i = 0; i < sizeof accept_cases / sizeof accept_cases[0]; i++)
        for (k = 0; k <= accept_cases[i].len; k++)
            bad += !agree((const uint8_t *)accept_cases[i].doc, k, tj_json_tape_bound(k), DEPTH);
    CHECK(bad == 0, "%lu prefixes disagree", bad);
}

/* ------------------------------------------------------------------------ */
/* the fast paths: the string window, the vector scans, compact shortcuts    */

/*
 * On x86 the parser finds string ends in a 64-byte bit mask of special bytes
 * (quotes, backslashes, control and non-ASCII bytes) that it keeps across
 * tokens, reloads it as strings run past it, reads the last partial window and
 * the last partial 16 bytes of a scan as blocks that end exactly at the end of
 * the document, and takes shortcuts for compact documents that must fall back
 * exactly at the first unexpected byte. These tests put strings, numbers,
 * special bytes and whitespace at every offset across those boundaries and
 * near the end of exact-size buffers, and compare with the reference parser.
 * (The portable builds run them too; there they cover the word-at-a-time and
 * byte loops instead.)
 */

typedef struct {
    uint8_t buf[65536];
    size_t n;
} sbuf;

static void sb_put(sbuf *b, const void *s, size_t n)
{
    if (b->n + n > sizeof b->buf) {
        fprintf(stderr, "sbuf overflow\n");
        exit(2);
    }
    memcpy(b->buf + b->n, s, n);
    b->n += n;
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_fill(sbuf *b, uint8_t c, size_t n)
{
    while (n--)
        sb_put(b, &c, 1);
}

/* agree() on every prefix of s (the exact-size copies catch any read past the
 * end of a truncated document), or for a long document on every seventh and
 * the last 200; returns the number of disagreements. */
static unsigned long agree_prefixes(const uint8_t *s, size_t n)
{
    unsigned long bad = 0;
    size_t k;
    for (k = 0; k <= n; k++)
        if (n <= 4000 || k % 7 == 0 || n - k <= 200)
            bad += !agree(s, k, tj_json_tape_bound(k), DEPTH);
    return bad;
}

/* The JWT-shaped documents the fast paths are tuned for. */
static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
static const char jwt_payload[] =
    "{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1700000000,\"exp\":2330720000,"
    "\"iss\":\"https://issuer.example\",\"aud\":\"api://gateway\",\"scope\":\"read write\","
    "\"jti\":\"abc-123\"}";
static const char jwt_big[] =
    "{\"exp\":1700003600,\"iat\":1700000000,\"auth_time\":1699999990,"
    "\"jti\":\"6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8\","
    "\"iss\":\"https://sso.example.com/realms/production\","
    "\"aud\":[\"account\",\"api-gateway\",\"billing-service\",\"reporting\"],"
    "\"sub\":\"f47ac10b-58cc-4372-a567-0e02b2c3d479\",\"typ\":\"Bearer\",\"azp\":\"web-frontend\","
    "\"session_state\":\"b3c9e1a2-7d4f-4e8a-9b2c-1f0e3d5a7c9b\",\"acr\":\"1\","
    "\"allowed-origins\":[\"https://app.example.com\",\"https://admin.example.com\"],"
    "\"realm_access\":{\"roles\":[\"offline_access\",\"uma_authorization\",\"user\",\"editor\"]},"
    "\"resource_access\":{\"account\":{\"roles\":[\"manage-account\",\"view-profile\"]},"
    "\"api-gateway\":{\"roles\":[\"read\",\"write\",\"admin\"]}},"
    "\"scope\":\"openid profile email\",\"email_verified\":true,\"mfa\":false,\"org\":null,"
    "\"name\":\"Zo\xc3\xab \\u00c5ngstr\\u00f6m \\\"Z\\\"\",\"emoji\":\"\xf0\x9f\x98\x80\\ud83d\\ude00\","
    "\"tenant\":{\"id\":42,\"ratio\":-0.125e+2,\"limits\":{\"seats\":250,\"storage_gb\":1024.5}},"
    "\"groups\":[\"/engineering\",\"/engineering/backend\",[],{},[[1,2],[\"x\"]]],"
    "\"amr\":[\"pwd\",\"otp\"],\"client_ip\":\"203.0.113.17\"}";

/* Strings of every length next to each other, so that string starts and ends
 * fall on every offset of the 64-byte windows and 16-byte blocks, in arrays,
 * as member names and as member values; then every prefix of each. */
static void test_fast_string_offsets(void)
{
    static sbuf b;
    unsigned long bad = 0, pbad = 0;
    size_t i, off;
    int shape;
    for (shape = 0; shape < 3; shape++) {
        b.n = 0;
        sb_str(&b, shape == 0 ? "[" : "{");
        for (i = 0; i <= 80; i++) {
            if (i)
                sb_str(&b, ",");
            if (shape == 1) { /* names of every length, short values */
                sb_str(&b, "\"");
                sb_fill(&b, (uint8_t)('a' + i % 26), i);
                sb_str(&b, "\":\"v\"");
                continue;
            }
            if (shape == 2) /* short names, values of every length */
                sb_str(&b, "\"k\":");
            sb_str(&b, "\"");
            sb_fill(&b, (uint8_t)('A' + i % 26), i);
            sb_str(&b, "\"");
        }
        sb_str(&b, shape == 0 ? "]" : "}");
        for (off = 0; off < 16; off++)
            bad += !agree_off(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH, off);
        pbad += agree_prefixes(b.buf, b.n);
    }
    CHECK(bad == 0, "%lu documents of strings of every length disagree", bad);
    CHECK(pbad == 0, "%lu prefixes of documents of strings of every length disagree", pbad);

    /* one string as the whole document, and inside an array, of every length
     * from 0 to 200 (across the tail window, whole windows of plain bytes, the
     * reload loop), closed or unterminated */
    bad = 0;
    for (i = 0; i <= 200; i++) {
        int wrap, closed;
        for (wrap = 0; wrap < 2; wrap++) {
            for (closed = 0; closed < 2; closed++) {
                b.n = 0;
                if (wrap)
                    sb_str(&b, "[");
                sb_str(&b, "\"");
                sb_fill(&b, 'x', i);
                if (closed)
                    sb_str(&b, "\"");
                if (wrap && closed)
                    sb_str(&b, "]");
                bad += !agree(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH);
                bad += !agree_off(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH, 1 + i % 15);
                {
                    parsed P;
                    parse(&P, b.buf, b.n);
                    if ((P.st == TJ_JSON_OK) != closed
                        || (closed && P.ent[wrap].len != i)
                        || (!closed && (P.st != TJ_JSON_ERR_SYNTAX || P.err != b.n)))
                        bad++;
                    release(&P);
                }
            }
        }
    }
    CHECK(bad == 0, "%lu single-string documents of every length wrong", bad);
}

/* Every special byte, escape and UTF-8 sequence at every position of a document
 * whose strings cross window boundaries: replaced, inserted, and followed by
 * more strings in the same window (the window is resynchronised after each). */
static void test_fast_special_everywhere(void)
{
    static const uint8_t bytes[] = {'"', '\\', 0x00, 0x01, 0x1f, '\t', '\n', '\r', ' ', 0x7f,
                                    0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff, ',', ':', '[', ']',
                                    '{', '}', '0', '-', 'e', '.', 't', 'x'};
    static const char *const inserts[] = {
        "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\u0041", "\\ud83d\\ude00", "\\ud83d",
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xed\xa0\x80", "  ", "\n\t",
        "\r\n    ", "\",\"", "\":\"", "0", ",1", "\"\"", "\\u",
    };
    static sbuf b;
    const char *base =
        "{\"iss\":\"https://issuer.example/realms/production\",\"aud\":[\"account\",\"api\"],"
        "\"n\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
        "\"x\":1,\"y\":\"\xc3\xa9t\xc3\xa9\",\"z\":\"a\\nb\",\"w\":[true,false,null,-1.5e3]}";
    size_t blen = strlen(base), i, k;
    unsigned long bad = 0, total = 0;
    for (i = 0; i < blen; i++) {
        for (k = 0; k < sizeof bytes; k++) {
            b.n = 0;
            sb_put(&b, base, blen);
            b.buf[i] = bytes[k];
            bad += !agree(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH);
            total++;
        }
        for (k = 0; k < sizeof inserts / sizeof inserts[0]; k++) {
            b.n = 0;
            sb_put(&b, base, i);
            sb_str(&b, inserts[k]);
            sb_put(&b, base + i, blen - i);
            bad += !agree(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH);
            total++;
        }
    }
    CHECK(bad == 0, "%lu of %lu documents with a special byte placed anywhere disagree", bad, total);

    /* runs of escapes and UTF-8 long enough to cross several windows, then a
     * plain string whose end must still be found from the window */
    bad = 0;
    for (i = 0; i < 70; i++) {
        for (k = 0; k < 9; k++) {
            size_t j;
            b.n = 0;
            sb_str(&b, "[\"");
            sb_fill(&b, 'p', i);
            for (j = 0; j < 40; j++)
                sb_str(&b, inserts[k]);
            sb_str(&b, "\",\"");
            sb_fill(&b, 'q', k * 7);
            sb_str(&b, "\",\"r\"]");
            bad += !agree(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH);
        }
    }
    CHECK(bad == 0, "%lu documents with long runs of escapes and UTF-8 disagree", bad);
}

/* The JWT-shaped documents with whitespace at every place it may go: single
 * spaces (json.dumps' separators), newlines and indentation, tabs, long runs
 * (the window is resynchronised after '\t', '\n' and '\r' but not after a lone
 * space); every prefix of each. */
static void test_fast_whitespace(void)
{
    static const char *const ws[] = {" ", "\n", "\t", "\r", "\r\n", "  ", " \n ",
                                     "\n                    ", "\n\t\t\t",
                                     "                                                                      "};
    static const char *const docs[] = {jwt_header, jwt_payload, jwt_big};
    static sbuf b;
    size_t d, mode;
    unsigned long bad = 0, pbad = 0;
    for (d = 0; d < 3; d++) {
        size_t len = strlen(docs[d]);
        /* mode m < 10: ws[m] at every gap; 10: rotate through them; 11: only
         * after ',' and ':' (json.dumps); 12: before them; 13: leading and
         * trailing only */
        for (mode = 0; mode < 14; mode++) {
            size_t i, gap = 0;
            int in_str = 0, esc = 0;
            b.n = 0;
            if (mode == 13)
                sb_str(&b, " \n\t");
            for (i = 0; i < len; i++) {
                uint8_t c = (uint8_t)docs[d][i];
                int structural = !in_str && (c == '{' || c == '}' || c == '[' || c == ']'
                                             || c == ',' || c == ':');
                if (structural && (mode < 11 || (mode == 12 && (c == ',' || c == ':')))) {
                    sb_str(&b, ws[mode < 10 ? mode : gap++ % 10]);
                }
                sb_put(&b, &c, 1);
                if (structural && (mode < 11 || (mode == 11 && (c == ',' || c == ':'))))
                    sb_str(&b, ws[mode < 10 ? mode : gap++ % 10]);
                if (in_str) {
                    if (esc)
                        esc = 0;
                    else if (c == '\\')
                        esc = 1;
                    else if (c == '"')
                        in_str = 0;
                } else if (c == '"') {
                    in_str = 1;
                }
            }
            if (mode == 13)
                sb_str(&b, "\r\n ");
            {
                parsed P;
                parse(&P, b.buf, b.n);
                if (P.st != TJ_JSON_OK)
                    bad++;
                release(&P);
            }
            bad += !agree(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH);
            bad += !agree_off(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH, 3 + mode);
            pbad += agree_prefixes(b.buf, b.n);
        }
    }
    CHECK(bad == 0, "%lu whitespace variants of the JWT documents wrong", bad);
    CHECK(pbad == 0, "%lu prefixes of whitespace variants disagree", pbad);
}

/* Digit runs of every length from 1 to 80 in every number position, ending at
 * the end of the document (the last-16-bytes path) or just before it, at
 * several document alignments. */
static void test_fast_numbers(void)
{
    static const char *const forms[] = {"%s", "-%s", "1.%s", "0.%s", "1e%s", "1E+%s", "-0.5e-%s",
                                        "%s.%se%s", "[%s]", "{\"n\":%s}", "[%s,%s]", "%s "};
    static char digits[81], text[400];
    static sbuf b;
    size_t k, f, off;
    unsigned long bad = 0;
    for (k = 1; k <= 80; k++) {
        size_t i;
        for (i = 0; i < k; i++)
            digits[i] = (char)('1' + (i * 7 + k) % 9);
        digits[k] = 0;
        for (f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            int n = snprintf(text, sizeof text, forms[f], digits, digits, digits);
            b.n = 0;
            sb_put(&b, text, (size_t)n);
            for (off = 0; off < 3; off++)
                bad += !agree_off(b.buf, b.n, tj_json_tape_bound(b.n), DEPTH, off * 5);
            /* and truncated just after the last digit */
            bad += !agree(b.buf, b.n - 1, tj_json_tape_bound(b.n - 1), DEPTH);
        }
    }
    CHECK(bad == 0, "%lu numbers with long digit runs disagree", bad);
}

/* The JWT-shaped documents themselves: accepted, identical to the reference at
 * every alignment, every prefix, every byte replaced by each of a set of bytes,
 * and with every tape capacity below what they need. */
static void test_fast_jwt_documents(void)
{
    static const uint8_t bytes[] = {'"', '\\', 0x00, 0x1f, '\n', ' ', 0x80, 0xc3, 0xff, ',', ':',
                                    '[', ']', '{', '}', '0', 'a'};
    static const char *const docs[] = {jwt_header, jwt_payload, jwt_big};
    static uint8_t mut[sizeof jwt_big];
    size_t d, i, k;
    unsigned long bad = 0, pbad = 0, mbad = 0, cbad = 0;
    for (d = 0; d < 3; d++) {
        const uint8_t *s = (const uint8_t *)docs[d];
        size_t len = strlen(docs[d]);
        parsed P;
        uint32_t need, cap;
        parse(&P, s, len);
        CHECK(P.st == TJ_JSON_OK && P.ent[0].type == TJ_JSON_OBJECT, "JWT document %zu accepted", d);
        need = P.tape.count;
        release(&P);
        for (i = 0; i < 16; i++)
            bad += !agree_off(s, len, tj_json_tape_bound(len), DEPTH, i);
        pbad += agree_prefixes(s, len);
        for (i = 0; i < len; i++) {
            for (k = 0; k < sizeof bytes; k++) {
                memcpy(mut, s, len);
                mut[i] = bytes[k];
                mbad += !agree(mut, len, tj_json_tape_bound(len), DEPTH);
            }
        }
        for (cap = 0; cap <= need; cap++)
            cbad += !agree(s, len, cap, DEPTH);
    }
    CHECK(bad == 0, "%lu JWT documents disagree at some alignment", bad);
    CHECK(pbad == 0, "%lu prefixes of JWT documents disagree", pbad);
    CHECK(mbad == 0, "%lu single-byte mutations of JWT documents disagree", mbad);
    CHECK(cbad == 0, "%lu short tapes for JWT documents disagree", cbad);
}

int main(void)
{
    test_tables();
    test_layout();
    test_str_helpers();
    test_unescape();
    test_numbers();
    test_messages();
    test_depth();
    test_capacity();
    test_bytes();
    test_reference_on_tables();
    test_prefixes();
    test_escapes_exhaustive();
    test_utf8_exhaustive();
    test_enumerate();
    test_random();
    test_fast_string_offsets();
    test_fast_special_everywhere();
    test_fast_whitespace();
    test_fast_numbers();
    test_fast_jwt_documents();
    printf("%lu passed, %lu failed\n", n_pass, n_fail);
    return n_fail == 0 ? 0 : 1;
}
