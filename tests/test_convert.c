/* rz convert: stories260K (llama2.c) to GGUF with llama metadata and bit-exact weights; F16;
 * malformed checkpoints; a tiny Hugging Face checkpoint with the Q/K permutation; llama.cpp
 * (llama-cpp-python, when importable) loading the result and computing the same logits as a
 * numpy llama2.c forward pass (tests/oracles/llama2c_forward.py); the converter's parts called
 * directly (config.json parsing, the llama layout, the common writer, both front ends). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/convert/hf.h"
#include "engine/convert/hf_config.h"
#include "engine/convert/llama2c.h"
#include "engine/convert/llama_layout.h"
#include "engine/convert/writer.h"
#include "engine/core/file.h"
#include "engine/core/le.h"
#include "engine/formats/gguf.h"
#include "engine/types/types.h"
#include "tests/support/st_image.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static char out[8192], errbuf[8192];

static int rz(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5) {
    char *argv[] = {
        (char *)rzt_bin("rz"), (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
    return rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf);
}

static const char *tmp_path(const char *stem) {
    static char path[128];
    snprintf(path, sizeof path, "/tmp/rzt-%s-%d.gguf", stem, (int)getpid());
    rzt_remove_at_exit(path);
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
    char *argv[] = {
        "/usr/bin/env",
        "python3",
        "-c",
        "import subprocess, sys\n"
        "try:\n import llama_cpp, numpy as np\nexcept ImportError:\n sys.exit(77)\n"
        "m = llama_cpp.Llama(sys.argv[1], n_ctx=64, logits_all=True, verbose=False)\n"
        "m.eval([1, 2, 3])\n"
        "got = np.array(m.scores[:3])\n"
        "ref = subprocess.run([sys.executable, 'tests/oracles/llama2c_forward.py',\n"
        "    sys.argv[2], '1', '2', '3'], capture_output=True, text=True, check=True)\n"
        "want = np.array([[float(x) for x in l.split()] for l in ref.stdout.splitlines()])\n"
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
    fputs(
        "{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 32, \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"vocab_size\": 8, \"max_position_embeddings\": 128, \"rms_norm_eps\": 1e-6, \"rope_theta\": 500000.0, \"tie_word_embeddings\": true}",
        f);
    fclose(f);
}

Test(convert, hf_checkpoint) {
    char dir[] = "/tmp/rzt-hf-XXXXXX";
    cr_assert_not_null(rzt_temp_dir(dir));
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
    fputs(
        "{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 32, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"vocab_size\": 8, \"max_position_embeddings\": 128}",
        f);
    fclose(f);
    cr_expect_eq(rz("convert", dir, path, NULL, NULL), 1);
    cr_expect(strstr(errbuf, "model.layers.0.self_attn.k_proj.weight\": expected shape [16, 16]") !=
                  NULL,
              "%s", errbuf);
    remove(path);
}

static const char hf_config_json[] =
    "{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 32, \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"vocab_size\": 8, \"max_position_embeddings\": 128, \"rms_norm_eps\": 1e-6, \"rope_theta\": 500000.0, \"tie_word_embeddings\": true}";

Test(convert_parts, hf_config_parse) {
    rz_llama_hparams hp;
    rz_error err;
    cr_assert_eq(
        rz_hf_config_parse(hf_config_json, strlen(hf_config_json), "config.json", &hp, &err), RZ_OK,
        "%s", err.msg);
    cr_expect(hp.dim == 16 && hp.ffn == 32 && hp.n_layers == 1 && hp.n_heads == 2);
    cr_expect(hp.n_kv_heads == 1 && hp.vocab == 8 && hp.ctx == 128 && hp.tied);
    cr_expect_eq(hp.rope_theta, 500000.0f);
    cr_expect_eq(hp.rms_eps, 1e-6f);
    const char minimal[] =
        "{\"model_type\": \"llama\", \"hidden_size\": 16, \"intermediate_size\": 32, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 8, \"max_position_embeddings\": 64}";
    cr_assert_eq(rz_hf_config_parse(minimal, strlen(minimal), "c.json", &hp, &err), RZ_OK, "%s",
                 err.msg);
    cr_expect_eq(hp.n_kv_heads, 4, "kv heads default to heads");
    cr_expect_eq(hp.rope_theta, 10000.0f);
    cr_expect_eq(hp.rms_eps, 1e-6f);
    cr_expect_not(hp.tied);
    const char mistral[] = "{\"model_type\": \"mistral\"}";
    cr_expect_eq(rz_hf_config_parse(mistral, strlen(mistral), "c.json", &hp, &err),
                 RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg, "c.json: \"model_type\": expected \"llama\"");
    const char no_dim[] = "{\"model_type\": \"llama\", \"hidden_size\": -1}";
    cr_expect_eq(rz_hf_config_parse(no_dim, strlen(no_dim), "c.json", &hp, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "c.json: \"hidden_size\": expected a positive integer");
}

static const rz_llama_hparams small_hp = {.dim = 16,
                                          .n_layers = 2,
                                          .n_heads = 4,
                                          .n_kv_heads = 2,
                                          .ffn = 32,
                                          .vocab = 8,
                                          .ctx = 64,
                                          .rope_theta = 10000.0f,
                                          .rms_eps = 1e-5f,
                                          .tied = false};

Test(convert_parts, llama_check) {
    rz_error err;
    cr_expect_eq(rz_llama_check(&small_hp, "m", &err), RZ_OK);
    rz_llama_hparams hp = small_hp;
    hp.ffn = 0;
    cr_expect_eq(rz_llama_check(&hp, "m", &err), RZ_EFORMAT);
    cr_expect_str_eq(
        err.msg,
        "m: hyper-parameters: expected non-zero sizes, got dim 16, layers 2, heads 4, kv heads 2, ffn 0, vocab 8, context 64");
    hp = small_hp;
    hp.n_kv_heads = 3;
    cr_expect_eq(rz_llama_check(&hp, "m", &err), RZ_EFORMAT);
    cr_expect_str_eq(
        err.msg,
        "m: hyper-parameters: expected heads (4) to divide dim (16) and kv heads (3) to divide heads");
}

Test(convert_parts, llama_add_kv) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    cr_assert_eq(rz_llama_add_kv(w, &small_hp, &err), RZ_OK, "%s", err.msg);
    uint8_t *buf;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, &len, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(w);
    rz_gguf g;
    cr_assert_eq(rz_gguf_parse(buf, len, "kv", &g, &err), RZ_OK, "%s", err.msg);
    static const struct {
        const char *key;
        uint64_t value;
    } u[] = {{"llama.context_length", 64},
             {"llama.embedding_length", 16},
             {"llama.block_count", 2},
             {"llama.feed_forward_length", 32},
             {"llama.rope.dimension_count", 4},
             {"llama.attention.head_count", 4},
             {"llama.attention.head_count_kv", 2},
             {"llama.vocab_size", 8}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        uint64_t v = 0;
        cr_expect(rz_gguf_get_u64(&g, u[i].key, &v) && v == u[i].value, "%s = %llu", u[i].key,
                  (unsigned long long)v);
    }
    double theta = 0, eps = 0;
    cr_expect(rz_gguf_get_f64(&g, "llama.rope.freq_base", &theta) && theta == 10000.0);
    cr_expect(rz_gguf_get_f64(&g, "llama.attention.layer_norm_rms_epsilon", &eps) &&
              (float)eps == 1e-5f);
    rz_gguf_str arch;
    cr_expect(rz_gguf_get_str(&g, "general.architecture", &arch) && rz_gguf_str_eq(arch, "llama"));
    rz_gguf_close(&g);
    free(buf);
}

Test(convert_parts, llama_tensors) {
    rz_llama_tensor *t;
    size_t n;
    rz_error err;
    cr_assert_eq(rz_llama_tensors(&small_hp, &t, &n, &err), RZ_OK);
    cr_assert_eq(n, 1 + 2 * 9 + 2);
    cr_expect_str_eq(t[0].name, "token_embd.weight");
    cr_expect(t[0].role == RZ_LLAMA_TOKEN_EMBD && t[0].layer == -1);
    cr_expect(t[0].n_dims == 2 && t[0].dims[0] == 16 && t[0].dims[1] == 8);
    cr_expect_str_eq(t[1].name, "blk.0.attn_norm.weight");
    cr_expect(t[1].n_dims == 1 && t[1].dims[0] == 16 && t[1].layer == 0);
    cr_expect_str_eq(t[3].name, "blk.0.attn_k.weight");
    cr_expect(t[3].dims[0] == 16 && t[3].dims[1] == 8, "kv heads 2 of 4");
    cr_expect_str_eq(t[17].name, "blk.1.ffn_down.weight");
    cr_expect(t[17].dims[0] == 32 && t[17].dims[1] == 16 && t[17].layer == 1);
    cr_expect_str_eq(t[n - 1].name, "output.weight");
    cr_expect_eq(t[n - 1].role, RZ_LLAMA_OUTPUT);
    free(t);
    rz_llama_hparams tied = small_hp;
    tied.tied = true;
    cr_assert_eq(rz_llama_tensors(&tied, &t, &n, &err), RZ_OK);
    cr_expect_eq(n, 1 + 2 * 9 + 1);
    cr_expect_str_eq(t[n - 1].name, "output_norm.weight");
    free(t);
}

/* Every element of row r of a tensor (ctx: its item) is (layer + 1) * 1000 + role * 100 + r. */
static void tensor_row(void *ctx, uint64_t row, float *out) {
    const rz_convert_item *it = ctx;
    for (uint64_t c = 0; c < it->t.dims[0]; c++)
        out[c] = (float)(it->t.layer + 1) * 1000 + (float)it->t.role * 100 + (float)row;
}

