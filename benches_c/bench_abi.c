/*
 * bench_abi.c - what the C ABI costs per element.
 *
 * Measures push (evicting, into a full ring, with no spout and to a C
 * spout), push with room, try_push, pop, bulk push / bulk pop (64 per call)
 * and drain through the exported functions, for u64 rings and for bytes
 * rings of element sizes 8 to 128 (powers of two and the sizes between,
 * all stored at their exact stride), next to the hand-written C ring of
 * hand_ring.h (push and pop, called out of line and inlined: what a call
 * costs at the least, and what inlining saves; and push evicting through a
 * function-pointer sink, the floor of a push that evicts to a C spout).
 * Each figure is the best of several repetitions and prints as a Markdown
 * table row: ns per element and million elements per second; a summary
 * gives each ABI call's ratio to the hand ring.
 *
 * The library and the hand ring are always linked alike (see
 * CMakeLists.txt): bench_abi against the static library with the hand ring
 * in the program, bench_abi_shared against the shared library with the
 * hand ring in a shared library of its own.
 *
 * Usage: bench_abi [--quick]   (or bench_abi_shared [--quick])
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <spill_ring.h>

#include "hand_ring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How the library and the hand ring are linked (set by the build). */
#ifndef SPILL_BENCH_LINKAGE
#define SPILL_BENCH_LINKAGE "linkage not given"
#endif

#define CAPACITY 1024
#define BATCH 64
#define MAX_ELEM 128

static size_t g_elements = (size_t)1 << 22; /* per repetition */
static int g_repetitions = 7;
static unsigned long long g_checksum; /* keeps results observable */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "%s failed: %s\n", what, spill_last_error());
    exit(1);
}

/* A spout that counts what it receives (the cheapest real C spout). */
static int count_send(void *ctx, const void *items, size_t count) {
    (void)items;
    *(size_t *)ctx += count;
    return 0;
}

/* One measured operation: runs `elements` elements' worth of work on `ring`
 * and returns the nanoseconds spent in the measured part. */
typedef double (*bench_fn)(void *ring, size_t elements);

/* The best ns/element of g_repetitions runs, each on a fresh ring. */
static double best_ns_per_elem(void *(*make)(size_t *spilled), void (*destroy)(void *),
                               bench_fn run) {
    double best = -1.0;
    int r;
    for (r = 0; r < g_repetitions; r++) {
        size_t spilled = 0;
        void *ring = make(&spilled);
        double ns = run(ring, g_elements) / (double)g_elements;
        destroy(ring);
        g_checksum += spilled;
        if (best < 0.0 || ns < best) best = ns;
    }
    return best;
}

static void row(const char *op, const char *family, double ns) {
    printf("| %-36s | %-9s | %8.2f | %9.1f |\n", op, family, ns, 1e3 / ns);
}

/* ---------------------------------------------------------------- u64 --- */

static void *u64_make_nospout(size_t *spilled) {
    spill_ring_u64 *ring = spill_ring_u64_new(CAPACITY, NULL);
    (void)spilled;
    if (ring == NULL) die("spill_ring_u64_new");
    return ring;
}

static void *u64_make_counting(size_t *spilled) {
    spill_spout spout;
    spill_ring_u64 *ring;
    spout.send = count_send;
    spout.flush = NULL;
    spout.ctx = spilled;
    ring = spill_ring_u64_new(CAPACITY, &spout);
    if (ring == NULL) die("spill_ring_u64_new");
    return ring;
}

static void u64_destroy(void *ring) { spill_ring_u64_free((spill_ring_u64 *)ring); }

static void u64_fill(spill_ring_u64 *ring) {
    uint64_t i;
    for (i = 0; i < CAPACITY; i++)
        if (spill_ring_u64_push(ring, i) != SPILL_OK) die("spill_ring_u64_push");
}

/* Defines `name`: fills the ring (FILL, not timed), then n calls of PUSH
 * into it, each evicting the oldest item. */
