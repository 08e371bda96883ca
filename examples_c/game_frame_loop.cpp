// game_frame_loop.cpp - spill_ring.hpp in a game engine's frame loop.
//
// Every frame the simulation records gameplay events (a 24-byte struct) into
// a small hot ring that lives in the engine's own arena (no allocation). The
// frame's consumer (e.g. the replay/telemetry system) pops what it can
// afford; what it cannot keep up with spills to a larger warm ring, which
// in turn spills to a record file on disk. After the session the file is
// read back and checked: every event was either consumed or is in the file,
// exactly once, in order.
//
// Built with -fno-exceptions -fno-rtti, as engines often are: it uses only
// the status-returning, noexcept half of the header.
#include <spill_ring.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct frame_event {
    std::uint64_t frame;
    std::uint32_t entity;
    std::uint16_t kind;
    std::uint16_t seq; // the event's index within its frame
    float x, y;
};
static_assert(sizeof(frame_event) == 24, "a 24-byte event");

enum : std::uint16_t { spawn = 1, hit = 2, despawn = 3 };

// The engine's arena for subsystems that must not allocate per frame.
struct alignas(SPILL_RING_ALIGN) arena_block {
    unsigned char bytes[SPILL_RING_ALIGN];
};
arena_block arena[256];

bool fail(const char *what, spill::status s) {
    std::fprintf(stderr, "%s: %s (%s)\n", what, spill::status_name(s), spill::last_error());
    return false;
}

bool run() {
    const char *dir = std::getenv("TMPDIR");
    const std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : ".") + "/frame_events.rec";
    std::remove(path.c_str());

    constexpr std::size_t frames = 600;
    std::uint64_t emitted = 0;
    std::vector<frame_event> consumed;
    {
        // Declared coldest first: each tier must outlive the tier above it.
        spill::file_spout<frame_event> cold;
        spill::status s = spill::file_spout<frame_event>::open(path.c_str(), cold);
        if (s != SPILL_OK) return fail("open the event file", s);

        spill::ring<frame_event> warm;
        if ((s = spill::ring<frame_event>::create(1024, cold.as_spout(), warm)) != SPILL_OK)
            return fail("warm ring", s);

        std::size_t need = 0;
        if ((s = spill::ring<frame_event>::memsize(64, need)) != SPILL_OK) return fail("memsize", s);
        if (need > sizeof arena) return fail("arena too small", SPILL_INVALID_ARGUMENT);
        spill::ring<frame_event> hot;
        if ((s = spill::ring<frame_event>::init(spill::memory{arena, sizeof arena}, 64, warm.as_spout(), hot)) !=
            SPILL_OK)
            return fail("hot ring", s);

        frame_event budget[8]; // what the consumer handles per frame
        for (std::uint64_t f = 0; f < frames; ++f) {
            // simulation: a burst every 50 frames, a steady trickle otherwise
            const std::uint16_t count = static_cast<std::uint16_t>(f % 50 == 0 ? 200 : 3 + f % 7);
            for (std::uint16_t i = 0; i < count; ++i) {
                const frame_event e{f, static_cast<std::uint32_t>(f * 31 + i),
                                    static_cast<std::uint16_t>(i == 0 ? spawn : (i % 5 == 0 ? despawn : hit)),
                                    i, static_cast<float>(i), static_cast<float>(f)};
                if ((s = hot.push(e)) != SPILL_OK) return fail("push", s);
                ++emitted;
            }
            // the consumer's share of the frame
            std::size_t popped = 0;
            s = hot.pop_bulk(budget, 8, popped);
            if (s != SPILL_OK && s != SPILL_EMPTY) return fail("pop_bulk", s);
            consumed.insert(consumed.end(), budget, budget + popped);
        }
        std::printf("%zu frames, %llu events: %zu consumed in-frame, %zu hot, %zu warm\n", frames,
                    static_cast<unsigned long long>(emitted), consumed.size(), hot.size(), warm.size());
    } // hot spills into warm, warm into the file, the file is flushed and closed

    // Read the file back: the events the consumer did not take, in order.
    std::vector<frame_event> on_disk;
    std::size_t read = 0;
    const spill::status s = spill::read_file<frame_event>(
        path.c_str(),
        [&](spill::span<const frame_event> batch) { on_disk.insert(on_disk.end(), batch.begin(), batch.end()); },
        &read);
    if (s != SPILL_OK) return fail("read the event file", s);
    std::printf("%zu events read back from %s\n", read, path.c_str());

    // Every event exactly once: merge the two streams by (frame, seq).
    if (consumed.size() + on_disk.size() != emitted) return fail("events lost or duplicated", SPILL_PANIC);
    auto key = [](const frame_event &e) { return (e.frame << 16) | e.seq; };
    std::size_t a = 0, b = 0;
    std::uint64_t last = 0;
    bool first = true;
    while (a < consumed.size() || b < on_disk.size()) {
        const bool take_a = b == on_disk.size() || (a < consumed.size() && key(consumed[a]) < key(on_disk[b]));
        const frame_event &e = take_a ? consumed[a++] : on_disk[b++];
        if (!first && key(e) <= last) return fail("events out of order or duplicated", SPILL_PANIC);
        if (e.entity != e.frame * 31 + e.seq) return fail("event corrupted", SPILL_PANIC);
        last = key(e);
        first = false;
    }
    std::printf("all %llu events accounted for, in order, none lost\n", static_cast<unsigned long long>(emitted));
    return true;
}

} // namespace

int main() { return run() ? 0 : 1; }
