/*
 * ring_counting.c - a ring with a counting spout.
 *
 * A ring of 8 u64 values keeps the newest items; every item it evicts goes to
 * a spout that counts and sums what it receives. Nothing is lost: at the end
 * the spout has seen every item that is not still in the ring.
 */
#include <spill_ring.h>

#include <stdio.h>

/* The spout's state: how many items and batches arrived, and their sum. */
struct counts {
    uint64_t items;
    uint64_t batches;
    uint64_t sum;
    uint64_t flushes;
};

/* spill_spout.send: `items` holds `count` u64 values, oldest first. */
static int count_items(void *ctx, const void *items, size_t count) {
    struct counts *c = (struct counts *)ctx;
    const uint64_t *values = (const uint64_t *)items;
    size_t i;
    for (i = 0; i < count; i++) c->sum += values[i];
    c->items += count;
    c->batches++;
    return 0; /* accepted */
}

/* spill_spout.flush: called by spill_ring_u64_flush and when the ring is freed. */
static int count_flush(void *ctx) {
    ((struct counts *)ctx)->flushes++;
    return 0;
}

/* Prints a failure and returns 1 (main's status). */
static int fail(const char *what, spill_status status) {
    fprintf(stderr, "%s: %s (%s)\n", what, spill_status_str(status), spill_last_error());
    return 1;
}

int main(void) {
    struct counts counts = {0, 0, 0, 0};
    spill_spout spout;
    spill_ring_u64 *ring;
    uint64_t bulk[50], oldest = 0, expected_sum = 0, i;
    size_t pushed = 0, flushed = 0;
    spill_status status;

    spout.send = count_items;
    spout.flush = count_flush;
    spout.ctx = &counts;
    status = spill_ring_u64_create(8, &spout, &ring);
    if (status != SPILL_OK) return fail("spill_ring_u64_create", status);

    /* 100 single pushes: once the ring is full, each push evicts the oldest. */
    for (i = 1; i <= 100; i++) {
        status = spill_ring_u64_push(ring, i);
        if (status != SPILL_OK) return fail("spill_ring_u64_push", status);
        expected_sum += i;
    }
    printf("after 100 pushes: ring holds %zu, spout got %llu items in %llu batches\n",
           spill_ring_u64_len(ring), (unsigned long long)counts.items,
           (unsigned long long)counts.batches);

    /* One bulk push of 50: evictions arrive as a batch, not one by one. */
    for (i = 0; i < 50; i++) {
        bulk[i] = 101 + i;
        expected_sum += bulk[i];
    }
    status = spill_ring_u64_push_bulk(ring, bulk, 50, &pushed);
    if (status != SPILL_OK) return fail("spill_ring_u64_push_bulk", status);
    status = spill_ring_u64_peek(ring, &oldest);
    if (status != SPILL_OK) return fail("spill_ring_u64_peek", status);
    printf("after a bulk push of %zu: oldest kept item is %llu, spout got %llu items in %llu "
           "batches\n",
           pushed, (unsigned long long)oldest, (unsigned long long)counts.items,
           (unsigned long long)counts.batches);

    /* Flush: the rest goes to the spout, then the spout is flushed. */
    status = spill_ring_u64_flush(ring, &flushed);
    if (status != SPILL_OK) return fail("spill_ring_u64_flush", status);
    printf(
        "flush moved %zu items; spout total %llu items, sum %llu (expected %llu), %llu flush(es)\n",
        flushed, (unsigned long long)counts.items, (unsigned long long)counts.sum,
        (unsigned long long)expected_sum, (unsigned long long)counts.flushes);
    spill_ring_u64_free(ring);

    if (counts.items != 150 || counts.sum != expected_sum) {
        fprintf(stderr, "items were lost\n");
        return 1;
    }
    printf("nothing lost: all 150 items reached the spout\n");
    return 0;
}
