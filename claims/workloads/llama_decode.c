#include "claims/workloads/llama_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/generate/sampling.h"
#include "harness/timer.h"
#include "harness/why.h"

static uint64_t matrix_bytes(const rz_llama_matrix *m) {
    return (uint64_t)m->rows * m->row_bytes;
}

/* Bytes of weights one decode step reads: every layer matrix, the output matrix, one row of the
 * token embeddings (norm vectors are negligible and left out). */
static uint64_t bytes_per_token(const rz_llama_model *m) {
    uint64_t total = matrix_bytes(&m->weights.output) + m->weights.token_embd.row_bytes;
    for (int l = 0; l < m->config.n_layers; l++) {
        const rz_llama_layer *L = &m->weights.layers[l];
        total += matrix_bytes(&L->wq) + matrix_bytes(&L->wk) + matrix_bytes(&L->wv) +
                 matrix_bytes(&L->wo) + matrix_bytes(&L->ffn_gate) + matrix_bytes(&L->ffn_up) +
                 matrix_bytes(&L->ffn_down);
    }
    return total;
}

bool rzb_decode_open(rzb_decode *d, const char *path, int n_threads, int n_prompt, int n_decode,
                     char *why, size_t cap) {
    memset(d, 0, sizeof *d);
    rz_error err;
    if (rz_llama_model_open(path, &d->model, &err))
        return rzb_why_rz(why, cap, &err, "rz cannot load %s", path);
    struct stat st;
    d->file_bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    d->weight_bytes_per_token = bytes_per_token(&d->model);
    d->n_prompt = n_prompt;
    d->n_decode = n_decode;
    d->n_threads = n_threads;
    d->prompt = malloc((size_t)n_prompt * sizeof *d->prompt);
    const int vocab = d->model.config.vocab_size;
    for (int i = 0; d->prompt && i < n_prompt; i++)
        d->prompt[i] = (int32_t)((1 + 7919 * (int64_t)i) % vocab);
    if (!d->prompt || rz_llama_state_init(&d->model.config, n_prompt + n_decode + 1, NULL,
                                          n_threads, &d->state, &err)) {
        if (!d->prompt) rz_fail(&err, RZ_ENOMEM, "out of memory");
        rzb_why_rz(why, cap, &err, "rz state for %s", path);
        rzb_decode_close(d);
        return false;
    }
    if (rz_llama_forward(&d->model, &d->state, d->prompt[0], 0, &err)) {
        rzb_why_rz(why, cap, &err, "rz forward on %s", path);
        rzb_decode_close(d);
        return false;
    }
    return true;
}

bool rzb_decode_run(rzb_decode *d, int n_prompt, int n_decode, double *prompt_ms, double *token_ms,
                    float *logits, char *why, size_t cap) {
    const int vocab = d->model.config.vocab_size;
    rz_error err;
    if (n_prompt < 1 || n_prompt > d->n_prompt || n_decode < 0 || n_decode > d->n_decode) {
        snprintf(why, cap, "%d prompt ids and %d steps: the workload holds %d and %d", n_prompt,
                 n_decode, d->n_prompt, d->n_decode);
        return false;
    }
    uint64_t t0 = rz_now_ns();
    rz_status st = rz_llama_forward_prompt(&d->model, &d->state, d->prompt, n_prompt, 0, &err);
    int32_t next = st ? 0 : rz_argmax(d->state.logits, vocab);
    *prompt_ms = (double)(rz_now_ns() - t0) / 1e6;
    for (int k = 0; !st && k <= n_decode; k++) {
        if (logits)
            memcpy(logits + (size_t)k * vocab, d->state.logits, (size_t)vocab * sizeof *logits);
        if (k == n_decode) break;
        t0 = rz_now_ns();
        st = rz_llama_forward(&d->model, &d->state, next, n_prompt + k, &err);
        next = rz_argmax(d->state.logits, vocab);
        token_ms[k] = (double)(rz_now_ns() - t0) / 1e6;
    }
    if (st) rzb_why_rz(why, cap, &err, "rz forward");
    return !st;
}

void rzb_decode_close(rzb_decode *d) {
    rz_llama_state_deinit(&d->state);
    rz_llama_model_close(&d->model);
    free(d->prompt);
    memset(d, 0, sizeof *d);
}
