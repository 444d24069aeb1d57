/* rz convert: stories260K (llama2.c) to GGUF with llama metadata and bit-exact weights; F16;
 * malformed checkpoints; a tiny Hugging Face checkpoint with the Q/K permutation; llama.cpp
 * (llama-cpp-python, when importable) loading the result and computing the same logits as a
 * numpy llama2.c forward pass (tests/oracles/llama2c_forward.py). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/convert/hf.h"
#include "engine/convert/llama2c.h"
#include "engine/core/file.h"
#include "engine/core/le.h"
#include "engine/formats/gguf.h"
#include "engine/types/types.h"
#include "tests/support/st_image.h"
#include "tests/support/support.h"

static char out[8192], errbuf[8192];

static int rz(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5) {
    char *argv[] = {
        (char *)rzt_bin("rz"), (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
    return rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf);
}

static const char *tmp_path(const char *stem) {
    static char path[128];
    snprintf(path, sizeof path, "/tmp/rzt-%s-%d.gguf", stem, (int)getpid());
    return path;
}

Test(convert, stories260k_shapes_metadata_and_weights) {
    const char *in = rzt_shared("models/stories260K.bin");
    if (!in) cr_skip_test("../shared/models/stories260K.bin absent");
    char src[4096];
    snprintf(src, sizeof src, "%s", in);
    const char *path = tmp_path("st260");
    cr_assert_eq(rz("convert", src, path, NULL, NULL), 0, "%s", errbuf);
    rz_gguf g;
    rz_error err;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(g.n_tensors, 1 + 5 * 9 + 1, "shared classifier: no output.weight");
    static const struct {
        const char *key;
        uint64_t value;
    } u[] = {{"llama.embedding_length", 64},
             {"llama.feed_forward_length", 172},
             {"llama.block_count", 5},
             {"llama.attention.head_count", 8},
             {"llama.attention.head_count_kv", 4},
             {"llama.context_length", 512},
             {"llama.rope.dimension_count", 8},
             {"llama.vocab_size", 512},
             {"general.file_type", 0}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        uint64_t v = 99;
        cr_expect(rz_gguf_get_u64(&g, u[i].key, &v) && v == u[i].value, "%s = %llu", u[i].key,
                  (unsigned long long)v);
    }
    double eps = 0;
    cr_expect(rz_gguf_get_f64(&g, "llama.attention.layer_norm_rms_epsilon", &eps) &&
              eps > 0.99e-5 && eps < 1.01e-5);
    rz_gguf_str s;
    cr_expect(rz_gguf_get_str(&g, "general.architecture", &s) && rz_gguf_str_eq(s, "llama"));
    cr_expect(rz_gguf_get_str(&g, "tokenizer.ggml.model", &s) && rz_gguf_str_eq(s, "no_vocab"));
    const rz_gguf_tensor *k = rz_gguf_find_tensor(&g, "blk.4.attn_k.weight");
    cr_assert_not_null(k);
    cr_expect_eq(k->dims[0], 64);
    cr_expect_eq(k->dims[1], 32);

    unsigned char *raw;
    size_t len;
    cr_assert_eq(rz_file_read_all(src, &raw, &len, &err), RZ_OK);
    /* token_embd starts right after the 28-byte header; blk.4.attn_k is the fifth layer of wk,
     * after emb (512*64), rms_att (5*64) and wq (5*64*64) */
    uint64_t wk = 28 + 4 * (512 * 64 + 5 * 64 + 5 * 64 * 64) + 4 * (4 * 64 * 32);
    cr_expect_eq(memcmp(rz_gguf_find_tensor(&g, "token_embd.weight")->data, raw + 28, 512 * 64 * 4),
                 0);
    cr_expect_eq(memcmp(k->data, raw + wk, 64 * 32 * 4), 0, "weights copied without permutation");
    const rz_gguf_tensor *norm = rz_gguf_find_tensor(&g, "output_norm.weight");
    cr_expect_eq(memcmp(norm->data, raw + len - 4 * (512 * 8) - 4 * 64, 64 * 4), 0);
    free(raw);
    rz_gguf_close(&g);

    cr_assert_eq(rz("convert", src, path, "--type", "F16"), 0, "%s", errbuf);
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_q.weight")->type, RZ_TYPE_F16);
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_norm.weight")->type, RZ_TYPE_F32);
    uint64_t ft = 0;
    cr_expect(rz_gguf_get_u64(&g, "general.file_type", &ft) && ft == 1);
    rz_gguf_close(&g);
    remove(path);
}

