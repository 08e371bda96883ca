/* check.c - failure reporting and the runner behind check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(_WIN32)
#include <io.h>
#include <malloc.h>
#else
#include <unistd.h>
#endif

const char *check_context = NULL;

void check_fail(const char *file, int line, const char *expr, const char *fmt, ...) {
    va_list args;
    const char *last = spill_last_error();
    printf("FAILED\n");
    fflush(stdout);
    fprintf(stderr, "%s:%d: check failed: %s\n  ", file, line, expr);
    if (check_context != NULL) fprintf(stderr, "[%s] ", check_context);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n  spill_last_error(): \"%s\"\n", last ? last : "(null)");
    fflush(stderr);
    exit(1);
}

int check_run(const struct check_case *cases, size_t count) {
    size_t i;
    for (i = 0; i < count; i++) {
        printf("test %-40s ... ", cases[i].name);
        fflush(stdout);
        cases[i].run();
        printf("ok\n");
    }
    printf("%zu test(s) passed\n", count);
    return 0;
}

const char *check_tmpdir(void) {
    const char *dir = getenv("SPILL_TEST_TMPDIR");
    if (dir == NULL || dir[0] == '\0') dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0') dir = "/tmp";
    return dir;
}

void check_temp_file(char *path, size_t size) {
    CHECK(snprintf(path, size, "%s/spill_file_XXXXXX", check_tmpdir()) < (int)size);
#if defined(_WIN32)
    {
        FILE *file;
        CHECK_EQ(_mktemp_s(path, size), 0);
        file = fopen(path, "wb");
        CHECK(file != NULL);
        CHECK_EQ(fclose(file), 0);
    }
#else
    {
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        CHECK_EQ(close(fd), 0);
    }
#endif
}

void *check_aligned_alloc(size_t align, size_t size) {
    void *mem = NULL;
#if defined(_WIN32)
    mem = _aligned_malloc(size, align);
    CHECK(mem != NULL);
#else
    CHECK_EQ(posix_memalign(&mem, align, size), 0);
#endif
    return mem;
}

void check_aligned_free(void *mem) {
#if defined(_WIN32)
    _aligned_free(mem);
#else
    free(mem);
#endif
}
