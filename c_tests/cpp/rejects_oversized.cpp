// Must not compile: an element larger than SPILL_RING_MAX_ELEM_SIZE. The
// ctest test cpp_rejects_oversized_element builds this and expects the
// static_assert that explains the element rule.
#include <spill_ring.hpp>

struct too_big {
    unsigned char bytes[SPILL_RING_MAX_ELEM_SIZE + 1];
};

int main() {
    spill::ring<too_big> ring;
    return ring.empty() ? 0 : 1;
}
