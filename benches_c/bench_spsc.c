/*
 * bench_spsc.c - what the concurrent SPSC ring (spill_spsc_u64) costs per
 * item, next to a hand-written C11-atomics SPSC ring (hand_spsc.h) and
 * Concurrency Kit's ck_ring (when built with it), all in the same run:
 *
 *  - transfer: two threads, a producer pushing 0, 1, 2, ... and a consumer
 *    popping them, lossless (a full ring makes the producer retry, an empty
 *    one the consumer); also with spill's pop_bulk, and with its in-place
 *    reserve/commit and read/release, 64 items per call;
 *  - producer path: one thread pushing into a ring with room (emptied,
 *    untimed, every `capacity` items);
 *  - evicting push: one thread pushing into a full ring whose spout
 *    checksums every evicted item (real work per eviction), next to the
 *    same push with no spout and the hand-written evicting ring of
 *    hand_ring.h calling the same sink;
 *  - evicting transfer: two threads, the producer's pushes evicting into
 *    the checksumming spout while the consumer pops; conservation checked
 *    (popped + evicted = pushed, sums included).
 *
 * Each figure is the best of several repetitions: ns per item (wall time
 * over items; for two threads, from the start signal until both joined),
 * million items per second, and the ratio to the reference row of its
 * section (marked 1.00). Prints a Markdown table.
 *
 * Usage: bench_spsc [--quick]
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <spill_ring.h>

#include "hand_ring.h"
#include "hand_spsc.h"

#ifdef SPILL_BENCH_HAVE_CK
#include <ck_ring.h>
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAPACITY 1024
#define BATCH 64

static size_t g_items = (size_t)1 << 22; /* per repetition */
static int g_repetitions = 5;
static unsigned long long g_checksum; /* keeps results observable */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, spill_status s) {
    fprintf(stderr, "%s failed: %s (%s)\n", what, spill_status_str(s), spill_last_error());
    exit(1);
}

static void check_ok(const char *what, spill_status s) {
    if (s != SPILL_OK) die(what, s);
}

/* ------------------------------------------------------------- spouts --- */

/* The checksumming spout: sums the evicted items and folds each into an
 * FNV-style hash (what a spout that writes records out would touch). */
struct checksum {
    uint64_t items;
    uint64_t sum;
    uint64_t hash;
};

static int checksum_send(void *ctx, const void *items, size_t count) {
    struct checksum *c = (struct checksum *)ctx;
    const uint64_t *v = (const uint64_t *)items;
    size_t i;
    for (i = 0; i < count; i++) {
        c->sum += v[i];
        c->hash = (c->hash ^ v[i]) * 1099511628211ull;
    }
    c->items += count;
    return 0;
}

static spill_spout checksum_spout(struct checksum *c) {
    spill_spout s;
    memset(c, 0, sizeof *c);
    c->hash = 1469598103934665603ull;
    s.send = checksum_send;
    s.flush = NULL;
    s.ctx = c;
    return s;
}

/* --------------------------------------------------- two-thread driver --- */

/* A two-thread run: `produce` and `consume` spin on `go`, then move
 * g_items items; the time is from the start signal until both joined. */
struct pair_run {
    atomic_int go;
    void *ring; /* the implementation's state */
    void *producer;
    void *consumer;
    uint64_t popped;
    uint64_t popped_sum;
};

static void wait_go(struct pair_run *r) {
    while (!atomic_load_explicit(&r->go, memory_order_acquire)) {
    }
}

static double run_pair(struct pair_run *r, void *(*produce)(void *), void *(*consume)(void *)) {
    pthread_t p, c;
    double t0, t1;
    atomic_init(&r->go, 0);
    r->popped = 0;
    r->popped_sum = 0;
    if (pthread_create(&c, NULL, consume, r) != 0 || pthread_create(&p, NULL, produce, r) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        exit(1);
    }
    t0 = now_ns();
    atomic_store_explicit(&r->go, 1, memory_order_release);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    t1 = now_ns();
    return t1 - t0;
}

/* --------------------------------------------------------- spill SPSC --- */

static void *spill_produce_try(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_producer *p = (spill_spsc_u64_producer *)r->producer;
    uint64_t i;
    wait_go(r);
    for (i = 0; i < g_items; i++) {
        while (spill_spsc_u64_producer_try_push(p, i) != SPILL_OK) {
        }
    }
    return NULL;
}

