/* The GGUF specification's "must" rules on names and general.* values, shared by the reader
 * (gguf.c) and the writer (gguf_write.c) so that rz never writes a file it would refuse. */
#ifndef RZ_FORMATS_GGUF_RULES_H
#define RZ_FORMATS_GGUF_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tensor names are at most RZ_GGUF_MAX_NAME bytes (the spec's limit; llama.cpp, whose names end
 * in a NUL inside 64 bytes, accepts at most 63). */
enum { RZ_GGUF_MAX_NAME = 64, RZ_GGUF_MAX_KEY = 65535 };

/* NULL when key[0..n) is a valid key (1 to 65535 bytes of ASCII, segments of [a-z0-9_]
 * separated by single '.'), else what is wrong, for a message. */
const char *rz_gguf_key_rule(const char *key, size_t n);
/* Likewise for general.architecture's value ([a-z0-9]+). */
const char *rz_gguf_arch_rule(const char *arch, size_t n);
/* A power of two that is a multiple of 8 (the spec: "must be a multiple of 8"; llama.cpp also
 * requires a power of two). */
bool rz_gguf_alignment_ok(uint64_t a);

#endif
