/*
 * Eviction order: a full ring hands its OLDEST item to the spout on push,
 * one at a time and oldest first; try_push reports SPILL_FULL instead;
 * pop, peek, len, capacity, is_empty, is_full and clear agree with the model.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

static void evicts_oldest_first_for(const struct family *f) {
    struct collector out;
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    void *ring;

    ring = family_new_collecting(f, 8, &out);
    CHECK_EQ(f->capacity(ring), 8);
    CHECK(f->is_empty(ring));
    CHECK(!f->is_full(ring));
    CHECK_STATUS(f->peek(ring, item), SPILL_EMPTY);

    family_push_range(f, ring, 0, 8);
    CHECK_EQ(out.count, 0);
    CHECK_EQ(f->len(ring), 8);
    CHECK(f->is_full(ring));
    CHECK(!f->is_empty(ring));

    /* Five more: items 0..4 leave, one send per push, in order. */
    family_push_range(f, ring, 8, 5);
    CHECK_EQ(out.count, 5);
    CHECK_EQ(out.batches, 5);
    CHECK_EQ(out.largest_batch, 1);
    family_check_items(f, out.data, 0, 5);
    CHECK_EQ(f->len(ring), 8);

    CHECK_OK(f->peek(ring, item));
    family_check_items(f, item, 5, 1);
    CHECK_EQ(f->len(ring), 8);

    family_pop_range(f, ring, 5, 8);
    CHECK(f->is_empty(ring));
    CHECK_STATUS(f->pop(ring, item), SPILL_EMPTY);
    CHECK_STATUS(f->peek(ring, item), SPILL_EMPTY);
    CHECK_EQ(out.count, 5);

    CHECK_OK(f->destroy(ring));
    CHECK_EQ(out.count, 5);
    collector_free(&out);
}

static void evicts_oldest_first(void) { for_each_family(evicts_oldest_first_for); }

static void try_push_reports_full_for(const struct family *f) {
    struct collector out;
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    void *ring;

    ring = family_new_collecting(f, 4, &out);
    family_item(f, 0, item);
    CHECK_OK(f->try_push(ring, item));
    family_push_range(f, ring, 1, 3);
    family_item(f, 4, item);
    CHECK_STATUS(f->try_push(ring, item), SPILL_FULL);
    CHECK(spill_status_is_retryable(SPILL_FULL));
    CHECK_EQ(out.sends, 0);
    CHECK_EQ(f->len(ring), 4);

    /* Room again after a pop: try_push succeeds and nothing was evicted. */
    family_pop_range(f, ring, 0, 1);
    CHECK_OK(f->try_push(ring, item));
    family_pop_range(f, ring, 1, 4);
    CHECK_EQ(out.sends, 0);

    CHECK_OK(f->destroy(ring));
    collector_free(&out);
}

static void try_push_reports_full(void) { for_each_family(try_push_reports_full_for); }

static void clear_drops_without_spout_for(const struct family *f) {
    struct collector out;
    void *ring;

    ring = family_new_collecting(f, 16, &out);
    family_push_range(f, ring, 0, 11);
    CHECK_OK(f->clear(ring));
    CHECK(f->is_empty(ring));
    CHECK_EQ(f->len(ring), 0);
    CHECK_EQ(out.sends, 0);

    /* Still usable after clear, and the capacity is unchanged. */
    CHECK_EQ(f->capacity(ring), 16);
    family_push_range(f, ring, 100, 16);
    CHECK(f->is_full(ring));
    family_pop_range(f, ring, 100, 16);

    CHECK_OK(f->destroy(ring));
    CHECK_EQ(out.count, 0);
    collector_free(&out);
}

static void clear_drops_without_spout(void) { for_each_family(clear_drops_without_spout_for); }

static void capacity_one_and_no_spout_for(const struct family *f) {
    /* Capacity 1 is a power of two; a NULL spout drops evicted items. */
    void *ring = family_new(f, 1, NULL);
    CHECK_EQ(f->capacity(ring), 1);
    family_push_range(f, ring, 0, 10);
    CHECK_EQ(f->len(ring), 1);
    family_pop_range(f, ring, 9, 1);
    CHECK_OK(f->destroy(ring));
}

static void capacity_one_and_no_spout(void) { for_each_family(capacity_one_and_no_spout_for); }

static void maximum_capacity_for(const struct family *f) {
    void *ring;
    if (f->elem_size > 8) return; /* keeps the suite's memory small */
    ring = family_new(f, SPILL_RING_MAX_CAPACITY, NULL);
    CHECK_EQ(f->capacity(ring), SPILL_RING_MAX_CAPACITY);
    family_push_range(f, ring, 0, 3);
    family_pop_range(f, ring, 0, 3);
    CHECK_OK(f->destroy(ring));
}

static void maximum_capacity(void) { for_each_family(maximum_capacity_for); }

CHECK_MAIN(CHECK_CASE(evicts_oldest_first), CHECK_CASE(try_push_reports_full),
           CHECK_CASE(clear_drops_without_spout), CHECK_CASE(capacity_one_and_no_spout),
           CHECK_CASE(maximum_capacity))
