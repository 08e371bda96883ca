/*
 * File spout (the disk tier): items evicted into a file spout persist, in
 * order, and spill_file_read hands them back to a spout in batches of at
 * most 64 KiB. Reopening appends. Bad paths, sizes and files (not a record
 * file, another record size, a cut record) are reported with their status.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Cuts the last `bytes` bytes off the file at `path`. */
static void cut_file(const char *path, long bytes) {
    static unsigned char content[1 << 16];
    size_t size;
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL);
    size = fread(content, 1, sizeof content, file);
    CHECK(feof(file));
    CHECK_EQ(fclose(file), 0);
    CHECK(size >= (size_t)bytes);
    file = fopen(path, "wb");
    CHECK(file != NULL);
    CHECK_EQ(fwrite(content, 1, size - (size_t)bytes, file), size - (size_t)bytes);
    CHECK_EQ(fclose(file), 0);
}

/* Pushes items first..first+count-1 through a ring of capacity 8 whose spout is
 * a file spout on `path`, then frees the ring and closes the file. */
static void write_through_ring(const struct family *f, const char *path, size_t first,
                               size_t count) {
    spill_file_spout *file = spill_file_spout_open(path, f->elem_size);
    spill_spout spout;
    void *ring;
    CHECK(file != NULL);
    spout = spill_file_spout_as_spout(file);
    CHECK(spout.send != NULL);
    ring = family_new(f, 8, &spout);
    family_push_range(f, ring, first, count);
    CHECK_OK(f->destroy(ring)); /* the last 8 go to the file as well */
    CHECK_OK(spill_file_spout_close(file));
}

static void round_trip_for(const struct family *f) {
    char path[512];
    struct collector back;
    spill_spout spout;
    size_t count = 0;

    check_temp_file(path, sizeof path);
    write_through_ring(f, path, 0, 100);
    write_through_ring(f, path, 100, 5); /* appends */

    spout = collector_start(&back, f->elem_size);
    CHECK_OK(spill_file_read(path, f->elem_size, &spout, &count));
    CHECK_EQ(count, 105);
    CHECK_EQ(back.count, 105);
    family_check_items(f, back.data, 0, 105);
    collector_free(&back);
    CHECK_EQ(remove(path), 0);
}

static void round_trip(void) { for_each_family(round_trip_for); }

static void empty_file_reads_nothing(void) {
    char path[512];
    struct collector back;
    spill_spout spout;
    size_t count = 99;
    spill_file_spout *file;

    check_temp_file(path, sizeof path);
    file = spill_file_spout_open(path, 8);
    CHECK(file != NULL);
    CHECK_OK(spill_file_spout_close(file));
    spout = collector_start(&back, 8);
    CHECK_OK(spill_file_read(path, 8, &spout, &count));
    CHECK_EQ(count, 0);
    CHECK_EQ(back.count, 0);
    collector_free(&back);
    CHECK_EQ(remove(path), 0);
}

static void large_file_reads_in_bounded_batches(void) {
    /* 20000 u64 (160 KB) come back in batches of at most 64 KiB. */
    const struct family *f = family_bytes(8);
    char path[512];
    struct collector back;
    spill_spout spout;
    size_t count = 0;

    check_temp_file(path, sizeof path);
    write_through_ring(f, path, 0, 20000);
    spout = collector_start(&back, 8);
    CHECK_OK(spill_file_read(path, 8, &spout, &count));
    CHECK_EQ(count, 20000);
    CHECK(back.batches >= 3);
    CHECK(back.largest_batch * 8 <= 64 * 1024);
    family_check_items(f, back.data, 0, 20000);

    /* out_count may be NULL. */
    collector_reset(&back);
    CHECK_OK(spill_file_read(path, 8, &spout, NULL));
    CHECK_EQ(back.count, 20000);
    collector_free(&back);
    CHECK_EQ(remove(path), 0);
}

