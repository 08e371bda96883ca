/*
 * Constructors: every family's status-returning `_create` says why it
 * failed (bad input or no memory), sets the out-pointer to NULL on failure,
 * and never aborts the process, whatever count it is given; chaining a bytes
 * ring into one of another element size is refused at creation.
 */
#include "support/check.h"
#include "support/spouts.h"

#include <stdint.h>

/* Huge counts: each must be refused with a status, never abort. */
static const size_t huge[] = {(size_t)1 << 40, (size_t)-1, (size_t)-1 / 2 + 1};

static int work_nothing(spill_ring_u64 *ring, size_t id, const void *args, void *ctx) {
    (void)ring;
    (void)id;
    (void)args;
    (void)ctx;
    return 0;
}

static void ring_create_reports_status(void) {
    spill_ring_u64 *ring = (spill_ring_u64 *)&ring; /* overwritten with NULL on failure */
    size_t i;
    CHECK_STATUS(spill_ring_u64_create(8, NULL, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(spill_ring_u64_create(3, NULL, &ring), SPILL_INVALID_ARGUMENT);
    CHECK(ring == NULL);
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        ring = (spill_ring_u64 *)&ring;
        CHECK_STATUS(spill_ring_u64_create(huge[i], NULL, &ring), SPILL_INVALID_ARGUMENT);
        CHECK(ring == NULL);
        CHECK(spill_ring_u64_new(huge[i], NULL) == NULL);
    }
    CHECK_OK(spill_ring_u64_create(8, NULL, &ring));
    CHECK(ring != NULL);
    CHECK_EQ(spill_ring_u64_capacity(ring), 8);
    CHECK_OK(spill_ring_u64_free(ring));
}

static void bytes_create_reports_status(void) {
    spill_ring_bytes *ring = NULL;
    size_t i;
    CHECK_STATUS(spill_ring_bytes_create(0, 8, NULL, &ring), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_ring_bytes_create(SPILL_RING_MAX_ELEM_SIZE + 1, 8, NULL, &ring),
                 SPILL_INVALID_ARGUMENT);
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        CHECK_STATUS(spill_ring_bytes_create(24, huge[i], NULL, &ring), SPILL_INVALID_ARGUMENT);
        CHECK_STATUS(spill_ring_bytes_create(huge[i], 8, NULL, &ring), SPILL_INVALID_ARGUMENT);
        CHECK(ring == NULL);
    }
    CHECK_OK(spill_ring_bytes_create(24, 8, NULL, &ring));
    CHECK_EQ(spill_ring_bytes_elem_size(ring), 24);
    CHECK_OK(spill_ring_bytes_free(ring));
}

/* An 8-byte ring must not feed a 64-byte ring: its batches would be read
 * at the wrong stride (a heap overflow before this was refused). */
static void chaining_needs_equal_element_sizes(void) {
    spill_ring_bytes *warm = NULL, *hot = NULL;
    spill_ring_u64 *value_hot = NULL;
    spill_spout feed;
    unsigned char item[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK_OK(spill_ring_bytes_create(64, 4, NULL, &warm));
    feed = spill_ring_bytes_as_spout(warm);
    CHECK_STATUS(spill_ring_bytes_create(8, 4, &feed, &hot), SPILL_INVALID_ARGUMENT);
    CHECK(hot == NULL);
    CHECK(strstr(spill_last_error(), "64-byte") != NULL);
    CHECK_STATUS(spill_ring_u64_create(4, &feed, &value_hot), SPILL_INVALID_ARGUMENT);
    CHECK_OK(spill_ring_bytes_create(64, 4, &feed, &hot));
    CHECK_OK(spill_ring_bytes_free(hot));
    CHECK_OK(spill_ring_bytes_free(warm));

    /* Same size across families is fine: u64 items into an 8-byte bytes ring. */
    CHECK_OK(spill_ring_bytes_create(8, 4, NULL, &warm));
    feed = spill_ring_bytes_as_spout(warm);
    CHECK_OK(spill_ring_u64_create(1, &feed, &value_hot));
    CHECK_OK(spill_ring_u64_push(value_hot, 7));
    CHECK_OK(spill_ring_u64_push(value_hot, 8));
    CHECK_EQ(spill_ring_bytes_len(warm), 1);
    CHECK_OK(spill_ring_u64_free(value_hot));
    CHECK_OK(spill_ring_bytes_pop(warm, item));
    CHECK_OK(spill_ring_bytes_free(warm));
}

static void mpsc_create_refuses_huge_counts(void) {
    spill_mpsc_u64 *mpsc = NULL;
    size_t i;
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        CHECK_STATUS(spill_mpsc_u64_create(huge[i], 8, NULL, 0, &mpsc), SPILL_INVALID_ARGUMENT);
        CHECK(mpsc == NULL);
        CHECK(spill_mpsc_u64_new(huge[i], 8, NULL, 0) == NULL);
    }
    CHECK_STATUS(spill_mpsc_u64_create(SPILL_MPSC_MAX_PRODUCERS + 1, 8, NULL, 0, &mpsc),
                 SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_mpsc_u64_create(0, 8, NULL, 0, &mpsc), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_mpsc_u64_create(2, 8, NULL, 0, NULL), SPILL_NULL_ARGUMENT);
    CHECK_OK(spill_mpsc_u64_create(2, 8, NULL, 0, &mpsc));
    CHECK_EQ(spill_mpsc_u64_producers(mpsc), 2);
    CHECK_OK(spill_mpsc_u64_free(mpsc));
}

