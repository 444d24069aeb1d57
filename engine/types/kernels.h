/* Scalar reference conversions for every tensor type rz converts, one file per type family
 * (float.c: f32/f16/bf16; q4_0.c, q4_1.c, q5_0.c, q5_1.c, q8_0.c, q8_1.c; q4_k.c, q5_k.c, q6_k.c,
 * q8_k.c). n is a multiple of the type's block size. Block layouts follow ggml exactly: the
 * structs of engine/types/blocks.h, whose alignment quantized src and dst must have. */
#ifndef RZ_TYPES_KERNELS_H
#define RZ_TYPES_KERNELS_H

#include <stdint.h>

#define RZ_DECLARE_TYPE(prefix)                                                                    \
    void rz_##prefix##_to_float(const void *src, float *dst, int64_t n);                           \
    void rz_##prefix##_from_float(const float *src, void *dst, int64_t n);

RZ_DECLARE_TYPE(f32)
RZ_DECLARE_TYPE(f16)
RZ_DECLARE_TYPE(bf16)
RZ_DECLARE_TYPE(q4_0)
RZ_DECLARE_TYPE(q4_1)
RZ_DECLARE_TYPE(q5_0)
RZ_DECLARE_TYPE(q5_1)
RZ_DECLARE_TYPE(q8_0)
RZ_DECLARE_TYPE(q8_1)
RZ_DECLARE_TYPE(q4_k)
RZ_DECLARE_TYPE(q5_k)
RZ_DECLARE_TYPE(q6_k)
RZ_DECLARE_TYPE(q8_k)

#undef RZ_DECLARE_TYPE

#endif
