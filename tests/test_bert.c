/* The BERT encoder on a tiny random-weight model written as a Hugging Face folder: the forward
 * pass against a direct double-precision computation from the safetensors file, unit length,
 * independence from the state's history, the thread count and F16 storage, CLS pooling,
 * WordPiece tokenization from vocab.txt, truncation at max_seq_length, and load errors that name
 * the file and the field. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/safetensors.h"
#include "engine/models/bert_forward.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/support/tiny_bert.h"

enum { D = RZT_BERT_DIM, F = RZT_BERT_FFN, HD = RZT_BERT_DIM / RZT_BERT_HEADS };

/* Tensor `name` of the folder's safetensors as doubles (malloc'd). */
static double *tensor(const rz_st_file *f, const char *fmt, int layer) {
    char name[128];
    snprintf(name, sizeof name, fmt, layer);
    const rz_st_tensor *t = rz_st_find(f, name);
    cr_assert(t, "%s missing", name);
    float *tmp = malloc(t->n_elements * sizeof *tmp);
    double *out = malloc(t->n_elements * sizeof *out);
    cr_assert_eq(rz_st_to_float(t, 0, t->n_elements, tmp, NULL), RZ_OK);
    for (uint64_t i = 0; i < t->n_elements; i++)
        out[i] = tmp[i];
    free(tmp);
    return out;
}

static void ref_norm(double *x, const double *w, const double *b) {
    double mean = 0, var = 0;
    for (int i = 0; i < D; i++)
        mean += x[i] / D;
    for (int i = 0; i < D; i++)
        var += (x[i] - mean) * (x[i] - mean) / D;
    for (int i = 0; i < D; i++)
        x[i] = (x[i] - mean) / sqrt(var + 1e-12) * w[i] + b[i];
}

/* y[t][r] = b[r] + sum_c W[r][c] x[t][c], by the HF layer's name. */
static void ref_linear(const rz_st_file *f, const char *name, int l, const double *x, double *y,
                       int n, int rows, int cols) {
    char w[128], b[128];
    snprintf(w, sizeof w, "encoder.layer.%%d.%s.weight", name);
    snprintf(b, sizeof b, "encoder.layer.%%d.%s.bias", name);
    double *W = tensor(f, w, l), *B = tensor(f, b, l);
    for (int t = 0; t < n; t++)
        for (int r = 0; r < rows; r++) {
            double s = B[r];
            for (int c = 0; c < cols; c++)
                s += W[r * cols + c] * x[t * cols + c];
            y[t * rows + r] = s;
        }
    free(W);
    free(B);
}

static void ref_attention(const double *q, const double *k, const double *v, double *ctx, int n) {
    for (int h = 0; h < RZT_BERT_HEADS; h++)
        for (int t = 0; t < n; t++) {
            double p[64], sum = 0;
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < HD; i++)
                    s += q[t * D + h * HD + i] * k[j * D + h * HD + i];
                sum += p[j] = exp(s / sqrt(HD));
            }
            for (int i = 0; i < HD; i++) {
                double o = 0;
                for (int j = 0; j < n; j++)
                    o += p[j] / sum * v[j * D + h * HD + i];
                ctx[t * D + h * HD + i] = o;
            }
        }
}

static void ref_add_norm(const rz_st_file *f, const char *norm, int l, double *x, const double *y,
                         int n) {
    char w[128], b[128];
    snprintf(w, sizeof w, "encoder.layer.%%d.%s.weight", norm);
    snprintf(b, sizeof b, "encoder.layer.%%d.%s.bias", norm);
    double *W = tensor(f, w, l), *B = tensor(f, b, l);
    for (int t = 0; t < n; t++) {
        for (int i = 0; i < D; i++)
            x[t * D + i] += y[t * D + i];
        ref_norm(x + t * D, W, B);
    }
    free(W);
    free(B);
}

