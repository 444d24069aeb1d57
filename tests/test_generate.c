/* rz_generate on a tiny synthetic llama with a 40-token SentencePiece vocabulary: greedy text
 * equals the pieces of a hand-run argmax loop, an end-of-generation token stops the run (and is
 * not emitted), and a prompt that does not fit the context fails before any work. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/generate/generate.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/support/tiny_llama.h"

enum { VOCAB = 40 };

typedef struct {
    rzt_llama_tensors tensors;
    uint8_t *image;
    rz_llama_model model;
    rz_llama_state state;
    rz_sampler sampler;
} fixture;

static void setup_model(fixture *f, int n_ctx) {
    size_t len;
    rz_gguf g;
    rz_error err;
    rz_sampler_params greedy = {0.0f, 0, 1.0f, 1};
    f->image = rzt_llama_image(&rzt_tiny_llama, &f->tensors, "", &len);
    cr_assert_eq(rz_gguf_parse(f->image, len, "tiny", &g, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_model_from_gguf(&g, &f->model, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(rz_llama_state_init(&f->model.config, n_ctx, NULL, 1, &f->state, &err), RZ_OK);
    cr_assert_eq(rz_sampler_init(&greedy, VOCAB, &f->sampler, &err), RZ_OK);
}

static void teardown_model(fixture *f) {
    rz_sampler_deinit(&f->sampler);
    rz_llama_state_deinit(&f->state);
    rz_llama_model_close(&f->model);
    rzt_llama_tensors_free(&f->tensors);
    free(f->image);
}

/* <unk>, <s>, </s>, then "a".."z" and 11 two-letter tokens; eos as given. */
static void make_vocab(int32_t eos, rz_tok_vocab *v) {
    static char text[VOCAB][8];
    rz_tok_text tokens[VOCAB];
    int32_t types[VOCAB];
    const char *special[] = {"<unk>", "<s>", "</s>"};
    for (int i = 0; i < VOCAB; i++) {
        if (i < 3)
            snprintf(text[i], sizeof text[i], "%s", special[i]);
        else if (i < 29)
            snprintf(text[i], sizeof text[i], "%c", 'a' + i - 3);
        else
            snprintf(text[i], sizeof text[i], "%c%c", 'a' + i - 29, 'a' + i - 29);
        tokens[i] = (rz_tok_text){text[i], (uint32_t)strlen(text[i])};
        types[i] = i == 0 ? RZ_TOK_TYPE_UNKNOWN : i < 3 ? RZ_TOK_TYPE_CONTROL : RZ_TOK_TYPE_NORMAL;
    }
    rz_tok_spec spec = rz_tok_spec_init();
    spec.model = "llama";
    spec.n_tokens = VOCAB;
    spec.tokens = tokens;
    spec.types = types;
    spec.unk = 0;
    spec.bos = 1;
    spec.eos = eos;
    spec.add_bos = 1;
    spec.add_space_prefix = 0;
    rz_error err;
    cr_assert_eq(rz_tok_vocab_build(&spec, v, &err), RZ_OK, "%s", err.msg);
}

static void collect(void *ctx, const char *piece, size_t len) {
    rz_tok_bytes *b = ctx;
    cr_assert_eq(rz_tok_bytes_append(b, piece, len, NULL), RZ_OK);
}

/* The greedy continuation of "<s>abc" run by hand: ids and text. */
static void hand_greedy(fixture *f, const rz_tok_vocab *v, int n, int32_t *ids,
                        rz_tok_bytes *text) {
    const int32_t prompt[] = {1, 3, 4, 5};
    rz_error err;
    cr_assert_eq(rz_llama_forward_prompt(&f->model, &f->state, prompt, 4, 0, &err), RZ_OK);
    for (int i = 0; i < n; i++) {
        ids[i] = rz_argmax(f->state.logits, VOCAB);
        cr_assert_eq(rz_tok_piece(v, ids[i], false, 0, text, &err), RZ_OK);
        cr_assert_eq(rz_llama_forward(&f->model, &f->state, ids[i], 4 + i, &err), RZ_OK);
    }
}