#define EVICTING_BENCH(name, TYPE, FILL, PUSH)                                                     \
    static double name(void *r, size_t n) {                                                        \
        TYPE *ring = (TYPE *)r;                                                                    \
        double t0;                                                                                 \
        size_t i;                                                                                  \
        FILL(ring);                                                                                \
        t0 = now_ns();                                                                             \
        for (i = 0; i < n; i++) PUSH(ring, (uint64_t)i);                                           \
        return now_ns() - t0;                                                                      \
    }

EVICTING_BENCH(u64_push_evicting, spill_ring_u64, u64_fill, spill_ring_u64_push)

/* Defines `name`: CAPACITY calls of PUSH into a ring with room, then a
 * clear (not timed), until n elements went in. */
#define ROOM_BENCH(name, PUSH)                                                                     \
    static double name(void *r, size_t n) {                                                        \
        spill_ring_u64 *ring = (spill_ring_u64 *)r;                                                \
        double total = 0.0;                                                                        \
        size_t done = 0, i;                                                                        \
        while (done < n) {                                                                         \
            double t0 = now_ns();                                                                  \
            for (i = 0; i < CAPACITY; i++) PUSH(ring, (uint64_t)i);                                \
            total += now_ns() - t0;                                                                \
            spill_ring_u64_clear(ring);                                                            \
            done += CAPACITY;                                                                      \
        }                                                                                          \
        return total * (double)n / (double)done;                                                   \
    }

ROOM_BENCH(u64_push_room, spill_ring_u64_push)
ROOM_BENCH(u64_try_push_room, spill_ring_u64_try_push)

/* Defines `name`: fills the ring (FILL, not timed), then CAPACITY calls of
 * POP, summing the items, until n elements came out. */
#define POP_BENCH(name, TYPE, FILL, POP)                                                           \
    static double name(void *r, size_t n) {                                                        \
        TYPE *ring = (TYPE *)r;                                                                    \
        double total = 0.0;                                                                        \
        size_t done = 0, i;                                                                        \
        uint64_t v = 0, sum = 0;                                                                   \
        while (done < n) {                                                                         \
            double t0;                                                                             \
            FILL(ring);                                                                            \
            t0 = now_ns();                                                                         \
            for (i = 0; i < CAPACITY; i++) {                                                       \
                POP(ring, &v);                                                                     \
                sum += v;                                                                          \
            }                                                                                      \
            total += now_ns() - t0;                                                                \
            done += CAPACITY;                                                                      \
        }                                                                                          \
        g_checksum += sum;                                                                         \
        return total * (double)n / (double)done;                                                   \
    }

POP_BENCH(u64_pop, spill_ring_u64, u64_fill, spill_ring_u64_pop)

/* ------------------------------------------------ the hand-written ring --- */

static void *hand_make(size_t *spilled) {
    struct hand_ring *ring = (struct hand_ring *)calloc(1, sizeof *ring);
    (void)spilled;
    if (ring == NULL) die("calloc");
    ring->slots = (uint64_t *)calloc(CAPACITY, sizeof(uint64_t));
    if (ring->slots == NULL) die("calloc");
    ring->mask = CAPACITY - 1;
    return ring;
}

static void hand_destroy(void *r) {
    struct hand_ring *ring = (struct hand_ring *)r;
    g_checksum += ring->tail + ring->slots[0]; /* the pushes stay observable */
    free(ring->slots);
    free(ring);
}

static void hand_fill(struct hand_ring *ring) {
    uint64_t i;
    for (i = 0; i < CAPACITY; i++) hand_ring_push(ring, i);
}

EVICTING_BENCH(hand_push_inline, struct hand_ring, hand_fill, hand_ring_push_inline)

static double hand_push_registers(void *r, size_t n) {
    struct hand_ring *ring = (struct hand_ring *)r;
    double t0;
    hand_fill(ring);
    t0 = now_ns();
    hand_ring_push_loop_in_registers(ring, n);
    return now_ns() - t0;
}
EVICTING_BENCH(hand_push_called, struct hand_ring, hand_fill, hand_ring_push)

