/* config.json of a Hugging Face llama checkpoint -> rz_llama_hparams (see hf.h for the keys). */
#ifndef RZ_CONVERT_HF_CONFIG_H
#define RZ_CONVERT_HF_CONFIG_H

#include <stddef.h>

#include "engine/convert/llama_layout.h"

rz_status rz_hf_config_parse(const char *text, size_t len, const char *source, rz_llama_hparams *hp,
                             rz_error *err);

#endif
