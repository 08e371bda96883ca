/*
 * spouts.h - C spouts the tests hand to rings: a collector that records every
 * batch it accepts, and can be told to refuse.
 */
#ifndef SPILL_TEST_SPOUTS_H
#define SPILL_TEST_SPOUTS_H

#include <pthread.h>
#include <stddef.h>

#include "spill_ring.h"

/** Records every item it accepts, in arrival order, plus call counts. */
struct collector {
    unsigned char *data; /* count * elem_size bytes */
    size_t elem_size;
    size_t count;         /* items accepted */
    size_t alloc;         /* items `data` can hold */
    size_t sends;         /* send calls, accepted or not */
    size_t batches;       /* send calls accepted */
    size_t largest_batch; /* most items in one accepted send */
    size_t flushes;       /* flush calls */
    long accept_sends;    /* send calls still accepted before refusing; < 0 = always accept */
    int fail_flush;       /* nonzero: flush returns an error */
};

/** Starts an empty collector of `elem_size`-byte items that accepts everything. */
void collector_init(struct collector *c, size_t elem_size);

/** collector_init(c, elem_size), then returns collector_spout(c). */
spill_spout collector_start(struct collector *c, size_t elem_size);

/** Releases the collector's memory. */
void collector_free(struct collector *c);

/** Forgets the items and counts, keeping elem_size and the refusal settings. */
void collector_reset(struct collector *c);

/** A spout (send + flush) that feeds `c`. */
spill_spout collector_spout(struct collector *c);

/** A spout with send only (flush is NULL) that feeds `c`. */
spill_spout collector_spout_no_flush(struct collector *c);

/** Pointer to the i-th item the collector accepted. */
const void *collector_at(const struct collector *c, size_t i);

/** The i-th accepted item of a u64 collector. */
unsigned long long collector_u64(const struct collector *c, size_t i);

struct family;

/** Starts `out` and creates a ring of `f` that evicts into it (failing the
 *  test if creation fails). */
void *family_new_collecting(const struct family *f, size_t capacity, struct collector *out);

/** Marks the test-item number of each item `c` holds (items of `f`) in
 *  seen[0..limit); fails on an item that is not one of them or that is
 *  already marked (delivered twice). */
void collector_tally(const struct collector *c, const struct family *f, unsigned char *seen,
                     size_t limit);

/** Fails unless, among the items `c` holds, those of each group (item
 *  number i belongs to group (i / div) % mod) come in increasing order. */
void collector_check_group_order(const struct collector *c, const struct family *f, size_t limit,
                                 size_t div, size_t mod);

/** A collector behind a mutex, for spouts called from several threads at
 *  once (a shared MPSC spout, a pool's overflow spout). Read `inner` only
 *  once those threads are done. */
struct locked_collector {
    pthread_mutex_t lock;
    struct collector inner;
};

/** Starts an empty locked collector of `elem_size`-byte items. */
void locked_collector_init(struct locked_collector *c, size_t elem_size);

/** Releases the locked collector. */
void locked_collector_free(struct locked_collector *c);

/** How many items `c` accepted so far (read under its lock). */
size_t locked_collector_count(struct locked_collector *c);

/** A thread-safe spout (send + flush) that feeds `c`. */
spill_spout locked_collector_spout(struct locked_collector *c);

#endif /* SPILL_TEST_SPOUTS_H */