/* The hand ring with a sink: the counting spout's send, through a function
 * pointer, for every eviction. */
static void *hand_sink_make(size_t *spilled) {
    struct hand_sink_ring *sink = (struct hand_sink_ring *)calloc(1, sizeof *sink);
    if (sink == NULL) die("calloc");
    sink->ring.slots = (uint64_t *)calloc(CAPACITY, sizeof(uint64_t));
    if (sink->ring.slots == NULL) die("calloc");
    sink->ring.mask = CAPACITY - 1;
    sink->send = count_send;
    sink->ctx = spilled;
    return sink;
}

static void hand_sink_destroy(void *r) {
    struct hand_sink_ring *sink = (struct hand_sink_ring *)r;
    g_checksum += sink->ring.tail + sink->ring.slots[0];
    free(sink->ring.slots);
    free(sink);
}

static void hand_sink_fill(struct hand_sink_ring *sink) {
    uint64_t i;
    for (i = 0; i < CAPACITY; i++) hand_ring_push_sink(sink, i);
}

EVICTING_BENCH(hand_push_sink_called, struct hand_sink_ring, hand_sink_fill, hand_ring_push_sink)
POP_BENCH(hand_pop_inline, struct hand_ring, hand_fill, hand_ring_pop_inline)
POP_BENCH(hand_pop_called, struct hand_ring, hand_fill, hand_ring_pop)

/* ---------------------------------------------------------- u64 bulk --- */

static double u64_push_bulk_evicting(void *r, size_t n) {
    spill_ring_u64 *ring = (spill_ring_u64 *)r;
    uint64_t batch[BATCH];
    double t0;
    size_t i;
    for (i = 0; i < BATCH; i++) batch[i] = i;
    u64_fill(ring);
    t0 = now_ns();
    for (i = 0; i < n; i += BATCH) spill_ring_u64_push_bulk(ring, batch, BATCH, NULL);
    return now_ns() - t0;
}

static double u64_pop_bulk(void *r, size_t n) {
    spill_ring_u64 *ring = (spill_ring_u64 *)r;
    uint64_t batch[BATCH];
    double total = 0.0;
    size_t done = 0, i, got;
    while (done < n) {
        double t0;
        u64_fill(ring);
        t0 = now_ns();
        for (i = 0; i < CAPACITY; i += BATCH) spill_ring_u64_pop_bulk(ring, batch, BATCH, &got);
        total += now_ns() - t0;
        g_checksum += batch[BATCH - 1];
        done += CAPACITY;
    }
    return total * (double)n / (double)done;
}

static double u64_drain(void *r, size_t n) {
    spill_ring_u64 *ring = (spill_ring_u64 *)r;
    size_t received = 0, done = 0, drained = 0;
    spill_spout dst;
    double total = 0.0;
    dst.send = count_send;
    dst.flush = NULL;
    dst.ctx = &received;
    while (done < n) {
        double t0;
        u64_fill(ring);
        t0 = now_ns();
        spill_ring_u64_drain(ring, &dst, &drained);
        total += now_ns() - t0;
        done += CAPACITY;
    }
    if (received != done) die("spill_ring_u64_drain (lost items)");
    return total * (double)n / (double)done;
}

/* -------------------------------------------------------------- bytes --- */

static size_t g_elem_size;

static void *bytes_make(size_t *spilled) {
    spill_ring_bytes *ring = spill_ring_bytes_new(g_elem_size, CAPACITY, NULL);
    (void)spilled;
    if (ring == NULL) die("spill_ring_bytes_new");
    return ring;
}

static void bytes_destroy(void *ring) { spill_ring_bytes_free((spill_ring_bytes *)ring); }

