/* cuda_decode_bench: prompt processing and greedy decode of a GGUF llama model on the GPU, with
 * the roofline. Prints the device, the measured device-to-device bandwidth, prompt tokens/s,
 * decode tokens/s (median step, the graph replay, after warm-up) and the share of the bandwidth
 * bound: bytes of weights read per token x tokens/s over the measured and the nominal bandwidth
 * (0 when the driver does not report the memory clock).
 * Usage: cuda_decode_bench MODEL.gguf [PROMPT_TOKENS [DECODE_TOKENS]] (defaults 512, 128). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "backends/cuda/cuda_backend.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

static int bench(const rz_llama_model *m, int n_prompt, int n_gen, double bw_gbps,
                 double nominal_gbps) {
    rz_error err;
    rz_cuda_llama *g;
    const double t_up = now();
    if (rz_cuda_llama_new(m, n_prompt + n_gen, n_prompt, &g, &err)) {
        fprintf(stderr, "cuda_decode_bench: %s\n", err.msg);
        return 1;
    }
    printf("upload_s=%.3f\n", now() - t_up);
    int32_t *prompt = malloc((size_t)n_prompt * sizeof *prompt);
    double *step = malloc((size_t)n_gen * sizeof *step);
    if (!prompt || !step) return 1;
    for (int i = 0; i < n_prompt; i++)
        prompt[i] = 1 + i % (m->config.vocab_size - 1);
    rz_status st = rz_cuda_llama_forward_prompt(g, prompt, n_prompt, 0, &err); /* warm-up */
    const double t0 = now();
    if (!st) st = rz_cuda_llama_forward_prompt(g, prompt, n_prompt, 0, &err);
    const double pp_s = now() - t0;
    int32_t token = argmax(rz_cuda_llama_logits(g), m->config.vocab_size);
    for (int i = 0; !st && i < n_gen; i++) {
        const double t = now();
        st = rz_cuda_llama_forward(g, token, n_prompt + i, &err);
        step[i] = now() - t;
        token = argmax(rz_cuda_llama_logits(g), m->config.vocab_size);
    }
    if (st) {
        fprintf(stderr, "cuda_decode_bench: %s\n", err.msg);
        return 1;
    }
    const int warm = n_gen > 4 ? 2 : 0; /* the first step captures the graph */
    qsort(step + warm, (size_t)(n_gen - warm), sizeof *step, cmp_double);
    const double med = step[warm + (n_gen - warm) / 2];
    const double bytes = (double)rz_cuda_llama_weight_bytes(g), tps = 1.0 / med;
    printf("prompt_tokens=%d prompt_tok_s=%.1f\n", n_prompt, n_prompt / pp_s);
    printf("decode_tokens=%d decode_tok_s=%.1f decode_ms_median=%.3f\n", n_gen, tps, med * 1e3);
    printf("weight_bytes_per_token=%.0f achieved_gbps=%.1f\n", bytes, bytes * tps / 1e9);
    printf("roofline_pct_measured=%.1f roofline_pct_nominal=%.1f\n",
           100.0 * bytes * tps / 1e9 / bw_gbps,
           nominal_gbps > 0 ? 100.0 * bytes * tps / 1e9 / nominal_gbps : 0.0);
    rz_cuda_llama_free(g);
    free(prompt);
    free(step);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: cuda_decode_bench MODEL.gguf [PROMPT_TOKENS [DECODE_TOKENS]]\n");
        return 2;
    }
    const int n_prompt = argc > 2 ? atoi(argv[2]) : 512, n_gen = argc > 3 ? atoi(argv[3]) : 128;
    if (n_prompt < 1 || n_gen < 1) {
        fprintf(stderr, "cuda_decode_bench: token counts must be >= 1\n");
        return 2;
    }
    char why[256];
    if (!rz_cuda_available(why, sizeof why)) {
        fprintf(stderr, "cuda_decode_bench: %s\n", why);
        return 1;
    }
    rz_error err;
    rz_cuda_device d;
    double bw = 0;
    if (rz_cuda_device_info(&d, &err) || rz_cuda_bandwidth((size_t)1 << 30, 10, &bw, &err)) {
        fprintf(stderr, "cuda_decode_bench: %s\n", err.msg);
        return 1;
    }
    printf("gpu=\"%s\" cc=%d.%d mem_gib=%.1f driver=%d runtime=%d\n", d.name, d.cc_major,
           d.cc_minor, d.mem_bytes / 1073741824.0, d.driver_version, d.runtime_version);
    printf("bandwidth_nominal_gbps=%.0f bandwidth_measured_gbps=%.0f\n", d.nominal_gbps, bw);
    rz_llama_model m;
    if (rz_llama_model_open(argv[1], &m, &err)) {
        fprintf(stderr, "cuda_decode_bench: %s\n", err.msg);
        return 1;
    }
    printf("model=%s dim=%d layers=%d vocab=%d\n", argv[1], m.config.dim, m.config.n_layers,
           m.config.vocab_size);
    const int rc = bench(&m, n_prompt, n_gen, bw, d.nominal_gbps);
    rz_llama_model_close(&m);
    return rc;
}
