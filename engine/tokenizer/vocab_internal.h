/* Steps of rz_tok_vocab_build shared between vocab.c and vocab_special.c. */
#ifndef RZ_TOKENIZER_VOCAB_INTERNAL_H
#define RZ_TOKENIZER_VOCAB_INTERNAL_H

#include "engine/tokenizer/vocab.h"

/* Detects EOT/EOM/FIM/end-of-generation tokens by text as llama.cpp does, marks them control,
 * applies the per-model strip flags, and builds v->eog. */
rz_status rz_tok_vocab_mark_special(rz_tok_vocab *v, const rz_tok_spec *spec, rz_error *err);

/* Builds v->special (longest first), v->special_rank and the trie. */
rz_status rz_tok_vocab_index_special(rz_tok_vocab *v, rz_error *err);

#endif
