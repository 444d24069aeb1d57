/* rz inspect FILE [--format text|json]: what a model file holds, recognised by its content. */
#include <stdlib.h>
#include <string.h>

#include "cli/common/error_report.h"
#include "cli/rz/commands.h"
#include "cli/rz/inspect.h"
#include "engine/core/file.h"
#include "engine/formats/apr.h"
#include "engine/formats/safetensors.h"

static const char help[] =
    "usage: rz inspect FILE [--format text|json]\n\n"
    "Prints what a model file holds. The format is recognised by the file's first bytes:\n"
    "  GGUF         version, alignment, every metadata key with its type and value (long\n"
    "               strings and arrays summarised: type, length, first items), and the tensors\n"
    "               (name, type, shape with the contiguous dimension first, offset in the data\n"
    "               section, bytes)\n"
    "  safetensors  metadata and tensors (name, dtype, shape, offset, bytes)\n"
    "  APR          version, model type, section sizes, CRC32\n\n"
    "  --format F   text (default) or json\n\n"
    "Exit status: 0 printed, 1 the file is unreadable or malformed, 2 usage error.\n";

/* Prints root to stdout and frees it. */
static void print_json(cJSON *root) {
    char *text = cJSON_Print(root);
    if (text) puts(text);
    free(text);
    cJSON_Delete(root);
}

static int inspect_gguf(const char *path, bool json) {
    rz_gguf g;
    rz_error err;
    if (rz_gguf_open(path, &g, &err)) {
        rz_cli_error("rz inspect", &err);
        return 1;
    }
    if (json) {
        print_json(rz_inspect_gguf_json(path, &g));
    } else {
        rz_inspect_gguf_text(stdout, path, &g);
    }
    rz_gguf_close(&g);
    return 0;
}

static int inspect_apr(const char *path, bool json) {
    unsigned char *buf;
    size_t len;
    rz_error err;
    rz_apr_file f;
    if (rz_file_read_all(path, &buf, &len, &err) || rz_apr_parse(buf, len, path, &f, &err)) {
        rz_cli_error("rz inspect", &err);
        return 1;
    }
    if (json) {
        cJSON *root = cJSON_CreateObject();
        char text[16];
        cJSON_AddStringToObject(root, "file", path);
        cJSON_AddStringToObject(root, "format", "apr");
        snprintf(text, sizeof text, "%u.%u", f.version_major, f.version_minor);
        cJSON_AddStringToObject(root, "version", text);
        cJSON_AddNumberToObject(root, "size", (double)len);
        cJSON_AddStringToObject(root, "model_type", rz_apr_model_type_name(f.model_type));
        cJSON_AddNumberToObject(root, "metadata_bytes", f.metadata_size);
        cJSON_AddNumberToObject(root, "payload_bytes", f.payload_size);
        snprintf(text, sizeof text, "0x%08x", f.crc);
        cJSON_AddStringToObject(root, "crc32", text);
        print_json(root);
    } else {
        printf(
            "%s: APR v%u.%u, %zu bytes\nmodel type: %s (0x%04x)\nmetadata: %u bytes (MessagePack)\npayload: %u bytes\ncrc32: 0x%08x\n",
            path, f.version_major, f.version_minor, len, rz_apr_model_type_name(f.model_type),
            f.model_type, f.metadata_size, f.payload_size, f.crc);
    }
    free(buf);
    return 0;
}

static cJSON *st_json(const char *path, const rz_st_file *f) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "file", path);
    cJSON_AddStringToObject(root, "format", "safetensors");
    cJSON_AddNumberToObject(root, "size", (double)f->size);
    cJSON_AddNumberToObject(root, "data_offset", (double)f->data_offset);
    cJSON *meta = cJSON_AddObjectToObject(root, "metadata");
    for (size_t i = 0; i < f->n_meta; i++)
        cJSON_AddStringToObject(meta, f->meta[i].key, f->meta[i].value);
    cJSON *tensors = cJSON_AddArrayToObject(root, "tensors");
    for (size_t i = 0; i < f->n_tensors; i++) {
        const rz_st_tensor *t = &f->tensors[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", t->name);
        cJSON_AddStringToObject(o, "type", rz_st_dtype_name(t->dtype));
        cJSON *shape = cJSON_AddArrayToObject(o, "shape");
        for (uint32_t d = 0; d < t->n_dims; d++)
            cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t->shape[d]));
        cJSON_AddNumberToObject(o, "offset", (double)t->begin);
        cJSON_AddNumberToObject(o, "size", (double)(t->end - t->begin));
        cJSON_AddItemToArray(tensors, o);
    }
    return root;
}

static void st_text(const char *path, const rz_st_file *f) {
    printf("%s: safetensors, %zu bytes, header %llu bytes\n\nmetadata (%zu keys):\n", path, f->size,
           (unsigned long long)f->header_len, f->n_meta);
    for (size_t i = 0; i < f->n_meta; i++)
        printf("  %s = \"%.*s%s\"\n", f->meta[i].key, RZ_INSPECT_STRING_BYTES, f->meta[i].value,
               strlen(f->meta[i].value) > RZ_INSPECT_STRING_BYTES ? "..." : "");
    printf("\ntensors (%zu; offsets relative to the data section at byte %llu):\n", f->n_tensors,
           (unsigned long long)f->data_offset);
    for (size_t i = 0; i < f->n_tensors; i++) {
        const rz_st_tensor *t = &f->tensors[i];
        char shape[200];
        int n = snprintf(shape, sizeof shape, "[");
        for (uint32_t d = 0; d < t->n_dims && n < (int)sizeof shape - 24; d++)
            n += snprintf(shape + n, sizeof shape - (size_t)n, "%s%llu", d ? ", " : "",
                          (unsigned long long)t->shape[d]);
        snprintf(shape + n, sizeof shape - (size_t)n, "]");
        printf("  %-40s %-8s %-24s %14llu %14llu\n", t->name, rz_st_dtype_name(t->dtype), shape,
               (unsigned long long)t->begin, (unsigned long long)(t->end - t->begin));
    }
}

static int inspect_safetensors(const char *path, bool json) {
    rz_st_file f;
    rz_error err;
    if (rz_st_open(path, &f, &err)) {
        rz_cli_error("rz inspect", &err);
        return 1;
    }
    if (json) {
        print_json(st_json(path, &f));
    } else {
        st_text(path, &f);
    }
    rz_st_close(&f);
    return 0;
}

int rz_cmd_inspect(int argc, char **argv) {
    const char *path = NULL, *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            format = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "rz inspect: unknown or incomplete option '%s'\n\n%s", a, help);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "rz inspect: unexpected argument '%s'\n\n%s", a, help);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "rz inspect: expected FILE\n\n%s", help);
        return 2;
    }
    if (strcmp(format, "text") && strcmp(format, "json")) {
        fprintf(stderr, "rz inspect: --format: expected text or json, got '%s'\n", format);
        return 2;
    }
    bool json = !strcmp(format, "json");
    rz_file_kind kind;
    if (rz_cli_sniff("inspect", path, &kind)) return 1;
    switch (kind) {
    case RZ_KIND_GGUF:
        return inspect_gguf(path, json);
    case RZ_KIND_APR:
        return inspect_apr(path, json);
    case RZ_KIND_SAFETENSORS:
        return inspect_safetensors(path, json);
    }
    return 1;
}
