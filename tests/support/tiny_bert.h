/* Test helper: a tiny random-weight BERT as a Hugging Face folder (config.json,
 * model.safetensors, vocab.txt, sentence_bert_config.json, tokenizer_config.json and, for CLS
 * pooling, 1_Pooling/config.json) in a fresh temporary directory. */
#ifndef RZ_TESTS_TINY_BERT_H
#define RZ_TESTS_TINY_BERT_H

#include <stdbool.h>

enum {
    RZT_BERT_DIM = 16,
    RZT_BERT_HEADS = 4,
    RZT_BERT_FFN = 32,
    RZT_BERT_LAYERS = 2,
    RZT_BERT_POSITIONS = 40,
    RZT_BERT_MAX_SEQ = 24, /* sentence_bert_config.json's max_seq_length */
};

/* The vocabulary, one token per line (ids from 0): [PAD] [UNK] [CLS] [SEP] [MASK] (0-4), then
 * words, punctuation, single letters and ## letters. */
extern const char rzt_bert_vocab[];

typedef struct {
    bool f16;         /* weights stored as F16 instead of F32 */
    bool cls_pooling; /* 1_Pooling/config.json asks for the CLS token */
    unsigned seed;
} rzt_bert_options;

/* Writes the folder; returns its path (static buffer), NULL on failure. */
const char *rzt_tiny_bert(const rzt_bert_options *o);

/* Writes text to dir/name (creating the subfolder of name, one level), or removes it when text
 * is NULL; 0 on success. */
int rzt_bert_put(const char *dir, const char *name, const char *text);

/* Removes the folder and what rzt_tiny_bert wrote in it. */
void rzt_tiny_bert_remove(const char *dir);

#endif
