#include "engine/formats/gguf_rules.h"

static bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

const char *rz_gguf_key_rule(const char *key, size_t n) {
    if (n == 0) return "expected a non-empty key";
    if (n > RZ_GGUF_MAX_KEY) return "expected at most 65535 bytes";
    bool segment_empty = true;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if ((unsigned char)c >= 0x80) return "expected ASCII";
        if (c == '.') {
            if (segment_empty) return "expected lower_snake_case segments separated by single '.'";
            segment_empty = true;
        } else if (lower_alnum(c) || c == '_') {
            segment_empty = false;
        } else {
            return "expected lower_snake_case segments ([a-z0-9_]) separated by '.'";
        }
    }
    return segment_empty ? "expected lower_snake_case segments separated by single '.'" : NULL;
}

const char *rz_gguf_arch_rule(const char *arch, size_t n) {
    if (n == 0) return "expected a non-empty name";
    for (size_t i = 0; i < n; i++)
        if (!lower_alnum(arch[i])) return "expected lower-case ASCII letters and digits only";
    return NULL;
}

bool rz_gguf_alignment_ok(uint64_t a) {
    return a >= 8 && !(a & (a - 1));
}
