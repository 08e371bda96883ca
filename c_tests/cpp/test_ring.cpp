// spill::ring<T> for the six by-value families (uint8_t ... double): the
// status API, evictions into callables of every kind, moves while a spout is
// attached, refusals and exceptions at the spout boundary, caller memory,
// the throwing API, and the noexcept guarantees.
#include "check.hpp"

#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

// Item i of a test sequence (small values, exact in every family).
template <class T> T item(std::size_t i) { return static_cast<T>(i % 97 + 1); }
template <class T> std::vector<T> items(std::size_t from, std::size_t to) {
    std::vector<T> v;
    for (std::size_t i = from; i < to; ++i) v.push_back(item<T>(i));
    return v;
}

// What reached a spout, in order.
template <class T> struct sink {
    std::vector<T> got;
    int flushes = 0;
};

static_assert(noexcept(spill_ring_u64_len(nullptr)), "the C functions are noexcept in C++");
static_assert(noexcept(spill_ring_bytes_push(nullptr, nullptr)), "the C functions are noexcept");
static_assert(!std::is_copy_constructible<spill::ring<std::uint64_t>>::value, "move-only");
static_assert(std::is_nothrow_move_constructible<spill::ring<std::uint64_t>>::value, "noexcept move");
static_assert(std::is_nothrow_move_assignable<spill::ring<float>>::value, "noexcept move");
static_assert(std::is_nothrow_destructible<spill::ring<double>>::value, "noexcept destructor");
static_assert(std::is_same<spill::ring_handle<std::uint16_t>, spill_ring_u16>::value, "u16 family");
static_assert(std::is_same<spill::ring_handle<double>, spill_ring_f64>::value, "f64 family");
static_assert(std::is_same<spill::ring_handle<std::int32_t>, spill_ring_bytes>::value,
              "other trivially copyable types use the bytes family");

template <class T> void check_noexcept(spill::ring<T> &r, T &out) {
    static_assert(noexcept(r.push(out)) && noexcept(r.pop(out)) && noexcept(r.size()) &&
                      noexcept(r.flush()) && noexcept(r.close()) &&
                      noexcept(spill::ring<T>::create(8, r)),
                  "the status API is noexcept");
}

template <class T> void evicts_oldest_into_a_lambda() {
    sink<T> s;
    spill::ring<T> r;
    CHECK_OK(spill::ring<T>::create(
        8, [&s](spill::span<const T> batch) { s.got.insert(s.got.end(), batch.begin(), batch.end()); },
        r));
    CHECK(r.capacity() == 8 && r.empty() && !r.full());
    for (std::size_t i = 0; i < 20; ++i) CHECK_OK(r.push(item<T>(i)));
    CHECK(r.size() == 8 && r.full());
    CHECK(s.got == items<T>(0, 12));
    T v{};
    CHECK_OK(r.peek(v));
    CHECK(v == item<T>(12));
    for (std::size_t i = 12; i < 20; ++i) {
        CHECK_OK(r.pop(v));
        CHECK(v == item<T>(i));
    }
    CHECK_STATUS(r.pop(v), SPILL_EMPTY);
    check_noexcept(r, v);
}

template <class T> void bulk_calls_take_pointers_and_spans() {
    sink<T> s;
    auto keep = [&s](spill::span<const T> batch) { s.got.insert(s.got.end(), batch.begin(), batch.end()); };
    spill::ring<T> r;
    CHECK_OK(spill::ring<T>::create(8, keep, r));
    const std::vector<T> in = items<T>(0, 20);
    std::size_t pushed = 0;
    CHECK_OK(r.push_bulk(spill::span<const T>(in.data(), 5), &pushed));
    CHECK(pushed == 5);
    CHECK_OK(r.push_bulk(in.data() + 5, in.size() - 5, &pushed));
    CHECK(pushed == 15);
    CHECK(s.got == items<T>(0, 12));
    T out[5] = {};
    std::size_t popped = 0;
    CHECK_OK(r.pop_bulk(out, 5, popped));
    CHECK(popped == 5 && out[0] == item<T>(12) && out[4] == item<T>(16));
    std::vector<T> rest(10);
    CHECK_OK(r.pop_bulk(spill::span<T>(rest.data(), rest.size()), popped));
    CHECK(popped == 3 && rest[0] == item<T>(17) && rest[2] == item<T>(19));
    CHECK_STATUS(r.pop_bulk(out, 5, popped), SPILL_EMPTY);
    CHECK(popped == 0);
}

