/*
 * Free flushes: freeing a ring sends its remaining items to the spout, oldest
 * first, then calls the spout's flush once; freeing NULL is a no-op, and a
 * spout that refuses during free is reported (SPILL_SPOUT_FAILED) while the
 * ring is still released.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

static void free_delivers_remaining_items_for(const struct family *f) {
    struct collector out;
    void *ring;

    ring = family_new_collecting(f, 16, &out);
    family_push_range(f, ring, 0, 10);
    family_pop_range(f, ring, 0, 4);
    family_push_range(f, ring, 10, 10); /* 4..19 held, wrapping */
    CHECK_EQ(out.count, 0);
    CHECK_EQ(out.flushes, 0);
    CHECK_OK(f->destroy(ring));
    CHECK_EQ(out.count, 16);
    CHECK(out.batches <= 2);
    CHECK_EQ(out.flushes, 1);
    family_check_items(f, out.data, 4, 16);
    collector_free(&out);
}

static void free_delivers_remaining_items(void) {
    for_each_family(free_delivers_remaining_items_for);
}

static void free_of_empty_ring_still_flushes_spout_for(const struct family *f) {
    struct collector out;
    void *ring;

    ring = family_new_collecting(f, 4, &out);
    CHECK_OK(f->destroy(ring));
    CHECK_EQ(out.sends, 0);
    CHECK_EQ(out.flushes, 1);
    collector_free(&out);
}

static void free_of_empty_ring_still_flushes_spout(void) {
    for_each_family(free_of_empty_ring_still_flushes_spout_for);
}

static void free_null_is_a_no_op_for(const struct family *f) { CHECK_OK(f->destroy(NULL)); }

static void free_null_is_a_no_op(void) { for_each_family(free_null_is_a_no_op_for); }

static void free_with_failing_spout_for(const struct family *f) {
    struct collector out;
    spill_spout spout;
    void *ring;

    collector_init(&out, f->elem_size);
    out.accept_sends = 0;
    out.fail_flush = 1;
    spout = collector_spout(&out);
    ring = family_new(f, 8, &spout);
    family_push_range(f, ring, 0, 5);
    /* The ring is freed anyway (no leak); the loss is reported. */
    CHECK_STATUS(f->destroy(ring), SPILL_SPOUT_FAILED);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(out.sends >= 1);
    CHECK_EQ(out.count, 0);
    collector_free(&out);
}

static void free_with_failing_spout(void) { for_each_family(free_with_failing_spout_for); }

CHECK_MAIN(CHECK_CASE(free_delivers_remaining_items),
           CHECK_CASE(free_of_empty_ring_still_flushes_spout), CHECK_CASE(free_null_is_a_no_op),
           CHECK_CASE(free_with_failing_spout))
