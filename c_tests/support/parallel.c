/* parallel.c - the tables declared in parallel.h. */
#include "check.h"
#include "parallel.h"

#include <string.h>

/*
 * The pool orders a round's work functions after its dispatch, and join,
 * run, collect, merge and free after them. That ordering goes through the
 * library's own synchronisation, which ThreadSanitizer cannot see (the Rust
 * library is not instrumented), so under ThreadSanitizer the adapters state
 * it: a release before dispatch/run and at the end of each work function,
 * an acquire at the start of each work function and after the calls that
 * wait for or take a round's results. The C code is then checked against
 * the documented ordering.
 */
#if defined(__SANITIZE_THREAD__)
#define SPILL_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SPILL_TEST_TSAN 1
#endif
#endif

#ifdef SPILL_TEST_TSAN
#include <sanitizer/tsan_interface.h>
static char pool_order;
#define POOL_RELEASE() __tsan_release(&pool_order)
#define POOL_ACQUIRE() __tsan_acquire(&pool_order)
#else
#define POOL_RELEASE() ((void)0)
#define POOL_ACQUIRE() ((void)0)
#endif

/* Returns CALL's status, ordered as above. */
#define ORDERED(CALL)                                                                              \
    do {                                                                                           \
        spill_status ordered_status_;                                                              \
        POOL_RELEASE();                                                                            \
        ordered_status_ = (CALL);                                                                  \
        POOL_ACQUIRE();                                                                            \
        return ordered_status_;                                                                    \
    } while (0)

/* Most collectors a merge adapter passes on (the tests use far fewer). */
#define MAX_MERGERS 16

