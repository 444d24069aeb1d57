/* rz_huge_alloc (engine/core/huge.h). */
#include "engine/core/huge.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "engine/core/lines.h"

void *rz_huge_alloc(size_t bytes) {
    if (bytes < RZ_HUGE_PAGE) return rz_alloc_lines(bytes);
    if (bytes > SIZE_MAX - RZ_HUGE_PAGE) return NULL;
    const size_t size = (bytes + RZ_HUGE_PAGE - 1) / RZ_HUGE_PAGE * RZ_HUGE_PAGE;
    void *p = aligned_alloc(RZ_HUGE_PAGE, size);
    if (p) madvise(p, size, MADV_HUGEPAGE);
    return p;
}
