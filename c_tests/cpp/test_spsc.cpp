// spill::spsc<T>: the two halves of a concurrent ring for every family (the
// six by-value ones and a struct through the bytes family): statuses,
// eviction into callables with conservation, reserve/commit and
// read/release, waiting pushes with timeouts and shutdown, moves; and
// std::thread producer/consumer pairs, evicting and lossless, where every
// item ends up exactly once (popped or evicted), in order.
#include "check.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct event {
    std::uint64_t seq;
    std::uint32_t source;
    std::uint32_t check;
};
static_assert(sizeof(event) == 16, "");

static_assert(std::is_nothrow_move_constructible<spill::spsc_producer<std::uint64_t>>::value &&
                  std::is_nothrow_move_assignable<spill::spsc_consumer<event>>::value &&
                  !std::is_copy_constructible<spill::spsc_producer<std::uint64_t>>::value &&
                  !std::is_copy_constructible<spill::spsc_consumer<event>>::value,
              "move-only halves");
static_assert(noexcept(std::declval<spill::spsc_producer<double> &>().push(1.0)) &&
                  noexcept(std::declval<spill::spsc_producer<double> &>().push_wait(1.0, std::declval<std::chrono::milliseconds>())) &&
                  noexcept(std::declval<spill::spsc_consumer<double> &>().pop(std::declval<double &>())),
              "noexcept status API");
static_assert(std::is_same<spill::spsc_producer<event>::value_type, event>::value, "");

// A ring through the noexcept API (the tests also build without exceptions).
template <class T, class... A> spill::spsc<T> open_spsc(spill::spsc_options o, A &&...spout) {
    spill::spsc<T> r;
    CHECK_OK(spill::spsc<T>::create(o, std::forward<A>(spout)..., r));
    return r;
}
template <class T> spill::ring<T> open_ring(std::size_t capacity) {
    spill::ring<T> r;
    CHECK_OK(spill::ring<T>::create(capacity, r));
    return r;
}

template <class T> T make(std::uint64_t i) {
    if constexpr (std::is_same<T, event>::value) {
        return event{i, 7, static_cast<std::uint32_t>(i * 3)};
    } else {
        return static_cast<T>(i % 100);
    }
}
template <class T> bool same(const T &a, const T &b) {
    if constexpr (std::is_same<T, event>::value) {
        return a.seq == b.seq && a.source == b.source && a.check == b.check;
    } else {
        return a == b;
    }
}

