/* The real models `rz synth` imitates: exact shapes and hyper-parameters, from their published
 * configs (TinyLlama-1.1B-Chat-v1.0, Llama-2-7b-hf, SmolLM2-135M); and tiny-2l, a llama of 2
 * layers, dim 256 (rows of one K-quant block) and 512 tokens, for the claims' smoke runs. */
#ifndef RZ_SYNTH_PRESETS_H
#define RZ_SYNTH_PRESETS_H

#include "engine/convert/llama_layout.h"

typedef struct {
    const char *id;   /* command-line name: "tinyllama-1.1b", ... */
    const char *name; /* general.name, marked synthetic */
    rz_llama_hparams hp;
} rz_synth_preset;

/* NULL when id names no preset. */
const rz_synth_preset *rz_synth_preset_find(const char *id);

/* The presets, NULL-terminated by id. */
extern const rz_synth_preset rz_synth_presets[];

#endif
