#include "engine/synth/presets.h"

#include <string.h>

/* dim, layers, heads, kv heads, ffn, vocab, context, rope theta, rms eps, tied */
const rz_synth_preset rz_synth_presets[] = {
    {"tinyllama-1.1b",
     "TinyLlama-1.1B (synthetic weights)",
     {2048, 22, 32, 4, 5632, 32000, 2048, 10000.0f, 1e-5f, false}},
    {"llama2-7b",
     "Llama-2-7B (synthetic weights)",
     {4096, 32, 32, 32, 11008, 32000, 4096, 10000.0f, 1e-5f, false}},
    {"smollm2-135m",
     "SmolLM2-135M (synthetic weights)",
     {576, 30, 9, 3, 1536, 49152, 8192, 100000.0f, 1e-5f, true}},
    {"tiny-2l",
     "Tiny 2-layer llama for smoke tests (synthetic weights)",
     {256, 2, 4, 2, 512, 512, 1024, 10000.0f, 1e-5f, false}},
    {NULL, NULL, {0}},
};

const rz_synth_preset *rz_synth_preset_find(const char *id) {
    for (const rz_synth_preset *p = rz_synth_presets; p->id; p++)
        if (!strcmp(p->id, id)) return p;
    return NULL;
}
