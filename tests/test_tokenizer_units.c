/* Tokenizer algorithms on small in-memory vocabularies: SentencePiece merges and byte fallback,
 * BPE merge order, pre-tokenizer regexes, special-token partition, end-of-generation detection,
 * detokenizer clean-up, WordPiece. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"

enum { MAX_TOKENS = 512 };

typedef struct {
    rz_tok_text text[MAX_TOKENS];
    float score[MAX_TOKENS];
    int32_t type[MAX_TOKENS];
    char store[MAX_TOKENS][16];
    uint32_t n;
} vocab_builder;

static int32_t add(vocab_builder *b, const char *text, float score, int32_t type) {
    snprintf(b->store[b->n], sizeof b->store[0], "%s", text);
    b->text[b->n] = (rz_tok_text){b->store[b->n], (uint32_t)strlen(text)};
    b->score[b->n] = score;
    b->type[b->n] = type;
    return (int32_t)b->n++;
}

static void build(vocab_builder *b, rz_tok_spec *s, const char *model, rz_tok_vocab *v) {
    s->model = model;
    s->n_tokens = b->n;
    s->tokens = b->text;
    s->scores = b->score;
    s->types = b->type;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_build(s, v, &err), RZ_OK, "%s", err.msg);
}

static size_t tokenize(const rz_tok_vocab *v, const char *text, unsigned flags, int32_t *ids) {
    rz_tok_ids out = {0};
    rz_error err;
    cr_assert_eq(rz_tok_tokenize(v, text, strlen(text), flags, &out, &err), RZ_OK, "%s", err.msg);
    if (out.n) memcpy(ids, out.ids, out.n * sizeof *ids);
    size_t n = out.n;
    rz_tok_ids_free(&out);
    return n;
}

static void expect_ids(const rz_tok_vocab *v, const char *text, unsigned flags, const int32_t *want,
                       size_t n_want) {
    int32_t got[256];
    size_t n = tokenize(v, text, flags, got);
    cr_expect_eq(n, n_want, "'%s': %zu ids, expected %zu", text, n, n_want);
    for (size_t i = 0; i < n && i < n_want; i++)
        cr_expect_eq(got[i], want[i], "'%s': id %zu is %d, expected %d", text, i, got[i], want[i]);
}

static char *detok(const rz_tok_vocab *v, const int32_t *ids, size_t n, unsigned flags) {
    static char buf[1024];
    rz_tok_bytes out = {0};
    rz_error err;
    cr_assert_eq(rz_tok_detokenize(v, ids, n, flags, &out, &err), RZ_OK, "%s", err.msg);
    snprintf(buf, sizeof buf, "%s", out.data);
    rz_tok_bytes_free(&out);
    return buf;
}

/* <unk> <s> </s>, the 256 byte tokens, then a few pieces. */
static void spm_vocab(rz_tok_vocab *v, vocab_builder *b) {
    b->n = 0;
    add(b, "<unk>", 0, RZ_TOK_TYPE_UNKNOWN);
    add(b, "<s>", 0, RZ_TOK_TYPE_CONTROL);
    add(b, "</s>", 0, RZ_TOK_TYPE_CONTROL);
    for (int i = 0; i < 256; i++) {
        char t[8];
        snprintf(t, sizeof t, "<0x%02X>", i);
        add(b, t, 0, RZ_TOK_TYPE_BYTE);
    }
    add(b, "\xE2\x96\x81", -1, 1); /* 259 */
    add(b, "a", -2, 1);            /* 260 */
    add(b, "b", -2, 1);            /* 261 */
    add(b, "ab", -3, 1);           /* 262 */
    add(b,
        "\xE2\x96\x81"
        "a",
        -1.5f, 1); /* 263 */
    add(b,
        "\xE2\x96\x81"
        "ab",
        -0.5f, 1);                                 /* 264 */
    add(b, "<tool>", 0, RZ_TOK_TYPE_USER_DEFINED); /* 265 */
    rz_tok_spec s = rz_tok_spec_init();
    build(b, &s, "llama", v);
}

