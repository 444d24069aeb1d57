/* The head-group dispatch that the AVX2 and AVX-512 attention kernels over an F16 cache share
 * (rz_backend.dot_f16_heads and axpy_f16_heads, backends/backend.h): the heads GROUP at a time,
 * each group's head count, and the head size where it is 64, 128 or 256, made constants for the
 * file's always-inlined dot_group and axpy_group.
 * Included once by backends/avx2/attention_f16.c and once by backends/avx512/attention_f16.c,
 * each compiled with its own ISA flags, after the file has defined GROUP (8), dot_group,
 * axpy_group and RZ_X86_ATTENTION(name) naming its public functions. Defines
 * RZ_X86_ATTENTION(dot_f16_heads) and RZ_X86_ATTENTION(axpy_f16_heads). */
#if !defined(RZ_X86_ATTENTION)
#error "attention_f16_body.h: define RZ_X86_ATTENTION(name) before including it"
#endif

/* Calls call(G) with G = g as a constant, g in 1..8. */
#define RZ_X86_GROUP_CASES(call)                                                                   \
    switch (g) {                                                                                   \
    case 1:                                                                                        \
        call(1);                                                                                   \
        break;                                                                                     \
    case 2:                                                                                        \
        call(2);                                                                                   \
        break;                                                                                     \
    case 3:                                                                                        \
        call(3);                                                                                   \
        break;                                                                                     \
    case 4:                                                                                        \
        call(4);                                                                                   \
        break;                                                                                     \
    case 5:                                                                                        \
        call(5);                                                                                   \
        break;                                                                                     \
    case 6:                                                                                        \
        call(6);                                                                                   \
        break;                                                                                     \
    case 7:                                                                                        \
        call(7);                                                                                   \
        break;                                                                                     \
    default:                                                                                       \
        call(8);                                                                                   \
    }

/* The heads GROUP at a time, n (the head size) a constant where the caller's is. */
static inline __attribute__((always_inline)) void dot_heads(const uint16_t *a, size_t stride,
                                                            int rows, const float *q, int heads,
                                                            size_t n, float *out, size_t ld) {
    for (int h0 = 0; h0 < heads; h0 += GROUP) {
        const int g = heads - h0 < GROUP ? heads - h0 : GROUP;
        const float *qg = q + (size_t)h0 * n;
        float *og = out + (size_t)h0 * ld;
#define RZ_X86_DOT(G) dot_group(a, stride, rows, qg, n, og, ld, G)
        RZ_X86_GROUP_CASES(RZ_X86_DOT)
#undef RZ_X86_DOT
    }
}

static inline __attribute__((always_inline)) void axpy_heads(const float *a, size_t ld,
                                                             const uint16_t *x, size_t stride,
                                                             int rows, int heads, float *y,
                                                             size_t n) {
    for (int h0 = 0; h0 < heads; h0 += GROUP) {
        const int g = heads - h0 < GROUP ? heads - h0 : GROUP;
        const float *ag = a + (size_t)h0 * ld;
        float *yg = y + (size_t)h0 * n;
#define RZ_X86_AXPY(G) axpy_group(ag, ld, x, stride, rows, yg, n, G)
        RZ_X86_GROUP_CASES(RZ_X86_AXPY)
#undef RZ_X86_AXPY
    }
}

/* The common head sizes as constants, so that their chunk loops unroll without masks and
 * branches (one Emerald Rapids core, AVX-512, 448 rows of 64, 8 heads: the dot 6.6 us against
 * 7.9 with n a variable, the axpy, then a chunk at a time, 3.7 against 4.1). The same operations
 * in the same order as for any other n. */
#define RZ_X86_HEAD_SIZES(call)                                                                    \
    switch (n) {                                                                                   \
    case 64:                                                                                       \
        call(64);                                                                                  \
        break;                                                                                     \
    case 128:                                                                                      \
        call(128);                                                                                 \
        break;                                                                                     \
    case 256:                                                                                      \
        call(256);                                                                                 \
        break;                                                                                     \
    default:                                                                                       \
        call(n);                                                                                   \
    }

void RZ_X86_ATTENTION(dot_f16_heads)(const uint16_t *a, size_t stride, int rows, const float *q,
                                     int heads, size_t n, float *out, size_t ld) {
#define RZ_X86_DOT_N(N) dot_heads(a, stride, rows, q, heads, N, out, ld)
    RZ_X86_HEAD_SIZES(RZ_X86_DOT_N)
#undef RZ_X86_DOT_N
}

void RZ_X86_ATTENTION(axpy_f16_heads)(const float *a, size_t ld, const uint16_t *x, size_t stride,
                                      int rows, int heads, float *y, size_t n) {
#define RZ_X86_AXPY_N(N) axpy_heads(a, ld, x, stride, rows, heads, y, N)
    RZ_X86_HEAD_SIZES(RZ_X86_AXPY_N)
#undef RZ_X86_AXPY_N
}

#undef RZ_X86_GROUP_CASES
#undef RZ_X86_HEAD_SIZES
#undef RZ_X86_ATTENTION
