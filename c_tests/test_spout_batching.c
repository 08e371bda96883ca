/*
 * Spout batching: bulk pushes evict in batches (at most two per call from the
 * ring, split at the wrap-around point, plus one for inputs that never fit),
 * flush sends everything to the ring's own spout and flushes it, and drain
 * hands everything to another spout in batches, oldest first.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdlib.h>

static void *items_buffer(const struct family *f, size_t first, size_t count) {
    void *buf = malloc(count * f->elem_size + 1);
    CHECK(buf != NULL);
    family_items(f, first, count, buf);
    return buf;
}

static void bulk_push_evicts_in_batches_for(const struct family *f) {
    struct collector out;
    size_t pushed = 0;
    void *ring, *items;

    ring = family_new_collecting(f, 16, &out);

    /* Move the oldest item to slot 10 so the next eviction wraps. */
    family_push_range(f, ring, 1000, 10);
    family_pop_range(f, ring, 1000, 10);
    family_push_range(f, ring, 0, 16);
    CHECK(f->is_full(ring));

    /* 12 new items: the 12 oldest (0..11, slots 10..15 then 0..5) leave in two batches. */
    items = items_buffer(f, 16, 12);
    CHECK_OK(f->push_bulk(ring, items, 12, &pushed));
    CHECK_EQ(pushed, 12);
    CHECK_EQ(out.count, 12);
    CHECK(out.batches >= 1 && out.batches <= 2);
    family_check_items(f, out.data, 0, 12);
    CHECK_EQ(f->len(ring), 16);
    family_pop_range(f, ring, 12, 16);
    free(items);

    CHECK_OK(f->destroy(ring));
    collector_free(&out);
}

static void bulk_push_evicts_in_batches(void) { for_each_family(bulk_push_evicts_in_batches_for); }

static void bulk_push_longer_than_ring_for(const struct family *f) {
    struct collector out;
    size_t pushed = 0;
    void *ring, *items;

    ring = family_new_collecting(f, 8, &out);
    family_push_range(f, ring, 0, 5);

    /* 20 inputs into a ring of 8 holding 5: the ring's 5 go first, then the
     * first 12 inputs, and the ring keeps the last 8 inputs. */
    items = items_buffer(f, 5, 20);
    CHECK_OK(f->push_bulk(ring, items, 20, &pushed));
    CHECK_EQ(pushed, 20);
    CHECK_EQ(out.count, 17);
    CHECK(out.batches <= 3);
    family_check_items(f, out.data, 0, 17);
    CHECK(f->is_full(ring));
    family_pop_range(f, ring, 17, 8);

    /* out_pushed may be NULL; a zero-length push changes nothing. */
    CHECK_OK(f->push_bulk(ring, items, 3, NULL));
    CHECK_OK(f->push_bulk(ring, items, 0, &pushed));
    CHECK_EQ(pushed, 0);
    CHECK_EQ(f->len(ring), 3);
    free(items);

    CHECK_OK(f->destroy(ring));
    collector_free(&out);
}

static void bulk_push_longer_than_ring(void) { for_each_family(bulk_push_longer_than_ring_for); }

static void flush_sends_all_and_flushes_spout_for(const struct family *f) {
    struct collector out;
    size_t flushed = 99;
    void *ring;

    ring = family_new_collecting(f, 8, &out);
    family_push_range(f, ring, 0, 3);
    family_pop_range(f, ring, 0, 3);
    family_push_range(f, ring, 3, 7); /* slots 3..7 then 0..1: wraps */

    CHECK_OK(f->flush(ring, &flushed));
    CHECK_EQ(flushed, 7);
    CHECK_EQ(out.count, 7);
    CHECK(out.batches >= 1 && out.batches <= 2);
    CHECK_EQ(out.flushes, 1);
    family_check_items(f, out.data, 3, 7);
    CHECK(f->is_empty(ring));

    /* Flushing an empty ring sends nothing; out_flushed may be NULL. */
    CHECK_OK(f->flush(ring, &flushed));
    CHECK_EQ(flushed, 0);
    CHECK_OK(f->flush(ring, NULL));
    CHECK_EQ(out.count, 7);

    CHECK_OK(f->destroy(ring));
    collector_free(&out);
}

static void flush_sends_all_and_flushes_spout(void) {
    for_each_family(flush_sends_all_and_flushes_spout_for);
}

static void drain_hands_batches_to_other_spout_for(const struct family *f) {
    struct collector own, dst;
    spill_spout own_spout, dst_spout;
    size_t drained = 0;
    void *ring;

    collector_init(&own, f->elem_size);
    collector_init(&dst, f->elem_size);
    own_spout = collector_spout(&own);
    dst_spout = collector_spout_no_flush(&dst);
    ring = family_new(f, 32, &own_spout);
    family_push_range(f, ring, 0, 20);
    family_pop_range(f, ring, 0, 20);
    family_push_range(f, ring, 20, 30); /* slots 20..31 then 0..17 */

    CHECK_OK(f->drain(ring, &dst_spout, &drained));
    CHECK_EQ(drained, 30);
    CHECK_EQ(dst.count, 30);
    CHECK(dst.batches >= 1 && dst.batches <= 2);
    CHECK(dst.largest_batch >= 15);
    family_check_items(f, dst.data, 20, 30);
    CHECK(f->is_empty(ring));
    CHECK_EQ(own.sends, 0);

    CHECK_OK(f->drain(ring, &dst_spout, NULL));
    CHECK_EQ(dst.count, 30);

    CHECK_OK(f->destroy(ring));
    CHECK_EQ(own.count, 0);
    collector_free(&own);
    collector_free(&dst);
}

static void drain_hands_batches_to_other_spout(void) {
    for_each_family(drain_hands_batches_to_other_spout_for);
}

static void spout_without_flush_for(const struct family *f) {
    /* flush may be NULL: flushing and freeing still deliver every item. */
    struct collector out;
    spill_spout spout;
    void *ring;

    collector_init(&out, f->elem_size);
    spout = collector_spout_no_flush(&out);
    ring = family_new(f, 4, &spout);
    family_push_range(f, ring, 0, 6);
    CHECK_OK(f->flush(ring, NULL));
    family_push_range(f, ring, 6, 2);
    CHECK_OK(f->destroy(ring));
    CHECK_EQ(out.count, 8);
    CHECK_EQ(out.flushes, 0);
    family_check_items(f, out.data, 0, 8);
    collector_free(&out);
}

static void spout_without_flush(void) { for_each_family(spout_without_flush_for); }

CHECK_MAIN(CHECK_CASE(bulk_push_evicts_in_batches), CHECK_CASE(bulk_push_longer_than_ring),
           CHECK_CASE(flush_sends_all_and_flushes_spout),
           CHECK_CASE(drain_hands_batches_to_other_spout), CHECK_CASE(spout_without_flush))
