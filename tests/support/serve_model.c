#include "tests/support/serve_model.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf.h"
#include "engine/formats/gguf_write.h"
#include "engine/synth/vocab.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

/* Copies every key of g but the context length and every tensor into w. */
static void copy_model(const rz_gguf *g, rz_gguf_writer *w) {
    rz_error err;
    for (uint64_t i = 0; i < g->n_kv; i++) {
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)g->kv[i].key.len, g->kv[i].key.data);
        if (strcmp(key, "llama.context_length"))
            cr_assert_eq(rz_gguf_writer_add_kv(w, key, &g->kv[i].value, &err), RZ_OK);
    }
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const rz_gguf_tensor *x = &g->tensors[i];
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)x->name.len, x->name.data);
        cr_assert_eq(
            rz_gguf_writer_add_tensor(w, name, x->type, x->n_dims, x->dims, x->data, x->size, &err),
            RZ_OK, "%s", err.msg);
    }
}

const char *rzt_serve_model(const rzt_llama_shape *shape, int n_ctx, const char *chat_template) {
    static char path[4096];
    rzt_llama_tensors t;
    size_t len;
    uint8_t *img = rzt_llama_image(shape, &t, "", &len), *out;
    rz_gguf g;
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_parse(img, len, "serve", &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    copy_model(&g, w);
    cr_assert_eq(rz_gguf_writer_add_u32(w, "llama.context_length", (uint32_t)n_ctx, &err), RZ_OK);
    cr_assert_eq(rz_synth_vocab_add_kv(w, (uint32_t)shape->vocab, &err), RZ_OK, "%s", err.msg);
    if (chat_template)
        cr_assert_eq(rz_gguf_writer_add_str(w, "tokenizer.chat_template", chat_template, &err),
                     RZ_OK);
    cr_assert_eq(rz_gguf_writer_to_memory(w, &out, &len, &err), RZ_OK);
    snprintf(path, sizeof path, "%s", rzt_write_temp(out, len, ".gguf"));
    free(out);
    rz_gguf_writer_free(w);
    rz_gguf_close(&g);
    rzt_llama_tensors_free(&t);
    free(img);
    return path;
}
