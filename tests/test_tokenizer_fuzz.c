/* Property test: random byte strings (valid UTF-8 from every plane, ASCII, spaces, special-token
 * texts, and malformed sequences) never crash the tokenizers and give ids inside the vocabulary;
 * with special parsing off they detokenize back to the input wherever the vocabulary can
 * represent it: always for SentencePiece with byte fallback, for valid UTF-8 with byte-level BPE
 * (which turns malformed bytes into U+FFFD, as llama.cpp does). With special parsing on, a
 * SentencePiece fragment after a special token gets llama.cpp's extra leading space, so only
 * the absence of crashes is checked there. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"
#include "tests/support/support.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Fills buf with up to cap bytes; *valid tells whether it is well-formed UTF-8 (half the strings
 * are). */
static size_t random_text(char *buf, size_t cap, bool *valid) {
    static const char *const pieces[] = {
        " ", "  ", "\n", "\r\n", "\t", "'s", "<s>", "</s>", "<|endoftext|>", "123456", "Hello"};
    size_t n = 0;
    bool allow_bad = next() % 2;
    *valid = true;
    while (n + 16 < cap && next() % 40) {
        uint32_t kind = next() % (allow_bad ? 8 : 7), cp;
        if (kind < 3) {
            buf[n++] = (char)(0x20 + next() % 95);
        } else if (kind == 3) {
            const char *p = pieces[next() % (sizeof pieces / sizeof *pieces)];
            memcpy(buf + n, p, strlen(p));
            n += strlen(p);
        } else if (kind < 7) {
            static const uint32_t planes[] = {0x80, 0x800, 0x3000, 0x10000, 0x1F600};
            cp = planes[next() % 5] + next() % 0x700;
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
            n += rz_tok_utf8_encode(cp, (uint8_t *)buf + n);
        } else {
            static const char *const bad[] = {
                "\xFF",         "\x80",     "\xC3",         "\xE2\x96",
                "\xF0\x9F\x98", "\xC0\x80", "\xED\xA0\x80", "\xF8\x88\x80\x80"};
            const char *p = bad[next() % 8];
            memcpy(buf + n, p, strlen(p));
            n += strlen(p);
            *valid = false;
        }
    }
    return n;
}

static void fuzz(const char *name) {
    char rel[128];
    snprintf(rel, sizeof rel, "vocab/%s", name);
    const char *path = rzt_shared(rel);
    if (!path) cr_skip_test("../shared/%s absent", rel);
    rz_tok_vocab v;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_load(path, &v, &err), RZ_OK, "%s", err.msg);
    size_t trips = 0;
    for (int iter = 0; iter < 3000; iter++) {
        char text[512];
        bool valid;
        size_t n = random_text(text, sizeof text, &valid);
        unsigned flags = iter % 3 == 0 ? RZ_TOK_PARSE_SPECIAL : 0;
        rz_tok_ids ids = {0};
        cr_assert_eq(rz_tok_tokenize(&v, text, n, flags, &ids, &err), RZ_OK, "%s", err.msg);
        for (size_t i = 0; i < ids.n; i++)
            cr_assert(ids.ids[i] >= 0 && (uint32_t)ids.ids[i] < v.n_tokens);
        rz_tok_bytes out = {0};
        unsigned dflags = RZ_TOK_KEEP_SPACES | (flags ? RZ_TOK_UNPARSE_SPECIAL : 0);
        cr_assert_eq(rz_tok_detokenize(&v, ids.ids, ids.n, dflags, &out, &err), RZ_OK, "%s",
                     err.msg);
        if (!flags && (v.kind == RZ_TOK_SPM || valid)) {
            trips++;
            cr_expect(out.len == n && !memcmp(out.data, text, n),
                      "%s: iteration %d does not round-trip (%zu bytes in, %zu out)", name, iter, n,
                      out.len);
        }
        rz_tok_bytes_free(&out);
        rz_tok_ids_free(&ids);
    }
    cr_expect_gt(trips, 900);
    rz_tok_vocab_free(&v);
}

Test(tokenizer_fuzz, spm_random_bytes) {
    fuzz("ggml-vocab-llama-spm.gguf");
}

Test(tokenizer_fuzz, bpe_random_bytes) {
    fuzz("ggml-vocab-gpt-2.gguf");
}
