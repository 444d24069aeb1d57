/* rzb_sl_workload: the requests of an open-loop serving benchmark, the same for every target.
 * Contract: a seed gives the same schedule on every machine and the same requests at every
 * rate. */
#ifndef RZB_SERVE_LOAD_WORKLOAD_H
#define RZB_SERVE_LOAD_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/tokenizer/vocab.h"

typedef struct {
    rz_tok_vocab vocab;
    int32_t *ids; /* the text's tokens */
    size_t n;
} rzb_sl_corpus;

/* Tokenizes the first max_bytes of text_path with model_path's vocabulary. */
bool rzb_sl_corpus_open(rzb_sl_corpus *c, const char *model_path, const char *text_path,
                        size_t max_bytes, char *why, size_t cap);
void rzb_sl_corpus_close(rzb_sl_corpus *c);

typedef struct {
    int n;         /* requests */
    uint64_t seed; /* one seed for the prompts and the arrivals */
    int prompt_min, prompt_max, out_min, out_max;
    const char *model_field; /* the "model" of the body; NULL: left out */
} rzb_sl_spec;

typedef struct {
    double gap;        /* standard exponential gap before this request (rate 1) */
    int prompt_tokens; /* as the server counts them, BOS included */
    int max_tokens;
    char *body; /* the JSON body */
    size_t body_len;
} rzb_sl_request;

typedef struct {
    rzb_sl_request *r;
    int n;
} rzb_sl_workload;

/* Prompts are cut from the corpus's text, tokenized once with the model's own vocabulary: a length
 * uniform in [prompt_min, prompt_max] tokens at a uniform offset, turned back into text (broken
 * UTF-8 at the edges trimmed) and counted again as the server counts it (with BOS). max_tokens is
 * uniform in [out_min, out_max]. Each request body is a streaming POST /v1/completions at
 * temperature 0. */
bool rzb_sl_workload_make(const rzb_sl_spec *spec, const rzb_sl_corpus *c, rzb_sl_workload *w,
                          char *why, size_t cap);
void rzb_sl_workload_free(rzb_sl_workload *w);

/* Arrival times in seconds from the start at `rate` requests/s: the cumulative gaps / rate.
 * Arrivals are a Poisson process: inter-arrival gaps are standard exponentials from a seeded
 * generator, divided by the rate. */
void rzb_sl_arrivals(const rzb_sl_workload *w, double rate, double *at);

/* n standard exponential gaps from seed, by splitmix64 (what rzb_sl_workload_make puts in gap). */
void rzb_sl_exponentials(uint64_t seed, int n, double *gap);

#endif
