/* The audit of the readers against every "must" of the GGUF specification (ggml docs/gguf.md)
 * and of the safetensors format notes (safetensors README). Each rule is a row naming the
 * committed malformed file (or the expected message, for the hash-named safetensors corpus) that
 * breaks it; the row's test checks that the file is rejected with that message. The boundary a
 * rule allows is checked to be accepted, and the GGUF writer refuses what the reader refuses. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf.h"
#include "engine/formats/gguf_write.h"
#include "engine/formats/safetensors.h"
#include "engine/types/types.h"
#include "tests/support/st_image.h"

typedef struct {
    const char *rule;  /* the specification's words */
    const char *entry; /* GGUF: corpus file; safetensors: text of its expected message */
} must;

static const must gguf_musts[] = {
    {"magic: must be GGUF at the byte level", "bad_magic.gguf"},
    {"version: must be 3 (rz also reads 2)", "version_4.gguf"},
    {"key: must be a valid ASCII string", "key_not_ascii.gguf"},
    {"key: must be lower_snake_case segments separated by a '.'", "key_upper_case.gguf"},
    {"key: segments separated by '.' (no empty segment)", "key_empty_segment.gguf"},
    {"key: must be at most 2^16-1 bytes long", "key_65536_bytes.gguf"},
    {"value type: must be one of the gguf_metadata_value_type values", "value_type_unknown.gguf"},
    {"bool: anything but 0 or 1 is invalid", "bool_value_2.gguf"},
    {"tensor name: must be at most 64 bytes long", "tensor_name_65_bytes.gguf"},
    {"n_dimensions: currently at most 4", "tensor_n_dims_5.gguf"},
    {"offset: must be a multiple of ALIGNMENT", "tensor_offset_misaligned.gguf"},
    {"general.alignment: must be a multiple of 8", "alignment_4.gguf"},
    {"general.alignment: uint32", "alignment_wrong_type.gguf"},
    {"general.architecture: lowercase ASCII [a-z0-9]+", "architecture_upper_case.gguf"},
    {"general.architecture: string", "architecture_not_string.gguf"},
    {"general.quantization_version: must be present if any tensor is quantized",
     "quantized_without_quantization_version.gguf"},
    {"general.quantization_version: uint32", "quantization_version_not_uint32.gguf"},
    {"each tensor's data must be stored within tensor_data", "tensor_data_beyond_eof.gguf"},
};

static const must safetensors_musts[] = {
    {"8 bytes: N, a little-endian u64, the size of the header", "header length: truncated"},
    {"N bytes: a JSON UTF-8 string representing the header", "expected UTF-8 text"},
    {"the header data MUST begin with a { character", "expected a JSON object ('{')"},
    {"the header MAY be trailing padded with whitespace (nothing else)",
     "expected only spaces after the JSON object"},
    {"duplicate keys are disallowed", "expected unique tensor names"},
    {"duplicate keys are disallowed (__metadata__ too)", "expected one, found two"},
    {"data_offsets: [BEGIN, END) of the tensor's bytes", "expected end - begin = 8 bytes"},
    {"the byte buffer needs to be entirely indexed, and cannot contain holes",
     "belong to no tensor"},
    {"tensors do not overlap", "overlaps tensor"},
    {"__metadata__: a map of strings to strings", "expected a string value"},
    {"the header is at most 100,000,000 bytes (the reference reader's limit)",
     "expected at most 100000000 bytes"},
};

/* Looks up a row of a two-column tsv: by_file, the row whose file is `text` (out: its expected
 * message); else the first row whose message contains `text` (out: its file). NULL when none. */
static char *tsv_lookup(const char *tsv, bool by_file, const char *text, char *out, size_t cap) {
    FILE *f = fopen(tsv, "r");
    cr_assert_not_null(f, "%s missing", tsv);
    char line[1024];
    char *found = NULL;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) continue;
        *tab = 0;
        if (by_file ? !strcmp(line, text) : strstr(tab + 1, text) != NULL) {
            snprintf(out, cap, "%s", by_file ? tab + 1 : line);
            found = out;
        }
    }
    fclose(f);
    return found;
}

Test(format_musts, every_gguf_rule_has_a_rejected_file) {
    const char *dir = "tests/data/malformed/gguf";
    for (size_t i = 0; i < sizeof gguf_musts / sizeof gguf_musts[0]; i++) {
        char tsv[256], needle[512], path[512];
        snprintf(tsv, sizeof tsv, "%s/EXPECTED.tsv", dir);
        cr_assert_not_null(tsv_lookup(tsv, true, gguf_musts[i].entry, needle, sizeof needle),
                           "rule '%s': %s is not in the corpus", gguf_musts[i].rule,
                           gguf_musts[i].entry);
        snprintf(path, sizeof path, "%s/%s", dir, gguf_musts[i].entry);
        rz_gguf g;
        rz_error err = {{0}};
        cr_expect_neq(rz_gguf_open(path, &g, &err), RZ_OK, "rule '%s': accepted",
                      gguf_musts[i].rule);
        cr_expect(strstr(err.msg, needle) != NULL, "rule '%s': '%s' lacks '%s'", gguf_musts[i].rule,
                  err.msg, needle);
    }
}

