/*
 * check.h - the C test suite's assertions and test runner.
 *
 * Every assertion is fatal: it prints where it failed, the values involved
 * and spill_last_error(), then exits with status 1, so a failing ctest shows
 * the first broken expectation and nothing runs on a corrupted state.
 */
#ifndef SPILL_TEST_CHECK_H
#define SPILL_TEST_CHECK_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <string.h>

#include "spill_ring.h"

/** One test case: a name for the report and the function that runs it. */
struct check_case {
    const char *name;
    void (*run)(void);
};

/** Extra words for failure reports (such as the ring family under test); may be NULL. */
extern const char *check_context;

/* MinGW checks printf formats against msvcrt's unless told they are C99's
 * (the tests build with __USE_MINGW_ANSI_STDIO=1). */
#if defined(__MINGW32__)
#define CHECK_PRINTF_FORMAT gnu_printf
#else
#define CHECK_PRINTF_FORMAT printf
#endif

/** Prints a failure report (printf-style detail) and exits with status 1. */
void check_fail(const char *file, int line, const char *expr, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((noreturn, format(CHECK_PRINTF_FORMAT, 4, 5)))
#endif
    ;

/** Runs every case in order, printing one line each; returns main's status. */
int check_run(const struct check_case *cases, size_t count);

/**
 * Directory for files a test creates: $SPILL_TEST_TMPDIR when set, else
 * $TMPDIR, else /tmp.
 */
const char *check_tmpdir(void);

/** Creates an empty file of a new name in check_tmpdir(); writes its path to `path`. */
void check_temp_file(char *path, size_t size);

/** `size` bytes aligned to `align` (a power of two), or a failed check; free with check_aligned_free(). */
void *check_aligned_alloc(size_t align, size_t size);

/** Frees memory from check_aligned_alloc() (NULL is allowed). */
void check_aligned_free(void *mem);

/** Fails unless `cond` holds. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) check_fail(__FILE__, __LINE__, #cond, "condition is false");                  \
    } while (0)

/** Fails unless two integers are equal (compared as unsigned long long). */
#define CHECK_EQ(actual, expected)                                                                 \
    do {                                                                                           \
        unsigned long long check_a_ = (unsigned long long)(actual);                                \
        unsigned long long check_e_ = (unsigned long long)(expected);                              \
        if (check_a_ != check_e_)                                                                  \
            check_fail(__FILE__, __LINE__, #actual " == " #expected, "got %llu, expected %llu",    \
                       check_a_, check_e_);                                                        \
    } while (0)

/** Fails unless `expr` returns the status `expected`. */
#define CHECK_STATUS(expr, expected)                                                               \
    do {                                                                                           \
        int check_s_ = (int)(expr);                                                                \
        int check_x_ = (int)(expected);                                                            \
        if (check_s_ != check_x_)                                                                  \
            check_fail(__FILE__, __LINE__, #expr, "returned %s, expected %s",                      \
                       spill_status_str(check_s_), spill_status_str(check_x_));                    \
    } while (0)

/** Fails unless `expr` returns SPILL_OK. */
#define CHECK_OK(expr) CHECK_STATUS(expr, SPILL_OK)

/** Fails unless `n` bytes at `actual` equal those at `expected`. */
#define CHECK_MEM(actual, expected, n)                                                             \
    do {                                                                                           \
        if (memcmp((actual), (expected), (n)) != 0)                                                \
            check_fail(__FILE__, __LINE__, "memcmp(" #actual ", " #expected ")",                   \
                       "%zu bytes differ", (size_t)(n));                                           \
    } while (0)

/** Names a test function as a case for CHECK_MAIN. */
#define CHECK_CASE(fn) {#fn, fn}

/** Defines main() running the listed CHECK_CASEs. */
#define CHECK_MAIN(...)                                                                            \
    int main(void) {                                                                               \
        static const struct check_case check_cases_[] = {__VA_ARGS__};                             \
        return check_run(check_cases_, sizeof check_cases_ / sizeof check_cases_[0]);              \
    }

#endif /* SPILL_TEST_CHECK_H */