/* The embedding of ids computed directly from the file, mean (or CLS) pooled, unit length. */
static void reference(const char *dir, const int32_t *ids, int n, bool cls, double *out) {
    char path[256];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    rz_st_file f;
    rz_error err;
    cr_assert_eq(rz_st_open(path, &f, &err), RZ_OK, "%s", err.msg);
    static double x[64 * D], q[64 * D], k[64 * D], v[64 * D], c[64 * D], y[64 * D], h[64 * F];
    double *tok = tensor(&f, "embeddings.word_embeddings.weight", 0),
           *pos = tensor(&f, "embeddings.position_embeddings.weight", 0),
           *typ = tensor(&f, "embeddings.token_type_embeddings.weight", 0),
           *nw = tensor(&f, "embeddings.LayerNorm.weight", 0),
           *nb = tensor(&f, "embeddings.LayerNorm.bias", 0);
    for (int t = 0; t < n; t++) {
        for (int i = 0; i < D; i++)
            x[t * D + i] = tok[ids[t] * D + i] + pos[t * D + i] + typ[i];
        ref_norm(x + t * D, nw, nb);
    }
    for (int l = 0; l < RZT_BERT_LAYERS; l++) {
        ref_linear(&f, "attention.self.query", l, x, q, n, D, D);
        ref_linear(&f, "attention.self.key", l, x, k, n, D, D);
        ref_linear(&f, "attention.self.value", l, x, v, n, D, D);
        ref_attention(q, k, v, c, n);
        ref_linear(&f, "attention.output.dense", l, c, y, n, D, D);
        ref_add_norm(&f, "attention.output.LayerNorm", l, x, y, n);
        ref_linear(&f, "intermediate.dense", l, x, h, n, F, D);
        for (int i = 0; i < n * F; i++)
            h[i] = 0.5 * h[i] * (1 + erf(h[i] / sqrt(2.0)));
        ref_linear(&f, "output.dense", l, h, y, n, D, F);
        ref_add_norm(&f, "output.LayerNorm", l, x, y, n);
    }
    double norm = 0;
    for (int i = 0; i < D; i++) {
        out[i] = 0;
        for (int t = 0; t < (cls ? 1 : n); t++)
            out[i] += x[t * D + i] / (cls ? 1 : n);
        norm += out[i] * out[i];
    }
    for (int i = 0; i < D; i++)
        out[i] /= sqrt(norm);
    free(tok), free(pos), free(typ), free(nw), free(nb);
    rz_st_close(&f);
}

typedef struct {
    char dir[64];
    rz_bert_model m;
    rz_bert_state s;
} fixture;

static void open_tiny(fixture *fx, rzt_bert_options o, int threads) {
    const char *dir = rzt_tiny_bert(&o);
    cr_assert(dir, "cannot write the tiny BERT");
    snprintf(fx->dir, sizeof fx->dir, "%s", dir);
    rz_error err;
    cr_assert_eq(rz_bert_model_open(fx->dir, &fx->m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_bert_state_init(&fx->m.config, NULL, threads, &fx->s, &err), RZ_OK, "%s",
                 err.msg);
}

static void close_tiny(fixture *fx) {
    rz_bert_state_deinit(&fx->s);
    rz_bert_model_close(&fx->m);
    rzt_tiny_bert_remove(fx->dir);
}

static void encode(fixture *fx, const int32_t *ids, int n, float *out) {
    rz_error err;
    cr_assert_eq(rz_bert_encode(&fx->m, &fx->s, ids, n, out, &err), RZ_OK, "%s", err.msg);
}

static const int32_t sentence[] = {2, 5, 6, 7, 8, 5, 9, 16, 3}; /* [CLS] the cat sat on ... */
enum { N_SENTENCE = sizeof sentence / sizeof *sentence };

static void expect_reference(fixture *fx, bool cls, double tol) {
    float got[D];
    double want[D];
    encode(fx, sentence, N_SENTENCE, got);
    reference(fx->dir, sentence, N_SENTENCE, cls, want);
    for (int i = 0; i < D; i++)
        cr_expect(fabs(got[i] - want[i]) < tol, "[%d]: %.8f, reference %.8f", i, got[i], want[i]);
}

Test(bert, forward_matches_direct_computation) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 1}, 1);
    cr_expect_eq(fx.m.config.dim, D);
    cr_expect_eq(fx.m.config.max_seq, RZT_BERT_MAX_SEQ);
    expect_reference(&fx, false, 2e-6);
    close_tiny(&fx);
}

