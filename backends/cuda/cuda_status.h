/* Turns a device-layer result (NULL or the CUDA runtime's message) into an rz_status: RZ_ENOMEM
 * for an allocation failure, RZ_EIO for any other runtime error, naming what was being done. */
#ifndef RZ_BACKENDS_CUDA_CUDA_STATUS_H
#define RZ_BACKENDS_CUDA_CUDA_STATUS_H

#include <string.h>

#include "engine/core/status.h"

static inline rz_status rzc_status(rz_error *err, const char *e, const char *what) {
    if (!e) return RZ_OK;
    return rz_fail(err, strstr(e, "out of memory") ? RZ_ENOMEM : RZ_EIO, "CUDA, %s: %s", what, e);
}

#endif
