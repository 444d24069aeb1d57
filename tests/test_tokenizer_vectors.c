/* llama.cpp's own tokenizer test vectors: for every ggml-vocab-*.gguf with .inp/.out beside it
 * (../shared/vocab, or $RZ_TOK_VOCAB_DIR for llama.cpp's whole models/ collection), every test
 * string tokenizes (no BOS, special parsing off) to exactly the expected ids, and detokenizing
 * gives the string back wherever the vocabulary can represent it. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"
#include "tests/support/support.h"

static const char separator[] = "\n__ggml_vocab_test__\n";

static char *read_text(const char *path, size_t *len) {
    unsigned char *buf;
    rz_error err;
    if (rz_file_read_all(path, &buf, len, &err)) return NULL;
    char *text = realloc(buf, *len + 1);
    text[*len] = 0;
    return text;
}

/* Parses one .out line ("  12 345 6") into ids. */
static size_t parse_ids(const char *line, size_t len, int32_t *ids, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < len && n < cap;) {
        while (i < len && line[i] == ' ')
            i++;
        if (i == len) break;
        ids[n++] = (int32_t)strtol(line + i, NULL, 10);
        while (i < len && line[i] != ' ')
            i++;
    }
    return n;
}

/* Whether x can come back from its tokens: SentencePiece with byte fallback and byte-level BPE
 * keep every byte of valid UTF-8; BPE replaces malformed UTF-8 with U+FFFD. */
static bool round_trips(const rz_tok_vocab *v, const char *s, size_t n) {
    rz_tok_ids ids = {0};
    rz_tok_bytes out = {0};
    rz_error err;
    bool ok = !rz_tok_tokenize(v, s, n, 0, &ids, &err) &&
              !rz_tok_detokenize(v, ids.ids, ids.n, RZ_TOK_KEEP_SPACES, &out, &err) &&
              out.len == n && !memcmp(out.data, s, n);
    rz_tok_ids_free(&ids);
    rz_tok_bytes_free(&out);
    return ok;
}

static bool valid_utf8(const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = rz_tok_utf8_decode((const uint8_t *)s, n, &i);
        if (cp == RZ_TOK_REPLACEMENT && (i - at != 3 || memcmp(s + at, "\xEF\xBF\xBD", 3)))
            return false;
    }
    return true;
}

static void check_file(const char *dir, const char *name, int *files) {
    char path[4096], inp_path[4200], out_path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(inp_path, sizeof inp_path, "%s.inp", path);
    snprintf(out_path, sizeof out_path, "%s.out", path);
    size_t inp_len, out_len;
    char *inp = read_text(inp_path, &inp_len), *out = read_text(out_path, &out_len);
    if (!inp || !out) {
        free(inp);
        free(out);
        return;
    }
    rz_tok_vocab v;
    rz_error err;
    rz_status st = rz_tok_vocab_load(path, &v, &err);
    cr_assert_eq(st, RZ_OK, "%s: %s", name, err.msg);
    (*files)++;
    size_t passed = 0, total = 0, trips = 0, trip_ok = 0;
    static int32_t want[1 << 16];
    const char *s = inp, *line = out;
    for (;;) {
        const char *end = strstr(s, separator);
        const char *eol = strchr(line, '\n');
        if (!end || !eol) break;
        size_t n = (size_t)(end - s);
        size_t n_want = parse_ids(line, (size_t)(eol - line), want, sizeof want / sizeof *want);
        rz_tok_ids got = {0};
        cr_assert_eq(rz_tok_tokenize(&v, s, n, 0, &got, &err), RZ_OK, "%s", err.msg);
        bool same = got.n == n_want && (!n_want || !memcmp(got.ids, want, n_want * sizeof *want));
        cr_expect(same, "%s: string %zu '%.*s': %zu ids, expected %zu", name, total, (int)n, s,
                  got.n, n_want);
        passed += same;
        total++;
        if (v.kind == RZ_TOK_SPM || valid_utf8(s, n)) {
            trips++;
            bool ok = round_trips(&v, s, n);
            trip_ok += ok;
            cr_expect(ok, "%s: string %zu '%.*s' does not round-trip", name, total - 1, (int)n, s);
        }
        rz_tok_ids_free(&got);
        s = end + strlen(separator);
        line = eol + 1;
    }
    cr_log_info("%s: %zu/%zu strings give llama.cpp's ids, %zu/%zu round-trip", name, passed, total,
                trip_ok, trips);
    fprintf(stderr, "%s: %zu/%zu strings give llama.cpp's ids, %zu/%zu round-trip\n", name, passed,
            total, trip_ok, trips);
    rz_tok_vocab_free(&v);
    free(inp);
    free(out);
}

Test(tokenizer_vectors, every_vocab_file) {
    const char *dir = getenv("RZ_TOK_VOCAB_DIR");
    if (!dir) dir = rzt_shared("vocab");
    if (!dir) cr_skip_test("../shared/vocab absent");
    char dir_copy[4096];
    snprintf(dir_copy, sizeof dir_copy, "%s", dir);
    DIR *d = opendir(dir_copy);
    cr_assert(d, "cannot open %s", dir_copy);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".gguf") &&
            !strncmp(e->d_name, "ggml-vocab-", 11))
            check_file(dir_copy, e->d_name, &files);
    }
    closedir(d);
    cr_expect_gt(files, 0, "no ggml-vocab-*.gguf with .inp/.out in %s", dir_copy);
}
