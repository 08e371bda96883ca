/*
 * Bad input: every NULL handle, NULL out-pointer, bad capacity and spout
 * without send gets its documented status (never a crash) and a message in
 * spill_last_error(); a refusing spout gives SPILL_SPOUT_FAILED with the ring
 * unchanged; a spout calling back into its own ring (push, pop, even free)
 * gets SPILL_BUSY.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

/* Fails unless the last call left a non-empty message. */
#define CHECK_MESSAGE() CHECK(spill_last_error() != NULL && spill_last_error()[0] != '\0')

static void bad_capacity_for(const struct family *f) {
    static const size_t bad[] = {
        0, 3, 12, 1000, SPILL_RING_MAX_CAPACITY + 1, SPILL_RING_MAX_CAPACITY * 2, (size_t)-1};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t size = 0;
        CHECK(f->create(f, bad[i], NULL) == NULL);
        CHECK_MESSAGE();
        CHECK_STATUS(f->memsize(f, bad[i], &size), SPILL_INVALID_ARGUMENT);
        CHECK_MESSAGE();
    }
}

static void bad_capacity(void) { for_each_family(bad_capacity_for); }

static void spout_without_send_for(const struct family *f) {
    struct collector c;
    spill_spout spout;
    void *ring;
    spout = collector_start(&c, f->elem_size);
    spout.send = NULL;
    CHECK(f->create(f, 8, &spout) == NULL);
    CHECK_MESSAGE();

    ring = family_new(f, 8, NULL);
    family_push_range(f, ring, 0, 3);
    CHECK_STATUS(f->drain(ring, &spout, NULL), SPILL_INVALID_ARGUMENT);
    CHECK_MESSAGE();
    CHECK_EQ(f->len(ring), 3);
    CHECK_OK(f->destroy(ring));
}

static void spout_without_send(void) { for_each_family(spout_without_send_for); }

