/*
 * pool_sequenced.c - a worker pool driven from C, collected in dispatch order.
 *
 * Four persistent worker threads each own a ring of u64. Every round, the
 * main thread dispatches a range of numbers; worker w squares its quarter
 * of the range into its ring. While the next round runs, the main thread
 * collects whatever batches the workers published, through a sequenced
 * collector: whatever order the workers finish in, the squares reach the
 * output spout in dispatch order (round by round, worker by worker), which
 * here means in increasing order of the numbers squared.
 *
 * Each round is collected completely before the next one is dispatched, so
 * every worker always finds its previous batch taken and publishes a fresh
 * one: a batch never has to absorb a later round (the pool's backpressure
 * path, where those items would come out with the later round).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <spill_ring.h>

#include <sched.h>
#include <stdio.h>

#define WORKERS 4
#define ROUNDS 6
#define PER_ROUND 4000 /* numbers per round, split between the workers */

/* A round's job: square the numbers first .. first + PER_ROUND - 1. */
struct job {
    uint64_t first;
};

/* The work function: runs on worker `worker`'s thread with its ring. */
static int square_my_share(spill_ring_u64 *ring, size_t worker, const void *args, void *ctx) {
    const struct job *job = (const struct job *)args;
    const uint64_t share = PER_ROUND / WORKERS;
    uint64_t n = job->first + worker * share, end = n + share;
    (void)ctx;
    for (; n < end; n++) {
        if (spill_ring_u64_push(ring, n * n) != SPILL_OK) return 1;
    }
    return 0;
}

/* The output spout: checks that squares arrive in order, counts them. */
struct output {
    uint64_t next; /* the number whose square must come next */
    uint64_t received;
    uint64_t batches;
    int out_of_order;
};

static int receive(void *ctx, const void *items, size_t count) {
    struct output *out = (struct output *)ctx;
    const uint64_t *squares = (const uint64_t *)items;
    size_t i;
    for (i = 0; i < count; i++, out->next++) {
        if (squares[i] != out->next * out->next) out->out_of_order = 1;
    }
    out->received += count;
    out->batches++;
    return 0;
}

static int fail(const char *what) {
    fprintf(stderr, "%s failed: %s\n", what, spill_last_error());
    return 1;
}

int main(void) {
    struct output out = {0, 0, 0, 0};
    spill_spout out_spout;
    spill_collector_u64 *in_order;
    spill_pool_u64 *pool;
    struct job jobs[ROUNDS];
    size_t r, collected = 0, n = 0, held;

    /* Rings of 1024 hold a worker's share of a round (1000 numbers). */
    if (spill_pool_u64_create(WORKERS, 1024, square_my_share, NULL, NULL, &pool) != SPILL_OK)
        return fail("spill_pool_u64_create");
    out_spout.send = receive;
    out_spout.flush = NULL;
    out_spout.ctx = &out;
    if (spill_collector_u64_create(&out_spout, true, &in_order) != SPILL_OK)
        return fail("spill_collector_u64_create");

    for (r = 0; r < ROUNDS; r++) {
        size_t passes = 0, most_held = 0, round_collected = 0;
        jobs[r].first = (uint64_t)r * PER_ROUND;
        /* dispatch returns at once; jobs[r] must stay valid until the join. */
        if (spill_pool_u64_dispatch(pool, &jobs[r]) != SPILL_OK) return fail("dispatch");
        /* Take batches as workers publish them, while the round runs. */
        while (round_collected < PER_ROUND) {
            if (spill_pool_u64_collect(pool, in_order, &n) != SPILL_OK) return fail("collect");
            round_collected += n;
            passes++;
            if (spill_collector_u64_pending(in_order) > most_held)
                most_held = spill_collector_u64_pending(in_order);
            if (n == 0) sched_yield();
        }
        if (spill_pool_u64_join(pool) != SPILL_OK) return fail("join");
        collected += round_collected;
        printf("round %zu: %zu squares collected in %zu passes, at most %zu held back for order\n",
               r + 1, round_collected, passes, most_held);
    }
    /* A round settles once the pool knows every worker finished it: a last
     * pass after the final join lets the collector hand out what it held. */
    if (spill_pool_u64_collect(pool, in_order, &n) != SPILL_OK) return fail("collect");
    collected += n;
    held = spill_collector_u64_pending(in_order);
    printf("after the last join: %zu squares still held back\n", held);

    printf("%zu squares collected, %llu received in %llu batches, in dispatch order: %s\n",
           collected, (unsigned long long)out.received, (unsigned long long)out.batches,
           out.out_of_order ? "no" : "yes");
    if (spill_pool_u64_free(pool) != SPILL_OK) return fail("spill_pool_u64_free");
    if (spill_collector_u64_free(in_order) != SPILL_OK) return fail("spill_collector_u64_free");
    return held == 0 && out.received == (uint64_t)ROUNDS * PER_ROUND && !out.out_of_order ? 0 : 1;
}
