/*
 * hand_ring.h - the reference the ABI figures are read against: the
 * smallest power-of-two u64 ring one would write by hand in C (two indices
 * and a mask; no checks, no spout, no error reporting), evicting its
 * oldest item when full.
 *
 * The same code is measured three ways: called as a function of another
 * translation unit (hand_ring_push, hand_ring.c), which is what any
 * library call costs at the least: its indices go through memory on every
 * call, as a spill_ring handle's do; inlined into the benchmark's loop
 * (hand_ring_push_inline, below), where the compiler must still assume the
 * slots may alias the indices; and as one loop over local copies of the
 * indices (hand_ring_push_loop_in_registers), as a Rust-native push
 * compiles.
 */
#ifndef SPILL_BENCH_HAND_RING_H
#define SPILL_BENCH_HAND_RING_H

#include <stddef.h>
#include <stdint.h>

struct hand_ring {
    uint64_t *slots;
    size_t mask; /* capacity - 1, the capacity a power of two */
    size_t head; /* index of the oldest item */
    size_t tail; /* index one past the newest item */
};

static inline void hand_ring_push_inline(struct hand_ring *r, uint64_t item) {
    size_t tail = r->tail;
    if (tail - r->head > r->mask) r->head++; /* full: the oldest goes */
    r->slots[tail & r->mask] = item;
    r->tail = tail + 1;
}

/* 0 and the oldest item in *out, or -1 when empty. */
static inline int hand_ring_pop_inline(struct hand_ring *r, uint64_t *out) {
    size_t head = r->head;
    if (head == r->tail) return -1;
    *out = r->slots[head & r->mask];
    r->head = head + 1;
    return 0;
}

/* n pushes of 0, 1, 2, ... with the ring's indices copied into locals for
 * the whole loop: what an inlined push costs when the compiler may keep
 * the indices in registers (the slots cannot alias them). */
static inline void hand_ring_push_loop_in_registers(struct hand_ring *r, size_t n) {
    uint64_t *const slots = r->slots;
    const size_t mask = r->mask;
    size_t head = r->head, tail = r->tail, i;
    for (i = 0; i < n; i++) {
        if (tail - head > mask) head++;
        slots[tail & mask] = (uint64_t)i;
        tail++;
    }
    r->head = head;
    r->tail = tail;
}

/* A sink: where a full hand ring evicts its oldest item, as a C spout's
 * send does (0 = taken; nonzero = refused, the ring unchanged). */
typedef int (*hand_sink_fn)(void *ctx, const void *items, size_t count);

/* The same ring with a sink: what the ABI's push does when it evicts to a
 * C spout, written by hand (a call through a function pointer per eviction,
 * and the refusal honoured). */
struct hand_sink_ring {
    struct hand_ring ring;
    hand_sink_fn send;
    void *ctx;
};

/* 0, or -1 when the sink refused the evicted item (nothing changed). */
static inline int hand_ring_push_sink_inline(struct hand_sink_ring *s, uint64_t item) {
    struct hand_ring *r = &s->ring;
    size_t tail = r->tail;
    if (tail - r->head > r->mask) {
        if (s->send(s->ctx, &r->slots[r->head & r->mask], 1) != 0) return -1;
        r->head++;
    }
    r->slots[tail & r->mask] = item;
    r->tail = tail + 1;
    return 0;
}

/* The same operations, compiled in hand_ring.c and never inlined. */
void hand_ring_push(struct hand_ring *r, uint64_t item);
int hand_ring_pop(struct hand_ring *r, uint64_t *out);
int hand_ring_push_sink(struct hand_sink_ring *s, uint64_t item);

#endif
