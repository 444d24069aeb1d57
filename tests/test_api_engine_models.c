/* The model modules' parts, called directly: BERT configuration parsers, the weight loader with a
 * recording fetch, a BERT GGUF written from generated weights and read back (config, weights and
 * vocabulary), the Hugging Face folder loader; llama configuration and weight binding on the tiny
 * synthetic models, causal attention against a direct computation and split by cost over threads,
 * the KV cache size, softcap, the GLU activations. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "engine/formats/gguf_write.h"
#include "engine/models/bert_model.h"
#include "engine/models/llama_attention.h"
#include "engine/models/llama_forward.h"
#include "engine/models/llama_ops.h"
#include "engine/models/llama_weights.h"
#include "engine/types/half.h"
#include "engine/types/types.h"
#include "tests/support/tiny_bert.h"
#include "tests/support/tiny_llama.h"

static const char bert_json[] =
    "{\"model_type\": \"bert\", \"hidden_act\": \"gelu\", \"vocab_size\": 7, \"hidden_size\": 8, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 12, \"max_position_embeddings\": 16, \"layer_norm_eps\": 1e-6}";

Test(api_bert, config_parse) {
    rz_bert_config c;
    rz_error err;
    cr_assert_eq(rz_bert_config_parse(bert_json, strlen(bert_json), "config.json", &c, &err), RZ_OK,
                 "%s", err.msg);
    cr_expect(c.vocab_size == 7 && c.dim == 8 && c.n_layers == 2 && c.n_heads == 2);
    cr_expect(c.hidden_dim == 12 && c.max_positions == 16 && c.max_seq == 16);
    cr_expect_eq(c.n_types, 2, "type_vocab_size defaults to 2");
    cr_expect_float_eq(c.norm_eps, 1e-6f, 1e-12f);
    cr_expect_eq(c.pooling, RZ_BERT_POOL_MEAN);
    const char roberta[] = "{\"model_type\": \"roberta\"}";
    cr_expect_eq(rz_bert_config_parse(roberta, strlen(roberta), "c.json", &c, &err),
                 RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg, "c.json: \"model_type\": expected \"bert\"");
    const char relu[] = "{\"model_type\": \"bert\", \"hidden_act\": \"relu\"}";
    cr_expect_eq(rz_bert_config_parse(relu, strlen(relu), "c.json", &c, &err), RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg, "c.json: \"hidden_act\": expected \"gelu\"");
    const char no_vocab[] = "{\"model_type\": \"bert\", \"vocab_size\": 0}";
    cr_expect_eq(rz_bert_config_parse(no_vocab, strlen(no_vocab), "c.json", &c, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "c.json: \"vocab_size\": expected a positive integer");
    cr_expect_eq(rz_bert_config_parse("{\"a\": ", 6, "c.json", &c, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "c.json: offset") && strstr(err.msg, "expected valid JSON"), "%s",
              err.msg);
    char odd[sizeof bert_json];
    snprintf(odd, sizeof odd, "%s", bert_json);
    memcpy(strstr(odd, "\"num_attention_heads\": 2") + 23, "3", 1);
    cr_expect_eq(rz_bert_config_parse(odd, strlen(odd), "c.json", &c, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg,
                     "c.json: hidden_size 8: expected a multiple of num_attention_heads (3)");
}

Test(api_bert, sbert_and_pooling_configs) {
    rz_bert_config c;
    rz_error err;
    cr_assert_eq(rz_bert_config_parse(bert_json, strlen(bert_json), "config.json", &c, &err),
                 RZ_OK);
    const char sbert[] = "{\"max_seq_length\": 10, \"do_lower_case\": false}";
    cr_assert_eq(rz_bert_config_parse_sbert(sbert, strlen(sbert), "s.json", &c, &err), RZ_OK);
    cr_expect_eq(c.max_seq, 10);
    const char longer[] = "{\"max_seq_length\": 512}";
    cr_assert_eq(rz_bert_config_parse_sbert(longer, strlen(longer), "s.json", &c, &err), RZ_OK);
    cr_expect_eq(c.max_seq, 16, "capped at max_position_embeddings");
    cr_assert_eq(rz_bert_config_parse_sbert("{}", 2, "s.json", &c, &err), RZ_OK);
    cr_expect_eq(c.max_seq, 16, "absent: unchanged");
    const char one[] = "{\"max_seq_length\": 1}";
    cr_expect_eq(rz_bert_config_parse_sbert(one, strlen(one), "s.json", &c, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "s.json: \"max_seq_length\": expected at least 2");
    cr_expect_eq(rz_bert_config_parse_sbert("[]", 2, "s.json", &c, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "s.json: offset 0: expected a JSON object");

    const char cls[] = "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}";
    cr_assert_eq(rz_bert_config_parse_pooling(cls, strlen(cls), "p.json", &c, &err), RZ_OK);
    cr_expect_eq(c.pooling, RZ_BERT_POOL_CLS);
    const char mean[] = "{\"pooling_mode_mean_tokens\": true}";
    cr_assert_eq(rz_bert_config_parse_pooling(mean, strlen(mean), "p.json", &c, &err), RZ_OK);
    cr_expect_eq(c.pooling, RZ_BERT_POOL_MEAN);
    const char max[] = "{\"pooling_mode_max_tokens\": true}";
    cr_expect_eq(rz_bert_config_parse_pooling(max, strlen(max), "p.json", &c, &err),
                 RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg,
                     "p.json: expected pooling_mode_mean_tokens or pooling_mode_cls_token true");
}

/* A fetch that generates weights (value = tensor index + element / 1000), records the calls
 * and, when w is set, adds each tensor to that GGUF writer as F32. */