Test(format_musts, every_safetensors_rule_has_a_rejected_file) {
    const char *dir = "tests/data/malformed/safetensors";
    for (size_t i = 0; i < sizeof safetensors_musts / sizeof safetensors_musts[0]; i++) {
        char tsv[256], file[128], path[512];
        snprintf(tsv, sizeof tsv, "%s/expected.tsv", dir);
        cr_assert_not_null(tsv_lookup(tsv, false, safetensors_musts[i].entry, file, sizeof file),
                           "rule '%s': no corpus file is rejected with '%s'",
                           safetensors_musts[i].rule, safetensors_musts[i].entry);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        rz_st_file f;
        rz_error err = {{0}};
        cr_expect_neq(rz_st_open(path, &f, &err), RZ_OK, "rule '%s': accepted",
                      safetensors_musts[i].rule);
        cr_expect(strstr(err.msg, safetensors_musts[i].entry) != NULL, "rule '%s': '%s'",
                  safetensors_musts[i].rule, err.msg);
    }
}

/* Writes one file through the writer and parses it back. */
static rz_status write_and_parse(rz_gguf_writer *w, rz_error *err) {
    uint8_t *img;
    size_t len;
    rz_status st = rz_gguf_writer_to_memory(w, &img, &len, err);
    if (st) return st;
    rz_gguf g;
    st = rz_gguf_parse(img, len, "m.gguf", &g, err);
    if (!st) rz_gguf_close(&g);
    free(img);
    return st;
}

Test(format_musts, gguf_boundaries_accepted) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    char name[65];
    memset(name, 'n', 64);
    name[64] = 0;
    float x[32] = {0};
    uint8_t q[34] = {0};
    uint64_t d32[1] = {32};
    cr_expect_eq(rz_gguf_writer_add_u32(w, "general.alignment", 8, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_str(w, "general.architecture", "gemma3", &err), RZ_OK);
    cr_expect_eq(rz_gguf_writer_add_u32(w, "general.base_model.0.x_1", 1, &err), RZ_OK);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, name, RZ_TYPE_F32, 1, d32, x, sizeof x, &err), RZ_OK,
                 "a 64-byte name: %s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_tensor(w, "q", RZ_TYPE_Q8_0, 1, d32, q, sizeof q, &err), RZ_OK);
    cr_expect_eq(write_and_parse(w, &err), RZ_EINVAL, "no quantization_version");
    cr_expect(strstr(err.msg, "tensor 'q' is q8_0") != NULL, "%s", err.msg);
    cr_expect_eq(rz_gguf_writer_add_u32(w, "general.quantization_version", 2, &err), RZ_OK);
    cr_expect_eq(write_and_parse(w, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(w);
}

Test(format_musts, gguf_writer_refuses_what_the_reader_refuses) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    static const char *const bad_keys[] = {
        "", "General.name", "general..name", "general.", ".general", "general.n\xc3\xa4me", "a-b"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        cr_expect_eq(rz_gguf_writer_add_u32(w, bad_keys[i], 1, &err), RZ_EINVAL, "'%s'",
                     bad_keys[i]);
        cr_expect(strstr(err.msg, "expected") != NULL, "%s", err.msg);
    }
    cr_expect_eq(rz_gguf_writer_add_str(w, "general.architecture", "Llama", &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "lower-case ASCII letters and digits") != NULL, "%s", err.msg);
    char name[66];
    memset(name, 'n', 65);
    name[65] = 0;
    float x[4] = {0};
    uint64_t d4[1] = {4};
    cr_expect_eq(rz_gguf_writer_add_tensor(w, name, RZ_TYPE_F32, 1, d4, x, sizeof x, &err),
                 RZ_EINVAL);
    cr_expect(strstr(err.msg, "65 bytes, expected at most 64") != NULL, "%s", err.msg);
    rz_gguf_writer_free(w);
}

Test(format_musts, safetensors_boundaries_accepted) {
    static const char header[] =
        "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},\"e\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[4,4]}}      ";
    float one = 1.0f;
    size_t len;
    uint8_t *img = rzt_st_image(header, &one, sizeof one, &len);
    rz_st_file f;
    rz_error err;
    cr_assert_eq(rz_st_parse(img, len, "m.safetensors", &f, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(f.n_tensors, 2, "a rank-0 tensor and an empty one, with space padding");
    rz_st_close(&f);
    free(img);
}
