/*
 * Worker pools from C: dispatch / join / run, collection on the calling
 * thread (fan-in) unordered or in dispatch order (sequenced), mergers,
 * backpressure (uncollected batches absorb new rounds, overflow goes to the
 * overflow spout), failed workers, calls from inside a work function, free,
 * and the collectors' pending / release / refusal handling. Every item is
 * found exactly once.
 *
 * Worker w pushes, in round r, the items numbered (r * workers + w) * K + k
 * for k < K, so that dispatch order is numeric order.
 */
#include "support/check.h"
#include "support/parallel.h"
#include "support/spouts.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define WORKERS 3
#define PER_WORKER 8 /* K */
#define ROUNDS 4
#define TOTAL (WORKERS * PER_WORKER * ROUNDS) /* < 251: distinct in every family */

/* ------------------------------------------------------------ helpers --- */

/* What a round's work functions read. */
struct round_args {
    size_t round;
    size_t workers;
    size_t per_worker;
};

static struct round_args round_of(size_t round, size_t workers, size_t per_worker) {
    struct round_args a;
    a.round = round;
    a.workers = workers;
    a.per_worker = per_worker;
    return a;
}

/* Pushes worker `w`'s items of the round; nonzero if a push failed. */
static int push_items(const struct family *f, void *ring, size_t w, const struct round_args *a) {
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    size_t k;
    for (k = 0; k < a->per_worker; k++) {
        family_item(f, (a->round * a->workers + w) * a->per_worker + k, item);
        if (f->push(ring, item) != SPILL_OK) return 1;
    }
    return 0;
}

static int push_round(const struct family *f, void *ring, size_t w, const void *args, void *ctx) {
    (void)ctx;
    return push_items(f, ring, w, (const struct round_args *)args);
}

/* Per-worker gates: a gated worker waits until the test opens its gate. */
struct gates {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int open[WORKERS];
};

static void gates_init(struct gates *g) {
    CHECK_EQ(pthread_mutex_init(&g->lock, NULL), 0);
    CHECK_EQ(pthread_cond_init(&g->changed, NULL), 0);
    memset(g->open, 0, sizeof g->open);
}

static void gates_destroy(struct gates *g) {
    CHECK_EQ(pthread_cond_destroy(&g->changed), 0);
    CHECK_EQ(pthread_mutex_destroy(&g->lock), 0);
}

static void gate_set(struct gates *g, size_t w, int open) {
    CHECK_EQ(pthread_mutex_lock(&g->lock), 0);
    g->open[w] = open;
    CHECK_EQ(pthread_cond_broadcast(&g->changed), 0);
    CHECK_EQ(pthread_mutex_unlock(&g->lock), 0);
}

