/* BPE pre-tokenizers: the regex sets llama.cpp applies before BPE merges, chosen by the GGUF key
 * tokenizer.ggml.pre, compiled with PCRE2 (UTF mode, Unicode properties, JIT when available).
 * Contract: regexes apply in order; each splits every current chunk into its matches and the gaps
 * between them (an empty match only cuts), so a gap never vanishes. \s means Unicode White_Space
 * (llama.cpp's table), not PCRE2's \s. The text is decoded as llama.cpp decodes it (malformed
 * UTF-8 becomes U+FFFD), and each word comes back re-encoded, optionally in GPT-2's byte alphabet.
 * A compiled set is read-only after creation; splitting needs only a caller-owned scratch. */
#ifndef RZ_TOKENIZER_PRETOK_H
#define RZ_TOKENIZER_PRETOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

/* What a pre-tokenizer name implies for the vocabulary (llama.cpp's per-name settings). */
typedef struct {
    bool clean_spaces;  /* detokenizer removes spaces before punctuation */
    bool ignore_merges; /* a word that is a token is emitted whole */
    bool add_bos;       /* default for tokenizer.ggml.add_bos_token */
    bool add_sep;
    bool no_bos; /* the model has no BOS token */
} rz_tok_pre_info;

typedef struct rz_tok_pretok rz_tok_pretok;

/* Compiles the set named name ("default" when name is NULL or empty). Unknown names fail with
 * RZ_EUNSUPPORTED, naming the name. */
rz_status rz_tok_pretok_create(const char *name, rz_tok_pretok **out, rz_tok_pre_info *info,
                               rz_error *err);
void rz_tok_pretok_free(rz_tok_pretok *p);

/* Scratch space and result of one split: word i is buf[start[i] .. start[i+1]). */
typedef struct {
    uint8_t *buf;
    size_t *start;
    size_t n_words;
    size_t buf_cap, start_cap;
    uint32_t *cps; /* internal */
    size_t *boff;  /* internal */
    uint8_t *enc;  /* internal */
    size_t *cuts;  /* internal */
    size_t *cuts2; /* internal */
    void *match;   /* internal: pcre2 match data */
    size_t cps_cap, boff_cap, enc_cap, cuts_cap, cuts2_cap;
} rz_tok_words;

/* Splits text[0..n) into words; with byte_encode each byte of a word is written as the UTF-8 of
 * its GPT-2 alphabet code point. Fails with RZ_ENOMEM, or RZ_EFORMAT when PCRE2 gives up. */
rz_status rz_tok_pretok_split(const rz_tok_pretok *p, const uint8_t *text, size_t n,
                              bool byte_encode, rz_tok_words *w, rz_error *err);
void rz_tok_words_free(rz_tok_words *w);

#endif
