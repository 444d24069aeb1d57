/* libFuzzer target: the tokenizers on arbitrary bytes. The first byte picks the vocabulary
 * (SentencePiece or byte-level BPE, the GGUF vocab files of $RZ_SHARED_DIR/vocab, default
 * ../../shared) and whether special tokens are parsed; the rest is the text. Every id must lie
 * in the vocabulary and, with special parsing off, the ids of valid UTF-8 must detokenize back
 * to the text (for SentencePiece, unless the text holds its space marker U+2581, which
 * detokenizes to a space). Malformed UTF-8 is left out of the round trip: a bad lead byte
 * swallows the escaped space after it into byte-fallback tokens, which detokenize to the
 * marker's bytes, exactly as llama.cpp does (checked by hand with llama-cpp-python). A failed
 * property aborts, which libFuzzer reports as a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"

static rz_tok_vocab vocabs[2];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    static const char *const names[2] = {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf"};
    const char *shared = getenv("RZ_SHARED_DIR");
    for (int i = 0; i < 2; i++) {
        char path[4096];
        rz_error err;
        snprintf(path, sizeof path, "%s/vocab/%s", shared ? shared : "../../shared", names[i]);
        if (rz_tok_vocab_load(path, &vocabs[i], &err)) {
            fprintf(stderr, "fuzz_tokenizer: %s (set RZ_SHARED_DIR)\n", err.msg);
            exit(2);
        }
    }
    return 0;
}

/* Well-formed UTF-8: every code point re-encodes to the same bytes (no overlong form, no
 * malformed byte read as U+FFFD) and none is a surrogate. */
static bool valid_utf8(const uint8_t *s, size_t n) {
    size_t pos = 0;
    while (pos < n) {
        size_t at = pos;
        uint32_t cp = rz_tok_utf8_decode(s, n, &pos);
        uint8_t enc[4];
        size_t len = rz_tok_utf8_encode(cp, enc);
        if ((cp >= 0xD800 && cp <= 0xDFFF) || len != pos - at || memcmp(enc, s + at, len))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const rz_tok_vocab *v = &vocabs[data[0] & 1];
    unsigned flags = data[0] & 2 ? RZ_TOK_PARSE_SPECIAL : 0;
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    if (!text) return 0;
    memcpy(text, data + 1, n);
    rz_tok_ids ids = {0};
    rz_tok_bytes out = {0};
    rz_error err;
    if (rz_tok_tokenize(v, text, n, flags, &ids, &err)) abort();
    for (size_t i = 0; i < ids.n; i++)
        if (ids.ids[i] < 0 || (uint32_t)ids.ids[i] >= v->n_tokens) abort();
    unsigned dflags = RZ_TOK_KEEP_SPACES | (flags ? RZ_TOK_UNPARSE_SPECIAL : 0);
    if (rz_tok_detokenize(v, ids.ids, ids.n, dflags, &out, &err)) abort();
    bool trips =
        valid_utf8(data + 1, n) && (v->kind != RZ_TOK_SPM || !memmem(text, n, "\xE2\x96\x81", 3));
    if (!flags && trips && (out.len != n || (n && memcmp(out.data, text, n)))) abort();
    rz_tok_bytes_free(&out);
    rz_tok_ids_free(&ids);
    free(text);
    return 0;
}
