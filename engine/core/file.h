/* Whole-file reads for small model files and datasets. */
#ifndef RZ_CORE_FILE_H
#define RZ_CORE_FILE_H

#include <stddef.h>

#include "engine/core/status.h"

/* Reads path into a malloc'd buffer (*data, *len); the caller frees *data. Fails with RZ_EIO naming
 * the path and the reason, or RZ_ENOMEM. */
rz_status rz_file_read_all(const char *path, unsigned char **data, size_t *len, rz_error *err);

/* The same for the CLIs' inputs: path "-" reads standard input to its end (RZ_EIO "standard
 * input: ..." on a read error), any other path as rz_file_read_all. */
rz_status rz_file_read_input(const char *path, unsigned char **data, size_t *len, rz_error *err);

#endif
