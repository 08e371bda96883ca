// service_threads.cpp - spill_ring.hpp in a C++ service.
//
// Request-handling std::threads record per-request latencies (microseconds)
// into an MPSC set: each thread owns its producer ring, with no lock on the
// push. When a thread's ring is full, its oldest samples go to a shared
// aggregator (a thread-safe callable) that keeps running totals. At
// shutdown the remaining samples are drained into the same aggregator.
//
// Then a worker pool scores the batch of request sizes in rounds (a lambda
// work function with typed round arguments), and a sequenced collector hands
// the scores back in dispatch order.
//
// Uses the throwing half of the header: a failure is a spill::error.
#include <spill_ring.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// Running latency totals, fed from the request threads at the same time.
class latency_stats {
  public:
    void record(spill::span<const std::uint64_t> samples) {
        const std::lock_guard<std::mutex> guard(lock_);
        for (std::uint64_t us : samples) {
            ++count_;
            sum_ += us;
            if (us > max_) max_ = us;
        }
    }
    std::uint64_t count() const { return count_; }
    std::uint64_t sum() const { return sum_; }
    std::uint64_t max() const { return max_; }

  private:
    std::mutex lock_;
    std::uint64_t count_ = 0, sum_ = 0, max_ = 0;
};

std::uint64_t latency_of(std::size_t thread, std::uint64_t request) {
    return 100 + (thread * 7919 + request * 104729) % 900;
}

struct round_args {
    const std::vector<double> *sizes;
    std::size_t round, per_worker, workers;
};

} // namespace

int main() try {
    constexpr std::size_t threads = 4;
    constexpr std::uint64_t requests = 20000;

    latency_stats stats;
    std::uint64_t expected_sum = 0;
    for (std::size_t t = 0; t < threads; ++t)
        for (std::uint64_t r = 0; r < requests; ++r) expected_sum += latency_of(t, r);
    {
        auto record = spill::member<&latency_stats::record>(stats);
        spill::mpsc<std::uint64_t> samples(threads, 256, record);
        std::vector<std::thread> handlers;
        for (std::size_t t = 0; t < threads; ++t) {
            handlers.emplace_back([&samples, t] {
                spill::ring_ref<std::uint64_t> mine = samples.producer(t);
                for (std::uint64_t r = 0; r < requests; ++r) mine.push_or_throw(latency_of(t, r));
            });
        }
        for (auto &h : handlers) h.join();
        const std::size_t tail = samples.drain_or_throw(spill::spout<std::uint64_t>::ref(record));
        std::printf("latency: %zu samples drained at shutdown\n", tail);
    }
    std::printf("latency: %llu samples, mean %.1f us, max %llu us\n",
                static_cast<unsigned long long>(stats.count()),
                static_cast<double>(stats.sum()) / static_cast<double>(stats.count()),
                static_cast<unsigned long long>(stats.max()));
    if (stats.count() != threads * requests || stats.sum() != expected_sum) {
        std::printf("samples lost\n");
        return 1;
    }

    // Score request sizes on a pool: worker w takes its slice of the round.
    std::vector<double> sizes;
    for (int i = 0; i < 96; ++i) sizes.push_back(1.0 + i);
    std::vector<double> scores;
    spill::collector<double> in_order(spill::collector<double>::order::sequenced,
                                      [&scores](spill::span<const double> b) {
                                          scores.insert(scores.end(), b.begin(), b.end());
                                      });
    constexpr std::size_t workers = 3, per_worker = 8;
    spill::pool<double, round_args> scorer(
        workers, 64, [](spill::ring_ref<double> ring, std::size_t w, const round_args &a) {
            const std::size_t base = (a.round * a.workers + w) * a.per_worker;
            for (std::size_t k = 0; k < a.per_worker; ++k) ring.push_or_throw((*a.sizes)[base + k] * 2.0);
        });
    for (std::size_t round = 0; round * workers * per_worker < sizes.size(); ++round) {
        scorer.run_or_throw(round_args{&sizes, round, per_worker, workers});
        scorer.collect_or_throw(in_order);
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (scores.size() != sizes.size() || scores[i] != sizes[i] * 2.0) {
            std::printf("scores out of order\n");
            return 1;
        }
    }
    std::printf("pool: %zu scores back in dispatch order\n", scores.size());
    return 0;
} catch (const spill::error &e) {
    std::printf("spill error: %s\n", e.what());
    return 1;
}
