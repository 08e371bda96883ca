// cpp_example.cpp - spill_ring from C++11, through a small RAII wrapper.
//
// The wrapper (local to this example) owns a u64 ring, frees it in its
// destructor (which flushes the remaining items to the spout), and turns a
// C++ callable into the C spout. Exceptions never cross into the library:
// the callback catches them and refuses the batch, so the push that caused
// the eviction reports SPILL_SPOUT_FAILED and keeps the item.
#include <spill_ring.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace example {

// Thrown when a ring call fails.
class ring_error : public std::runtime_error {
  public:
    ring_error(const char *what, spill_status status)
        : std::runtime_error(std::string(what) + ": " + spill_status_str(status) + " (" +
                             spill_last_error() + ")"),
          status_(status) {}
    spill_status status() const { return status_; }

  private:
    spill_status status_;
};

// A ring of uint64_t that spills evicted batches to a C++ callable.
class u64_ring {
  public:
    using sink = std::function<void(const std::uint64_t *items, std::size_t count)>;

    u64_ring(std::size_t capacity, sink on_evict) : sink_(std::move(on_evict)) {
        spill_spout spout = {&u64_ring::send, nullptr, this};
        ring_ = spill_ring_u64_new(capacity, &spout);
        if (ring_ == nullptr) throw ring_error("spill_ring_u64_new", SPILL_INVALID_ARGUMENT);
    }
    ~u64_ring() { spill_ring_u64_free(ring_); }
    u64_ring(const u64_ring &) = delete;
    u64_ring &operator=(const u64_ring &) = delete;

    void push(std::uint64_t value) { check("push", spill_ring_u64_push(ring_, value)); }

    void push(const std::vector<std::uint64_t> &values) {
        check("push_bulk", spill_ring_u64_push_bulk(ring_, values.data(), values.size(), nullptr));
    }

    // Pops the oldest item into `out`; false when the ring is empty.
    bool pop(std::uint64_t &out) {
        const spill_status status = spill_ring_u64_pop(ring_, &out);
        if (status == SPILL_EMPTY) return false;
        check("pop", status);
        return true;
    }

    std::size_t size() const { return spill_ring_u64_len(ring_); }
    std::size_t capacity() const { return spill_ring_u64_capacity(ring_); }

  private:
    static int send(void *ctx, const void *items, std::size_t count) {
        try {
            static_cast<u64_ring *>(ctx)->sink_(static_cast<const std::uint64_t *>(items), count);
            return 0;
        } catch (...) {
            return 1; // refused: the ring keeps the items
        }
    }
    static void check(const char *what, spill_status status) {
        if (status != SPILL_OK) throw ring_error(what, status);
    }

    sink sink_;
    spill_ring_u64 *ring_ = nullptr;
};

} // namespace example

int main() {
    std::vector<std::uint64_t> spilled;
    bool refuse = false;
    {
        example::u64_ring ring(16, [&](const std::uint64_t *items, std::size_t count) {
            if (refuse) throw std::runtime_error("downstream unavailable");
            spilled.insert(spilled.end(), items, items + count);
        });
        for (std::uint64_t i = 0; i < 40; ++i) ring.push(i);
        std::printf("ring holds %zu of %zu; %zu items spilled so far\n", ring.size(),
                    ring.capacity(), spilled.size());

        // A sink that throws: the push fails and nothing is lost.
        refuse = true;
        try {
            ring.push(40);
            std::printf("unexpected: push succeeded\n");
            return 1;
        } catch (const example::ring_error &e) {
            std::printf("refused push reported: %s\n", e.what());
            if (e.status() != SPILL_SPOUT_FAILED || ring.size() != 16) return 1;
        }
        refuse = false;

        ring.push(std::vector<std::uint64_t>{40, 41, 42});
        std::uint64_t oldest = 0;
        if (!ring.pop(oldest)) return 1;
        std::printf("oldest item still in the ring: %llu\n",
                    static_cast<unsigned long long>(oldest));
    } // the destructor flushes the remaining 15 items to the sink

    // Items 0..42 except the popped one arrived, in order.
    std::uint64_t expected = 0;
    for (std::uint64_t v : spilled) {
        if (expected == 27) ++expected; // popped above
        if (v != expected++) {
            std::printf("out of order at %llu\n", static_cast<unsigned long long>(v));
            return 1;
        }
    }
    std::printf("%zu items reached the sink, in order, none lost\n", spilled.size());
    return spilled.size() == 42 ? 0 : 1;
}
