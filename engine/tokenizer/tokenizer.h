/* Text <-> token ids with a rz_tok_vocab, agreeing with llama.cpp's llama_tokenize and
 * llama_detokenize token for token.
 * Contract: ids are appended to out (not cleared); any byte string is accepted (malformed UTF-8
 * is tokenized as llama.cpp does: byte fallback for SentencePiece, U+FFFD for BPE); failure is
 * RZ_ENOMEM, RZ_EFORMAT (a regex engine error) or RZ_EINVAL (an id outside the vocabulary). */
#ifndef RZ_TOKENIZER_TOKENIZER_H
#define RZ_TOKENIZER_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/tokenizer/buf.h"
#include "engine/tokenizer/vocab.h"

enum {
    RZ_TOK_ADD_SPECIAL = 1 << 0,   /* BOS/EOS (SEP for WordPiece) as the vocabulary asks */
    RZ_TOK_PARSE_SPECIAL = 1 << 1, /* control tokens written in the text become their ids */
};

rz_status rz_tok_tokenize(const rz_tok_vocab *v, const char *text, size_t len, unsigned flags,
                          rz_tok_ids *out, rz_error *err);

enum {
    RZ_TOK_REMOVE_SPECIAL = 1 << 0,  /* drop a leading BOS / trailing EOS the vocab adds */
    RZ_TOK_UNPARSE_SPECIAL = 1 << 1, /* write control tokens' text (else they are empty) */
    RZ_TOK_KEEP_SPACES = 1 << 2,     /* skip the vocab's clean-up of spaces before punctuation */
};

/* Appends the text of ids[0..n) to out. */
rz_status rz_tok_detokenize(const rz_tok_vocab *v, const int32_t *ids, size_t n, unsigned flags,
                            rz_tok_bytes *out, rz_error *err);

/* Appends the text one token stands for (its "piece"); control and unknown tokens give their
 * text only when special is true. lstrip spaces are dropped from the front. */
rz_status rz_tok_piece(const rz_tok_vocab *v, int32_t id, bool special, int lstrip,
                       rz_tok_bytes *out, rz_error *err);

#endif
