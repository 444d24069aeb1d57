/* llama2.c checkpoints (karpathy/llama2.c "legacy" export, float32) to llama GGUF.
 * Layout: 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 * seq_len; a negative vocab_size means the classifier is not shared with the embedding), then
 * float32 arrays: token_embedding (vocab, dim), rms_att (layers, dim), wq (layers, dim, dim),
 * wk and wv (layers, kv_dim, dim), wo (layers, dim, dim), rms_ffn (layers, dim), w1 (layers,
 * hidden, dim), w2 (layers, dim, hidden), w3 (layers, hidden, dim), rms_final (dim),
 * freq_cis_real and freq_cis_imag (seq_len * head_size / 2 each, skipped), [wcls (vocab, dim)]. */
#ifndef RZ_CONVERT_LLAMA2C_H
#define RZ_CONVERT_LLAMA2C_H

#include "engine/convert/writer.h"

/* target->hp and target->name are filled from the checkpoint (name: the file's base name). */
/* Weights are copied in llama2.c's (Meta) order without any Q/K permutation, as llama.cpp's
 * convert-llama2c-to-ggml does: llama2.c's RoPE rotates adjacent pairs, which is ggml's normal
 * RoPE. */
rz_status rz_convert_llama2c(const char *in, const char *out, rz_convert_target *target,
                             rz_error *err);

/* Reads and validates the header and size only (for tests and `rz inspect`-like callers). */
/* The header is validated (positive sizes, heads divide dim, kv heads divide heads) and the file
 * size must equal exactly what it implies (offset arithmetic overflow-checked), as llama.cpp's
 * convert-llama2c-to-ggml requires. The context length is seq_len, rms eps 1e-5, rope base
 * 10000. */
rz_status rz_llama2c_hparams(const uint8_t *buf, size_t len, const char *source,
                             rz_llama_hparams *hp, rz_error *err);

#endif
