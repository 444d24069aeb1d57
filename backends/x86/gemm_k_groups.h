/* RZ_X86_GEMM_K(isa, name, gemv, gemm): defines rz_<isa>_vec_gemm_<name>, the gemm of a packed
 * K-quant type (backends/pack.h, rz_block_<name>) with the gemm contract of backends/vec_dot.h:
 * each group of 16 rows by gemv(b, nb, xq, y) for one token (a decode) and by
 * gemm(b, nb, xq, x_bytes, y, ldy, nt) for more. The group walk the AVX2 and AVX-512 K-quant gemms
 * share (backends/avx2/vec_gemm_k.c, backends/avx512/vec_gemm_k.c). */
#ifndef RZ_BACKENDS_X86_GEMM_K_GROUPS_H
#define RZ_BACKENDS_X86_GEMM_K_GROUPS_H

#define RZ_X86_GEMM_K(isa, name, gemv, gemm)                                                       \
    void rz_##isa##_vec_gemm_##name(const void *w, size_t row_bytes, int nr, const void *xq,       \
                                    size_t x_bytes, int nt, float *y, size_t ldy, int64_t n) {     \
        const int64_t nb = n / RZ_QK_K;                                                            \
        for (int g = 0; g < nr / RZ_PACK_ROWS; g++) {                                              \
            const rz_block_##name *b =                                                             \
                (const rz_block_##name *)((const uint8_t *)w +                                     \
                                          (size_t)g * RZ_PACK_ROWS * row_bytes);                   \
            if (nt == 1)                                                                           \
                gemv(b, nb, xq, y + g * RZ_PACK_ROWS);                                             \
            else                                                                                   \
                gemm(b, nb, xq, x_bytes, y + g * RZ_PACK_ROWS, ldy, nt);                           \
        }                                                                                          \
    }

#endif
