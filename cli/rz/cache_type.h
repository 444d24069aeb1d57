/* rz_cli_cache_type: the `--cache-type` option of rz run and rz perplexity.
 * Contract: "f16" gives RZ_TYPE_F16, "f32" RZ_TYPE_F32 (llama.cpp's -ctk/-ctv names); anything
 * else prints "rz CMD: --cache-type: expected f16 or f32, got 'VAL'" and returns -1. */
#ifndef RZ_CLI_CACHE_TYPE_H
#define RZ_CLI_CACHE_TYPE_H

#include <stdint.h>

int rz_cli_cache_type(const char *cmd, const char *val, uint32_t *out);

#endif