static void *spill_consume_pop(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_consumer *c = (spill_spsc_u64_consumer *)r->consumer;
    uint64_t v, sum = 0, n = 0;
    wait_go(r);
    while (n < g_items) {
        if (spill_spsc_u64_consumer_pop(c, &v) == SPILL_OK) {
            sum += v;
            n++;
        }
    }
    r->popped = n;
    r->popped_sum = sum;
    return NULL;
}

static void *spill_consume_bulk(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_consumer *c = (spill_spsc_u64_consumer *)r->consumer;
    uint64_t buf[BATCH], sum = 0, n = 0;
    wait_go(r);
    while (n < g_items) {
        size_t got = 0, i;
        if (spill_spsc_u64_consumer_pop_bulk(c, buf, BATCH, &got) == SPILL_OK) {
            for (i = 0; i < got; i++) sum += buf[i];
            n += got;
        }
    }
    r->popped = n;
    r->popped_sum = sum;
    return NULL;
}

/* In place: reserve up to BATCH slots (only what there is room for, so
 * nothing evicts), write, commit. */
static void *spill_produce_reserve(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_producer *p = (spill_spsc_u64_producer *)r->producer;
    uint64_t *slots[BATCH], i = 0;
    wait_go(r);
    while (i < g_items) {
        size_t room = CAPACITY - spill_spsc_u64_producer_len(p), want = BATCH, got = 0, k;
        if (room == 0) continue;
        if (want > room) want = room;
        if (want > g_items - i) want = (size_t)(g_items - i);
        check_ok("reserve", spill_spsc_u64_producer_reserve(p, want, slots, &got));
        for (k = 0; k < got; k++) *slots[k] = i++;
        check_ok("commit", spill_spsc_u64_producer_commit(p, got));
    }
    return NULL;
}

static void *spill_consume_read(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_consumer *c = (spill_spsc_u64_consumer *)r->consumer;
    const uint64_t *slots[BATCH];
    uint64_t sum = 0, n = 0;
    wait_go(r);
    while (n < g_items) {
        size_t got = 0, k;
        if (spill_spsc_u64_consumer_read(c, BATCH, slots, &got) == SPILL_OK) {
            for (k = 0; k < got; k++) sum += *slots[k];
            n += got;
            (void)spill_spsc_u64_consumer_release(c);
        }
    }
    r->popped = n;
    r->popped_sum = sum;
    return NULL;
}

/* Evicting producer: push never waits; the consumer pops what is left. */
static void *spill_produce_evict(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_producer *p = (spill_spsc_u64_producer *)r->producer;
    uint64_t i;
    wait_go(r);
    for (i = 0; i < g_items; i++) check_ok("push", spill_spsc_u64_producer_push(p, i));
    check_ok("producer_free", spill_spsc_u64_producer_free(p)); /* tells the consumer */
    return NULL;
}

static void *spill_consume_until_abandoned(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    spill_spsc_u64_consumer *c = (spill_spsc_u64_consumer *)r->consumer;
    uint64_t buf[BATCH], sum = 0, n = 0;
    wait_go(r);
    for (;;) {
        size_t got = 0, i;
        if (spill_spsc_u64_consumer_pop_bulk(c, buf, BATCH, &got) == SPILL_OK) {
            for (i = 0; i < got; i++) sum += buf[i];
            n += got;
        } else if (spill_spsc_u64_consumer_is_abandoned(c) && spill_spsc_u64_consumer_len(c) == 0) {
            break;
        }
    }
    r->popped = n;
    r->popped_sum = sum;
    return NULL;
}

static void check_transfer(const struct pair_run *r, const char *what) {
    const uint64_t n = g_items;
    if (r->popped != n || r->popped_sum != n * (n - 1) / 2) {
        fprintf(stderr, "%s: items lost or duplicated\n", what);
        exit(1);
    }
    g_checksum += r->popped_sum;
}

static double spill_transfer(void *(*produce)(void *), void *(*consume)(void *), const char *what) {
    struct pair_run r;
    spill_spsc_u64_producer *p;
    spill_spsc_u64_consumer *c;
    double ns;
    check_ok("spill_spsc_u64_create", spill_spsc_u64_create(CAPACITY, BATCH, 0, NULL, &p, &c));
    r.producer = p;
    r.consumer = c;
    ns = run_pair(&r, produce, consume);
    check_transfer(&r, what);
    (void)spill_spsc_u64_producer_free(p);
    (void)spill_spsc_u64_consumer_free(c);
    return ns;
}

