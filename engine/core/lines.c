/* rz_alloc_lines (engine/core/lines.h). */
#include "engine/core/lines.h"

#include <stdint.h>
#include <stdlib.h>

void *rz_alloc_lines(size_t bytes) {
    if (bytes > SIZE_MAX - 63) return NULL;
    return aligned_alloc(64, bytes ? (bytes + 63) / 64 * 64 : 64);
}
