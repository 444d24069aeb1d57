/* The avx512 dot-kernel and tile-kernel tables, indexed by weight type. */
#include "backends/avx512/vec_dot.h"

const rz_vec_dot_fn rz_avx512_vec_dot[RZ_TYPE_ID_LIMIT] = {
    [RZ_TYPE_F32] = rz_avx512_vec_dot_f32,   [RZ_TYPE_F16] = rz_avx512_vec_dot_f16,
    [RZ_TYPE_BF16] = rz_avx512_vec_dot_bf16, [RZ_TYPE_Q4_0] = rz_avx512_vec_dot_q4_0,
    [RZ_TYPE_Q4_1] = rz_avx512_vec_dot_q4_1, [RZ_TYPE_Q5_0] = rz_avx512_vec_dot_q5_0,
    [RZ_TYPE_Q5_1] = rz_avx512_vec_dot_q5_1, [RZ_TYPE_Q8_0] = rz_avx512_vec_dot_q8_0,
    [RZ_TYPE_Q4_K] = rz_avx512_vec_dot_q4_k, [RZ_TYPE_Q5_K] = rz_avx512_vec_dot_q5_k,
    [RZ_TYPE_Q6_K] = rz_avx512_vec_dot_q6_k,
};

const rz_vec_tile_fn rz_avx512_vec_tile[RZ_TYPE_ID_LIMIT] = {
    [RZ_TYPE_F32] = rz_avx512_vec_tile_f32,   [RZ_TYPE_F16] = rz_avx512_vec_tile_f16,
    [RZ_TYPE_BF16] = rz_avx512_vec_tile_bf16, [RZ_TYPE_Q4_0] = rz_avx512_vec_tile_q4_0,
    [RZ_TYPE_Q4_1] = rz_avx512_vec_tile_q4_1, [RZ_TYPE_Q5_0] = rz_avx512_vec_tile_q5_0,
    [RZ_TYPE_Q5_1] = rz_avx512_vec_tile_q5_1, [RZ_TYPE_Q8_0] = rz_avx512_vec_tile_q8_0,
    [RZ_TYPE_Q4_K] = rz_avx512_vec_tile_q4_k, [RZ_TYPE_Q5_K] = rz_avx512_vec_tile_q5_k,
    [RZ_TYPE_Q6_K] = rz_avx512_vec_tile_q6_k,
};
