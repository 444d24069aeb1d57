/* The CUDA backend's failures as rz_status. rzc_status turns a device-layer result (NULL or the
 * CUDA runtime's message) into RZ_ENOMEM for an allocation failure, RZ_EIO for any other runtime
 * error, naming what was being done. rzc_need_device is RZ_EUNSUPPORTED, with the reason
 * rz_cuda_available gives, when no CUDA device can be used. */
#ifndef RZ_BACKENDS_CUDA_CUDA_STATUS_H
#define RZ_BACKENDS_CUDA_CUDA_STATUS_H

#include <string.h>

#include "backends/cuda/cuda_backend.h"
#include "engine/core/status.h"

static inline rz_status rzc_status(rz_error *err, const char *e, const char *what) {
    if (!e) return RZ_OK;
    return rz_fail(err, strstr(e, "out of memory") ? RZ_ENOMEM : RZ_EIO, "CUDA, %s: %s", what, e);
}

static inline rz_status rzc_need_device(rz_error *err) {
    char why[256];
    return rz_cuda_available(why, sizeof why) ? RZ_OK : rz_fail(err, RZ_EUNSUPPORTED, "%s", why);
}

#endif