static double spill_transfer_pop(void) { return spill_transfer(spill_produce_try, spill_consume_pop, "spill pop"); }
static double spill_transfer_bulk(void) {
    return spill_transfer(spill_produce_try, spill_consume_bulk, "spill pop_bulk");
}
static double spill_transfer_in_place(void) {
    return spill_transfer(spill_produce_reserve, spill_consume_read, "spill reserve/read");
}

static double spill_transfer_evicting(void) {
    struct pair_run r;
    struct checksum sums;
    spill_spout spout = checksum_spout(&sums);
    spill_spsc_u64_producer *p;
    spill_spsc_u64_consumer *c;
    const uint64_t n = g_items;
    double ns;
    check_ok("spill_spsc_u64_create", spill_spsc_u64_create(CAPACITY, BATCH, 0, &spout, &p, &c));
    r.producer = p;
    r.consumer = c;
    ns = run_pair(&r, spill_produce_evict, spill_consume_until_abandoned);
    if (r.popped + sums.items != n || r.popped_sum + sums.sum != n * (n - 1) / 2) {
        fprintf(stderr, "evicting transfer: popped %llu + evicted %llu != %llu\n", (unsigned long long)r.popped,
                (unsigned long long)sums.items, (unsigned long long)n);
        exit(1);
    }
    g_checksum += sums.hash + r.popped;
    (void)spill_spsc_u64_consumer_free(c);
    return ns;
}

/* One thread, room: push CAPACITY items, then empty the ring (untimed). */
static double spill_producer_path(int try_push) {
    spill_spsc_u64_producer *p;
    spill_spsc_u64_consumer *c;
    uint64_t buf[CAPACITY];
    double total = 0.0;
    size_t done = 0;
    check_ok("spill_spsc_u64_create", spill_spsc_u64_create(CAPACITY, CAPACITY, 0, NULL, &p, &c));
    while (done < g_items) {
        size_t i, got = 0;
        double t0 = now_ns();
        if (try_push) {
            for (i = 0; i < CAPACITY; i++) (void)spill_spsc_u64_producer_try_push(p, (uint64_t)i);
        } else {
            for (i = 0; i < CAPACITY; i++) (void)spill_spsc_u64_producer_push(p, (uint64_t)i);
        }
        total += now_ns() - t0;
        check_ok("pop_bulk", spill_spsc_u64_consumer_pop_bulk(c, buf, CAPACITY, &got));
        g_checksum += got;
        done += CAPACITY;
    }
    (void)spill_spsc_u64_producer_free(p);
    (void)spill_spsc_u64_consumer_free(c);
    return total * (double)g_items / (double)done;
}
static double spill_producer_push(void) { return spill_producer_path(0); }
static double spill_producer_try_push(void) { return spill_producer_path(1); }

/* One thread, full ring: every push evicts one item. */
static double spill_evicting_push(int with_spout) {
    struct checksum sums;
    spill_spout spout = checksum_spout(&sums);
    spill_spsc_u64_producer *p;
    spill_spsc_u64_consumer *c;
    uint64_t i;
    double t0, t1;
    check_ok("spill_spsc_u64_create", spill_spsc_u64_create(CAPACITY, 0, 0, with_spout ? &spout : NULL, &p, &c));
    for (i = 0; i < CAPACITY; i++) check_ok("push", spill_spsc_u64_producer_push(p, i));
    t0 = now_ns();
    for (i = 0; i < g_items; i++) (void)spill_spsc_u64_producer_push(p, i);
    t1 = now_ns();
    if (with_spout && sums.items != g_items) {
        fprintf(stderr, "evicting push: %llu evicted, want %llu\n", (unsigned long long)sums.items,
                (unsigned long long)g_items);
        exit(1);
    }
    g_checksum += sums.hash;
    (void)spill_spsc_u64_producer_free(p);
    (void)spill_spsc_u64_consumer_free(c);
    return t1 - t0;
}
static double spill_evicting_spout(void) { return spill_evicting_push(1); }
static double spill_evicting_drop(void) { return spill_evicting_push(0); }