template <class T> void try_push_clear_flush_drain() {
    sink<T> s;
    struct flushing {
        sink<T> *s;
        void operator()(spill::span<const T> b) const { s->got.insert(s->got.end(), b.begin(), b.end()); }
        void flush() const { ++s->flushes; }
    };
    spill::ring<T> r;
    CHECK_OK(spill::ring<T>::create(4, flushing{&s}, r));
    for (std::size_t i = 0; i < 4; ++i) CHECK_OK(r.try_push(item<T>(i)));
    CHECK_STATUS(r.try_push(item<T>(4)), SPILL_FULL);
    CHECK(s.got.empty());
    std::size_t n = 0;
    CHECK_OK(r.flush(&n));
    CHECK(n == 4 && s.flushes == 1 && s.got == items<T>(0, 4) && r.empty());

    for (std::size_t i = 0; i < 3; ++i) CHECK_OK(r.push(item<T>(i)));
    CHECK_OK(r.clear());
    CHECK(r.empty() && s.got.size() == 4);

    // drain into a callable on the stack and into a borrowed spout
    std::vector<T> drained;
    for (std::size_t i = 0; i < 3; ++i) CHECK_OK(r.push(item<T>(i)));
    CHECK_OK(r.drain([&](spill::span<const T> b) { drained.insert(drained.end(), b.begin(), b.end()); }, &n));
    CHECK(n == 3 && drained == items<T>(0, 3) && s.got.size() == 4);
    sink<T> other;
    flushing target{&other};
    CHECK_OK(r.push(item<T>(7)));
    CHECK_OK(r.drain(spill::spout<T>::ref(target), &n));
    CHECK(n == 1 && other.got.size() == 1 && other.got[0] == item<T>(7) && other.flushes == 0);
}

template <class T> void moves_keep_the_spout_working() {
    sink<T> s;
    std::vector<spill::ring<T>> rings;
    for (int k = 0; k < 5; ++k) { // each push_back may move the earlier rings
        spill::ring<T> r;
        CHECK_OK(spill::ring<T>::create(
            2, [&s](spill::span<const T> b) { s.got.insert(s.got.end(), b.begin(), b.end()); }, r));
        rings.push_back(std::move(r));
        CHECK(!r && r.size() == 0);
    }
    for (std::size_t i = 0; i < 6; ++i) CHECK_OK(rings[0].push(item<T>(i)));
    CHECK(s.got == items<T>(0, 4));
    // move assignment frees the ring it replaces: its items reach its spout
    sink<T> t;
    spill::ring<T> other;
    CHECK_OK(spill::ring<T>::create(
        4, [&t](spill::span<const T> b) { t.got.insert(t.got.end(), b.begin(), b.end()); }, other));
    CHECK_OK(other.push(item<T>(50)));
    other = std::move(rings[0]);
    CHECK(t.got.size() == 1 && t.got[0] == item<T>(50));
    CHECK_OK(other.push(item<T>(6)));
    CHECK_OK(other.push(item<T>(7)));
    CHECK(s.got == items<T>(0, 6));
    spill::ring<T> moved(std::move(other));
    CHECK_OK(moved.close()); // the remaining two go to the spout
    CHECK(s.got == items<T>(0, 8) && !moved);
    CHECK_OK(moved.close()); // closing an empty handle is a no-op
}

template <class T> struct member_sink {
    std::vector<T> got;
    int syncs = 0;
    void take(spill::span<const T> b) { got.insert(got.end(), b.begin(), b.end()); }
    bool sync() { return ++syncs > 0; }
};

template <class T> void member_functions_are_spouts() {
    member_sink<T> m;
    {
        spill::ring<T> r;
        CHECK_OK(spill::ring<T>::create(2, spill::member<&member_sink<T>::take, &member_sink<T>::sync>(m), r));
        for (std::size_t i = 0; i < 5; ++i) CHECK_OK(r.push(item<T>(i)));
        CHECK(m.got == items<T>(0, 3) && m.syncs == 0);
    } // freeing sends the rest and flushes
    CHECK(m.got == items<T>(0, 5) && m.syncs == 1);
}

