#include "engine/models/llama_ops.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>

#include "backends/activations.h"
#include "engine/types/half.h"

void rz_rmsnorm(float *out, const float *x, const float *weight, int n, float eps) {
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += (double)(x[i] * x[i]);
    const float mean = (float)(sum / n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int i = 0; i < n; i++)
        out[i] = x[i] * scale * weight[i];
}

void rz_rope(float *x, int n_heads, int head_dim, int rope_dims, int pos, float base, float scale,
             rz_rope_mode mode) {
    const float theta_scale = powf(base, -2.0f / (float)rope_dims);
    const int half = rope_dims / 2;
    float theta = (float)pos;
    for (int i = 0; i < half; i++) {
        const float angle = theta * scale;
        const float c = cosf(angle), s = sinf(angle);
        const int a = mode == RZ_ROPE_NORM ? 2 * i : i;
        const int b = mode == RZ_ROPE_NORM ? 2 * i + 1 : i + half;
        for (int h = 0; h < n_heads; h++) {
            float *v = x + (long)h * head_dim;
            const float x0 = v[a], x1 = v[b];
            v[a] = x0 * c - x1 * s;
            v[b] = x0 * s + x1 * c;
        }
        theta *= theta_scale;
    }
}

void rz_softmax(float *x, int n) {
    rz_scalar_softmax(x, n, 1.0f);
}

static float gelu_tanh(float x) {
    const float sqrt_2_over_pi = 0.79788456080286535587989211986876f;
    const float coef_a = 0.044715f;
    return 0.5f * x * (1.0f + tanhf(sqrt_2_over_pi * x * (1.0f + coef_a * x * x)));
}

/* GELU as ggml's CPU backend computes it: exact outside [-10, 10], inside looked up in a table
 * indexed by the input rounded to f16, whose entries are rounded to f16. The table (128 KiB) is
 * filled once, on first use; before it, GELU cost Gemma 3 270M a fifth of its prompt time in
 * tanhf. */
static uint16_t gelu_table[1 << 16];
static pthread_once_t gelu_once = PTHREAD_ONCE_INIT;

static void gelu_fill(void) {
    for (uint32_t h = 0; h < 1u << 16; h++)
        gelu_table[h] = rz_f32_to_f16(gelu_tanh(rz_f16_to_f32((uint16_t)h)));
}

static float gelu_ggml(float x) {
    if (x <= -10.0f) return 0.0f;
    if (x >= 10.0f) return x;
    return rz_f16_to_f32(gelu_table[rz_f32_to_f16(x)]);
}

void rz_glu(float *gate, const float *up, int n, rz_ffn_act act) {
    if (act != RZ_FFN_GEGLU) {
        rz_scalar_silu_mul(gate, up, n > 0 ? (size_t)n : 0);
        return;
    }
    pthread_once(&gelu_once, gelu_fill);
    for (int i = 0; i < n; i++)
        gate[i] = gelu_ggml(gate[i]) * up[i];
}

void rz_softcap(float *x, int n, float cap) {
    for (int i = 0; i < n; i++)
        x[i] = cap * tanhf(x[i] / cap);
}
