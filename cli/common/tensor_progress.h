/* The per-tensor progress line of the commands that write a model (rz quantize, rz synth): an
 * rz_quantize_options.progress callback printing "[done/total] name type" over itself on stderr,
 * ending the line at the last tensor. Callers install it only when stderr is a TTY. */
#ifndef RZ_CLI_TENSOR_PROGRESS_H
#define RZ_CLI_TENSOR_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

void rz_cli_tensor_progress(void *ctx, size_t done, size_t total, const char *name, uint32_t type);

#endif