Test(bert, f16_weights_and_cls_pooling) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 2, .f16 = true, .cls_pooling = true}, 1);
    cr_expect_eq(fx.m.config.pooling, RZ_BERT_POOL_CLS);
    expect_reference(&fx, true, 2e-6);
    close_tiny(&fx);
}

Test(bert, unit_length_and_no_state_history) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 3}, 1);
    float first[D], again[D], longer[D];
    encode(&fx, sentence, 3, first);
    encode(&fx, sentence, N_SENTENCE, longer);
    encode(&fx, sentence, 3, again);
    double norm = 0;
    for (int i = 0; i < D; i++) {
        norm += (double)first[i] * first[i];
        cr_expect_eq(first[i], again[i], "[%d] changed after a longer input", i);
    }
    cr_expect(fabs(norm - 1) < 1e-6, "norm^2 %.9f", norm);
    close_tiny(&fx);
}

Test(bert, thread_count_does_not_change_the_result) {
    fixture one, three;
    open_tiny(&one, (rzt_bert_options){.seed = 4}, 1);
    open_tiny(&three, (rzt_bert_options){.seed = 4}, 3);
    float a[D], b[D];
    encode(&one, sentence, N_SENTENCE, a);
    encode(&three, sentence, N_SENTENCE, b);
    for (int i = 0; i < D; i++)
        cr_expect(fabsf(a[i] - b[i]) < 1e-6f, "[%d]: %.8f vs %.8f", i, a[i], b[i]);
    close_tiny(&one);
    close_tiny(&three);
}

static void expect_tokens(const rz_bert_model *m, const char *text, const int32_t *want, size_t n) {
    rz_tok_ids ids = {0};
    rz_error err;
    cr_assert_eq(rz_tok_tokenize(&m->vocab, text, strlen(text),
                                 RZ_TOK_ADD_SPECIAL | RZ_TOK_PARSE_SPECIAL, &ids, &err),
                 RZ_OK, "%s", err.msg);
    cr_assert_eq(ids.n, n, "'%s': %zu tokens, expected %zu", text, ids.n, n);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(ids.ids[i], want[i], "'%s' token %zu: %d, expected %d", text, i, ids.ids[i],
                     want[i]);
    rz_tok_ids_free(&ids);
}

Test(bert, wordpiece_from_vocab_txt) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 5}, 1);
    /* The Cat's running!  ->  the cat ' s run ##n ##ing ! */
    expect_tokens(&fx.m, "The Cat's running!", (int32_t[]){2, 5, 6, 19, 38, 11, 15, 14, 18, 3}, 10);
    /* accents stripped, lower-cased; an unknown symbol is [UNK]; empty is [CLS] [SEP] */
    expect_tokens(&fx.m, "CAF\xC3\x89 \xE2\x82\xAC", (int32_t[]){2, 12, 1, 3}, 4);
    expect_tokens(&fx.m, "", (int32_t[]){2, 3}, 2);
    close_tiny(&fx);
}

Test(bert, truncates_at_max_seq_length) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 6}, 1);
    char text[400] = "";
    for (int i = 0; i < 40; i++)
        strcat(text, "cat ");
    float got[D], want[D];
    int n = 0;
    rz_error err;
    cr_assert_eq(rz_bert_embed(&fx.m, &fx.s, text, strlen(text), got, &n, &err), RZ_OK, "%s",
                 err.msg);
    cr_expect_eq(n, RZT_BERT_MAX_SEQ);
    int32_t ids[RZT_BERT_MAX_SEQ];
    ids[0] = 2;
    for (int i = 1; i < RZT_BERT_MAX_SEQ - 1; i++)
        ids[i] = 6;
    ids[RZT_BERT_MAX_SEQ - 1] = 3;
    encode(&fx, ids, RZT_BERT_MAX_SEQ, want);
    for (int i = 0; i < D; i++)
        cr_expect_eq(got[i], want[i]);
    close_tiny(&fx);
}

