// spill::ring<T> for other trivially copyable T: the bytes family with
// elem_size == sizeof(T) (24-byte, 3-byte and cache-line-aligned structs),
// typed spans in spouts, chaining, caller memory.
#include "check.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace {

struct event { // 24 bytes, a size that is not a power of two
    std::uint64_t frame;
    std::uint32_t kind;
    float x, y;
    std::uint32_t id;
};
static_assert(sizeof(event) == 24, "24-byte event");

struct rgb {
    std::uint8_t r, g, b;
};

struct alignas(64) line {
    std::uint64_t words[8];
};

struct too_big {
    unsigned char bytes[SPILL_RING_MAX_ELEM_SIZE + 1];
};
struct not_trivial {
    not_trivial(const not_trivial &) {}
};

static_assert(std::is_same<spill::ring_handle<event>, spill_ring_bytes>::value, "bytes family");
static_assert(spill::detail::is_element<event>::value && spill::detail::is_element<line>::value,
              "elements");
static_assert(!spill::detail::is_element<too_big>::value, "at most SPILL_RING_MAX_ELEM_SIZE bytes");
static_assert(!spill::detail::is_element<not_trivial>::value, "trivially copyable only");
static_assert(!spill::detail::is_element<const event>::value, "not const");
#if SPILL_HPP_CONCEPTS
static_assert(spill::element<rgb> && !spill::element<too_big>, "the concept agrees");
static_assert(spill::spout_callable<void (*)(spill::span<const event>), event>, "callable");
static_assert(!spill::spout_callable<int (*)(spill::span<const event>), event>,
              "an int result is not accept/refuse");
#endif

template <class T> T make(std::size_t i);
template <> event make<event>(std::size_t i) {
    return event{i, static_cast<std::uint32_t>(i * 3), static_cast<float>(i) * 0.5f, -1.0f,
                 static_cast<std::uint32_t>(i + 7)};
}
template <> rgb make<rgb>(std::size_t i) {
    return rgb{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i + 1),
               static_cast<std::uint8_t>(i + 2)};
}
template <> line make<line>(std::size_t i) {
    line l{};
    for (std::size_t w = 0; w < 8; ++w) l.words[w] = i * 8 + w;
    return l;
}
template <class T> bool same(const T &a, const T &b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }
template <class T> bool is_seq(const std::vector<T> &v, std::size_t from, std::size_t to) {
    if (v.size() != to - from) return false;
    for (std::size_t i = from; i < to; ++i)
        if (!same(v[i - from], make<T>(i))) return false;
    return true;
}

template <class T> void ring_of_structs() {
    std::vector<T> got;
    spill::ring<T> r;
    CHECK_OK(spill::ring<T>::create(
        8,
        [&got](spill::span<const T> b) {
            for (const T &e : b) got.push_back(e); // typed, aligned items
        },
        r));
    CHECK(spill_ring_bytes_elem_size(r.native_handle()) == sizeof(T));
    for (std::size_t i = 0; i < 10; ++i) CHECK_OK(r.push(make<T>(i)));
    CHECK(is_seq(got, 0, 2));
    std::vector<T> in;
    for (std::size_t i = 10; i < 30; ++i) in.push_back(make<T>(i));
    std::size_t pushed = 0;
    CHECK_OK(r.push_bulk(spill::span<const T>(in.data(), in.size()), &pushed));
    CHECK(pushed == 20 && is_seq(got, 0, 22));
    T one{};
    CHECK_OK(r.peek(one));
    CHECK(same(one, make<T>(22)));
    CHECK_OK(r.pop(one));
    CHECK(same(one, make<T>(22)));
    std::vector<T> out(8);
    std::size_t popped = 0;
    CHECK_OK(r.pop_bulk(spill::span<T>(out.data(), out.size()), popped));
    CHECK(popped == 7);
    out.resize(popped);
    CHECK(is_seq(out, 23, 30));
    CHECK_STATUS(r.try_push(make<T>(0)), SPILL_OK);
    CHECK_OK(r.clear());
    CHECK(r.empty());
}

void chained_hot_warm_cold() {
    std::vector<event> cold;
    spill::ring<event> warm;
    CHECK_OK(spill::ring<event>::create(
        16, [&cold](spill::span<const event> b) { cold.insert(cold.end(), b.begin(), b.end()); }, warm));
    spill::ring<event> hot;
    CHECK_OK(spill::ring<event>::create(4, warm.as_spout(), hot));
    // moving both handles keeps the chain: the spout's context is the C handle
    spill::ring<event> warm2 = std::move(warm);
    spill::ring<event> hot2 = std::move(hot);
    for (std::size_t i = 0; i < 40; ++i) CHECK_OK(hot2.push(make<event>(i)));
    CHECK(hot2.size() == 4 && warm2.size() == 16 && is_seq(cold, 0, 20));
    CHECK_OK(hot2.close()); // its 4 go to warm, which evicts 4 to cold
    CHECK(warm2.size() == 16 && is_seq(cold, 0, 24));
    CHECK_OK(warm2.close());
    CHECK(is_seq(cold, 0, 40));
    // a spout of another element type does not compile: spout<event> only
    static_assert(!std::is_constructible<spill::ring<rgb>, std::size_t, spill::spout<event>>::value,
                  "spouts are typed");
}

void in_caller_memory() {
    std::vector<event> got;
    auto keep = [&got](spill::span<const event> b) { got.insert(got.end(), b.begin(), b.end()); };
    std::size_t need = 0;
    CHECK_OK(spill::ring<event>::memsize_with<decltype(keep)>(32, need));
    struct alignas(SPILL_RING_ALIGN) block {
        unsigned char bytes[SPILL_RING_ALIGN];
    };
    std::vector<block> arena(need / sizeof(block) + 1);
    {
        spill::ring<event> r;
        CHECK_OK(spill::ring<event>::init(spill::memory{arena.data(), need}, 32, keep, r));
        for (std::size_t i = 0; i < 40; ++i) CHECK_OK(r.push(make<event>(i)));
        CHECK(is_seq(got, 0, 8));
    }
    CHECK(is_seq(got, 0, 40));
    spill::ring<event> misaligned;
    CHECK_STATUS(spill::ring<event>::init(
                     spill::memory{reinterpret_cast<unsigned char *>(arena.data()) + 8, need - 8}, 32,
                     misaligned),
                 SPILL_INVALID_ARGUMENT);
}

} // namespace

int main() {
    ring_of_structs<event>();
    ring_of_structs<rgb>();
    ring_of_structs<line>();
    chained_hot_warm_cold();
    in_caller_memory();
    std::printf("spill::ring<struct>: bytes family passed\n");
    return 0;
}
