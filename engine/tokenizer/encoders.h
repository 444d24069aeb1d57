/* The per-model encoders behind rz_tok_tokenize, each turning one raw-text fragment (no special
 * tokens inside) into ids appended to out, plus the special-token partition that produces the
 * fragments. Internal to engine/tokenizer. */
#ifndef RZ_TOKENIZER_ENCODERS_H
#define RZ_TOKENIZER_ENCODERS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/tokenizer/buf.h"
#include "engine/tokenizer/merge_queue.h"
#include "engine/tokenizer/pretok.h"
#include "engine/tokenizer/vocab.h"

/* Working memory reused across fragments of one call. */
typedef struct {
    rz_tok_merger merger;
    rz_tok_words words;
    rz_tok_bytes text;
} rz_tok_scratch;

void rz_tok_scratch_free(rz_tok_scratch *s);

/* SentencePiece: spaces become U+2581 (one is prepended when prefix_space), then the
 * highest-scoring adjacent pair that is a token merges first; what is not a token falls back to
 * byte tokens. */
rz_status rz_tok_spm_encode(const rz_tok_vocab *v, const char *text, size_t n, bool prefix_space,
                            rz_tok_scratch *s, rz_tok_ids *out, rz_error *err);

/* Byte-level BPE: pre-tokenizer words, then the lowest-ranked merge first. */
rz_status rz_tok_bpe_encode(const rz_tok_vocab *v, const char *text, size_t n, rz_tok_scratch *s,
                            rz_tok_ids *out, rz_error *err);

/* WordPiece: normalise, split on whitespace and punctuation, longest match per word. */
rz_status rz_tok_wpm_encode(const rz_tok_vocab *v, const char *text, size_t n, rz_tok_scratch *s,
                            rz_tok_ids *out, rz_error *err);

/* A piece of the input: raw text [off, off + len) when token < 0, else a special token. */
typedef struct {
    size_t off, len;
    int32_t token;
} rz_tok_fragment;

/* Splits text on special tokens exactly as llama.cpp's tokenizer_st_partition: tokens are taken
 * longest text first, each at every non-overlapping occurrence left to right inside text that is
 * still raw; control and unknown tokens only with parse_special; LSTRIP/RSTRIP tokens swallow the
 * adjacent whitespace. *frags is malloc'd. */
rz_status rz_tok_partition(const rz_tok_vocab *v, const char *text, size_t n, bool parse_special,
                           rz_tok_fragment **frags, size_t *n_frags, rz_error *err);

#endif
