#include "fuzz/server_models.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/crc32.h"
#include "engine/formats/gguf_write.h"
#include "engine/synth/vocab.h"
#include "engine/types/types.h"

enum { DIM = 32, HIDDEN = 64, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 8, VOCAB = 300, CTX = 64 };

static float weights[16][DIM * HIDDEN > DIM *VOCAB ? DIM *HIDDEN : DIM *VOCAB];

/* Adds a float tensor of rows x cols from a fixed generator (norms near 1). */
static bool tensor(rz_gguf_writer *w, int slot, const char *name, int cols, int rows, float base) {
    float *d = weights[slot];
    uint32_t x = 2463534242u + (uint32_t)slot;
    for (int i = 0; i < rows * cols; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        d[i] = base + 0.2f * ((float)(x % 2001) / 1000.0f - 1.0f);
    }
    uint64_t dims[2] = {(uint64_t)cols, (uint64_t)rows};
    rz_error err;
    return !rz_gguf_writer_add_tensor(w, name, RZ_TYPE_F32, rows > 1 ? 2 : 1, dims, d,
                                      sizeof(float) * (uint64_t)rows * (uint64_t)cols, &err);
}

bool fuzz_write_llama(const char *path) {
    rz_gguf_writer *w;
    rz_error err;
    if (rz_gguf_writer_new(&w, &err)) return false;
    static const struct {
        const char *key;
        uint32_t v;
    } u32[] = {{"llama.embedding_length", DIM},
               {"llama.block_count", 1},
               {"llama.feed_forward_length", HIDDEN},
               {"llama.attention.head_count", HEADS},
               {"llama.attention.head_count_kv", KV_HEADS},
               {"llama.context_length", CTX}};
    bool ok = !rz_gguf_writer_add_str(w, "general.architecture", "llama", &err);
    for (size_t i = 0; ok && i < sizeof u32 / sizeof u32[0]; i++)
        ok = !rz_gguf_writer_add_u32(w, u32[i].key, u32[i].v, &err);
    rz_gguf_value eps = {.type = RZ_GGUF_FLOAT32, .f = 1e-5};
    ok = ok && !rz_gguf_writer_add_kv(w, "llama.attention.layer_norm_rms_epsilon", &eps, &err);
    ok = ok && !rz_synth_vocab_add_kv(w, VOCAB, &err);
    ok = ok && tensor(w, 0, "token_embd.weight", DIM, VOCAB, 0) &&
         tensor(w, 1, "output_norm.weight", DIM, 1, 1) &&
         tensor(w, 2, "blk.0.attn_norm.weight", DIM, 1, 1) &&
         tensor(w, 3, "blk.0.ffn_norm.weight", DIM, 1, 1) &&
         tensor(w, 4, "blk.0.attn_q.weight", DIM, HEADS * HEAD_DIM, 0) &&
         tensor(w, 5, "blk.0.attn_k.weight", DIM, KV_HEADS * HEAD_DIM, 0) &&
         tensor(w, 6, "blk.0.attn_v.weight", DIM, KV_HEADS * HEAD_DIM, 0) &&
         tensor(w, 7, "blk.0.attn_output.weight", HEADS * HEAD_DIM, DIM, 0) &&
         tensor(w, 8, "blk.0.ffn_gate.weight", DIM, HIDDEN, 0) &&
         tensor(w, 9, "blk.0.ffn_up.weight", DIM, HIDDEN, 0) &&
         tensor(w, 10, "blk.0.ffn_down.weight", HIDDEN, DIM, 0);
    ok = ok && !rz_gguf_writer_write(w, path, &err);
    if (!ok) fprintf(stderr, "fuzz_server: %s: %s\n", path, err.msg);
    rz_gguf_writer_free(w);
    return ok;
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void putf(uint8_t *p, float f) {
    uint32_t v;
    memcpy(&v, &f, sizeof v);
    put32(p, v);
}

bool fuzz_write_apr(const char *path) {
    enum {
        N = 3,
        META = 5,
        PAYLOAD = 1 + 8 + 4 * N + 4 + 4 + 8 + 4,
        TOTAL = 32 + META + PAYLOAD + 4
    };
    static const uint8_t meta[META] = {0x81, 0xa1, 'k', 0xa1, 'v'}; /* MessagePack {"k": "v"} */
    uint8_t buf[TOTAL] = {'A', 'P', 'R', 'N', 1, 0, 0x02};
    put32(buf + 8, META);
    put32(buf + 12, PAYLOAD);
    put32(buf + 16, PAYLOAD);
    memcpy(buf + 32, meta, META);
    uint8_t *p = buf + 32 + META;
    p[0] = 1;
    put32(p + 1, N);
    for (int i = 0; i < N; i++)
        putf(p + 9 + 4 * i, -0.1f * (float)(3 - i));
    putf(p + 9 + 4 * N + 4, 0.01f);
    put32(p + 9 + 4 * N + 8, 100);
    putf(p + 9 + 4 * N + 16, 1e-4f);
    put32(buf + TOTAL - 4, rz_crc32(buf, TOTAL - 4));
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, TOTAL, f) == TOTAL;
    if (f && fclose(f)) ok = false;
    if (!ok) fprintf(stderr, "fuzz_server: cannot write %s\n", path);
    return ok;
}
