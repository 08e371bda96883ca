// check.hpp - assertions for the C++ tests of spill_ring.hpp.
//
// Every check is fatal: it prints where it failed (with the status name and
// spill_last_error() for status checks) and aborts, so the first broken
// expectation is the one reported. Works with -fno-exceptions.
#ifndef SPILL_CPP_TEST_CHECK_HPP
#define SPILL_CPP_TEST_CHECK_HPP

#include <spill_ring.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace check {

[[noreturn]] inline void fail(const char *file, int line, const char *expr, const char *detail) {
    std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", file, line, expr, detail);
    std::abort();
}

inline void status_is(spill::status got, spill::status want, const char *file, int line,
                      const char *expr) {
    if (got == want) return;
    const std::string detail = std::string("got ") + spill::status_name(got) + ", want " +
                               spill::status_name(want) + "; last error: " + spill::last_error();
    fail(file, line, expr, detail.c_str());
}

// $SPILL_TEST_TMPDIR, else $TMPDIR, else /tmp, joined with `name`.
inline std::string tmp_path(const char *name) {
    const char *dir = std::getenv("SPILL_TEST_TMPDIR");
    if (dir == nullptr || *dir == '\0') dir = std::getenv("TMPDIR");
    if (dir == nullptr || *dir == '\0') dir = "/tmp";
    return std::string(dir) + "/" + name;
}

} // namespace check

#define CHECK(...)                                                                                 \
    do {                                                                                           \
        if (!(__VA_ARGS__)) check::fail(__FILE__, __LINE__, #__VA_ARGS__, "false");               \
    } while (0)
#define CHECK_STATUS(expr, want) check::status_is((expr), (want), __FILE__, __LINE__, #expr)
#define CHECK_OK(...) CHECK_STATUS((__VA_ARGS__), SPILL_OK)

#endif
