/*
 * Caller-provided memory: memsize tells how much memory a ring needs, init
 * builds the ring inside it (aligned to SPILL_RING_ALIGN), the ring behaves
 * like a heap one, free flushes it but leaves the memory to the caller, and
 * the memory can hold a new ring afterwards. Too small, misaligned or NULL
 * memory is refused.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdint.h>
#include <stdlib.h>

static void *aligned_block(size_t size) {
    void *mem = check_aligned_alloc(SPILL_RING_ALIGN, size);
    memset(mem, 0xA5, size);
    return mem;
}

static void ring_in_caller_memory_for(const struct family *f) {
    struct collector out;
    spill_spout spout;
    size_t size = 0, round;
    void *mem, *ring = NULL;

    CHECK_OK(f->memsize(f, 32, &size));
    CHECK(size >= 32 * f->elem_size);
    mem = aligned_block(size);
    spout = collector_start(&out, f->elem_size);

    /* Twice in the same memory: free leaves the block reusable. */
    for (round = 0; round < 2; round++) {
        collector_reset(&out);
        CHECK_OK(f->init(f, mem, size, 32, &spout, &ring));
        CHECK(ring != NULL);
        CHECK_EQ(f->capacity(ring), 32);
        CHECK(f->is_empty(ring));
        if (f->ring_elem_size) CHECK_EQ(f->ring_elem_size(ring), f->elem_size);
        family_push_range(f, ring, 0, 40);
        CHECK_EQ(out.count, 8);
        family_check_items(f, out.data, 0, 8);
        family_pop_range(f, ring, 8, 2);
        CHECK_OK(f->destroy(ring)); /* flushes 10..39 to the spout, frees nothing */
        CHECK_EQ(out.count, 38);
        family_check_items(f, out.data + 8 * f->elem_size, 10, 30);
        CHECK_EQ(out.flushes, 1);
    }
    check_aligned_free(mem);
    collector_free(&out);
}

static void ring_in_caller_memory(void) { for_each_family(ring_in_caller_memory_for); }

static void memsize_grows_with_capacity_for(const struct family *f) {
    size_t small = 0, large = 0;
    CHECK_OK(f->memsize(f, 2, &small));
    CHECK_OK(f->memsize(f, 1024, &large));
    CHECK(large >= 1024 * f->elem_size);
    CHECK(large > small);
}

static void memsize_grows_with_capacity(void) { for_each_family(memsize_grows_with_capacity_for); }

static void bad_memory_is_refused_for(const struct family *f) {
    size_t size = 0;
    unsigned char *mem;
    void *ring = (void *)&size;

    CHECK_OK(f->memsize(f, 16, &size));
    mem = (unsigned char *)aligned_block(size + SPILL_RING_ALIGN);

    CHECK_STATUS(f->init(f, mem, size - 1, 16, NULL, &ring), SPILL_INVALID_ARGUMENT);
    CHECK(spill_last_error()[0] != '\0');
    CHECK_STATUS(f->init(f, mem + 1, size, 16, NULL, &ring), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(f->init(f, NULL, size, 16, NULL, &ring), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->init(f, mem, size, 16, NULL, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->init(f, mem, size, 12, NULL, &ring), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(f->init(f, mem, size, 0, NULL, &ring), SPILL_INVALID_ARGUMENT);

    /* Larger than needed is fine. */
    CHECK_OK(f->init(f, mem, size + SPILL_RING_ALIGN, 16, NULL, &ring));
    family_push_range(f, ring, 0, 3);
    family_pop_range(f, ring, 0, 3);
    CHECK_OK(f->destroy(ring));

    CHECK_STATUS(f->memsize(f, 16, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->memsize(f, 3, &size), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(f->memsize(f, SPILL_RING_MAX_CAPACITY * 2, &size), SPILL_INVALID_ARGUMENT);
    check_aligned_free(mem);
}

static void bad_memory_is_refused(void) { for_each_family(bad_memory_is_refused_for); }

CHECK_MAIN(CHECK_CASE(ring_in_caller_memory), CHECK_CASE(memsize_grows_with_capacity),
           CHECK_CASE(bad_memory_is_refused))