template <class T> void refused_batches_stay_in_the_ring() {
    bool accept = false;
    std::vector<T> got;
    spill::ring<T> r;
    CHECK_OK(spill::ring<T>::create(
        2,
        [&](spill::span<const T> b) {
            if (accept) got.insert(got.end(), b.begin(), b.end());
            return accept;
        },
        r));
    CHECK_OK(r.push(item<T>(0)));
    CHECK_OK(r.push(item<T>(1)));
    CHECK_STATUS(r.push(item<T>(2)), SPILL_SPOUT_FAILED);
    CHECK(r.size() == 2 && got.empty());
    T v{};
    CHECK_OK(r.peek(v));
    CHECK(v == item<T>(0));
#if SPILL_HPP_EXCEPTIONS
    spill::ring<T> throwing;
    CHECK_OK(spill::ring<T>::create(
        1, [](spill::span<const T>) { throw std::runtime_error("downstream is down"); }, throwing));
    CHECK_OK(throwing.push(item<T>(0)));
    CHECK_STATUS(throwing.push(item<T>(1)), SPILL_SPOUT_FAILED);
    CHECK_OK(throwing.pop(v));
    CHECK(v == item<T>(0));
    CHECK(check::throws_status(
        [&] {
            throwing.push_or_throw(item<T>(1));
            throwing.push_or_throw(item<T>(2));
        },
        SPILL_SPOUT_FAILED));
    CHECK(throwing.size() == 1);
    CHECK_OK(throwing.clear());
#endif
    accept = true;
    CHECK_OK(r.push(item<T>(2)));
    CHECK(got.size() == 1 && got[0] == item<T>(0));
}

template <class T> void bad_input_reports_the_real_status() {
    spill::ring<T> r;
    CHECK_STATUS(spill::ring<T>::create(3, r), SPILL_INVALID_ARGUMENT);
    CHECK(!r);
    CHECK_STATUS(spill::ring<T>::create(8, spill::spout<T>(), r), SPILL_INVALID_ARGUMENT);
    CHECK(!r);
    CHECK_STATUS(spill::ring<T>::create(SPILL_RING_MAX_CAPACITY * 2, r), SPILL_INVALID_ARGUMENT);
    // an empty handle reports NULL, never crashes
    T v{};
    CHECK_STATUS(r.push(v), SPILL_NULL_ARGUMENT);
    CHECK(r.size() == 0);
    // a failed create leaves a live ring untouched
    CHECK_OK(spill::ring<T>::create(4, r));
    CHECK_OK(r.push(item<T>(1)));
    CHECK_STATUS(spill::ring<T>::create(5, r), SPILL_INVALID_ARGUMENT);
    CHECK(r && r.size() == 1);
#if SPILL_HPP_EXCEPTIONS
    bool threw = false;
    try {
        spill::ring<T> bad(6);
    } catch (const spill::error &e) {
        threw = e.code() == SPILL_INVALID_ARGUMENT && !e.detail().empty() &&
                std::string(e.what()).find("SPILL_INVALID_ARGUMENT") != std::string::npos;
    }
    CHECK(threw);
    spill::ring<T> good(4);
    good.push_or_throw(item<T>(3));
    CHECK(good.try_push_or_throw(item<T>(4)));
    CHECK(good.pop_or_throw() == item<T>(3));
    CHECK(good.peek_or_throw() == item<T>(4));
    CHECK(good.flush_or_throw() == 1);
    CHECK(!good.pop_or_throw().has_value());
    good.close_or_throw();
#endif
}

