/* RZ_X86_TILE_SHAPES(nr, nt, RUN): covers an nr x nt tile (nt <= RZ_TILE_TOKENS, any nr) with
 * full-height tiles of RZ_TILE_ROWS rows, then single rows, calling RUN(r, NR, NT) for rows
 * r..r+NR-1 with NR and NT integer constants, so that the kernel RUN expands to unrolls its row
 * and token loops into registers. For the x86 tile bodies (backends/x86/vec_dot_*_body.h). */
#ifndef RZ_BACKENDS_X86_TILE_SHAPES_H
#define RZ_BACKENDS_X86_TILE_SHAPES_H

#define RZ_X86_TILE_SHAPES(nr, nt, RUN)                                                            \
    for (int r_ = 0; r_ < (nr);) {                                                                 \
        const int h_ = (nr)-r_ >= RZ_TILE_ROWS ? RZ_TILE_ROWS : 1;                                 \
        switch (h_ * 8 + (nt)) {                                                                   \
        case RZ_TILE_ROWS * 8 + 1:                                                                 \
            RUN(r_, RZ_TILE_ROWS, 1);                                                              \
            break;                                                                                 \
        case RZ_TILE_ROWS * 8 + 2:                                                                 \
            RUN(r_, RZ_TILE_ROWS, 2);                                                              \
            break;                                                                                 \
        case RZ_TILE_ROWS * 8 + 3:                                                                 \
            RUN(r_, RZ_TILE_ROWS, 3);                                                              \
            break;                                                                                 \
        case RZ_TILE_ROWS * 8 + 4:                                                                 \
            RUN(r_, RZ_TILE_ROWS, 4);                                                              \
            break;                                                                                 \
        case 8 + 1:                                                                                \
            RUN(r_, 1, 1);                                                                         \
            break;                                                                                 \
        case 8 + 2:                                                                                \
            RUN(r_, 1, 2);                                                                         \
            break;                                                                                 \
        case 8 + 3:                                                                                \
            RUN(r_, 1, 3);                                                                         \
            break;                                                                                 \
        default:                                                                                   \
            RUN(r_, 1, 4);                                                                         \
            break;                                                                                 \
        }                                                                                          \
        r_ += h_;                                                                                  \
    }

/* RZ_X86_BY_4_TOKENS(n, RUN), RZ_X86_BY_8_TOKENS and RZ_X86_BY_16_TOKENS: call RUN(N) with N = n
 * as an integer constant, for 1 <= n <= 4 (8, 16), 4 (8, 16) for any larger n, so that a gemm
 * kernel RUN expands to unrolls its token loops. */
#define RZ_X86_TOKEN_CASES_1_3(RUN)                                                                \
    case 1:                                                                                        \
        RUN(1);                                                                                    \
        break;                                                                                     \
    case 2:                                                                                        \
        RUN(2);                                                                                    \
        break;                                                                                     \
    case 3:                                                                                        \
        RUN(3);                                                                                    \
        break;

#define RZ_X86_TOKEN_CASES_4_7(RUN)                                                                \
    case 4:                                                                                        \
        RUN(4);                                                                                    \
        break;                                                                                     \
    case 5:                                                                                        \
        RUN(5);                                                                                    \
        break;                                                                                     \
    case 6:                                                                                        \
        RUN(6);                                                                                    \
        break;                                                                                     \
    case 7:                                                                                        \
        RUN(7);                                                                                    \
        break;

#define RZ_X86_TOKEN_CASES_8_15(RUN)                                                               \
    case 8:                                                                                        \
        RUN(8);                                                                                    \
        break;                                                                                     \
    case 9:                                                                                        \
        RUN(9);                                                                                    \
        break;                                                                                     \
    case 10:                                                                                       \
        RUN(10);                                                                                   \
        break;                                                                                     \
    case 11:                                                                                       \
        RUN(11);                                                                                   \
        break;                                                                                     \
    case 12:                                                                                       \
        RUN(12);                                                                                   \
        break;                                                                                     \
    case 13:                                                                                       \
        RUN(13);                                                                                   \
        break;                                                                                     \
    case 14:                                                                                       \
        RUN(14);                                                                                   \
        break;                                                                                     \
    case 15:                                                                                       \
        RUN(15);                                                                                   \
        break;

#define RZ_X86_BY_4_TOKENS(n, RUN)                                                                 \
    switch (n) {                                                                                   \
        RZ_X86_TOKEN_CASES_1_3(RUN)                                                                \
    default:                                                                                       \
        RUN(4);                                                                                    \
    }

#define RZ_X86_BY_8_TOKENS(n, RUN)                                                                 \
    switch (n) {                                                                                   \
        RZ_X86_TOKEN_CASES_1_3(RUN)                                                                \
        RZ_X86_TOKEN_CASES_4_7(RUN)                                                                \
    default:                                                                                       \
        RUN(8);                                                                                    \
    }

#define RZ_X86_BY_16_TOKENS(n, RUN)                                                                \
    switch (n) {                                                                                   \
        RZ_X86_TOKEN_CASES_1_3(RUN)                                                                \
        RZ_X86_TOKEN_CASES_4_7(RUN)                                                                \
        RZ_X86_TOKEN_CASES_8_15(RUN)                                                               \
    default:                                                                                       \
        RUN(16);                                                                                   \
    }

#endif
