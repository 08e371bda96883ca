/*
 * File spout (the disk tier): items evicted into a file spout persist, in
 * order, and spill_file_read hands them back to a spout. Reopening appends.
 * Bad paths, sizes and files are reported with their status.
 */
#include "support/check.h"
#include "support/families.h"
#include "support/spouts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Creates an empty temporary file and writes its path to `path`. */
static void temp_path(char *path, size_t size) {
    int fd;
    CHECK(snprintf(path, size, "%s/spill_file_XXXXXX", check_tmpdir()) < (int)size);
    fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
}

/* Pushes items first..first+count-1 through a ring of capacity 8 whose spout is
 * a file spout on `path`, then frees the ring and closes the file. */
static void write_through_ring(const struct family *f, const char *path, size_t first, size_t count) {
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

    temp_path(path, sizeof path);
    write_through_ring(f, path, 0, 100);
    write_through_ring(f, path, 100, 5); /* appends */

    collector_init(&back, f->elem_size);
    spout = collector_spout(&back);
    CHECK_OK(spill_file_read(path, f->elem_size, &spout, &count));
    CHECK_EQ(count, 105);
    CHECK_EQ(back.count, 105);
    family_check_items(f, back.data, 0, 105);
    collector_free(&back);
    CHECK_EQ(unlink(path), 0);
}

static void round_trip(void) { for_each_family(round_trip_for); }

static void empty_file_reads_nothing(void) {
    char path[512];
    struct collector back;
    spill_spout spout;
    size_t count = 99;
    spill_file_spout *file;

    temp_path(path, sizeof path);
    file = spill_file_spout_open(path, 8);
    CHECK(file != NULL);
    CHECK_OK(spill_file_spout_close(file));
    collector_init(&back, 8);
    spout = collector_spout(&back);
    CHECK_OK(spill_file_read(path, 8, &spout, &count));
    CHECK_EQ(count, 0);
    CHECK_EQ(back.count, 0);
    collector_free(&back);
    CHECK_EQ(unlink(path), 0);
}

static void file_errors(void) {
    char path[512], missing[600];
    struct collector back;
    spill_spout spout, no_send;
    size_t count = 0;
    FILE *raw;

    collector_init(&back, 8);
    spout = collector_spout(&back);
    no_send = spout;
    no_send.send = NULL;

    CHECK(snprintf(missing, sizeof missing, "%s/no/such/dir/spill.bin", check_tmpdir()) > 0);
    CHECK(spill_file_spout_open(missing, 8) == NULL);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(spill_file_spout_open(NULL, 8) == NULL);
    CHECK_STATUS(spill_file_read(missing, 8, &spout, &count), SPILL_IO_ERROR);
    CHECK(spill_last_error()[0] != '\0');

    temp_path(path, sizeof path);
    CHECK(spill_file_spout_open(path, 0) == NULL);
    CHECK(spill_file_spout_open(path, SPILL_RING_MAX_ELEM_SIZE + 1) == NULL);

    /* 10 bytes are not a whole number of 8-byte items. */
    raw = fopen(path, "wb");
    CHECK(raw != NULL);
    CHECK_EQ(fwrite("0123456789", 1, 10, raw), 10);
    CHECK_EQ(fclose(raw), 0);
    CHECK_STATUS(spill_file_read(path, 8, &spout, &count), SPILL_INVALID_ARGUMENT);
    CHECK_OK(spill_file_read(path, 5, &spout, &count));
    CHECK_EQ(count, 2);

    /* A refusing destination: SPILL_SPOUT_FAILED, nothing counted as read. */
    back.accept_sends = 0;
    back.elem_size = 5;
    CHECK_STATUS(spill_file_read(path, 5, &spout, &count), SPILL_SPOUT_FAILED);
    CHECK_EQ(count, 0);

    CHECK_STATUS(spill_file_read(NULL, 8, &spout, &count), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, 5, NULL, &count), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, 5, &spout, NULL), SPILL_NULL_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, 5, &no_send, &count), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill_file_read(path, 0, &spout, &count), SPILL_INVALID_ARGUMENT);
    CHECK_OK(spill_file_spout_close(NULL));
    collector_free(&back);
    CHECK_EQ(unlink(path), 0);
}

CHECK_MAIN(CHECK_CASE(round_trip), CHECK_CASE(empty_file_reads_nothing), CHECK_CASE(file_errors))