Test(convert_parts, convert_write) {
    rz_llama_tensor *t;
    size_t n;
    rz_error err;
    cr_assert_eq(rz_llama_tensors(&small_hp, &t, &n, &err), RZ_OK);
    rz_convert_item items[32];
    for (size_t i = 0; i < n; i++)
        items[i] = (rz_convert_item){.t = t[i], .row = tensor_row, .row_ctx = &items[i]};
    free(t);
    rz_convert_target target = {
        .hp = small_hp, .name = "parts", .spec = rz_quant_spec_find("F32"), .n_threads = 2};
    const char *path = tmp_path("write");
    cr_assert_eq(rz_convert_write(path, &target, items, n, &err), RZ_OK, "%s", err.msg);
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(g.n_tensors, n);
    rz_gguf_str s;
    cr_expect(rz_gguf_get_str(&g, "general.name", &s) && rz_gguf_str_eq(s, "parts"));
    cr_expect(rz_gguf_get_str(&g, "tokenizer.ggml.model", &s) && rz_gguf_str_eq(s, "no_vocab"));
    uint64_t u = 99;
    cr_expect(rz_gguf_get_u64(&g, "general.file_type", &u) && u == RZ_FTYPE_ALL_F32);
    cr_expect(rz_gguf_get_u64(&g, "general.quantization_version", &u) && u == 2);
    const rz_gguf_tensor *down = rz_gguf_find_tensor(&g, "blk.1.ffn_down.weight");
    cr_assert_not_null(down);
    cr_expect_eq(down->type, RZ_TYPE_F32);
    cr_expect_eq(rz_le_f32(down->data + 4 * 32 * 5), 2000 + RZ_LLAMA_FFN_DOWN * 100 + 5, "row 5");
    rz_gguf_close(&g);
    rz_gguf_writer *w;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    const char *const toks[] = {"a", "b", "c"};
    rz_gguf_writer_add_str(w, "tokenizer.ggml.model", "llama", &err);
    rz_gguf_writer_add_str_array(w, "tokenizer.ggml.tokens", toks, 3, &err);
    uint8_t *buf;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, &len, &err), RZ_OK);
    rz_gguf_writer_free(w);
    rz_gguf vocab;
    cr_assert_eq(rz_gguf_parse(buf, len, "vocab.gguf", &vocab, &err), RZ_OK);
    target.vocab = &vocab;
    cr_expect_eq(rz_convert_write(path, &target, items, n, &err), RZ_EFORMAT);
    cr_expect_str_eq(
        err.msg,
        "vocab.gguf: tokenizer.ggml.tokens: expected an array of 8 tokens (the model's vocabulary size), got 3");
    rz_gguf_close(&vocab);
    free(buf);
    remove(path);
}