template <class T> void caller_memory() {
    std::size_t plain = 0;
    CHECK_OK(spill::ring<T>::memsize(16, plain));
    std::vector<T> got;
    auto keep = [&got](spill::span<const T> b) { got.insert(got.end(), b.begin(), b.end()); };
    std::size_t with_fn = 0;
    CHECK_OK(spill::ring<T>::template memsize_with<decltype(keep)>(16, with_fn));
    CHECK(with_fn > plain);
    std::size_t unused = 0;
    CHECK_STATUS(spill::ring<T>::memsize(7, unused), SPILL_INVALID_ARGUMENT);

    struct alignas(SPILL_RING_ALIGN) block {
        unsigned char bytes[SPILL_RING_ALIGN];
    };
    std::vector<block> mem(with_fn / sizeof(block) + 1);
    const spill::memory m{mem.data(), mem.size() * sizeof(block)};
    {
        spill::ring<T> r;
        CHECK_STATUS(spill::ring<T>::init(spill::memory{mem.data(), with_fn - 1}, 16, keep, r),
                     SPILL_INVALID_ARGUMENT);
        CHECK_STATUS(spill::ring<T>::init(spill::memory{nullptr, with_fn}, 16, keep, r),
                     SPILL_NULL_ARGUMENT);
        CHECK_OK(spill::ring<T>::init(m, 16, keep, r));
        spill::ring<T> moved = std::move(r); // the callable lives in `mem`, not in `r`
        for (std::size_t i = 0; i < 20; ++i) CHECK_OK(moved.push(item<T>(i)));
        CHECK(got == items<T>(0, 4));
    }
    CHECK(got == items<T>(0, 20));
    {
        spill::ring<T> r;
        CHECK_STATUS(spill::ring<T>::init(spill::memory{mem.data(), plain - 1}, 16, r),
                     SPILL_INVALID_ARGUMENT);
        CHECK(!r);
        CHECK_OK(spill::ring<T>::init(spill::memory{mem.data(), plain}, 16, r));
        CHECK(r.capacity() == 16);
    }
}

// A callable that counts its live copies: every copy the wrapper makes
// (heap or caller memory) must be destroyed with the ring.
template <class T> struct counted {
    int *live;
    explicit counted(int *l) noexcept : live(l) { ++*live; }
    counted(const counted &o) noexcept : live(o.live) { ++*live; }
    counted(counted &&o) noexcept : live(o.live) { ++*live; }
    counted &operator=(const counted &) = delete;
    ~counted() { --*live; }
    void operator()(spill::span<const T>) const {}
};

template <class T> void callables_are_destroyed_with_the_ring() {
    int live = 0;
    {
        spill::ring<T> a;
        CHECK_OK(spill::ring<T>::create(4, counted<T>(&live), a));
        CHECK(live == 1);
        spill::ring<T> b = std::move(a);
        std::vector<spill::ring<T>> v;
        v.push_back(std::move(b));
        CHECK(live == 1);
        CHECK_OK(spill::ring<T>::create(4, counted<T>(&live), v[0])); // replaces the first
        CHECK(live == 1);
        CHECK_OK(v[0].close());
        CHECK(live == 0);
        CHECK_OK(spill::ring<T>::create(4, counted<T>(&live), v[0]));
        CHECK_STATUS(spill::ring<T>::create(3, counted<T>(&live), v[0]), SPILL_INVALID_ARGUMENT);
        CHECK(live == 1); // the refused one is gone, the live ring keeps its own
    }
    CHECK(live == 0);
    struct alignas(SPILL_RING_ALIGN) block {
        unsigned char bytes[SPILL_RING_ALIGN];
    };
    std::size_t need = 0;
    CHECK_OK(spill::ring<T>::template memsize_with<counted<T>>(4, need));
    std::vector<block> mem(need / sizeof(block) + 1);
    {
        spill::ring<T> r;
        CHECK_OK(spill::ring<T>::init(spill::memory{mem.data(), need}, 4, counted<T>(&live), r));
        CHECK(live == 1);
    }
    CHECK(live == 0);
}

template <class T> void family() {
    callables_are_destroyed_with_the_ring<T>();
    evicts_oldest_into_a_lambda<T>();
    bulk_calls_take_pointers_and_spans<T>();
    try_push_clear_flush_drain<T>();
    moves_keep_the_spout_working<T>();
    member_functions_are_spouts<T>();
    refused_batches_stay_in_the_ring<T>();
    bad_input_reports_the_real_status<T>();
    caller_memory<T>();
}

} // namespace

int main() {
    CHECK(spill::version() == spill::header_version);
    CHECK(spill::is_retryable(SPILL_FULL) && !spill::is_retryable(SPILL_IO_ERROR));
    CHECK(std::string(spill::status_name(SPILL_BUSY)) == "SPILL_BUSY");
    check::for_each_by_value_family([](auto tag) { family<typename decltype(tag)::type>(); });
    std::printf("spill::ring: six by-value families passed\n");
    return 0;
}
