/* The packed copies of a llama model's projection matrices (backends/pack.h), made once at load
 * so that the prompt and decode kernels read rows interleaved 16 at a time.
 * Contract: every matrix of the layers and the output matrix whose type has a packed form that
 * the active backend has a kernel for (packed bf16: only with AMX-BF16, backends/amx/amx.h) and
 * whose rows are a multiple of RZ_PACK_ROWS gets a copy (packed, packed_type) in the weights' one
 * packed_arena; the others keep packed NULL. A state on a backend without a kernel for a packed
 * type reads the file's rows. The GGUF bytes stay each matrix's data (the CUDA
 * upload and the embedding lookup read them); when the GGUF is a file mapping, the pages of a
 * packed matrix's bytes leave the resident set once packed (a tied output's too: the embedding
 * lookup releases the rows it reads after each batch, engine/models/llama_forward.c). */
#ifndef RZ_MODELS_LLAMA_PACK_H
#define RZ_MODELS_LLAMA_PACK_H

#include "engine/core/status.h"
#include "engine/formats/gguf.h"
#include "engine/models/llama_weights.h"

/* Packs w's matrices as above, on rz_default_threads() threads (engine/core/pool_pin.h) taking
 * chunks of rows in file order; fails with RZ_ENOMEM (nothing packed then). */
rz_status rz_llama_weights_pack(rz_llama_weights *w, const rz_gguf *g, rz_error *err);

/* Frees the packed arena (every packed NULL again); for weights never packed, nothing. */
void rz_llama_weights_unpack(rz_llama_weights *w);

#endif
