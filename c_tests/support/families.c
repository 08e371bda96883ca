/* families.c - the family tables declared in families.h. */
#include "check.h"
#include "families.h"

#include <stdint.h>
#include <stdio.h>

/* Forwarders of the by-value family FAM with element type T; VALUE(i) is
 * its test item number i (never zero, exact in T). */
#define VALUE_FAMILY(FAM, T, VALUE)                                                                \
    static void FAM##_item(const struct family *f, size_t i, void *dst) {                          \
        T v = (T)(VALUE(i));                                                                       \
        (void)f;                                                                                   \
        memcpy(dst, &v, sizeof v);                                                                 \
    }                                                                                              \
    static void *FAM##_create(const struct family *f, size_t capacity, const spill_spout *s) {     \
        spill_ring_##FAM *ring = NULL;                                                             \
        spill_status status = spill_ring_##FAM##_create(capacity, s, &ring);                       \
        (void)f;                                                                                   \
        CHECK((status == SPILL_OK) == (ring != NULL));                                             \
        return ring;                                                                               \
    }                                                                                              \
    static spill_status FAM##_memsize(const struct family *f, size_t capacity, size_t *out) {      \
        (void)f;                                                                                   \
        return spill_ring_##FAM##_memsize(capacity, out);                                          \
    }                                                                                              \
    static spill_status FAM##_init(const struct family *f, void *mem, size_t mem_size,             \
                                   size_t capacity, const spill_spout *s, void **out) {            \
        spill_ring_##FAM *ring = NULL;                                                             \
        spill_status status;                                                                       \
        (void)f;                                                                                   \
        status = spill_ring_##FAM##_init(mem, mem_size, capacity, s, out ? &ring : NULL);          \
        if (out) *out = ring;                                                                      \
        return status;                                                                             \
    }                                                                                              \
    static spill_status FAM##_destroy(void *r) {                                                   \
        return spill_ring_##FAM##_free((spill_ring_##FAM *)r);                                     \
    }                                                                                              \
    static spill_status FAM##_push(void *r, const void *item) {                                    \
        T v;                                                                                       \
        memcpy(&v, item, sizeof v);                                                                \
        return spill_ring_##FAM##_push((spill_ring_##FAM *)r, v);                                  \
    }                                                                                              \
    static spill_status FAM##_try_push(void *r, const void *item) {                                \
        T v;                                                                                       \
        memcpy(&v, item, sizeof v);                                                                \
        return spill_ring_##FAM##_try_push((spill_ring_##FAM *)r, v);                              \
    }                                                                                              \
    static spill_status FAM##_push_bulk(void *r, const void *items, size_t n, size_t *out) {       \
        return spill_ring_##FAM##_push_bulk((spill_ring_##FAM *)r, (const T *)items, n, out);      \
    }                                                                                              \
    static spill_status FAM##_pop(void *r, void *out) {                                            \
        return spill_ring_##FAM##_pop((spill_ring_##FAM *)r, (T *)out);                            \
    }                                                                                              \
    static spill_status FAM##_pop_bulk(void *r, void *out, size_t max, size_t *n) {                \
        return spill_ring_##FAM##_pop_bulk((spill_ring_##FAM *)r, (T *)out, max, n);               \
    }                                                                                              \
    static spill_status FAM##_peek(const void *r, void *out) {                                     \
        return spill_ring_##FAM##_peek((const spill_ring_##FAM *)r, (T *)out);                     \
    }                                                                                              \
    static size_t FAM##_len(const void *r) {                                                       \
        return spill_ring_##FAM##_len((const spill_ring_##FAM *)r);                                \
    }                                                                                              \
    static size_t FAM##_capacity(const void *r) {                                                  \
        return spill_ring_##FAM##_capacity((const spill_ring_##FAM *)r);                           \
    }                                                                                              \
    static bool FAM##_is_empty(const void *r) {                                                    \
        return spill_ring_##FAM##_is_empty((const spill_ring_##FAM *)r);                           \
    }                                                                                              \
    static bool FAM##_is_full(const void *r) {                                                     \
        return spill_ring_##FAM##_is_full((const spill_ring_##FAM *)r);                            \
    }                                                                                              \
    static spill_status FAM##_flush(void *r, size_t *out) {                                        \
        return spill_ring_##FAM##_flush((spill_ring_##FAM *)r, out);                               \
    }                                                                                              \
    static spill_status FAM##_drain(void *r, const spill_spout *dst, size_t *out) {                \
        return spill_ring_##FAM##_drain((spill_ring_##FAM *)r, dst, out);                          \
    }                                                                                              \
    static spill_status FAM##_clear(void *r) {                                                     \
        return spill_ring_##FAM##_clear((spill_ring_##FAM *)r);                                    \
    }                                                                                              \
    static spill_spout FAM##_as_spout(void *r) {                                                   \
        return spill_ring_##FAM##_as_spout((spill_ring_##FAM *)r);                                 \
    }                                                                                              \
    static const struct family FAM##_family = {#FAM,           sizeof(T),       FAM##_item,        \
                                               NULL,           FAM##_create,    FAM##_memsize,     \
                                               FAM##_init,     FAM##_destroy,   FAM##_push,        \
                                               FAM##_try_push, FAM##_push_bulk, FAM##_pop,         \
                                               FAM##_pop_bulk, FAM##_peek,      FAM##_len,         \
                                               FAM##_capacity, FAM##_is_empty,  FAM##_is_full,     \
                                               FAM##_flush,    FAM##_drain,     FAM##_clear,       \
                                               FAM##_as_spout};