static int gated_push(const struct family *f, void *ring, size_t w, const void *args, void *ctx) {
    struct gates *g = (struct gates *)ctx;
    pthread_mutex_lock(&g->lock);
    while (!g->open[w]) pthread_cond_wait(&g->changed, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return push_items(f, ring, w, (const struct round_args *)args);
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* Collects until the collector holds `pending` items and `out` has
 * received `received`; fails after 20 s. */
static void collect_until(const struct parallel_family *pf, void *pool, void *collector,
                          size_t pending, const struct collector *out, size_t received) {
    int tries;
    for (tries = 0; tries < 20000; tries++) {
        CHECK_OK(pf->pool_collect(pool, collector, NULL));
        if (pf->collector_pending(collector) == pending && out->count == received) return;
        CHECK(out->count <= received);
        sleep_ms(1);
    }
    check_fail(__FILE__, __LINE__, "collect_until",
               "%s: pending %zu (want %zu), received %zu (want %zu)", pf->name,
               pf->collector_pending(collector), pending, out->count, received);
}

/* Fails unless the collectors hold every item number below `total` exactly
 * once, except the `skip_count` numbers from `skip_first` on. */
static void check_all_once(const struct family *f, const struct collector *const *parts,
                           size_t nparts, size_t total, size_t skip_first, size_t skip_count) {
    unsigned char seen[256];
    size_t i;
    CHECK(total <= sizeof seen);
    memset(seen, 0, sizeof seen);
    for (i = 0; i < nparts; i++) collector_tally(parts[i], f, seen, total);
    for (i = 0; i < total; i++) {
        int skipped = i >= skip_first && i < skip_first + skip_count;
        if (seen[i] == skipped)
            check_fail(__FILE__, __LINE__, "check_all_once", "%s: item #%zu %s", f->name, i,
                       skipped ? "should not have arrived" : "is missing");
    }
}

/* A pool under test: its work, a thread-safe overflow spout, and one
 * collector (unordered or sequenced) feeding `out`. */
struct rig {
    const struct parallel_family *pf;
    const struct family *f;
    struct pool_work work;
    struct locked_collector overflow;
    struct collector out;
    void *pool;
    void *collector;
};

#define RIG_SEQUENCED 1       /* a sequenced collector instead of an unordered one */
#define RIG_REFUSE_OVERFLOW 2 /* the overflow spout refuses every batch */

typedef int (*work_fn)(const struct family *f, void *ring, size_t w, const void *args, void *ctx);

static void rig_start(struct rig *rig, const struct parallel_family *pf, size_t workers,
                      size_t capacity, work_fn run, void *ctx, int flags) {
    spill_spout overflow_spout, out_spout;
    rig->pf = pf;
    rig->f = pf->ring;
    rig->work.run = run;
    rig->work.ctx = ctx;
    locked_collector_init(&rig->overflow, rig->f->elem_size);
    if (flags & RIG_REFUSE_OVERFLOW) rig->overflow.inner.accept_sends = 0;
    overflow_spout = locked_collector_spout(&rig->overflow);
    out_spout = collector_start(&rig->out, rig->f->elem_size);
    rig->pool = pf->pool_new(workers, capacity, &rig->work, &overflow_spout);
    CHECK(rig->pool != NULL);
    rig->collector = (flags & RIG_SEQUENCED) ? pf->collector_sequenced(&out_spout)
                                             : pf->collector_unordered(&out_spout);
    CHECK(rig->collector != NULL);
}

/* Frees what the rig still holds (a test may have freed the pool or the
 * collector itself and set the pointer to NULL). */
static void rig_stop(struct rig *rig) {
    CHECK_OK(rig->pf->pool_free(rig->pool));
    CHECK_OK(rig->pf->collector_free(rig->collector));
    locked_collector_free(&rig->overflow);
    collector_free(&rig->out);
}

/* Runs rounds first..first+count-1 (dispatch + join each). */
static void run_rounds(struct rig *rig, size_t first, size_t count, size_t workers,
                       size_t per_worker) {
    struct round_args a;
    size_t r;
    for (r = first; r < first + count; r++) {
        a = round_of(r, workers, per_worker);
        CHECK_OK(rig->pf->pool_run(rig->pool, &a));
    }
}

/* ---------------------------------------------------------------- tests --- */

static void dispatch_join_collect_for(const struct parallel_family *pf) {
    struct rig rig;
    struct round_args args[ROUNDS];
    const struct collector *parts[1];
    size_t r, n;

    rig_start(&rig, pf, WORKERS, 64, push_round, NULL, 0);
    CHECK_EQ(pf->pool_workers(rig.pool), WORKERS);
    CHECK_EQ(pf->pool_capacity(rig.pool), 64);
    for (r = 0; r < ROUNDS; r++) {
        args[r] = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_dispatch(rig.pool, &args[r]));
        CHECK_OK(pf->pool_join(rig.pool));
        n = 0;
        CHECK_OK(pf->pool_collect(rig.pool, rig.collector, &n));
        CHECK_EQ(n, WORKERS * PER_WORKER);
    }
    CHECK_OK(pf->pool_collect(rig.pool, rig.collector, &n));
    CHECK_EQ(n, 0);
    CHECK_EQ(pf->collector_pending(rig.collector), 0);
    parts[0] = &rig.out;
    check_all_once(rig.f, parts, 1, TOTAL, 0, 0);
    collector_check_group_order(&rig.out, rig.f, TOTAL, PER_WORKER, WORKERS);
    CHECK_EQ(pf->pool_spout_failures(rig.pool), 0);
    CHECK_EQ(locked_collector_count(&rig.overflow), 0);
    rig_stop(&rig);
}

static void dispatch_join_collect(void) { for_each_parallel_family(dispatch_join_collect_for); }

static void sequenced_restores_dispatch_order_for(const struct parallel_family *pf) {
    struct rig rig;
    struct gates gates;
    struct round_args args[ROUNDS];
    size_t r, w, before;

    gates_init(&gates);
    rig_start(&rig, pf, WORKERS, 64, gated_push, &gates, RIG_SEQUENCED);
    /* Workers finish last-to-first; the collector holds their batches back
     * until worker 0's arrives, then emits the round in worker order. */
    for (r = 0; r + 1 < ROUNDS; r++) {
        before = rig.out.count;
        for (w = 0; w < WORKERS; w++) gate_set(&gates, w, 0);
        args[r] = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_dispatch(rig.pool, &args[r]));
        for (w = WORKERS; w-- > 1;) {
            gate_set(&gates, w, 1);
            collect_until(pf, rig.pool, rig.collector, (WORKERS - w) * PER_WORKER, &rig.out,
                          before);
        }
        gate_set(&gates, 0, 1);
        collect_until(pf, rig.pool, rig.collector, 0, &rig.out, before + WORKERS * PER_WORKER);
        CHECK_OK(pf->pool_join(rig.pool));
    }
    /* run = dispatch + join; the last round comes out after the others. */
    run_rounds(&rig, r, 1, WORKERS, PER_WORKER);
    collect_until(pf, rig.pool, rig.collector, 0, &rig.out, TOTAL);
    family_check_items(rig.f, rig.out.data, 0, TOTAL);
    rig_stop(&rig);
    gates_destroy(&gates);
}