typedef struct {
    int calls, fail_at;
    char hf[64][64], gguf[64][64];
    int rows[64], cols[64];
    rz_gguf_writer *w;
} recorder;

static rz_status record(void *ctx, const char *hf_name, const char *gguf_name, int rows, int cols,
                        float *dst, rz_error *err) {
    recorder *r = ctx;
    int i = r->calls++;
    if (i == r->fail_at) return rz_fail(err, RZ_EFORMAT, "fetch: %s: refused", gguf_name);
    snprintf(r->hf[i], sizeof r->hf[i], "%s", hf_name);
    snprintf(r->gguf[i], sizeof r->gguf[i], "%s", gguf_name);
    r->rows[i] = rows;
    r->cols[i] = cols;
    for (int e = 0; e < rows * cols; e++)
        dst[e] = (float)i + (float)e / 1000;
    if (!r->w) return RZ_OK;
    const uint64_t dims[2] = {(uint64_t)cols, (uint64_t)rows};
    return rz_gguf_writer_add_tensor(r->w, gguf_name, RZ_TYPE_F32, rows == 1 ? 1 : 2, dims, dst,
                                     sizeof(float) * (uint64_t)rows * (uint64_t)cols, err);
}

static rz_bert_config small_bert(void) {
    rz_bert_config c;
    rz_error err;
    cr_assert_eq(rz_bert_config_parse(bert_json, strlen(bert_json), "config.json", &c, &err),
                 RZ_OK);
    return c;
}