#define SMALL_VALUE(i) ((i) % 251u + 1u)
#define U16_VALUE(i) ((i) % 65521u + 1u)
#define U32_VALUE(i) ((i) + 1u)
#define U64_VALUE(i) ((uint64_t)(i) * 0x100000001ull + 1u)
#define F32_VALUE(i) ((float)SMALL_VALUE(i) + 0.5f)
#define F64_VALUE(i) ((double)(i) + 0.25)

VALUE_FAMILY(u8, uint8_t, SMALL_VALUE)
VALUE_FAMILY(u16, uint16_t, U16_VALUE)
VALUE_FAMILY(u32, uint32_t, U32_VALUE)
VALUE_FAMILY(u64, uint64_t, U64_VALUE)
VALUE_FAMILY(f32, float, F32_VALUE)
VALUE_FAMILY(f64, double, F64_VALUE)

/* The bytes family: one set of forwarders, the element size from the table.
 * Item i: a byte pattern of i, led by i + 1 as a u64 when the item holds one. */
static void bytes_item(const struct family *f, size_t i, void *dst) {
    unsigned char *bytes = (unsigned char *)dst;
    size_t k;
    for (k = 0; k < f->elem_size; k++) bytes[k] = (unsigned char)(i * 131u + k * 7u + 1u);
    if (f->elem_size >= sizeof(uint64_t)) {
        uint64_t tag = (uint64_t)i + 1u;
        memcpy(bytes, &tag, sizeof tag);
    }
}
static void *bytes_create(const struct family *f, size_t capacity, const spill_spout *s) {
    spill_ring_bytes *ring = NULL;
    spill_status status = spill_ring_bytes_create(f->elem_size, capacity, s, &ring);
    CHECK((status == SPILL_OK) == (ring != NULL));
    return ring;
}
static spill_status bytes_memsize(const struct family *f, size_t capacity, size_t *out) {
    return spill_ring_bytes_memsize(f->elem_size, capacity, out);
}
static spill_status bytes_init(const struct family *f, void *mem, size_t mem_size, size_t capacity,
                               const spill_spout *s, void **out) {
    spill_ring_bytes *ring = NULL;
    spill_status status =
        spill_ring_bytes_init(mem, mem_size, f->elem_size, capacity, s, out ? &ring : NULL);
    if (out) *out = ring;
    return status;
}
static size_t bytes_elem_size(const void *r) {
    return spill_ring_bytes_elem_size((const spill_ring_bytes *)r);
}
static spill_status bytes_destroy(void *r) { return spill_ring_bytes_free((spill_ring_bytes *)r); }
static spill_status bytes_push(void *r, const void *item) {
    return spill_ring_bytes_push((spill_ring_bytes *)r, item);
}
static spill_status bytes_try_push(void *r, const void *item) {
    return spill_ring_bytes_try_push((spill_ring_bytes *)r, item);
}
static spill_status bytes_push_bulk(void *r, const void *items, size_t n, size_t *out) {
    return spill_ring_bytes_push_bulk((spill_ring_bytes *)r, items, n, out);
}
static spill_status bytes_pop(void *r, void *out) {
    return spill_ring_bytes_pop((spill_ring_bytes *)r, out);
}
static spill_status bytes_pop_bulk(void *r, void *out, size_t max, size_t *n) {
    return spill_ring_bytes_pop_bulk((spill_ring_bytes *)r, out, max, n);
}
static spill_status bytes_peek(const void *r, void *out) {
    return spill_ring_bytes_peek((const spill_ring_bytes *)r, out);
}
static size_t bytes_len(const void *r) { return spill_ring_bytes_len((const spill_ring_bytes *)r); }
static size_t bytes_capacity(const void *r) {
    return spill_ring_bytes_capacity((const spill_ring_bytes *)r);
}
static bool bytes_is_empty(const void *r) {
    return spill_ring_bytes_is_empty((const spill_ring_bytes *)r);
}
static bool bytes_is_full(const void *r) {
    return spill_ring_bytes_is_full((const spill_ring_bytes *)r);
}
static spill_status bytes_flush(void *r, size_t *out) {
    return spill_ring_bytes_flush((spill_ring_bytes *)r, out);
}
static spill_status bytes_drain(void *r, const spill_spout *dst, size_t *out) {
    return spill_ring_bytes_drain((spill_ring_bytes *)r, dst, out);
}
static spill_status bytes_clear(void *r) { return spill_ring_bytes_clear((spill_ring_bytes *)r); }
static spill_spout bytes_as_spout(void *r) {
    return spill_ring_bytes_as_spout((spill_ring_bytes *)r);
}