// Every call of one family, single-threaded.
template <class T> void every_call() {
    std::vector<T> evicted;
    auto spout = [&evicted](spill::span<const T> b) { evicted.insert(evicted.end(), b.begin(), b.end()); };
    spill::spsc<T> ring;
    CHECK_OK(spill::spsc<T>::create(spill::spsc_options(4, 2), spout, ring));
    auto &p = ring.producer;
    auto &c = ring.consumer;
    CHECK(p && c && p.size() == 0 && c.size() == 0 && !p.abandoned() && !p.closed() && !c.abandoned());

    // push evicts the oldest into the callable; try_push refuses when full
    for (std::uint64_t i = 0; i < 6; ++i) CHECK_OK(p.push(make<T>(i)));
    CHECK(p.size() == 4 && evicted.size() == 2 && same(evicted[0], make<T>(0)) && same(evicted[1], make<T>(1)));
    CHECK_STATUS(p.try_push(make<T>(9)), SPILL_FULL);
    CHECK_STATUS(p.push_wait(make<T>(9), 1ms), SPILL_TIMEOUT);
    CHECK_STATUS(p.push_wait(make<T>(9), -5s), SPILL_TIMEOUT); // no wait
    CHECK(p.size() == 4 && evicted.size() == 2);

    // pop, pop_bulk (at most the hold of 2)
    T one{};
    CHECK_OK(c.pop(one));
    CHECK(same(one, make<T>(2)));
    std::array<T, 8> out{};
    std::size_t n = 0;
    CHECK_OK(c.pop_bulk(spill::span<T>(out.data(), out.size()), n));
    CHECK(n == 2 && same(out[0], make<T>(3)) && same(out[1], make<T>(4)));

    // reserve/commit: the slots are written in place, published in order
    std::array<T *, 8> wstore{};
    spill::slots<T> w;
    CHECK_OK(p.reserve(spill::span<T *>(wstore.data(), wstore.size()), w));
    CHECK(w.size() == 4); // min(8, capacity); evicts the one item left (5)
    CHECK(evicted.size() == 3 && same(evicted[2], make<T>(5)));
    CHECK_STATUS(p.push(make<T>(0)), SPILL_BUSY); // reservation open
    std::uint64_t k = 10;
    for (T &slot : w) slot = make<T>(k++);
    CHECK_STATUS(p.commit(5), SPILL_INVALID_ARGUMENT);
    CHECK_OK(p.commit(3)); // the fourth slot goes back unused
    CHECK(c.size() == 3);

    // read/release: in place, oldest first, at most the hold
    std::array<const T *, 8> rstore{};
    spill::slots<const T> r;
    CHECK_OK(c.read(spill::span<const T *>(rstore.data(), rstore.size()), r));
    CHECK(r.size() == 2 && same(r[0], make<T>(10)) && same(r[1], make<T>(11)));
    std::size_t seen = 0;
    for (const T &item : r) {
        CHECK(same(item, make<T>(10 + seen)));
        ++seen;
    }
    CHECK(seen == 2 && r.pointers().size() == 2);
    CHECK_OK(c.release());
    CHECK_OK(c.pop(one)); // 12
    CHECK(same(one, make<T>(12)));
    CHECK_STATUS(c.pop(one), SPILL_EMPTY);
    CHECK_STATUS(c.read(spill::span<const T *>(rstore.data(), rstore.size()), r), SPILL_EMPTY);
    CHECK(r.empty());
    CHECK_STATUS(c.pop_bulk(spill::span<T>(out.data(), out.size()), n), SPILL_EMPTY);

    // shutdown: waiting pushes fail, evicting pushes and pops go on
    CHECK_OK(p.push_wait(make<T>(20), std::chrono::hours::max()));
    CHECK_OK(c.shutdown());
    CHECK(p.closed());
    for (std::uint64_t i = 21; i < 24; ++i) CHECK_OK(p.push(make<T>(i)));
    CHECK_STATUS(p.push_wait(make<T>(24)), SPILL_CLOSED);
    CHECK_OK(p.push(make<T>(24))); // evicts 20
    CHECK(evicted.size() == 4 && same(evicted[3], make<T>(20)));

    // moves keep the halves working; freeing one half is seen by the other
    spill::spsc_consumer<T> moved = std::move(c);
    CHECK(!c && moved && moved.size() == 4);
    CHECK_OK(moved.pop(one));
    CHECK(same(one, make<T>(21)));
    CHECK_OK(p.close());
    CHECK(!p && moved.abandoned());
    CHECK(moved.size() == 3);
    CHECK_OK(moved.close());
    CHECK(!moved);
    CHECK_OK(moved.close()); // an empty handle

    // bad options: the out handles stay as they were
    spill::spsc<T> bad;
    CHECK_STATUS(spill::spsc<T>::create(3, bad), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill::spsc<T>::create(0, bad), SPILL_INVALID_ARGUMENT);
    CHECK(!bad.producer && !bad.consumer);
    CHECK_OK(spill::spsc<T>::create(spill::spsc_options(2, 0, true), bad));
    CHECK(bad.producer && bad.consumer);
#if SPILL_HPP_EXCEPTIONS
    CHECK(check::throws_status([] { spill::spsc<T> huge(spill::spsc_options(3)); }, SPILL_INVALID_ARGUMENT));
    spill::spsc<T> thrown(2); // named halves: lambdas cannot capture C++17 bindings
    auto &tp = thrown.producer;
    auto &tc = thrown.consumer;
    tp.push_or_throw(make<T>(1));
    CHECK(tp.try_push_or_throw(make<T>(2)));
    CHECK(!tp.try_push_or_throw(make<T>(3)));
    CHECK(!tp.push_wait_or_throw(make<T>(3), 0ms));
    CHECK(same(*tc.pop_or_throw(), make<T>(1)));
    CHECK(tp.push_wait_or_throw(make<T>(3), 1s));
    std::array<T, 4> buf{};
    CHECK(tc.pop_bulk_or_throw(spill::span<T>(buf.data(), buf.size())) == 2);
    CHECK(!tc.pop_or_throw());
    std::array<T *, 2> ws{};
    auto wr = tp.reserve_or_throw(spill::span<T *>(ws.data(), ws.size()));
    wr[0] = make<T>(5);
    CHECK(check::throws_status([&] { tp.push_or_throw(make<T>(0)); }, SPILL_BUSY));
    tp.commit_or_throw(1);
    std::array<const T *, 2> rs{};
    auto rd = tc.read_or_throw(spill::span<const T *>(rs.data(), rs.size()));
    CHECK(rd.size() == 1 && same(rd[0], make<T>(5)));
    tc.release_or_throw();
    CHECK(tc.read_or_throw(spill::span<const T *>(rs.data(), rs.size())).empty());
    tc.shutdown_or_throw();
    CHECK(check::throws_status([&] { tp.push_wait_or_throw(make<T>(0)); }, SPILL_CLOSED));
    tp.close_or_throw();
#endif
}

