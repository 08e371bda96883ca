/*
 * Chaining: a ring's as_spout() makes it another ring's spout (l1 -> l2 ->
 * collector). Evictions cascade oldest first, freeing cascades down the
 * chain, and a refusal at the end of the chain reaches the first push as
 * SPILL_SPOUT_FAILED with every item still somewhere.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdlib.h>

static void evictions_cascade_for(const struct family *f) {
    struct collector out;
    spill_spout l2_spout;
    void *l1, *l2;

    l2 = family_new_collecting(f, 8, &out);
    l2_spout = f->as_spout(l2);
    CHECK(l2_spout.send != NULL);
    l1 = family_new(f, 4, &l2_spout);

    /* 20 items: l1 keeps 16..19, l2 keeps 8..15, the collector has 0..7. */
    family_push_range(f, l1, 0, 20);
    CHECK_EQ(f->len(l1), 4);
    CHECK_EQ(f->len(l2), 8);
    CHECK_EQ(out.count, 8);
    family_check_items(f, out.data, 0, 8);

    /* Freeing l1 pushes its items into l2, which evicts 8..11. */
    CHECK_OK(f->destroy(l1));
    CHECK_EQ(f->len(l2), 8);
    CHECK_EQ(out.count, 12);

    /* Freeing l2 delivers the rest: everything arrived once, in order. */
    CHECK_OK(f->destroy(l2));
    CHECK_EQ(out.count, 20);
    family_check_items(f, out.data, 0, 20);
    CHECK(out.flushes >= 1);
    collector_free(&out);
}

static void evictions_cascade(void) { for_each_family(evictions_cascade_for); }

static void bulk_through_chain_for(const struct family *f) {
    struct collector out;
    spill_spout l2_spout, l3_spout;
    size_t pushed = 0;
    void *l1, *l2, *l3, *items;

    l3 = family_new_collecting(f, 16, &out);
    l3_spout = f->as_spout(l3);
    l2 = family_new(f, 8, &l3_spout);
    l2_spout = f->as_spout(l2);
    l1 = family_new(f, 4, &l2_spout);

    items = malloc(50 * f->elem_size);
    CHECK(items != NULL);
    family_items(f, 0, 50, items);
    CHECK_OK(f->push_bulk(l1, items, 50, &pushed));
    CHECK_EQ(pushed, 50);
    CHECK_EQ(f->len(l1), 4);
    CHECK_EQ(f->len(l2), 8);
    CHECK_EQ(f->len(l3), 16);
    CHECK_EQ(out.count, 22);
    family_check_items(f, out.data, 0, 22);

    /* Flushing the chain front to back moves everything to the collector. */
    CHECK_OK(f->flush(l1, NULL));
    CHECK_OK(f->flush(l2, NULL));
    CHECK_OK(f->flush(l3, NULL));
    CHECK_EQ(out.count, 50);
    family_check_items(f, out.data, 0, 50);

    CHECK_OK(f->destroy(l1));
    CHECK_OK(f->destroy(l2));
    CHECK_OK(f->destroy(l3));
    CHECK_EQ(out.count, 50);
    free(items);
    collector_free(&out);
}

static void bulk_through_chain(void) { for_each_family(bulk_through_chain_for); }

static void refusal_reaches_the_front_for(const struct family *f) {
    struct collector out;
    spill_spout out_spout, l2_spout;
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    void *l1, *l2;

    collector_init(&out, f->elem_size);
    out.accept_sends = 0; /* the end of the chain refuses everything */
    out_spout = collector_spout(&out);
    l2 = family_new(f, 2, &out_spout);
    l2_spout = f->as_spout(l2);
    l1 = family_new(f, 2, &l2_spout);

    family_push_range(f, l1, 0, 4); /* l1: 2, 3; l2: 0, 1 (full) */
    CHECK_EQ(f->len(l2), 2);
    family_item(f, 4, item);
    CHECK_STATUS(f->push(l1, item), SPILL_SPOUT_FAILED);
    CHECK(out.sends >= 1);
    CHECK_EQ(out.count, 0);

    /* Both rings unchanged: nothing dropped. */
    CHECK_EQ(f->len(l1), 2);
    CHECK_EQ(f->len(l2), 2);
    family_pop_range(f, l2, 0, 2);
    family_pop_range(f, l1, 2, 2);

    CHECK_OK(f->destroy(l1));
    CHECK_OK(f->destroy(l2));
    collector_free(&out);
}

static void refusal_reaches_the_front(void) { for_each_family(refusal_reaches_the_front_for); }

CHECK_MAIN(CHECK_CASE(evictions_cascade), CHECK_CASE(bulk_through_chain),
           CHECK_CASE(refusal_reaches_the_front))
