// spill::mpsc<T>: std::thread producers, each on its own ring_ref, with a
// shared thread-safe callable, per-producer spouts, or no spout; drain into
// a callable; every item ends up exactly once (spilled or drained).
#include "check.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t producers = 4;
constexpr std::uint64_t per_producer = 5000;

static_assert(noexcept(std::declval<spill::mpsc<std::uint64_t> &>().producer(0)) &&
                  noexcept(std::declval<spill::mpsc<std::uint64_t> &>().close()) &&
                  std::is_nothrow_move_constructible<spill::mpsc<std::uint64_t>>::value &&
                  !std::is_copy_constructible<spill::mpsc<std::uint64_t>>::value,
              "move-only, noexcept status API");
static_assert(std::is_trivially_copyable<spill::ring_ref<float>>::value, "a ring_ref is a borrowed pointer");

std::uint64_t tag(std::size_t producer, std::uint64_t seq) {
    return (static_cast<std::uint64_t>(producer) << 32) | seq;
}

void run_producers(spill::mpsc<std::uint64_t> &set) {
    std::vector<std::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
        threads.emplace_back([&set, p] {
            spill::ring_ref<std::uint64_t> ring = set.producer(p);
            CHECK(ring);
            for (std::uint64_t i = 0; i < per_producer; ++i) CHECK_OK(ring.push(tag(p, i)));
        });
    }
    for (auto &t : threads) t.join();
}

// Every producer's items exactly once, each producer's in order.
void check_conservation(const std::vector<std::uint64_t> &all) {
    CHECK(all.size() == producers * per_producer);
    std::vector<std::uint64_t> next(producers, 0);
    for (std::uint64_t v : all) {
        const std::size_t p = static_cast<std::size_t>(v >> 32);
        CHECK(p < producers);
        CHECK((v & 0xffffffffu) == next[p]);
        ++next[p];
    }
}

void shared_callable() {
    std::mutex lock;
    std::vector<std::vector<std::uint64_t>> by_producer(producers);
    std::vector<std::uint64_t> all;
    auto collect = [&](spill::span<const std::uint64_t> b) {
        const std::lock_guard<std::mutex> guard(lock);
        all.insert(all.end(), b.begin(), b.end());
    };
    {
        spill::mpsc<std::uint64_t> set;
        CHECK_OK(spill::mpsc<std::uint64_t>::create(producers, 64, collect, set));
        spill::mpsc<std::uint64_t> moved = std::move(set);
        CHECK(moved.producers() == producers && !moved.producer(producers));
        run_producers(moved);
        CHECK(moved.size() == producers * 64);
        std::size_t drained = 0;
        std::vector<std::uint64_t> tail;
        CHECK_OK(moved.drain([&](spill::span<const std::uint64_t> b) { tail.insert(tail.end(), b.begin(), b.end()); },
                             &drained));
        CHECK(drained == producers * 64 && moved.size() == 0);
        all.insert(all.end(), tail.begin(), tail.end());
    }
    // per-producer order holds in the spilled part and in the drained part:
    // re-sort by producer keeping each producer's order
    std::stable_sort(all.begin(), all.end(),
                     [](std::uint64_t a, std::uint64_t b) { return (a >> 32) < (b >> 32); });
    check_conservation(all);
}

void one_spout_per_producer() {
    std::vector<std::vector<std::uint64_t>> got(producers);
    struct per {
        std::vector<std::uint64_t> *out;
        void operator()(spill::span<const std::uint64_t> b) const { out->insert(out->end(), b.begin(), b.end()); }
    };
    std::vector<per> sinks;
    for (auto &g : got) sinks.push_back(per{&g});
    std::vector<spill::spout<std::uint64_t>> spouts;
    for (auto &s : sinks) spouts.push_back(spill::spout<std::uint64_t>::ref(s));
    {
        spill::mpsc<std::uint64_t> set;
        CHECK_OK(spill::mpsc<std::uint64_t>::create(
            producers, 128, spill::span<const spill::spout<std::uint64_t>>(spouts.data(), spouts.size()), set));
        run_producers(set);
    } // freeing sends what each producer holds to its own spout
    std::vector<std::uint64_t> all;
    for (std::size_t p = 0; p < producers; ++p) {
        CHECK(got[p].size() == per_producer);
        all.insert(all.end(), got[p].begin(), got[p].end());
    }
    check_conservation(all);
    spill::mpsc<std::uint64_t> bad;
    CHECK_STATUS(spill::mpsc<std::uint64_t>::create(
                     producers + 1, 128,
                     spill::span<const spill::spout<std::uint64_t>>(spouts.data(), spouts.size()), bad),
                 SPILL_INVALID_ARGUMENT);
}

template <class T> void every_family_builds() {
    spill::mpsc<T> set;
    CHECK_OK(spill::mpsc<T>::create(2, 4, set));
    CHECK_OK(set.producer(1).push(static_cast<T>(9)));
    CHECK(set.size() == 1);
    std::vector<T> out;
    CHECK_OK(set.drain([&](spill::span<const T> b) { out.insert(out.end(), b.begin(), b.end()); }));
    CHECK(out.size() == 1 && out[0] == static_cast<T>(9));
    CHECK_STATUS(spill::mpsc<T>::create(0, 4, set), SPILL_INVALID_ARGUMENT);
    CHECK_STATUS(spill::mpsc<T>::create(2, 3, set), SPILL_INVALID_ARGUMENT);
    CHECK(set); // a failed create leaves the live set alone
    CHECK_OK(set.close());
    CHECK(!set);
#if SPILL_HPP_EXCEPTIONS
    CHECK(check::throws_status([] { spill::mpsc<T> huge(SPILL_MPSC_MAX_PRODUCERS + 1, 4); },
                               SPILL_INVALID_ARGUMENT));
#endif
}

} // namespace

int main() {
    shared_callable();
    one_spout_per_producer();
    check::for_each_by_value_family([](auto tag) { every_family_builds<typename decltype(tag)::type>(); });
    std::printf("spill::mpsc: passed\n");
    return 0;
}