// A borrowed spout (another ring's as_spout) and a refusing callable.
void borrowed_and_refusing_spouts() {
    spill::ring<std::uint32_t> overflow = open_ring<std::uint32_t>(16);
    {
        auto [p, c] = open_spsc<std::uint32_t>(2, overflow.as_spout());
        for (std::uint32_t i = 0; i < 5; ++i) CHECK_OK(p.push(i));
        CHECK(overflow.size() == 3 && c.size() == 2);
    }
    std::uint32_t first = 0;
    CHECK_OK(overflow.pop(first));
    CHECK(first == 0);
    // a spout over a ring of another element size is refused
    spill::ring<std::uint64_t> wide = open_ring<std::uint64_t>(4);
    spill::spsc<std::uint32_t> bad;
    CHECK_STATUS(spill::spsc<std::uint32_t>::create(
                     2, spill::spout<std::uint32_t>::from_c(wide.as_spout().c()), bad),
                 SPILL_INVALID_ARGUMENT);

    std::size_t refused = 0;
    auto refuse = [&refused](spill::span<const std::uint16_t> b) {
        refused += b.size();
        return false;
    };
    spill::spsc<std::uint16_t> r;
    CHECK_OK(spill::spsc<std::uint16_t>::create(1, refuse, r));
    CHECK_OK(r.producer.push(1));
    CHECK_STATUS(r.producer.push(2), SPILL_SPOUT_FAILED); // pushed all the same, 1 lost
    CHECK(refused == 1 && r.consumer.size() == 1);
}