Test(convert, llama_cpp_loads_stories260k, .timeout = 120) {
    const char *in = rzt_shared("models/stories260K.bin");
    if (!in) cr_skip_test("../shared/models/stories260K.bin absent");
    char src[4096];
    snprintf(src, sizeof src, "%s", in);
    const char *path = tmp_path("st260-llama");
    cr_assert_eq(rz("convert", src, path, NULL, NULL), 0, "%s", errbuf);
    /* llama.cpp's logits for tokens 1 2 3 against the numpy llama2.c forward pass */
    char *argv[] = {"/usr/bin/env",
                    "python3",
                    "-c",
                    "import subprocess, sys\n"
                    "try:\n import llama_cpp, numpy as np\nexcept ImportError:\n sys.exit(77)\n"
                    "m = llama_cpp.Llama(sys.argv[1], n_ctx=64, logits_all=True, verbose=False)\n"
                    "m.eval([1, 2, 3])\n"
                    "got = np.array(m.scores[:3])\n"
                    "ref = subprocess.run([sys.executable, 'tests/oracles/llama2c_forward.py',\n"
                    "    sys.argv[2], '1', '2', '3'], capture_output=True, text=True, check=True)\n"
                    "want = np.array([[float(x) for x in l.split()] for l in "
                    "ref.stdout.splitlines()])\n"
                    "d = np.abs(got - want).max()\n"
                    "assert d < 0.05, d\n"
                    "print('max abs diff', d)\n",
                    (char *)path,
                    src,
                    NULL};
    int rc = rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf);
    remove(path);
    if (rc == 77) cr_skip_test("python3 module llama_cpp not importable");
    cr_expect_eq(rc, 0, "llama.cpp: %s %s", out, errbuf);
}

static void put32(uint8_t *p, int32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

Test(convert, malformed_llama2c) {
    uint8_t hdr[28 + 16];
    int32_t v[7] = {64, 172, 5, 8, 4, 512, 512};
    for (int i = 0; i < 7; i++)
        put32(hdr + 4 * i, v[i]);
    rz_llama_hparams hp;
    rz_error err;
    cr_expect_eq(rz_llama2c_hparams(hdr, 20, "t.bin", &hp, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "t.bin: offset 0: header: truncated") != NULL, "%s", err.msg);
    cr_expect_eq(rz_llama2c_hparams(hdr, sizeof hdr, "t.bin", &hp, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "file size: expected") != NULL, "%s", err.msg);
    put32(hdr + 12, 0);
    cr_expect_eq(rz_llama2c_hparams(hdr, sizeof hdr, "t.bin", &hp, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "offset 12: n_heads: expected a positive int32, got 0") != NULL, "%s",
              err.msg);
    put32(hdr + 12, 7);
    cr_expect_eq(rz_llama2c_hparams(hdr, sizeof hdr, "t.bin", &hp, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "heads (7) to divide dim (64)") != NULL, "%s", err.msg);
    put32(hdr + 12, 8);
    put32(hdr, 0x7fffffff);
    put32(hdr + 4, 0x7fffffff);
    put32(hdr + 8, 0x7fffffff);
    cr_expect_neq(rz_llama2c_hparams(hdr, sizeof hdr, "t.bin", &hp, &err), RZ_OK);
    const char *path = rzt_write_temp(hdr, 20, ".bin");
    cr_expect_eq(rz("convert", path, tmp_path("bad"), NULL, NULL), 1);
    cr_expect(strstr(errbuf, "truncated") != NULL, "%s", errbuf);
    remove(path);
    cr_expect_eq(rz("convert", NULL, NULL, NULL, NULL), 2);
    cr_expect_eq(rz("convert", "--help", NULL, NULL, NULL), 0);
    cr_expect(strstr(out, "no_vocab") != NULL);
}

Test(convert, hf_permutation_matches_llama_cpp) {
    /* convert_hf_to_gguf.py: w.reshape(n_head, 2, hd/2, in).swapaxes(1, 2): within a head of 8,
     * GGUF rows 0..7 come from HF rows 0 4 1 5 2 6 3 7 */
    static const uint64_t expect[8] = {0, 4, 1, 5, 2, 6, 3, 7};
    for (uint64_t r = 0; r < 16; r++)
        cr_expect_eq(rz_hf_permuted_row(r, 8), (r / 8) * 8 + expect[r % 8], "row %llu",
                     (unsigned long long)r);
}

/* A one-layer HF llama checkpoint: hidden 16, 2 heads, 1 kv head, ffn 32, vocab 8; every value
 * encodes its tensor and row (F32), the embedding is BF16 to exercise conversion. */
static void write_hf(const char *dir) {
    static const struct {
        const char *name;
        uint64_t rows, cols;
    } t[] = {{"model.embed_tokens.weight", 8, 16},
             {"model.layers.0.input_layernorm.weight", 16, 0},
             {"model.layers.0.self_attn.q_proj.weight", 16, 16},
             {"model.layers.0.self_attn.k_proj.weight", 8, 16},
             {"model.layers.0.self_attn.v_proj.weight", 8, 16},
             {"model.layers.0.self_attn.o_proj.weight", 16, 16},
             {"model.layers.0.post_attention_layernorm.weight", 16, 0},
             {"model.layers.0.mlp.gate_proj.weight", 32, 16},
             {"model.layers.0.mlp.up_proj.weight", 32, 16},
             {"model.layers.0.mlp.down_proj.weight", 16, 32},
             {"model.norm.weight", 16, 0}};
    char header[4096] = "{";
    static uint8_t data[65536];
    size_t off = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t n = t[i].rows * (t[i].cols ? t[i].cols : 1);
        bool bf16 = i == 0;
        char shape[32];
        if (t[i].cols)
            snprintf(shape, sizeof shape, "[%llu,%llu]", (unsigned long long)t[i].rows,
                     (unsigned long long)t[i].cols);
        else
            snprintf(shape, sizeof shape, "[%llu]", (unsigned long long)t[i].rows);
        size_t bytes = n * (bf16 ? 2 : 4);
        snprintf(header + strlen(header), sizeof header - strlen(header),
                 "%s\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%zu,%zu]}",
                 i ? "," : "", t[i].name, bf16 ? "BF16" : "F32", shape, off, off + bytes);
        for (uint64_t e = 0; e < n; e++) {
            uint64_t row = t[i].cols ? e / t[i].cols : 0;
            float v = (float)(i * 1000 + row) + (float)(e % 4) * 0.25f;
            uint32_t u;
            memcpy(&u, &v, 4);
            if (bf16)
                for (int b = 0; b < 2; b++)
                    data[off + 2 * e + (uint64_t)b] = (uint8_t)(u >> (16 + 8 * b));
            else
                memcpy(data + off + 4 * e, &v, 4);
        }
        off += bytes;
    }
    strcat(header, "}");
    size_t len;
    uint8_t *img = rzt_st_image(header, data, off, &len);
    char path[256];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(img, 1, len, f);
    fclose(f);
    free(img);
    snprintf(path, sizeof path, "%s/config.json", dir);
    f = fopen(path, "w");
    fputs("{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 32,"
          " \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"num_key_value_heads\": 1,"
          " \"vocab_size\": 8, \"max_position_embeddings\": 128, \"rms_norm_eps\": 1e-6,"
          " \"rope_theta\": 500000.0, \"tie_word_embeddings\": true}",
          f);
    fclose(f);
}

