/* Special-token fix-ups of rz_tok_vocab_build: llama.cpp finds several special tokens by their
 * text because converters do not always record them. */
#include <stdlib.h>
#include <string.h>

#include "engine/tokenizer/vocab_internal.h"

static const char *const eot_texts[] = {
    "<|eot_id|>",         "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
    "<|end_of_text|>",    "<EOT>",      "_<EOT>",  "[EOT]",         "<｜end▁of▁sentence｜>",
    "<end_of_utterance>", NULL};
static const char *const eom_texts[] = {"<|eom_id|>", NULL};
static const char *const fim_pre_texts[] = {"<|fim_prefix|>",  "<fim-prefix>", "<fim_prefix>",
                                            "<｜fim▁begin｜>", "<PRE>",        "▁<PRE>",
                                            "<|code_prefix|>", "<|prefix|>",   NULL};
static const char *const fim_suf_texts[] = {"<|fim_suffix|>",  "<fim-suffix>", "<fim_suffix>",
                                            "<｜fim▁hole｜>",  "<SUF>",        "▁<SUF>",
                                            "<|code_suffix|>", "<|suffix|>",   NULL};
static const char *const fim_mid_texts[] = {"<|fim_middle|>",  "<fim-middle>", "<fim_middle>",
                                            "<｜fim▁end｜>",   "<MID>",        "▁<MID>",
                                            "<|code_middle|>", "<|middle|>",   NULL};
static const char *const fim_pad_texts[] = {"<|fim_pad|>", "<fim-pad>", "<fim_pad>",
                                            "<PAD>",       "[PAD]",     NULL};
static const char *const fim_rep_texts[] = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>",
                                            "<REPO>",       "<reponame>",    NULL};
static const char *const fim_sep_texts[] = {"<|file_sep|>", NULL};
static const char *const eog_texts[] = {"<|eot_id|>",
                                        "<|im_end|>",
                                        "<|end|>",
                                        "<|return|>",
                                        "<|call|>",
                                        "<|flush|>",
                                        "<|calls|>",
                                        "<end_of_turn>",
                                        "<|endoftext|>",
                                        "</s>",
                                        "<|eom_id|>",
                                        "<EOT>",
                                        "_<EOT>",
                                        "[EOT]",
                                        "[EOS]",
                                        "<|end_of_text|>",
                                        "<end_of_utterance>",
                                        "<eos>",
                                        "<turn|>",
                                        "<|tool_response>",
                                        "<｜end▁of▁sentence｜>",
                                        "[e~[",
                                        NULL};
static const char *const always_user_defined[] = {"<|channel|>", "<|message|>", "<|start|>",
                                                  "<|constrain|>", NULL};

static int32_t find_text(const rz_tok_vocab *v, const char *text) {
    return rz_tok_find(v, text, strlen(text));
}

/* The lowest id among the texts present, marked control; RZ_TOK_NULL when none is. */
static int32_t first_of(rz_tok_vocab *v, const char *const *texts) {
    int32_t best = RZ_TOK_NULL;
    for (size_t i = 0; texts[i]; i++) {
        int32_t id = find_text(v, texts[i]);
        if (id >= 0 && (best < 0 || id < best)) best = id;
    }
    if (best >= 0) v->tokens[best].attr |= RZ_TOK_ATTR_CONTROL;
    return best;
}

static void add_eog(rz_tok_vocab *v, int32_t id) {
    if (id < 0 || rz_tok_is_eog(v, id)) return;
    uint32_t i = v->n_eog++;
    while (i > 0 && v->eog[i - 1] > id) {
        v->eog[i] = v->eog[i - 1];
        i--;
    }
    v->eog[i] = id;
}

static void remove_eog(rz_tok_vocab *v, int32_t id) {
    for (uint32_t i = 0; i < v->n_eog; i++)
        if (v->eog[i] == id) {
            memmove(v->eog + i, v->eog + i + 1, (v->n_eog - i - 1) * sizeof *v->eog);
            v->n_eog--;
            return;
        }
}

static bool eog_has(const rz_tok_vocab *v, const char *text) {
    int32_t id = find_text(v, text);
    return id >= 0 && rz_tok_is_eog(v, id);
}

static bool contains(const char *s, const char *needle) {
    return s && strstr(s, needle);
}

static void set_strip(rz_tok_vocab *v, const char *text, uint32_t flag, bool on) {
    int32_t id = find_text(v, text);
    if (id < 0) return;
    if (on)
        v->tokens[id].attr |= flag;
    else
        v->tokens[id].attr &= ~flag;
}

