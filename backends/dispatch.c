#include "backends/backend.h"

#include <stdlib.h>
#include <string.h>

static const rz_backend *active;

static const rz_backend *const tables[RZ_ISA_COUNT] = {
    [RZ_ISA_SCALAR] = &rz_backend_scalar,
    [RZ_ISA_AVX2] = &rz_backend_avx2,
    [RZ_ISA_AVX512] = &rz_backend_avx512,
};

bool rz_cpu_supports(rz_isa isa) {
    __builtin_cpu_init();
    switch (isa) {
    case RZ_ISA_SCALAR:
        return true;
    case RZ_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RZ_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma");
    case RZ_ISA_COUNT:
        break;
    }
    return false;
}

const rz_backend *rz_backend_for(rz_isa isa) {
    if (isa < 0 || isa >= RZ_ISA_COUNT || !rz_cpu_supports(isa)) return NULL;
    return tables[isa];
}

rz_isa rz_backend_best_isa(void) {
    for (int isa = RZ_ISA_COUNT - 1; isa > RZ_ISA_SCALAR; isa--)
        if (rz_cpu_supports((rz_isa)isa)) return (rz_isa)isa;
    return RZ_ISA_SCALAR;
}

rz_status rz_backend_select(const char *name, rz_error *err) {
    if (!name) name = getenv("RZ_BACKEND");
    if (!name || !*name) {
        active = tables[rz_backend_best_isa()];
        return RZ_OK;
    }
    for (int isa = 0; isa < RZ_ISA_COUNT; isa++) {
        if (strcmp(name, tables[isa]->name) != 0) continue;
        if (!rz_cpu_supports((rz_isa)isa))
            return rz_fail(err, RZ_EUNSUPPORTED, "backend '%s': this CPU does not support it",
                           name);
        active = tables[isa];
        return RZ_OK;
    }
    if (strcmp(name, "cuda") == 0)
        return rz_fail(
            err, RZ_EUNSUPPORTED,
            "backend 'cuda': not a CPU kernel table; the CUDA backend runs whole models through rz_cuda (backends/cuda/cuda_backend.h, RZ_CUDA=ON builds)");
    return rz_fail(err, RZ_EINVAL, "backend '%s': expected scalar, avx2 or avx512", name);
}

const rz_backend *rz_backend_active(void) {
    if (!active) active = tables[rz_backend_best_isa()];
    return active;
}

rz_to_float_fn rz_backend_to_float(const rz_backend *be, uint32_t type) {
    if (type >= RZ_TYPE_ID_LIMIT) return NULL;
    return be->to_float[type] ? be->to_float[type] : rz_backend_scalar.to_float[type];
}
