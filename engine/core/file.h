/* Whole-file reads for small model files and datasets, and this executable's own path. */
#ifndef RZ_CORE_FILE_H
#define RZ_CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"

/* Reads path into a malloc'd buffer (*data, *len); the caller frees *data. Fails with RZ_EIO naming
 * the path and the reason, or RZ_ENOMEM. */
rz_status rz_file_read_all(const char *path, unsigned char **data, size_t *len, rz_error *err);

/* The same for the CLIs' inputs: path "-" reads standard input to its end (RZ_EIO "standard
 * input: ..." on a read error), any other path as rz_file_read_all. */
rz_status rz_file_read_input(const char *path, unsigned char **data, size_t *len, rz_error *err);

/* This executable's absolute path (/proc/self/exe), NUL-terminated in out[cap]. False, with out
 * empty (when cap > 0) and errno set, when it cannot be read or does not fit (ENAMETOOLONG). */
bool rz_file_self_exe(char *out, size_t cap);

/* The folder that holds this executable ("/" for one at the root); false as rz_file_self_exe. */
bool rz_file_self_dir(char *out, size_t cap);

#endif
