/* Shared by `rz inspect` and `rz tensor`: telling model formats apart by their first bytes, and
 * printing a parsed GGUF header as text or JSON (long strings and arrays summarised). */
#ifndef RZ_CLI_INSPECT_H
#define RZ_CLI_INSPECT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "engine/formats/gguf.h"

typedef enum { RZ_KIND_GGUF, RZ_KIND_APR, RZ_KIND_SAFETENSORS } rz_file_kind;

/* Reads the first bytes of path and sets *kind: "GGUF", "APRN", or a little-endian u64 header
 * length followed by '{' (safetensors). Returns 0, or 1 after printing "rz CMD: ..." to stderr. */
int rz_cli_sniff(const char *cmd, const char *path, rz_file_kind *kind);

/* Items of a long array printed before "..."; strings longer than this many bytes are cut. */
enum { RZ_INSPECT_ARRAY_ITEMS = 8, RZ_INSPECT_STRING_BYTES = 120 };

void rz_inspect_gguf_text(FILE *out, const char *path, const rz_gguf *g);
cJSON *rz_inspect_gguf_json(const char *path, const rz_gguf *g);

#endif
