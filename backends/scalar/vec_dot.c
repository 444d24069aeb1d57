/* The scalar reference kernel table: dot, tile, partner type and its quantizer per weight type
 * (rz_vec_kernel, backends/backend.h). */
#include "backends/scalar/vec_dot.h"

const rz_vec_kernel rz_scalar_vec[RZ_VEC_TYPE_LIMIT] = {
    [RZ_TYPE_F32] = {rz_scalar_vec_dot_f32, NULL, RZ_TYPE_F32, NULL},
    [RZ_TYPE_F16] = {rz_scalar_vec_dot_f16, NULL, RZ_TYPE_F32, NULL},
    [RZ_TYPE_BF16] = {rz_scalar_vec_dot_bf16, NULL, RZ_TYPE_F32, NULL},
    [RZ_TYPE_Q4_0] = {rz_scalar_vec_dot_q4_0, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0},
    [RZ_TYPE_Q4_1] = {rz_scalar_vec_dot_q4_1, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0},
    [RZ_TYPE_Q5_0] = {rz_scalar_vec_dot_q5_0, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0},
    [RZ_TYPE_Q5_1] = {rz_scalar_vec_dot_q5_1, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0},
    [RZ_TYPE_Q8_0] = {rz_scalar_vec_dot_q8_0, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0},
    [RZ_TYPE_Q4_K] = {rz_scalar_vec_dot_q4_k, NULL, RZ_TYPE_Q8_K, rz_scalar_quantize_q8_k},
    [RZ_TYPE_Q5_K] = {rz_scalar_vec_dot_q5_k, NULL, RZ_TYPE_Q8_K, rz_scalar_quantize_q8_k},
    [RZ_TYPE_Q6_K] = {rz_scalar_vec_dot_q6_k, NULL, RZ_TYPE_Q8_K, rz_scalar_quantize_q8_k},
    [RZ_TYPE_Q4_0_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0,
                          rz_scalar_vec_gemm_q4_0x16},
    [RZ_TYPE_Q4_1_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0,
                          rz_scalar_vec_gemm_q4_1x16},
    [RZ_TYPE_Q5_0_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0,
                          rz_scalar_vec_gemm_q5_0x16},
    [RZ_TYPE_Q8_0_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_scalar_quantize_q8_0,
                          rz_scalar_vec_gemm_q8_0x16},
    [RZ_TYPE_Q4_K_X16] = {NULL, NULL, RZ_TYPE_Q8_K, rz_scalar_quantize_q8_k,
                          rz_scalar_vec_gemm_q4_kx16},
    [RZ_TYPE_Q6_K_X16] = {NULL, NULL, RZ_TYPE_Q8_K, rz_scalar_quantize_q8_k,
                          rz_scalar_vec_gemm_q6_kx16},
};
