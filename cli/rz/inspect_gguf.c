/* `rz inspect` on GGUF: the header, every key/value pair (long strings and arrays summarised) and
 * the tensor table, as text or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli/rz/inspect.h"
#include "engine/types/types.h"

/* Element i of an array of fixed-size values, as a scalar value. */
static rz_gguf_value element(const rz_gguf_value *arr, uint64_t i) {
    rz_gguf_value v = {.type = arr->arr.elem};
    switch (arr->arr.elem) {
    case RZ_GGUF_FLOAT32:
    case RZ_GGUF_FLOAT64:
        v.f = rz_gguf_arr_f64(arr, i);
        break;
    case RZ_GGUF_BOOL:
        v.b = arr->arr.raw[i] != 0;
        break;
    case RZ_GGUF_INT8:
    case RZ_GGUF_INT16:
    case RZ_GGUF_INT32:
    case RZ_GGUF_INT64:
        v.i = rz_gguf_arr_i64(arr, i);
        break;
    default:
        v.u = rz_gguf_arr_u64(arr, i);
        break;
    }
    return v;
}

static rz_gguf_value item(const rz_gguf_value *arr, uint64_t i) {
    return arr->arr.items ? arr->arr.items[i] : element(arr, i);
}

static void print_string(FILE *out, rz_gguf_str s) {
    size_t n = s.len < RZ_INSPECT_STRING_BYTES ? (size_t)s.len : RZ_INSPECT_STRING_BYTES;
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s.data[i];
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch == '\t')
            fputs("\\t", out);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(out, "\\x%02x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
    if (s.len > n) fprintf(out, "... (%llu bytes)", (unsigned long long)s.len);
}

/* "uint32", or "array<string>[50257]" for an array. */
static void print_type(FILE *out, const rz_gguf_value *v) {
    if (v->type == RZ_GGUF_ARRAY)
        fprintf(out, "array<%s>[%llu]", rz_gguf_type_name(v->arr.elem),
                (unsigned long long)v->arr.n);
    else
        fputs(rz_gguf_type_name(v->type), out);
}

static void print_value(FILE *out, const rz_gguf_value *v) {
    switch (v->type) {
    case RZ_GGUF_INT8:
    case RZ_GGUF_INT16:
    case RZ_GGUF_INT32:
    case RZ_GGUF_INT64:
        fprintf(out, "%lld", (long long)v->i);
        break;
    case RZ_GGUF_FLOAT32:
    case RZ_GGUF_FLOAT64:
        fprintf(out, "%.9g", v->f);
        break;
    case RZ_GGUF_BOOL:
        fputs(v->b ? "true" : "false", out);
        break;
    case RZ_GGUF_STRING:
        print_string(out, v->s);
        break;
    case RZ_GGUF_ARRAY: {
        fputc('[', out);
        for (uint64_t i = 0; i < v->arr.n && i < RZ_INSPECT_ARRAY_ITEMS; i++) {
            rz_gguf_value x = item(v, i);
            fputs(i ? ", " : "", out);
            if (x.type == RZ_GGUF_ARRAY) {
                print_type(out, &x);
                fputc(' ', out);
            }
            print_value(out, &x);
        }
        fputs(v->arr.n > RZ_INSPECT_ARRAY_ITEMS ? ", ...]" : "]", out);
        break;
    }
    default:
        fprintf(out, "%llu", (unsigned long long)v->u);
        break;
    }
}

static void print_shape(FILE *out, const rz_gguf_tensor *t, int width) {
    char shape[128];
    int n = snprintf(shape, sizeof shape, "[");
    for (uint32_t d = 0; d < t->n_dims; d++)
        n += snprintf(shape + n, sizeof shape - (size_t)n, "%s%llu", d ? ", " : "",
                      (unsigned long long)t->dims[d]);
    snprintf(shape + n, sizeof shape - (size_t)n, "]");
    fprintf(out, "%-*s", width, shape);
}

void rz_inspect_gguf_text(FILE *out, const char *path, const rz_gguf *g) {
    fprintf(out, "%s: GGUF v%u, %zu bytes, alignment %llu\n", path, g->version, g->size,
            (unsigned long long)g->alignment);
    fprintf(out, "\nmetadata (%llu keys):\n", (unsigned long long)g->n_kv);
    for (uint64_t i = 0; i < g->n_kv; i++) {
        const rz_gguf_kv *kv = &g->kv[i];
        fprintf(out, "  %.*s: ", (int)kv->key.len, kv->key.data);
        print_type(out, &kv->value);
        fputs(" = ", out);
        print_value(out, &kv->value);
        fputc('\n', out);
    }
    fprintf(out, "\ntensors (%llu; offsets relative to the data section at byte %llu):\n",
            (unsigned long long)g->n_tensors, (unsigned long long)g->data_offset);
    if (!g->n_tensors) return;
    int w = 4;
    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].name.len > (uint64_t)w)
            w = g->tensors[i].name.len > 64 ? 64 : (int)g->tensors[i].name.len;
    fprintf(out, "  %-*s  %-7s %-26s %14s %14s\n", w, "name", "type", "shape", "offset", "bytes");
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const rz_gguf_tensor *t = &g->tensors[i];
        fprintf(out, "  %-*.*s  %-7s ", w, (int)(t->name.len > 64 ? 64 : t->name.len), t->name.data,
                rz_type_ggml_name(t->type));
        print_shape(out, t, 26);
        fprintf(out, " %14llu %14llu\n", (unsigned long long)t->offset,
                (unsigned long long)t->size);
    }
}

