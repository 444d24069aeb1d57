/* The BERT encoder against its oracles:
 *   - all-MiniLM-L6-v2 (located by scripts/find-models minilm; skipped when not installed) on the
 *     lines of tests/data/embed/wikitext.txt against sentence-transformers' embeddings in
 *     tests/data/embed/minilm.txt (tests/oracles/minilm_embeddings.py): cosine >= 0.9999 each;
 *   - a GGUF written from the tiny random-weight folder by tests/oracles/bert_gguf.py (the gguf
 *     package, as llama.cpp's convert_hf_to_gguf.py writes BERT): the same embeddings as the
 *     folder, bit for bit (skipped without python3 and the gguf package). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/file.h"
#include "engine/models/bert_forward.h"
#include "tests/support/support.h"
#include "tests/support/tiny_bert.h"

static char out[4096], errbuf[65536];

static const char *source_path(const char *rel) {
    static char path[4096];
    const char *src = getenv("RZ_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
    return path;
}

static unsigned char *read_all(const char *rel, size_t *len) {
    unsigned char *buf;
    rz_error err;
    cr_assert_eq(rz_file_read_all(source_path(rel), &buf, len, &err), RZ_OK, "%s", err.msg);
    return buf;
}

static double cosine(const float *a, const double *b, int n) {
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++)
        ab += a[i] * b[i], aa += (double)a[i] * a[i], bb += b[i] * b[i];
    return ab / sqrt(aa * bb);
}

Test(bert_oracle, minilm_matches_sentence_transformers) {
    char *argv[] = {(char *)source_path("scripts/find-models"), "minilm", NULL};
    if (rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf) != 0)
        cr_skip_test("all-MiniLM-L6-v2 is not installed (scripts/find-models --install minilm)");
    out[strcspn(out, "\n")] = 0;
    rz_bert_model m;
    rz_bert_state s;
    rz_error err;
    cr_assert_eq(rz_bert_model_open(out, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_bert_state_init(&m.config, NULL, 2, &s, &err), RZ_OK, "%s", err.msg);
    size_t text_len, want_len;
    char *text = (char *)read_all("tests/data/embed/wikitext.txt", &text_len);
    char *want = (char *)read_all("tests/data/embed/minilm.txt", &want_len);
    float *got = malloc((size_t)m.config.dim * sizeof *got);
    double *ref = malloc((size_t)m.config.dim * sizeof *ref);
    char *w = want;
    int lines = 0;
    for (size_t at = 0; at < text_len; lines++) {
        char *nl = memchr(text + at, '\n', text_len - at);
        size_t end = nl ? (size_t)(nl - text) : text_len;
        cr_assert_eq(rz_bert_embed(&m, &s, text + at, end - at, got, NULL, &err), RZ_OK,
                     "line %d: %s", lines + 1, err.msg);
        for (int i = 0; i < m.config.dim; i++)
            ref[i] = strtod(w, &w);
        double c = cosine(got, ref, m.config.dim);
        cr_expect(c >= 0.9999, "line %d: cosine %.9f: %.60s", lines + 1, c, text + at);
        at = end + 1;
    }
    cr_expect_eq(lines, 19);
    free(got), free(ref), free(text), free(want);
    rz_bert_state_deinit(&s);
    rz_bert_model_close(&m);
}

static void embed_with(const char *model, const char *const *texts, int n, float *out_vecs) {
    rz_bert_model m;
    rz_bert_state s;
    rz_error err;
    cr_assert_eq(rz_bert_model_open(model, &m, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_bert_state_init(&m.config, NULL, 1, &s, &err), RZ_OK, "%s", err.msg);
    for (int i = 0; i < n; i++)
        cr_assert_eq(rz_bert_embed(&m, &s, texts[i], strlen(texts[i]),
                                   out_vecs + (size_t)i * RZT_BERT_DIM, NULL, &err),
                     RZ_OK, "%s", err.msg);
    rz_bert_state_deinit(&s);
    rz_bert_model_close(&m);
}

Test(bert_oracle, gguf_from_the_gguf_package_matches_the_folder) {
    const char *dir = rzt_tiny_bert(&(rzt_bert_options){.seed = 21});
    cr_assert(dir);
    char folder[64], gguf[96];
    snprintf(folder, sizeof folder, "%s", dir);
    snprintf(gguf, sizeof gguf, "%s.gguf", folder);
    char *argv[] = {"/usr/bin/env", "python3", (char *)source_path("tests/oracles/bert_gguf.py"),
                    folder,         gguf,      NULL};
    int rc = rzt_run(argv, out, sizeof out, errbuf, sizeof errbuf);
    if (rc == 77 || rc == 127) {
        rzt_tiny_bert_remove(folder);
        cr_skip_test("python3 with the gguf, numpy and safetensors packages is not available");
    }
    cr_assert_eq(rc, 0, "bert_gguf.py failed: %s", errbuf);
    static const char *const texts[] = {"The cat sat on the mat.", "", "Running dogs!",
                                        "CAF\xC3\x89"};
    float a[4 * RZT_BERT_DIM], b[4 * RZT_BERT_DIM];
    embed_with(folder, texts, 4, a);
    embed_with(gguf, texts, 4, b);
    cr_expect_arr_eq(a, b, sizeof a);
    remove(gguf);
    rzt_tiny_bert_remove(folder);
}

Test(bert_oracle, a_gguf_of_another_architecture_is_refused) {
    rz_bert_model m;
    rz_error err;
    cr_expect_eq(rz_bert_model_open(source_path("tests/data/gguf/valid.gguf"), &m, &err),
                 RZ_EUNSUPPORTED, "%s", err.msg);
    cr_expect(strstr(err.msg, "general.architecture: expected \"bert\""), "%s", err.msg);
}
