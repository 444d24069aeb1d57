/* rz tokenize / rz detokenize on llama.cpp's GPT-2 vocabulary, and the oracle script comparing
 * rz with llama.cpp (llama-cpp-python) on the real SmolLM2 and Gemma 3 vocabularies (skipped when
 * llama-cpp-python or the models are absent). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/support.h"
#include "tests/support/temp.h"

static char out[1 << 16], err[1 << 12];

Test(tokenizer_cli, tokenize_and_detokenize) {
    const char *vocab = rzt_shared("vocab/ggml-vocab-gpt-2.gguf");
    if (!vocab) cr_skip_test("../shared/vocab absent");
    char model[4096];
    snprintf(model, sizeof model, "%s", vocab);
    const char *file = rzt_write_temp("Hello world", 11, ".txt");
    char file_copy[4096];
    snprintf(file_copy, sizeof file_copy, "%s", file);
    char *tok[] = {(char *)rzt_bin("rz"), "tokenize", model, "--text-file", file_copy, NULL};
    cr_assert_eq(rzt_run(tok, out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(out, "15496 995\n");
    char *detok[] = {(char *)rzt_bin("rz"), "detokenize", model, "15496", "995", NULL};
    cr_assert_eq(rzt_run(detok, out, sizeof out, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(out, "Hello world\n");
    char *bad_id[] = {(char *)rzt_bin("rz"), "detokenize", model, "99999999", NULL};
    cr_expect_eq(rzt_run(bad_id, out, sizeof out, err, sizeof err), 1);
    cr_expect(strstr(err, "token id 99999999") != NULL, "%s", err);
}

Test(tokenizer_cli, usage_errors) {
    char *none[] = {(char *)rzt_bin("rz"), "tokenize", NULL};
    cr_expect_eq(rzt_run(none, out, sizeof out, err, sizeof err), 2);
    char *missing[] = {(char *)rzt_bin("rz"), "tokenize", "/nonexistent.gguf", "--text", "x", NULL};
    cr_expect_eq(rzt_run(missing, out, sizeof out, err, sizeof err), 1);
    cr_expect(strstr(err, "/nonexistent.gguf") != NULL, "%s", err);
}

Test(tokenizer_cli, agrees_with_llama_cpp_on_real_models, .timeout = 600) {
    const char *src = getenv("RZ_SOURCE_DIR");
    char script[4096];
    snprintf(script, sizeof script, "%s/tests/oracles/tokenizer_vs_llama_cpp.py", src ? src : ".");
    char *argv[] = {"/usr/bin/env", "python3", script,       (char *)rzt_bin("rz"),
                    "--max-lines",  "300",     "--no-speed", NULL};
    int rc = rzt_run(argv, out, sizeof out, err, sizeof err);
    if (rc == 77) cr_skip_test("%s", out);
    cr_expect_eq(rc, 0, "%s\n%s", out, err);
}
