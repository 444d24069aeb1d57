/* The element-wise and per-head operations of a llama-family forward pass, written to follow
 * ggml's CPU arithmetic (sums of squares and softmax denominators in double, RoPE angles
 * advanced by repeated multiplication in float, GELU by the tanh approximation through f16 as
 * ggml's lookup table does), so that rz's logits track llama.cpp's. Plain C, no allocation. */
#ifndef RZ_MODELS_LLAMA_OPS_H
#define RZ_MODELS_LLAMA_OPS_H

#include "engine/models/llama_config.h"

/* out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]; out may alias x. */
void rz_rmsnorm(float *out, const float *x, const float *weight, int n, float eps);

/* Rotates the first rope_dims elements of each of n_heads vectors of head_dim floats at x by
 * position pos: pair i turns by pos * scale * base^(-2i/rope_dims). */
void rz_rope(float *x, int n_heads, int head_dim, int rope_dims, int pos, float base, float scale,
             rz_rope_mode mode);

/* x[i] = exp(x[i] - max) / sum, in place: the scalar backend's softmax (backends/activations.h). */
void rz_softmax(float *x, int n);

/* gate[i] = act(gate[i]) * up[i] (SiLU: the scalar backend's silu_mul, backends/activations.h). */
void rz_glu(float *gate, const float *up, int n, rz_ffn_act act);

/* x[i] = cap * tanh(x[i] / cap). */
void rz_softcap(float *x, int n, float cap);

#endif