/* The hand-written single-threaded evicting ring, same sink. */
static double hand_evicting_sink(void) {
    struct checksum sums;
    spill_spout spout = checksum_spout(&sums);
    struct hand_sink_ring s;
    uint64_t *slots = (uint64_t *)calloc(CAPACITY, sizeof(uint64_t)), i;
    double t0, t1;
    if (slots == NULL) exit(1);
    s.ring.slots = slots;
    s.ring.mask = CAPACITY - 1;
    s.ring.head = 0;
    s.ring.tail = 0;
    s.send = spout.send;
    s.ctx = spout.ctx;
    for (i = 0; i < CAPACITY; i++) (void)hand_ring_push_sink(&s, i);
    t0 = now_ns();
    for (i = 0; i < g_items; i++) (void)hand_ring_push_sink(&s, i);
    t1 = now_ns();
    g_checksum += sums.hash + sums.items;
    free(slots);
    return t1 - t0;
}

/* ------------------------------------------------------ hand C11 SPSC --- */

static void *hand_produce(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    struct hand_spsc *ring = (struct hand_spsc *)r->ring;
    uint64_t i;
    wait_go(r);
    for (i = 0; i < g_items; i++) {
        while (hand_spsc_push(ring, i) != 0) {
        }
    }
    return NULL;
}

static void *hand_consume(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    struct hand_spsc *ring = (struct hand_spsc *)r->ring;
    uint64_t v, sum = 0, n = 0;
    wait_go(r);
    while (n < g_items) {
        if (hand_spsc_pop(ring, &v) == 0) {
            sum += v;
            n++;
        }
    }
    r->popped = n;
    r->popped_sum = sum;
    return NULL;
}

static struct hand_spsc *hand_new(void) {
    struct hand_spsc *ring = (struct hand_spsc *)aligned_alloc(HAND_SPSC_LINE, sizeof(struct hand_spsc));
    if (ring == NULL || hand_spsc_init(ring, CAPACITY) != 0) exit(1);
    return ring;
}

static void hand_free(struct hand_spsc *ring) {
    hand_spsc_destroy(ring);
    free(ring);
}

static double hand_transfer(void) {
    struct pair_run r;
    struct hand_spsc *ring = hand_new();
    double ns;
    r.ring = ring;
    ns = run_pair(&r, hand_produce, hand_consume);
    check_transfer(&r, "hand");
    hand_free(ring);
    return ns;
}

static double hand_producer_path(void) {
    struct hand_spsc *ring = hand_new();
    double total = 0.0;
    size_t done = 0;
    uint64_t v;
    while (done < g_items) {
        size_t i;
        double t0 = now_ns();
        for (i = 0; i < CAPACITY; i++) (void)hand_spsc_push(ring, (uint64_t)i);
        total += now_ns() - t0;
        while (hand_spsc_pop(ring, &v) == 0) g_checksum += v;
        done += CAPACITY;
    }
    hand_free(ring);
    return total * (double)g_items / (double)done;
}

/* ------------------------------------------------------------ ck_ring --- */

#ifdef SPILL_BENCH_HAVE_CK
/* ck_ring holds pointer-sized entries: the u64 goes in as one (64-bit
 * targets), and a ring of CAPACITY slots holds CAPACITY - 1. */
struct ck_state {
    ck_ring_t ring;
    ck_ring_buffer_t *buffer;
};

static void *ck_produce(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    struct ck_state *s = (struct ck_state *)r->ring;
    uint64_t i;
    wait_go(r);
    for (i = 0; i < g_items; i++) {
        while (!ck_ring_enqueue_spsc(&s->ring, s->buffer, (const void *)(uintptr_t)i)) {
        }
    }
    return NULL;
}

static void *ck_consume(void *arg) {
    struct pair_run *r = (struct pair_run *)arg;
    struct ck_state *s = (struct ck_state *)r->ring;
    uint64_t sum = 0, n = 0;
    void *v;
    wait_go(r);
    while (n < g_items) {
        if (ck_ring_dequeue_spsc(&s->ring, s->buffer, &v)) {
            sum += (uint64_t)(uintptr_t)v;
            n++;
        }
    }
    r->popped = n;
    r->popped_sum = sum;
    return NULL;
}

static struct ck_state *ck_new(void) {
    struct ck_state *s = (struct ck_state *)aligned_alloc(64, sizeof(struct ck_state));
    if (s == NULL) exit(1);
    s->buffer = (ck_ring_buffer_t *)calloc(CAPACITY, sizeof(ck_ring_buffer_t));
    if (s->buffer == NULL) exit(1);
    ck_ring_init(&s->ring, CAPACITY);
    return s;
}

static void ck_free(struct ck_state *s) {
    free(s->buffer);
    free(s);
}