static void bad_arguments(void) {
    char path[512], missing[600];
    struct collector back;
    spill_spout spout, no_send;
    size_t count = 99;

    spout = collector_start(&back, 8);
    no_send = spout;
    no_send.send = NULL;
    check_temp_file(path, sizeof path);
    write_through_ring(family_bytes(8), path, 0, 3);

    CHECK(spill_file_spout_open(NULL, 8) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(spill_file_spout_open(path, 0) == NULL);
    CHECK(spill_file_spout_open(path, SPILL_RING_MAX_ELEM_SIZE + 1) == NULL);
    CHECK(snprintf(missing, sizeof missing, "%s/no/such/dir/spill.bin", check_tmpdir()) > 0);
    CHECK(spill_file_spout_open(missing, 8) == NULL);
    CHECK(spill_last_error()[0] != '\0');

    CHECK_STATUS(spill_file_read(NULL, 8, &spout, &count), SPILL_NULL_ARGUMENT);
    CHECK_EQ(count, 0);
    CHECK_STATUS(spill_file_read(path, 8, NULL, &count), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, 8, &no_send, &count), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, 0, &spout, &count), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, SPILL_RING_MAX_ELEM_SIZE + 1, &spout, &count),
                 SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_file_read(missing, 8, &spout, &count), SPILL_IO_ERROR);
    CHECK(spill_last_error()[0] != '\0');
    CHECK_EQ(back.count, 0);

    /* A spout made from a NULL file has no send. */
    CHECK(spill_file_spout_as_spout(NULL).send == NULL);
    CHECK_OK(spill_file_spout_close(NULL));
    collector_free(&back);
    CHECK_EQ(remove(path), 0);
}

static void bad_files(void) {
    char path[512];
    struct collector back;
    spill_spout spout;
    size_t count = 0;
    FILE *raw;

    spout = collector_start(&back, 8);

    /* Not a record file: refused by open and read. */
    check_temp_file(path, sizeof path);
    raw = fopen(path, "wb");
    CHECK(raw != NULL);
    CHECK_EQ(fwrite("not a record file at all", 1, 24, raw), 24);
    CHECK_EQ(fclose(raw), 0);
    CHECK(spill_file_spout_open(path, 8) == NULL);
    CHECK_STATUS(spill_file_read(path, 8, &spout, &count), SPILL_IO_ERROR);
    CHECK_EQ(back.count, 0);
    CHECK_EQ(remove(path), 0);

    /* Records of another size: refused by open and read. */
    check_temp_file(path, sizeof path);
    write_through_ring(family_bytes(8), path, 0, 4);
    CHECK(spill_file_spout_open(path, 16) == NULL);
    CHECK_STATUS(spill_file_read(path, 16, &spout, &count), SPILL_IO_ERROR);
    CHECK_EQ(back.count, 0);

    /* A file cut inside its last record: the whole records arrive, then
     * SPILL_IO_ERROR. */
    cut_file(path, 3);
    CHECK_STATUS(spill_file_read(path, 8, &spout, &count), SPILL_IO_ERROR);
    CHECK_EQ(count, 3);
    CHECK_EQ(back.count, 3);
    family_check_items(family_bytes(8), back.data, 0, 3);

    /* A refusing destination: SPILL_SPOUT_FAILED, nothing counted. */
    collector_reset(&back);
    back.accept_sends = 0;
    CHECK_STATUS(spill_file_read(path, 8, &spout, &count), SPILL_SPOUT_FAILED);
    CHECK_EQ(count, 0);
    CHECK_EQ(back.count, 0);
    CHECK_EQ(remove(path), 0);

    /* A device that takes no data cannot become a record file (where there
     * is one). */
    raw = fopen("/dev/full", "wb");
    if (raw != NULL) {
        CHECK_EQ(fclose(raw), 0);
        CHECK(spill_file_spout_open("/dev/full", 8) == NULL);
    }
    collector_free(&back);
}

CHECK_MAIN(CHECK_CASE(round_trip), CHECK_CASE(empty_file_reads_nothing),
           CHECK_CASE(large_file_reads_in_bounded_batches), CHECK_CASE(bad_arguments),
           CHECK_CASE(bad_files))
