// spill::cmpsc<T>: producers registering at run time from std::threads,
// each evicting into a spout of its own, while the consumer pops and drains
// fairly; every item ends up exactly once (drained, popped or evicted), each
// producer's in order. Registration limits, unregistering by freeing,
// shutdown, every family, the throwing API.
#include "check.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

struct record {
    std::uint32_t producer;
    std::uint32_t pad;
    std::uint64_t seq;
};

static_assert(std::is_nothrow_move_constructible<spill::cmpsc_registry<record>>::value &&
                  std::is_nothrow_move_constructible<spill::cmpsc_consumer<std::uint64_t>>::value &&
                  !std::is_copy_constructible<spill::cmpsc_consumer<std::uint64_t>>::value,
              "move-only handles");

constexpr std::uint32_t producers = 4;
constexpr std::uint64_t per_producer = 50000;

// Through the noexcept API (the tests also build without exceptions).
template <class T> spill::cmpsc<T> open_cmpsc(std::size_t max_producers, spill::spsc_options o) {
    spill::cmpsc<T> set;
    CHECK_OK(spill::cmpsc<T>::create(max_producers, o, set));
    return set;
}

std::uint64_t tag(std::uint32_t producer, std::uint64_t seq) {
    return (static_cast<std::uint64_t>(producer) << 32) | seq;
}

// Producers register from their own threads and evict into per-producer
// vectors; the consumer drains (and sometimes pops) until they are done.
void threads_conserve() {
    auto [registry, consumer] = open_cmpsc<std::uint64_t>(producers, spill::spsc_options(64, 32));
    std::vector<std::vector<std::uint64_t>> evicted(producers);
    std::atomic<std::uint32_t> finished{0};
    std::vector<std::thread> threads;
    for (std::uint32_t id = 0; id < producers; ++id) {
        threads.emplace_back([&, id, &reg = registry] {
            auto &mine = evicted[id];
            spill::spsc_producer<std::uint64_t> p;
            CHECK_OK(reg.register_producer(
                [&mine](spill::span<const std::uint64_t> b) { mine.insert(mine.end(), b.begin(), b.end()); }, p));
            for (std::uint64_t i = 0; i < per_producer; ++i) CHECK_OK(p.push(tag(id, i)));
            CHECK_OK(p.close()); // unregisters; what it pushed stays for the consumer
            finished.fetch_add(1);
        });
    }
    std::vector<std::uint64_t> taken;
    auto take = [&taken](spill::span<const std::uint64_t> b) { taken.insert(taken.end(), b.begin(), b.end()); };
    std::size_t rounds = 0;
    for (;;) {
        const bool done = finished.load() == producers;
        std::uint64_t one = 0;
        if (++rounds % 7 == 0 && consumer.pop(one) == SPILL_OK) taken.push_back(one);
        std::size_t n = 0;
        CHECK_OK(consumer.drain(16, take, &n));
        if (n == 0) {
            if (done && consumer.size() == 0) break;
            std::this_thread::yield();
        }
    }
    for (auto &t : threads) t.join();
    CHECK(consumer.size() == 0 && registry.producers() == 0);

    // A lane a finished producer freed goes to the next registration with
    // what the consumer has not taken yet, so that producer's pushes may
    // evict them into its own spout: items are told apart by their tag.
    // Every item exactly once; each producer's items in order within each
    // stream (what was taken, and each spout's).
    std::vector<std::vector<bool>> seen(producers, std::vector<bool>(per_producer, false));
    std::size_t total = 0;
    auto account = [&](const std::vector<std::uint64_t> &stream) {
        std::vector<std::uint64_t> last(producers, 0);
        std::vector<bool> any(producers, false);
        for (std::uint64_t v : stream) {
            const auto id = static_cast<std::uint32_t>(v >> 32);
            const std::uint64_t seq = v & 0xffffffffu;
            CHECK(id < producers && seq < per_producer && !seen[id][seq]);
            seen[id][seq] = true;
            if (any[id]) CHECK(last[id] < seq);
            any[id] = true;
            last[id] = seq;
            ++total;
        }
    };
    account(taken);
    for (const auto &spout_items : evicted) account(spout_items);
    CHECK(total == producers * per_producer);
}

