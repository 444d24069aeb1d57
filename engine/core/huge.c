/* rz_huge_alloc (engine/core/huge.h). */
#include "engine/core/huge.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

void *rz_huge_alloc(size_t bytes) {
    const size_t align = bytes >= RZ_HUGE_PAGE ? RZ_HUGE_PAGE : 64;
    if (bytes > SIZE_MAX - align) return NULL;
    void *p = aligned_alloc(align, (bytes + align - 1) / align * align);
    if (p && align == RZ_HUGE_PAGE) madvise(p, (bytes + align - 1) / align * align, MADV_HUGEPAGE);
    return p;
}
