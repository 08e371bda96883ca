// bench_cpp.cpp - what spill_ring.hpp costs over the C calls it wraps.
//
// For a uint64_t ring (its own family) and a 24-byte struct (the bytes
// family), measures in the same run, taking turns, the C calls and the
// wrapper's calls, the wrapper once with an owned lambda as the spout and
// once with a borrowed function object (spout<T>::ref):
//   push       evicting push into a full ring whose spout sums what it gets
//              (a C callback; a C++ callable receiving a typed span)
//   pop        single pops out of a full ring
//   push_bulk  64 per call, evicting into the summing spout
//   pop_bulk   64 per call
// Each figure is the best of 31 repetitions (C and C++ take turns going
// first) in thread CPU time, in ns per element; each ratio is C++ / C
// (1.00: the same cost). Prints a Markdown table.
//
// Usage: bench_cpp [--quick]
#include <spill_ring.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

namespace {

// The evicting pushes run on a full ring of 1024; the pops empty rings of
// 65536, timed per ring (so reading the clock costs < 0.01 ns an element).
constexpr std::size_t push_capacity = 1024;
constexpr std::size_t pop_capacity = 65536;
constexpr std::size_t batch = 64;
std::size_t g_elements = std::size_t{1} << 20; // per repetition
int g_repetitions = 31;
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

// The calling thread's CPU time: a shared machine's other load (time this
// thread spends descheduled) does not count.
double now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
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
    static ring *make_ring(std::size_t capacity, const spill_spout *s) {
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
    static ring *make_ring(std::size_t capacity, const spill_spout *s) {
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

// The sides, each owning a ring whose spout sums what it receives: the C
// calls with a C callback, and spill::ring<T> (below).
template <class C> struct c_side {
    using T = typename C::T;
    explicit c_side(std::size_t capacity) {
        const spill_spout spout{&c_sum<T>, nullptr, &sum};
        r = C::make_ring(capacity, &spout);
    }
    ~c_side() { C::free_ring(r); }
    c_side(const c_side &) = delete;
    c_side &operator=(const c_side &) = delete;
    spill::status push(const T &v) { return C::push(r, v); }
    spill::status pop(T &out) { return C::pop(r, &out); }
    spill::status push_bulk(const T *v, std::size_t n) { return C::push_bulk(r, v, n); }
    spill::status pop_bulk(T *out, std::size_t n, std::size_t &got) { return C::pop_bulk(r, out, n, &got); }
    std::uint64_t sum = 0;
    typename C::ring *r = nullptr;
};

// The summing spout as a C++ function object holding its state, as the C
// callback's context does.
template <class T> struct summer {
    std::uint64_t sum = 0;
    void operator()(spill::span<const T> items) {
        for (const T &v : items) sum += key(v);
    }
};

// spill::ring<T> with an owned lambda capturing the sum by reference
// (Borrowed false: one more load per spout call than the C callback, which
// the capture costs), or with spout<T>::ref to a summer (Borrowed true: the
// same accesses as the C callback).
template <class C, bool Borrowed> struct cpp_side {
    using T = typename C::T;
    explicit cpp_side(std::size_t capacity) {
        spill::status s = SPILL_OK;
        if (Borrowed) {
            s = spill::ring<T>::create(capacity, spill::spout<T>::ref(fn), r);
        } else {
            s = spill::ring<T>::create(
                capacity,
                [this](spill::span<const T> items) {
                    for (const T &v : items) fn.sum += key(v);
                },
                r);
        }
        ok(s, "spill::ring::create");
    }
    cpp_side(const cpp_side &) = delete;
    cpp_side &operator=(const cpp_side &) = delete;
    spill::status push(const T &v) { return r.push(v); }
    spill::status pop(T &out) { return r.pop(out); }
    spill::status push_bulk(const T *v, std::size_t n) { return r.push_bulk(v, n); }
    spill::status pop_bulk(T *out, std::size_t n, std::size_t &got) { return r.pop_bulk(out, n, got); }
    summer<T> fn;
    std::uint64_t &sum = fn.sum;
    spill::ring<T> r; // declared last: freed (flushing into fn) first
};

// One operation over g_elements elements on one side; ns per element.
enum class op { push, pop, push_bulk, pop_bulk };

template <class Side> double run(op o) {
    using T = typename Side::T;
    const std::size_t capacity = o == op::push || o == op::push_bulk ? push_capacity : pop_capacity;
    Side side(capacity);
    std::vector<T> in(capacity), out(capacity);
    for (std::size_t i = 0; i < capacity; ++i) in[i] = make<T>(i);
    ok(side.push_bulk(in.data(), capacity), "fill");
    double ns = 0;
    if (o == op::push || o == op::push_bulk) {
        const double t0 = now_ns();
        if (o == op::push) {
            for (std::size_t i = 0; i < g_elements; ++i) ok(side.push(make<T>(i)), "push");
        } else {
            for (std::size_t i = 0; i < g_elements; i += batch)
                ok(side.push_bulk(in.data() + i % capacity, batch), "push_bulk");
        }
        ns = now_ns() - t0;
    } else {
        for (std::size_t done = 0; done < g_elements; done += capacity) {
            ok(side.push_bulk(in.data(), capacity), "refill");
            const double t0 = now_ns();
            if (o == op::pop) {
                for (std::size_t i = 0; i < capacity; ++i) ok(side.pop(out[i]), "pop");
            } else {
                std::size_t got = 0;
                for (std::size_t i = 0; i < capacity; i += batch) ok(side.pop_bulk(&out[i], batch, got), "pop_bulk");
            }
            ns += now_ns() - t0;
            side.sum += key(out[capacity - 1]);
        }
    }
    g_checksum += side.sum;
    return ns / static_cast<double>(g_elements);
}

template <class C> void compare(const char *family, op o, const char *name) {
    double best[3] = {-1, -1, -1}; // C, C++ owned lambda, C++ borrowed function object
    for (int rep = 0; rep < g_repetitions; ++rep) {
        double ns[3] = {0, 0, 0};
        for (int k = 0; k < 3; ++k) { // each side goes first in turn
            const int side = (rep + k) % 3;
            ns[side] = side == 0 ? run<c_side<C>>(o) : side == 1 ? run<cpp_side<C, false>>(o) : run<cpp_side<C, true>>(o);
        }
        for (int k = 0; k < 3; ++k)
            if (best[k] < 0 || ns[k] < best[k]) best[k] = ns[k];
    }
    std::printf("| %-9s | %-12s | %7.2f | %10.2f | %5.2f | %7.2f | %5.2f |\n", name, family, best[0], best[1],
                best[1] / best[0], best[2], best[2] / best[0]);
}

} // namespace

int main(int argc, char **argv) {
    if (argc > 1 && std::strcmp(argv[1], "--quick") == 0) {
        g_elements = std::size_t{1} << 16;
        g_repetitions = 1;
    }
    std::printf("| operation | family       | C ns/el | C++ lambda | ratio | C++ ref | ratio |\n");
    std::printf("|-----------|--------------|--------:|-----------:|------:|--------:|------:|\n");
    const struct {
        op o;
        const char *name;
    } ops[] = {{op::push, "push"}, {op::pop, "pop"}, {op::push_bulk, "push_bulk"}, {op::pop_bulk, "pop_bulk"}};
    for (const auto &x : ops) compare<c_u64>("u64", x.o, x.name);
    for (const auto &x : ops) compare<c_event>("bytes (24 B)", x.o, x.name);
    std::fprintf(stderr, "checksum %llu\n", static_cast<unsigned long long>(g_checksum));
    return 0;
}