#define PARALLEL_FAMILY(FAM)                                                                       \
    static void *FAM##_mpsc_new(size_t producers, size_t capacity, const spill_spout *spouts,      \
                                size_t spout_count) {                                              \
        return spill_mpsc_##FAM##_new(producers, capacity, spouts, spout_count);                   \
    }                                                                                              \
    static void *FAM##_mpsc_producer(void *m, size_t id) {                                         \
        return spill_mpsc_##FAM##_producer((spill_mpsc_##FAM *)m, id);                             \
    }                                                                                              \
    static size_t FAM##_mpsc_producers(const void *m) {                                            \
        return spill_mpsc_##FAM##_producers((const spill_mpsc_##FAM *)m);                          \
    }                                                                                              \
    static size_t FAM##_mpsc_len(const void *m) {                                                  \
        return spill_mpsc_##FAM##_len((const spill_mpsc_##FAM *)m);                                \
    }                                                                                              \
    static spill_status FAM##_mpsc_drain(void *m, const spill_spout *dst, size_t *out) {           \
        return spill_mpsc_##FAM##_drain((spill_mpsc_##FAM *)m, dst, out);                          \
    }                                                                                              \
    static spill_status FAM##_mpsc_free(void *m) {                                                 \
        return spill_mpsc_##FAM##_free((spill_mpsc_##FAM *)m);                                     \
    }                                                                                              \
    static int FAM##_work(spill_ring_##FAM *ring, size_t id, const void *args, void *ctx) {        \
        struct pool_work *w = (struct pool_work *)ctx;                                             \
        int result;                                                                                \
        POOL_ACQUIRE();                                                                            \
        result = w->run(w->f, ring, id, args, w->ctx);                                             \
        POOL_RELEASE();                                                                            \
        return result;                                                                             \
    }                                                                                              \
    static const struct family *FAM##_ring_family(void);                                           \
    static void *FAM##_pool_new(size_t workers, size_t capacity, struct pool_work *work,           \
                                const spill_spout *overflow) {                                     \
        if (work) work->f = FAM##_ring_family();                                                   \
        return spill_pool_##FAM##_new(workers, capacity, work ? FAM##_work : NULL, work,           \
                                      overflow);                                                   \
    }                                                                                              \
    static spill_status FAM##_pool_dispatch(void *p, const void *args) {                           \
        ORDERED(spill_pool_##FAM##_dispatch((spill_pool_##FAM *)p, args));                         \
    }                                                                                              \
    static spill_status FAM##_pool_join(void *p) {                                                 \
        ORDERED(spill_pool_##FAM##_join((spill_pool_##FAM *)p));                                   \
    }                                                                                              \
    static spill_status FAM##_pool_run(void *p, const void *args) {                                \
        ORDERED(spill_pool_##FAM##_run((spill_pool_##FAM *)p, args));                              \
    }                                                                                              \
    static spill_status FAM##_pool_collect(void *p, void *c, size_t *out) {                        \
        ORDERED(                                                                                   \
            spill_pool_##FAM##_collect((spill_pool_##FAM *)p, (spill_collector_##FAM *)c, out));   \
    }                                                                                              \
    static spill_status FAM##_pool_merge(void *p, void *const *cs, size_t mergers, size_t *out) {  \
        spill_collector_##FAM *typed[MAX_MERGERS];                                                 \
        size_t i;                                                                                  \
        CHECK(mergers <= MAX_MERGERS);                                                             \
        for (i = 0; cs != NULL && i < mergers; i++) typed[i] = (spill_collector_##FAM *)cs[i];     \
        ORDERED(spill_pool_##FAM##_merge((spill_pool_##FAM *)p, cs ? typed : NULL, mergers, out)); \
    }                                                                                              \
    static size_t FAM##_pool_workers(const void *p) {                                              \
        return spill_pool_##FAM##_workers((const spill_pool_##FAM *)p);                            \
    }                                                                                              \
    static size_t FAM##_pool_capacity(const void *p) {                                             \
        return spill_pool_##FAM##_capacity((const spill_pool_##FAM *)p);                           \
    }                                                                                              \
    static uint64_t FAM##_pool_spout_failures(const void *p) {                                     \
        return spill_pool_##FAM##_spout_failures((const spill_pool_##FAM *)p);                     \
    }                                                                                              \
    static spill_status FAM##_pool_free(void *p) {                                                 \
        ORDERED(spill_pool_##FAM##_free((spill_pool_##FAM *)p));                                   \
    }                                                                                              \
    static void *FAM##_collector_unordered(const spill_spout *out) {                               \
        return spill_collector_##FAM##_unordered(out);                                             \
    }                                                                                              \
    static void *FAM##_collector_sequenced(const spill_spout *out) {                               \
        return spill_collector_##FAM##_sequenced(out);                                             \
    }                                                                                              \
    static size_t FAM##_collector_pending(const void *c) {                                         \
        return spill_collector_##FAM##_pending((const spill_collector_##FAM *)c);                  \
    }                                                                                              \
    static spill_status FAM##_collector_release(void *c, size_t *out) {                            \
        return spill_collector_##FAM##_release((spill_collector_##FAM *)c, out);                   \
    }                                                                                              \
    static spill_status FAM##_collector_free(void *c) {                                            \
        return spill_collector_##FAM##_free((spill_collector_##FAM *)c);                           \
    }                                                                                              \
    static struct parallel_family FAM##_parallel = {#FAM,                                          \
                                                    NULL,                                          \
                                                    FAM##_mpsc_new,                                \
                                                    FAM##_mpsc_producer,                           \
                                                    FAM##_mpsc_producers,                          \
                                                    FAM##_mpsc_len,                                \
                                                    FAM##_mpsc_drain,                              \
                                                    FAM##_mpsc_free,                               \
                                                    FAM##_pool_new,                                \
                                                    FAM##_pool_dispatch,                           \
                                                    FAM##_pool_join,                               \
                                                    FAM##_pool_run,                                \
                                                    FAM##_pool_collect,                            \
                                                    FAM##_pool_merge,                              \
                                                    FAM##_pool_workers,                            \
                                                    FAM##_pool_capacity,                           \
                                                    FAM##_pool_spout_failures,                     \
                                                    FAM##_pool_free,                               \
                                                    FAM##_collector_unordered,                     \
                                                    FAM##_collector_sequenced,                     \
                                                    FAM##_collector_pending,                       \
                                                    FAM##_collector_release,                       \
                                                    FAM##_collector_free};                         \
    static const struct family *FAM##_ring_family(void) { return family_named(#FAM); }

PARALLEL_FAMILY(u8)
PARALLEL_FAMILY(u16)
PARALLEL_FAMILY(u32)
PARALLEL_FAMILY(u64)
PARALLEL_FAMILY(f32)
PARALLEL_FAMILY(f64)

static struct parallel_family *const all_parallel[] = {
    &u8_parallel, &u16_parallel, &u32_parallel, &u64_parallel, &f32_parallel, &f64_parallel,
};

void for_each_parallel_family(void (*test)(const struct parallel_family *pf)) {
    size_t i;
    for (i = 0; i < sizeof all_parallel / sizeof all_parallel[0]; i++) {
        struct parallel_family *pf = all_parallel[i];
        if (pf->ring == NULL) pf->ring = family_named(pf->name);
        check_context = pf->name;
        test(pf);
    }
    check_context = NULL;
}
