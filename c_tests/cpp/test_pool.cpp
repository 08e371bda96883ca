// spill::pool<T, Args> and spill::collector<T>: lambda, function-object and
// member-function work; rounds with typed args; collection unordered and
// sequenced (dispatch order), mergers; overflow into a callable; a failing
// or throwing work function reports SPILL_WORKER_PANICKED. Every item is
// found exactly once.
//
// Worker w pushes, in round r, the items (r * workers + w) * K + k, k < K,
// so that dispatch order is numeric order.
#include "check.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t workers = 3;
constexpr std::size_t per_worker = 8;
constexpr std::size_t rounds = 4;
constexpr std::size_t total = workers * per_worker * rounds; // < 251: exact in every family

using pool_u64 = spill::pool<std::uint64_t>;
using collector_u64 = spill::collector<std::uint64_t>;
static_assert(noexcept(std::declval<pool_u64 &>().run()) && noexcept(std::declval<pool_u64 &>().join()) &&
                  noexcept(std::declval<pool_u64 &>().collect(std::declval<collector_u64 &>())) &&
                  noexcept(std::declval<pool_u64 &>().close()) &&
                  noexcept(std::declval<collector_u64 &>().release()),
              "the status API is noexcept");
static_assert(std::is_nothrow_move_constructible<pool_u64>::value &&
                  !std::is_copy_constructible<pool_u64>::value &&
                  std::is_nothrow_move_assignable<collector_u64>::value &&
                  !std::is_copy_assignable<collector_u64>::value,
              "move-only handles with noexcept moves");

struct round_args {
    std::size_t round;
};

template <class T> struct push_round {
    bool operator()(spill::ring_ref<T> ring, std::size_t w, const round_args &a) const {
        for (std::size_t k = 0; k < per_worker; ++k) {
            if (ring.push(static_cast<T>((a.round * workers + w) * per_worker + k)) != SPILL_OK) return false;
        }
        return true;
    }
};

template <class T> struct recorder {
    std::vector<T> got;
    void take(spill::span<const T> b) { got.insert(got.end(), b.begin(), b.end()); }
};