/* llama.cpp's per-model strip flags, chosen by general.name and tokenizer.ggml.pre. */
static void mark_strip(rz_tok_vocab *v, const rz_tok_spec *s) {
    char name[128] = "";
    for (size_t i = 0; s->name && s->name[i] && i + 1 < sizeof name; i++)
        name[i] = (char)(s->name[i] >= 'A' && s->name[i] <= 'Z' ? s->name[i] + 32 : s->name[i]);
    if (contains(s->pre, "jina-v2-de") || contains(s->pre, "jina-v2-es") ||
        contains(s->pre, "jina-v2-code") || contains(s->arch, "nomic-bert-moe") ||
        contains(s->arch, "jina-bert-v3")) {
        set_strip(v, "<mask>", RZ_TOK_ATTR_LSTRIP, true);
    } else if (contains(name, "phi-3") || contains(name, "phi3")) {
        for (uint32_t id = 0; id < v->n_tokens; id++)
            if (v->tokens[id].attr &
                (RZ_TOK_ATTR_CONTROL | RZ_TOK_ATTR_USER_DEFINED | RZ_TOK_ATTR_UNKNOWN))
                v->tokens[id].attr |= RZ_TOK_ATTR_RSTRIP;
        set_strip(v, "</s>", RZ_TOK_ATTR_RSTRIP, true);
        set_strip(v, "<unk>", RZ_TOK_ATTR_RSTRIP, false);
        set_strip(v, "<s>", RZ_TOK_ATTR_RSTRIP, false);
        set_strip(v, "<|endoftext|>", RZ_TOK_ATTR_RSTRIP, false);
    } else if (contains(name, "modern-bert")) {
        set_strip(v, "[MASK]", RZ_TOK_ATTR_LSTRIP, true);
    }
}

rz_status rz_tok_vocab_mark_special(rz_tok_vocab *v, const rz_tok_spec *s, rz_error *err) {
    if (v->eot < 0) v->eot = first_of(v, eot_texts);
    if (v->eom < 0) v->eom = first_of(v, eom_texts);
    first_of(v, fim_pre_texts);
    first_of(v, fim_suf_texts);
    first_of(v, fim_mid_texts);
    int32_t fim_pad = first_of(v, fim_pad_texts), fim_rep = first_of(v, fim_rep_texts);
    int32_t fim_sep = first_of(v, fim_sep_texts);
    for (uint32_t id = 0; id < v->n_tokens; id++) {
        rz_tok_token *t = &v->tokens[id];
        if ((t->attr & RZ_TOK_ATTR_CONTROL) && strstr(t->text, "unused"))
            t->attr |= RZ_TOK_ATTR_UNUSED;
    }
    size_t n_texts = sizeof eog_texts / sizeof eog_texts[0];
    v->eog = malloc((n_texts + 8) * sizeof *v->eog);
    if (!v->eog) return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    add_eog(v, fim_pad);
    add_eog(v, fim_rep);
    add_eog(v, fim_sep);
    for (size_t i = 0; eog_texts[i]; i++) {
        int32_t id = find_text(v, eog_texts[i]);
        if (id < 0) continue;
        add_eog(v, id);
        v->tokens[id].attr |= RZ_TOK_ATTR_CONTROL;
    }
    for (size_t i = 0; always_user_defined[i]; i++) {
        int32_t id = find_text(v, always_user_defined[i]);
        if (id >= 0) v->tokens[id].attr = RZ_TOK_ATTR_USER_DEFINED;
    }
    add_eog(v, v->eos);
    add_eog(v, v->eot);
    add_eog(v, v->eom);
    if (eog_has(v, "<|end|>") && ((eog_has(v, "<|return|>") && eog_has(v, "<|call|>")) ||
                                  (eog_has(v, "<|calls|>") && eog_has(v, "<|flush|>")))) {
        int32_t end = find_text(v, "<|end|>");
        remove_eog(v, end);
        v->tokens[end].attr = RZ_TOK_ATTR_USER_DEFINED;
    }
    if (eog_has(v, "<|tool_response>") && eog_has(v, "</s>")) {
        int32_t s_id = find_text(v, "</s>");
        remove_eog(v, s_id);
        v->tokens[s_id].attr = RZ_TOK_ATTR_NORMAL;
    }
    mark_strip(v, s);
    return RZ_OK;
}

typedef struct {
    uint32_t len;
    int32_t id;
} by_len;

static int by_length_desc(const void *a, const void *b) {
    const by_len *x = a, *y = b;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

rz_status rz_tok_vocab_index_special(rz_tok_vocab *v, rz_error *err) {
    const uint32_t special = RZ_TOK_ATTR_CONTROL | RZ_TOK_ATTR_USER_DEFINED | RZ_TOK_ATTR_UNKNOWN;
    size_t bytes = 0;
    by_len *order = malloc(v->n_tokens * sizeof *order);
    v->special = malloc(v->n_tokens * sizeof *v->special);
    v->special_rank = malloc(v->n_tokens * sizeof *v->special_rank);
    if (!order || !v->special || !v->special_rank) {
        free(order);
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory");
    }
    for (uint32_t id = 0; id < v->n_tokens; id++) {
        v->special_rank[id] = UINT32_MAX;
        if (v->tokens[id].attr & special) {
            order[v->n_special++] = (by_len){v->tokens[id].len, (int32_t)id};
            bytes += v->tokens[id].len;
        }
    }
    qsort(order, v->n_special, sizeof *order, by_length_desc);
    for (uint32_t r = 0; r < v->n_special; r++)
        v->special[r] = order[r].id;
    free(order);
    rz_status st = rz_tok_trie_init(&v->special_trie, bytes, err);
    if (st) return st;
    for (uint32_t r = 0; r < v->n_special; r++) {
        const rz_tok_token *t = &v->tokens[v->special[r]];
        v->special_rank[v->special[r]] = r;
        rz_tok_trie_add(&v->special_trie, t->text, t->len, v->special[r]);
    }
    return RZ_OK;
}
