/* A WordPiece vocabulary from a Hugging Face BERT tokenizer's vocab.txt (one token a line, the
 * line number is its id), turned into the form llama.cpp's convert_hf_to_gguf.py gives BERT
 * vocabularies, so that the WordPiece encoder (wpm.c) reads it as it reads a GGUF's: the special
 * tokens ([PAD], [UNK], [CLS], [SEP], [MASK]) are control tokens kept as they are, a "##x"
 * continuation becomes "x" and any other token "x" becomes U+2581 "x".
 * Contract: [CLS], [SEP] and [UNK] must be present (the message names the one missing); lowercase
 * and strip_accents set BERT's basic-tokenizer normalisation. The vocab copies what it keeps. */
#ifndef RZ_TOKENIZER_WORDPIECE_VOCAB_H
#define RZ_TOKENIZER_WORDPIECE_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"
#include "engine/tokenizer/vocab.h"

/* Lines end at \n (a \r before it is dropped). */
rz_status rz_tok_vocab_from_vocab_txt(const char *text, size_t len, const char *source,
                                      bool lowercase, bool strip_accents, rz_tok_vocab *v,
                                      rz_error *err);

/* Reads the same vocabulary from a tokenizers tokenizer.json whose model is
 * {"type": "WordPiece", "vocab": {token: id}} (ids 0..n-1, each once). */
rz_status rz_tok_vocab_from_tokenizer_json(const char *text, size_t len, const char *source,
                                           bool lowercase, bool strip_accents, rz_tok_vocab *v,
                                           rz_error *err);

#endif
