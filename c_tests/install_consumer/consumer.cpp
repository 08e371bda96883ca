// Uses the installed header from C++.
#include <spill_ring.h>

#include <cstdio>

int main() {
    spill_ring_u32 *ring = spill_ring_u32_new(8, nullptr);
    if (ring == nullptr) return 1;
    for (uint32_t i = 0; i < 20; ++i) spill_ring_u32_push(ring, i);
    uint32_t oldest = 0;
    const bool ok = spill_ring_u32_pop(ring, &oldest) == SPILL_OK && oldest == 12;
    spill_ring_u32_free(ring);
    std::printf("C++ consumer: oldest kept item = %u\n", static_cast<unsigned>(oldest));
    return ok ? 0 : 1;
}