Test(tokenizer_spm, merges_by_score_and_falls_back_to_bytes) {
    vocab_builder b;
    rz_tok_vocab v;
    spm_vocab(&v, &b);
    cr_expect(v.add_bos && v.add_space_prefix && v.bos == 1 && v.eos == 2 && v.unk == 0);
    expect_ids(&v, "ab", 0, (int32_t[]){264}, 1);
    expect_ids(&v, "ab", RZ_TOK_ADD_SPECIAL, (int32_t[]){1, 264}, 2);
    expect_ids(&v, "ab\xC3\xA9", 0, (int32_t[]){264, 3 + 0xC3, 3 + 0xA9}, 3);
    expect_ids(&v, "ba", 0, (int32_t[]){259, 261, 260}, 3);
    int32_t ids[] = {264, 3 + 0xC3, 3 + 0xA9};
    cr_expect_str_eq(detok(&v, ids, 3, 0), "ab\xC3\xA9");
    rz_tok_vocab_free(&v);
}

Test(tokenizer_spm, special_tokens_split_text_and_reset_the_space_prefix) {
    vocab_builder b;
    rz_tok_vocab v;
    spm_vocab(&v, &b);
    /* user-defined tokens split the text even without special parsing; control ones need it */
    expect_ids(&v, "ab<tool>ab", 0, (int32_t[]){264, 265, 264}, 3);
    expect_ids(&v, "a</s>", RZ_TOK_PARSE_SPECIAL, (int32_t[]){263, 2}, 2);
    int32_t with_eos[] = {264, 2};
    cr_expect_str_eq(detok(&v, with_eos, 2, 0), "ab");
    cr_expect_str_eq(detok(&v, with_eos, 2, RZ_TOK_UNPARSE_SPECIAL), "ab</s>");
    cr_expect(rz_tok_is_eog(&v, 2));
    cr_expect(!rz_tok_is_eog(&v, 264));
    rz_tok_vocab_free(&v);
}

/* A byte-level vocabulary: the 256 byte characters, then merges. */
static void bpe_vocab(rz_tok_vocab *v, vocab_builder *b, const char *pre, const char **merges,
                      uint32_t n_merges) {
    b->n = 0;
    for (int i = 0; i < 256; i++) {
        uint8_t u[4];
        size_t n = rz_tok_utf8_encode(rz_tok_byte_to_cp((uint8_t)i), u);
        u[n] = 0;
        add(b, (const char *)u, 0, 1);
    }
    static rz_tok_text m[16];
    for (uint32_t i = 0; i < n_merges; i++) {
        char joined[16];
        const char *sp = strchr(merges[i], ' ');
        snprintf(joined, sizeof joined, "%.*s%s", (int)(sp - merges[i]), merges[i], sp + 1);
        add(b, joined, 0, 1);
        m[i] = (rz_tok_text){merges[i], (uint32_t)strlen(merges[i])};
    }
    add(b, "<|endoftext|>", 0, RZ_TOK_TYPE_CONTROL);
    rz_tok_spec s = rz_tok_spec_init();
    s.pre = pre;
    s.merges = m;
    s.n_merges = n_merges;
    build(b, &s, "gpt2", v);
}

Test(tokenizer_bpe, lowest_rank_merges_first) {
    vocab_builder b;
    rz_tok_vocab v;
    const char *merges[] = {"b c", "a b", "Ġ a"};
    bpe_vocab(&v, &b, "gpt-2", merges, 3); /* ids: bc 256, ab 257, Ġa 258 */
    expect_ids(&v, "abc", 0, (int32_t[]){'a', 256}, 2);
    expect_ids(&v, "ab ab", 0, (int32_t[]){257, ' ', 257}, 3); /* "a b" before "Ġ a" */
    cr_expect(v.clean_spaces && !v.add_bos);
    cr_expect(rz_tok_is_eog(&v, 259), "<|endoftext|> ends generation");
    rz_tok_vocab_free(&v);
}

