#include "engine/models/bert_config.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "engine/formats/json_doc.h"

static rz_status get_int(const cJSON *root, const char *key, int dflt, int *out, const char *source,
                         rz_error *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v && dflt > 0) {
        *out = dflt;
        return RZ_OK;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 1 << 30 ||
        v->valuedouble != (double)(int)v->valuedouble)
        return rz_fail(err, RZ_EFORMAT, "%s: \"%s\": expected a positive integer", source, key);
    *out = (int)v->valuedouble;
    return RZ_OK;
}

static rz_status expect_str(const cJSON *root, const char *key, const char *want, bool required,
                            const char *source, rz_error *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v && !required) return RZ_OK;
    if (!cJSON_IsString(v) || strcmp(v->valuestring, want))
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: \"%s\": expected \"%s\"", source, key, want);
    return RZ_OK;
}

static rz_status check(const rz_bert_config *c, const char *source, rz_error *err) {
    if (c->dim % c->n_heads)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: hidden_size %d: expected a multiple of num_attention_heads (%d)",
                       source, c->dim, c->n_heads);
    if (!(c->norm_eps > 0))
        return rz_fail(err, RZ_EFORMAT, "%s: layer_norm_eps: expected a positive number", source);
    return RZ_OK;
}

static rz_status parse(const cJSON *o, const char *source, rz_bert_config *c, rz_error *err) {
    rz_status st;
    if ((st = expect_str(o, "model_type", "bert", true, source, err)) ||
        (st = expect_str(o, "hidden_act", "gelu", false, source, err)) ||
        (st = expect_str(o, "position_embedding_type", "absolute", false, source, err)) ||
        (st = get_int(o, "vocab_size", 0, &c->vocab_size, source, err)) ||
        (st = get_int(o, "hidden_size", 0, &c->dim, source, err)) ||
        (st = get_int(o, "num_hidden_layers", 0, &c->n_layers, source, err)) ||
        (st = get_int(o, "num_attention_heads", 0, &c->n_heads, source, err)) ||
        (st = get_int(o, "intermediate_size", 0, &c->hidden_dim, source, err)) ||
        (st = get_int(o, "max_position_embeddings", 0, &c->max_positions, source, err)) ||
        (st = get_int(o, "type_vocab_size", 2, &c->n_types, source, err)))
        return st;
    const cJSON *eps = cJSON_GetObjectItemCaseSensitive(o, "layer_norm_eps");
    if (eps && !cJSON_IsNumber(eps))
        return rz_fail(err, RZ_EFORMAT, "%s: \"layer_norm_eps\": expected a number", source);
    c->norm_eps = eps ? (float)eps->valuedouble : 1e-12f;
    c->max_seq = c->max_positions;
    c->pooling = RZ_BERT_POOL_MEAN;
    return check(c, source, err);
}

typedef rz_status (*json_fn)(const cJSON *o, const char *source, rz_bert_config *c, rz_error *err);

static rz_status with_json(const char *text, size_t len, const char *source, rz_bert_config *c,
                           json_fn fn, rz_error *err) {
    cJSON *root;
    rz_status st = rz_json_object_parse(text, len, source, &root, err);
    if (!st) st = fn(root, source, c, err);
    cJSON_Delete(root);
    return st;
}

rz_status rz_bert_config_parse(const char *text, size_t len, const char *source, rz_bert_config *c,
                               rz_error *err) {
    memset(c, 0, sizeof *c);
    return with_json(text, len, source, c, parse, err);
}

static rz_status parse_sbert(const cJSON *o, const char *source, rz_bert_config *c, rz_error *err) {
    if (!cJSON_GetObjectItemCaseSensitive(o, "max_seq_length")) return RZ_OK;
    int n = 0;
    rz_status st = get_int(o, "max_seq_length", 0, &n, source, err);
    if (!st && n < 2)
        st = rz_fail(err, RZ_EFORMAT, "%s: \"max_seq_length\": expected at least 2", source);
    if (!st) c->max_seq = n < c->max_positions ? n : c->max_positions;
    return st;
}

rz_status rz_bert_config_parse_sbert(const char *text, size_t len, const char *source,
                                     rz_bert_config *c, rz_error *err) {
    return with_json(text, len, source, c, parse_sbert, err);
}

static rz_status parse_pooling(const cJSON *o, const char *source, rz_bert_config *c,
                               rz_error *err) {
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "pooling_mode_mean_tokens")))
        c->pooling = RZ_BERT_POOL_MEAN;
    else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "pooling_mode_cls_token")))
        c->pooling = RZ_BERT_POOL_CLS;
    else
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "%s: expected pooling_mode_mean_tokens or pooling_mode_cls_token true",
                       source);
    return RZ_OK;
}

rz_status rz_bert_config_parse_pooling(const char *text, size_t len, const char *source,
                                       rz_bert_config *c, rz_error *err) {
    return with_json(text, len, source, c, parse_pooling, err);
}

static rz_status gguf_int(const rz_gguf *g, const char *key, int *out, rz_error *err) {
    uint64_t v;
    if (!rz_gguf_get_u64(g, key, &v) || v < 1 || v > 1 << 30)
        return rz_fail(err, RZ_EFORMAT, "%s: %s: expected a positive integer", g->source, key);
    *out = (int)v;
    return RZ_OK;
}

rz_status rz_bert_config_read_gguf(const rz_gguf *g, rz_bert_config *c, rz_error *err) {
    memset(c, 0, sizeof *c);
    rz_gguf_str arch;
    if (!rz_gguf_get_str(g, "general.architecture", &arch) || !rz_gguf_str_eq(arch, "bert"))
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: general.architecture: expected \"bert\"",
                       g->source);
    const rz_gguf_tensor *emb = rz_gguf_find_tensor(g, "token_embd.weight");
    if (!emb || emb->n_dims != 2)
        return rz_fail(err, RZ_EFORMAT, "%s: token_embd.weight: expected a 2-D tensor", g->source);
    double eps;
    uint64_t pooling = 1;
    rz_status st;
    if ((st = gguf_int(g, "bert.embedding_length", &c->dim, err)) ||
        (st = gguf_int(g, "bert.block_count", &c->n_layers, err)) ||
        (st = gguf_int(g, "bert.attention.head_count", &c->n_heads, err)) ||
        (st = gguf_int(g, "bert.feed_forward_length", &c->hidden_dim, err)) ||
        (st = gguf_int(g, "bert.context_length", &c->max_positions, err)))
        return st;
    if (!rz_gguf_get_f64(g, "bert.attention.layer_norm_epsilon", &eps))
        return rz_fail(err, RZ_EFORMAT, "%s: bert.attention.layer_norm_epsilon: expected a float",
                       g->source);
    rz_gguf_get_u64(g, "bert.pooling_type", &pooling);
    if (pooling != 1 && pooling != 2)
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "%s: bert.pooling_type %llu: expected 1 (mean) or 2 (cls)", g->source,
                       (unsigned long long)pooling);
    c->pooling = pooling == 1 ? RZ_BERT_POOL_MEAN : RZ_BERT_POOL_CLS;
    c->vocab_size = (int)emb->dims[1];
    c->norm_eps = (float)eps;
    c->n_types = 2;
    c->max_seq = c->max_positions;
    return check(c, g->source, err);
}
