/*
 * batch.h: many tokens decoded by several threads, none of them holding the GIL.
 *
 * A tj_batch_job is a chunk of tokens, each with its own workspace and result
 * slot, so threads that work on one job share nothing they write except the
 * job's claim counter. tj_batch_work claims tokens a few at a time until none
 * is left; any number of threads may run it on one job at once.
 *
 * A tj_pool is a set of worker threads that run tj_batch_work on the job the
 * caller submits, while the caller does other work (the binding builds the
 * previous chunk's Python results), then joins in and waits for the job's end.
 * The workers never touch Python: they wait on a condition variable between
 * jobs, so nothing they do depends on the GIL. One job at a time per pool.
 */
#ifndef TJ_BATCH_H
#define TJ_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "jws.h"

typedef struct {
    const tj_policy *pol;
    const uint8_t *const *tok;   /* tok[i] NULL: token i is skipped (the binding answered it) */
    const size_t *tok_len;
    tj_workspace *ws;            /* one per token */
    tj_decoded *res;             /* one per token */
    size_t n;
    double now;
    /* NULL: every token is checked as of `now`; otherwise token i as of
     * now_each[i] (a log's request times, say). */
    const double *now_each;
    size_t next;                 /* the first unclaimed token (atomic) */
    size_t claim;                /* tokens a thread takes per step; 0: TJ_BATCH_CLAIM (8) */
    /* Called, if not NULL, after each token that decoded (status TJ_OK or
     * TJ_DEFER_CLAIMS), on the thread that decoded it: work the caller would
     * otherwise do later on one thread, such as reading the payload's member
     * names. It may write only to that token's workspace. */
    void (*after)(tj_workspace *ws, const tj_decoded *res);
} tj_batch_job;

/* Decode the job's unclaimed tokens until none is left. */
void tj_batch_work(tj_batch_job *job);

typedef struct tj_pool tj_pool;

/* Start `workers` threads (at least 1). NULL if threads cannot be started. */
tj_pool *tj_pool_new(unsigned workers);

/* Set the workers on job (job->next must be 0). The job must stay valid until
 * tj_pool_finish(pool, job) returns. */
void tj_pool_submit(tj_pool *pool, tj_batch_job *job);

/* Work on the submitted job too, then wait until every worker is done with it. */
void tj_pool_finish(tj_pool *pool, tj_batch_job *job);

/* Stop and join the workers (no job may be outstanding), then free the pool. */
void tj_pool_free(tj_pool *pool);

#endif
