// check.hpp - assertions for the C++ tests of spill_ring.hpp.
//
// Every check is fatal: it prints where it failed (with the status name and
// spill_last_error() for status checks) and aborts, so the first broken
// expectation is the one reported. Works with -fno-exceptions.
#ifndef SPILL_CPP_TEST_CHECK_HPP
#define SPILL_CPP_TEST_CHECK_HPP

#include <spill_ring.hpp>

#include <cstdint>
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

// Calls f(type_tag<T>{}) for each by-value element type, uint8_t ... double.
template <class T> struct type_tag {
    using type = T;
};
template <class F> void for_each_by_value_family(F &&f) {
    f(type_tag<std::uint8_t>{});
    f(type_tag<std::uint16_t>{});
    f(type_tag<std::uint32_t>{});
    f(type_tag<std::uint64_t>{});
    f(type_tag<float>{});
    f(type_tag<double>{});
}

#if SPILL_HPP_EXCEPTIONS
// Whether f() throws a spill::error carrying `want`.
template <class F> bool throws_status(F &&f, spill::status want) {
    try {
        f();
    } catch (const spill::error &e) {
        return e.code() == want;
    }
    return false;
}
#endif

} // namespace check

#define CHECK(...)                                                                                 \
    do {                                                                                           \
        if (!(__VA_ARGS__)) check::fail(__FILE__, __LINE__, #__VA_ARGS__, "false");               \
    } while (0)
#define CHECK_STATUS(expr, want) check::status_is((expr), (want), __FILE__, __LINE__, #expr)
#define CHECK_OK(...) CHECK_STATUS((__VA_ARGS__), SPILL_OK)

#endif
