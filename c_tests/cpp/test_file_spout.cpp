// spill::file_spout<T> and spill::read_file<T>: rings (by-value and bytes)
// spilling into a record file, read back in order; bad paths and mismatched
// record sizes report their status.
#include "check.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

namespace {

struct sample {
    std::uint32_t seq;
    std::uint16_t channel;
    std::uint16_t value;
    double at;
};

static_assert(std::is_nothrow_move_constructible<spill::file_spout<sample>>::value &&
                  !std::is_copy_constructible<spill::file_spout<sample>>::value &&
                  noexcept(spill::read_file<sample>("", spill::spout<sample>())),
              "move-only, noexcept status API");

void u64_ring_into_a_file() {
    const std::string path = check::tmp_path("cpp_file_u64.rec");
    std::remove(path.c_str());
    {
        spill::file_spout<std::uint64_t> file;
        CHECK_OK(spill::file_spout<std::uint64_t>::open(path.c_str(), file));
        spill::file_spout<std::uint64_t> moved = std::move(file); // the spout's context is the C handle
        spill::ring<std::uint64_t> r;
        CHECK_OK(spill::ring<std::uint64_t>::create(8, moved.as_spout(), r));
        for (std::uint64_t i = 0; i < 100; ++i) CHECK_OK(r.push(i));
        std::size_t flushed = 0;
        CHECK_OK(r.flush(&flushed));
        CHECK(flushed == 8);
        CHECK_OK(r.close());
        CHECK_OK(moved.close());
    }
    std::vector<std::uint64_t> back;
    std::size_t count = 0;
    CHECK_OK(spill::read_file<std::uint64_t>(
        path.c_str(), [&](spill::span<const std::uint64_t> b) { back.insert(back.end(), b.begin(), b.end()); },
        &count));
    CHECK(count == 100 && back.size() == 100);
    for (std::uint64_t i = 0; i < 100; ++i) CHECK(back[i] == i);
    // records of another size are refused with the real status
    CHECK_STATUS(spill::read_file<std::uint32_t>(path.c_str(), [](spill::span<const std::uint32_t>) {}),
                 SPILL_IO_ERROR);
    spill::file_spout<std::uint32_t> wrong;
    CHECK(spill::file_spout<std::uint32_t>::open(path.c_str(), wrong) != SPILL_OK);
    CHECK(!wrong);
}

void struct_ring_appends_across_opens() {
    const std::string path = check::tmp_path("cpp_file_sample.rec");
    std::remove(path.c_str());
    for (std::uint32_t round = 0; round < 2; ++round) {
        spill::file_spout<sample> file;
        CHECK_OK(spill::file_spout<sample>::open(path.c_str(), file));
        spill::ring<sample> r;
        CHECK_OK(spill::ring<sample>::create(4, file.as_spout(), r));
        for (std::uint32_t i = 0; i < 10; ++i)
            CHECK_OK(r.push(sample{round * 10 + i, 1, static_cast<std::uint16_t>(i), i * 0.25}));
    } // the ring (declared last) flushes into the file before the file closes
    std::vector<sample> back;
    struct reader {
        std::vector<sample> *out;
        void operator()(spill::span<const sample> b) const { out->insert(out->end(), b.begin(), b.end()); }
    } into{&back};
    CHECK_OK(spill::read_file<sample>(path.c_str(), spill::spout<sample>::ref(into)));
    CHECK(back.size() == 20);
    for (std::uint32_t i = 0; i < 20; ++i) CHECK(back[i].seq == i && back[i].at == (i % 10) * 0.25);
}

void bad_paths() {
    spill::file_spout<double> f;
    CHECK_STATUS(spill::file_spout<double>::open("/nonexistent-dir/x.rec", f), SPILL_IO_ERROR);
    CHECK_STATUS(spill::file_spout<double>::open(nullptr, f), SPILL_NULL_ARGUMENT);
    CHECK(!f);
    CHECK_OK(f.close());
#if SPILL_HPP_EXCEPTIONS
    CHECK(check::throws_status([] { spill::file_spout<double> g("/nonexistent-dir/y.rec"); },
                               SPILL_IO_ERROR));
#endif
}

} // namespace

int main() {
    u64_ring_into_a_file();
    struct_ring_appends_across_opens();
    bad_paths();
    std::printf("spill::file_spout: passed\n");
    return 0;
}
