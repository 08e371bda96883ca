// bench_cpp.cpp - what spill_ring.hpp costs over the C calls it wraps.
//
// For a uint64_t ring (its own family) and a 24-byte struct (the bytes
// family), measures in the same run, alternating C and C++ repetitions:
//   push       evicting push into a full ring whose spout sums what it gets
//              (a C callback vs a C++ lambda receiving a typed span)
//   pop        single pops out of a full ring
//   push_bulk  64 per call, evicting into the summing spout
//   pop_bulk   64 per call
// Each figure is the best of several repetitions, in ns per element; the
// ratio is C++ / C (1.00: the same cost). Prints a Markdown table.
//
// Usage: bench_cpp [--quick]
#include <spill_ring.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr std::size_t capacity = 1024;
constexpr std::size_t batch = 64;
std::size_t g_elements = std::size_t{1} << 22; // per repetition
int g_repetitions = 9;
std::uint64_t g_checksum = 0;

struct event {
    std::uint64_t frame;
    std::uint32_t entity;
    std::uint16_t kind, seq;
    float x, y;
};
static_assert(sizeof(event) == 24, "24-byte event");

std::uint64_t key(std::uint64_t v) { return v; }
std::uint64_t key(const event &e) { return e.frame; }
template <class T> T make(std::uint64_t i);
template <> std::uint64_t make<std::uint64_t>(std::uint64_t i) { return i; }
template <> event make<event>(std::uint64_t i) {
    return event{i, static_cast<std::uint32_t>(i), 1, 2, 0.5f, 1.5f};
}

