/* spouts.c - the test spouts declared in spouts.h. */
#include "check.h"
#include "spouts.h"

#include <stdint.h>
#include <stdlib.h>

static int collector_send(void *ctx, const void *items, size_t count) {
    struct collector *c = (struct collector *)ctx;
    c->sends++;
    if (c->accept_sends == 0) return 1;
    if (c->accept_sends > 0) c->accept_sends--;
    if (c->count + count > c->alloc) {
        size_t want = c->alloc ? c->alloc : 64;
        unsigned char *grown;
        while (want < c->count + count) want *= 2;
        grown = (unsigned char *)realloc(c->data, want * c->elem_size);
        CHECK(grown != NULL);
        c->data = grown;
        c->alloc = want;
    }
    if (count > 0) {
        CHECK(items != NULL);
        memcpy(c->data + c->count * c->elem_size, items, count * c->elem_size);
    }
    c->count += count;
    c->batches++;
    if (count > c->largest_batch) c->largest_batch = count;
    return 0;
}

static int collector_flush(void *ctx) {
    struct collector *c = (struct collector *)ctx;
    c->flushes++;
    return c->fail_flush ? 1 : 0;
}

void collector_init(struct collector *c, size_t elem_size) {
    memset(c, 0, sizeof *c);
    c->elem_size = elem_size;
    c->accept_sends = -1;
}

void collector_free(struct collector *c) {
    free(c->data);
    c->data = NULL;
    c->alloc = 0;
    c->count = 0;
}

void collector_reset(struct collector *c) {
    c->count = 0;
    c->sends = 0;
    c->batches = 0;
    c->largest_batch = 0;
    c->flushes = 0;
}

spill_spout collector_spout(struct collector *c) {
    spill_spout s;
    s.send = collector_send;
    s.flush = collector_flush;
    s.ctx = c;
    return s;
}

spill_spout collector_spout_no_flush(struct collector *c) {
    spill_spout s = collector_spout(c);
    s.flush = NULL;
    return s;
}

const void *collector_at(const struct collector *c, size_t i) {
    CHECK(i < c->count);
    return c->data + i * c->elem_size;
}

unsigned long long collector_u64(const struct collector *c, size_t i) {
    uint64_t v;
    CHECK_EQ(c->elem_size, sizeof v);
    memcpy(&v, collector_at(c, i), sizeof v);
    return (unsigned long long)v;
}
