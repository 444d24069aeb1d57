/* rz_tok_vocab: a tokenizer vocabulary as llama.cpp loads it from GGUF metadata (tokens, scores,
 * token types, merges, special ids, add_bos/add_eos/add_space_prefix, pre-tokenizer), with the
 * lookups the tokenizers need (text -> id, merge pair -> rank, special-token trie).
 * Contract: a built vocab is read-only: tokenizing with it from several threads at once is safe. */
#ifndef RZ_TOKENIZER_VOCAB_H
#define RZ_TOKENIZER_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"
#include "engine/tokenizer/map.h"
#include "engine/tokenizer/pretok.h"
#include "engine/tokenizer/trie.h"

enum { RZ_TOK_NULL = -1 };

typedef enum {
    RZ_TOK_SPM, /* "llama": SentencePiece BPE over scores, byte fallback */
    RZ_TOK_BPE, /* "gpt2": byte-level BPE over merges with a regex pre-tokenizer */
    RZ_TOK_WPM, /* "bert": WordPiece */
} rz_tok_kind;

/* Token attributes (llama.cpp's llama_token_attr bits). */
enum {
    RZ_TOK_ATTR_UNKNOWN = 1 << 0,
    RZ_TOK_ATTR_UNUSED = 1 << 1,
    RZ_TOK_ATTR_NORMAL = 1 << 2,
    RZ_TOK_ATTR_CONTROL = 1 << 3,
    RZ_TOK_ATTR_USER_DEFINED = 1 << 4,
    RZ_TOK_ATTR_BYTE = 1 << 5,
    RZ_TOK_ATTR_LSTRIP = 1 << 7,
    RZ_TOK_ATTR_RSTRIP = 1 << 8,
};

/* tokenizer.ggml.token_type values. */
enum {
    RZ_TOK_TYPE_UNDEFINED = 0,
    RZ_TOK_TYPE_NORMAL = 1,
    RZ_TOK_TYPE_UNKNOWN = 2,
    RZ_TOK_TYPE_CONTROL = 3,
    RZ_TOK_TYPE_USER_DEFINED = 4,
    RZ_TOK_TYPE_UNUSED = 5,
    RZ_TOK_TYPE_BYTE = 6,
};

typedef struct {
    const char *text;
    uint32_t len;
} rz_tok_text;

/* The metadata a vocabulary is built from; unset ids are RZ_TOK_UNSET, unset flags -1. */
#define RZ_TOK_UNSET INT64_MIN
typedef struct {
    const char *model; /* tokenizer.ggml.model */
    const char *pre;   /* tokenizer.ggml.pre, or NULL */
    const char *name;  /* general.name, or NULL (a few models get strip flags by name) */
    const char *arch;  /* general.architecture, or NULL */
    uint32_t n_tokens;
    const rz_tok_text *tokens;
    const float *scores;  /* or NULL: all 0 */
    const int32_t *types; /* or NULL: all normal */
    uint32_t n_merges;
    const rz_tok_text *merges; /* "left right" */
    int64_t bos, eos, eot, eom, unk, sep, pad, mask;
    int8_t add_bos, add_eos, add_sep, add_space_prefix;
} rz_tok_spec;

/* A spec with every id unset and every flag -1. */
rz_tok_spec rz_tok_spec_init(void);

typedef struct {
    const char *text; /* into the vocab's arena, NUL-terminated */
    uint32_t len;
    uint32_t attr;
    float score;
} rz_tok_token;

typedef struct {
    rz_tok_kind kind;
    char model[16], pre[48];
    uint32_t n_tokens;
    rz_tok_token *tokens;
    char *arena;
    rz_tok_map ids;    /* text -> id */
    rz_tok_map merges; /* "left right" -> rank (BPE) */
    char *merge_arena;
    rz_tok_pretok *pretok; /* BPE */
    int32_t bos, eos, eot, eom, unk, sep, pad, mask;
    bool add_bos, add_eos, add_sep, add_space_prefix;
    bool clean_spaces, ignore_merges;
    bool lowercase, strip_accents; /* WordPiece normalizer */
    uint32_t max_token_len;
    uint8_t joins_space[32]; /* SPM: bytes that some token has right before a U+2581 */
    int32_t *special;        /* control, user-defined and unknown ids, longest text first */
    uint32_t n_special;
    uint32_t *special_rank; /* per id: index in special, or UINT32_MAX */
    rz_tok_trie special_trie;
    int32_t *eog; /* end-of-generation ids, ascending */
    uint32_t n_eog;
} rz_tok_vocab;

/* Copies everything it keeps (the spec may be freed afterwards) and applies llama.cpp's defaults
 * and fix-ups: per-model default special ids, out-of-range ids dropped, empty token texts renamed
 * "[EMPTY_<id>]", duplicate texts rejected, end-of-generation tokens detected by text and marked
 * control. */
rz_status rz_tok_vocab_build(const rz_tok_spec *spec, rz_tok_vocab *v, rz_error *err);
void rz_tok_vocab_free(rz_tok_vocab *v);

/* The id of the token whose text is s[0..n), or RZ_TOK_NULL. */
int32_t rz_tok_find(const rz_tok_vocab *v, const char *s, size_t n);

/* true when id ends generation (EOS, EOT, EOM and the end-of-turn tokens llama.cpp knows). */
bool rz_tok_is_eog(const rz_tok_vocab *v, int32_t id);

/* The id for byte b: "<0xXX>" or the byte itself (SPM), its GPT-2 alphabet character (BPE,
 * WPM); RZ_TOK_NULL when the vocabulary has none. */
int32_t rz_tok_byte_token(const rz_tok_vocab *v, uint8_t b);

#endif
