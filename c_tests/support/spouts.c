/* spouts.c - the test spouts declared in spouts.h. */
#include "check.h"
#include "families.h"
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

spill_spout collector_start(struct collector *c, size_t elem_size) {
    collector_init(c, elem_size);
    return collector_spout(c);
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

/* A spout of `send`, `flush` and `ctx`. */
static spill_spout spout_of(spill_send_fn send, spill_flush_fn flush, void *ctx) {
    spill_spout s;
    s.send = send;
    s.flush = flush;
    s.ctx = ctx;
    return s;
}

spill_spout collector_spout(struct collector *c) {
    return spout_of(collector_send, collector_flush, c);
}

spill_spout collector_spout_no_flush(struct collector *c) {
    return spout_of(collector_send, NULL, c);
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

static int locked_send(void *ctx, const void *items, size_t count) {
    struct locked_collector *c = (struct locked_collector *)ctx;
    int result;
    CHECK_EQ(pthread_mutex_lock(&c->lock), 0);
    result = collector_send(&c->inner, items, count);
    CHECK_EQ(pthread_mutex_unlock(&c->lock), 0);
    return result;
}

static int locked_flush(void *ctx) {
    struct locked_collector *c = (struct locked_collector *)ctx;
    int result;
    CHECK_EQ(pthread_mutex_lock(&c->lock), 0);
    result = collector_flush(&c->inner);
    CHECK_EQ(pthread_mutex_unlock(&c->lock), 0);
    return result;
}

void locked_collector_init(struct locked_collector *c, size_t elem_size) {
    CHECK_EQ(pthread_mutex_init(&c->lock, NULL), 0);
    collector_init(&c->inner, elem_size);
}

void locked_collector_free(struct locked_collector *c) {
    collector_free(&c->inner);
    CHECK_EQ(pthread_mutex_destroy(&c->lock), 0);
}

size_t locked_collector_count(struct locked_collector *c) {
    size_t count;
    CHECK_EQ(pthread_mutex_lock(&c->lock), 0);
    count = c->inner.count;
    CHECK_EQ(pthread_mutex_unlock(&c->lock), 0);
    return count;
}

spill_spout locked_collector_spout(struct locked_collector *c) {
    return spout_of(locked_send, locked_flush, c);
}

void collector_tally(const struct collector *c, const struct family *f, unsigned char *seen,
                     size_t limit) {
    size_t i;
    for (i = 0; i < c->count; i++) {
        size_t index = family_index_of(f, collector_at(c, i), limit);
        if (index == (size_t)-1)
            check_fail(__FILE__, __LINE__, "collector_tally", "%s: item %zu is unknown", f->name,
                       i);
        if (seen[index])
            check_fail(__FILE__, __LINE__, "collector_tally", "%s: item #%zu delivered twice",
                       f->name, index);
        seen[index] = 1;
    }
}

void collector_check_group_order(const struct collector *c, const struct family *f, size_t limit,
                                 size_t div, size_t mod) {
    size_t last[64];
    int any[64];
    size_t i;
    CHECK(mod <= 64);
    memset(any, 0, sizeof any);
    for (i = 0; i < c->count; i++) {
        size_t index = family_index_of(f, collector_at(c, i), limit);
        size_t group;
        CHECK(index != (size_t)-1);
        group = (index / div) % mod;
        if (any[group] && index <= last[group])
            check_fail(__FILE__, __LINE__, "collector_check_group_order",
                       "%s: item #%zu of group %zu came after #%zu", f->name, index, group,
                       last[group]);
        any[group] = 1;
        last[group] = index;
    }
}

void *family_new_collecting(const struct family *f, size_t capacity, struct collector *out) {
    spill_spout spout = collector_start(out, f->elem_size);
    return family_new(f, capacity, &spout);
}
