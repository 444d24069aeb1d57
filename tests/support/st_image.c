#include "tests/support/st_image.h"

#include <stdlib.h>
#include <string.h>

uint8_t *rzt_st_image(const char *header, const void *data, size_t data_len, size_t *len) {
    size_t n = strlen(header);
    uint8_t *buf = calloc(1, 8 + n + data_len);
    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)((uint64_t)n >> (8 * i));
    memcpy(buf + 8, header, n);
    if (data) memcpy(buf + 8 + n, data, data_len);
    *len = 8 + n + data_len;
    return buf;
}
