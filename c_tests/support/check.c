/* check.c - failure reporting and the runner behind check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
