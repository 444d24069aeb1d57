/* Inputs of claim A5: WikiText-2's test split (found by rzb_data_find, checked against
 * datasets/manifest.tsv) and GGUF files made by `rz quantize` into datasets/cache/a5/ once:
 * an F16 file dequantized from a source model (--pure) and quantizations of that F16.
 * Contract: each function returns true with the path in out, or false with the reason in why
 * (for the data: the path, the expected and the computed sha256 when they differ). Files are
 * written to NAME.part and renamed, so an interrupted run leaves no half file in the cache. */
#ifndef RZB_WORKLOADS_PPL_MODELS_H
#define RZB_WORKLOADS_PPL_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/claim.h"

/* In a smoke run: 8 KB of the gate's fixture text (harness/gate_fixtures.h) instead, written once
 * to datasets/cache/synth/smoke-text.txt: a few chunks of the tiny smoke model's tokens. */
bool rzb_wikitext2_test(const rzb_context *ctx, char *out, size_t cap, char *why, size_t why_cap);

/* datasets/cache/a5/<stem>-<label>.gguf from `rz quantize in OUT type [--pure]`; in a smoke run
 * datasets/cache/a5/smoke-<stem>-<label>.gguf, so the real files are never mistaken for it. */
bool rzb_ppl_quantized(const rzb_context *ctx, const char *in, const char *stem, const char *label,
                       const char *type, bool pure, char *out, size_t cap, char *why,
                       size_t why_cap);

#endif
