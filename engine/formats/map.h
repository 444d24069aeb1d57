/* Read-only memory maps of whole files, for zero-copy readers. */
#ifndef RZ_FORMATS_MAP_H
#define RZ_FORMATS_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

/* Maps a regular file (an empty file gives a non-NULL base and len 0, not mapped); fails with
 * RZ_EIO naming the path and the reason. */
rz_status rz_map_file(const char *path, const uint8_t **base, size_t *len, rz_error *err);

/* Accepts what rz_map_file returned. */
void rz_unmap_file(const uint8_t *base, size_t len);

#endif