#define BYTES_FAMILY(SIZE)                                                                         \
    {"bytes" #SIZE,  SIZE,          bytes_item,  bytes_elem_size, bytes_create,    bytes_memsize,  \
     bytes_init,     bytes_destroy, bytes_push,  bytes_try_push,  bytes_push_bulk, bytes_pop,      \
     bytes_pop_bulk, bytes_peek,    bytes_len,   bytes_capacity,  bytes_is_empty,  bytes_is_full,  \
     bytes_flush,    bytes_drain,   bytes_clear, bytes_as_spout}

/* Common sizes run on monomorphized code; 1, 3, 24, 100 and 4096 are odd. */
static const struct family bytes_families[] = {
    BYTES_FAMILY(1),   BYTES_FAMILY(3),   BYTES_FAMILY(8),    BYTES_FAMILY(16),
    BYTES_FAMILY(24),  BYTES_FAMILY(32),  BYTES_FAMILY(64),   BYTES_FAMILY(100),
    BYTES_FAMILY(128), BYTES_FAMILY(256), BYTES_FAMILY(4096),
};

#define BYTES_COUNT (sizeof bytes_families / sizeof bytes_families[0])

static const struct family *const all_families[] = {
    &u8_family,          &u16_family,        &u32_family,        &u64_family,
    &f32_family,         &f64_family,        &bytes_families[0], &bytes_families[1],
    &bytes_families[2],  &bytes_families[3], &bytes_families[4], &bytes_families[5],
    &bytes_families[6],  &bytes_families[7], &bytes_families[8], &bytes_families[9],
    &bytes_families[10],
};

const struct family *const *families_all(size_t *count) {
    *count = sizeof all_families / sizeof all_families[0];
    return all_families;
}

const struct family *family_named(const char *name) {
    size_t count, i;
    const struct family *const *all = families_all(&count);
    for (i = 0; i < count; i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    check_fail(__FILE__, __LINE__, "family_named", "no family named %s", name);
}

const struct family *family_bytes(size_t elem_size) {
    size_t i;
    for (i = 0; i < BYTES_COUNT; i++)
        if (bytes_families[i].elem_size == elem_size) return &bytes_families[i];
    check_fail(__FILE__, __LINE__, "family_bytes", "no bytes family of size %zu", elem_size);
}

void family_item(const struct family *f, size_t i, void *dst) { f->item(f, i, dst); }

size_t family_index_of(const struct family *f, const void *item, size_t limit) {
    unsigned char want[SPILL_RING_MAX_ELEM_SIZE];
    size_t i;
    for (i = 0; i < limit; i++) {
        family_item(f, i, want);
        if (memcmp(item, want, f->elem_size) == 0) return i;
    }
    return (size_t)-1;
}

void family_items(const struct family *f, size_t first, size_t count, void *dst) {
    size_t i;
    for (i = 0; i < count; i++) family_item(f, first + i, (unsigned char *)dst + i * f->elem_size);
}

void family_check_items(const struct family *f, const void *got, size_t first, size_t count) {
    unsigned char want[SPILL_RING_MAX_ELEM_SIZE];
    size_t i;
    for (i = 0; i < count; i++) {
        const unsigned char *item = (const unsigned char *)got + i * f->elem_size;
        family_item(f, first + i, want);
        if (memcmp(item, want, f->elem_size) != 0)
            check_fail(__FILE__, __LINE__, "family_check_items",
                       "%s: item %zu of %zu differs from expected item #%zu", f->name, i, count,
                       first + i);
    }
}

void *family_new(const struct family *f, size_t capacity, const spill_spout *spout) {
    void *ring = f->create(f, capacity, spout);
    if (ring == NULL)
        check_fail(__FILE__, __LINE__, "family_new", "%s: creating a ring of capacity %zu failed",
                   f->name, capacity);
    return ring;
}

void family_push_range(const struct family *f, void *ring, size_t first, size_t count) {
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    size_t i;
    for (i = 0; i < count; i++) {
        family_item(f, first + i, item);
        CHECK_OK(f->push(ring, item));
    }
}

void family_pop_range(const struct family *f, void *ring, size_t first, size_t count) {
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    size_t i;
    for (i = 0; i < count; i++) {
        memset(item, 0, f->elem_size);
        CHECK_OK(f->pop(ring, item));
        family_check_items(f, item, first + i, 1);
    }
}

void for_each_family(void (*test)(const struct family *f)) {
    size_t count, i;
    const struct family *const *all = families_all(&count);
    for (i = 0; i < count; i++) {
        check_context = all[i]->name;
        test(all[i]);
    }
    check_context = NULL;
}