Test(api_bert, weights_load_asks_for_every_tensor) {
    rz_bert_config c = small_bert();
    recorder r = {.fail_at = -1};
    rz_bert_weights w;
    rz_error err;
    cr_assert_eq(rz_bert_weights_load(&c, record, &r, &w, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(r.calls, 5 + 16 * 2, "5 globals, 16 tensors a layer");
    cr_expect_str_eq(r.hf[0], "embeddings.word_embeddings.weight");
    cr_expect_str_eq(r.gguf[0], "token_embd.weight");
    cr_expect(r.rows[0] == 7 && r.cols[0] == 8);
    int last = r.calls - 1;
    cr_expect_str_eq(r.hf[last], "encoder.layer.1.output.LayerNorm.bias");
    cr_expect_str_eq(r.gguf[last], "blk.1.layer_output_norm.bias");
    cr_expect(r.rows[last] == 1 && r.cols[last] == 8);
    cr_expect_eq(w.token_embd[1], 0.001f);
    cr_expect_eq(w.layers[1].out_norm_bias[0], (float)last);
    int down = 5 + 16 + 12; /* layer 1's ffn_down */
    cr_expect_str_eq(r.gguf[down], "blk.1.ffn_down.weight");
    cr_expect(r.rows[down] == 8 && r.cols[down] == 12, "dim rows of hidden_dim");
    cr_expect_eq(w.layers[1].ffn_down[0], (float)down);
    rz_bert_weights_free(&w);
    cr_expect(w.arena == NULL && w.layers == NULL && w.token_embd == NULL);
    r = (recorder){.fail_at = 8};
    cr_expect_eq(rz_bert_weights_load(&c, record, &r, &w, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "fetch: blk.0.attn_k.bias: refused");
    cr_expect(w.arena == NULL && w.layers == NULL, "nothing stays allocated");
}

/* A BERT GGUF with generated weights (kept in *src) and a 7-token WordPiece vocabulary. */
static uint8_t *bert_gguf(const char *arch, uint32_t pooling, rz_bert_weights *src, rz_gguf *g) {
    rz_bert_config c = small_bert();
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    recorder r = {.fail_at = -1, .w = w};
    cr_assert_eq(rz_bert_weights_load(&c, record, &r, src, &err), RZ_OK, "%s", err.msg);
    const char *const tokens[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "\xE2\x96\x81hello",
                                  "lo"};
    const int32_t types[] = {3, 3, 3, 3, 3, 1, 1};
    rz_gguf_writer_add_str(w, "general.architecture", arch, &err);
    rz_gguf_writer_add_u32(w, "bert.embedding_length", 8, &err);
    rz_gguf_writer_add_u32(w, "bert.block_count", 2, &err);
    rz_gguf_writer_add_u32(w, "bert.attention.head_count", 2, &err);
    rz_gguf_writer_add_u32(w, "bert.feed_forward_length", 12, &err);
    rz_gguf_writer_add_u32(w, "bert.context_length", 16, &err);
    rz_gguf_writer_add_u32(w, "bert.pooling_type", pooling, &err);
    const rz_gguf_value eps = {.type = RZ_GGUF_FLOAT32, .f = 1e-6f};
    rz_gguf_writer_add_kv(w, "bert.attention.layer_norm_epsilon", &eps, &err);
    rz_gguf_writer_add_str(w, "tokenizer.ggml.model", "bert", &err);
    rz_gguf_writer_add_str_array(w, "tokenizer.ggml.tokens", tokens, 7, &err);
    rz_gguf_writer_add_array(w, "tokenizer.ggml.token_type", RZ_GGUF_INT32, types, 7, &err);
    rz_gguf_writer_add_u32(w, "tokenizer.ggml.unknown_token_id", 1, &err);
    rz_gguf_writer_add_u32(w, "tokenizer.ggml.bos_token_id", 2, &err);
    rz_gguf_writer_add_u32(w, "tokenizer.ggml.seperator_token_id", 3, &err);
    rz_gguf_writer_add_u32(w, "tokenizer.ggml.padding_token_id", 0, &err);
    uint8_t *buf;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, &len, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(w);
    cr_assert_eq(rz_gguf_parse(buf, len, "bert.gguf", g, &err), RZ_OK, "%s", err.msg);
    return buf;
}

Test(api_bert, config_read_gguf) {
    rz_bert_weights src;
    rz_gguf g;
    uint8_t *buf = bert_gguf("bert", 2, &src, &g);
    rz_bert_config c;
    rz_error err;
    cr_assert_eq(rz_bert_config_read_gguf(&g, &c, &err), RZ_OK, "%s", err.msg);
    cr_expect(c.vocab_size == 7 && c.dim == 8 && c.n_layers == 2 && c.n_heads == 2);
    cr_expect(c.hidden_dim == 12 && c.max_positions == 16 && c.max_seq == 16 && c.n_types == 2);
    cr_expect_eq(c.norm_eps, 1e-6f);
    cr_expect_eq(c.pooling, RZ_BERT_POOL_CLS, "pooling_type 2");
    rz_gguf_close(&g);
    free(buf);
    rz_bert_weights_free(&src);
    buf = bert_gguf("llama", 1, &src, &g);
    cr_expect_eq(rz_bert_config_read_gguf(&g, &c, &err), RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg, "bert.gguf: general.architecture: expected \"bert\"");
    rz_gguf_close(&g);
    free(buf);
    rz_bert_weights_free(&src);
    buf = bert_gguf("bert", 3, &src, &g);
    cr_expect_eq(rz_bert_config_read_gguf(&g, &c, &err), RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg, "bert.gguf: bert.pooling_type 3: expected 1 (mean) or 2 (cls)");
    rz_gguf_close(&g);
    free(buf);
    rz_bert_weights_free(&src);
}

Test(api_bert, model_from_gguf_keeps_the_weights_and_vocabulary) {
    rz_bert_weights src;
    rz_gguf g;
    uint8_t *buf = bert_gguf("bert", 1, &src, &g);
    rz_bert_model m;
    rz_error err;
    cr_assert_eq(rz_bert_model_from_gguf(&g, &m, &err), RZ_OK, "%s", err.msg);
    rz_gguf_close(&g);
    free(buf);
    cr_expect_eq(m.config.pooling, RZ_BERT_POOL_MEAN);
    cr_expect_arr_eq(m.weights.token_embd, src.token_embd, 7 * 8 * sizeof(float));
    cr_expect_arr_eq(m.weights.layers[1].ffn_down, src.layers[1].ffn_down, 8 * 12 * sizeof(float));
    cr_expect_arr_eq(m.weights.layers[1].out_norm_bias, src.layers[1].out_norm_bias,
                     8 * sizeof(float));
    cr_expect_eq(m.vocab.kind, RZ_TOK_WPM);
    cr_expect(m.vocab.bos == 2 && m.vocab.sep == 3 && m.vocab.unk == 1);
    cr_expect_str_eq(m.vocab.tokens[5].text, "\xE2\x96\x81hello");
    rz_bert_model_close(&m);
    rz_bert_weights_free(&src);
}

Test(api_bert, model_open_hf_folder) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 3, .cls_pooling = true});
    cr_assert_not_null(dir);
    char path[64];
    snprintf(path, sizeof path, "%s", dir);
    rz_bert_model m;
    rz_error err;
    cr_assert_eq(rz_bert_model_open_hf(path, &m, &err), RZ_OK, "%s", err.msg);
    cr_expect(m.config.dim == RZT_BERT_DIM && m.config.n_layers == RZT_BERT_LAYERS);
    cr_expect(m.config.n_heads == RZT_BERT_HEADS && m.config.hidden_dim == RZT_BERT_FFN);
    cr_expect_eq(m.config.max_seq, RZT_BERT_MAX_SEQ, "from sentence_bert_config.json");
    cr_expect_eq(m.config.pooling, RZ_BERT_POOL_CLS, "from 1_Pooling/config.json");
    cr_expect_eq(m.vocab.kind, RZ_TOK_WPM);
    cr_expect_str_eq(m.vocab.tokens[2].text, "[CLS]");
    cr_expect(m.vocab.lowercase);
    rz_bert_model_close(&m);
    cr_assert_eq(rzt_bert_put(path, "vocab.txt", NULL), 0);
    cr_expect_eq(rz_bert_model_open_hf(path, &m, &err), RZ_EIO);
    char want[160];
    snprintf(want, sizeof want, "%s: expected vocab.txt or tokenizer.json, found neither", path);
    cr_expect_str_eq(err.msg, want);
    cr_assert_eq(rzt_bert_put(path, "config.json", NULL), 0);
    cr_expect_eq(rz_bert_model_open_hf(path, &m, &err), RZ_EIO);
    snprintf(want, sizeof want, "%s/config.json: expected the file (No such file or directory)",
             path);
    cr_expect_str_eq(err.msg, want);
    rzt_tiny_bert_remove(path);
}

