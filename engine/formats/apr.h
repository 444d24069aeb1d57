/* APR v1 reader (aprender's model file; layout table in ../shared/README.md).
 * Contract: a parsed rz_apr_file points into the caller's buffer (no copy), so the buffer must
 * outlive it. Only uncompressed files are supported. */
#ifndef RZ_FORMATS_APR_H
#define RZ_FORMATS_APR_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/status.h"

enum {
    RZ_APR_HEADER_SIZE = 32,
    RZ_APR_CRC_SIZE = 4,
};

typedef enum {
    RZ_APR_LINEAR_REGRESSION = 0x0001,
    RZ_APR_LOGISTIC_REGRESSION = 0x0002,
    RZ_APR_NEURAL_SEQUENTIAL = 0x0020,
} rz_apr_model_type;

typedef struct {
    uint8_t version_major, version_minor;
    uint16_t model_type;
    const uint8_t *metadata; /* MessagePack map, metadata_size bytes */
    uint32_t metadata_size;
    const uint8_t *payload; /* bincode, payload_size bytes */
    uint32_t payload_size;
    uint32_t crc;
} rz_apr_file;

/* Parses an APR file image held in buf[0..len). `source` names it in error messages. Checks the
 * magic, version, every size against the buffer length and the CRC32 before it looks at the
 * payload; on failure the message names the source, the byte offset, the field and what was
 * expected. */
rz_status rz_apr_parse(const uint8_t *buf, size_t len, const char *source, rz_apr_file *out,
                       rz_error *err);

const char *rz_apr_model_type_name(uint16_t model_type);

#endif
