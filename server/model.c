#include "server/model.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/tokenizer/gguf_vocab.h"

static rz_status magic(const char *path, char out[4], rz_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return rz_fail(err, RZ_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t n = fread(out, 1, 4, f);
    fclose(f);
    if (n != 4) return rz_fail(err, RZ_EFORMAT, "%s: offset 0: expected 4 magic bytes", path);
    return RZ_OK;
}

/* true when the GGUF at path says general.architecture "bert". */
static bool is_bert_gguf(const char *path) {
    rz_gguf g;
    rz_gguf_str arch;
    if (rz_gguf_open(path, &g, NULL)) return false;
    bool bert = rz_gguf_get_str(&g, "general.architecture", &arch) && rz_gguf_str_eq(arch, "bert");
    rz_gguf_close(&g);
    return bert;
}

static rz_status load_llama(const char *path, rz_srv_model *m, rz_error *err) {
    rz_status st = rz_llama_model_open(path, &m->llama, err);
    if (st) return st;
    st = rz_tok_vocab_from_gguf(&m->llama.gguf, &m->vocab, err);
    if (st) {
        rz_llama_model_close(&m->llama);
        return st;
    }
    rz_gguf_str tmpl, arch;
    bool has_tmpl = rz_gguf_get_str(&m->llama.gguf, "tokenizer.chat_template", &tmpl);
    char arch_name[64] = "";
    if (rz_gguf_get_str(&m->llama.gguf, "general.architecture", &arch))
        snprintf(arch_name, sizeof arch_name, "%.*s", (int)arch.len, arch.data);
    m->chat_source = has_tmpl ? "tokenizer.chat_template" : "default (no template in file)";
    st = rz_chat_detect(has_tmpl ? tmpl.data : NULL, has_tmpl ? tmpl.len : 0, arch_name, &m->chat,
                        err);
    if (st) {
        rz_error inner = *err;
        rz_fail(err, st, "%s: %s", path, inner.msg);
        rz_tok_vocab_free(&m->vocab);
        rz_llama_model_close(&m->llama);
    }
    return st;
}

rz_status rz_srv_model_load(const char *path, rz_srv_model *m, rz_error *err) {
    memset(m, 0, sizeof *m);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') /* a folder given as "dir/" */
        len--;
    const char *base = path + len;
    while (base > path && base[-1] != '/')
        base--;
    snprintf(m->id, sizeof m->id, "%.*s", (int)(path + len - base), base);
    cJSON *id = cJSON_CreateString(m->id);
    char *id_json = id ? cJSON_PrintUnformatted(id) : NULL;
    cJSON_Delete(id);
    if (!id_json) return rz_fail(err, RZ_ENOMEM, "out of memory");
    snprintf(m->id_json, sizeof m->id_json, "%s", id_json);
    free(id_json);
    struct stat sb;
    if (!stat(path, &sb) && S_ISDIR(sb.st_mode)) {
        m->kind = RZ_SRV_BERT;
        return rz_bert_model_open(path, &m->bert, err);
    }
    char head[4];
    rz_status st = magic(path, head, err);
    if (st) return st;
    if (!memcmp(head, "APRN", 4)) {
        m->kind = RZ_SRV_APR;
        return rz_logreg_load(path, &m->logreg, err);
    }
    if (!memcmp(head, "GGUF", 4) && is_bert_gguf(path)) {
        m->kind = RZ_SRV_BERT;
        return rz_bert_model_open(path, &m->bert, err);
    }
    if (!memcmp(head, "GGUF", 4)) {
        m->kind = RZ_SRV_LLAMA;
        return load_llama(path, m, err);
    }
    return rz_fail(
        err, RZ_EFORMAT,
        "%s: offset 0: expected an APR (\"APRN\") or GGUF (\"GGUF\") model file, or a BERT folder",
        path);
}

void rz_srv_model_free(rz_srv_model *m) {
    if (m->kind == RZ_SRV_APR) {
        rz_logreg_free(&m->logreg);
    } else if (m->kind == RZ_SRV_BERT) {
        rz_bert_model_close(&m->bert);
    } else {
        rz_tok_vocab_free(&m->vocab);
        rz_llama_model_close(&m->llama);
    }
}

const char *rz_srv_model_kind_name(int kind) {
    return kind == RZ_SRV_APR ? "an APR" : kind == RZ_SRV_BERT ? "a BERT" : "a GGUF";
}

void rz_srv_model_describe(const rz_srv_model *m, char *out, size_t cap) {
    const rz_bert_config *c = &m->bert.config;
    snprintf(out, cap, "%s (BERT encoder, %d layers, %d dimensions, %d tokens at most, %s pooling)",
             m->id, c->n_layers, c->dim, c->max_seq,
             c->pooling == RZ_BERT_POOL_CLS ? "CLS" : "mean");
}