static void null_handles_for(const struct family *f) {
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    size_t n = 5;
    struct collector c;
    spill_spout spout, as;

    spout = collector_start(&c, f->elem_size);
    family_item(f, 0, item);
    CHECK_STATUS(f->push(NULL, item), SPILL_NULL_ARGUMENT);
    CHECK_MESSAGE();
    CHECK_STATUS(f->try_push(NULL, item), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->push_bulk(NULL, item, 1, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->pop(NULL, item), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->pop_bulk(NULL, item, 1, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->peek(NULL, item), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->flush(NULL, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->drain(NULL, &spout, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->clear(NULL), SPILL_NULL_ARGUMENT);
    CHECK_EQ(f->len(NULL), 0);
    CHECK_MESSAGE();
    CHECK_EQ(f->capacity(NULL), 0);
    CHECK(!f->is_empty(NULL));
    CHECK(!f->is_full(NULL));
    if (f->ring_elem_size) CHECK_EQ(f->ring_elem_size(NULL), 0);

    /* A spout made from a NULL ring has no send, so creation refuses it. */
    as = f->as_spout(NULL);
    CHECK(as.send == NULL);
    CHECK(f->create(f, 4, &as) == NULL);
    collector_free(&c);
}

static void null_handles(void) { for_each_family(null_handles_for); }

static void null_out_pointers_for(const struct family *f) {
    unsigned char item[SPILL_RING_MAX_ELEM_SIZE];
    size_t n = 0;
    void *ring = family_new(f, 8, NULL);

    family_push_range(f, ring, 0, 4);
    CHECK_STATUS(f->pop(ring, NULL), SPILL_NULL_ARGUMENT);
    CHECK_MESSAGE();
    CHECK_STATUS(f->peek(ring, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->pop_bulk(ring, NULL, 2, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->pop_bulk(ring, item, 1, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->push_bulk(ring, NULL, 2, &n), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(f->drain(ring, NULL, &n), SPILL_NULL_ARGUMENT);
    if (f->ring_elem_size) CHECK_STATUS(f->push(ring, NULL), SPILL_NULL_ARGUMENT);
    if (f->ring_elem_size) CHECK_STATUS(f->try_push(ring, NULL), SPILL_NULL_ARGUMENT);

    /* None of the refused calls touched the ring. */
    CHECK_EQ(f->len(ring), 4);
    family_pop_range(f, ring, 0, 4);
    CHECK_OK(f->destroy(ring));
}

static void null_out_pointers(void) { for_each_family(null_out_pointers_for); }

static void refusing_spout_leaves_ring_unchanged_for(const struct family *f) {
    unsigned char items[4 * SPILL_RING_MAX_ELEM_SIZE];
    struct collector c, dst;
    spill_spout spout, dst_spout;
    size_t n = 99;
    void *ring;

    collector_init(&c, f->elem_size);
    collector_init(&dst, f->elem_size);
    c.accept_sends = 0;
    dst.accept_sends = 0;
    spout = collector_spout(&c);
    dst_spout = collector_spout(&dst);
    ring = family_new(f, 4, &spout);
    family_push_range(f, ring, 0, 4);

    /* push: the oldest item would leave; refused, so nothing changes. */
    family_item(f, 4, items);
    CHECK_STATUS(f->push(ring, items), SPILL_SPOUT_FAILED);
    CHECK_MESSAGE();
    CHECK(!spill_status_is_retryable(SPILL_SPOUT_FAILED));
    CHECK_EQ(f->len(ring), 4);

    /* bulk push: nothing was taken, nothing lost. */
    family_items(f, 4, 4, items);
    CHECK_STATUS(f->push_bulk(ring, items, 4, &n), SPILL_SPOUT_FAILED);
    CHECK_EQ(n, 0);
    CHECK_EQ(f->len(ring), 4);

    /* flush and drain: the items stay. */
    CHECK_STATUS(f->flush(ring, &n), SPILL_SPOUT_FAILED);
    CHECK_EQ(n, 0);
    CHECK_EQ(f->len(ring), 4);
    CHECK_STATUS(f->drain(ring, &dst_spout, &n), SPILL_SPOUT_FAILED);
    CHECK_EQ(n, 0);
    CHECK_EQ(f->len(ring), 4);
    CHECK_EQ(c.count + dst.count, 0);

    /* The ring still holds exactly 0..3; once the spout accepts, all is well. */
    c.accept_sends = -1;
    family_push_range(f, ring, 4, 1);
    CHECK_EQ(c.count, 1);
    family_check_items(f, c.data, 0, 1);
    family_pop_range(f, ring, 1, 4);
    CHECK_OK(f->destroy(ring));
    collector_free(&c);
    collector_free(&dst);
}

static void refusing_spout_leaves_ring_unchanged(void) {
    for_each_family(refusing_spout_leaves_ring_unchanged_for);
}

/* A spout that calls back into the ring that feeds it. */
struct reentrant {
    const struct family *f;
    void *ring;
    int push_status;
    int pop_status;
    int free_status;
    size_t len_seen;
    size_t sends;
};

static int reentrant_send(void *ctx, const void *items, size_t count) {
    struct reentrant *r = (struct reentrant *)ctx;
    unsigned char out[SPILL_RING_MAX_ELEM_SIZE];
    (void)count;
    r->sends++;
    r->push_status = r->f->push(r->ring, items);
    r->pop_status = r->f->pop(r->ring, out);
    r->free_status = r->f->destroy(r->ring); /* refused: the ring is NOT freed */
    r->len_seen = r->f->len(r->ring);
    return 0;
}

static void reentrant_call_is_busy_for(const struct family *f) {
    struct reentrant r;
    spill_spout spout;

    memset(&r, 0, sizeof r);
    r.f = f;
    spout.send = reentrant_send;
    spout.flush = NULL;
    spout.ctx = &r;
    r.ring = family_new(f, 2, &spout);
    family_push_range(f, r.ring, 0, 3); /* the third push evicts item 0 */
    CHECK_EQ(r.sends, 1);
    CHECK_STATUS(r.push_status, SPILL_BUSY);
    CHECK_STATUS(r.pop_status, SPILL_BUSY);
    CHECK_STATUS(r.free_status, SPILL_BUSY);
    CHECK(spill_status_is_retryable(SPILL_BUSY));
    CHECK_EQ(r.len_seen, 2); /* reads are allowed while busy */
    CHECK_EQ(f->len(r.ring), 2);
    family_pop_range(f, r.ring, 1, 2);
    CHECK_OK(f->destroy(r.ring));
}

static void reentrant_call_is_busy(void) { for_each_family(reentrant_call_is_busy_for); }

CHECK_MAIN(CHECK_CASE(bad_capacity), CHECK_CASE(spout_without_send), CHECK_CASE(null_handles),
           CHECK_CASE(null_out_pointers), CHECK_CASE(refusing_spout_leaves_ring_unchanged),
           CHECK_CASE(reentrant_call_is_busy))
