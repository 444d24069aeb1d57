/* Large read-mostly buffers (packed weights) on transparent huge pages where the kernel allows.
 * Contract: rz_huge_alloc(bytes) returns memory aligned to 64 bytes, or NULL; from 2 MiB up it is
 * aligned to 2 MiB and advised as huge pages (MADV_HUGEPAGE: used when the system's THP setting
 * is "madvise" or "always", ignored otherwise). Free it with free(). */
#ifndef RZ_CORE_HUGE_H
#define RZ_CORE_HUGE_H

#include <stddef.h>

enum { RZ_HUGE_PAGE = 2 << 20 };

void *rz_huge_alloc(size_t bytes);

#endif
