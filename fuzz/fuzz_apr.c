/* libFuzzer target: rz_apr_parse on arbitrary bytes, then again with the trailing CRC32 made
 * right (so mutations reach the checks after it), reading what it returned. The input is copied
 * to an exactly sized buffer so ASan catches any read past its end. */
#include <stdlib.h>
#include <string.h>

#include "engine/core/crc32.h"
#include "engine/formats/apr.h"

static volatile uint64_t sink;

static void parse(const uint8_t *buf, size_t size) {
    rz_apr_file f;
    rz_error err;
    if (rz_apr_parse(buf, size, "fuzz", &f, &err) == RZ_OK) {
        if (f.metadata_size) sink += f.metadata[f.metadata_size - 1];
        if (f.payload_size) sink += f.payload[f.payload_size - 1];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    parse(buf, size);
    if (size >= 4) {
        uint32_t crc = rz_crc32(buf, size - 4);
        for (int i = 0; i < 4; i++)
            buf[size - 4 + i] = (uint8_t)(crc >> (8 * i));
        parse(buf, size);
    }
    free(buf);
    return 0;
}
