/* Buffers on 64-byte cache lines, so that a row's vector loads never span two lines.
 * Contract: rz_alloc_lines(bytes) returns memory aligned to 64 bytes, room for bytes rounded up
 * to whole lines (at least one), or NULL; free it with free(). Not zeroed. */
#ifndef RZ_CORE_LINES_H
#define RZ_CORE_LINES_H

#include <stddef.h>

void *rz_alloc_lines(size_t bytes);

#endif
