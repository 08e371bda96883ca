/*
 * tiered.c - hot ring -> warm ring -> file.
 *
 * Events (24-byte C structs, stored as they are) go into a small hot ring.
 * Its evictions spill into a larger warm ring, whose evictions spill into a
 * file spout: the disk tier. Freeing the hot ring, then the warm ring, moves
 * what they hold down the chain, so every event ends up in the file, in
 * order. spill_file_read then replays the file.
 *
 * Usage: tiered [FILE]   (default: ./tiered_events.bin, removed at the end)
 */
#include <spill_ring.h>

#include <stdio.h>
#include <string.h>

/* One event: 24 bytes, no padding. */
struct event {
    uint64_t timestamp;
    uint32_t sensor;
    uint32_t flags;
    double reading;
};

/* Replay state: checks that events come back in order. */
struct replay {
    uint64_t next_timestamp;
    uint64_t events;
    double total;
    int out_of_order;
};

static int replay_send(void *ctx, const void *items, size_t count) {
    struct replay *r = (struct replay *)ctx;
    size_t i;
    for (i = 0; i < count; i++) {
        struct event e;
        memcpy(&e, (const unsigned char *)items + i * sizeof e, sizeof e);
        if (e.timestamp != r->next_timestamp) r->out_of_order = 1;
        r->next_timestamp = e.timestamp + 1;
        r->total += e.reading;
        r->events++;
    }
    return 0;
}

static int fail(const char *what) {
    fprintf(stderr, "%s failed: %s\n", what, spill_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tiered_events.bin";
    const uint64_t total_events = 10000;
    spill_file_spout *disk;
    spill_spout disk_spout, warm_spout, replay_spout;
    spill_ring_bytes *warm, *hot;
    struct replay replay = {0, 0, 0.0, 0};
    size_t read_back = 0;
    double expected_total = 0.0;
    uint64_t t;

    remove(path); /* the file spout appends: start from an empty file */
    if (spill_file_spout_create(path, sizeof(struct event), &disk) != SPILL_OK)
        return fail("spill_file_spout_create");
    disk_spout = spill_file_spout_as_spout(disk);

    if (spill_ring_bytes_create(sizeof(struct event), 1024, &disk_spout, &warm) != SPILL_OK)
        return fail("spill_ring_bytes_create (warm)");
    warm_spout = spill_ring_bytes_as_spout(warm);
    if (spill_ring_bytes_create(sizeof(struct event), 64, &warm_spout, &hot) != SPILL_OK)
        return fail("spill_ring_bytes_create (hot)");

    for (t = 0; t < total_events; t++) {
        struct event e;
        e.timestamp = t;
        e.sensor = (uint32_t)(t % 7);
        e.flags = 0;
        e.reading = (double)(t % 100) * 0.5;
        expected_total += e.reading;
        if (spill_ring_bytes_push(hot, &e) != SPILL_OK) return fail("spill_ring_bytes_push");
    }
    printf("hot ring holds %zu events, warm ring %zu; the rest (%llu) is on disk\n",
           spill_ring_bytes_len(hot), spill_ring_bytes_len(warm),
           (unsigned long long)(total_events - spill_ring_bytes_len(hot) -
                                spill_ring_bytes_len(warm)));

    /* Shut down front to back: each tier flushes into the next. */
    spill_ring_bytes_free(hot);
    spill_ring_bytes_free(warm);
    if (spill_file_spout_close(disk) != SPILL_OK) return fail("spill_file_spout_close");

    replay_spout.send = replay_send;
    replay_spout.flush = NULL;
    replay_spout.ctx = &replay;
    if (spill_file_read(path, sizeof(struct event), &replay_spout, &read_back) != SPILL_OK)
        return fail("spill_file_read");
    printf("replayed %zu events from %s, in order: %s, total reading %.1f (expected %.1f)\n",
           read_back, path, replay.out_of_order ? "no" : "yes", replay.total, expected_total);
    if (argc <= 1) remove(path);
    return read_back == total_events && !replay.out_of_order && replay.total == expected_total ? 0
                                                                                               : 1;
}