static void pool_create_refuses_huge_counts(void) {
    spill_pool_u64 *pool = NULL;
    size_t i;
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        CHECK_STATUS(spill_pool_u64_create(huge[i], 8, work_nothing, NULL, NULL, &pool),
                     SPILL_INVALID_ARGUMENT);
        CHECK(pool == NULL);
        CHECK(spill_pool_u64_new(huge[i], 8, work_nothing, NULL, NULL) == NULL);
    }
    CHECK_STATUS(spill_pool_u64_create(1, 8, NULL, NULL, NULL, &pool), SPILL_NULL_ARGUMENT);
    CHECK_OK(spill_pool_u64_create(1, 8, work_nothing, NULL, NULL, &pool));
    CHECK_EQ(spill_pool_u64_workers(pool), 1);
    CHECK_OK(spill_pool_u64_free(pool));
}

static void collector_and_file_create_report_status(void) {
    struct collector c;
    spill_spout out = collector_start(&c, sizeof(uint64_t));
    spill_collector_u64 *collector = NULL;
    spill_file_spout *file = NULL;
    CHECK_STATUS(spill_collector_u64_create(NULL, false, &collector), SPILL_NULL_ARGUMENT);
    CHECK(collector == NULL);
    CHECK_OK(spill_collector_u64_create(&out, true, &collector));
    CHECK_OK(spill_collector_u64_free(collector));
    CHECK_STATUS(spill_file_spout_create(NULL, 8, &file), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(spill_file_spout_create("unused.spill", 0, &file), SPILL_INVALID_ARGUMENT);
    CHECK(file == NULL);
    collector_free(&c);
}

/* Both forms of every family's constructors agree: _create returns
 * SPILL_OK and the handle, _new the handle; both refuse bad input. */
#define EVERY_CONSTRUCTOR(FAM, T)                                                                  \
    static int FAM##_work(spill_ring_##FAM *ring, size_t id, const void *args, void *ctx) {        \
        (void)ring;                                                                                \
        (void)id;                                                                                  \
        (void)args;                                                                                \
        (void)ctx;                                                                                 \
        return 0;                                                                                  \
    }                                                                                              \
    static void FAM##_constructors(void) {                                                         \
        struct collector c;                                                                        \
        spill_spout out = collector_start(&c, sizeof(T));                                          \
        spill_ring_##FAM *ring = NULL;                                                             \
        spill_mpsc_##FAM *mpsc = NULL;                                                             \
        spill_pool_##FAM *pool = NULL;                                                             \
        spill_collector_##FAM *collector = NULL;                                                   \
        CHECK_OK(spill_ring_##FAM##_create(4, NULL, &ring));                                       \
        CHECK_OK(spill_ring_##FAM##_free(ring));                                                   \
        ring = spill_ring_##FAM##_new(4, NULL);                                                    \
        CHECK(ring != NULL);                                                                       \
        CHECK_OK(spill_ring_##FAM##_free(ring));                                                   \
        CHECK(spill_ring_##FAM##_new(5, NULL) == NULL);                                            \
        CHECK_OK(spill_mpsc_##FAM##_create(2, 4, NULL, 0, &mpsc));                                 \
        CHECK_OK(spill_mpsc_##FAM##_free(mpsc));                                                   \
        CHECK_STATUS(spill_mpsc_##FAM##_create(huge[0], 4, NULL, 0, &mpsc),                        \
                     SPILL_INVALID_ARGUMENT);                                                      \
        CHECK_OK(spill_pool_##FAM##_create(1, 4, FAM##_work, NULL, NULL, &pool));                  \
        CHECK_OK(spill_pool_##FAM##_free(pool));                                                   \
        CHECK_STATUS(spill_pool_##FAM##_create(huge[0], 4, FAM##_work, NULL, NULL, &pool),         \
                     SPILL_INVALID_ARGUMENT);                                                      \
        CHECK_OK(spill_collector_##FAM##_create(&out, false, &collector));                         \
        CHECK_OK(spill_collector_##FAM##_free(collector));                                         \
        CHECK_STATUS(spill_collector_##FAM##_create(NULL, true, &collector),                       \
                     SPILL_NULL_ARGUMENT);                                                         \
        collector_free(&c);                                                                        \
    }

EVERY_CONSTRUCTOR(u8, uint8_t)
EVERY_CONSTRUCTOR(u16, uint16_t)
EVERY_CONSTRUCTOR(u32, uint32_t)
EVERY_CONSTRUCTOR(u64, uint64_t)
EVERY_CONSTRUCTOR(f32, float)
EVERY_CONSTRUCTOR(f64, double)

static void every_family_has_both_constructor_forms(void) {
    u8_constructors();
    u16_constructors();
    u32_constructors();
    u64_constructors();
    f32_constructors();
    f64_constructors();
}

CHECK_MAIN(CHECK_CASE(ring_create_reports_status), CHECK_CASE(every_family_has_both_constructor_forms), CHECK_CASE(bytes_create_reports_status),
           CHECK_CASE(chaining_needs_equal_element_sizes),
           CHECK_CASE(mpsc_create_refuses_huge_counts), CHECK_CASE(pool_create_refuses_huge_counts),
           CHECK_CASE(collector_and_file_create_report_status))