static cJSON *json_str(rz_gguf_str s) {
    char *z = malloc((size_t)s.len + 1);
    if (!z) return cJSON_CreateNull();
    memcpy(z, s.data, (size_t)s.len);
    z[s.len] = 0;
    cJSON *j = cJSON_CreateString(z);
    free(z);
    return j;
}

/* JSON numbers are doubles: integers beyond 2^53 are written as strings to keep every digit. */
static cJSON *json_u64(uint64_t u) {
    if (u <= (1ull << 53)) return cJSON_CreateNumber((double)u);
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)u);
    return cJSON_CreateString(text);
}

static cJSON *json_value(const rz_gguf_value *v) {
    switch (v->type) {
    case RZ_GGUF_INT8:
    case RZ_GGUF_INT16:
    case RZ_GGUF_INT32:
    case RZ_GGUF_INT64:
        if (v->i >= -(1ll << 53) && v->i <= (1ll << 53)) return cJSON_CreateNumber((double)v->i);
        char text[24];
        snprintf(text, sizeof text, "%lld", (long long)v->i);
        return cJSON_CreateString(text);
    case RZ_GGUF_FLOAT32:
    case RZ_GGUF_FLOAT64:
        return cJSON_CreateNumber(v->f);
    case RZ_GGUF_BOOL:
        return cJSON_CreateBool(v->b);
    case RZ_GGUF_STRING:
        return json_str(v->s);
    case RZ_GGUF_ARRAY: {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "elem_type", rz_gguf_type_name(v->arr.elem));
        cJSON_AddItemToObject(o, "length", json_u64(v->arr.n));
        cJSON *items = cJSON_AddArrayToObject(o, "items");
        for (uint64_t i = 0; i < v->arr.n && i < RZ_INSPECT_ARRAY_ITEMS; i++) {
            rz_gguf_value x = item(v, i);
            cJSON_AddItemToArray(items, json_value(&x));
        }
        cJSON_AddBoolToObject(o, "truncated", v->arr.n > RZ_INSPECT_ARRAY_ITEMS);
        return o;
    }
    default:
        return json_u64(v->u);
    }
}

cJSON *rz_inspect_gguf_json(const char *path, const rz_gguf *g) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "file", path);
    cJSON_AddStringToObject(root, "format", "gguf");
    cJSON_AddNumberToObject(root, "version", g->version);
    cJSON_AddItemToObject(root, "size", json_u64(g->size));
    cJSON_AddItemToObject(root, "alignment", json_u64(g->alignment));
    cJSON_AddItemToObject(root, "data_offset", json_u64(g->data_offset));
    cJSON *meta = cJSON_AddArrayToObject(root, "metadata");
    for (uint64_t i = 0; i < g->n_kv; i++) {
        cJSON *kv = cJSON_CreateObject();
        cJSON_AddItemToObject(kv, "key", json_str(g->kv[i].key));
        cJSON_AddStringToObject(kv, "type", rz_gguf_type_name(g->kv[i].value.type));
        cJSON_AddItemToObject(kv, "value", json_value(&g->kv[i].value));
        cJSON_AddItemToArray(meta, kv);
    }
    cJSON *tensors = cJSON_AddArrayToObject(root, "tensors");
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const rz_gguf_tensor *t = &g->tensors[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "name", json_str(t->name));
        cJSON_AddStringToObject(o, "type", rz_type_ggml_name(t->type));
        cJSON_AddNumberToObject(o, "type_id", t->type);
        cJSON *shape = cJSON_AddArrayToObject(o, "shape");
        for (uint32_t d = 0; d < t->n_dims; d++)
            cJSON_AddItemToArray(shape, json_u64(t->dims[d]));
        cJSON_AddItemToObject(o, "offset", json_u64(t->offset));
        cJSON_AddItemToObject(o, "file_offset", json_u64(g->data_offset + t->offset));
        cJSON_AddItemToObject(o, "size", json_u64(t->size));
        cJSON_AddItemToArray(tensors, o);
    }
    return root;
}