/* The tiny model's GGUF image parsed into g (the image is returned: it must outlive g). */
static uint8_t *tiny(const rzt_llama_shape *s, const char *skip, rzt_llama_tensors *t, rz_gguf *g) {
    size_t len;
    uint8_t *buf = rzt_llama_image(s, t, skip, &len);
    rz_error err;
    cr_assert_eq(rz_gguf_parse(buf, len, "tiny.gguf", g, &err), RZ_OK, "%s", err.msg);
    return buf;
}

Test(api_llama, config_read_and_arch_name) {
    rzt_llama_tensors t;
    rz_gguf g;
    uint8_t *buf = tiny(&rzt_tiny_llama, "", &t, &g);
    rz_llama_config c;
    rz_error err;
    cr_assert_eq(rz_llama_config_read(&g, &c, &err), RZ_OK, "%s", err.msg);
    const rzt_llama_shape *s = &rzt_tiny_llama;
    cr_expect_eq(c.arch, RZ_ARCH_LLAMA);
    cr_expect_str_eq(rz_llama_arch_name(c.arch), "llama");
    cr_expect(c.dim == s->dim && c.n_layers == s->layers && c.hidden_dim == s->hidden);
    cr_expect(c.n_heads == s->heads && c.n_kv_heads == s->kv_heads && c.head_dim == s->head_dim);
    cr_expect_eq(c.vocab_size, s->vocab);
    cr_expect_eq(c.rope_mode, RZ_ROPE_NORM);
    cr_expect_eq(c.ffn_act, RZ_FFN_SWIGLU);
    cr_expect_eq(c.rope_base, (float)s->base);
    rz_gguf_close(&g);
    free(buf);
    rzt_llama_tensors_free(&t);

    buf = tiny(&rzt_tiny_gemma3, "", &t, &g);
    cr_assert_eq(rz_llama_config_read(&g, &c, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(c.arch, RZ_ARCH_GEMMA3);
    cr_expect_str_eq(rz_llama_arch_name(c.arch), "gemma3");
    cr_expect_eq(c.head_dim, rzt_tiny_gemma3.head_dim, "!= dim / heads");
    cr_expect_eq(c.sliding_window, rzt_tiny_gemma3.window);
    cr_expect(c.has_qk_norm && c.has_post_norms && c.ffn_act == RZ_FFN_GEGLU);
    cr_expect_eq(c.rope_mode, RZ_ROPE_NEOX);
    rz_gguf_close(&g);
    free(buf);
    rzt_llama_tensors_free(&t);

    rz_gguf_writer *w;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    cr_assert_eq(rz_gguf_writer_add_str(w, "general.architecture", "mistral", &err), RZ_OK);
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, &len, &err), RZ_OK);
    rz_gguf_writer_free(w);
    cr_assert_eq(rz_gguf_parse(buf, len, "m.gguf", &g, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_llama_config_read(&g, &c, &err), RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg, "m.gguf: general.architecture 'mistral': expected llama or gemma3");
    rz_gguf_close(&g);
    free(buf);
}

Test(api_llama, weights_bind_points_into_the_file) {
    rzt_llama_tensors t;
    rz_gguf g;
    uint8_t *buf = tiny(&rzt_tiny_llama, "", &t, &g);
    rz_llama_config c;
    rz_llama_weights w;
    rz_error err;
    cr_assert_eq(rz_llama_config_read(&g, &c, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_weights_bind(&g, &c, &w, &err), RZ_OK, "%s", err.msg);
    cr_expect(w.token_embd.rows == c.vocab_size && w.token_embd.cols == c.dim);
    cr_expect_eq(w.token_embd.type, RZ_TYPE_F32);
    cr_expect_eq(w.token_embd.row_bytes, 4 * (uint64_t)c.dim);
    cr_expect_eq(w.output.data, w.token_embd.data, "tied embeddings");
    const rz_gguf_tensor *q1 = rz_gguf_find_tensor(&g, "blk.1.attn_q.weight");
    cr_expect_eq(w.layers[1].wq.data, q1->data, "zero copy");
    cr_expect(w.layers[1].wq.rows == c.n_heads * c.head_dim && w.layers[1].wq.cols == c.dim);
    cr_expect(w.layers[0].ffn_down.rows == c.dim && w.layers[0].ffn_down.cols == c.hidden_dim);
    cr_expect_eq(w.output_norm[0], rzt_llama_tensor(&t, "output_norm.weight")[0]);
    rz_llama_weights_free(&w);
    cr_expect_null(w.layers);
    rz_gguf_close(&g);
    free(buf);
    rzt_llama_tensors_free(&t);

    buf = tiny(&rzt_tiny_llama, "blk.1.attn_q.weight", &t, &g);
    cr_assert_eq(rz_llama_config_read(&g, &c, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_llama_weights_bind(&g, &c, &w, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "tiny.gguf: tensor blk.1.attn_q.weight is missing");
    rz_gguf_close(&g);
    free(buf);
    rzt_llama_tensors_free(&t);
}

Test(api_llama, kv_bytes) {
    rz_llama_config c = {.n_layers = 3, .n_kv_heads = 2, .head_dim = 8, .head_dim_v = 4};
    cr_expect_eq(rz_llama_kv_bytes(&c, 10, RZ_TYPE_F16), 3 * 10 * 2 * (8 + 4) * 2);
    cr_expect_eq(rz_llama_kv_bytes(&c, 10, RZ_TYPE_F32), 3 * 10 * 2 * (8 + 4) * 4);
    cr_expect_eq(rz_llama_kv_bytes(&c, 0, RZ_TYPE_F32), 0);
}

Test(api_llama, softcap) {
    float x[4] = {0, 30, -90, 1e6f};
    rz_softcap(x, 4, 30);
    cr_expect_eq(x[0], 0);
    cr_expect_float_eq(x[1], 30 * tanhf(1), 1e-5f);
    cr_expect_float_eq(x[2], -30 * tanhf(3), 1e-5f);
    cr_expect_float_eq(x[3], 30, 1e-5f, "bounded by the cap");
}

/* rz_llama_attend on `threads` threads, f32 K and V with n_ctx positions, n tokens from pos0. */
static void attend(const rz_llama_config *c, int threads, const float *q, const void *k,
                   const void *v, float *att, int n_ctx, int n, int pos0, int window) {
    rz_pool *pool;
    rz_error err;
    cr_assert_eq(rz_pool_new(threads, &pool, &err), RZ_OK, "%s", err.msg);
    float *scores = malloc((size_t)threads * (size_t)n_ctx * (size_t)(c->n_heads / c->n_kv_heads) *
                           sizeof *scores);
    const rz_attention_job job = {.c = c,
                                  .be = rz_backend_active(),
                                  .q = q,
                                  .k_layer = k,
                                  .v_layer = v,
                                  .att = att,
                                  .scores = scores,
                                  .n_ctx = n_ctx,
                                  .n = n,
                                  .pos0 = pos0,
                                  .window = window};
    rz_llama_attend(pool, &job);
    rz_pool_free(pool);
    free(scores);
}

/* Causal attention, 2 query heads sharing 1 KV head of 4, a window of 2: against a direct
 * computation in double, for one and for three threads. */
Test(api_llama, attend_matches_direct_computation) {
    enum { HD = 4, CTX = 5, N = 2, POS0 = 3, HEADS = 2 };
    rz_llama_config c = {
        .n_heads = HEADS, .n_kv_heads = 1, .head_dim = HD, .head_dim_v = HD, .attn_scale = 0.5f};
    float k[CTX][HD], v[CTX][HD], q[N][HEADS][HD];
    uint64_t seed = 5;
    for (int p = 0; p < CTX; p++)
        for (int i = 0; i < HD; i++) {
            k[p][i] = rzt_weight(&seed, 2);
            v[p][i] = rzt_weight(&seed, 2);
        }
    for (int t = 0; t < N; t++)
        for (int h = 0; h < HEADS; h++)
            for (int i = 0; i < HD; i++)
                q[t][h][i] = rzt_weight(&seed, 2);
    for (int threads = 1; threads <= 3; threads += 2) {
        for (int window = 0; window <= 2; window += 2) {
            float att[N][HEADS][HD];
            attend(&c, threads, &q[0][0][0], k, v, &att[0][0][0], CTX, N, POS0, window);
            for (int t = 0; t < N; t++)
                for (int h = 0; h < HEADS; h++) {
                    int pos = POS0 + t, first = window ? pos - window + 1 : 0;
                    double p[CTX], sum = 0;
                    for (int j = first; j <= pos; j++) {
                        double s = 0;
                        for (int i = 0; i < HD; i++)
                            s += (double)q[t][h][i] * k[j][i];
                        sum += p[j] = exp(0.5 * s);
                    }
                    for (int i = 0; i < HD; i++) {
                        double o = 0;
                        for (int j = first; j <= pos; j++)
                            o += p[j] / sum * v[j][i];
                        cr_expect_float_eq(att[t][h][i], o, 1e-5, "threads %d window %d t %d h %d",
                                           threads, window, t, h);
                    }
                }
        }
    }
}

/* A causal batch of 13 tokens from position 0, 3 heads on 1 KV head: the threads split the
 * (token, head) items by cost, unevenly in count; every item is computed once, whatever the
 * thread count, with the same bits. */
Test(api_llama, attend_split_by_cost_covers_every_item) {
    enum { HD = 8, N = 13, HEADS = 3 };
    rz_llama_config c = {
        .n_heads = HEADS, .n_kv_heads = 1, .head_dim = HD, .head_dim_v = HD, .attn_scale = 0.3f};
    float k[N][HD], v[N][HD], q[N][HEADS][HD], want[N][HEADS][HD];
    uint64_t seed = 9;
    for (int p = 0; p < N; p++)
        for (int i = 0; i < HD; i++) {
            k[p][i] = rzt_weight(&seed, 2);
            v[p][i] = rzt_weight(&seed, 2);
            for (int h = 0; h < HEADS; h++)
                q[p][h][i] = rzt_weight(&seed, 2);
        }
    for (int threads = 1; threads <= 4; threads++) {
        float att[N][HEADS][HD];
        for (size_t i = 0; i < sizeof att / sizeof att[0][0][0]; i++)
            (&att[0][0][0])[i] = NAN;
        attend(&c, threads, &q[0][0][0], k, v, &att[0][0][0], N, N, 0, 0);
        if (threads == 1) memcpy(want, att, sizeof att);
        for (int t = 0; t < N; t++)
            for (int h = 0; h < HEADS; h++)
                for (int i = 0; i < HD; i++)
                    cr_assert(!isnan(att[t][h][i]) && !memcmp(&att[t][h][i], &want[t][h][i], 4),
                              "threads %d: token %d head %d element %d", threads, t, h, i);
    }
}

/* GEGLU as ggml: 0 at or below -10, x at or above 10, between them GELU (tanh form) of x rounded
 * to f16, rounded to f16; SwiGLU x / (1 + e^-x); both times up. */
Test(api_llama, glu_activations) {
    enum { N = 9 };
    const float x[N] = {-12.0f, -10.0f, -3.3f, -0.7f, 0.0f, 0.01f, 1.9f, 10.0f, 17.5f};
    float up[N], g[N], s[N];
    for (int i = 0; i < N; i++) {
        up[i] = 0.5f + 0.25f * (float)i;
        g[i] = s[i] = x[i];
    }
    rz_glu(g, up, N, RZ_FFN_GEGLU);
    rz_glu(s, up, N, RZ_FFN_SWIGLU);
    for (int i = 0; i < N; i++) {
        const float h = rz_f16_to_f32(rz_f32_to_f16(x[i]));
        const float gelu =
            0.5f * h *
            (1.0f + tanhf(0.79788456080286535587989211986876f * h * (1.0f + 0.044715f * h * h)));
        const float want = x[i] <= -10.0f  ? 0.0f
                           : x[i] >= 10.0f ? x[i] * up[i]
                                           : rz_f16_to_f32(rz_f32_to_f16(gelu)) * up[i];
        cr_expect(!memcmp(&g[i], &want, sizeof want), "GEGLU(%g): %.9g, expected %.9g", x[i], g[i],
                  want);
        cr_expect_float_eq(s[i], x[i] / (1.0f + expf(-x[i])) * up[i], 1e-6f, "SwiGLU(%g)", x[i]);
    }
}
