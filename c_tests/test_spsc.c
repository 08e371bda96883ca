/*
 * The concurrent rings from C: every spill_spsc_* and spill_cmpsc_* call of
 * every family (round trips, statuses), a producer thread feeding a
 * consumer thread, and producer threads registering on a concurrent MPSC
 * and pushing while the consumer drains, with conservation and per-producer
 * order checked (label "threads").
 */
#include "support/check.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

/* Every call of one by-value family, on one thread. */
#define ROUND_TRIP(FAM, T)                                                                         \
    static void round_trip_##FAM(void) {                                                           \
        spill_spsc_##FAM##_producer *p = NULL;                                                     \
        spill_spsc_##FAM##_consumer *c = NULL;                                                     \
        spill_cmpsc_##FAM *m = NULL;                                                               \
        spill_cmpsc_##FAM##_consumer *mc = NULL;                                                   \
        T *w[2];                                                                                   \
        const T *r[2];                                                                             \
        T out[4];                                                                                  \
        size_t n = 0;                                                                              \
        CHECK_STATUS(spill_spsc_##FAM##_create(3, 0, 0, NULL, &p, &c), SPILL_INVALID_ARGUMENT);    \
        CHECK_OK(spill_spsc_##FAM##_create(2, 0, SPILL_WAKING, NULL, &p, &c));                     \
        CHECK_OK(spill_spsc_##FAM##_producer_push(p, (T)1));                                       \
        CHECK_OK(spill_spsc_##FAM##_producer_try_push(p, (T)2));                                   \
        CHECK_STATUS(spill_spsc_##FAM##_producer_try_push(p, (T)3), SPILL_FULL);                   \
        CHECK_STATUS(spill_spsc_##FAM##_producer_push_wait(p, (T)3, 0), SPILL_TIMEOUT);            \
        CHECK_EQ(spill_spsc_##FAM##_producer_len(p), 2);                                           \
        CHECK_EQ(spill_spsc_##FAM##_consumer_len(c), 2);                                           \
        CHECK_OK(spill_spsc_##FAM##_consumer_read(c, 1, r, &n));                                   \
        CHECK_EQ(n, 1);                                                                            \
        CHECK(*r[0] == (T)1);                                                                      \
        CHECK_OK(spill_spsc_##FAM##_consumer_release(c));                                          \
        CHECK_OK(spill_spsc_##FAM##_producer_reserve(p, 1, w, &n));                                \
        CHECK_EQ(n, 1);                                                                            \
        *w[0] = (T)4;                                                                              \
        CHECK_OK(spill_spsc_##FAM##_producer_commit(p, 1));                                        \
        CHECK_OK(spill_spsc_##FAM##_consumer_pop(c, &out[0]));                                     \
        CHECK(out[0] == (T)2);                                                                     \
        CHECK_OK(spill_spsc_##FAM##_consumer_pop_bulk(c, out, 4, &n));                             \
        CHECK_EQ(n, 1);                                                                            \
        CHECK(out[0] == (T)4);                                                                     \
        CHECK(!spill_spsc_##FAM##_producer_is_abandoned(p));                                       \
        CHECK(!spill_spsc_##FAM##_producer_is_closed(p));                                          \
        CHECK_OK(spill_spsc_##FAM##_consumer_close(c));                                            \
        CHECK(spill_spsc_##FAM##_producer_is_closed(p));                                           \
        CHECK_STATUS(spill_spsc_##FAM##_producer_push_wait(p, (T)5, SPILL_WAIT_FOREVER),           \
                     SPILL_CLOSED);                                                                \
        CHECK_OK(spill_spsc_##FAM##_producer_free(p));                                             \
        CHECK(spill_spsc_##FAM##_consumer_is_abandoned(c));                                        \
        CHECK_OK(spill_spsc_##FAM##_consumer_free(c));                                             \
                                                                                                   \
        CHECK_OK(spill_cmpsc_##FAM##_create(2, 4, 0, 0, &m, &mc));                                 \
        CHECK_EQ(spill_cmpsc_##FAM##_max_producers(m), 2);                                         \
        CHECK_OK(spill_cmpsc_##FAM##_register(m, NULL, &p));                                       \
        CHECK_EQ(spill_cmpsc_##FAM##_producers(m), 1);                                             \
        CHECK_OK(spill_spsc_##FAM##_producer_push(p, (T)7));                                       \
        CHECK_OK(spill_spsc_##FAM##_producer_push(p, (T)8));                                       \
        CHECK_EQ(spill_cmpsc_##FAM##_consumer_len(mc), 2);                                         \
        CHECK_OK(spill_cmpsc_##FAM##_consumer_pop(mc, &out[0]));                                   \
        CHECK(out[0] == (T)7);                                                                     \
        CHECK_OK(spill_cmpsc_##FAM##_consumer_drain(mc, 8, spill_test_drop_spout(), &n));          \
        CHECK_EQ(n, 1);                                                                            \
        CHECK_OK(spill_cmpsc_##FAM##_consumer_close(mc));                                          \
        CHECK_OK(spill_spsc_##FAM##_producer_free(p));                                             \
        CHECK_OK(spill_cmpsc_##FAM##_free(m));                                                     \
        CHECK_OK(spill_cmpsc_##FAM##_consumer_free(mc));                                           \
    }

static int drop_send(void *ctx, const void *items, size_t count) {
    (void)ctx;
    (void)items;
    (void)count;
    return 0;
}

static const spill_spout *spill_test_drop_spout(void) {
    static const spill_spout spout = {drop_send, NULL, NULL};
    return &spout;
}

ROUND_TRIP(u8, uint8_t)
ROUND_TRIP(u16, uint16_t)
ROUND_TRIP(u32, uint32_t)
ROUND_TRIP(u64, uint64_t)
ROUND_TRIP(f32, float)
ROUND_TRIP(f64, double)

static void every_by_value_family(void) {
    round_trip_u8();
    round_trip_u16();
    round_trip_u32();
    round_trip_u64();
    round_trip_f32();
    round_trip_f64();
}

struct event {
    uint64_t id;
    uint32_t tag;
    uint32_t pad;
};

static void bytes_family(void) {
    spill_spsc_bytes_producer *p = NULL;
    spill_spsc_bytes_consumer *c = NULL;
    spill_cmpsc_bytes *m = NULL;
    spill_cmpsc_bytes_consumer *mc = NULL;
    struct event e = {1, 2, 0}, out[4];
    void *w[2];
    const void *r[2];
    size_t n = 0;
    CHECK_STATUS(spill_spsc_bytes_create(0, 2, 0, 0, NULL, &p, &c), SPILL_INVALID_ARGUMENT);
    CHECK_OK(spill_spsc_bytes_create(sizeof e, 2, 0, 0, NULL, &p, &c));
    CHECK_EQ(spill_spsc_bytes_producer_elem_size(p), sizeof e);
    CHECK_OK(spill_spsc_bytes_producer_push(p, &e));
    e.id = 2;
    CHECK_OK(spill_spsc_bytes_producer_try_push(p, &e));
    CHECK_STATUS(spill_spsc_bytes_producer_push_wait(p, &e, 0), SPILL_TIMEOUT);
    CHECK_EQ(spill_spsc_bytes_producer_len(p), 2);
    CHECK_EQ(spill_spsc_bytes_consumer_len(c), 2);
    CHECK_OK(spill_spsc_bytes_consumer_read(c, 1, r, &n));
    CHECK_EQ(((const struct event *)r[0])->id, 1);
    CHECK_OK(spill_spsc_bytes_consumer_release(c));
    CHECK_OK(spill_spsc_bytes_producer_reserve(p, 1, w, &n));
    ((struct event *)w[0])->id = 3;
    CHECK_OK(spill_spsc_bytes_producer_commit(p, 1));
    CHECK_OK(spill_spsc_bytes_consumer_pop(c, &out[0]));
    CHECK_EQ(out[0].id, 2);
    CHECK_OK(spill_spsc_bytes_consumer_pop_bulk(c, out, 4, &n));
    CHECK_EQ(n, 1);
    CHECK_EQ(out[0].id, 3);
    CHECK(!spill_spsc_bytes_producer_is_abandoned(p));
    CHECK(!spill_spsc_bytes_producer_is_closed(p));
    CHECK_OK(spill_spsc_bytes_consumer_close(c));
    CHECK(spill_spsc_bytes_producer_is_closed(p));
    CHECK_OK(spill_spsc_bytes_producer_free(p));
    CHECK(spill_spsc_bytes_consumer_is_abandoned(c));
    CHECK_OK(spill_spsc_bytes_consumer_free(c));

    CHECK_OK(spill_cmpsc_bytes_create(sizeof e, 2, 4, 0, 0, &m, &mc));
    CHECK_EQ(spill_cmpsc_bytes_elem_size(m), sizeof e);
    CHECK_EQ(spill_cmpsc_bytes_max_producers(m), 2);
    CHECK_OK(spill_cmpsc_bytes_register(m, NULL, &p));
    CHECK_EQ(spill_cmpsc_bytes_producers(m), 1);
    CHECK_OK(spill_spsc_bytes_producer_push(p, &e));
    CHECK_OK(spill_spsc_bytes_producer_push(p, &e));
    CHECK_EQ(spill_cmpsc_bytes_consumer_len(mc), 2);
    CHECK_OK(spill_cmpsc_bytes_consumer_pop(mc, &out[0]));
    CHECK_OK(spill_cmpsc_bytes_consumer_drain(mc, 8, spill_test_drop_spout(), &n));
    CHECK_EQ(n, 1);
    CHECK_OK(spill_cmpsc_bytes_consumer_close(mc));
    CHECK_OK(spill_spsc_bytes_producer_free(p));
    CHECK_OK(spill_cmpsc_bytes_free(m));
    CHECK_OK(spill_cmpsc_bytes_consumer_free(mc));
}

#define ITEMS 100000u

static void *lossless_producer(void *arg) {
    spill_spsc_u64_producer *p = (spill_spsc_u64_producer *)arg;
    uint64_t i;
    for (i = 0; i < ITEMS; i++) {
        if (spill_spsc_u64_producer_push_wait(p, i, SPILL_WAIT_FOREVER) != SPILL_OK) return arg;
    }
    return spill_spsc_u64_producer_free(p) == SPILL_OK ? NULL : arg;
}

static void threads_lose_nothing_with_waiting_pushes(void) {
    spill_spsc_u64_producer *p = NULL;
    spill_spsc_u64_consumer *c = NULL;
    pthread_t thread;
    void *failed = NULL;
    uint64_t next = 0, buf[64];
    size_t n;
    CHECK_OK(spill_spsc_u64_create(64, 0, SPILL_WAKING, NULL, &p, &c));
    CHECK_EQ(pthread_create(&thread, NULL, lossless_producer, p), 0);
    while (next < ITEMS) {
        size_t i;
        /* Nothing yet: give the producer the core (under valgrind, which runs
         * one thread at a time, a spinning consumer starves it). */
        if (spill_spsc_u64_consumer_pop_bulk(c, buf, 64, &n) != SPILL_OK) {
            sched_yield();
            continue;
        }
        for (i = 0; i < n; i++) CHECK_EQ(buf[i], next++);
    }
    CHECK_EQ(pthread_join(thread, &failed), 0);
    CHECK(failed == NULL);
    CHECK(spill_spsc_u64_consumer_is_abandoned(c));
    CHECK_OK(spill_spsc_u64_consumer_free(c));
}

#define LANES 3u
#define LANE_ITEMS 20000u

struct lane_producer_arg {
    spill_cmpsc_u64 *mpsc;
    uint64_t tag;
};

/* A producer thread of the concurrent MPSC: registers from its own thread
 * (registrations run at the same time), pushes `tag << 32 | i` for every i
 * without loss, then frees (unregisters) its producer. */
static void *lane_producer(void *arg) {
    const struct lane_producer_arg *a = (const struct lane_producer_arg *)arg;
    spill_spsc_u64_producer *p = NULL;
    uint64_t i;
    if (spill_cmpsc_u64_register(a->mpsc, NULL, &p) != SPILL_OK) return arg;
    for (i = 0; i < LANE_ITEMS; i++) {
        uint64_t item = (a->tag << 32) | i;
        if (spill_spsc_u64_producer_push_wait(p, item, SPILL_WAIT_FOREVER) != SPILL_OK) return arg;
    }
    return spill_spsc_u64_producer_free(p) == SPILL_OK ? NULL : arg;
}

/* What the drain's spout saw: the next expected index of each producer. */
struct lane_order {
    uint64_t next[LANES];
    size_t total;
    int bad;
};

/* The drain's spout (called on the consumer thread): each producer's items
 * arrive in order, none twice, none missing. */
static int check_lane_order(void *ctx, const void *items, size_t count) {
    struct lane_order *order = (struct lane_order *)ctx;
    const uint64_t *item = (const uint64_t *)items;
    size_t k;
    for (k = 0; k < count; k++) {
        uint64_t tag = item[k] >> 32, i = item[k] & 0xffffffffu;
        if (tag >= LANES || i != order->next[tag]) {
            order->bad = 1;
            continue;
        }
        order->next[tag]++;
        order->total++;
    }
    return 0;
}

static void mpsc_producer_threads_drain_in_order(void) {
    spill_cmpsc_u64 *m = NULL;
    spill_cmpsc_u64_consumer *c = NULL;
    pthread_t threads[LANES];
    struct lane_producer_arg args[LANES];
    struct lane_order order = {{0}, 0, 0};
    spill_spout spout;
    void *failed;
    size_t t, n;
    spout.send = check_lane_order;
    spout.flush = NULL;
    spout.ctx = &order;
    CHECK_OK(spill_cmpsc_u64_create(LANES, 64, 16, SPILL_WAKING, &m, &c));
    for (t = 0; t < LANES; t++) {
        args[t].mpsc = m;
        args[t].tag = t;
        CHECK_EQ(pthread_create(&threads[t], NULL, lane_producer, &args[t]), 0);
    }
    while (order.total < LANES * LANE_ITEMS && !order.bad) {
        CHECK_OK(spill_cmpsc_u64_consumer_drain(c, 32, &spout, &n));
        if (n == 0) sched_yield();
    }
    for (t = 0; t < LANES; t++) {
        failed = NULL;
        CHECK_EQ(pthread_join(threads[t], &failed), 0);
        CHECK(failed == NULL);
    }
    CHECK(!order.bad);
    CHECK_EQ(order.total, LANES * LANE_ITEMS);
    CHECK_EQ(spill_cmpsc_u64_consumer_len(c), 0);
    CHECK_EQ(spill_cmpsc_u64_producers(m), 0);
    CHECK_OK(spill_cmpsc_u64_free(m));
    CHECK_OK(spill_cmpsc_u64_consumer_free(c));
}

CHECK_MAIN(CHECK_CASE(every_by_value_family), CHECK_CASE(bytes_family),
           CHECK_CASE(threads_lose_nothing_with_waiting_pushes),
           CHECK_CASE(mpsc_producer_threads_drain_in_order))