// Evicting producer thread, consumer thread popping at the same time: every
// item exactly once, popped or evicted, each stream in order.
void threads_evicting() {
    constexpr std::uint64_t total = 200000;
    std::vector<std::uint64_t> evicted;
    evicted.reserve(total);
    auto spout = [&evicted](spill::span<const std::uint64_t> b) {
        evicted.insert(evicted.end(), b.begin(), b.end());
    };
    auto [producer, consumer] = open_spsc<std::uint64_t>(spill::spsc_options(64, 16), std::move(spout));
    std::thread prod([p = std::move(producer)]() mutable {
        for (std::uint64_t i = 0; i < total; ++i) CHECK_OK(p.push(i));
    }); // the producer is freed on its own thread
    std::vector<std::uint64_t> popped;
    popped.reserve(total);
    std::array<std::uint64_t, 16> buf{};
    for (;;) {
        std::size_t n = 0;
        const spill::status s = consumer.pop_bulk(spill::span<std::uint64_t>(buf.data(), buf.size()), n);
        if (s == SPILL_EMPTY) {
            if (consumer.abandoned() && consumer.size() == 0) break;
            std::this_thread::yield();
            continue;
        }
        CHECK_OK(s);
        popped.insert(popped.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
    prod.join();
    CHECK(popped.size() + evicted.size() == total);
    std::vector<bool> seen(total, false);
    for (const auto *stream : {&popped, &evicted}) {
        for (std::size_t i = 0; i < stream->size(); ++i) {
            const std::uint64_t v = (*stream)[i];
            CHECK(v < total && !seen[v]);
            seen[v] = true;
            if (i > 0) CHECK((*stream)[i - 1] < v);
        }
    }
}

// Lossless: the producer reserves/commits and waits when full (woken by the
// consumer), the consumer reads in place and releases. Nothing is evicted.
void threads_lossless() {
    constexpr std::uint64_t total = 100000;
    std::atomic<std::uint64_t> evicted{0};
    auto count = [&evicted](spill::span<const event> b) { evicted.fetch_add(b.size()); };
    spill::spsc<event> ring;
    CHECK_OK(spill::spsc<event>::create(spill::spsc_options(32, 8, true), count, ring));
    std::thread prod([p = std::move(ring.producer)]() mutable {
        std::array<event *, 4> store{};
        std::uint64_t i = 0;
        while (i < total) {
            if (i % 3 == 0) {
                CHECK_OK(p.push_wait(event{i, 1, static_cast<std::uint32_t>(i)}, 10s));
                ++i;
                continue;
            }
            // reserve only what there is room for (reserve evicts otherwise)
            const std::size_t room = 32 - p.size();
            if (room == 0) {
                std::this_thread::yield();
                continue;
            }
            const std::size_t want = std::min<std::size_t>({room, store.size(), total - i});
            spill::slots<event> w;
            CHECK_OK(p.reserve(spill::span<event *>(store.data(), want), w));
            for (event &slot : w) {
                slot = event{i, 2, static_cast<std::uint32_t>(i)};
                ++i;
            }
            CHECK_OK(p.commit(w.size()));
        }
    });
    std::uint64_t next = 0;
    std::array<const event *, 8> store{};
    while (next < total) {
        spill::slots<const event> r;
        const spill::status s = ring.consumer.read(spill::span<const event *>(store.data(), store.size()), r);
        if (s == SPILL_EMPTY) {
            std::this_thread::yield();
            continue;
        }
        CHECK_OK(s);
        for (const event &e : r) {
            CHECK(e.seq == next && e.check == static_cast<std::uint32_t>(next));
            ++next;
        }
        CHECK_OK(ring.consumer.release());
    }
    prod.join();
    CHECK(evicted.load() == 0 && ring.consumer.abandoned() && ring.consumer.size() == 0);
}

// A parked producer is woken by the consumer's shutdown.
void shutdown_wakes_waiter() {
    auto [p, c] = open_spsc<std::uint8_t>(spill::spsc_options(1, 0, true));
    CHECK_OK(p.push(1));
    std::atomic<int> result{-1};
    std::thread waiter([&result, prod = std::move(p)]() mutable {
        result.store(static_cast<int>(prod.push_wait(2)));
    });
    std::this_thread::sleep_for(20ms);
    CHECK_OK(c.shutdown());
    waiter.join();
    CHECK(result.load() == static_cast<int>(SPILL_CLOSED));
}

} // namespace

int main() {
    check::for_each_by_value_family([](auto tag) { every_call<typename decltype(tag)::type>(); });
    every_call<event>();
    borrowed_and_refusing_spouts();
    threads_evicting();
    threads_lossless();
    shutdown_wakes_waiter();
    std::printf("spill::spsc: passed\n");
    return 0;
}