static void sequenced_restores_dispatch_order(void) {
    for_each_parallel_family(sequenced_restores_dispatch_order_for);
}

static void fan_in_takes_folded_rounds_for(const struct parallel_family *pf) {
    /* Nothing is collected for ROUNDS rounds: each worker folds its new
     * items into its published batch (room enough: nothing overflows), and
     * one collect takes everything, each worker's items in order. */
    struct rig rig;
    const struct collector *parts[1];
    size_t n = 0;

    rig_start(&rig, pf, WORKERS, 64, push_round, NULL, 0);
    run_rounds(&rig, 0, ROUNDS, WORKERS, PER_WORKER);
    CHECK_OK(pf->pool_collect(rig.pool, rig.collector, &n));
    CHECK_EQ(n, TOTAL);
    CHECK_EQ(locked_collector_count(&rig.overflow), 0);
    parts[0] = &rig.out;
    check_all_once(rig.f, parts, 1, TOTAL, 0, 0);
    collector_check_group_order(&rig.out, rig.f, TOTAL, PER_WORKER, WORKERS);
    rig_stop(&rig);
}

static void fan_in_takes_folded_rounds(void) {
    for_each_parallel_family(fan_in_takes_folded_rounds_for);
}

static void mergers_split_workers_for(const struct parallel_family *pf) {
    struct rig rig;
    struct collector out[2];
    const struct collector *parts[2];
    spill_spout spouts[2];
    void *collectors[2], *twice[2];
    size_t r, j, i, n;

    rig_start(&rig, pf, WORKERS, 64, push_round, NULL, 0);
    for (j = 0; j < 2; j++) {
        spouts[j] = collector_start(&out[j], rig.f->elem_size);
        collectors[j] = pf->collector_unordered(&spouts[j]);
        CHECK(collectors[j] != NULL);
        parts[j] = &out[j];
    }
    for (r = 0; r < ROUNDS; r++) {
        run_rounds(&rig, r, 1, WORKERS, PER_WORKER);
        n = 0;
        CHECK_OK(pf->pool_merge(rig.pool, collectors, 2, &n));
        CHECK_EQ(n, WORKERS * PER_WORKER);
    }
    check_all_once(rig.f, parts, 2, TOTAL, 0, 0);
    /* Merger j took the workers w with w % 2 == j, each in order. */
    for (j = 0; j < 2; j++) {
        collector_check_group_order(&out[j], rig.f, TOTAL, PER_WORKER, WORKERS);
        for (i = 0; i < out[j].count; i++) {
            size_t index = family_index_of(rig.f, collector_at(&out[j], i), TOTAL);
            CHECK_EQ((index / PER_WORKER) % WORKERS % 2, j);
        }
    }

    twice[0] = collectors[0];
    twice[1] = collectors[0];
    CHECK_STATUS(pf->pool_merge(rig.pool, collectors, 0, &n), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(pf->pool_merge(rig.pool, twice, 2, &n), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(pf->pool_merge(rig.pool, NULL, 2, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(pf->pool_merge(NULL, collectors, 2, &n), SPILL_NULL_ARGUMENT);

    rig_stop(&rig);
    for (j = 0; j < 2; j++) {
        CHECK_OK(pf->collector_free(collectors[j]));
        collector_free(&out[j]);
    }
}

static void mergers_split_workers(void) { for_each_parallel_family(mergers_split_workers_for); }

static void backpressure_loses_nothing_for(const struct parallel_family *pf) {
    /* Rings of 4, rounds of 6 items per worker, no collection for 4 rounds:
     * rings and uncollected batches overflow into the overflow spout. */
    enum { W = 2, K = 6, R = 4 };
    struct rig rig;
    const struct collector *parts[2];
    size_t n = 0;

    rig_start(&rig, pf, W, 4, push_round, NULL, 0);
    run_rounds(&rig, 0, R, W, K);
    /* Round 0 evicts K - 4 items per worker from its ring; each later round
     * evicts K - 4 from the ring and 4 from the batch it is folded into. */
    CHECK_EQ(locked_collector_count(&rig.overflow), W * (K - 4) + (R - 1) * W * K);
    CHECK_OK(pf->pool_collect(rig.pool, rig.collector, &n));
    CHECK_EQ(n, W * 4);
    CHECK_EQ(pf->pool_spout_failures(rig.pool), 0);
    CHECK_OK(pf->pool_free(rig.pool));
    rig.pool = NULL;
    parts[0] = &rig.out;
    parts[1] = &rig.overflow.inner;
    check_all_once(rig.f, parts, 2, W * K * R, 0, 0);
    collector_check_group_order(&rig.out, rig.f, W * K * R, K, W);
    rig_stop(&rig);
}

static void backpressure_loses_nothing(void) {
    for_each_parallel_family(backpressure_loses_nothing_for);
}

static void refused_overflow_is_counted_for(const struct parallel_family *pf) {
    /* One worker, ring of 4: round 0 publishes 4 items; round 1's 4 items
     * are folded into that uncollected batch, which must evict 4 items to
     * an overflow spout that refuses them: 4 failures are counted. */
    struct rig rig;

    rig_start(&rig, pf, 1, 4, push_round, NULL, RIG_REFUSE_OVERFLOW);
    run_rounds(&rig, 0, 1, 1, 4);
    CHECK_EQ(pf->pool_spout_failures(rig.pool), 0);
    run_rounds(&rig, 1, 1, 1, 4);
    CHECK_EQ(pf->pool_spout_failures(rig.pool), 4);
    CHECK_EQ(locked_collector_count(&rig.overflow), 0);
    /* Free hands the rings' items to the overflow spout, which refuses
     * them: free says so, and how many were lost. */
    CHECK_STATUS(pf->pool_free(rig.pool), SPILL_SPOUT_FAILED);
    CHECK(strstr(spill_last_error(), "items were lost") != NULL);
    rig.pool = NULL;
    rig_stop(&rig);
}

static void refused_overflow_is_counted(void) {
    for_each_parallel_family(refused_overflow_is_counted_for);
}

/* Fails worker 1 in round 1, before it pushes anything. */
static int failing_push(const struct family *f, void *ring, size_t w, const void *args, void *ctx) {
    const struct round_args *a = (const struct round_args *)args;
    (void)ctx;
    if (w == 1 && a->round == 1) return 7;
    return push_items(f, ring, w, a);
}

static void failed_worker_is_reported_for(const struct parallel_family *pf) {
    struct rig rig;
    struct round_args round1 = round_of(1, WORKERS, PER_WORKER);
    const struct collector *parts[1];

    rig_start(&rig, pf, WORKERS, 64, failing_push, NULL, 0);
    run_rounds(&rig, 0, 1, WORKERS, PER_WORKER);
    CHECK_OK(pf->pool_dispatch(rig.pool, &round1));
    CHECK_STATUS(pf->pool_join(rig.pool), SPILL_WORKER_PANICKED);
    CHECK(strstr(spill_last_error(), "worker 1 ") != NULL);
    CHECK(!spill_status_is_retryable(SPILL_WORKER_PANICKED));
    /* The pool stays usable; the failure was reported once. */
    run_rounds(&rig, 2, 1, WORKERS, PER_WORKER);
    CHECK_OK(pf->pool_collect(rig.pool, rig.collector, NULL));
    parts[0] = &rig.out;
    /* Worker 1's round-1 items (numbers 32..39) were never pushed. */
    check_all_once(rig.f, parts, 1, 3 * WORKERS * PER_WORKER, (1 * WORKERS + 1) * PER_WORKER,
                   PER_WORKER);
    rig_stop(&rig);
}

static void failed_worker_is_reported(void) {
    for_each_parallel_family(failed_worker_is_reported_for);
}

/* Calls pool and collector functions from inside the work function, which
 * the header forbids: "It must not call spill_pool_FAM or
 * spill_collector_FAM functions (they return SPILL_BUSY)". The pool pointer
 * is set after the threads started, so it is read under the lock. Every
 * worker makes these calls at once: they are refused before any handle is
 * touched, so no two threads ever borrow the collector together. */
struct reentry {
    const struct parallel_family *pf;
    void *pool;
    void *collector;
    pthread_mutex_t lock;
    int dispatch_status[WORKERS];
    int collect_status[WORKERS];
    int free_status[WORKERS];
    size_t pending[WORKERS];
    int pending_error_says_work[WORKERS];
    int release_status;
};

static int reentering_push(const struct family *f, void *ring, size_t w, const void *args,
                           void *ctx) {
    struct reentry *re = (struct reentry *)ctx;
    void *pool;
    int d, c, fr, rel = SPILL_BUSY, says_work = 0;
    size_t pend;
    pthread_mutex_lock(&re->lock);
    pool = re->pool;
    pthread_mutex_unlock(&re->lock);
    d = re->pf->pool_dispatch(pool, args);
    c = re->pf->pool_collect(pool, re->collector, NULL);
    fr = re->pf->pool_free(pool);
    /* A failure with another message first, so that the message read below
     * can only come from collector_pending. */
    {
        unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
        if (f->pop(NULL, item) != SPILL_NULL_ARGUMENT) says_work = -1;
    }
    pend = re->pf->collector_pending(re->collector);
    if (says_work != -1) says_work = strstr(spill_last_error(), "work function") != NULL;
    if (w == 0) rel = re->pf->collector_release(re->collector, NULL);
    pthread_mutex_lock(&re->lock);
    re->dispatch_status[w] = d;
    re->collect_status[w] = c;
    re->free_status[w] = fr;
    re->pending[w] = pend;
    re->pending_error_says_work[w] = says_work;
    if (w == 0) re->release_status = rel;
    pthread_mutex_unlock(&re->lock);
    return push_items(f, ring, w, (const struct round_args *)args);
}

static void calls_from_work_are_busy_for(const struct parallel_family *pf) {
    struct rig rig;
    struct reentry re;
    size_t w, n = 0;

    memset(&re, 0, sizeof re);
    CHECK_EQ(pthread_mutex_init(&re.lock, NULL), 0);
    re.pf = pf;
    rig_start(&rig, pf, WORKERS, 64, reentering_push, &re, 0);
    CHECK_EQ(pthread_mutex_lock(&re.lock), 0);
    re.pool = rig.pool;
    re.collector = rig.collector;
    CHECK_EQ(pthread_mutex_unlock(&re.lock), 0);

    run_rounds(&rig, 0, 1, WORKERS, PER_WORKER);
    CHECK_EQ(pthread_mutex_lock(&re.lock), 0);
    for (w = 0; w < WORKERS; w++) {
        CHECK_STATUS(re.dispatch_status[w], SPILL_BUSY);
        CHECK_STATUS(re.collect_status[w], SPILL_BUSY);
        CHECK_STATUS(re.free_status[w], SPILL_BUSY);
        CHECK_EQ(re.pending[w], 0);
        CHECK_EQ(re.pending_error_says_work[w], 1);
    }
    CHECK_STATUS(re.release_status, SPILL_BUSY);
    CHECK_EQ(pthread_mutex_unlock(&re.lock), 0);
    /* The pool was not freed from inside: it still works. */
    CHECK_OK(pf->pool_collect(rig.pool, rig.collector, &n));
    CHECK_EQ(n, WORKERS * PER_WORKER);
    rig_stop(&rig);
    CHECK_EQ(pthread_mutex_destroy(&re.lock), 0);
}

static void calls_from_work_are_busy(void) {
    for_each_parallel_family(calls_from_work_are_busy_for);
}

static void free_sends_uncollected_to_overflow_for(const struct parallel_family *pf) {
    struct rig rig;
    const struct collector *parts[1];

    rig_start(&rig, pf, WORKERS, 64, push_round, NULL, 0);
    run_rounds(&rig, 0, ROUNDS, WORKERS, PER_WORKER);
    CHECK_EQ(locked_collector_count(&rig.overflow), 0);
    CHECK_OK(pf->pool_free(rig.pool)); /* joins the threads, flushes the rings */
    rig.pool = NULL;
    parts[0] = &rig.overflow.inner;
    check_all_once(rig.f, parts, 1, TOTAL, 0, 0);
    collector_check_group_order(&rig.overflow.inner, rig.f, TOTAL, PER_WORKER, WORKERS);
    CHECK_EQ(rig.out.count, 0);
    rig_stop(&rig);
}

static void free_sends_uncollected_to_overflow(void) {
    for_each_parallel_family(free_sends_uncollected_to_overflow_for);
}

static void collector_release_and_refusal_for(const struct parallel_family *pf) {
    struct rig rig;
    struct gates gates;
    struct round_args a = round_of(0, WORKERS, PER_WORKER);
    const struct collector *parts[1];
    spill_spout out_spout;
    void *unordered;
    size_t w, sent = 0, n = 0, flushes;

    gates_init(&gates);
    rig_start(&rig, pf, WORKERS, 64, gated_push, &gates, RIG_SEQUENCED);
    parts[0] = &rig.out;

    /* Sequenced: worker 2's batch waits for workers 0 and 1; release sends
     * it anyway, and flushes the spout. */
    CHECK_OK(pf->pool_dispatch(rig.pool, &a));
    gate_set(&gates, WORKERS - 1, 1);
    collect_until(pf, rig.pool, rig.collector, PER_WORKER, &rig.out, 0);
    flushes = rig.out.flushes;
    CHECK_OK(pf->collector_release(rig.collector, &sent));
    CHECK_EQ(sent, PER_WORKER);
    CHECK_EQ(pf->collector_pending(rig.collector), 0);
    CHECK_EQ(rig.out.flushes, flushes + 1);
    family_check_items(rig.f, rig.out.data, (WORKERS - 1) * PER_WORKER, PER_WORKER);
    for (w = 0; w + 1 < WORKERS; w++) gate_set(&gates, w, 1);
    CHECK_OK(pf->pool_join(rig.pool));
    CHECK_OK(pf->pool_collect(rig.pool, rig.collector, NULL));
    CHECK_OK(pf->collector_release(rig.collector, NULL));
    check_all_once(rig.f, parts, 1, WORKERS * PER_WORKER, 0, 0);

    /* Unordered with a refusing spout: the refused batch is kept (pending)
     * and offered again first once the spout accepts. */
    collector_reset(&rig.out);
    rig.out.accept_sends = 0;
    out_spout = collector_spout(&rig.out);
    unordered = pf->collector_unordered(&out_spout);
    CHECK(unordered != NULL);
    run_rounds(&rig, 1, 1, WORKERS, PER_WORKER);
    CHECK_STATUS(pf->pool_collect(rig.pool, unordered, &n), SPILL_SPOUT_FAILED);
    CHECK_EQ(pf->collector_pending(unordered), PER_WORKER);
    CHECK_EQ(rig.out.count, 0);
    rig.out.accept_sends = -1;
    CHECK_OK(pf->pool_collect(rig.pool, unordered, NULL));
    CHECK_EQ(pf->collector_pending(unordered), 0);
    CHECK_EQ(rig.out.count, WORKERS * PER_WORKER);
    /* Exactly round 1's items (numbers 24..47), none of round 0's. */
    check_all_once(rig.f, parts, 1, 2 * WORKERS * PER_WORKER, 0, WORKERS * PER_WORKER);

    /* Freeing a collector that holds a refused batch reports the loss. */
    rig.out.accept_sends = 0;
    run_rounds(&rig, 2, 1, WORKERS, PER_WORKER);
    CHECK_STATUS(pf->pool_collect(rig.pool, unordered, NULL), SPILL_SPOUT_FAILED);
    CHECK(pf->collector_pending(unordered) > 0);
    CHECK_STATUS(pf->collector_free(unordered), SPILL_SPOUT_FAILED);

    rig.out.accept_sends = -1;
    rig_stop(&rig);
    gates_destroy(&gates);
}

static void collector_release_and_refusal(void) {
    for_each_parallel_family(collector_release_and_refusal_for);
}

static void bad_arguments_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct pool_work work = {push_round, NULL, NULL};
    struct collector out;
    spill_spout spout, no_send;
    size_t n = 0;
    void *pool, *collector;

    spout = collector_start(&out, f->elem_size);
    no_send = spout;
    no_send.send = NULL;

    CHECK(pf->pool_new(0, 64, &work, NULL) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(pf->pool_new(WORKERS, 0, &work, NULL) == NULL);
    CHECK(pf->pool_new(WORKERS, 48, &work, NULL) == NULL);
    CHECK(pf->pool_new(WORKERS, 64, NULL, NULL) == NULL);
    CHECK(pf->pool_new(WORKERS, 64, &work, &no_send) == NULL);
    CHECK(pf->collector_unordered(NULL) == NULL);
    CHECK(pf->collector_unordered(&no_send) == NULL);
    CHECK(pf->collector_sequenced(NULL) == NULL);
    CHECK(pf->collector_sequenced(&no_send) == NULL);

    CHECK_STATUS(pf->pool_dispatch(NULL, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(pf->pool_join(NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(pf->pool_run(NULL, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(pf->pool_collect(NULL, NULL, &n), SPILL_NULL_ARGUMENT);
    CHECK_EQ(pf->pool_workers(NULL), 0);
    CHECK_EQ(pf->pool_capacity(NULL), 0);
    CHECK_EQ(pf->pool_spout_failures(NULL), 0);
    CHECK_OK(pf->pool_free(NULL));
    CHECK_EQ(pf->collector_pending(NULL), 0);
    CHECK_STATUS(pf->collector_release(NULL, &n), SPILL_NULL_ARGUMENT);
    CHECK_OK(pf->collector_free(NULL));

    pool = pf->pool_new(1, 4, &work, NULL);
    CHECK(pool != NULL);
    CHECK_STATUS(pf->pool_collect(pool, NULL, &n), SPILL_NULL_ARGUMENT);
    collector = pf->collector_unordered(&spout);
    CHECK(collector != NULL);
    CHECK_OK(pf->pool_collect(pool, collector, &n)); /* nothing published yet */
    CHECK_EQ(n, 0);
    CHECK_OK(pf->pool_join(pool)); /* no round in flight */
    CHECK_OK(pf->pool_free(pool));
    CHECK_OK(pf->collector_free(collector));
    collector_free(&out);
}

static void bad_arguments(void) { for_each_parallel_family(bad_arguments_for); }

CHECK_MAIN(CHECK_CASE(dispatch_join_collect), CHECK_CASE(sequenced_restores_dispatch_order),
           CHECK_CASE(fan_in_takes_folded_rounds), CHECK_CASE(mergers_split_workers),
           CHECK_CASE(backpressure_loses_nothing), CHECK_CASE(refused_overflow_is_counted),
           CHECK_CASE(failed_worker_is_reported), CHECK_CASE(calls_from_work_are_busy),
           CHECK_CASE(free_sends_uncollected_to_overflow),
           CHECK_CASE(collector_release_and_refusal), CHECK_CASE(bad_arguments))
