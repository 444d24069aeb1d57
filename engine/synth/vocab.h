/* A synthetic but valid llama SentencePiece vocabulary, so llama.cpp (and rz) can load a
 * synthetic model: tokenizer.ggml.model = "llama", n tokens: 0 <unk> (unknown), 1 <s> and 2 </s>
 * (control), 3..258 the byte tokens <0x00>..<0xFF>, then distinct normal pieces (bijective
 * base-26 letter strings, every other one with the SentencePiece word marker U+2581), scores
 * decreasing with the id; bos 1, eos 2, unk 0.
 * Contract: n >= 260 (RZ_EINVAL otherwise). */
#ifndef RZ_SYNTH_VOCAB_H
#define RZ_SYNTH_VOCAB_H

#include <stdint.h>

#include "engine/core/status.h"
#include "engine/formats/gguf_write.h"

enum { RZ_SYNTH_VOCAB_MIN = 260 };

rz_status rz_synth_vocab_add_kv(rz_gguf_writer *w, uint32_t n, rz_error *err);

#endif
