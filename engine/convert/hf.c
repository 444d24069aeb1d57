/* Hugging Face llama converter (see hf.h). */
#include "engine/convert/hf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/convert/hf_config.h"
#include "engine/core/file.h"
#include "engine/formats/safetensors.h"

enum { MAX_SHARDS = 256 };

typedef struct {
    rz_st_file files[MAX_SHARDS];
    char *paths[MAX_SHARDS];
    size_t n;
} shards;

typedef struct {
    const rz_st_tensor *t;
    uint64_t row_len, head_dim; /* head_dim 0: rows in order */
} st_rows;

uint64_t rz_hf_permuted_row(uint64_t r, uint64_t head_dim) {
    uint64_t head = r / head_dim, within = r % head_dim;
    return head * head_dim + (within % 2) * (head_dim / 2) + within / 2;
}

static void st_row(void *ctx, uint64_t row, float *out) {
    const st_rows *s = ctx;
    uint64_t src = s->head_dim ? rz_hf_permuted_row(row, s->head_dim) : row;
    rz_st_to_float(s->t, src * s->row_len, s->row_len, out, NULL);
}

static bool has_suffix(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

static int by_path(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The shard paths (sorted) and config.json's path for IN. */
static rz_status find_inputs(const char *in, shards *sh, char *config, size_t cap, rz_error *err) {
    struct stat sb;
    if (stat(in, &sb)) return rz_fail(err, RZ_EIO, "%s: cannot stat", in);
    if (!S_ISDIR(sb.st_mode)) {
        const char *slash = strrchr(in, '/');
        int dir_len = slash ? (int)(slash - in) : 1;
        snprintf(config, cap, "%.*s/config.json", dir_len, slash ? in : ".");
        sh->paths[sh->n++] = strdup(in);
        return sh->paths[0] ? RZ_OK : rz_fail(err, RZ_ENOMEM, "convert: out of memory");
    }
    snprintf(config, cap, "%s/config.json", in);
    DIR *d = opendir(in);
    if (!d) return rz_fail(err, RZ_EIO, "%s: cannot open the directory", in);
    rz_status st = RZ_OK;
    for (struct dirent *e; (e = readdir(d)) && !st;) {
        if (!has_suffix(e->d_name, ".safetensors")) continue;
        if (sh->n == MAX_SHARDS) {
            st = rz_fail(err, RZ_EUNSUPPORTED, "%s: more than %d shards", in, MAX_SHARDS);
            break;
        }
        size_t len = strlen(in) + strlen(e->d_name) + 2;
        if (!(sh->paths[sh->n] = malloc(len)))
            st = rz_fail(err, RZ_ENOMEM, "convert: out of memory");
        else
            snprintf(sh->paths[sh->n++], len, "%s/%s", in, e->d_name);
    }
    closedir(d);
    if (!st && !sh->n)
        st = rz_fail(err, RZ_EIO, "%s: expected *.safetensors files, found none", in);
    if (!st) qsort(sh->paths, sh->n, sizeof *sh->paths, by_path);
    return st;
}

static const rz_st_tensor *lookup(const shards *sh, const char *name) {
    for (size_t i = 0; i < sh->n; i++) {
        const rz_st_tensor *t = rz_st_find(&sh->files[i], name);
        if (t) return t;
    }
    return NULL;
}

/* The HF name of a llama tensor. */
static void hf_name(const rz_llama_tensor *t, char *out, size_t cap) {
    static const char *const leaf[] = {
        [RZ_LLAMA_ATTN_NORM] = "input_layernorm",
        [RZ_LLAMA_ATTN_Q] = "self_attn.q_proj",
        [RZ_LLAMA_ATTN_K] = "self_attn.k_proj",
        [RZ_LLAMA_ATTN_V] = "self_attn.v_proj",
        [RZ_LLAMA_ATTN_OUTPUT] = "self_attn.o_proj",
        [RZ_LLAMA_FFN_NORM] = "post_attention_layernorm",
        [RZ_LLAMA_FFN_GATE] = "mlp.gate_proj",
        [RZ_LLAMA_FFN_DOWN] = "mlp.down_proj",
        [RZ_LLAMA_FFN_UP] = "mlp.up_proj",
    };
    if (t->role == RZ_LLAMA_TOKEN_EMBD)
        snprintf(out, cap, "model.embed_tokens.weight");
    else if (t->role == RZ_LLAMA_OUTPUT_NORM)
        snprintf(out, cap, "model.norm.weight");
    else if (t->role == RZ_LLAMA_OUTPUT)
        snprintf(out, cap, "lm_head.weight");
    else
        snprintf(out, cap, "model.layers.%d.%s.weight", t->layer, leaf[t->role]);
}

static rz_status bind(const shards *sh, const rz_llama_hparams *hp, const rz_llama_tensor *t,
                      st_rows *rows, rz_error *err) {
    char name[128];
    hf_name(t, name, sizeof name);
    const rz_st_tensor *s = lookup(sh, name);
    if (!s) return rz_fail(err, RZ_EFORMAT, "%s: tensor \"%s\": not found", sh->paths[0], name);
    bool shape_ok = t->n_dims == 1
                        ? s->n_dims == 1 && s->shape[0] == t->dims[0]
                        : s->n_dims == 2 && s->shape[0] == t->dims[1] && s->shape[1] == t->dims[0];
    if (!shape_ok)
        return rz_fail(
            err, RZ_EFORMAT, "tensor \"%s\": expected shape [%llu%s%llu] from config.json", name,
            (unsigned long long)(t->n_dims == 1 ? t->dims[0] : t->dims[1]),
            t->n_dims == 1 ? "" : ", ", t->n_dims == 1 ? 0ull : (unsigned long long)t->dims[0]);
    if (!rz_st_is_float(s->dtype))
        return rz_fail(err, RZ_EUNSUPPORTED, "tensor \"%s\": dtype %s: expected a float dtype",
                       name, rz_st_dtype_name(s->dtype));
    bool qk = t->role == RZ_LLAMA_ATTN_Q || t->role == RZ_LLAMA_ATTN_K;
    *rows = (st_rows){s, t->dims[0], qk ? hp->dim / hp->n_heads : 0};
    return RZ_OK;
}

static const char *dir_base(const char *in, char *buf, size_t cap) {
    snprintf(buf, cap, "%s", in);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = 0;
    const char *slash = strrchr(buf, '/');
    return slash ? slash + 1 : buf;
}

static rz_status convert(const char *in, const char *out, shards *sh, rz_convert_target *tg,
                         rz_error *err) {
    rz_llama_tensor *lt = NULL;
    rz_convert_item *items = NULL;
    st_rows *rows = NULL;
    size_t n = 0;
    if (!tg->hp.tied && !lookup(sh, "lm_head.weight")) tg->hp.tied = true;
    rz_status st = rz_llama_tensors(&tg->hp, &lt, &n, err);
    if (!st && (!(items = calloc(n, sizeof *items)) || !(rows = calloc(n, sizeof *rows))))
        st = rz_fail(err, RZ_ENOMEM, "convert: out of memory");
    for (size_t i = 0; i < n && !st; i++) {
        st = bind(sh, &tg->hp, &lt[i], &rows[i], err);
        items[i] = (rz_convert_item){lt[i], st_row, &rows[i]};
    }
    char name[256];
    tg->name = dir_base(in, name, sizeof name);
    if (!st) st = rz_convert_write(out, tg, items, n, err);
    tg->name = NULL;
    free(rows);
    free(items);
    free(lt);
    return st;
}

rz_status rz_convert_hf(const char *in, const char *out, rz_convert_target *tg, rz_error *err) {
    shards *sh = calloc(1, sizeof *sh);
    if (!sh) return rz_fail(err, RZ_ENOMEM, "convert: out of memory");
    char config[4096];
    unsigned char *text = NULL;
    size_t len = 0;
    rz_status st = find_inputs(in, sh, config, sizeof config, err);
    if (!st) st = rz_file_read_all(config, &text, &len, err);
    if (!st) st = rz_hf_config_parse((const char *)text, len, config, &tg->hp, err);
    for (size_t i = 0; i < sh->n && !st; i++)
        st = rz_st_open(sh->paths[i], &sh->files[i], err);
    if (!st) st = convert(in, out, sh, tg, err);
    for (size_t i = 0; i < sh->n; i++) {
        rz_st_close(&sh->files[i]);
        free(sh->paths[i]);
    }
    free(text);
    free(sh);
    return st;
}
