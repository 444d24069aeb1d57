/* The AMX tile kernels (backends/x86/amx_gemm_body.h on the real tiles) and the packed types'
 * gemm slots of the AVX-512 table that choose between them and VNNI. */
#include "backends/amx/amx.h"

#include <immintrin.h>

#include "backends/avx512/vec_dot.h"

/* Defines tiles_gemm_q4_0x16, _q4_1x16, _q5_0x16, _q8_0x16, _q4_kx16 and _q6_kx16 (static). */
#define AMX_SCOPE static
#define AMX_NAME(x) tiles_##x
#define AMX_LOADCONFIG(cfg) _tile_loadconfig(cfg)
#define AMX_ZERO(t) _tile_zero(t)
#define AMX_LOAD(t, base, stride) _tile_loadd(t, base, stride)
#define AMX_DPBSSD(c, a, b) _tile_dpbssd(c, a, b)
#define AMX_STORE(t, base, stride) _tile_stored(t, base, stride)
#define AMX_RELEASE() _tile_release()
#include "backends/x86/amx_gemm_body.h"

/* Defines rz_amx_gemm_q4_0x16, _q4_1x16, _q5_0x16, _q8_0x16, _q4_kx16 and _q6_kx16: tiles for two
 * or more tokens where usable, else AVX-512 VNNI. */
#define AMX_OR_VNNI(name)                                                                          \
    void rz_amx_gemm_##name(const void *w, size_t row_bytes, int nr, const void *xq,               \
                            size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {             \
        if (nt > 1 && rz_amx_usable())                                                             \
            tiles_gemm_##name(w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);                       \
        else                                                                                       \
            rz_avx512_vec_gemm_##name(w, row_bytes, nr, xq, x_bytes, nt, y, ldy, n);               \
    }
AMX_OR_VNNI(q4_0x16)
AMX_OR_VNNI(q4_1x16)
AMX_OR_VNNI(q5_0x16)
AMX_OR_VNNI(q8_0x16)
AMX_OR_VNNI(q4_kx16)
AMX_OR_VNNI(q6_kx16)
#undef AMX_OR_VNNI
