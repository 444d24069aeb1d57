/* Tiny synthetic llama-family models for tests: a GGUF image built in memory with the GGUF
 * writer, float32 weights from a fixed generator (norm weights near 1), tied embeddings. The
 * tensors stay available as floats so that a test can compute a reference. */
#ifndef RZ_TESTS_TINY_LLAMA_H
#define RZ_TESTS_TINY_LLAMA_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *arch; /* "llama" or "gemma3" */
    int dim, layers, hidden, heads, kv_heads, head_dim, vocab;
    int window, pattern; /* gemma3: sliding window and its layer period */
    double base, base_local, eps;
} rzt_llama_shape;

/* llama: GQA 4/2 heads of 8; gemma3: 4/1 heads of 16 (!= dim / heads), window 3, period 2. */
extern const rzt_llama_shape rzt_tiny_llama, rzt_tiny_gemma3;

typedef struct {
    rzt_llama_shape s;
    float *data[256];
    char names[256][64];
    int n;
} rzt_llama_tensors;

/* The GGUF image (malloc'd) of a model of shape s; the tensor named skip is left out. */
uint8_t *rzt_llama_image(const rzt_llama_shape *s, rzt_llama_tensors *t, const char *skip,
                         size_t *len);

/* The float data of a tensor the image holds (fails the test when absent). */
const float *rzt_llama_tensor(const rzt_llama_tensors *t, const char *name);

void rzt_llama_tensors_free(rzt_llama_tensors *t);

/* The fixed generator: uniform in [-scale/2, scale/2). */
float rzt_weight(uint64_t *state, float scale);

#endif
