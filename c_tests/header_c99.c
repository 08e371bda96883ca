/*
 * The header compiles as strict C99 (-std=c99 -Wall -Wextra -Werror
 * -pedantic), can be included twice, and its declarations link.
 */
#include "spill_ring.h"
#include "spill_ring.h" /* the include guard makes this a no-op */

#include <stdio.h>

int main(void) {
    spill_status status = SPILL_OK;
    spill_spout spout = {NULL, NULL, NULL};
    spill_ring_u64 *ring = spill_ring_u64_new(SPILL_RING_MAX_CAPACITY, &spout);
    /* A spout without send is refused. */
    if (ring != NULL) return 1;
    ring = spill_ring_u64_new(16, NULL);
    if (ring == NULL) return 1;
    status = spill_ring_u64_push(ring, (uint64_t)SPILL_RING_ALIGN);
    spill_ring_u64_free(ring);
    printf("C99: spill_ring %u.%u.%u, %s\n", (unsigned)SPILL_RING_VERSION_MAJOR,
           (unsigned)SPILL_RING_VERSION_MINOR, (unsigned)SPILL_RING_VERSION_PATCH,
           spill_status_str(status));
    return status == SPILL_OK && spill_version() != 0 ? 0 : 1;
}
