/*
 * Status strings, retryability, the thread-local last error, and the version
 * (header macros, spill_version() and, when the build passes it, the
 * package version).
 */
#include "support/check.h"

#include <pthread.h>
#include <stdio.h>

static void every_status_has_its_name(void) {
    static const struct {
        int status;
        const char *name;
        int retryable;
    } all[] = {
        {SPILL_OK, "SPILL_OK", 0},
        {SPILL_EMPTY, "SPILL_EMPTY", 1},
        {SPILL_FULL, "SPILL_FULL", 1},
        {SPILL_NULL_ARGUMENT, "SPILL_NULL_ARGUMENT", 0},
        {SPILL_INVALID_ARGUMENT, "SPILL_INVALID_ARGUMENT", 0},
        {SPILL_SPOUT_FAILED, "SPILL_SPOUT_FAILED", 0},
        {SPILL_WORKER_PANICKED, "SPILL_WORKER_PANICKED", 0},
        {SPILL_OUT_OF_MEMORY, "SPILL_OUT_OF_MEMORY", 0},
        {SPILL_IO_ERROR, "SPILL_IO_ERROR", 0},
        {SPILL_BUSY, "SPILL_BUSY", 1},
        {SPILL_PANIC, "SPILL_PANIC", 0},
        {SPILL_TIMEOUT, "SPILL_TIMEOUT", 1},
        {SPILL_CLOSED, "SPILL_CLOSED", 0},
    };
    size_t i;
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        CHECK_EQ(all[i].status, i); /* codes are stable: 0..12 in order */
        CHECK(spill_status_str(all[i].status) != NULL);
        CHECK(strcmp(spill_status_str(all[i].status), all[i].name) == 0);
        CHECK_EQ(spill_status_is_retryable(all[i].status), all[i].retryable);
    }
}

static void unknown_statuses(void) {
    static const int unknown[] = {-1, 13, 14, 255, 1000, -2147483647 - 1, 2147483647};
    size_t i;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(strcmp(spill_status_str(unknown[i]), "SPILL_UNKNOWN_STATUS") == 0);
        CHECK(!spill_status_is_retryable(unknown[i]));
    }
}

/* Runs in a fresh thread: no error yet (the main thread has one), then one
 * of its own. */
static void *error_in_thread(void *arg) {
    int *ok = (int *)arg;
    *ok = spill_last_error() != NULL && spill_last_error()[0] == '\0';
    *ok = *ok && spill_ring_u64_new(3, NULL) == NULL;
    *ok = *ok && spill_last_error()[0] != '\0';
    return NULL;
}

static void last_error_is_per_thread(void) {
    pthread_t thread;
    int thread_ok = 0;
    char saved[512];

    CHECK(spill_ring_u32_new(0, NULL) == NULL);
    CHECK(spill_last_error() != NULL && spill_last_error()[0] != '\0');
    CHECK(strstr(spill_last_error(), "capacity") != NULL);
    snprintf(saved, sizeof saved, "%s", spill_last_error());

    CHECK_EQ(pthread_create(&thread, NULL, error_in_thread, &thread_ok), 0);
    CHECK_EQ(pthread_join(thread, NULL), 0);
    CHECK(thread_ok);
    /* The other thread's failure did not touch this thread's message. */
    CHECK(strcmp(spill_last_error(), saved) == 0);

    /* A successful call leaves it; a different failure replaces it. */
    CHECK(spill_version() != 0);
    CHECK(strcmp(spill_last_error(), saved) == 0);
    CHECK_STATUS(spill_ring_u32_pop(NULL, NULL), SPILL_NULL_ARGUMENT);
    CHECK(spill_last_error()[0] != '\0');
    CHECK(strcmp(spill_last_error(), saved) != 0);
}

static void version_is_consistent(void) {
    uint32_t v = spill_version();
    CHECK_EQ(v >> 16, SPILL_RING_VERSION_MAJOR);
    CHECK_EQ((v >> 8) & 0xffu, SPILL_RING_VERSION_MINOR);
    CHECK_EQ(v & 0xffu, SPILL_RING_VERSION_PATCH);
#ifdef SPILL_EXPECTED_VERSION
    {
        char text[32];
        snprintf(text, sizeof text, "%u.%u.%u", (unsigned)SPILL_RING_VERSION_MAJOR,
                 (unsigned)SPILL_RING_VERSION_MINOR, (unsigned)SPILL_RING_VERSION_PATCH);
        if (strcmp(text, SPILL_EXPECTED_VERSION) != 0)
            check_fail(__FILE__, __LINE__, "version", "header says %s, package says %s", text,
                       SPILL_EXPECTED_VERSION);
    }
#endif
}

CHECK_MAIN(CHECK_CASE(every_status_has_its_name), CHECK_CASE(unknown_statuses),
           CHECK_CASE(last_error_is_per_thread), CHECK_CASE(version_is_consistent))