Test(convert, hf_checkpoint) {
    char dir[] = "/tmp/rzt-hf-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    write_hf(dir);
    const char *path = tmp_path("hf");
    cr_assert_eq(rz("convert", dir, path, NULL, NULL), 0, "%s", errbuf);
    rz_gguf g;
    rz_error err;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(g.n_tensors, 1 + 9 + 1);
    double theta = 0;
    cr_expect(rz_gguf_get_f64(&g, "llama.rope.freq_base", &theta) && theta == 500000.0);
    const rz_gguf_tensor *q = rz_gguf_find_tensor(&g, "blk.0.attn_q.weight");
    const rz_gguf_tensor *k = rz_gguf_find_tensor(&g, "blk.0.attn_k.weight");
    const rz_gguf_tensor *v = rz_gguf_find_tensor(&g, "blk.0.attn_v.weight");
    cr_assert(q && k && v);
    /* values are tensor*1000 + HF row: GGUF row r of Q holds HF row permuted(r), head_dim 8 */
    for (uint64_t r = 0; r < 16; r++) {
        cr_expect_float_eq(rz_le_f32(q->data + r * 16 * 4),
                           (float)(2000 + rz_hf_permuted_row(r, 8)), 0, "q row %llu",
                           (unsigned long long)r);
        if (r < 8) {
            cr_expect_float_eq(rz_le_f32(k->data + r * 16 * 4),
                               (float)(3000 + rz_hf_permuted_row(r, 8)), 0, "k row");
            cr_expect_float_eq(rz_le_f32(v->data + r * 16 * 4), (float)(4000 + r), 0, "v row");
        }
    }
    const rz_gguf_tensor *emb = rz_gguf_find_tensor(&g, "token_embd.weight");
    cr_expect_float_eq(rz_le_f32(emb->data + (5 * 16 + 3) * 4), 5.75f, 0, "bf16 embedding");
    cr_expect_null(rz_gguf_find_tensor(&g, "output.weight"), "tied");
    rz_gguf_close(&g);

    char st[256];
    snprintf(st, sizeof st, "%s/model.safetensors", dir);
    cr_expect_eq(rz("convert", st, path, "--type", "F16"), 0, "a file with config.json beside it");
    snprintf(st, sizeof st, "%s/config.json", dir);
    FILE *f = fopen(st, "w");
    fputs("{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 32,"
          " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"vocab_size\": 8,"
          " \"max_position_embeddings\": 128}",
          f);
    fclose(f);
    cr_expect_eq(rz("convert", dir, path, NULL, NULL), 1);
    cr_expect(strstr(errbuf, "model.layers.0.self_attn.k_proj.weight\": expected shape [16, 16]") !=
                  NULL,
              "%s", errbuf);
    remove(path);
}