static double ck_transfer(void) {
    struct pair_run r;
    struct ck_state *s = ck_new();
    double ns;
    r.ring = s;
    ns = run_pair(&r, ck_produce, ck_consume);
    check_transfer(&r, "ck_ring");
    ck_free(s);
    return ns;
}

static double ck_producer_path(void) {
    struct ck_state *s = ck_new();
    double total = 0.0;
    size_t done = 0;
    void *v;
    while (done < g_items) {
        size_t i;
        double t0 = now_ns();
        for (i = 0; i < CAPACITY - 1; i++) (void)ck_ring_enqueue_spsc(&s->ring, s->buffer, (const void *)(uintptr_t)i);
        total += now_ns() - t0;
        while (ck_ring_dequeue_spsc(&s->ring, s->buffer, &v)) g_checksum += (uint64_t)(uintptr_t)v;
        done += CAPACITY - 1;
    }
    ck_free(s);
    return total * (double)g_items / (double)done;
}
#endif

/* ---------------------------------------------------------------- main --- */

static double best_ns_per_item(double (*run)(void)) {
    double best = -1.0;
    int r;
    for (r = 0; r < g_repetitions; r++) {
        double ns = run() / (double)g_items;
        if (best < 0.0 || ns < best) best = ns;
    }
    return best;
}

struct bench_row {
    const char *section;
    const char *impl;
    double (*run)(void);
    int reference; /* the section's 1.00 */
};

int main(int argc, char **argv) {
    static const struct bench_row rows[] = {
        {"transfer, 2 threads, lossless", "hand C11 SPSC (hand_spsc.c)", hand_transfer, 1},
#ifdef SPILL_BENCH_HAVE_CK
        {"transfer, 2 threads, lossless", "ck_ring spsc", ck_transfer, 0},
#endif
        {"transfer, 2 threads, lossless", "spill try_push / pop", spill_transfer_pop, 0},
        {"transfer, 2 threads, lossless", "spill try_push / pop_bulk(64)", spill_transfer_bulk, 0},
        {"transfer, 2 threads, lossless", "spill reserve+commit / read+release (64)", spill_transfer_in_place, 0},
        {"producer path, 1 thread, room", "hand C11 SPSC push", hand_producer_path, 1},
#ifdef SPILL_BENCH_HAVE_CK
        {"producer path, 1 thread, room", "ck_ring enqueue_spsc", ck_producer_path, 0},
#endif
        {"producer path, 1 thread, room", "spill push", spill_producer_push, 0},
        {"producer path, 1 thread, room", "spill try_push", spill_producer_try_push, 0},
        {"evicting push, 1 thread, full", "hand evicting ring + checksum sink", hand_evicting_sink, 1},
        {"evicting push, 1 thread, full", "spill push, checksum spout", spill_evicting_spout, 0},
        {"evicting push, 1 thread, full", "spill push, no spout (dropped)", spill_evicting_drop, 0},
        {"evicting transfer, 2 threads", "spill push (evicting) / pop_bulk(64)", spill_transfer_evicting, 0},
    };
    const size_t count = sizeof rows / sizeof rows[0];
    double reference = 0.0, hand_transfer_ns = 0.0;
    size_t i;

    if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
        g_items = (size_t)1 << 14;
        g_repetitions = 1;
    } else if (argc > 1) {
        fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
        return 2;
    }
    printf("spill_spsc_u64 vs hand-written C11 SPSC vs ck_ring: %zu items per run, best of %d, capacity %d\n",
           g_items, g_repetitions, CAPACITY);
#ifndef SPILL_BENCH_HAVE_CK
    printf("(built without Concurrency Kit: no ck_ring rows)\n");
#endif
    printf("\n| case | implementation | ns/item | M items/s | ratio |\n");
    printf("|---|---|---:|---:|---:|\n");
    for (i = 0; i < count; i++) {
        const double ns = best_ns_per_item(rows[i].run);
        if (rows[i].reference) reference = ns;
        if (rows[i].run == hand_transfer) hand_transfer_ns = ns;
        /* the evicting transfer has no lossless counterpart: vs the hand transfer */
        printf("| %s | %s | %.2f | %.1f | %.2f |\n", rows[i].section, rows[i].impl, ns, 1e3 / ns,
               ns / (rows[i].run == spill_transfer_evicting ? hand_transfer_ns : reference));
        fflush(stdout);
    }
    printf("\nratio: ns/item over the first row of its section (the evicting transfer: over the hand\n"
           "C11 transfer). checksum %llu\n",
           g_checksum);
    return 0;
}
