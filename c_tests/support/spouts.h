/*
 * spouts.h - C spouts the tests hand to rings: a collector that records every
 * batch it accepts, and can be told to refuse.
 */
#ifndef SPILL_TEST_SPOUTS_H
#define SPILL_TEST_SPOUTS_H

#include <stddef.h>

#include "spill_ring.h"

/** Records every item it accepts, in arrival order, plus call counts. */
struct collector {
    unsigned char *data;  /* count * elem_size bytes */
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

#endif /* SPILL_TEST_SPOUTS_H */