static void bytes_fill(spill_ring_bytes *ring, const unsigned char *item) {
    size_t i;
    for (i = 0; i < CAPACITY; i++)
        if (spill_ring_bytes_push(ring, item) != SPILL_OK) die("spill_ring_bytes_push");
}

static double bytes_push_evicting(void *r, size_t n) {
    spill_ring_bytes *ring = (spill_ring_bytes *)r;
    unsigned char item[MAX_ELEM];
    double t0;
    size_t i;
    memset(item, 7, sizeof item);
    bytes_fill(ring, item);
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        item[0] = (unsigned char)i;
        spill_ring_bytes_push(ring, item);
    }
    return now_ns() - t0;
}

static double bytes_pop(void *r, size_t n) {
    spill_ring_bytes *ring = (spill_ring_bytes *)r;
    unsigned char item[MAX_ELEM];
    double total = 0.0;
    size_t done = 0, i;
    memset(item, 7, sizeof item);
    while (done < n) {
        double t0;
        bytes_fill(ring, item);
        t0 = now_ns();
        for (i = 0; i < CAPACITY; i++) spill_ring_bytes_pop(ring, item);
        total += now_ns() - t0;
        g_checksum += item[0];
        done += CAPACITY;
    }
    return total * (double)n / (double)done;
}

static double bytes_push_bulk_evicting(void *r, size_t n) {
    spill_ring_bytes *ring = (spill_ring_bytes *)r;
    static unsigned char batch[BATCH * MAX_ELEM];
    double t0;
    size_t i;
    memset(batch, 3, sizeof batch);
    bytes_fill(ring, batch);
    t0 = now_ns();
    for (i = 0; i < n; i += BATCH) spill_ring_bytes_push_bulk(ring, batch, BATCH, NULL);
    return now_ns() - t0;
}

static double bytes_pop_bulk(void *r, size_t n) {
    spill_ring_bytes *ring = (spill_ring_bytes *)r;
    static unsigned char batch[BATCH * MAX_ELEM];
    double total = 0.0;
    size_t done = 0, i, got;
    memset(batch, 3, sizeof batch);
    while (done < n) {
        double t0;
        bytes_fill(ring, batch);
        t0 = now_ns();
        for (i = 0; i < CAPACITY; i += BATCH) spill_ring_bytes_pop_bulk(ring, batch, BATCH, &got);
        total += now_ns() - t0;
        g_checksum += batch[0];
        done += CAPACITY;
    }
    return total * (double)n / (double)done;
}

/* ------------------------------------------------------------ the cases --- */

/* Figures the summary line compares. */
static double g_push_ns, g_room_ns, g_try_ns, g_pop_ns, g_bulk_ns;
static double g_hand_push_ns, g_hand_pop_ns, g_spout_push_ns, g_hand_sink_ns;

/* One row of the table: an operation, on rings made by `make`; its figure
 * is also stored in *keep when that is not NULL. */
struct bench_case {
    const char *op;
    void *(*make)(size_t *spilled);
    void (*destroy)(void *ring);
    bench_fn run;
    double *keep;
};

static const struct bench_case u64_cases[] = {
    {"push, full ring (evicts, no spout)", u64_make_nospout, u64_destroy, u64_push_evicting,
     &g_push_ns},
    {"push, full ring (evicts to C spout)", u64_make_counting, u64_destroy, u64_push_evicting,
     &g_spout_push_ns},
    {"push, ring with room", u64_make_nospout, u64_destroy, u64_push_room, &g_room_ns},
    {"try_push, ring with room", u64_make_nospout, u64_destroy, u64_try_push_room, &g_try_ns},
    {"pop", u64_make_nospout, u64_destroy, u64_pop, &g_pop_ns},
    {"push_bulk x64, full ring (no spout)", u64_make_nospout, u64_destroy, u64_push_bulk_evicting,
     &g_bulk_ns},
    {"push_bulk x64, full ring (C spout)", u64_make_counting, u64_destroy, u64_push_bulk_evicting,
     NULL},
    {"pop_bulk x64", u64_make_nospout, u64_destroy, u64_pop_bulk, NULL},
    {"drain 1024 to a C spout", u64_make_nospout, u64_destroy, u64_drain, NULL},
};

