#include "tests/support/tiny_bert.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/types/half.h"
#include "tests/support/st_image.h"
#include "tests/support/temp.h"

const char rzt_bert_vocab[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"
    "the\ncat\nsat\non\nmat\ndog\nrun\ncafe\n##s\n##ing\n##n\n"
    ".\n,\n!\n'\n"
    "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\nu\nv\nw\n"
    "x\ny\nz\n"
    "##a\n##b\n##c\n##d\n##e\n##f\n##g\n##h\n##i\n##j\n##k\n##l\n##m\n"
    "##o\n##p\n##q\n##r\n##t\n##u\n##v\n##w\n##x\n##y\n##z\n";

static const char *const files[] = {
    "config.json",           "model.safetensors",    "vocab.txt", "sentence_bert_config.json",
    "tokenizer_config.json", "1_Pooling/config.json"};

typedef struct {
    char name[96];
    int rows, cols; /* rows 0: a vector of cols */
    float center, spread;
} tensor;

static int vocab_size(void) {
    int n = 0;
    for (const char *p = rzt_bert_vocab; *p; p++)
        n += *p == '\n';
    return n;
}

/* The tensors in the order written: matrices around 0, LayerNorm weights around 1. */
static int list_tensors(tensor *t) {
    int n = 0, d = RZT_BERT_DIM, f = RZT_BERT_FFN;
#define ADD(rows_, cols_, center_, spread_, ...)                                                   \
    (snprintf(t[n].name, sizeof t[n].name, __VA_ARGS__), t[n].rows = rows_, t[n].cols = cols_,     \
     t[n].center = center_, t[n].spread = spread_, n++)
    ADD(vocab_size(), d, 0, 1.0f, "embeddings.word_embeddings.weight");
    ADD(RZT_BERT_POSITIONS, d, 0, 0.5f, "embeddings.position_embeddings.weight");
    ADD(2, d, 0, 0.5f, "embeddings.token_type_embeddings.weight");
    ADD(0, d, 1, 0.2f, "embeddings.LayerNorm.weight");
    ADD(0, d, 0, 0.2f, "embeddings.LayerNorm.bias");
    static const char *const mats[] = {"attention.self.query", "attention.self.key",
                                       "attention.self.value", "attention.output.dense"};
    for (int l = 0; l < RZT_BERT_LAYERS; l++) {
        for (int m = 0; m < 4; m++) {
            ADD(d, d, 0, 0.5f, "encoder.layer.%d.%s.weight", l, mats[m]);
            ADD(0, d, 0, 0.2f, "encoder.layer.%d.%s.bias", l, mats[m]);
        }
        ADD(0, d, 1, 0.2f, "encoder.layer.%d.attention.output.LayerNorm.weight", l);
        ADD(0, d, 0, 0.2f, "encoder.layer.%d.attention.output.LayerNorm.bias", l);
        ADD(f, d, 0, 0.5f, "encoder.layer.%d.intermediate.dense.weight", l);
        ADD(0, f, 0, 0.2f, "encoder.layer.%d.intermediate.dense.bias", l);
        ADD(d, f, 0, 0.3f, "encoder.layer.%d.output.dense.weight", l);
        ADD(0, d, 0, 0.2f, "encoder.layer.%d.output.dense.bias", l);
        ADD(0, d, 1, 0.2f, "encoder.layer.%d.output.LayerNorm.weight", l);
        ADD(0, d, 0, 0.2f, "encoder.layer.%d.output.LayerNorm.bias", l);
    }
#undef ADD
    return n;
}

static float uniform(uint64_t *state) {
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((*state >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

/* The safetensors image of the tensors, weights drawn from seed. */
static uint8_t *safetensors(const rzt_bert_options *o, size_t *len) {
    tensor t[64];
    int n = list_tensors(t);
    size_t elem = o->f16 ? 2 : 4, total = 0, hlen = 0;
    for (int i = 0; i < n; i++)
        total += (size_t)(t[i].rows ? t[i].rows : 1) * t[i].cols;
    char *header = malloc(256 * (size_t)n + 16);
    uint8_t *data = malloc(total * elem);
    uint64_t state = o->seed + 1;
    size_t at = 0;
    hlen += (size_t)sprintf(header, "{");
    for (int i = 0; i < n; i++) {
        size_t count = (size_t)(t[i].rows ? t[i].rows : 1) * t[i].cols;
        char shape[32];
        snprintf(shape, sizeof shape, t[i].rows ? "%d, %d" : "%d",
                 t[i].rows ? t[i].rows : t[i].cols, t[i].cols);
        hlen += (size_t)sprintf(
            header + hlen,
            "%s\"%s\": {\"dtype\": \"%s\", \"shape\": [%s], \"data_offsets\": [%zu, %zu]}",
            i ? ", " : "", t[i].name, o->f16 ? "F16" : "F32", shape, at * elem,
            (at + count) * elem);
        for (size_t j = 0; j < count; j++, at++) {
            float v = t[i].center + t[i].spread * uniform(&state);
            if (o->f16)
                rz_store_f16(data + at * 2, v);
            else
                memcpy(data + at * 4, &v, 4);
        }
    }
    sprintf(header + hlen, "}");
    uint8_t *img = rzt_st_image(header, data, total * elem, len);
    free(header);
    free(data);
    return img;
}

int rzt_bert_put(const char *dir, const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!text) return remove(path) && access(path, F_OK) == 0 ? -1 : 0;
    char *slash = strrchr(path, '/');
    *slash = 0;
    mkdir(path, 0700);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_all(const char *dir, const rzt_bert_options *o) {
    char config[512];
    snprintf(
        config, sizeof config,
        "{\"model_type\": \"bert\", \"hidden_act\": \"gelu\", \"hidden_size\": %d, \"num_hidden_layers\": %d, \"num_attention_heads\": %d, \"intermediate_size\": %d, \"max_position_embeddings\": %d, \"type_vocab_size\": 2, \"vocab_size\": %d, \"layer_norm_eps\": 1e-12, \"position_embedding_type\": \"absolute\"}",
        RZT_BERT_DIM, RZT_BERT_LAYERS, RZT_BERT_HEADS, RZT_BERT_FFN, RZT_BERT_POSITIONS,
        vocab_size());
    char sbert[96];
    snprintf(sbert, sizeof sbert, "{\"max_seq_length\": %d, \"do_lower_case\": false}",
             RZT_BERT_MAX_SEQ);
    size_t len;
    uint8_t *img = safetensors(o, &len);
    char path[256];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(img, 1, len, f) == len ? 0 : -1;
    if (f && fclose(f)) rc = -1;
    free(img);
    return rc || rzt_bert_put(dir, "config.json", config) ||
           rzt_bert_put(dir, "vocab.txt", rzt_bert_vocab) ||
           rzt_bert_put(dir, "sentence_bert_config.json", sbert) ||
           rzt_bert_put(dir, "tokenizer_config.json", "{\"do_lower_case\": true}") ||
           (o->cls_pooling &&
            rzt_bert_put(
                dir, "1_Pooling/config.json",
                "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}"));
}

const char *rzt_tiny_bert(const rzt_bert_options *o) {
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/rzt-bert-XXXXXX");
    if (!rzt_temp_dir(dir)) return NULL;
    if (write_all(dir, o)) {
        rzt_tiny_bert_remove(dir);
        return NULL;
    }
    return dir;
}

void rzt_tiny_bert_remove(const char *dir) {
    char path[256];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        rzt_bert_put(dir, files[i], NULL);
    snprintf(path, sizeof path, "%s/1_Pooling", dir);
    rmdir(path);
    rmdir(dir);
}
