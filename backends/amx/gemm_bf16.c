/* The AMX bf16 tile kernel (backends/x86/amx_bf16_gemm_body.h on the real tiles) and the bf16
 * activations it reads. */
#include <immintrin.h>

#include "backends/amx/amx.h"
#include "engine/types/half.h"

/* Defines rz_amx_gemm_bf16x16 (static). */
#define AMX_SCOPE static
#define AMX_NAME(x) rz_amx_##x
#define AMX_LOADCONFIG(cfg) _tile_loadconfig(cfg)
#define AMX_ZERO(t) _tile_zero(t)
#define AMX_LOAD(t, base, stride) _tile_loadd(t, base, stride)
#define AMX_DPBF16PS(c, a, b) _tile_dpbf16ps(c, a, b)
#define AMX_STORE(t, base, stride) _tile_stored(t, base, stride)
#define AMX_RELEASE() _tile_release()
#include "backends/x86/amx_bf16_gemm_body.h"

/* rz_f32_to_bf16 on 16 lanes: nearest even, a NaN quieted. */
static inline __m256i to_bf16(__m512 v) {
    const __m512i x = _mm512_castps_si512(v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(x, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_srli_epi32(
        _mm512_add_epi32(x, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff))), 16);
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(
        _mm512_and_si512(x, _mm512_set1_epi32(0x7fffffff)), _mm512_set1_epi32(0x7f800000));
    const __m512i quiet = _mm512_or_si512(_mm512_srli_epi32(x, 16), _mm512_set1_epi32(64));
    return _mm512_cvtepi32_epi16(_mm512_mask_blend_epi32(nan, rounded, quiet));
}

void rz_amx_quantize_bf16(const float *x, void *xq, int64_t n) {
    uint16_t *q = xq;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(q + i), to_bf16(_mm512_loadu_ps(x + i)));
    for (; i < n; i++)
        q[i] = rz_f32_to_bf16(x[i]);
}

const rz_vec_kernel rz_amx_vec_bf16x16 = {NULL, NULL, RZ_TYPE_BF16, rz_amx_quantize_bf16,
                                          rz_amx_gemm_bf16x16};