Test(generate, greedy_text_and_counts) {
    fixture f;
    rz_tok_vocab v;
    setup_model(&f, 32);
    make_vocab(2, &v);
    int32_t ids[8];
    rz_tok_bytes want = {0}, got = {0};
    hand_greedy(&f, &v, 8, ids, &want);
    for (int i = 0; i < 8; i++)
        cr_assert_neq(ids[i], 2, "the fixture assumes no EOS in the first 8 tokens");
    rz_generator g = {.model = &f.model,
                      .state = &f.state,
                      .vocab = &v,
                      .sampler = &f.sampler,
                      .on_piece = collect,
                      .ctx = &got};
    rz_generate_stats st;
    rz_error err;
    cr_assert_eq(rz_generate(&g, "abc", 8, &st, &err), RZ_OK, "%s", err.msg);
    cr_expect_eq(st.n_prompt, 4, "BOS + a b c");
    cr_expect_eq(st.n_generated, 8);
    cr_expect_eq(st.n_decoded, 7);
    cr_expect(!st.stopped);
    cr_expect_eq(got.len, want.len);
    cr_expect(got.len == 0 || !memcmp(got.data, want.data, got.len), "%s vs %s", got.data,
              want.data);
    rz_tok_bytes_free(&want);
    rz_tok_bytes_free(&got);
    rz_tok_vocab_free(&v);
    teardown_model(&f);
}

Test(generate, stops_at_end_of_generation) {
    fixture f;
    rz_tok_vocab v;
    setup_model(&f, 32);
    make_vocab(2, &v);
    int32_t ids[3];
    rz_tok_bytes text = {0}, got = {0};
    hand_greedy(&f, &v, 3, ids, &text);
    rz_tok_vocab_free(&v);
    make_vocab(ids[2], &v); /* the third greedy token ends generation */
    int first = ids[0] == ids[2] ? 0 : ids[1] == ids[2] ? 1 : 2;
    rz_generator g = {.model = &f.model,
                      .state = &f.state,
                      .vocab = &v,
                      .sampler = &f.sampler,
                      .on_piece = collect,
                      .ctx = &got};
    rz_generate_stats st;
    rz_error err;
    cr_assert_eq(rz_generate(&g, "abc", 10, &st, &err), RZ_OK, "%s", err.msg);
    cr_expect(st.stopped);
    cr_expect_eq(st.n_generated, first, "ids %d %d %d", ids[0], ids[1], ids[2]);
    cr_expect_eq(st.n_decoded, first);
    rz_tok_bytes_free(&text);
    rz_tok_bytes_free(&got);
    rz_tok_vocab_free(&v);
    teardown_model(&f);
}

Test(generate, context_overflow_fails_first) {
    fixture f;
    rz_tok_vocab v;
    setup_model(&f, 8);
    make_vocab(2, &v);
    rz_generator g = {.model = &f.model, .state = &f.state, .vocab = &v, .sampler = &f.sampler};
    rz_generate_stats st;
    rz_error err;
    cr_expect_eq(rz_generate(&g, "abc", 5, &st, &err), RZ_EINVAL);
    cr_expect(strstr(err.msg, "context of 8"), "%s", err.msg);
    cr_expect_eq(rz_generate(&g, "abc", 4, &st, &err), RZ_OK, "%s", err.msg);
    rz_tok_vocab_free(&v);
    teardown_model(&f);
}

typedef struct {
    int n;
    int32_t ids[8];
    float logits[8][VOCAB];
    size_t text_before[8]; /* bytes of text emitted before each token */
    rz_tok_bytes text;
    atomic_bool cancel;
    int cancel_after; /* tokens seen before the flag is set (0: never) */
} recorder;

