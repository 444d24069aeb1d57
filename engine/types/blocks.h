/* Byte layouts of the quantized blocks, exactly as ggml stores them (little-endian, f16 scales
 * unless noted). Kernels address fields by these offsets from the block start, so blocks may sit
 * at any alignment. QK is the element count of a block, BYTES its size. */
#ifndef RZ_TYPES_BLOCKS_H
#define RZ_TYPES_BLOCKS_H

enum {
    RZ_QK = 32,   /* elements per block of q4_0, q4_1, q5_0, q5_1, q8_0, q8_1 */
    RZ_QK_K = 256 /* elements per super-block of the K-quants */
};

/* q4_0: d @0, qs[16] @2: element j is low nibble of qs[j], element j+16 the high; x = d*(q-8) */
enum { RZ_Q4_0_QS = 2, RZ_Q4_0_BYTES = 18 };

/* q4_1: d @0, m @2, qs[16] @4 (nibbles as q4_0); x = d*q + m */
enum { RZ_Q4_1_M = 2, RZ_Q4_1_QS = 4, RZ_Q4_1_BYTES = 20 };

/* q5_0: d @0, qh @2 (a little-endian u32: bit j is bit 4 of element j), qs[16] @6 (the low
 * nibbles, ordered as q4_0); x = d*(q-16) */
enum { RZ_Q5_0_QH = 2, RZ_Q5_0_QS = 6, RZ_Q5_0_BYTES = 22 };

/* q5_1: d @0, m @2, qh @4 (as q5_0), qs[16] @8; x = d*q + m */
enum { RZ_Q5_1_M = 2, RZ_Q5_1_QH = 4, RZ_Q5_1_QS = 8, RZ_Q5_1_BYTES = 24 };

/* q8_0: d @0, int8 qs[32] @2; x = d*q */
enum { RZ_Q8_0_QS = 2, RZ_Q8_0_BYTES = 34 };

/* q8_1: d @0, s @2 (d times the sum of the quants), int8 qs[32] @4; x = d*q */
enum { RZ_Q8_1_S = 2, RZ_Q8_1_QS = 4, RZ_Q8_1_BYTES = 36 };

/* q4_K: d @0, dmin @2, scales[12] @4 (eight 6-bit scales and mins, see rz_kq_scale_min),
 * qs[128] @16: each 64 elements take 32 bytes, low nibbles first then high nibbles;
 * x = d*sc*q - dmin*m per 32 elements */
enum { RZ_Q4_K_DMIN = 2, RZ_Q4_K_SCALES = 4, RZ_Q4_K_QS = 16, RZ_Q4_K_BYTES = 144 };

/* q5_K: as q4_K plus qh[32] @16 holding bit 4 (bit 2k / 2k+1 of qh[l] for the low / high
 * nibble of 64-element group k), then qs[128] @48 */
enum {
    RZ_Q5_K_DMIN = 2,
    RZ_Q5_K_SCALES = 4,
    RZ_Q5_K_QH = 16,
    RZ_Q5_K_QS = 48,
    RZ_Q5_K_BYTES = 176
};

/* q6_K: ql[128] @0 (low 4 bits), qh[64] @128 (high 2 bits), int8 scales[16] @192, d @208;
 * x = d*scale*(q-32) per 16 elements */
enum { RZ_Q6_K_QH = 128, RZ_Q6_K_SCALES = 192, RZ_Q6_K_D = 208, RZ_Q6_K_BYTES = 210 };

/* q8_K: f32 d @0, int8 qs[256] @4, int16 bsums[16] @260 (sums of 16 quants); x = d*q */
enum { RZ_Q8_K_QS = 4, RZ_Q8_K_BSUMS = 260, RZ_Q8_K_BYTES = 292 };

#endif
