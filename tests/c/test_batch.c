/*
 * test_batch.c: concurrency tests of the batch job and the worker pool (csrc/batch.h).
 *
 * Build (tests/test_c_batch.py does this twice: under ThreadSanitizer, and under
 * AddressSanitizer + UBSan):
 *   cc -std=c11 -O1 -g -Wall -Wextra -Werror -Icsrc tests/c/test_batch.c csrc/(all).c -lcrypto -pthread
 *   ./test_batch                       the tests
 *   ./test_batch --wrong-expectation   the same, with the expected status of the
 *                                      last token falsified: must report failures
 *                                      (shows that a wrong result is caught)
 * Prints "N passed, M failed" last and exits 1 on any failure.
 *
 * A few hundred HS256 tokens are made here (valid, bad signature, expired,
 * malformed, claims left to Python, wrong algorithm, payload not an object)
 * and decoded once, single-threaded, with tj_decode: that is the expected
 * result of each. Then, for pools of 1 to 4 workers, many jobs (chunks of 0, 1,
 * a few, and all the tokens, at varying offsets, claimed 8 (default), 1 or 3 at
 * a time, some with NULL tokens) go through one pool, pipelined as the binding
 * does it: job k runs on the workers while the calling thread checks job k-1's
 * results in the other set of buffers. Every result must equal the expected
 * one field by field (pointers as offsets into the token's workspace), a NULL
 * token's slot must stay untouched, and the `after` hook must have run exactly
 * once for each token that decoded (TJ_OK or TJ_DEFER_CLAIMS), on its own
 * workspace and result, and never for the others. Each pool then takes a
 * thousand tiny jobs (0 to 3 tokens) back to back, the hand-off itself under
 * test, and must have had its workers decode some tokens (else nothing here
 * ran concurrently). Pools freed with no job, and two pools with a job each in
 * flight at once, are covered too.
 *
 * Every token, workspace buffer and tape is its own heap block of exactly the
 * size asked for, and every tj_batch_job is a heap block freed as soon as
 * tj_pool_finish returns: ASan catches an access outside them, or a worker that
 * touches its job after the caller was told it had let go; TSan catches any
 * unsynchronised access between the caller and the workers.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64url.h"
#include "batch.h"
#include "jws.h"
#include "keys.h"

/* ---- bookkeeping -------------------------------------------------------- */

static long n_pass, n_fail;
static int shown;

