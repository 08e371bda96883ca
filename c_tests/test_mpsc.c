/*
 * MPSC with pthreads: one producer ring per thread (no lock on push), then,
 * once the threads are joined, the set drains producer by producer, each
 * producer's items oldest first. Evictions go to a spout per producer, to
 * one thread-safe shared spout, or nowhere. Every item is found exactly
 * once; bad arguments get their documented status.
 */
#include "support/check.h"
#include "support/parallel.h"
#include "support/spouts.h"

#include <pthread.h>

#define PRODUCERS 4
#define PER_PRODUCER 40 /* item numbers stay below 251: distinct in every family */
#define CAPACITY 16
#define TOTAL (PRODUCERS * PER_PRODUCER)

/* One producer thread: pushes items p*PER_PRODUCER .. p*PER_PRODUCER+39. */
struct producer_job {
    const struct family *f;
    void *ring;
    size_t id;
    int failed;
};

static void *produce(void *arg) {
    struct producer_job *job = (struct producer_job *)arg;
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    size_t k;
    for (k = 0; k < PER_PRODUCER; k++) {
        family_item(job->f, job->id * PER_PRODUCER + k, item);
        if (job->f->push(job->ring, item) != SPILL_OK) job->failed = 1;
    }
    return NULL;
}

/* Runs one thread per producer of `mpsc` and joins them. */
static void run_producers(const struct parallel_family *pf, void *mpsc) {
    pthread_t threads[PRODUCERS];
    struct producer_job jobs[PRODUCERS];
    size_t p;
    for (p = 0; p < PRODUCERS; p++) {
        jobs[p].f = pf->ring;
        jobs[p].ring = pf->mpsc_producer(mpsc, p);
        jobs[p].id = p;
        jobs[p].failed = 0;
        CHECK(jobs[p].ring != NULL);
        CHECK_EQ(pthread_create(&threads[p], NULL, produce, &jobs[p]), 0);
    }
    for (p = 0; p < PRODUCERS; p++) {
        CHECK_EQ(pthread_join(threads[p], NULL), 0);
        CHECK(!jobs[p].failed);
    }
}

static void spout_per_producer_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct collector evicted[PRODUCERS], drained;
    spill_spout spouts[PRODUCERS], dst;
    unsigned char seen[TOTAL];
    size_t p, n = 0;
    void *mpsc;

    for (p = 0; p < PRODUCERS; p++) {
        spouts[p] = collector_start(&evicted[p], f->elem_size);
    }
    mpsc = pf->mpsc_new(PRODUCERS, CAPACITY, spouts, PRODUCERS);
    CHECK(mpsc != NULL);
    CHECK_EQ(pf->mpsc_producers(mpsc), PRODUCERS);
    run_producers(pf, mpsc);
    CHECK_EQ(pf->mpsc_len(mpsc), PRODUCERS * CAPACITY);

    /* Each producer evicted its own oldest items into its own spout. */
    for (p = 0; p < PRODUCERS; p++) {
        CHECK_EQ(evicted[p].count, PER_PRODUCER - CAPACITY);
        family_check_items(f, evicted[p].data, p * PER_PRODUCER, PER_PRODUCER - CAPACITY);
    }

    /* The drain goes producer by producer, each oldest first. */
    dst = collector_start(&drained, f->elem_size);
    CHECK_OK(pf->mpsc_drain(mpsc, &dst, &n));
    CHECK_EQ(n, PRODUCERS * CAPACITY);
    for (p = 0; p < PRODUCERS; p++)
        family_check_items(f, drained.data + p * CAPACITY * f->elem_size,
                           p * PER_PRODUCER + PER_PRODUCER - CAPACITY, CAPACITY);
    CHECK_EQ(pf->mpsc_len(mpsc), 0);
    CHECK_OK(pf->mpsc_drain(mpsc, &dst, NULL));
    CHECK_EQ(drained.count, PRODUCERS * CAPACITY);

    memset(seen, 0, sizeof seen);
    collector_tally(&drained, f, seen, TOTAL);
    for (p = 0; p < PRODUCERS; p++) collector_tally(&evicted[p], f, seen, TOTAL);
    for (p = 0; p < TOTAL; p++) CHECK(seen[p]);

    CHECK_OK(pf->mpsc_free(mpsc));
    for (p = 0; p < PRODUCERS; p++) {
        CHECK_EQ(evicted[p].count, PER_PRODUCER - CAPACITY);
        CHECK_EQ(evicted[p].flushes, 1);
        collector_free(&evicted[p]);
    }
    collector_free(&drained);
}

static void spout_per_producer(void) { for_each_parallel_family(spout_per_producer_for); }

static void shared_spout_and_free_flushes_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct locked_collector shared;
    spill_spout spout;
    unsigned char seen[TOTAL];
    size_t i;
    void *mpsc;

    locked_collector_init(&shared, f->elem_size);
    spout = locked_collector_spout(&shared);
    mpsc = pf->mpsc_new(PRODUCERS, CAPACITY, &spout, 1);
    CHECK(mpsc != NULL);
    run_producers(pf, mpsc);
    CHECK_EQ(shared.inner.count, PRODUCERS * (PER_PRODUCER - CAPACITY));

    /* Freeing the set sends what the producers hold to the spout. */
    CHECK_OK(pf->mpsc_free(mpsc));
    CHECK_EQ(shared.inner.count, TOTAL);
    memset(seen, 0, sizeof seen);
    collector_tally(&shared.inner, f, seen, TOTAL);
    for (i = 0; i < TOTAL; i++) CHECK(seen[i]);
    /* Interleaved between producers, but each producer's items in order. */
    collector_check_group_order(&shared.inner, f, TOTAL, PER_PRODUCER, PRODUCERS);
    CHECK(shared.inner.flushes >= 1);
    locked_collector_free(&shared);
}

