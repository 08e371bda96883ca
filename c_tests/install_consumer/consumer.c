/* Uses the installed library: a ring of 4 u64 evicting into a summing spout. */
#include <spill_ring.h>

#include <stdio.h>

static int sum_items(void *ctx, const void *items, size_t count) {
    const uint64_t *values = (const uint64_t *)items;
    uint64_t *sum = (uint64_t *)ctx;
    size_t i;
    for (i = 0; i < count; i++) *sum += values[i];
    return 0;
}

int main(void) {
    uint64_t sum = 0, i;
    spill_spout spout;
    spill_ring_u64 *ring;

    spout.send = sum_items;
    spout.flush = NULL;
    spout.ctx = &sum;
    ring = spill_ring_u64_new(4, &spout);
    if (ring == NULL) {
        fprintf(stderr, "spill_ring_u64_new: %s\n", spill_last_error());
        return 1;
    }
    for (i = 1; i <= 10; i++) {
        if (spill_ring_u64_push(ring, i) != SPILL_OK) return 1;
    }
    spill_ring_u64_free(ring); /* flushes 7..10 */
    printf("spill_ring %u.%u.%u: sum of evicted items = %llu\n", (unsigned)(spill_version() >> 16),
           (unsigned)((spill_version() >> 8) & 0xff), (unsigned)(spill_version() & 0xff),
           (unsigned long long)sum);
    return sum == 55 ? 0 : 1;
}