static void record_token(void *ctx, int32_t id, const float *logits, int n_vocab) {
    recorder *r = ctx;
    cr_assert_eq(n_vocab, VOCAB);
    cr_assert_lt(r->n, 8);
    r->ids[r->n] = id;
    memcpy(r->logits[r->n], logits, sizeof r->logits[0]);
    r->text_before[r->n] = r->text.len;
    if (++r->n == r->cancel_after) atomic_store(&r->cancel, true);
}

static void record_piece(void *ctx, const char *piece, size_t len) {
    recorder *r = ctx;
    cr_assert_eq(rz_tok_bytes_append(&r->text, piece, len, NULL), RZ_OK);
}

static rz_generator recording(fixture *f, const rz_tok_vocab *v, recorder *r) {
    return (rz_generator){.model = &f->model,
                          .state = &f->state,
                          .vocab = v,
                          .sampler = &f->sampler,
                          .on_piece = record_piece,
                          .on_token = record_token,
                          .ctx = r,
                          .cancel = &r->cancel};
}

Test(generate, on_token_sees_each_token_and_its_raw_logits) {
    fixture f;
    rz_tok_vocab v;
    setup_model(&f, 32);
    make_vocab(2, &v);
    const int32_t prompt[] = {1, 3, 4, 5};
    float want[6][VOCAB];
    int32_t ids[6];
    rz_error err;
    cr_assert_eq(rz_llama_forward_prompt(&f.model, &f.state, prompt, 4, 0, &err), RZ_OK);
    for (int i = 0; i < 6; i++) {
        memcpy(want[i], f.state.logits, sizeof want[i]);
        ids[i] = rz_argmax(f.state.logits, VOCAB);
        cr_assert_eq(rz_llama_forward(&f.model, &f.state, ids[i], 4 + i, &err), RZ_OK);
    }
    recorder r = {0};
    rz_generator g = recording(&f, &v, &r);
    rz_generate_stats st;
    cr_assert_eq(rz_generate(&g, "abc", 6, &st, &err), RZ_OK, "%s", err.msg);
    cr_assert_eq(r.n, 6);
    for (int i = 0; i < 6; i++) {
        cr_expect_eq(r.ids[i], ids[i], "token %d", i);
        cr_expect(!memcmp(r.logits[i], want[i], sizeof want[i]), "token %d: logits differ", i);
        if (i) cr_expect_gt(r.text_before[i], r.text_before[i - 1], "before token %d's piece", i);
    }
    cr_expect_eq(r.text_before[0], 0, "on_token comes before the piece");
    cr_expect(!st.cancelled);
    rz_tok_bytes_free(&r.text);
    rz_tok_vocab_free(&v);
    teardown_model(&f);
}

Test(generate, cancel_ends_the_run) {
    fixture f;
    rz_tok_vocab v;
    setup_model(&f, 32);
    make_vocab(2, &v);
    recorder r = {.cancel_after = 3};
    rz_generator g = recording(&f, &v, &r);
    rz_generate_stats st;
    rz_error err;
    cr_assert_eq(rz_generate(&g, "abc", 8, &st, &err), RZ_OK, "%s", err.msg);
    cr_expect(st.cancelled);
    cr_expect(!st.stopped);
    cr_expect_eq(st.n_generated, 3, "the token that set the flag is still emitted");
    cr_expect_eq(st.n_decoded, 2, "no forward pass after the flag");
    cr_expect_eq(r.n, 3);
    rz_tok_bytes_free(&r.text);

    recorder before = {0};
    atomic_store(&before.cancel, true);
    g = recording(&f, &v, &before);
    cr_assert_eq(rz_generate(&g, "abc", 8, &st, &err), RZ_OK, "%s", err.msg);
    cr_expect(st.cancelled);
    cr_expect_eq(st.n_prompt, 4);
    cr_expect_eq(st.n_generated, 0);
    cr_expect_eq(before.n, 0);
    cr_expect_eq(before.text.len, 0);
    rz_tok_vocab_free(&v);
    teardown_model(&f);
}
