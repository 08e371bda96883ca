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
    check_fail(__FILE__, __LINE__, "collect_until", "%s: pending %zu (want %zu), received %zu (want %zu)",
               pf->name, pf->collector_pending(collector), pending, out->count, received);
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

/* ---------------------------------------------------------------- tests --- */

static void dispatch_join_collect_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct round_args args[ROUNDS];
    struct pool_work work = {push_round, NULL, NULL};
    struct locked_collector overflow;
    struct collector out;
    const struct collector *parts[1];
    spill_spout overflow_spout, out_spout;
    void *pool, *collector;
    size_t r, n;

    locked_collector_init(&overflow, f->elem_size);
    overflow_spout = locked_collector_spout(&overflow);
    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    pool = pf->pool_new(WORKERS, 64, &work, &overflow_spout);
    CHECK(pool != NULL);
    CHECK_EQ(pf->pool_workers(pool), WORKERS);
    CHECK_EQ(pf->pool_capacity(pool), 64);
    collector = pf->collector_unordered(&out_spout);
    CHECK(collector != NULL);

    for (r = 0; r < ROUNDS; r++) {
        args[r] = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_dispatch(pool, &args[r]));
        CHECK_OK(pf->pool_join(pool));
        n = 0;
        CHECK_OK(pf->pool_collect(pool, collector, &n));
        CHECK_EQ(n, WORKERS * PER_WORKER);
    }
    CHECK_OK(pf->pool_collect(pool, collector, &n));
    CHECK_EQ(n, 0);
    CHECK_EQ(pf->collector_pending(collector), 0);
    parts[0] = &out;
    check_all_once(f, parts, 1, TOTAL, 0, 0);
    collector_check_group_order(&out, f, TOTAL, PER_WORKER, WORKERS);
    CHECK_EQ(pf->pool_spout_failures(pool), 0);

    CHECK_OK(pf->pool_free(pool));
    CHECK_EQ(overflow.inner.count, 0);
    CHECK_OK(pf->collector_free(collector));
    locked_collector_free(&overflow);
    collector_free(&out);
}

static void dispatch_join_collect(void) { for_each_parallel_family(dispatch_join_collect_for); }

static void sequenced_restores_dispatch_order_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct gates gates;
    struct pool_work work = {gated_push, NULL, NULL};
    struct round_args args[ROUNDS];
    struct collector out;
    spill_spout out_spout;
    void *pool, *collector;
    size_t r, w, before;

    gates_init(&gates);
    work.ctx = &gates;
    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    pool = pf->pool_new(WORKERS, 64, &work, NULL);
    CHECK(pool != NULL);
    collector = pf->collector_sequenced(&out_spout);
    CHECK(collector != NULL);

    /* Workers finish last-to-first; the collector holds their batches back
     * until worker 0's arrives, then emits the round in worker order. */
    for (r = 0; r + 1 < ROUNDS; r++) {
        before = out.count;
        for (w = 0; w < WORKERS; w++) gate_set(&gates, w, 0);
        args[r] = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_dispatch(pool, &args[r]));
        for (w = WORKERS; w-- > 1;) {
            gate_set(&gates, w, 1);
            collect_until(pf, pool, collector, (WORKERS - w) * PER_WORKER, &out, before);
        }
        gate_set(&gates, 0, 1);
        collect_until(pf, pool, collector, 0, &out, before + WORKERS * PER_WORKER);
        CHECK_OK(pf->pool_join(pool));
    }
    /* run = dispatch + join; the last round comes out after the others. */
    args[r] = round_of(r, WORKERS, PER_WORKER);
    CHECK_OK(pf->pool_run(pool, &args[r]));
    collect_until(pf, pool, collector, 0, &out, TOTAL);
    family_check_items(f, out.data, 0, TOTAL);

    CHECK_OK(pf->pool_free(pool));
    CHECK_OK(pf->collector_free(collector));
    gates_destroy(&gates);
    collector_free(&out);
}

static void sequenced_restores_dispatch_order(void) {
    for_each_parallel_family(sequenced_restores_dispatch_order_for);
}

