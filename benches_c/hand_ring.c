/* hand_ring.c - hand_ring.h's operations as out-of-line functions. */
#include "hand_ring.h"

__attribute__((noinline)) void hand_ring_push(struct hand_ring *r, uint64_t item) {
    hand_ring_push_inline(r, item);
}

__attribute__((noinline)) int hand_ring_push_sink(struct hand_sink_ring *s, uint64_t item) {
    return hand_ring_push_sink_inline(s, item);
}

__attribute__((noinline)) int hand_ring_pop(struct hand_ring *r, uint64_t *out) {
    return hand_ring_pop_inline(r, out);
}
