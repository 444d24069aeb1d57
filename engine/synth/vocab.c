/* Synthetic llama SPM vocabulary (see vocab.h). */
#include "engine/synth/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TYPE_NORMAL = 1, TYPE_UNKNOWN = 2, TYPE_CONTROL = 3, TYPE_BYTE = 6, FIRST_NORMAL = 259 };

/* Writes the k-th normal piece into out (at most 24 bytes with the NUL). */
static void normal_piece(uint32_t k, char *out) {
    char letters[16];
    int n = 0;
    for (uint32_t v = k / 2 + 1; v > 0; v = (v - 1) / 26)
        letters[n++] = (char)('a' + (v - 1) % 26);
    int at = 0;
    if (k % 2) {
        memcpy(out, "\xe2\x96\x81", 3); /* U+2581, SentencePiece's word start */
        at = 3;
    }
    while (n > 0)
        out[at++] = letters[--n];
    out[at] = 0;
}

static rz_status add_arrays(rz_gguf_writer *w, uint32_t n, rz_error *err) {
    float *scores = malloc((size_t)n * sizeof *scores);
    int32_t *types = malloc((size_t)n * sizeof *types);
    rz_status st = RZ_OK;
    if (!scores || !types) st = rz_fail(err, RZ_ENOMEM, "synthetic vocab: out of memory");
    for (uint32_t i = 0; i < n && !st; i++) {
        scores[i] = i < FIRST_NORMAL ? 0.0f : -(float)(i - FIRST_NORMAL);
        types[i] = i == 0             ? TYPE_UNKNOWN
                   : i < 3            ? TYPE_CONTROL
                   : i < FIRST_NORMAL ? TYPE_BYTE
                                      : TYPE_NORMAL;
    }
    if (!st)
        st = rz_gguf_writer_add_array(w, "tokenizer.ggml.scores", RZ_GGUF_FLOAT32, scores, n, err);
    if (!st)
        st = rz_gguf_writer_add_array(w, "tokenizer.ggml.token_type", RZ_GGUF_INT32, types, n, err);
    free(scores);
    free(types);
    return st;
}

static rz_status add_tokens(rz_gguf_writer *w, uint32_t n, rz_error *err) {
    enum { PIECE = 24 };
    char *text = malloc((size_t)n * PIECE);
    const char **items = malloc((size_t)n * sizeof *items);
    rz_status st = RZ_OK;
    if (!text || !items) st = rz_fail(err, RZ_ENOMEM, "synthetic vocab: out of memory");
    for (uint32_t i = 0; i < n && !st; i++) {
        char *p = text + (size_t)i * PIECE;
        if (i < 3)
            snprintf(p, PIECE, "%s", i == 0 ? "<unk>" : i == 1 ? "<s>" : "</s>");
        else if (i < FIRST_NORMAL)
            snprintf(p, PIECE, "<0x%02X>", i - 3);
        else
            normal_piece(i - FIRST_NORMAL, p);
        items[i] = p;
    }
    if (!st) st = rz_gguf_writer_add_str_array(w, "tokenizer.ggml.tokens", items, n, err);
    free(text);
    free(items);
    return st;
}

rz_status rz_synth_vocab_add_kv(rz_gguf_writer *w, uint32_t n, rz_error *err) {
    if (n < RZ_SYNTH_VOCAB_MIN)
        return rz_fail(err, RZ_EINVAL, "synthetic vocab: expected at least %d tokens, got %u",
                       RZ_SYNTH_VOCAB_MIN, n);
    rz_status st = rz_gguf_writer_add_str(w, "tokenizer.ggml.model", "llama", err);
    if (!st) st = add_tokens(w, n, err);
    if (!st) st = add_arrays(w, n, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "tokenizer.ggml.bos_token_id", 1, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "tokenizer.ggml.eos_token_id", 2, err);
    if (!st) st = rz_gguf_writer_add_u32(w, "tokenizer.ggml.unknown_token_id", 0, err);
    return st;
}
