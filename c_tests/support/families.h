/*
 * families.h - one table of function pointers per ring family, so that each
 * behaviour is tested once and run against every family: the six by-value
 * families (u8, u16, u32, u64, f32, f64) and the bytes family at several
 * element sizes, common (monomorphized) and odd.
 *
 * Rings are handled as `void *`; each entry forwards to the family's own
 * exported function.
 */
#ifndef SPILL_TEST_FAMILIES_H
#define SPILL_TEST_FAMILIES_H

#include <stdbool.h>
#include <stddef.h>

#include "spill_ring.h"

/** The ring functions of one family (and element size, for bytes rings). */
struct family {
    const char *name;
    size_t elem_size;
    /* Writes test item number i (elem_size bytes) to dst. */
    void (*item)(const struct family *f, size_t i, void *dst);
    /* Only bytes rings report their element size; NULL for by-value families. */
    size_t (*ring_elem_size)(const void *ring);
    void *(*create)(const struct family *f, size_t capacity, const spill_spout *spout);
    spill_status (*memsize)(const struct family *f, size_t capacity, size_t *out_size);
    spill_status (*init)(const struct family *f, void *mem, size_t mem_size, size_t capacity,
                         const spill_spout *spout, void **out_ring);
    spill_status (*destroy)(void *ring);
    spill_status (*push)(void *ring, const void *item);
    spill_status (*try_push)(void *ring, const void *item);
    spill_status (*push_bulk)(void *ring, const void *items, size_t count, size_t *out_pushed);
    spill_status (*pop)(void *ring, void *out);
    spill_status (*pop_bulk)(void *ring, void *out, size_t max, size_t *out_popped);
    spill_status (*peek)(const void *ring, void *out);
    size_t (*len)(const void *ring);
    size_t (*capacity)(const void *ring);
    bool (*is_empty)(const void *ring);
    bool (*is_full)(const void *ring);
    spill_status (*flush)(void *ring, size_t *out_flushed);
    spill_status (*drain)(void *ring, const spill_spout *dst, size_t *out_drained);
    spill_status (*clear)(void *ring);
    spill_spout (*as_spout)(void *ring);
};

/** Every family under test: by-value ones first, then bytes rings by size. */
const struct family *const *families_all(size_t *count);

/** The family called `name` ("u8", ..., "bytes24"); fails the test if unknown. */
const struct family *family_named(const char *name);

/** The bytes family at `elem_size` (one of the sizes in families_all). */
const struct family *family_bytes(size_t elem_size);

/** Writes the test item number `i` of family `f` (elem_size bytes) to `dst`.
 *  Items are never all-zero, and consecutive items differ. */
void family_item(const struct family *f, size_t i, void *dst);

/** The number i < limit of the test item at `item`, or (size_t)-1 if none
 *  matches (items are distinct for i < 251). */
size_t family_index_of(const struct family *f, const void *item, size_t limit);

/** Fills `dst` with items first, first+1, ..., first+count-1. */
void family_items(const struct family *f, size_t first, size_t count, void *dst);

/** Fails unless the `count` items at `got` are items first..first+count-1. */
void family_check_items(const struct family *f, const void *got, size_t first, size_t count);

/** Runs `test` once per family of families_all(), naming it in failure reports. */
void for_each_family(void (*test)(const struct family *f));

/** Creates a ring of `f` (failing the test if creation fails). */
void *family_new(const struct family *f, size_t capacity, const spill_spout *spout);

/** Pushes items first..first+count-1 one at a time, each expected SPILL_OK. */
void family_push_range(const struct family *f, void *ring, size_t first, size_t count);

/** Pops `count` items one at a time, expecting items first..first+count-1. */
void family_pop_range(const struct family *f, void *ring, size_t first, size_t count);

#endif /* SPILL_TEST_FAMILIES_H */