static void fan_in_takes_folded_rounds_for(const struct parallel_family *pf) {
    /* Nothing is collected for ROUNDS rounds: each worker folds its new
     * items into its published batch (room enough: nothing overflows), and
     * one collect takes everything, each worker's items in order. */
    const struct family *f = pf->ring;
    struct pool_work work = {push_round, NULL, NULL};
    struct round_args a;
    struct locked_collector overflow;
    struct collector out;
    const struct collector *parts[1];
    spill_spout overflow_spout, out_spout;
    void *pool, *collector;
    size_t r, n = 0;

    locked_collector_init(&overflow, f->elem_size);
    overflow_spout = locked_collector_spout(&overflow);
    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    pool = pf->pool_new(WORKERS, 64, &work, &overflow_spout);
    CHECK(pool != NULL);
    collector = pf->collector_unordered(&out_spout);
    CHECK(collector != NULL);
    for (r = 0; r < ROUNDS; r++) {
        a = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_run(pool, &a));
    }
    CHECK_OK(pf->pool_collect(pool, collector, &n));
    CHECK_EQ(n, TOTAL);
    CHECK_EQ(locked_collector_count(&overflow), 0);
    parts[0] = &out;
    check_all_once(f, parts, 1, TOTAL, 0, 0);
    collector_check_group_order(&out, f, TOTAL, PER_WORKER, WORKERS);

    CHECK_OK(pf->pool_free(pool));
    CHECK_OK(pf->collector_free(collector));
    locked_collector_free(&overflow);
    collector_free(&out);
}

static void fan_in_takes_folded_rounds(void) { for_each_parallel_family(fan_in_takes_folded_rounds_for); }

