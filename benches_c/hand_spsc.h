/*
 * hand_spsc.h - the reference the concurrent ring's figures are read
 * against: the smallest lock-free SPSC ring of uint64_t one would write by
 * hand with C11 atomics (a power-of-two array, a head the consumer owns and
 * a tail the producer owns, each on its own cache line with the other side's
 * index cached next to it; acquire/release only). Lossless: push fails when
 * full, nothing evicts. Compiled in hand_spsc.c and called out of line, as
 * the library's functions are.
 */
#ifndef SPILL_BENCH_HAND_SPSC_H
#define SPILL_BENCH_HAND_SPSC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define HAND_SPSC_LINE 64

struct hand_spsc {
    /* producer's line */
    _Alignas(HAND_SPSC_LINE) atomic_size_t tail;
    size_t head_cache;
    /* consumer's line */
    _Alignas(HAND_SPSC_LINE) atomic_size_t head;
    size_t tail_cache;
    _Alignas(HAND_SPSC_LINE) uint64_t *slots;
    size_t mask;
};

/* 0, or -1 when memory runs out; capacity a power of two. */
int hand_spsc_init(struct hand_spsc *r, size_t capacity);
void hand_spsc_destroy(struct hand_spsc *r);
/* Producer: 0, or -1 when full (nothing changed). */
int hand_spsc_push(struct hand_spsc *r, uint64_t item);
/* Consumer: 0 and the oldest item in *out, or -1 when empty. */
int hand_spsc_pop(struct hand_spsc *r, uint64_t *out);

#endif