/* The hand-written C ring (not the ABI): the floor a call cannot go below. */
static const struct bench_case hand_cases[] = {
    {"push, full ring, called", hand_make, hand_destroy, hand_push_called, &g_hand_push_ns},
    {"push, full ring, to a C sink, called", hand_sink_make, hand_sink_destroy,
     hand_push_sink_called, &g_hand_sink_ns},
    {"push, full ring, inlined", hand_make, hand_destroy, hand_push_inline, NULL},
    {"push, full ring, in registers", hand_make, hand_destroy, hand_push_registers, NULL},
    {"pop, called", hand_make, hand_destroy, hand_pop_called, &g_hand_pop_ns},
    {"pop, inlined", hand_make, hand_destroy, hand_pop_inline, NULL},
};

/* The rows of each bytes size (g_elem_size). */
static const struct bench_case bytes_cases[] = {
    {"push, full ring (evicts, no spout)", bytes_make, bytes_destroy, bytes_push_evicting, NULL},
    {"pop", bytes_make, bytes_destroy, bytes_pop, NULL},
    {"push_bulk x64, full ring (no spout)", bytes_make, bytes_destroy, bytes_push_bulk_evicting,
     NULL},
    {"pop_bulk x64", bytes_make, bytes_destroy, bytes_pop_bulk, NULL},
};

#define CASES(table) (table), (sizeof(table) / sizeof((table)[0]))

/* Measures and prints every case of `cases`. */
static void run_cases(const struct bench_case *cases, size_t count, const char *family) {
    size_t i;
    for (i = 0; i < count; i++) {
        double ns = best_ns_per_elem(cases[i].make, cases[i].destroy, cases[i].run);
        if (cases[i].keep != NULL) *cases[i].keep = ns;
        row(cases[i].op, family, ns);
    }
}

int main(int argc, char **argv) {
    static const size_t sizes[] = {8, 16, 24, 32, 64, 100, 128};
    size_t s;

    if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
        g_elements = (size_t)1 << 16;
        g_repetitions = 2;
    } else if (argc > 1) {
        fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
        return 2;
    }

    printf("spill_ring %u.%u.%u C ABI (%s), capacity %d, bulk batches of %d, best of %d x %zu "
           "elements\n\n",
           (unsigned)(spill_version() >> 16), (unsigned)((spill_version() >> 8) & 0xff),
           (unsigned)(spill_version() & 0xff), SPILL_BENCH_LINKAGE, CAPACITY, BATCH,
           g_repetitions, g_elements);
    printf("| %-36s | %-9s | %8s | %9s |\n", "operation", "family", "ns/elem", "Melem/s");
    printf("|%s|%s|%s|%s|\n", "--------------------------------------", "-----------",
           "---------:", "----------:");

    run_cases(CASES(u64_cases), "u64");
    run_cases(CASES(hand_cases), "hand ring");
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        char family[16];
        g_elem_size = sizes[s];
        snprintf(family, sizeof family, "bytes%zu", g_elem_size);
        run_cases(CASES(bytes_cases), family);
    }

    printf("\nu64 through the ABI against the hand ring called out of line (%s):\n"
           "push %.2fx, push with room %.2fx, try_push %.2fx (the hand ring's push); pop %.2fx;\n"
           "evicting to a C spout %.2fx the hand ring evicting to a C sink; bulk push is %.1fx\n"
           "per-element push (per element). checksum %llu\n",
           SPILL_BENCH_LINKAGE, g_push_ns / g_hand_push_ns, g_room_ns / g_hand_push_ns,
           g_try_ns / g_hand_push_ns, g_pop_ns / g_hand_pop_ns, g_spout_push_ns / g_hand_sink_ns,
           g_push_ns / g_bulk_ns, g_checksum);
    return 0;
}
