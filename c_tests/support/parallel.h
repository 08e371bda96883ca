/*
 * parallel.h - the MPSC, pool and collector functions of each by-value
 * family as one table, so that each threaded behaviour is tested once and
 * run against u8, u16, u32, u64, f32 and f64.
 */
#ifndef SPILL_TEST_PARALLEL_H
#define SPILL_TEST_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

#include "families.h"
#include "spill_ring.h"

/** A pool's work, independent of the family: `run` gets the worker's ring
 *  (as void *) with its family. Must outlive the pool. */
struct pool_work {
    int (*run)(const struct family *f, void *ring, size_t worker, const void *args, void *ctx);
    void *ctx;
    const struct family *f; /* set by pool_new */
};

/** The MPSC, pool and collector functions of one by-value family. */
struct parallel_family {
    const char *name;
    const struct family *ring; /* the ring functions of the same element type */

    void *(*mpsc_new)(size_t producers, size_t capacity, const spill_spout *spouts,
                      size_t spout_count);
    void *(*mpsc_producer)(void *mpsc, size_t id);
    size_t (*mpsc_producers)(const void *mpsc);
    size_t (*mpsc_len)(const void *mpsc);
    spill_status (*mpsc_drain)(void *mpsc, const spill_spout *dst, size_t *out_drained);
    spill_status (*mpsc_free)(void *mpsc);

    /* work == NULL passes a NULL work function. */
    void *(*pool_new)(size_t workers, size_t capacity, struct pool_work *work,
                      const spill_spout *overflow);
    spill_status (*pool_dispatch)(void *pool, const void *args);
    spill_status (*pool_join)(void *pool);
    spill_status (*pool_run)(void *pool, const void *args);
    spill_status (*pool_collect)(void *pool, void *collector, size_t *out_collected);
    spill_status (*pool_merge)(void *pool, void *const *collectors, size_t mergers,
                               size_t *out_collected);
    size_t (*pool_workers)(const void *pool);
    size_t (*pool_capacity)(const void *pool);
    uint64_t (*pool_spout_failures)(const void *pool);
    spill_status (*pool_free)(void *pool);

    void *(*collector_unordered)(const spill_spout *out);
    void *(*collector_sequenced)(const spill_spout *out);
    size_t (*collector_pending)(const void *collector);
    spill_status (*collector_release)(void *collector, size_t *out_sent);
    spill_status (*collector_free)(void *collector);
};

/** Runs `test` once per by-value family, naming it in failure reports. */
void for_each_parallel_family(void (*test)(const struct parallel_family *pf));

#endif /* SPILL_TEST_PARALLEL_H */