Test(tokenizer_bpe, detokenize_cleans_spaces_before_punctuation) {
    vocab_builder b;
    rz_tok_vocab v;
    bpe_vocab(&v, &b, "gpt-2", NULL, 0);
    int32_t ids[] = {'a', ' ' /* Ġ */, ',', ' ', '\'', 's'};
    cr_expect_str_eq(detok(&v, ids, 6, 0), "a,'s");
    cr_expect_str_eq(detok(&v, ids, 6, RZ_TOK_KEEP_SPACES), "a , 's");
    rz_tok_vocab_free(&v);
}

static void expect_words(const char *pre, const char *text, const char *const *want, size_t n) {
    rz_tok_pretok *p;
    rz_tok_pre_info info;
    rz_error err;
    cr_assert_eq(rz_tok_pretok_create(pre, &p, &info, &err), RZ_OK, "%s", err.msg);
    rz_tok_words w = {0};
    cr_assert_eq(rz_tok_pretok_split(p, (const uint8_t *)text, strlen(text), false, &w, &err),
                 RZ_OK, "%s", err.msg);
    cr_expect_eq(w.n_words, n, "%s '%s': %zu words, expected %zu", pre, text, w.n_words, n);
    for (size_t i = 0; i < n && i < w.n_words; i++) {
        size_t len = w.start[i + 1] - w.start[i];
        cr_expect(len == strlen(want[i]) && !memcmp(w.buf + w.start[i], want[i], len),
                  "%s '%s': word %zu is '%.*s', expected '%s'", pre, text, i, (int)len,
                  w.buf + w.start[i], want[i]);
    }
    rz_tok_words_free(&w);
    rz_tok_pretok_free(p);
}

Test(tokenizer_pretok, regex_sets_split_like_llama_cpp) {
    expect_words("gpt-2", "Hello world's  123!!\n",
                 (const char *[]){"Hello", " world", "'s", " ", " 123", "!!", "\n"}, 7);
    expect_words("llama-bpe", "I'M 12345 ok\r\n\n x",
                 (const char *[]){"I", "'M", " ", "123", "45", " ok", "\r\n\n", " x"}, 8);
    expect_words("qwen2", "ab 123", (const char *[]){"ab", " ", "1", "2", "3"}, 5);
    expect_words("smollm", "x 12", (const char *[]){"x", " ", "1", "2"}, 4);
    expect_words("default", "a+b=12345", (const char *[]){"a", "+", "b", "=", "123", "45"}, 6);
    expect_words("deepseek-coder", "ab, 12\n", (const char *[]){"ab", ",", " ", "1", "2", "\n"}, 6);
    expect_words("superbpe", "1234567", (const char *[]){"1", "234", "567"}, 3);
    /* U+3000 is White_Space: it joins the spaces; malformed UTF-8 becomes U+FFFD */
    expect_words("gpt-2", "a\xE3\x80\x80 b\xFF",
                 (const char *[]){"a", "\xE3\x80\x80", " b", "\xEF\xBF\xBD"}, 4);
}

Test(tokenizer_pretok, unknown_name_is_an_error) {
    rz_tok_pretok *p;
    rz_tok_pre_info info;
    rz_error err;
    cr_expect_eq(rz_tok_pretok_create("no-such-pre", &p, &info, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "tokenizer.ggml.pre") && strstr(err.msg, "'no-such-pre'"), "%s",
              err.msg);
    vocab_builder b;
    b.n = 0;
    add(&b, "a", 0, 1);
    rz_tok_spec s = rz_tok_spec_init();
    s.model = "gpt2";
    s.pre = "no-such-pre";
    s.n_tokens = b.n;
    s.tokens = b.text;
    rz_tok_vocab v;
    cr_expect_eq(rz_tok_vocab_build(&s, &v, &err), RZ_EUNSUPPORTED);
    s.model = "t5";
    cr_expect_eq(rz_tok_vocab_build(&s, &v, &err), RZ_EUNSUPPORTED);
    cr_expect(strstr(err.msg, "tokenizer.ggml.model") != NULL, "%s", err.msg);
}

