/* Tokenizer algorithms on small in-memory vocabularies: SentencePiece merges and byte fallback,
 * BPE merge order, pre-tokenizer regexes, special-token partition, end-of-generation detection,
 * detokenizer clean-up, WordPiece; then the module's building blocks called one by one (buffers,
 * hash map, trie, merge queue, Unicode tables, encoders, vocabulary loaders). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/formats/gguf_write.h"
#include "engine/tokenizer/buf.h"
#include "engine/tokenizer/encoders.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/map.h"
#include "engine/tokenizer/merge_queue.h"
#include "engine/tokenizer/pretok_table.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/trie.h"
#include "engine/tokenizer/unicode_tables.h"
#include "engine/tokenizer/utf8.h"
#include "engine/tokenizer/vocab_internal.h"
#include "engine/tokenizer/wordpiece_vocab.h"

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

Test(tokenizer_parts, reserve_doubles_from_64_and_ids_push) {
    int *p = NULL;
    size_t cap = 0;
    cr_assert_eq(rz_tok_reserve((void **)&p, &cap, 1, sizeof *p), 0);
    cr_expect_eq(cap, 64);
    p[0] = 42;
    cr_assert_eq(rz_tok_reserve((void **)&p, &cap, 64, sizeof *p), 0);
    cr_expect_eq(cap, 64, "enough room: no growth");
    cr_assert_eq(rz_tok_reserve((void **)&p, &cap, 65, sizeof *p), 0);
    cr_expect_eq(cap, 128);
    cr_assert_eq(rz_tok_reserve((void **)&p, &cap, 1000, sizeof *p), 0);
    cr_expect_eq(cap, 1024);
    cr_expect_eq(p[0], 42, "contents kept");
    free(p);
    rz_tok_ids ids = {0};
    rz_error err;
    for (int32_t i = 0; i < 100; i++)
        cr_assert_eq(rz_tok_ids_push(&ids, i * 3, &err), RZ_OK);
    cr_expect_eq(ids.n, 100);
    cr_expect_geq(ids.cap, 100);
    cr_expect_eq(ids.ids[0], 0);
    cr_expect_eq(ids.ids[99], 297);
    rz_tok_ids_free(&ids);
}

static int32_t put(rz_tok_map *m, const char *key, size_t len, int32_t value) {
    return rz_tok_map_put_hashed(m, key, len, rz_tok_map_hash(key, len), value);
}

Test(tokenizer_parts, map_put_get_and_pairs) {
    rz_tok_map m;
    rz_error err;
    cr_assert_eq(rz_tok_map_init(&m, 3, &err), RZ_OK);
    cr_expect_eq(m.mask + 1, 16, "the smallest capacity");
    cr_expect_eq(put(&m, "ab", 2, 5), 5);
    cr_expect_eq(put(&m, "ab", 2, 7), 5, "the older value stays");
    cr_expect_eq(put(&m, "left right", 10, 9), 9);
    cr_expect_eq(put(&m, "", 0, 0), 0);
    cr_expect_eq(m.n, 3);
    cr_expect_eq(rz_tok_map_get(&m, "ab", 2), 5);
    cr_expect_eq(rz_tok_map_get(&m, "abc", 2), 5, "len bounds the key");
    cr_expect_eq(rz_tok_map_get(&m, "a", 1), -1);
    cr_expect_eq(rz_tok_map_get(&m, "", 0), 0);
    cr_expect_eq(rz_tok_map_get_pair(&m, "left", 4, "right", 5), 9);
    cr_expect_eq(rz_tok_map_get_pair(&m, "lef", 3, "t right", 7), -1, "the space is the joint");
    cr_expect_eq(rz_tok_map_get_pair(&m, "left", 4, "righ", 4), -1);
    rz_tok_map_deinit(&m);
    cr_expect_null(m.slots);
    cr_assert_eq(rz_tok_map_init(&m, 1000, &err), RZ_OK);
    cr_expect_eq(m.mask + 1, 2048, "load factor at most 1/2");
    char keys[1000][8];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        put(&m, keys[i], strlen(keys[i]), i);
    }
    for (int i = 0; i < 1000; i++)
        cr_expect_eq(rz_tok_map_get(&m, keys[i], strlen(keys[i])), i);
    rz_tok_map_deinit(&m);
}

Test(tokenizer_parts, map_hash_and_prefetch_agree_with_get) {
    rz_tok_map m;
    rz_error err;
    cr_assert_eq(rz_tok_map_init(&m, 100, &err), RZ_OK);
    cr_expect_eq(rz_tok_map_hash("ab", 2), rz_tok_map_hash("abc", 2), "len bounds the key");
    cr_expect_neq(rz_tok_map_hash("ab", 2), rz_tok_map_hash("ba", 2));
    char keys[100][8];
    uint32_t h[100];
    for (int i = 0; i < 100; i++) {
        snprintf(keys[i], sizeof keys[i], "t%d", i);
        h[i] = rz_tok_map_hash(keys[i], strlen(keys[i]));
        rz_tok_map_prefetch(&m, h[i]);
    }
    for (int i = 0; i < 100; i++)
        cr_expect_eq(rz_tok_map_put_hashed(&m, keys[i], strlen(keys[i]), h[i], 2 * i), 2 * i);
    for (int i = 0; i < 100; i++)
        cr_expect_eq(rz_tok_map_get(&m, keys[i], strlen(keys[i])), 2 * i, "%s", keys[i]);
    rz_tok_map_prefetch(&m, UINT32_MAX);
    rz_tok_map_deinit(&m);
}

typedef struct {
    int32_t id[8];
    size_t len[8];
    int n;
} hits;

static void on_hit(void *ctx, int32_t id, size_t len) {
    hits *h = ctx;
    h->id[h->n] = id;
    h->len[h->n++] = len;
}

Test(tokenizer_parts, trie_finds_every_prefix_shortest_first) {
    rz_tok_trie t;
    rz_error err;
    cr_assert_eq(rz_tok_trie_init(&t, 3 + 4 + 1 + 2, &err), RZ_OK);
    rz_tok_trie_add(&t, "<s>", 3, 1);
    rz_tok_trie_add(&t, "<s>x", 4, 2);
    rz_tok_trie_add(&t, "<", 1, 3);
    rz_tok_trie_add(&t, "ab", 2, 4);
    rz_tok_trie_add(&t, "<s>", 3, 9);
    hits h = {0};
    rz_tok_trie_prefixes(&t, "<s>xyz", 6, on_hit, &h);
    cr_assert_eq(h.n, 3);
    cr_expect(h.id[0] == 3 && h.len[0] == 1);
    cr_expect(h.id[1] == 1 && h.len[1] == 3, "a text added twice keeps its first id");
    cr_expect(h.id[2] == 2 && h.len[2] == 4);
    h.n = 0;
    rz_tok_trie_prefixes(&t, "<s", 2, on_hit, &h);
    cr_expect(h.n == 1 && h.id[0] == 3, "s[0..n) bounds the search");
    h.n = 0;
    rz_tok_trie_prefixes(&t, "xab", 3, on_hit, &h);
    cr_expect_eq(h.n, 0, "prefixes only");
    rz_tok_trie_deinit(&t);
    cr_expect_null(t.term);
}

Test(tokenizer_parts, merger_pops_lowest_key_then_leftmost_and_skips_stale) {
    rz_tok_merger m = {0};
    rz_error err;
    cr_assert_eq(rz_tok_merger_reset(&m,
                                     "ab\xC3\xA9"
                                     "c",
                                     5, &err),
                 RZ_OK);
    cr_assert_eq(m.n_sym, 4, "one symbol per character");
    cr_expect(m.sym[2].off == 2 && m.sym[2].n == 2);
    cr_expect(m.sym[0].prev == -1 && m.sym[3].next == -1);
    cr_assert_eq(rz_tok_merger_push(&m, 2.0, 0, 1, &err), RZ_OK);
    cr_assert_eq(rz_tok_merger_push(&m, 1.0, 2, 3, &err), RZ_OK);
    cr_assert_eq(rz_tok_merger_push(&m, 1.0, 1, 2, &err), RZ_OK);
    cr_expect_eq(rz_tok_merger_step(&m), 1, "key 1.0, left 1 before left 2");
    cr_expect(m.sym[1].n == 3 && m.sym[2].n == 0 && m.sym[1].next == 3 && m.sym[3].prev == 1);
    cr_expect_eq(rz_tok_merger_step(&m), -1, "both remaining bigrams are stale");
    cr_assert_eq(rz_tok_merger_push(&m, 0.0, 0, 1, &err), RZ_OK);
    cr_expect_eq(rz_tok_merger_step(&m), 0);
    cr_expect_eq(m.sym[0].n, 4);
    cr_assert_eq(rz_tok_merger_reset(&m, "\xE2\x96", 2, &err), RZ_OK);
    cr_expect(m.n_sym == 1 && m.sym[0].n == 2, "a truncated character is clipped at the end");
    rz_tok_merger_free(&m);
    cr_expect(m.sym == NULL && m.heap == NULL && m.n_sym == 0);
}

Test(tokenizer_parts, pre_lookup_settings_per_name) {
    rz_tok_pre_info info;
    const rz_tok_regex_set *llama3 = rz_tok_pre_lookup("llama-bpe", &info);
    cr_assert_not_null(llama3);
    cr_expect(info.ignore_merges && info.add_bos && info.clean_spaces && !info.no_bos);
    cr_expect_not_null(llama3->regex[0]);
    cr_expect_eq(rz_tok_pre_lookup("llama3", &info), llama3, "aliases share a set");
    const rz_tok_regex_set *gpt2 = rz_tok_pre_lookup("gpt-2", &info);
    cr_expect(gpt2 && !info.ignore_merges && !info.add_bos);
    cr_expect_eq(rz_tok_pre_lookup("phi-2", &info), gpt2);
    cr_expect_eq(rz_tok_pre_lookup(NULL, &info), rz_tok_pre_lookup("default", &info));
    cr_expect_eq(rz_tok_pre_lookup("", &info), rz_tok_pre_lookup("default", &info));
    cr_expect_null(rz_tok_pre_lookup("no-such-pre", &info));
}

Test(tokenizer_parts, unicode_tables) {
    cr_expect_eq(rz_tok_unicode_class('a'), RZ_TOK_CLASS_OTHER);
    cr_expect_eq(rz_tok_unicode_class(0x07), RZ_TOK_CLASS_CONTROL);
    cr_expect_eq(rz_tok_unicode_class(0x0301), RZ_TOK_CLASS_MARK, "combining acute");
    cr_expect_eq(rz_tok_unicode_class('!'), RZ_TOK_CLASS_PUNCT);
    cr_expect_eq(rz_tok_unicode_class(0x3002), RZ_TOK_CLASS_PUNCT, "ideographic full stop");
    cr_expect_eq(rz_tok_unicode_class('+'), RZ_TOK_CLASS_SYMBOL);
    cr_expect_eq(rz_tok_unicode_class(0x20AC), RZ_TOK_CLASS_SYMBOL, "euro sign");
    cr_expect_eq(rz_tok_unicode_lower('A'), 'a');
    cr_expect_eq(rz_tok_unicode_lower('a'), 'a');
    cr_expect_eq(rz_tok_unicode_lower(0xC9), 0xE9);
    cr_expect_eq(rz_tok_unicode_lower(0x391), 0x3B1, "Greek alpha");
    cr_expect_eq(rz_tok_unicode_lower(0x410), 0x430, "Cyrillic A");
    cr_expect_eq(rz_tok_unicode_lower('1'), '1');
    cr_expect_eq(rz_tok_unicode_nfd_first(0xE9), 'e');
    cr_expect_eq(rz_tok_unicode_nfd_first(0xC5), 'A');
    cr_expect_eq(rz_tok_unicode_nfd_first('x'), 'x');
    cr_expect(rz_tok_unicode_is_space(' '));
    cr_expect(rz_tok_unicode_is_space('\n'));
    cr_expect(rz_tok_unicode_is_space(0x3000));
    cr_expect(rz_tok_unicode_is_space(0xA0));
    cr_expect_not(rz_tok_unicode_is_space('a'));
    cr_expect_not(rz_tok_unicode_is_space(0x200B), "zero width space is not White_Space");
}

Test(tokenizer_parts, utf8_len_and_cp_to_byte) {
    cr_expect_eq(rz_tok_utf8_len('A'), 1);
    cr_expect_eq(rz_tok_utf8_len(0x80), 1, "a continuation byte");
    cr_expect_eq(rz_tok_utf8_len(0xC3), 2);
    cr_expect_eq(rz_tok_utf8_len(0xE2), 3);
    cr_expect_eq(rz_tok_utf8_len(0xF0), 4);
    cr_expect_eq(rz_tok_utf8_len(0xFF), 4, "the high nibble decides");
    cr_expect_eq(rz_tok_cp_to_byte('A'), 'A');
    cr_expect_eq(rz_tok_cp_to_byte(0x120), ' ', "GPT-2's \\u0120 is the space");
    cr_expect_eq(rz_tok_cp_to_byte(0x10A), '\n');
    cr_expect_eq(rz_tok_cp_to_byte(0x4E00), -1);
    cr_expect_eq(rz_tok_cp_to_byte(' '), -1, "the space itself is not in the alphabet");
    for (int b = 0; b < 256; b++)
        cr_expect_eq(rz_tok_cp_to_byte(rz_tok_byte_to_cp((uint8_t)b)), b, "byte %d", b);
}

/* [PAD] [UNK] [CLS] [SEP] [MASK] hello ##lo (##lo becomes "lo", hello U+2581 "hello"). */
static const char wp_text[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##lo\r\n";

Test(tokenizer_parts, find_and_byte_token) {
    vocab_builder b;
    rz_tok_vocab v;
    spm_vocab(&v, &b);
    cr_expect_eq(rz_tok_find(&v, "ab", 2), 262);
    cr_expect_eq(rz_tok_find(&v, "abc", 2), 262);
    cr_expect_eq(rz_tok_find(&v, "<tool>", 6), 265);
    cr_expect_eq(rz_tok_find(&v, "zz", 2), RZ_TOK_NULL);
    cr_expect_eq(rz_tok_byte_token(&v, 0xC3), 3 + 0xC3, "<0xC3>");
    cr_expect_eq(rz_tok_byte_token(&v, 0), 3);
    rz_tok_vocab_free(&v);
    bpe_vocab(&v, &b, "gpt-2", NULL, 0);
    cr_expect_eq(rz_tok_byte_token(&v, ' '), ' ', "the byte alphabet in byte order");
    cr_expect_eq(rz_tok_byte_token(&v, 0xFF), 0xFF);
    rz_tok_vocab_free(&v);
    rz_error err;
    cr_assert_eq(
        rz_tok_vocab_from_vocab_txt(wp_text, strlen(wp_text), "vocab.txt", true, true, &v, &err),
        RZ_OK, "%s", err.msg);
    cr_expect_eq(rz_tok_byte_token(&v, 'q'), RZ_TOK_NULL, "no byte tokens");
    rz_tok_vocab_free(&v);
}

/* Encodes text[0..n) with one of the three encoders and compares with want. */
static void expect_encoded(const rz_tok_vocab *v, int kind, const char *text, bool prefix_space,
                           const int32_t *want, size_t n_want) {
    rz_tok_scratch s = {0};
    rz_tok_ids out = {0};
    rz_error err;
    size_t n = strlen(text);
    rz_status st = kind == RZ_TOK_SPM ? rz_tok_spm_encode(v, text, n, prefix_space, &s, &out, &err)
                   : kind == RZ_TOK_BPE ? rz_tok_bpe_encode(v, text, n, &s, &out, &err)
                                        : rz_tok_wpm_encode(v, text, n, &s, &out, &err);
    cr_assert_eq(st, RZ_OK, "%s", err.msg);
    cr_expect_eq(out.n, n_want, "'%s': %zu ids, expected %zu", text, out.n, n_want);
    for (size_t i = 0; i < out.n && i < n_want; i++)
        cr_expect_eq(out.ids[i], want[i], "'%s': id %zu", text, i);
    rz_tok_ids_free(&out);
    rz_tok_scratch_free(&s);
    cr_expect(s.merger.sym == NULL && s.words.buf == NULL && s.text.data == NULL,
              "scratch freed and reset");
}

Test(tokenizer_parts, encoders_one_fragment_each) {
    vocab_builder b;
    rz_tok_vocab v;
    spm_vocab(&v, &b);
    expect_encoded(&v, RZ_TOK_SPM, "ab", true, (int32_t[]){264}, 1);
    expect_encoded(&v, RZ_TOK_SPM, "ab", false, (int32_t[]){262}, 1);
    expect_encoded(&v, RZ_TOK_SPM, "a\xC3\xA9", false, (int32_t[]){260, 3 + 0xC3, 3 + 0xA9}, 3);
    expect_encoded(&v, RZ_TOK_SPM, "<tool>", false,
                   (int32_t[]){3 + '<', 3 + 't', 3 + 'o', 3 + 'o', 3 + 'l', 3 + '>'}, 6);
    rz_tok_vocab_free(&v);
    const char *merges[] = {"b c", "a b"};
    bpe_vocab(&v, &b, "gpt-2", merges, 2);
    expect_encoded(&v, RZ_TOK_BPE, "abc ab", false, (int32_t[]){'a', 256, ' ', 257}, 4);
    rz_tok_vocab_free(&v);
    rz_error err;
    cr_assert_eq(
        rz_tok_vocab_from_vocab_txt(wp_text, strlen(wp_text), "vocab.txt", true, true, &v, &err),
        RZ_OK, "%s", err.msg);
    expect_encoded(&v, RZ_TOK_WPM, "Hello hello!", false, (int32_t[]){5, 5, 1}, 3);
    expect_encoded(&v, RZ_TOK_WPM, "hellolo", false, (int32_t[]){5, 6}, 2);
    rz_tok_vocab_free(&v);
}

Test(tokenizer_parts, partition_fragments) {
    vocab_builder b;
    rz_tok_vocab v;
    spm_vocab(&v, &b);
    rz_tok_fragment *f;
    size_t n;
    rz_error err;
    const char *text = "ab<tool>ab</s>";
    cr_assert_eq(rz_tok_partition(&v, text, strlen(text), false, &f, &n, &err), RZ_OK);
    cr_assert_eq(n, 3, "</s> is control: raw without parse_special");
    cr_expect(f[0].token < 0 && f[0].off == 0 && f[0].len == 2);
    cr_expect_eq(f[1].token, 265);
    cr_expect(f[2].token < 0 && f[2].off == 8 && f[2].len == 6);
    free(f);
    cr_assert_eq(rz_tok_partition(&v, text, strlen(text), true, &f, &n, &err), RZ_OK);
    cr_assert_eq(n, 4);
    cr_expect(f[2].off == 8 && f[2].len == 2);
    cr_expect_eq(f[3].token, 2);
    free(f);
    cr_assert_eq(rz_tok_partition(&v, "xy", 2, true, &f, &n, &err), RZ_OK);
    cr_expect(n == 1 && f[0].token < 0 && f[0].len == 2);
    free(f);
    rz_tok_vocab_free(&v);
}

Test(tokenizer_parts, special_steps_rebuild_what_build_made) {
    vocab_builder b;
    b.n = 0;
    add(&b, "<unk>", 0, RZ_TOK_TYPE_UNKNOWN);
    add(&b, "<s>", 0, RZ_TOK_TYPE_CONTROL);
    add(&b, "</s>", 0, RZ_TOK_TYPE_CONTROL);
    int32_t eot = add(&b, "<|eot_id|>", 0, RZ_TOK_TYPE_NORMAL);
    int32_t unused = add(&b, "<unused7>", 0, RZ_TOK_TYPE_CONTROL);
    add(&b, "a", 0, 1);
    rz_tok_vocab v;
    rz_tok_spec s = rz_tok_spec_init();
    build(&b, &s, "llama", &v);
    rz_error err;
    free(v.eog);
    v.eog = NULL;
    v.n_eog = 0;
    v.eot = RZ_TOK_NULL;
    v.tokens[eot].attr = RZ_TOK_ATTR_NORMAL;
    cr_assert_eq(rz_tok_vocab_mark_special(&v, &s, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(v.eot, eot, "found by its text");
    cr_expect(v.tokens[eot].attr & RZ_TOK_ATTR_CONTROL, "marked control");
    cr_expect(v.tokens[unused].attr & RZ_TOK_ATTR_UNUSED);
    cr_expect(rz_tok_is_eog(&v, eot) && rz_tok_is_eog(&v, 2) && !rz_tok_is_eog(&v, 1));
    free(v.special);
    free(v.special_rank);
    rz_tok_trie_deinit(&v.special_trie);
    v.n_special = 0;
    cr_assert_eq(rz_tok_vocab_index_special(&v, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(v.n_special, 5, "unknown and control tokens");
    cr_expect_eq(v.special[0], eot, "longest text first");
    cr_expect_eq(v.special[1], unused);
    cr_expect_eq(v.special_rank[eot], 0);
    cr_expect_eq(v.special_rank[5], UINT32_MAX, "'a' is not special");
    hits h = {0};
    rz_tok_trie_prefixes(&v.special_trie, "</s>", 4, on_hit, &h);
    cr_expect(h.n == 1 && h.id[0] == 2, "the trie holds the special texts");
    rz_tok_vocab_free(&v);
}

/* A GGUF image holding a llama vocabulary: <unk> <s> </s> a b ab (the model key unless
 * no_model, the tokens as int32 when bad_tokens). */
static uint8_t *vocab_gguf(bool no_model, bool bad_tokens, rz_gguf *g) {
    rz_gguf_writer *w;
    rz_error err;
    cr_assert_eq(rz_gguf_writer_new(&w, &err), RZ_OK);
    const char *const tokens[] = {"<unk>", "<s>", "</s>", "a", "b", "ab"};
    const float scores[] = {0, 0, 0, -1, -2, -0.5f};
    const int32_t types[] = {2, 3, 3, 1, 1, 1};
    if (!no_model) rz_gguf_writer_add_str(w, "tokenizer.ggml.model", "llama", &err);
    if (bad_tokens)
        rz_gguf_writer_add_array(w, "tokenizer.ggml.tokens", RZ_GGUF_INT32, types, 6, &err);
    else
        rz_gguf_writer_add_str_array(w, "tokenizer.ggml.tokens", tokens, 6, &err);
    rz_gguf_writer_add_array(w, "tokenizer.ggml.scores", RZ_GGUF_FLOAT32, scores, 6, &err);
    rz_gguf_writer_add_array(w, "tokenizer.ggml.token_type", RZ_GGUF_INT32, types, 6, &err);
    rz_gguf_writer_add_u32(w, "tokenizer.ggml.eos_token_id", 2, &err);
    uint8_t *buf;
    size_t len;
    cr_assert_eq(rz_gguf_writer_to_memory(w, &buf, &len, &err), RZ_OK, "%s", err.msg);
    rz_gguf_writer_free(w);
    cr_assert_eq(rz_gguf_parse(buf, len, "vocab.gguf", g, &err), RZ_OK, "%s", err.msg);
    return buf;
}

Test(tokenizer_parts, vocab_from_gguf_and_its_errors) {
    rz_gguf g;
    uint8_t *buf = vocab_gguf(false, false, &g);
    rz_tok_vocab v;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_from_gguf(&g, &v, &err), RZ_OK, "%s", err.msg);
    rz_gguf_close(&g);
    free(buf);
    cr_expect_eq(v.kind, RZ_TOK_SPM);
    cr_expect_eq(v.n_tokens, 6);
    cr_expect_str_eq(v.tokens[5].text, "ab", "copied: the GGUF is gone");
    cr_expect_eq(v.tokens[5].score, -0.5f);
    cr_expect(v.tokens[1].attr & RZ_TOK_ATTR_CONTROL);
    cr_expect(v.eos == 2 && v.bos == 1 && v.unk == 0);
    rz_tok_vocab_free(&v);
    buf = vocab_gguf(true, false, &g);
    cr_expect_eq(rz_tok_vocab_from_gguf(&g, &v, &err), RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "vocab.gguf: tokenizer.ggml.model: expected a string, key absent");
    rz_gguf_close(&g);
    free(buf);
    buf = vocab_gguf(false, true, &g);
    cr_expect_eq(rz_tok_vocab_from_gguf(&g, &v, &err), RZ_EFORMAT);
    char want[200];
    snprintf(
        want, sizeof want,
        "vocab.gguf: offset %llu: tokenizer.ggml.tokens: expected an array of string, got array",
        (unsigned long long)rz_gguf_find(&g, "tokenizer.ggml.tokens")->offset);
    cr_expect_str_eq(err.msg, want);
    rz_gguf_close(&g);
    free(buf);
}

Test(tokenizer_parts, wordpiece_vocab_from_vocab_txt) {
    rz_tok_vocab v;
    rz_error err;
    cr_assert_eq(
        rz_tok_vocab_from_vocab_txt(wp_text, strlen(wp_text), "vocab.txt", true, false, &v, &err),
        RZ_OK, "%s", err.msg);
    cr_expect_eq(v.kind, RZ_TOK_WPM);
    cr_expect_eq(v.n_tokens, 7);
    cr_expect_str_eq(v.tokens[5].text, "\xE2\x96\x81hello");
    cr_expect_str_eq(v.tokens[6].text, "lo", "## dropped, \\r dropped");
    cr_expect_str_eq(v.tokens[2].text, "[CLS]");
    cr_expect(v.unk == 1 && v.bos == 2 && v.sep == 3 && v.pad == 0 && v.mask == 4);
    cr_expect(v.lowercase && !v.strip_accents);
    rz_tok_vocab_free(&v);
    const char no_sep[] = "[PAD]\n[UNK]\n[CLS]\nhello\n";
    cr_expect_eq(rz_tok_vocab_from_vocab_txt(no_sep, strlen(no_sep), "v.txt", true, true, &v, &err),
                 RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "v.txt: expected a line [SEP], found none");
}

Test(tokenizer_parts, wordpiece_vocab_from_tokenizer_json) {
    const char json[] =
        "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"hello\": 5, \"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"[MASK]\": 4, \"##lo\": 6}}}";
    rz_tok_vocab v;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_from_tokenizer_json(json, strlen(json), "tokenizer.json", false, true,
                                                  &v, &err),
                 RZ_OK, "%s", err.msg);
    cr_expect_eq(v.n_tokens, 7);
    cr_expect_str_eq(v.tokens[5].text, "\xE2\x96\x81hello", "ids order the tokens");
    cr_expect_str_eq(v.tokens[6].text, "lo");
    cr_expect(!v.lowercase && v.strip_accents);
    rz_tok_vocab_free(&v);
    const char bpe[] = "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}";
    cr_expect_eq(rz_tok_vocab_from_tokenizer_json(bpe, strlen(bpe), "t.json", true, true, &v, &err),
                 RZ_EUNSUPPORTED);
    cr_expect_str_eq(err.msg,
                     "t.json: model: expected {\"type\": \"WordPiece\", \"vocab\": {...}}");
    const char dup[] = "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0, \"b\": 0}}}";
    cr_expect_eq(rz_tok_vocab_from_tokenizer_json(dup, strlen(dup), "t.json", true, true, &v, &err),
                 RZ_EFORMAT);
    cr_expect_str_eq(err.msg, "t.json: model.vocab[\"b\"]: expected a unique id below 2");
}
