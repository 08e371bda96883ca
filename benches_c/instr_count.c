/*
 * instr_count.c - one benchmark case per run, for counting instructions
 * with callgrind (scripts/bench_instructions.sh): unlike time, the count
 * is the same from run to run on a busy machine, so before/after and
 * ABI-against-hand-ring ratios can be read from it.
 *
 * Usage: instr_count CASE N   (N operations after filling a 1024 ring)
 * Cases: hand, hand_sink (the hand ring of hand_ring.h, called, without and
 * with a C sink), u64_nospout, u64_spout (spill_ring_u64_push into a full
 * ring, no spout / a counting C spout), u64_pop (pop + push), bytesN
 * (spill_ring_bytes_push of N-byte elements into a full ring), bulkN
 * (spill_ring_bytes_push_bulk of 64 N-byte elements per call).
 */
#include <spill_ring.h>
#include "hand_ring.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int count_send(void *ctx, const void *items, size_t count) { (void)items; *(size_t *)ctx += count; return 0; }
int main(int argc, char **argv) {
    const char *c = argv[1]; size_t n = strtoull(argv[2], 0, 10), i, spilled = 0;
    spill_spout sp = {count_send, NULL, &spilled};
    unsigned char item[128] = {0};
    if (!strcmp(c, "u64_spout") || !strcmp(c, "u64_nospout") || !strcmp(c, "u64_pop")) {
        spill_ring_u64 *r = spill_ring_u64_new(1024, strcmp(c, "u64_spout") ? NULL : &sp);
        if (r == NULL) return 1;
        for (i = 0; i < 1024; i++) spill_ring_u64_push(r, i);
        if (!strcmp(c, "u64_pop")) { uint64_t o; for (i = 0; i < n; i++) { spill_ring_u64_pop(r, &o); spill_ring_u64_push(r, o);} }
        else for (i = 0; i < n; i++) spill_ring_u64_push(r, i);
        spill_ring_u64_free(r);
    } else if (!strncmp(c, "bytes", 5)) {
        size_t es = strtoull(c + 5, 0, 10); spill_ring_bytes *r = spill_ring_bytes_new(es, 1024, NULL);
        if (r == NULL) return 1;
        for (i = 0; i < 1024; i++) spill_ring_bytes_push(r, item);
        for (i = 0; i < n; i++) { item[0] = (unsigned char)i; spill_ring_bytes_push(r, item); }
        spill_ring_bytes_free(r);
    } else if (!strncmp(c, "bulk", 4)) {
        static unsigned char batch[64 * 128];
        size_t es = strtoull(c + 4, 0, 10);
        spill_ring_bytes *r = spill_ring_bytes_new(es, 1024, NULL);
        if (r == NULL) return 1;
        for (i = 0; i < 16; i++) spill_ring_bytes_push_bulk(r, batch, 64, NULL);
        for (i = 0; i < n / 64; i++) { batch[0] = (unsigned char)i; spill_ring_bytes_push_bulk(r, batch, 64, NULL); }
        spill_ring_bytes_free(r);
    } else if (!strcmp(c, "hand_sink")) {
        struct hand_sink_ring s; s.ring.slots = calloc(1024, 8); s.ring.mask = 1023; s.ring.head = s.ring.tail = 0; s.send = count_send; s.ctx = &spilled;
        for (i = 0; i < 1024 + n; i++) hand_ring_push_sink(&s, i);
    } else if (!strcmp(c, "hand")) {
        struct hand_ring s; s.slots = calloc(1024, 8); s.mask = 1023; s.head = s.tail = 0;
        for (i = 0; i < 1024 + n; i++) hand_ring_push(&s, i);
    }
    printf("%zu\n", spilled);
    return 0;
}
