#include "engine/formats/apr.h"

#include <string.h>

#include "engine/core/crc32.h"
#include "engine/core/le.h"

/* Field table of the fixed 32-byte header: offset, width, name. */
enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 4,
    OFF_MODEL_TYPE = 6,
    OFF_METADATA_SIZE = 8,
    OFF_PAYLOAD_SIZE = 12,
    OFF_UNCOMPRESSED_SIZE = 16,
    OFF_COMPRESSION = 20,
};

static rz_status need(size_t len, size_t off, size_t width, const char *source, const char *field,
                      rz_error *err) {
    if (off + width <= len) return RZ_OK;
    return rz_fail(err, RZ_EFORMAT,
                   "%s: offset %zu: %s: truncated: expected %zu bytes, file has %zu bytes in all",
                   source, off, field, width, len);
}

const char *rz_apr_model_type_name(uint16_t model_type) {
    switch (model_type) {
    case RZ_APR_LINEAR_REGRESSION:
        return "LinearRegression";
    case RZ_APR_LOGISTIC_REGRESSION:
        return "LogisticRegression";
    case RZ_APR_NEURAL_SEQUENTIAL:
        return "NeuralSequential";
    }
    return "unknown";
}

rz_status rz_apr_parse(const uint8_t *buf, size_t len, const char *source, rz_apr_file *out,
                       rz_error *err) {
    rz_status st;
    memset(out, 0, sizeof *out);
    if ((st = need(len, OFF_MAGIC, 4, source, "magic", err))) return st;
    if (memcmp(buf, "APRN", 4) != 0)
        return rz_fail(err, RZ_EFORMAT,
                       "%s: offset 0: magic: expected \"APRN\", got %02x %02x %02x %02x", source,
                       buf[0], buf[1], buf[2], buf[3]);
    if ((st = need(len, OFF_VERSION, 2, source, "version", err))) return st;
    out->version_major = buf[OFF_VERSION];
    out->version_minor = buf[OFF_VERSION + 1];
    if (out->version_major != 1)
        return rz_fail(err, RZ_EUNSUPPORTED, "%s: offset 4: version: expected 1.x, got %u.%u",
                       source, out->version_major, out->version_minor);
    if ((st = need(len, OFF_MODEL_TYPE, 2, source, "model type", err))) return st;
    out->model_type = rz_le16(buf + OFF_MODEL_TYPE);
    if ((st = need(len, OFF_METADATA_SIZE, 4, source, "metadata size", err))) return st;
    out->metadata_size = rz_le32(buf + OFF_METADATA_SIZE);
    if ((st = need(len, OFF_PAYLOAD_SIZE, 4, source, "payload size", err))) return st;
    out->payload_size = rz_le32(buf + OFF_PAYLOAD_SIZE);
    if ((st = need(len, OFF_UNCOMPRESSED_SIZE, 4, source, "uncompressed size", err))) return st;
    uint32_t uncompressed = rz_le32(buf + OFF_UNCOMPRESSED_SIZE);
    if ((st = need(len, OFF_COMPRESSION, 12, source, "compression/flags/reserved", err))) return st;
    if (buf[OFF_COMPRESSION] != 0)
        return rz_fail(err, RZ_EUNSUPPORTED,
                       "%s: offset 20: compression: expected 0 (none), got %u", source,
                       buf[OFF_COMPRESSION]);
    if (uncompressed != out->payload_size)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset 16: uncompressed size: expected %u (= payload size, no compression), got %u",
            source, out->payload_size, uncompressed);

    uint64_t expected_len =
        (uint64_t)RZ_APR_HEADER_SIZE + out->metadata_size + out->payload_size + RZ_APR_CRC_SIZE;
    if (expected_len > len)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset 8: metadata size %u + payload size %u: beyond the file: expected %llu bytes in all, file has %zu",
            source, out->metadata_size, out->payload_size, (unsigned long long)expected_len, len);
    if (expected_len < len)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset %llu: trailing data: expected the file to end after the CRC, %zu extra bytes",
            source, (unsigned long long)expected_len, len - (size_t)expected_len);

    size_t crc_off = len - RZ_APR_CRC_SIZE;
    out->crc = rz_le32(buf + crc_off);
    uint32_t computed = rz_crc32(buf, crc_off);
    if (computed != out->crc)
        return rz_fail(
            err, RZ_EFORMAT,
            "%s: offset %zu: crc32: expected 0x%08x (computed over bytes 0..%zu), file says 0x%08x",
            source, crc_off, computed, crc_off, out->crc);

    out->metadata = buf + RZ_APR_HEADER_SIZE;
    out->payload = out->metadata + out->metadata_size;
    return RZ_OK;
}