static void check(int ok, const char *fmt, ...)
{
    if (ok) {
        n_pass++;
        return;
    }
    n_fail++;
    if (shown++ < 40) {
        va_list ap;
        va_start(ap, fmt);
        fputs("FAIL: ", stdout);
        vprintf(fmt, ap);
        fputc('\n', stdout);
        va_end(ap);
    }
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fputs("out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- tokens ------------------------------------------------------------- */

#define N_TOK 300
#define NOW 1700000000.0

enum { K_VALID, K_BADSIG, K_EXPIRED, K_MALFORMED, K_DEFER, K_WRONG_ALG, K_NOEXP, K_NOT_OBJECT, K_KINDS };

static uint8_t *tok[N_TOK];      /* each exactly tok_len[i] bytes (at least 1) */
static size_t tok_len[N_TOK];
static int tok_kind[N_TOK];

static tj_key *key, *other_key;
static tj_allowed_alg allowed[1];
static tj_policy policy;

static void set_token(size_t i, const char *s, size_t len)
{
    tok[i] = xmalloc(len);
    memcpy(tok[i], s, len);
    tok_len[i] = len;
}

/* header.payload.signature, signed with k (alg_name in the header, signed as alg). */
static void make_signed(size_t i, const char *header, const char *payload, const tj_key *k, tj_alg alg)
{
    char buf[2048];
    size_t hl = strlen(header), pl = strlen(payload);
    size_t n = tj_b64url_encode((const uint8_t *)header, hl, (uint8_t *)buf);
    buf[n++] = '.';
    n += tj_b64url_encode((const uint8_t *)payload, pl, (uint8_t *)buf + n);
    uint8_t sig[512];
    size_t sig_len = sizeof sig;
    if (tj_key_sign(k, alg, (const uint8_t *)buf, n, sig, &sig_len) != TJ_OK) {
        fputs("tj_key_sign failed\n", stderr);
        exit(2);
    }
    buf[n++] = '.';
    n += tj_b64url_encode(sig, sig_len, (uint8_t *)buf + n);
    set_token(i, buf, n);
}

static const char *const malformed[] = {
    "", "a.b", "a", ".", "..", "a.b.c.d", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.",
    "eyJhbGciOiJIUzI1NiJ9.e30", "!!!.e30.AAAA", "eyJhbGciOiJIUzI1NiJ9.e30.A", "e30.e30.AAAA",
    "W10.e30.AAAA", "eyJhbGciOiJIUzI1NiJ9.!!.AAAA",
};
#define N_MALFORMED (sizeof malformed / sizeof malformed[0])

static void make_tokens(void)
{
    static const uint8_t secret[] = "a secret of thirty-two bytes or more, for HS256 tests";
    static const uint8_t other[] = "another secret, also long enough for HS256 signatures";
    if (tj_key_new_hmac(secret, sizeof secret - 1, &key) != TJ_OK
        || tj_key_new_hmac(other, sizeof other - 1, &other_key) != TJ_OK) {
        fputs("tj_key_new_hmac failed\n", stderr);
        exit(2);
    }
    allowed[0].name.ptr = "HS256";
    allowed[0].name.len = 5;
    allowed[0].alg = TJ_ALG_HS256;
    allowed[0].key = key;
    memset(&policy, 0, sizeof policy);
    policy.flags = TJ_VERIFY_SIGNATURE | TJ_VERIFY_EXP | TJ_VERIFY_NBF | TJ_VERIFY_IAT;
    policy.leeway = 0;
    policy.max_token_len = 8192;
    policy.algs = allowed;
    policy.n_algs = 1;

    const char *hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    char payload[1024], pad[128];
    long now = (long)NOW;
    for (size_t i = 0; i < N_TOK; i++) {
        int kind = (int)(i % 11u);
        if (kind >= K_KINDS)
            kind = K_VALID;            /* a few more valid ones than the rest */
        tok_kind[i] = kind;
        size_t padlen = (i * 7u) % 90u;  /* tokens of many sizes */
        memset(pad, 'x', padlen);
        pad[padlen] = '\0';
        switch (kind) {
        case K_VALID:
            snprintf(payload, sizeof payload, "{\"sub\":\"user-%zu\",\"iat\":%ld,\"exp\":%ld,\"pad\":\"%s\"}",
                     i, now - 10, now + 3600, pad);
            make_signed(i, hs256, payload, key, TJ_ALG_HS256);
            break;
        case K_BADSIG:
            snprintf(payload, sizeof payload, "{\"sub\":\"user-%zu\",\"exp\":%ld,\"pad\":\"%s\"}", i, now + 3600, pad);
            if (i % 2u) {
                make_signed(i, hs256, payload, other_key, TJ_ALG_HS256);
            } else {
                make_signed(i, hs256, payload, key, TJ_ALG_HS256);
                uint8_t *sig = (uint8_t *)memchr(tok[i], '.', tok_len[i]);
                sig = (uint8_t *)memchr(sig + 1, '.', tok_len[i] - (size_t)(sig + 1 - tok[i])) + 1;
                sig[0] = sig[0] == 'A' ? 'B' : 'A';  /* still base64url, another tag */
            }
            break;
        case K_EXPIRED:
            snprintf(payload, sizeof payload, "{\"sub\":\"user-%zu\",\"exp\":%ld,\"pad\":\"%s\"}", i, now - 100 - (long)i, pad);
            make_signed(i, hs256, payload, key, TJ_ALG_HS256);
            break;
        case K_MALFORMED: {
            const char *m = malformed[(i / 11u) % N_MALFORMED];
            set_token(i, m, strlen(m));
            break;
        }
        case K_DEFER:   /* a float exp: left to Python (TJ_DEFER_CLAIMS), the hook still runs */
            snprintf(payload, sizeof payload, "{\"sub\":\"user-%zu\",\"exp\":%ld.5,\"pad\":\"%s\"}", i, now + 3600, pad);
            make_signed(i, hs256, payload, key, TJ_ALG_HS256);
            break;
        case K_WRONG_ALG:
            snprintf(payload, sizeof payload, "{\"sub\":\"user-%zu\",\"exp\":%ld}", i, now + 3600);
            make_signed(i, "{\"alg\":\"HS384\"}", payload, key, TJ_ALG_HS384);
            break;
        case K_NOEXP:
            snprintf(payload, sizeof payload, "{\"n\":%zu,\"pad\":\"%s\",\"list\":[1,2,{\"a\":null}]}", i, pad);
            make_signed(i, hs256, payload, key, TJ_ALG_HS256);
            break;
        case K_NOT_OBJECT:
            snprintf(payload, sizeof payload, "[%zu,\"%s\"]", i, pad);
            make_signed(i, hs256, payload, key, TJ_ALG_HS256);
            break;
        }
    }
}

/* ---- workspaces and results --------------------------------------------- */

/* One decode's result with its pointers as offsets into the token's workspace
 * buffer (-1 for NULL), so results from different workspaces compare. */
typedef struct {
    int status, detail, alg_index, key_index;
    long header_off, payload_off, signature_off;
    size_t header_len, payload_len, signature_len;
    uint32_t payload_root;
} summary;

static long off_in(const tj_workspace *ws, const uint8_t *p)
{
    if (p == NULL)
        return -1;
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)ws->buf;
    if (a < b || a >= b + ws->buf_cap)
        return -2;  /* outside the token's own workspace: never right */
    return (long)(a - b);
}

static summary summarize(const tj_workspace *ws, const tj_decoded *r)
{
    summary s;
    memset(&s, 0, sizeof s);
    s.status = (int)r->status;
    s.detail = r->detail;
    s.alg_index = r->alg_index;
    s.key_index = r->key_index;
    s.header_off = off_in(ws, r->header);
    s.payload_off = off_in(ws, r->payload);
    s.signature_off = off_in(ws, r->signature);
    s.header_len = r->header_len;
    s.payload_len = r->payload_len;
    s.signature_len = r->signature_len;
    s.payload_root = r->payload_root;
    return s;
}

static int same(const summary *a, const summary *b)
{
    return a->status == b->status && a->detail == b->detail && a->alg_index == b->alg_index
        && a->key_index == b->key_index && a->header_off == b->header_off
        && a->payload_off == b->payload_off && a->signature_off == b->signature_off
        && a->header_len == b->header_len && a->payload_len == b->payload_len
        && a->signature_len == b->signature_len && a->payload_root == b->payload_root;
}

static summary expected[N_TOK];

/* A set of buffers for one job in flight: a workspace, a result slot and a
 * hook counter per token of the whole list (a job uses a window of them). */
typedef struct {
    tj_workspace ws[N_TOK];
    tj_decoded res[N_TOK];
    const uint8_t *tok[N_TOK];
    int hook_calls[N_TOK];       /* written only by the thread that decoded token i */
    int hook_wrong[N_TOK];       /* the hook saw a result slot that is not token i's */
    int by_worker[N_TOK];        /* the hook ran on a pool worker, not on the calling thread */
} buffers;

static pthread_t caller;         /* the thread that runs main */
static long worker_tokens;       /* tokens a worker decoded (hook calls off the caller), summed by verify */

static buffers sets[2];

static void alloc_workspace(tj_workspace *ws, size_t token_len)
{
    size_t need_buf;
    uint32_t need_tape;
    tj_workspace_need(token_len, 0, 0, &need_buf, &need_tape);
    ws->buf = xmalloc(need_buf);
    ws->buf_cap = need_buf;
    ws->tape = xmalloc(need_tape * sizeof(tj_json_entry));
    ws->tape_cap = need_tape;
}

static void free_workspace(tj_workspace *ws)
{
    free(ws->buf);
    free(ws->tape);
}

#define POISON_STATUS ((tj_status)TJ_STATUS_COUNT)
#define POISON_DETAIL 0x5a5a

/* The `after` hook: counts its calls per token and marks the workspace's
 * header object entry (which the parser wrote as 0 for this decode). */
static void after_hook(tj_workspace *ws, const tj_decoded *res)
{
    for (int s = 0; s < 2; s++) {
        uintptr_t a = (uintptr_t)ws, lo = (uintptr_t)sets[s].ws, hi = (uintptr_t)(sets[s].ws + N_TOK);
        if (a < lo || a >= hi)
            continue;
        size_t i = (size_t)(ws - sets[s].ws);
        sets[s].hook_calls[i]++;
        sets[s].by_worker[i] = !pthread_equal(pthread_self(), caller);
        if (res != &sets[s].res[i] || (res->status != TJ_OK && res->status != TJ_DEFER_CLAIMS))
            sets[s].hook_wrong[i]++;
        ws->tape[0].reserved++;
        return;
    }
    /* Not a workspace of ours: counted nowhere, so the checks fail. */
}

/* ---- jobs --------------------------------------------------------------- */

typedef struct {
    int set;           /* which buffers */
    size_t off, n;     /* the window of the token list */
    unsigned null_mod; /* tokens with (index % null_mod == null_rem) are NULL; 0: none */
    unsigned null_rem;
    size_t claim;
    int hook;
    char label[96];
} job_plan;

static tj_batch_job *prepare(const job_plan *jp)
{
    buffers *b = &sets[jp->set];
    for (size_t j = 0; j < jp->n; j++) {
        size_t i = jp->off + j;
        int is_null = jp->null_mod && (i % jp->null_mod) == jp->null_rem;
        b->tok[i] = is_null ? NULL : tok[i];
        memset(&b->res[i], 0xA5, sizeof b->res[i]);
        b->res[i].status = POISON_STATUS;
        b->res[i].detail = POISON_DETAIL;
        b->hook_calls[i] = 0;
        b->hook_wrong[i] = 0;
        b->by_worker[i] = 0;
    }
    tj_batch_job *job = xmalloc(sizeof *job);
    memset(job, 0, sizeof *job);
    job->pol = &policy;
    job->tok = b->tok + jp->off;
    job->tok_len = tok_len + jp->off;
    job->ws = b->ws + jp->off;
    job->res = b->res + jp->off;
    job->n = jp->n;
    job->now = NOW;
    job->next = 0;
    job->claim = jp->claim;
    job->after = jp->hook ? after_hook : NULL;
    return job;
}

/* Every token of the job against its expected result; one check per job. */
static void verify(const job_plan *jp)
{
    buffers *b = &sets[jp->set];
    int bad = 0;
    char why[256] = "";
    for (size_t j = 0; j < jp->n; j++) {
        size_t i = jp->off + j;
        const char *w = NULL;
        if (b->tok[i] == NULL) {
            if (b->res[i].status != POISON_STATUS || b->res[i].detail != POISON_DETAIL)
                w = "a NULL token's result slot was written";
            else if (b->hook_calls[i] != 0)
                w = "the hook ran for a NULL token";
        } else {
            summary got = summarize(&b->ws[i], &b->res[i]);
            int decoded = expected[i].status == TJ_OK || expected[i].status == TJ_DEFER_CLAIMS;
            if (!same(&got, &expected[i]))
                w = "result differs from the single-threaded decode";
            else if (jp->hook && decoded && b->hook_calls[i] != 1)
                w = "hook did not run exactly once for a decoded token";
            else if (jp->hook && decoded && b->ws[i].tape[0].reserved != 1)
                w = "hook's mark in the workspace is not exactly 1";
            else if ((!jp->hook || !decoded) && b->hook_calls[i] != 0)
                w = "hook ran for a token that did not decode (or with no hook set)";
            else if (b->hook_wrong[i])
                w = "hook got another token's result, or a failed one";
        }
        worker_tokens += b->by_worker[i];
        if (w) {
            if (!bad)
                snprintf(why, sizeof why, "token %zu (kind %d, status %d, expected %d): %s", i, tok_kind[i],
                         b->tok[i] ? (int)b->res[i].status : -1, expected[i].status, w);
            bad++;
        }
    }
    check(bad == 0, "%s: %d of %zu tokens wrong; first: %s", jp->label, bad, jp->n, why);
}

static const size_t chunk_sizes[] = {0, 1, 2, 7, 8, 9, 17, 64, N_TOK, N_TOK, 150, N_TOK - 1, 3};
#define N_SIZES (sizeof chunk_sizes / sizeof chunk_sizes[0])
static const size_t claims[] = {0, 1, 0, 1, 3};
#define N_CLAIMS (sizeof claims / sizeof claims[0])

#define SUBMITS_PER_POOL 200
#define TINY_JOBS_PER_POOL 1000

/* Many jobs through one pool, pipelined: job k is submitted, job k-1 (in the
 * other buffers) is checked while the workers run k, then k is finished. */
static void run_pool(unsigned workers)
{
    tj_pool *pool = tj_pool_new(workers);
    check(pool != NULL, "tj_pool_new(%u)", workers);
    if (pool == NULL)
        return;
    job_plan prev;
    int have_prev = 0;
    for (unsigned k = 0; k < SUBMITS_PER_POOL; k++) {
        job_plan jp;
        memset(&jp, 0, sizeof jp);
        jp.set = (int)(k % 2u);
        jp.n = chunk_sizes[(k + workers) % N_SIZES];
        jp.off = jp.n == N_TOK ? 0 : (k * 37u) % (N_TOK - jp.n + 1u);
        jp.claim = claims[(k / 2u) % N_CLAIMS];
        jp.hook = (k % 3u) != 2u;
        if (k % 4u == 1u) {
            jp.null_mod = 3u + k % 5u;
            jp.null_rem = k % jp.null_mod;
        } else if (k % 50u == 7u) {
            jp.null_mod = 1u;            /* every token NULL */
        }
        snprintf(jp.label, sizeof jp.label, "workers %u job %u (off %zu n %zu claim %zu hook %d null %u/%u)",
                 workers, k, jp.off, jp.n, jp.claim, jp.hook, jp.null_rem, jp.null_mod);
        tj_batch_job *job = prepare(&jp);
        tj_pool_submit(pool, job);
        if (have_prev)
            verify(&prev);          /* the caller's own work while the workers decode */
        tj_pool_finish(pool, job);
        /* Every worker has let go of the job: free it now, so that one which
         * has not is caught (ASan: use after free; TSan: race with free). */
        free(job);
        prev = jp;
        have_prev = 1;
    }
    if (have_prev)
        verify(&prev);
    /* Tiny jobs back to back: the caller often takes every token before a
     * worker wakes, and the job is freed at once; the workers must still have
     * let go of it (the hand-off itself under test). */
    for (unsigned k = 0; k < TINY_JOBS_PER_POOL; k++) {
        job_plan jp;
        memset(&jp, 0, sizeof jp);
        jp.set = (int)(k % 2u);
        jp.n = k % 4u;
        jp.off = (k * 13u) % (N_TOK - 3u);
        jp.claim = 1;
        jp.hook = 1;
        snprintf(jp.label, sizeof jp.label, "workers %u tiny job %u (off %zu n %zu)", workers, k, jp.off, jp.n);
        tj_batch_job *job = prepare(&jp);
        tj_pool_submit(pool, job);
        tj_pool_finish(pool, job);
        free(job);
        verify(&jp);
    }
    tj_pool_free(pool);
}

/* Two pools with a job each in flight at once, from one caller. */
static void run_two_pools(void)
{
    tj_pool *a = tj_pool_new(2), *b = tj_pool_new(1);
    check(a != NULL && b != NULL, "two pools start");
    if (a == NULL || b == NULL) {
        tj_pool_free(a);
        tj_pool_free(b);
        return;
    }
    for (unsigned k = 0; k < 20; k++) {
        job_plan pa, pb;
        memset(&pa, 0, sizeof pa);
        memset(&pb, 0, sizeof pb);
        pa.set = 0;
        pb.set = 1;
        pa.n = pb.n = N_TOK;
        pa.claim = k % 2u;
        pb.claim = (k + 1u) % 2u;
        pa.hook = pb.hook = 1;
        snprintf(pa.label, sizeof pa.label, "two pools, job %u on pool a", k);
        snprintf(pb.label, sizeof pb.label, "two pools, job %u on pool b", k);
        tj_batch_job *ja = prepare(&pa), *jb = prepare(&pb);
        tj_pool_submit(a, ja);
        tj_pool_submit(b, jb);
        tj_pool_finish(b, jb);
        tj_pool_finish(a, ja);
        free(ja);
        free(jb);
        verify(&pa);
        verify(&pb);
    }
    tj_pool_free(a);
    tj_pool_free(b);
}

/* tj_batch_work alone, on the calling thread (the binding's one-thread path). */
static void run_single(void)
{
    for (unsigned c = 0; c < N_CLAIMS; c++) {
        job_plan jp;
        memset(&jp, 0, sizeof jp);
        jp.set = 0;
        jp.n = N_TOK;
        jp.claim = claims[c];
        jp.hook = 1;
        jp.null_mod = c ? 4u : 0u;
        snprintf(jp.label, sizeof jp.label, "tj_batch_work alone, claim %zu", jp.claim);
        tj_batch_job *job = prepare(&jp);
        tj_batch_work(job);
        free(job);
        verify(&jp);
    }
}

int main(int argc, char **argv)
{
    int wrong_expectation = argc > 1 && strcmp(argv[1], "--wrong-expectation") == 0;
    /* Line by line, so that what ran is in the output even when a sanitizer
     * ends the process (halt_on_error). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    double t0 = mono();
    caller = pthread_self();
    make_tokens();
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < N_TOK; i++)
            alloc_workspace(&sets[s].ws[i], tok_len[i]);

    /* expected results: one thread, tj_decode itself, workspaces of set 0 */
    int kinds_ok = 1;
    for (size_t i = 0; i < N_TOK; i++) {
        tj_decoded r;
        tj_decode(&policy, tok[i], tok_len[i], NULL, 0, NOW, &sets[0].ws[i], &r);
        expected[i] = summarize(&sets[0].ws[i], &r);
        tj_status want;
        switch (tok_kind[i]) {
        case K_VALID: case K_NOEXP: want = TJ_OK; break;
        case K_BADSIG: want = TJ_ERR_SIGNATURE; break;
        case K_EXPIRED: want = TJ_ERR_EXPIRED; break;
        case K_DEFER: want = TJ_DEFER_CLAIMS; break;
        case K_WRONG_ALG: want = TJ_ERR_ALG_NOT_ALLOWED; break;
        case K_NOT_OBJECT: want = TJ_ERR_PAYLOAD_NOT_OBJECT; break;
        default: want = r.status; break;
        }
        int ok = r.status == want;
        if (tok_kind[i] == K_MALFORMED)
            ok = r.status != TJ_OK && r.status != TJ_DEFER_CLAIMS && r.status != TJ_ERR_SIGNATURE;
        if (!ok) {
            kinds_ok = 0;
            check(0, "token %zu (kind %d): single-threaded status %d, meant %d", i, tok_kind[i], (int)r.status,
                  (int)want);
        }
    }
    check(kinds_ok, "every token decodes single-threaded to the status it was made for");
    int per_status[TJ_STATUS_COUNT] = {0};
    for (size_t i = 0; i < N_TOK; i++)
        per_status[expected[i].status]++;
    printf("%d tokens: %d ok, %d bad signature, %d expired, %d deferred, %d alg not allowed, %d other\n", N_TOK,
           per_status[TJ_OK], per_status[TJ_ERR_SIGNATURE], per_status[TJ_ERR_EXPIRED],
           per_status[TJ_DEFER_CLAIMS], per_status[TJ_ERR_ALG_NOT_ALLOWED],
           N_TOK - per_status[TJ_OK] - per_status[TJ_ERR_SIGNATURE] - per_status[TJ_ERR_EXPIRED]
               - per_status[TJ_DEFER_CLAIMS] - per_status[TJ_ERR_ALG_NOT_ALLOWED]);
    if (wrong_expectation)
        expected[N_TOK - 1].status = expected[N_TOK - 1].status == TJ_OK ? TJ_ERR_SIGNATURE : TJ_OK;

    /* pools created and freed with no job at all (0 workers means 1) */
    for (unsigned w = 0; w <= 4; w++) {
        tj_pool *p = tj_pool_new(w);
        check(p != NULL, "tj_pool_new(%u) with no job", w);
        tj_pool_free(p);
    }
    tj_pool_free(NULL);

    run_single();
    check(worker_tokens == 0, "tj_batch_work alone ran everything on the calling thread");
    double t1 = mono();
    printf("setup and single-threaded: %.2f s\n", t1 - t0);
    for (unsigned w = 1; w <= 4; w++) {
        double ts = mono();
        long before = worker_tokens;
        run_pool(w);
        printf("pool of %u workers, %d jobs + %d tiny jobs: %.2f s, %ld tokens decoded by workers\n", w,
               SUBMITS_PER_POOL, TINY_JOBS_PER_POOL, mono() - ts, worker_tokens - before);
        /* Else the pool was never concurrent and nothing here tested it. */
        check(worker_tokens > before, "pool of %u workers: the workers decoded some tokens", w);
    }
    double t2 = mono();
    run_two_pools();
    printf("two pools at once: %.2f s\n", mono() - t2);

    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < N_TOK; i++)
            free_workspace(&sets[s].ws[i]);
    for (size_t i = 0; i < N_TOK; i++)
        free(tok[i]);
    tj_key_free(key);
    tj_key_free(other_key);
    printf("%ld passed, %ld failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