Test(bert, rejects_bad_token_ids) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 7}, 1);
    float out[D];
    rz_error err;
    cr_expect_eq(rz_bert_encode(&fx.m, &fx.s, (int32_t[]){2, 9999, 3}, 3, out, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "9999") != NULL, "%s", err.msg);
    cr_expect_eq(rz_bert_encode(&fx.m, &fx.s, sentence, 0, out, &err), RZ_EINVAL);
    close_tiny(&fx);
}

Test(bert, vocabulary_from_tokenizer_json) {
    fixture fx;
    open_tiny(&fx, (rzt_bert_options){.seed = 9}, 1);
    char json[4096] = "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {";
    int id = 0;
    for (const char *p = rzt_bert_vocab, *nl; (nl = strchr(p, '\n')); p = nl + 1, id++)
        snprintf(json + strlen(json), sizeof json - strlen(json), "%s\"%.*s\": %d", id ? ", " : "",
                 (int)(nl - p), p, id);
    strcat(json, "}}}");
    cr_assert_eq(rzt_bert_put(fx.dir, "vocab.txt", NULL), 0);
    cr_assert_eq(rzt_bert_put(fx.dir, "tokenizer.json", json), 0);
    rz_bert_model m;
    rz_error err;
    cr_assert_eq(rz_bert_model_open(fx.dir, &m, &err), RZ_OK, "%s", err.msg);
    float a[D], b[D];
    const char *text = "The Cat's running!";
    cr_assert_eq(rz_bert_embed(&fx.m, &fx.s, text, strlen(text), a, NULL, &err), RZ_OK);
    cr_assert_eq(rz_bert_embed(&m, &fx.s, text, strlen(text), b, NULL, &err), RZ_OK);
    cr_expect_arr_eq(a, b, sizeof a);
    rz_bert_model_close(&m);
    cr_assert_eq(rzt_bert_put(fx.dir, "tokenizer.json", "{\"model\": {\"type\": \"BPE\"}}"), 0);
    cr_expect_eq(rz_bert_model_open(fx.dir, &m, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "tokenizer.json: model: expected"), "%s", err.msg);
    rzt_bert_put(fx.dir, "tokenizer.json", NULL);
    close_tiny(&fx);
}

/* Opening the folder after one edit fails with st and a message naming `what`. */
static void expect_load_error(const char *file, const char *text, rz_status st, const char *what) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 8});
    cr_assert(dir);
    char copy[64];
    snprintf(copy, sizeof copy, "%s", dir);
    cr_assert_eq(rzt_bert_put(copy, file, text), 0);
    rz_bert_model m;
    rz_error err;
    cr_expect_eq(rz_bert_model_open(copy, &m, &err), st, "%s: %s", file, err.msg);
    cr_expect(strstr(err.msg, what) != NULL, "'%s' lacks '%s'", err.msg, what);
    rzt_tiny_bert_remove(copy);
}

Test(bert, load_errors_name_the_file_and_field) {
    expect_load_error("vocab.txt", NULL, RZ_EIO, "expected vocab.txt or tokenizer.json");
    expect_load_error("vocab.txt", "[PAD]\n[CLS]\n[SEP]\n", RZ_EFORMAT, "[UNK]");
    expect_load_error("config.json", "{\"model_type\": \"gpt2\"}", RZ_EUNSUPPORTED, "model_type");
    expect_load_error("config.json", "{\"model_type\": \"bert\", \"hidden_size\": 16,", RZ_EFORMAT,
                      "config.json: offset");
    expect_load_error("sentence_bert_config.json", "{\"max_seq_length\": -3}", RZ_EFORMAT,
                      "max_seq_length");
    expect_load_error("model.safetensors", NULL, RZ_EIO, "model.safetensors");
    int vocab = 0;
    for (const char *p = rzt_bert_vocab; *p; p++)
        vocab += *p == '\n';
    char wrong_ffn[512];
    snprintf(
        wrong_ffn, sizeof wrong_ffn,
        "{\"model_type\": \"bert\", \"hidden_size\": 16, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"intermediate_size\": 48, \"max_position_embeddings\": 40, \"vocab_size\": %d}",
        vocab);
    expect_load_error("config.json", wrong_ffn, RZ_EFORMAT,
                      "encoder.layer.0.intermediate.dense.weight");
}
