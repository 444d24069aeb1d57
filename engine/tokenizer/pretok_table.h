/* The pre-tokenizer names llama.cpp knows (tokenizer.ggml.pre) and the regex set and settings
 * each one selects. Regexes are written as in llama.cpp: \s and \S are rewritten by pretok.c. */
#ifndef RZ_TOKENIZER_PRETOK_TABLE_H
#define RZ_TOKENIZER_PRETOK_TABLE_H

#include <stddef.h>

#include "engine/tokenizer/pretok.h"

enum { RZ_TOK_MAX_REGEXES = 6 };

typedef struct {
    const char *regex[RZ_TOK_MAX_REGEXES]; /* NULL-terminated when shorter */
} rz_tok_regex_set;

/* The set for name and its settings, or NULL when the name is unknown. */
const rz_tok_regex_set *rz_tok_pre_lookup(const char *name, rz_tok_pre_info *info);

#endif
