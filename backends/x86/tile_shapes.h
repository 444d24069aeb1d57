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

#endif
