/* Reading a file's bytes into the page cache on a thread of its own, ahead of code that reads
 * the same bytes through a mapping (rz_map_file, rz_gguf_open): the mapping's page faults then
 * find the pages there instead of each waiting for the disk. The thread goes 1 MiB at a time:
 * a piece already cached (mincore on a mapping of its own that nothing touches) is skipped, so
 * a warm file costs no copy; any other is read with pread into a buffer, so no page of the file
 * enters the caller's resident set.
 * Contract: best effort; a prefetch that cannot start or read changes nothing but the time. */
#ifndef RZ_FORMATS_PREFETCH_H
#define RZ_FORMATS_PREFETCH_H

#include <stdint.h>

typedef struct rz_prefetch rz_prefetch;

/* Starts reading [offset, offset + len) of the file at path, first byte to last; NULL when no
 * thread could be started or the range is empty or past the file's end (then nothing is read). */
rz_prefetch *rz_prefetch_start(const char *path, uint64_t offset, uint64_t len);

/* Stops the reading after the piece in progress, waits for the thread and frees p (NULL: none).
 * Returns the bytes it had read or found cached. */
uint64_t rz_prefetch_end(rz_prefetch *p);

#endif