Test(convert_parts, convert_hf_direct) {
    char dir[] = "/tmp/rzt-hfd-XXXXXX";
    cr_assert_not_null(rzt_temp_dir(dir));
    write_hf(dir);
    rz_convert_target target = {.spec = rz_quant_spec_find("F16"), .n_threads = 1};
    rz_error err;
    const char *path = tmp_path("hfd");
    cr_assert_eq(rz_convert_hf(dir, path, &target, &err), RZ_OK, "%s", err.msg);
    cr_expect(target.hp.dim == 16 && target.hp.n_kv_heads == 1 && target.hp.tied);
    cr_expect_eq(target.hp.rope_theta, 500000.0f);
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(g.n_tensors, 1 + 9 + 1);
    rz_gguf_str name;
    cr_expect(rz_gguf_get_str(&g, "general.name", &name) &&
                  rz_gguf_str_eq(name, strrchr(dir, '/') + 1),
              "the directory's base name");
    cr_expect_eq(rz_gguf_find_tensor(&g, "blk.0.attn_q.weight")->type, RZ_TYPE_F16);
    rz_gguf_close(&g);
    remove(path);
    char missing[64];
    snprintf(missing, sizeof missing, "%s/none", dir);
    cr_expect_eq(rz_convert_hf(missing, path, &target, &err), RZ_EIO);
    char want[128];
    snprintf(want, sizeof want, "%s: cannot stat", missing);
    cr_expect_str_eq(err.msg, want);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -r %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* A llama2.c checkpoint: dim 8, hidden 16, 1 layer, 2 heads, 2 kv heads, vocab 4, seq_len 4,
 * shared classifier; float k of the file holds k. */
static const char *llama2c_file(size_t *floats) {
    const int32_t h[7] = {8, 16, 1, 2, 2, 4, 4};
    size_t n = 4 * 8 + 8 + 64 + 64 + 64 + 64 + 8 + 128 + 128 + 128 + 8 + 2 * 4 * 4 / 2;
    uint8_t *buf = malloc(28 + 4 * n);
    for (int i = 0; i < 7; i++)
        put32(buf + 4 * i, h[i]);
    for (size_t k = 0; k < n; k++) {
        float v = (float)k;
        memcpy(buf + 28 + 4 * k, &v, 4);
    }
    const char *path = rzt_write_temp(buf, 28 + 4 * n, ".bin");
    free(buf);
    *floats = n;
    return path;
}

Test(convert_parts, convert_llama2c_direct) {
    size_t n;
    char in[256];
    snprintf(in, sizeof in, "%s", llama2c_file(&n));
    rz_convert_target target = {.spec = rz_quant_spec_find("F32"), .n_threads = 1};
    rz_error err;
    const char *path = tmp_path("l2c");
    cr_assert_eq(rz_convert_llama2c(in, path, &target, &err), RZ_OK, "%s", err.msg);
    cr_expect(target.hp.dim == 8 && target.hp.ffn == 16 && target.hp.n_layers == 1);
    cr_expect(target.hp.vocab == 4 && target.hp.ctx == 4 && target.hp.tied);
    cr_expect_str_eq(target.name, strrchr(in, '/') + 1, "the file's base name");
    rz_gguf g;
    cr_assert_eq(rz_gguf_open(path, &g, &err), RZ_OK, "%s", err.msg);
    const rz_gguf_tensor *emb = rz_gguf_find_tensor(&g, "token_embd.weight");
    cr_assert_not_null(emb);
    for (int k = 0; k < 32; k++)
        cr_expect_eq(rz_le_f32(emb->data + 4 * k), (float)k, "copied as stored");
    const rz_gguf_tensor *q = rz_gguf_find_tensor(&g, "blk.0.attn_q.weight");
    cr_expect_eq(rz_le_f32(q->data), 40.0f, "after token_embedding (32) and rms_att (8)");
    rz_gguf_close(&g);
    remove(path);
    cr_assert_eq(truncate(in, 28 + 4 * (off_t)n - 4), 0);
    cr_expect_eq(rz_convert_llama2c(in, path, &target, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "file size: expected") != NULL, "%s", err.msg);
    remove(in);
}