double now_ns() {
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

[[noreturn]] void die(const char *what) {
    std::fprintf(stderr, "%s failed: %s\n", what, spill::last_error());
    std::exit(1);
}
void ok(spill::status s, const char *what) {
    if (s != SPILL_OK) die(what);
}

// The summing spout, as a C callback.
template <class T> int c_sum(void *ctx, const void *items, std::size_t count) {
    const T *v = static_cast<const T *>(items);
    std::uint64_t &sum = *static_cast<std::uint64_t *>(ctx);
    for (std::size_t i = 0; i < count; ++i) sum += key(v[i]);
    return 0;
}

// The C interface of one family, called directly.
struct c_u64 {
    using T = std::uint64_t;
    using ring = spill_ring_u64;
    static ring *make_ring(const spill_spout *s) {
        ring *r = nullptr;
        ok(spill_ring_u64_create(capacity, s, &r), "spill_ring_u64_create");
        return r;
    }
    static spill::status push(ring *r, T v) { return spill_ring_u64_push(r, v); }
    static spill::status pop(ring *r, T *out) { return spill_ring_u64_pop(r, out); }
    static spill::status push_bulk(ring *r, const T *v, std::size_t n) {
        return spill_ring_u64_push_bulk(r, v, n, nullptr);
    }
    static spill::status pop_bulk(ring *r, T *out, std::size_t n, std::size_t *got) {
        return spill_ring_u64_pop_bulk(r, out, n, got);
    }
    static void free_ring(ring *r) { ok(spill_ring_u64_free(r), "spill_ring_u64_free"); }
};
struct c_event {
    using T = event;
    using ring = spill_ring_bytes;
    static ring *make_ring(const spill_spout *s) {
        ring *r = nullptr;
        ok(spill_ring_bytes_create(sizeof(event), capacity, s, &r), "spill_ring_bytes_create");
        return r;
    }
    static spill::status push(ring *r, const T &v) { return spill_ring_bytes_push(r, &v); }
    static spill::status pop(ring *r, T *out) { return spill_ring_bytes_pop(r, out); }
    static spill::status push_bulk(ring *r, const T *v, std::size_t n) {
        return spill_ring_bytes_push_bulk(r, v, n, nullptr);
    }
    static spill::status pop_bulk(ring *r, T *out, std::size_t n, std::size_t *got) {
        return spill_ring_bytes_pop_bulk(r, out, n, got);
    }
    static void free_ring(ring *r) { ok(spill_ring_bytes_free(r), "spill_ring_bytes_free"); }
};

// One operation over `elements` elements, through the C calls (C) or the
// wrapper; returns ns per element.
enum class op { push, pop, push_bulk, pop_bulk };

template <class C> double run_c(op o) {
    using T = typename C::T;
    std::uint64_t sum = 0;
    const spill_spout spout{&c_sum<T>, nullptr, &sum};
    typename C::ring *r = C::make_ring(&spout);
    std::vector<T> in(capacity), out(capacity);
    for (std::size_t i = 0; i < capacity; ++i) in[i] = make<T>(i);
    ok(C::push_bulk(r, in.data(), capacity), "fill");
    double ns = 0;
    if (o == op::push || o == op::push_bulk) {
        const double t0 = now_ns();
        if (o == op::push) {
            for (std::size_t i = 0; i < g_elements; ++i) ok(C::push(r, make<T>(i)), "push");
        } else {
            for (std::size_t i = 0; i < g_elements; i += batch)
                ok(C::push_bulk(r, in.data() + i % capacity, batch), "push_bulk");
        }
        ns = now_ns() - t0;
    } else {
        for (std::size_t done = 0; done < g_elements; done += capacity) {
            ok(C::push_bulk(r, in.data(), capacity), "refill");
            const double t0 = now_ns();
            if (o == op::pop) {
                for (std::size_t i = 0; i < capacity; ++i) ok(C::pop(r, &out[i]), "pop");
            } else {
                std::size_t got = 0;
                for (std::size_t i = 0; i < capacity; i += batch) ok(C::pop_bulk(r, &out[i], batch, &got), "pop_bulk");
            }
            ns += now_ns() - t0;
            sum += key(out[capacity - 1]);
        }
    }
    C::free_ring(r);
    g_checksum += sum;
    return ns / static_cast<double>(g_elements);
}

template <class T> double run_cpp(op o) {
    std::uint64_t sum = 0;
    spill::ring<T> r;
    ok(spill::ring<T>::create(
           capacity,
           [&sum](spill::span<const T> items) {
               for (const T &v : items) sum += key(v);
           },
           r),
       "spill::ring::create");
    std::vector<T> in(capacity), out(capacity);
    for (std::size_t i = 0; i < capacity; ++i) in[i] = make<T>(i);
    ok(r.push_bulk(in.data(), capacity), "fill");
    double ns = 0;
    if (o == op::push || o == op::push_bulk) {
        const double t0 = now_ns();
        if (o == op::push) {
            for (std::size_t i = 0; i < g_elements; ++i) ok(r.push(make<T>(i)), "push");
        } else {
            for (std::size_t i = 0; i < g_elements; i += batch)
                ok(r.push_bulk(in.data() + i % capacity, batch), "push_bulk");
        }
        ns = now_ns() - t0;
    } else {
        for (std::size_t done = 0; done < g_elements; done += capacity) {
            ok(r.push_bulk(in.data(), capacity), "refill");
            const double t0 = now_ns();
            if (o == op::pop) {
                for (std::size_t i = 0; i < capacity; ++i) ok(r.pop(out[i]), "pop");
            } else {
                std::size_t got = 0;
                for (std::size_t i = 0; i < capacity; i += batch) ok(r.pop_bulk(&out[i], batch, got), "pop_bulk");
            }
            ns += now_ns() - t0;
            sum += key(out[capacity - 1]);
        }
    }
    ok(r.close(), "close");
    g_checksum += sum;
    return ns / static_cast<double>(g_elements);
}

template <class C> void compare(const char *family, op o, const char *name) {
    double best_c = -1, best_cpp = -1;
    for (int rep = 0; rep < g_repetitions; ++rep) { // alternate, so drift hits both
        const double c = run_c<C>(o);
        const double cpp = run_cpp<typename C::T>(o);
        if (best_c < 0 || c < best_c) best_c = c;
        if (best_cpp < 0 || cpp < best_cpp) best_cpp = cpp;
    }
    std::printf("| %-9s | %-16s | %8.2f | %8.2f | %5.2f |\n", name, family, best_c, best_cpp, best_cpp / best_c);
}

} // namespace

int main(int argc, char **argv) {
    if (argc > 1 && std::strcmp(argv[1], "--quick") == 0) {
        g_elements = std::size_t{1} << 12;
        g_repetitions = 1;
    }
    std::printf("| operation | family           | C ns/el  | C++ ns/el | C++/C |\n");
    std::printf("|-----------|------------------|---------:|---------:|------:|\n");
    const struct {
        op o;
        const char *name;
    } ops[] = {{op::push, "push"}, {op::pop, "pop"}, {op::push_bulk, "push_bulk"}, {op::pop_bulk, "pop_bulk"}};
    for (const auto &x : ops) compare<c_u64>("u64", x.o, x.name);
    for (const auto &x : ops) compare<c_event>("bytes (24 B)", x.o, x.name);
    std::fprintf(stderr, "checksum %llu\n", static_cast<unsigned long long>(g_checksum));
    return 0;
}
