/* The AVX-512 kernel table: dot, tile, partner type and its quantizer per weight type
 * (rz_vec_kernel, backends/backend.h); the packed types' gemm slots are the AMX-or-VNNI ones of
 * backends/amx/amx.h. Packed bf16 has no entry: AMX's alone (rz_amx_vec_bf16x16). */
#include "backends/avx512/vec_dot.h"

#include "backends/amx/amx.h"

const rz_vec_kernel rz_avx512_vec[RZ_VEC_TYPE_LIMIT] = {
    [RZ_TYPE_F32] = {rz_avx512_vec_dot_f32, rz_avx512_vec_tile_f32, RZ_TYPE_F32, NULL},
    [RZ_TYPE_F16] = {rz_avx512_vec_dot_f16, rz_avx512_vec_tile_f16, RZ_TYPE_F32, NULL},
    [RZ_TYPE_BF16] = {rz_avx512_vec_dot_bf16, rz_avx512_vec_tile_bf16, RZ_TYPE_F32, NULL},
    [RZ_TYPE_Q4_0] = {rz_avx512_vec_dot_q4_0, rz_avx512_vec_tile_q4_0, RZ_TYPE_Q8_0,
                      rz_avx512_quantize_q8_0},
    [RZ_TYPE_Q4_1] = {rz_avx512_vec_dot_q4_1, rz_avx512_vec_tile_q4_1, RZ_TYPE_Q8_0,
                      rz_avx512_quantize_q8_0},
    [RZ_TYPE_Q5_0] = {rz_avx512_vec_dot_q5_0, rz_avx512_vec_tile_q5_0, RZ_TYPE_Q8_0,
                      rz_avx512_quantize_q8_0},
    [RZ_TYPE_Q5_1] = {rz_avx512_vec_dot_q5_1, rz_avx512_vec_tile_q5_1, RZ_TYPE_Q8_0,
                      rz_avx512_quantize_q8_0},
    [RZ_TYPE_Q8_0] = {rz_avx512_vec_dot_q8_0, rz_avx512_vec_tile_q8_0, RZ_TYPE_Q8_0,
                      rz_avx512_quantize_q8_0},
    [RZ_TYPE_Q4_K] = {rz_avx512_vec_dot_q4_k, rz_avx512_vec_tile_q4_k, RZ_TYPE_Q8_K,
                      rz_avx512_quantize_q8_k},
    [RZ_TYPE_Q5_K] = {rz_avx512_vec_dot_q5_k, rz_avx512_vec_tile_q5_k, RZ_TYPE_Q8_K,
                      rz_avx512_quantize_q8_k},
    [RZ_TYPE_Q6_K] = {rz_avx512_vec_dot_q6_k, rz_avx512_vec_tile_q6_k, RZ_TYPE_Q8_K,
                      rz_avx512_quantize_q8_k},
    [RZ_TYPE_Q4_0_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_avx512_quantize_q8_0, rz_amx_gemm_q4_0x16},
    [RZ_TYPE_Q4_1_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_avx512_quantize_q8_0, rz_amx_gemm_q4_1x16},
    [RZ_TYPE_Q5_0_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_avx512_quantize_q8_0, rz_amx_gemm_q5_0x16},
    [RZ_TYPE_Q8_0_X16] = {NULL, NULL, RZ_TYPE_Q8_0, rz_avx512_quantize_q8_0, rz_amx_gemm_q8_0x16},
    [RZ_TYPE_Q4_K_X16] = {NULL, NULL, RZ_TYPE_Q8_K, rz_avx512_quantize_q8_k, rz_amx_gemm_q4_kx16},
    [RZ_TYPE_Q6_K_X16] = {NULL, NULL, RZ_TYPE_Q8_K, rz_avx512_quantize_q8_k, rz_amx_gemm_q6_kx16},
};
