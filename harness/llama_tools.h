/* rzb_llama_tools: llama.cpp's own programs (llama-bench, llama-perplexity, llama-server) as
 * scripts/build-llama-cpp builds them, from the same source as llama-cpp-python, natively for
 * this CPU. Contract: the tools live in $RZB_LLAMA_DIR/bin (default datasets/cache/llama.cpp/bin)
 * beside build-info.json, which records the llama.cpp commit, the cmake flags and the compiler;
 * every report that uses a tool records those. */
#ifndef RZB_LLAMA_TOOLS_H
#define RZB_LLAMA_TOOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/result.h"

/* Path of tool `name` (e.g. "llama-bench"); false with the reason (and the command that builds
 * it) when it is missing. */
bool rzb_llama_tool(const char *name, char *path, size_t cap, char *why, size_t why_cap);

/* One line for a report: llama.cpp commit, cmake flags, compiler, and the OpenMP environment
 * (OMP_* variables as set, or "unset"). */
const char *rzb_llama_build_line(char *buf, size_t cap);

/* Adds rzb_llama_build_line as a note of r. */
void rzb_llama_note_build(rzb_result *r);

#endif
