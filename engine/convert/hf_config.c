#include "engine/convert/hf_config.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "engine/formats/json_doc.h"

static rz_status get_u32(const cJSON *root, const char *key, bool required, uint32_t dflt,
                         uint32_t *out, const char *source, rz_error *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v && !required) {
        *out = dflt;
        return RZ_OK;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 4294967295.0 ||
        v->valuedouble != (double)(uint32_t)v->valuedouble)
        return rz_fail(err, RZ_EFORMAT, "%s: \"%s\": expected a positive integer", source, key);
    *out = (uint32_t)v->valuedouble;
    return RZ_OK;
}

static rz_status get_f32(const cJSON *root, const char *key, float dflt, float *out,
                         const char *source, rz_error *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v || cJSON_IsNull(v)) {
        *out = dflt;
        return RZ_OK;
    }
    if (!cJSON_IsNumber(v) || !(v->valuedouble > 0))
        return rz_fail(err, RZ_EFORMAT, "%s: \"%s\": expected a positive number", source, key);
    *out = (float)v->valuedouble;
    return RZ_OK;
}

static rz_status parse(const cJSON *root, const char *source, rz_llama_hparams *hp, rz_error *err) {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "llama"))
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: \"model_type\": expected \"llama\"", source);
    rz_status st;
    if ((st = get_u32(root, "hidden_size", true, 0, &hp->dim, source, err)) ||
        (st = get_u32(root, "intermediate_size", true, 0, &hp->ffn, source, err)) ||
        (st = get_u32(root, "num_hidden_layers", true, 0, &hp->n_layers, source, err)) ||
        (st = get_u32(root, "num_attention_heads", true, 0, &hp->n_heads, source, err)) ||
        (st = get_u32(root, "num_key_value_heads", false, hp->n_heads, &hp->n_kv_heads, source,
                      err)) ||
        (st = get_u32(root, "vocab_size", true, 0, &hp->vocab, source, err)) ||
        (st = get_u32(root, "max_position_embeddings", true, 0, &hp->ctx, source, err)) ||
        (st = get_f32(root, "rms_norm_eps", 1e-6f, &hp->rms_eps, source, err)) ||
        (st = get_f32(root, "rope_theta", 10000.0f, &hp->rope_theta, source, err)))
        return st;
    hp->tied = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "tie_word_embeddings"));
    return rz_llama_check(hp, source, err);
}

rz_status rz_hf_config_parse(const char *text, size_t len, const char *source, rz_llama_hparams *hp,
                             rz_error *err) {
    memset(hp, 0, sizeof *hp);
    cJSON *root;
    rz_status st = rz_json_object_parse(text, len, source, &root, err);
    if (!st) st = parse(root, source, hp, err);
    cJSON_Delete(root);
    return st;
}
