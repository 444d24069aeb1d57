/* Loading a tokenizer vocabulary from GGUF metadata (tokenizer.ggml.* keys, as llama.cpp's
 * converters write them).
 * Contract: every key is type-checked; a failure names the source, the key's file offset and
 * what was expected. The vocab copies what it keeps, so the GGUF may be closed afterwards. */
#ifndef RZ_TOKENIZER_GGUF_VOCAB_H
#define RZ_TOKENIZER_GGUF_VOCAB_H

#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/tokenizer/vocab.h"

rz_status rz_tok_vocab_from_gguf(const rz_gguf *g, rz_tok_vocab *v, rz_error *err);

/* Opens path, reads its vocabulary and closes it. */
rz_status rz_tok_vocab_load(const char *path, rz_tok_vocab *v, rz_error *err);

#endif