// Fair passes: one pass takes at most `quota` of each lane.
void drain_is_fair() {
    spill::cmpsc<record> set;
    CHECK_OK(spill::cmpsc<record>::create(3, 8, set));
    std::vector<spill::spsc_producer<record>> lanes(3);
    for (std::uint32_t id = 0; id < 3; ++id) {
        CHECK_OK(set.register_producer(lanes[id]));
        for (std::uint64_t i = 0; i < 6; ++i) CHECK_OK(lanes[id].push(record{id, 0, i}));
    }
    CHECK(set.consumer.size() == 18 && set.registry.producers() == 3 && set.registry.max_producers() == 3);
    std::vector<record> out;
    std::size_t n = 0;
    CHECK_OK(set.consumer.drain(2, [&out](spill::span<const record> b) { out.insert(out.end(), b.begin(), b.end()); },
                                &n));
    CHECK(n == 6 && out.size() == 6);
    std::vector<std::uint32_t> per(3, 0);
    for (const record &r : out) ++per[r.producer];
    CHECK(per[0] == 2 && per[1] == 2 && per[2] == 2);

    // full registry, then a freed producer's lane goes to the next one
    spill::spsc_producer<record> extra;
    CHECK_STATUS(set.registry.register_producer(extra), SPILL_FULL);
    CHECK_OK(lanes[1].close());
    CHECK(set.registry.producers() == 2);
    CHECK_OK(set.registry.register_producer(extra));
    CHECK_OK(extra.push(record{9, 0, 0}));
    record r{};
    std::size_t popped = 0;
    while (set.consumer.pop(r) == SPILL_OK) ++popped;
    CHECK(popped == 18 - 6 + 1);

    // shutdown: no more registrations, waiting pushes fail, evicting pushes go on
    CHECK_OK(set.consumer.shutdown());
    CHECK(extra.closed());
    spill::spsc_producer<record> late;
    CHECK_STATUS(set.registry.register_producer(late), SPILL_CLOSED);
    CHECK_STATUS(extra.push_wait(record{9, 0, 1}), SPILL_CLOSED);
    CHECK_OK(extra.push(record{9, 0, 2}));
    // the registry, the consumer and the producers are freed in any order
    CHECK_OK(set.registry.close());
    CHECK_OK(extra.push(record{9, 0, 3}));
    CHECK_OK(set.consumer.close());
    CHECK(extra.abandoned());
}

template <class T> void every_family() {
    spill::cmpsc<T> set;
    CHECK_STATUS(spill::cmpsc<T>::create(0, 4, set), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill::cmpsc<T>::create(SPILL_CMPSC_MAX_PRODUCERS + 1, 4, set), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill::cmpsc<T>::create(2, 3, set), SPILL_INVALID_ARGUMENT);
    CHECK(!set.registry && !set.consumer);
    CHECK_OK(spill::cmpsc<T>::create(2, spill::spsc_options(2, 1, true), set));
    std::size_t spilled = 0;
    spill::spsc_producer<T> a;
    spill::spsc_producer<T> b;
    CHECK_OK(set.register_producer([&spilled](spill::span<const T> items) { spilled += items.size(); }, a));
    spill::ring<T> overflow;
    CHECK_OK(spill::ring<T>::create(4, overflow));
    CHECK_OK(set.register_producer(overflow.as_spout(), b));
    for (int i = 0; i < 3; ++i) {
        CHECK_OK(a.push(static_cast<T>(i)));
        CHECK_OK(b.push(static_cast<T>(i + 10)));
    }
    CHECK(spilled == 1 && overflow.size() == 1 && set.consumer.size() == 4);
    std::vector<T> got;
    CHECK_OK(set.consumer.drain(8, [&got](spill::span<const T> items) { got.insert(got.end(), items.begin(), items.end()); }));
    CHECK(got.size() == 2); // the hold of 1 per lane
    T item{};
    CHECK_OK(set.consumer.pop(item));
    CHECK_OK(set.consumer.pop(item));
    CHECK_STATUS(set.consumer.pop(item), SPILL_EMPTY);
#if SPILL_HPP_EXCEPTIONS
    CHECK(check::throws_status([] { spill::cmpsc<T> bad(0, 4); }, SPILL_INVALID_ARGUMENT));
    spill::cmpsc<T> thrown(1, 4); // named: lambdas cannot capture C++17 bindings
    auto &reg = thrown.registry;
    auto &con = thrown.consumer;
    auto p = reg.register_producer_or_throw();
    CHECK(check::throws_status([&reg] { (void)reg.register_producer_or_throw(); }, SPILL_FULL));
    p.push_or_throw(static_cast<T>(5));
    CHECK(*con.pop_or_throw() == static_cast<T>(5));
    CHECK(!con.pop_or_throw());
    p.push_or_throw(static_cast<T>(6));
    CHECK(con.drain_or_throw(4, [](spill::span<const T>) {}) == 1);
    con.shutdown_or_throw();
    CHECK(check::throws_status([&reg] { (void)reg.register_producer_or_throw(); }, SPILL_CLOSED));
#endif
}

} // namespace

int main() {
    threads_conserve();
    drain_is_fair();
    check::for_each_by_value_family([](auto tag) { every_family<typename decltype(tag)::type>(); });
    std::printf("spill::cmpsc: passed\n");
    return 0;
}
