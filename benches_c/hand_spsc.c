/* hand_spsc.c - the hand-written C11 SPSC ring of hand_spsc.h. */
#include "hand_spsc.h"

#include <stdlib.h>

int hand_spsc_init(struct hand_spsc *r, size_t capacity) {
    r->slots = (uint64_t *)calloc(capacity, sizeof(uint64_t));
    if (r->slots == NULL) return -1;
    r->mask = capacity - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    r->head_cache = 0;
    r->tail_cache = 0;
    return 0;
}

void hand_spsc_destroy(struct hand_spsc *r) { free(r->slots); }

int hand_spsc_push(struct hand_spsc *r, uint64_t item) {
    const size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (tail - r->head_cache > r->mask) {
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (tail - r->head_cache > r->mask) return -1;
    }
    r->slots[tail & r->mask] = item;
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return 0;
}

int hand_spsc_pop(struct hand_spsc *r, uint64_t *out) {
    const size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (head == r->tail_cache) {
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (head == r->tail_cache) return -1;
    }
    *out = r->slots[head & r->mask];
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return 0;
}
