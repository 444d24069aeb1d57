/* rz_backend: the table of kernels the engine calls; the model code never names an ISA.
 * Contract: one table per ISA (scalar reference, AVX2, AVX-512). rz_backend_select picks one
 * once at start, from a name, from RZ_BACKEND=scalar|avx2|avx512, or from CPUID (the widest ISA the
 * CPU and OS support). It is the only mutable global state in librz. Every fast kernel must agree
 * with the scalar one within the tolerance its test states. */
#ifndef RZ_BACKENDS_BACKEND_H
#define RZ_BACKENDS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"

typedef enum { RZ_ISA_SCALAR, RZ_ISA_AVX2, RZ_ISA_AVX512, RZ_ISA_COUNT } rz_isa;

typedef struct {
    const char *name;
    rz_isa isa;
    /* sum over i < n of a[i] * b[i]; any alignment, any n */
    float (*dot_f32)(const float *a, const float *b, size_t n);
} rz_backend;

extern const rz_backend rz_backend_scalar;
extern const rz_backend rz_backend_avx2;
extern const rz_backend rz_backend_avx512;

/* True when this CPU and OS can run the ISA. */
bool rz_cpu_supports(rz_isa isa);

/* The table for an ISA, or NULL when the CPU cannot run it. */
const rz_backend *rz_backend_for(rz_isa isa);

/* The widest ISA this CPU supports. */
rz_isa rz_backend_best_isa(void);

/* Selects the active table: `name` if non-NULL, else $RZ_BACKEND if set, else the best ISA.
 * Fails with RZ_EINVAL for an unknown name and RZ_EUNSUPPORTED for an ISA the CPU lacks. */
rz_status rz_backend_select(const char *name, rz_error *err);

/* The active table; the best ISA when rz_backend_select was never called. */
const rz_backend *rz_backend_active(void);

#endif
