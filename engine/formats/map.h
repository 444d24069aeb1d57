/* Read-only memory maps of whole files, for zero-copy readers. */
#ifndef RZ_FORMATS_MAP_H
#define RZ_FORMATS_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

/* Maps a regular file (an empty file gives a non-NULL base and len 0, not mapped); fails with
 * RZ_EIO naming the path and the reason. */
rz_status rz_map_file(const char *path, const uint8_t **base, size_t *len, rz_error *err);

/* Drops the whole pages inside [p, p + len) of a mapping rz_map_file made from the resident set:
 * their bytes stay readable (read again from the file when touched). */
void rz_map_release(const void *p, size_t len);

/* Tells the kernel that [p, p + len) of a file mapping is about to be read: it starts reading
 * those pages in now, without waiting (at most its readahead window, 128 KiB to a few MiB, per
 * call): for small pieces scattered through a file, which faults would read one at a time. */
void rz_map_will_read(const void *p, size_t len);

/* Accepts what rz_map_file returned. */
void rz_unmap_file(const uint8_t *base, size_t len);

#endif
