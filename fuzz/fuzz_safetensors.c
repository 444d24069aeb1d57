/* libFuzzer target: rz_st_parse on arbitrary bytes, then every accessor over what it accepted:
 * each tensor's last data byte, float conversion of its first and last elements, lookups.
 * The input is copied to an exactly sized buffer so ASan catches any read past its end. */
#include <stdlib.h>
#include <string.h>

#include "engine/formats/safetensors.h"

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    rz_st_file f;
    rz_error err;
    if (rz_st_parse(buf, size, "fuzz", &f, &err) == RZ_OK) {
        for (size_t i = 0; i < f.n_tensors; i++) {
            const rz_st_tensor *t = &f.tensors[i];
            if (t->end > t->begin) sink += t->data[t->end - t->begin - 1];
            float x;
            if (rz_st_is_float(t->dtype) && t->n_elements &&
                rz_st_to_float(t, t->n_elements - 1, 1, &x, &err) == RZ_OK)
                sink += x != 0;
            sink += rz_st_find(&f, t->name) == t;
        }
        for (size_t i = 0; i < f.n_meta; i++)
            sink += strlen(rz_st_meta_get(&f, f.meta[i].key));
        rz_st_close(&f);
    } else if (!memchr(err.msg, 0, sizeof err.msg)) {
        abort(); /* the message must be a terminated string */
    }
    free(buf);
    return 0;
}
