/* libFuzzer target: rz_gguf_parse on arbitrary bytes, then every accessor over what it accepted.
 * The input is copied to an exactly sized buffer so ASan catches any read past its end. */
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf.h"

static volatile uint64_t sink;

static void touch_value(const rz_gguf_value *v) {
    if (v->type == RZ_GGUF_STRING && v->s.len) sink += (uint8_t)v->s.data[v->s.len - 1];
    if (v->type != RZ_GGUF_ARRAY) return;
    for (uint64_t i = 0; i < v->arr.n; i++) {
        if (v->arr.items)
            touch_value(&v->arr.items[i]);
        else if (v->arr.elem == RZ_GGUF_FLOAT32 || v->arr.elem == RZ_GGUF_FLOAT64)
            sink += (uint64_t)(rz_gguf_arr_f64(v, i) != 0);
        else
            sink += rz_gguf_arr_u64(v, i);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    rz_gguf g;
    rz_error err;
    if (rz_gguf_parse(buf, size, "fuzz", &g, &err) == RZ_OK) {
        for (uint64_t i = 0; i < g.n_kv; i++)
            touch_value(&g.kv[i].value);
        for (uint64_t i = 0; i < g.n_tensors; i++)
            if (g.tensors[i].size) sink += g.tensors[i].data[g.tensors[i].size - 1];
        uint64_t u;
        sink += rz_gguf_get_u64(&g, "general.alignment", &u);
        sink += rz_gguf_find_tensor(&g, "token_embd.weight") != NULL;
        rz_gguf_close(&g);
    } else if (!memchr(err.msg, 0, sizeof err.msg)) {
        abort(); /* the message must be a terminated string */
    }
    free(buf);
    return 0;
}
