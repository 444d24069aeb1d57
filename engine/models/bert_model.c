#include "engine/models/bert_model.h"

#include <string.h>
#include <sys/stat.h>

rz_status rz_bert_model_open(const char *path, rz_bert_model *m, rz_error *err) {
    struct stat sb;
    if (stat(path, &sb)) return rz_fail(err, RZ_EIO, "%s: cannot stat", path);
    if (S_ISDIR(sb.st_mode)) return rz_bert_model_open_hf(path, m, err);
    rz_gguf g;
    rz_status st = rz_gguf_open(path, &g, err);
    if (st) return st;
    st = rz_bert_model_from_gguf(&g, m, err);
    rz_gguf_close(&g);
    return st;
}

void rz_bert_model_close(rz_bert_model *m) {
    rz_bert_weights_free(&m->weights);
    rz_tok_vocab_free(&m->vocab);
    memset(m, 0, sizeof *m);
}