static void shared_spout_and_free_flushes(void) {
    for_each_parallel_family(shared_spout_and_free_flushes_for);
}

static void no_spout_drops_evictions_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct collector drained;
    spill_spout dst;
    size_t p;
    void *mpsc = pf->mpsc_new(PRODUCERS, CAPACITY, NULL, 0);

    CHECK(mpsc != NULL);
    run_producers(pf, mpsc);
    dst = collector_start(&drained, f->elem_size);
    CHECK_OK(pf->mpsc_drain(mpsc, &dst, NULL));
    CHECK_EQ(drained.count, PRODUCERS * CAPACITY);
    for (p = 0; p < PRODUCERS; p++)
        family_check_items(f, drained.data + p * CAPACITY * f->elem_size,
                           p * PER_PRODUCER + PER_PRODUCER - CAPACITY, CAPACITY);
    CHECK_OK(pf->mpsc_free(mpsc));
    collector_free(&drained);
}

static void no_spout_drops_evictions(void) {
    for_each_parallel_family(no_spout_drops_evictions_for);
}

static void refused_drain_keeps_items_for(const struct parallel_family *pf) {
    const struct family *f = pf->ring;
    struct collector drained, evicted;
    spill_spout dst, spout;
    size_t n = 99;
    void *mpsc;

    spout = collector_start(&evicted, f->elem_size);
    mpsc = pf->mpsc_new(PRODUCERS, CAPACITY, &spout, 1);
    CHECK(mpsc != NULL);
    family_push_range(f, pf->mpsc_producer(mpsc, 2), 0, 5);

    collector_init(&drained, f->elem_size);
    drained.accept_sends = 0;
    dst = collector_spout(&drained);
    CHECK_STATUS(pf->mpsc_drain(mpsc, &dst, &n), SPILL_SPOUT_FAILED);
    CHECK_EQ(n, 0);
    CHECK_EQ(pf->mpsc_len(mpsc), 5);

    /* A producer ring belongs to its set: it cannot be freed on its own. */
    CHECK_STATUS(f->destroy(pf->mpsc_producer(mpsc, 2)), SPILL_INVALID_ARGUMENT);
    CHECK(spill_last_error()[0] != '\0');
    CHECK_EQ(pf->mpsc_len(mpsc), 5);

    CHECK_OK(pf->mpsc_free(mpsc)); /* the 5 items go to the spout */
    CHECK_EQ(evicted.count, 5);
    family_check_items(f, evicted.data, 0, 5);
    collector_free(&evicted);
    collector_free(&drained);
}

static void refused_drain_keeps_items(void) {
    for_each_parallel_family(refused_drain_keeps_items_for);
}

static void bad_arguments_for(const struct parallel_family *pf) {
    struct collector c;
    spill_spout spouts[PRODUCERS], no_send;
    size_t n = 0, p;
    void *mpsc;

    collector_init(&c, pf->ring->elem_size);
    for (p = 0; p < PRODUCERS; p++) spouts[p] = collector_spout(&c);
    no_send = spouts[0];
    no_send.send = NULL;

    CHECK(pf->mpsc_new(0, CAPACITY, NULL, 0) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(pf->mpsc_new(PRODUCERS, 0, NULL, 0) == NULL);
    CHECK(pf->mpsc_new(PRODUCERS, 12, NULL, 0) == NULL);
    CHECK(pf->mpsc_new(PRODUCERS, CAPACITY, spouts, 2) == NULL);
    CHECK(pf->mpsc_new(PRODUCERS, CAPACITY, NULL, 1) == NULL);
    CHECK(pf->mpsc_new(PRODUCERS, CAPACITY, &no_send, 1) == NULL);

    CHECK(pf->mpsc_producer(NULL, 0) == NULL);
    CHECK_EQ(pf->mpsc_producers(NULL), 0);
    CHECK_EQ(pf->mpsc_len(NULL), 0);
    CHECK_STATUS(pf->mpsc_drain(NULL, &spouts[0], &n), SPILL_NULL_ARGUMENT);
    CHECK_OK(pf->mpsc_free(NULL));

    mpsc = pf->mpsc_new(PRODUCERS, CAPACITY, NULL, 0);
    CHECK(mpsc != NULL);
    CHECK(pf->mpsc_producer(mpsc, PRODUCERS) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK_STATUS(pf->mpsc_drain(mpsc, NULL, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(pf->mpsc_drain(mpsc, &no_send, &n), SPILL_INVALID_ARGUMENT);
    CHECK_OK(pf->mpsc_free(mpsc));
    collector_free(&c);
}

static void bad_arguments(void) { for_each_parallel_family(bad_arguments_for); }

CHECK_MAIN(CHECK_CASE(spout_per_producer), CHECK_CASE(shared_spout_and_free_flushes),
           CHECK_CASE(no_spout_drops_evictions), CHECK_CASE(refused_drain_keeps_items),
           CHECK_CASE(bad_arguments))