/* Longest special token first: "bcd" is taken before "ab" in "abcd", as llama.cpp does. */
Test(tokenizer_partition, longest_token_first_then_left_to_right) {
    vocab_builder b;
    rz_tok_vocab v;
    spm_vocab(&v, &b);
    rz_tok_vocab_free(&v);
    b.n = 259;
    int32_t ab = add(&b, "ab", 0, RZ_TOK_TYPE_USER_DEFINED);
    int32_t bcd = add(&b, "bcd", 0, RZ_TOK_TYPE_USER_DEFINED);
    int32_t a = add(&b,
                    "\xE2\x96\x81"
                    "a",
                    0, 1);
    rz_tok_spec s = rz_tok_spec_init();
    s.add_space_prefix = 0;
    build(&b, &s, "llama", &v);
    int32_t want[] = {3 + 'a', bcd, ab, ab};
    expect_ids(&v, "abcdabab", 0, want, 4);
    expect_ids(&v, " a", 0, (int32_t[]){a}, 1);
    rz_tok_vocab_free(&v);
}

Test(tokenizer_vocab, duplicates_rejected_and_eog_detected) {
    vocab_builder b;
    b.n = 0;
    add(&b, "<unk>", 0, 2);
    add(&b, "<s>", 0, 3);
    add(&b, "</s>", 0, 3);
    int32_t im_end = add(&b, "<|im_end|>", 0, RZ_TOK_TYPE_USER_DEFINED);
    add(&b, "", 0, 1);
    rz_tok_vocab v;
    rz_tok_spec s = rz_tok_spec_init();
    s.eos = 99; /* out of range: the default (2) stays */
    build(&b, &s, "llama", &v);
    cr_expect_eq(v.eos, 2);
    cr_expect_eq(v.eot, im_end);
    cr_expect(rz_tok_is_eog(&v, im_end) && (v.tokens[im_end].attr & RZ_TOK_ATTR_CONTROL));
    cr_expect_str_eq(v.tokens[4].text, "[EMPTY_4]");
    rz_tok_vocab_free(&v);
    add(&b, "<s>", 0, 3);
    rz_error err;
    s.n_tokens = b.n;
    cr_expect_eq(rz_tok_vocab_build(&s, &v, &err), RZ_EFORMAT);
    cr_expect(strstr(err.msg, "duplicates token 1") != NULL, "%s", err.msg);
}

Test(tokenizer_wpm, lowercases_strips_accents_and_splits_punctuation) {
    vocab_builder b;
    b.n = 0;
    add(&b, "[PAD]", 0, 3);
    for (int i = 1; i < 100; i++) {
        char t[16];
        snprintf(t, sizeof t, "[unused%d]", i);
        add(&b, t, 0, 3);
    }
    add(&b, "[UNK]", 0, 2);  /* 100 */
    add(&b, "[CLS]", 0, 3);  /* 101 */
    add(&b, "[SEP]", 0, 3);  /* 102 */
    add(&b, "[MASK]", 0, 3); /* 103 */
    int32_t hello = add(&b, "\xE2\x96\x81hello", 0, 1);
    int32_t wor = add(&b, "\xE2\x96\x81wor", 0, 1);
    int32_t ld = add(&b, "ld", 0, 1);
    int32_t bang = add(&b, "\xE2\x96\x81!", 0, 1);
    int32_t cafe = add(&b,
                       "\xE2\x96\x81"
                       "cafe",
                       0, 1);
    rz_tok_vocab v;
    rz_tok_spec s = rz_tok_spec_init();
    build(&b, &s, "bert", &v);
    int32_t want[] = {101, hello, wor, ld, bang, cafe, 100, 102};
    expect_ids(&v, "Hello WORLD! Caf\xC3\xA9 xyz", RZ_TOK_ADD_SPECIAL, want, 8);
    rz_tok_vocab_free(&v);
}