template <class T> bool is_0_to(const std::vector<T> &v, std::size_t n) {
    if (v.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (v[i] != static_cast<T>(i)) return false;
    return true;
}

template <class T> void sequenced_collection_is_in_dispatch_order() {
    recorder<T> rec;
    spill::collector<T> seq;
    CHECK_OK(spill::collector<T>::create(spill::collector<T>::order::sequenced,
                                         spill::member<&recorder<T>::take>(rec), seq));
    spill::pool<T, round_args> pool;
    CHECK_OK(spill::pool<T, round_args>::create(workers, 32, push_round<T>{}, pool));
    spill::pool<T, round_args> moved = std::move(pool); // the work lives in a control block
    CHECK(moved.workers() == workers && moved.capacity() == 32);
    for (std::size_t r = 0; r < rounds; ++r) {
        const round_args a{r};
        CHECK_OK(moved.run(a));
        std::size_t n = 0;
        CHECK_OK(moved.collect(seq, &n));
        CHECK(n == workers * per_worker);
    }
    CHECK(seq.pending() == 0);
    CHECK(is_0_to(rec.got, total));
    CHECK(moved.spout_failures() == 0);
    CHECK_OK(moved.close());
    CHECK_OK(seq.close());
}

template <class T> void unordered_mergers_and_dispatch_join() {
    std::mutex lock;
    std::vector<T> all;
    auto keep = [&](spill::span<const T> b) {
        const std::lock_guard<std::mutex> guard(lock);
        all.insert(all.end(), b.begin(), b.end());
    };
    std::vector<spill::collector<T>> mergers(2);
    for (auto &m : mergers) CHECK_OK(spill::collector<T>::create(spill::collector<T>::order::unordered, keep, m));
    spill::pool<T, round_args> pool;
    CHECK_OK(spill::pool<T, round_args>::create(
        workers, 32, [](spill::ring_ref<T> ring, std::size_t w, const round_args &a) {
            return push_round<T>{}(ring, w, a);
        },
        pool));
    for (std::size_t r = 0; r < rounds; ++r) {
        const round_args a{r};
        CHECK_OK(pool.dispatch(a));
        CHECK_OK(pool.join());
        std::size_t n = 0;
        CHECK_OK(pool.merge(spill::span<spill::collector<T>>(mergers.data(), mergers.size()), &n));
        CHECK(n == workers * per_worker);
    }
    std::sort(all.begin(), all.end());
    CHECK(is_0_to(all, total));
}

template <class T> void overflow_goes_to_a_callable() {
    std::atomic<std::size_t> overflowed{0};
    std::mutex lock;
    std::vector<T> all;
    {
        spill::pool<T, round_args> pool;
        CHECK_OK(spill::pool<T, round_args>::create(
            workers, 4, push_round<T>{},
            [&](spill::span<const T> b) {
                overflowed += b.size();
                const std::lock_guard<std::mutex> guard(lock);
                all.insert(all.end(), b.begin(), b.end());
            },
            pool));
        const round_args a{0};
        CHECK_OK(pool.run(a)); // 8 items into rings of 4: the oldest 4 of each overflow
        CHECK(overflowed == workers * (per_worker - 4));
        recorder<T> rec;
        spill::collector<T> c;
        CHECK_OK(spill::collector<T>::create(spill::collector<T>::order::unordered,
                                             spill::member<&recorder<T>::take>(rec), c));
        std::size_t n = 0;
        CHECK_OK(pool.collect(c, &n));
        CHECK(n == workers * 4);
        all.insert(all.end(), rec.got.begin(), rec.got.end());
    }
    std::sort(all.begin(), all.end());
    CHECK(is_0_to(all, workers * per_worker));
}

template <class T> void failing_work_is_reported() {
    spill::pool<T> pool; // Args void: work(ring, worker)
    CHECK_OK(spill::pool<T>::create(
        2, 8, [](spill::ring_ref<T> ring, std::size_t w) { return w == 0 && ring.push(T{}) == SPILL_OK; }, pool));
    CHECK_STATUS(pool.run(), SPILL_WORKER_PANICKED);
    CHECK(std::string(spill::last_error()).find('1') != std::string::npos); // names worker 1
#if SPILL_HPP_EXCEPTIONS
    spill::pool<T> throwing(2, 8, [](spill::ring_ref<T>, std::size_t w) {
        if (w == 1) throw std::runtime_error("work failed");
    });
    CHECK_STATUS(throwing.run(), SPILL_WORKER_PANICKED);
    CHECK_STATUS(throwing.run(), SPILL_WORKER_PANICKED); // usable again, fails again
    CHECK(check::throws_status([&] { throwing.run_or_throw(); }, SPILL_WORKER_PANICKED));
#endif
    spill::pool<T> bad;
    CHECK_STATUS(spill::pool<T>::create(0, 8, [](spill::ring_ref<T>, std::size_t) {}, bad), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill::pool<T>::create(2, 6, [](spill::ring_ref<T>, std::size_t) {}, bad), SPILL_INVALID_ARGUMENT);
    spill::collector<T> no_send;
    CHECK_STATUS(spill::collector<T>::create(spill::collector<T>::order::unordered, spill::spout<T>(), no_send),
                 SPILL_INVALID_ARGUMENT);
}

template <class T> void family() {
    sequenced_collection_is_in_dispatch_order<T>();
    unordered_mergers_and_dispatch_join<T>();
    overflow_goes_to_a_callable<T>();
    failing_work_is_reported<T>();
}

} // namespace

int main() {
    check::for_each_by_value_family([](auto tag) { family<typename decltype(tag)::type>(); });
    std::printf("spill::pool and spill::collector: passed\n");
    return 0;
}
