/*
 * Byte elements: a C struct of any size from 1 to 4096 bytes is stored as it
 * is. Odd sizes (1, 3, 24, 100, 4096) and common ones round-trip through
 * push/pop, bulk calls and spout batches (count * elem_size contiguous
 * bytes); element sizes out of range are refused.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdint.h>
#include <stdlib.h>

/* A 24-byte record with no padding to strip. */
struct record24 {
    uint64_t id;
    uint32_t kind;
    uint32_t flags;
    double value;
};

/* 3 bytes: RGB. */
struct rgb {
    unsigned char r, g, b;
};

static void struct_round_trip(void) {
    struct collector out;
    spill_spout spout;
    struct record24 rec, got;
    spill_ring_bytes *ring;
    size_t i;

    CHECK_EQ(sizeof(struct record24), 24);
    spout = collector_start(&out, sizeof rec);
    ring = spill_ring_bytes_new(sizeof rec, 4, &spout);
    CHECK(ring != NULL);
    CHECK_EQ(spill_ring_bytes_elem_size(ring), 24);
    for (i = 0; i < 6; i++) {
        rec.id = i;
        rec.kind = (uint32_t)(i * 3);
        rec.flags = 0xF0F0u;
        rec.value = (double)i / 4.0;
        CHECK_OK(spill_ring_bytes_push(ring, &rec));
    }
    CHECK_EQ(out.count, 2);
    for (i = 0; i < 2; i++) {
        memcpy(&got, collector_at(&out, i), sizeof got);
        CHECK_EQ(got.id, i);
        CHECK(got.value == (double)i / 4.0);
    }
    CHECK_OK(spill_ring_bytes_peek(ring, &got));
    CHECK_EQ(got.id, 2);
    for (i = 2; i < 6; i++) {
        CHECK_OK(spill_ring_bytes_pop(ring, &got));
        CHECK_EQ(got.id, i);
        CHECK_EQ(got.kind, i * 3);
        CHECK_EQ(got.flags, 0xF0F0u);
    }
    spill_ring_bytes_free(ring);
    collector_free(&out);
}

static void rgb_bulk_has_no_padding(void) {
    struct rgb pixels[10], back[10];
    struct collector out;
    spill_spout spout;
    spill_ring_bytes *ring;
    size_t i, n = 0;

    CHECK_EQ(sizeof(struct rgb), 3);
    for (i = 0; i < 10; i++) {
        pixels[i].r = (unsigned char)i;
        pixels[i].g = (unsigned char)(i + 100);
        pixels[i].b = (unsigned char)(i + 200);
    }
    spout = collector_start(&out, 3);
    ring = spill_ring_bytes_new(3, 8, &spout);
    CHECK(ring != NULL);
    CHECK_OK(spill_ring_bytes_push_bulk(ring, pixels, 10, &n));
    CHECK_EQ(n, 10);
    /* The spout's batch is 2 * 3 contiguous bytes: pixels 0 and 1. */
    CHECK_EQ(out.count, 2);
    CHECK_MEM(out.data, pixels, 2 * 3);
    CHECK_OK(spill_ring_bytes_pop_bulk(ring, back, 10, &n));
    CHECK_EQ(n, 8);
    CHECK_MEM(back, pixels + 2, 8 * 3);
    spill_ring_bytes_free(ring);
    collector_free(&out);
}

static void every_size_from_1_to_4096_round_trips(void) {
    /* Sizes without a monomorphized path, including primes and 4095. */
    static const size_t sizes[] = {1, 2, 3, 5, 7, 9, 24, 31, 33, 100, 255, 257, 1000, 4095, 4096};
    size_t s;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t elem = sizes[s], i, n = 0;
        unsigned char *in = (unsigned char *)malloc(elem * 12);
        unsigned char *back = (unsigned char *)malloc(elem * 12);
        struct collector out;
        spill_spout spout;
        spill_ring_bytes *ring;
        CHECK(in != NULL && back != NULL);
        for (i = 0; i < elem * 12; i++) in[i] = (unsigned char)(i * 7 + elem);
        spout = collector_start(&out, elem);
        ring = spill_ring_bytes_new(elem, 8, &spout);
        CHECK(ring != NULL);
        CHECK_EQ(spill_ring_bytes_elem_size(ring), elem);
        for (i = 0; i < 12; i++) CHECK_OK(spill_ring_bytes_push(ring, in + i * elem));
        CHECK_EQ(out.count, 4);
        CHECK_MEM(out.data, in, 4 * elem);
        CHECK_OK(spill_ring_bytes_pop_bulk(ring, back, 12, &n));
        CHECK_EQ(n, 8);
        CHECK_MEM(back, in + 4 * elem, 8 * elem);
        spill_ring_bytes_free(ring);
        collector_free(&out);
        free(in);
        free(back);
    }
}

static void bad_element_sizes_are_refused(void) {
    size_t size = 0;
    spill_ring_bytes *ring = NULL;
    unsigned char mem[256];

    CHECK(spill_ring_bytes_new(0, 8, NULL) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(spill_ring_bytes_new(SPILL_RING_MAX_ELEM_SIZE + 1, 8, NULL) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK_STATUS(spill_ring_bytes_memsize(0, 8, &size), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_ring_bytes_memsize(SPILL_RING_MAX_ELEM_SIZE + 1, 8, &size),
                 SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_ring_bytes_init(mem, sizeof mem, 0, 8, NULL, &ring), SPILL_INVALID_ARGUMENT);
    CHECK(ring == NULL);
    CHECK_EQ(spill_ring_bytes_elem_size(NULL), 0);
}

static void largest_elements_at_large_capacity(void) {
    /* 256 slots of 4096 bytes: 1 MiB of payload, wrap-around included. */
    const size_t elem = SPILL_RING_MAX_ELEM_SIZE;
    const struct family *f = family_bytes(elem);
    struct collector out;
    spill_spout spout;
    void *ring;

    spout = collector_start(&out, elem);
    ring = family_new(f, 256, &spout);
    family_push_range(f, ring, 0, 300);
    CHECK_EQ(out.count, 44);
    family_check_items(f, out.data, 0, 44);
    family_pop_range(f, ring, 44, 256);
    CHECK_OK(f->destroy(ring));
    collector_free(&out);
}

CHECK_MAIN(CHECK_CASE(struct_round_trip), CHECK_CASE(rgb_bulk_has_no_padding),
           CHECK_CASE(every_size_from_1_to_4096_round_trips),
           CHECK_CASE(bad_element_sizes_are_refused),
           CHECK_CASE(largest_elements_at_large_capacity))
