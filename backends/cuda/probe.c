#include <stdio.h>

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_status.h"
#include "backends/cuda/device.h"

bool rz_cuda_available(char *why, size_t cap) {
    int n = 0;
    const char *e = rzc_device_count(&n);
    if (n > 0) return true;
    if (why && cap) snprintf(why, cap, "%s", e ? e : "no CUDA device");
    return false;
}

rz_status rz_cuda_device_info(rz_cuda_device *d, rz_error *err) {
    if (rzc_need_device(err)) return RZ_EUNSUPPORTED;
    return rzc_status(err,
                      rzc_device_props(d->name, sizeof d->name, &d->cc_major, &d->cc_minor,
                                       &d->mem_bytes, &d->nominal_gbps, &d->driver_version,
                                       &d->runtime_version),
                      "reading the device properties");
}

rz_status rz_cuda_bandwidth(size_t bytes, int reps, double *gbps, rz_error *err) {
    if (rzc_need_device(err)) return RZ_EUNSUPPORTED;
    if (bytes == 0 || reps < 1)
        return rz_fail(err, RZ_EINVAL, "bandwidth probe of %zu bytes x %d: expected > 0", bytes,
                       reps);
    return rzc_status(err, rzc_measure_bandwidth(bytes, reps, gbps), "bandwidth probe");
}
