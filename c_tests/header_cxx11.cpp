// The header compiles as C++11 (-std=c++11 -Wall -Wextra -Werror -pedantic),
// its declarations have C linkage (this links against the C library), and
// its types work in C++ code.
#include "spill_ring.h"

#include <cstdio>
#include <type_traits>

static_assert(std::is_pod<spill_spout>::value, "spill_spout is a plain C struct");
static_assert(SPILL_RING_MAX_CAPACITY == 1048576, "capacity limit");
static_assert(SPILL_RING_MAX_ELEM_SIZE == 4096, "element size limit");

namespace {

int count_items(void *ctx, const void *, size_t count) {
    *static_cast<size_t *>(ctx) += count;
    return 0;
}

} // namespace

int main() {
    size_t evicted = 0;
    spill_spout spout = {count_items, nullptr, &evicted};
    spill_ring_f64 *ring = spill_ring_f64_new(4, &spout);
    if (ring == nullptr) return 1;
    for (int i = 0; i < 10; ++i) {
        if (spill_ring_f64_push(ring, i * 0.5) != SPILL_OK) return 1;
    }
    spill_ring_f64_free(ring);
    std::printf("C++11: %zu items reached the spout, %s\n", evicted, spill_status_str(SPILL_OK));
    return evicted == 10 ? 0 : 1;
}
