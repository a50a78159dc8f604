/* batch.c: a chunk of tokens decoded by a few threads (see batch.h). */
#include <pthread.h>
#include <stdlib.h>

#include "batch.h"

/* Tokens claimed per step by default: enough to keep the shared counter off
 * the hot path of sub-microsecond HMAC tokens, few enough that threads finish
 * a chunk at about the same time. Callers with slow tokens (public keys, tens
 * of microseconds each) claim one at a time, so that no thread waits at the
 * end of a chunk for another's last few tokens. */
#define TJ_BATCH_CLAIM 8u

/* How long a worker that finished its part of a job, or a caller waiting for
 * the workers, polls before it sleeps on the condition variable: about 20-50
 * microseconds. The next job usually comes within a microsecond or two, and
 * waking a sleeping thread can take tens of microseconds (more in a virtual
 * machine whose idle CPU has halted), a large part of a chunk's work. */
#define TJ_POOL_SPINS 4096

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void tj_batch_work(tj_batch_job *job)
{
    size_t claim = job->claim ? job->claim : TJ_BATCH_CLAIM;
    for (;;) {
        size_t start = __atomic_fetch_add(&job->next, claim, __ATOMIC_RELAXED);
        if (start >= job->n)
            return;
        size_t end = start + claim < job->n ? start + claim : job->n;
        for (size_t i = start; i < end; i++) {
            if (job->tok[i] == NULL)
                continue;
            double now = job->now_each ? job->now_each[i] : job->now;
            tj_decode(job->pol, job->tok[i], job->tok_len[i], NULL, 0, now, &job->ws[i], &job->res[i]);
            if (job->after && (job->res[i].status == TJ_OK || job->res[i].status == TJ_DEFER_CLAIMS))
                job->after(&job->ws[i], &job->res[i]);
        }
    }
}

struct tj_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* a job was submitted, or stop was set */
    pthread_cond_t idle;       /* a worker finished its part of the job */
    tj_batch_job *job;
    unsigned long generation;  /* bumped by each submit */
    unsigned workers;          /* threads started */
    unsigned pending;          /* workers that have not yet finished the current job */
    int stop;
    pthread_t threads[];
};

static void *worker_main(void *arg)
{
    tj_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (!p->stop && p->generation == seen) {
            pthread_mutex_unlock(&p->lock);
            for (int i = 0; i < TJ_POOL_SPINS && __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE) == seen; i++)
                cpu_relax();
            pthread_mutex_lock(&p->lock);
        }
        while (!p->stop && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop)
            break;
        seen = p->generation;
        tj_batch_job *job = p->job;
        pthread_mutex_unlock(&p->lock);
        tj_batch_work(job);
        pthread_mutex_lock(&p->lock);
        /* Counted per worker, not per token: the caller may free the job only
         * once every worker has let go of it, even one that woke too late to
         * find any token left. */
        if (__atomic_sub_fetch(&p->pending, 1, __ATOMIC_RELEASE) == 0)
            pthread_cond_signal(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

tj_pool *tj_pool_new(unsigned workers)
{
    if (workers == 0)
        workers = 1;
    tj_pool *p = calloc(1, sizeof *p + workers * sizeof(pthread_t));
    if (p == NULL)
        return NULL;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->wake, NULL) != 0 || pthread_cond_init(&p->idle, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    for (unsigned i = 0; i < workers; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0)
            break;
        p->workers++;
    }
    if (p->workers == 0) {
        tj_pool_free(p);
        return NULL;
    }
    return p;
}

void tj_pool_submit(tj_pool *p, tj_batch_job *job)
{
    pthread_mutex_lock(&p->lock);
    p->job = job;
    p->pending = p->workers;
    /* Published last, with release order: a worker polling outside the lock
     * that sees the new generation also sees job and pending. */
    __atomic_store_n(&p->generation, p->generation + 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void tj_pool_finish(tj_pool *p, tj_batch_job *job)
{
    tj_batch_work(job);
    for (int i = 0; i < TJ_POOL_SPINS && __atomic_load_n(&p->pending, __ATOMIC_ACQUIRE) > 0; i++)
        cpu_relax();
    pthread_mutex_lock(&p->lock);
    while (p->pending > 0)
        pthread_cond_wait(&p->idle, &p->lock);
    p->job = NULL;
    pthread_mutex_unlock(&p->lock);
}

void tj_pool_free(tj_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->workers; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