static void mergers_split_workers_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct pool_work work = {push_round, NULL, NULL};
    struct round_args a;
    struct collector out[2];
    const struct collector *parts[2];
    spill_spout spouts[2];
    void *pool, *collectors[2], *twice[2];
    size_t r, j, i, n;

    pool = pf->pool_new(WORKERS, 64, &work, NULL);
    CHECK(pool != NULL);
    for (j = 0; j < 2; j++) {
        collector_init(&out[j], f->elem_size);
        spouts[j] = collector_spout(&out[j]);
        collectors[j] = pf->collector_unordered(&spouts[j]);
        CHECK(collectors[j] != NULL);
        parts[j] = &out[j];
    }
    for (r = 0; r < ROUNDS; r++) {
        a = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_run(pool, &a));
        n = 0;
        CHECK_OK(pf->pool_merge(pool, collectors, 2, &n));
        CHECK_EQ(n, WORKERS * PER_WORKER);
    }
    check_all_once(f, parts, 2, TOTAL, 0, 0);
    /* Merger j took the workers w with w % 2 == j, each in order. */
    for (j = 0; j < 2; j++) {
        collector_check_group_order(&out[j], f, TOTAL, PER_WORKER, WORKERS);
        for (i = 0; i < out[j].count; i++) {
            size_t index = family_index_of(f, collector_at(&out[j], i), TOTAL);
            CHECK_EQ((index / PER_WORKER) % WORKERS % 2, j);
        }
    }

    twice[0] = collectors[0];
    twice[1] = collectors[0];
    CHECK_STATUS(pf->pool_merge(pool, collectors, 0, &n), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(pf->pool_merge(pool, twice, 2, &n), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(pf->pool_merge(pool, NULL, 2, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(pf->pool_merge(NULL, collectors, 2, &n), SPILL_NULL_ARGUMENT);

    CHECK_OK(pf->pool_free(pool));
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
    const struct family *f = pf->ring;
    struct pool_work work = {push_round, NULL, NULL};
    struct round_args a;
    struct locked_collector overflow;
    struct collector out;
    const struct collector *parts[2];
    spill_spout overflow_spout, out_spout;
    void *pool, *collector;
    size_t r, n = 0;

    locked_collector_init(&overflow, f->elem_size);
    overflow_spout = locked_collector_spout(&overflow);
    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    pool = pf->pool_new(W, 4, &work, &overflow_spout);
    CHECK(pool != NULL);
    collector = pf->collector_unordered(&out_spout);
    CHECK(collector != NULL);
    for (r = 0; r < R; r++) {
        a = round_of(r, W, K);
        CHECK_OK(pf->pool_run(pool, &a));
    }
    CHECK(locked_collector_count(&overflow) > 0);
    CHECK_OK(pf->pool_collect(pool, collector, &n));
    CHECK_EQ(n + locked_collector_count(&overflow), W * K * R);
    CHECK_EQ(pf->pool_spout_failures(pool), 0);
    CHECK_OK(pf->pool_free(pool));
    parts[0] = &out;
    parts[1] = &overflow.inner;
    check_all_once(f, parts, 2, W * K * R, 0, 0);
    collector_check_group_order(&out, f, W * K * R, K, W);

    CHECK_OK(pf->collector_free(collector));
    locked_collector_free(&overflow);
    collector_free(&out);
}

static void backpressure_loses_nothing(void) { for_each_parallel_family(backpressure_loses_nothing_for); }

static void refused_overflow_is_counted_for(const struct parallel_family *pf) {
    /* One worker, ring of 4: round 0 publishes 4 items; round 1's 4 items
     * are folded into that uncollected batch, which must evict 4 items to
     * an overflow spout that refuses them: 4 failures are counted. */
    const struct family *f = pf->ring;
    struct pool_work work = {push_round, NULL, NULL};
    struct round_args a;
    struct locked_collector overflow;
    spill_spout overflow_spout;
    void *pool;

    locked_collector_init(&overflow, f->elem_size);
    overflow.inner.accept_sends = 0;
    overflow_spout = locked_collector_spout(&overflow);
    pool = pf->pool_new(1, 4, &work, &overflow_spout);
    CHECK(pool != NULL);
    a = round_of(0, 1, 4);
    CHECK_OK(pf->pool_run(pool, &a));
    CHECK_EQ(pf->pool_spout_failures(pool), 0);
    a = round_of(1, 1, 4);
    CHECK_OK(pf->pool_run(pool, &a));
    CHECK_EQ(pf->pool_spout_failures(pool), 4);
    CHECK_EQ(locked_collector_count(&overflow), 0);
    CHECK_OK(pf->pool_free(pool));
    locked_collector_free(&overflow);
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
    const struct family *f = pf->ring;
    struct pool_work work = {failing_push, NULL, NULL};
    struct round_args args[3];
    struct collector out;
    const struct collector *parts[1];
    spill_spout out_spout;
    void *pool, *collector;
    size_t r;

    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    pool = pf->pool_new(WORKERS, 64, &work, NULL);
    CHECK(pool != NULL);
    collector = pf->collector_unordered(&out_spout);
    CHECK(collector != NULL);
    for (r = 0; r < 3; r++) args[r] = round_of(r, WORKERS, PER_WORKER);

    CHECK_OK(pf->pool_run(pool, &args[0]));
    CHECK_OK(pf->pool_dispatch(pool, &args[1]));
    CHECK_STATUS(pf->pool_join(pool), SPILL_WORKER_PANICKED);
    CHECK(strstr(spill_last_error(), "1") != NULL);
    CHECK(!spill_status_is_retryable(SPILL_WORKER_PANICKED));
    /* The pool stays usable; the failure was reported once. */
    CHECK_OK(pf->pool_run(pool, &args[2]));
    CHECK_OK(pf->pool_collect(pool, collector, NULL));
    parts[0] = &out;
    /* Worker 1's round-1 items (numbers 32..39) were never pushed. */
    check_all_once(f, parts, 1, 3 * WORKERS * PER_WORKER, (1 * WORKERS + 1) * PER_WORKER,
                   PER_WORKER);

    CHECK_OK(pf->pool_free(pool));
    CHECK_OK(pf->collector_free(collector));
    collector_free(&out);
}

static void failed_worker_is_reported(void) { for_each_parallel_family(failed_worker_is_reported_for); }

/* Calls pool and collector functions from inside the work function. The
 * pool pointer is set after the threads started, so it is read under the
 * lock; only worker 0 touches the collector (one thread at a time). */
struct reentry {
    const struct parallel_family *pf;
    void *pool;
    void *collector;
    pthread_mutex_t lock;
    int dispatch_status[WORKERS];
    int collect_status[WORKERS];
    int free_status[WORKERS];
    int release_status;
};

static int reentering_push(const struct family *f, void *ring, size_t w, const void *args, void *ctx) {
    struct reentry *re = (struct reentry *)ctx;
    void *pool;
    int d, c, fr, rel = SPILL_BUSY;
    pthread_mutex_lock(&re->lock);
    pool = re->pool;
    pthread_mutex_unlock(&re->lock);
    d = re->pf->pool_dispatch(pool, args);
    c = re->pf->pool_collect(pool, re->collector, NULL);
    fr = re->pf->pool_free(pool);
    if (w == 0) rel = re->pf->collector_release(re->collector, NULL);
    pthread_mutex_lock(&re->lock);
    if (w == 0) re->release_status = rel;
    re->dispatch_status[w] = d;
    re->collect_status[w] = c;
    re->free_status[w] = fr;
    pthread_mutex_unlock(&re->lock);
    return push_items(f, ring, w, (const struct round_args *)args);
}

static void calls_from_work_are_busy_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct pool_work work = {reentering_push, NULL, NULL};
    struct reentry re;
    struct round_args a = round_of(0, WORKERS, PER_WORKER);
    struct collector out;
    spill_spout out_spout;
    void *pool;
    size_t w, n = 0;

    memset(&re, 0, sizeof re);
    CHECK_EQ(pthread_mutex_init(&re.lock, NULL), 0);
    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    re.pf = pf;
    re.collector = pf->collector_unordered(&out_spout);
    CHECK(re.collector != NULL);
    work.ctx = &re;
    pool = pf->pool_new(WORKERS, 64, &work, NULL);
    CHECK(pool != NULL);
    CHECK_EQ(pthread_mutex_lock(&re.lock), 0);
    re.pool = pool;
    CHECK_EQ(pthread_mutex_unlock(&re.lock), 0);

    CHECK_OK(pf->pool_run(pool, &a));
    CHECK_EQ(pthread_mutex_lock(&re.lock), 0);
    for (w = 0; w < WORKERS; w++) {
        CHECK_STATUS(re.dispatch_status[w], SPILL_BUSY);
        CHECK_STATUS(re.collect_status[w], SPILL_BUSY);
        CHECK_STATUS(re.free_status[w], SPILL_BUSY);
    }
    CHECK_STATUS(re.release_status, SPILL_BUSY);
    CHECK_EQ(pthread_mutex_unlock(&re.lock), 0);
    /* The pool was not freed from inside: it still works. */
    CHECK_OK(pf->pool_collect(pool, re.collector, &n));
    CHECK_EQ(n, WORKERS * PER_WORKER);
    CHECK_OK(pf->pool_free(pool));
    CHECK_OK(pf->collector_free(re.collector));
    CHECK_EQ(pthread_mutex_destroy(&re.lock), 0);
    collector_free(&out);
}

static void calls_from_work_are_busy(void) { for_each_parallel_family(calls_from_work_are_busy_for); }

static void free_sends_uncollected_to_overflow_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct pool_work work = {push_round, NULL, NULL};
    struct round_args a;
    struct locked_collector overflow;
    const struct collector *parts[1];
    spill_spout overflow_spout;
    void *pool;
    size_t r;

    locked_collector_init(&overflow, f->elem_size);
    overflow_spout = locked_collector_spout(&overflow);
    pool = pf->pool_new(WORKERS, 64, &work, &overflow_spout);
    CHECK(pool != NULL);
    for (r = 0; r < ROUNDS; r++) {
        a = round_of(r, WORKERS, PER_WORKER);
        CHECK_OK(pf->pool_run(pool, &a));
    }
    CHECK_EQ(locked_collector_count(&overflow), 0);
    CHECK_OK(pf->pool_free(pool)); /* joins the threads, flushes the rings */
    parts[0] = &overflow.inner;
    check_all_once(f, parts, 1, TOTAL, 0, 0);
    collector_check_group_order(&overflow.inner, f, TOTAL, PER_WORKER, WORKERS);
    locked_collector_free(&overflow);
}

static void free_sends_uncollected_to_overflow(void) {
    for_each_parallel_family(free_sends_uncollected_to_overflow_for);
}

static void collector_release_and_refusal_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct gates gates;
    struct pool_work gated = {gated_push, NULL, NULL};
    struct round_args a = round_of(0, WORKERS, PER_WORKER);
    struct collector out;
    const struct collector *parts[1];
    spill_spout out_spout;
    void *pool, *collector;
    size_t w, sent = 0, n = 0, flushes;

    gates_init(&gates);
    gated.ctx = &gates;
    collector_init(&out, f->elem_size);
    out_spout = collector_spout(&out);
    pool = pf->pool_new(WORKERS, 64, &gated, NULL);
    CHECK(pool != NULL);

    /* Sequenced: worker 2's batch waits for workers 0 and 1; release sends
     * it anyway, and flushes the spout. */
    collector = pf->collector_sequenced(&out_spout);
    CHECK(collector != NULL);
    CHECK_OK(pf->pool_dispatch(pool, &a));
    gate_set(&gates, WORKERS - 1, 1);
    collect_until(pf, pool, collector, PER_WORKER, &out, 0);
    flushes = out.flushes;
    CHECK_OK(pf->collector_release(collector, &sent));
    CHECK_EQ(sent, PER_WORKER);
    CHECK_EQ(pf->collector_pending(collector), 0);
    CHECK_EQ(out.flushes, flushes + 1);
    family_check_items(f, out.data, (WORKERS - 1) * PER_WORKER, PER_WORKER);
    for (w = 0; w + 1 < WORKERS; w++) gate_set(&gates, w, 1);
    CHECK_OK(pf->pool_join(pool));
    CHECK_OK(pf->pool_collect(pool, collector, NULL));
    CHECK_OK(pf->collector_release(collector, NULL));
    parts[0] = &out;
    check_all_once(f, parts, 1, WORKERS * PER_WORKER, 0, 0);
    CHECK_OK(pf->collector_free(collector));

    /* Unordered with a refusing spout: the refused batch is kept (pending)
     * and offered again first once the spout accepts. */
    collector_reset(&out);
    out.accept_sends = 0;
    collector = pf->collector_unordered(&out_spout);
    CHECK(collector != NULL);
    a = round_of(1, WORKERS, PER_WORKER);
    CHECK_OK(pf->pool_run(pool, &a));
    CHECK_STATUS(pf->pool_collect(pool, collector, &n), SPILL_SPOUT_FAILED);
    CHECK_EQ(pf->collector_pending(collector), PER_WORKER);
    CHECK_EQ(out.count, 0);
    out.accept_sends = -1;
    CHECK_OK(pf->pool_collect(pool, collector, NULL));
    CHECK_EQ(pf->collector_pending(collector), 0);
    CHECK_EQ(out.count, WORKERS * PER_WORKER);
    /* Exactly round 1's items (numbers 24..47), none of round 0's. */
    check_all_once(f, parts, 1, 2 * WORKERS * PER_WORKER, 0, WORKERS * PER_WORKER);

    /* Freeing a collector that holds a refused batch reports the loss. */
    out.accept_sends = 0;
    a = round_of(2, WORKERS, PER_WORKER);
    CHECK_OK(pf->pool_run(pool, &a));
    CHECK_STATUS(pf->pool_collect(pool, collector, NULL), SPILL_SPOUT_FAILED);
    CHECK(pf->collector_pending(collector) > 0);
    CHECK_STATUS(pf->collector_free(collector), SPILL_SPOUT_FAILED);

    CHECK_OK(pf->pool_free(pool));
    gates_destroy(&gates);
    collector_free(&out);
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

    collector_init(&out, f->elem_size);
    spout = collector_spout(&out);
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
    CHECK_OK(pf->pool_join(pool));                   /* no round in flight */
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
