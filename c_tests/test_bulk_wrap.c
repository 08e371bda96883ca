/*
 * Bulk operations across the wrap-around point: for every starting slot of a
 * small ring, push_bulk and pop_bulk of every length keep the items in order,
 * and pop_bulk stops at the ring's length.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdlib.h>

#define CAP 16

/* A ring whose oldest slot is `start`: push and pop `start` items first. */
static void *ring_starting_at(const struct family *f, size_t start, const spill_spout *spout) {
    void *ring = family_new(f, CAP, spout);
    unsigned char *scratch = (unsigned char *)malloc(CAP * f->elem_size);
    size_t popped = 0;
    CHECK(scratch != NULL);
    if (start > 0) {
        family_items(f, 5000, start, scratch);
        CHECK_OK(f->push_bulk(ring, scratch, start, NULL));
        CHECK_OK(f->pop_bulk(ring, scratch, CAP, &popped));
        CHECK_EQ(popped, start);
    }
    CHECK(f->is_empty(ring));
    free(scratch);
    return ring;
}

static void every_start_and_length_for(const struct family *f) {
    unsigned char *in = (unsigned char *)malloc(CAP * f->elem_size);
    unsigned char *out = (unsigned char *)malloc((CAP + 1) * f->elem_size);
    size_t start, count;
    CHECK(in != NULL && out != NULL);
    for (start = 0; start < CAP; start++) {
        for (count = 1; count <= CAP; count++) {
            size_t pushed = 0, popped = 0, first_part;
            void *ring = ring_starting_at(f, start, NULL);
            family_items(f, count * 100, count, in);
            CHECK_OK(f->push_bulk(ring, in, count, &pushed));
            CHECK_EQ(pushed, count);
            CHECK_EQ(f->len(ring), count);

            /* Pop in two uneven parts, then ask for more than is left. */
            first_part = count / 3;
            if (first_part > 0) {
                CHECK_OK(f->pop_bulk(ring, out, first_part, &popped));
                CHECK_EQ(popped, first_part);
            }
            CHECK_OK(f->pop_bulk(ring, out + first_part * f->elem_size, CAP + 1, &popped));
            CHECK_EQ(popped, count - first_part);
            family_check_items(f, out, count * 100, count);
            CHECK(f->is_empty(ring));
            CHECK_OK(f->destroy(ring));
        }
    }
    free(in);
    free(out);
}

static void every_start_and_length(void) { for_each_family(every_start_and_length_for); }

/* A full ring starting at every slot, then a bulk push of 1..2*CAP items:
 * the ring keeps the newest CAP items and, with a spout, the spout gets
 * exactly the overflow, oldest first; without one the overflow is dropped. */
static void overflow_with(const struct family *f, int with_spout) {
    unsigned char *in = (unsigned char *)malloc(2 * CAP * f->elem_size);
    unsigned char *out = (unsigned char *)malloc(CAP * f->elem_size);
    size_t start, count;
    CHECK(in != NULL && out != NULL);
    for (start = 0; start < CAP; start += 3) {
        for (count = 1; count <= 2 * CAP; count++) {
            struct collector spilled;
            spill_spout spout;
            size_t pushed = 0, popped = 0;
            void *ring;
            spout = collector_start(&spilled, f->elem_size);
            ring = ring_starting_at(f, start, with_spout ? &spout : NULL);
            family_items(f, 0, CAP, in);
            CHECK_OK(f->push_bulk(ring, in, CAP, NULL));
            family_items(f, CAP, count, in);
            CHECK_OK(f->push_bulk(ring, in, count, &pushed));
            CHECK_EQ(pushed, count);
            if (with_spout) {
                CHECK_EQ(spilled.count, count);
                family_check_items(f, spilled.data, 0, count);
            } else {
                CHECK_EQ(f->len(ring), CAP);
            }
            CHECK_OK(f->pop_bulk(ring, out, CAP, &popped));
            CHECK_EQ(popped, CAP);
            family_check_items(f, out, count, CAP);
            CHECK_OK(f->destroy(ring));
            collector_free(&spilled);
        }
    }
    free(in);
    free(out);
}

static void overflow_across_wrap_for(const struct family *f) { overflow_with(f, 1); }
static void overflow_without_spout_for(const struct family *f) { overflow_with(f, 0); }

static void overflow_across_wrap(void) { for_each_family(overflow_across_wrap_for); }
static void overflow_without_spout(void) { for_each_family(overflow_without_spout_for); }

static void pop_bulk_on_empty_for(const struct family *f) {
    unsigned char out[SPILL_RING_MAX_ELEM_SIZE];
    size_t popped = 7;
    void *ring = family_new(f, 4, NULL);
    CHECK_STATUS(f->pop_bulk(ring, out, 1, &popped), SPILL_EMPTY);
    CHECK_EQ(popped, 0);
    CHECK_OK(f->destroy(ring));
}

static void pop_bulk_on_empty(void) { for_each_family(pop_bulk_on_empty_for); }

CHECK_MAIN(CHECK_CASE(every_start_and_length), CHECK_CASE(overflow_across_wrap),
           CHECK_CASE(overflow_without_spout), CHECK_CASE(pop_bulk_on_empty))
