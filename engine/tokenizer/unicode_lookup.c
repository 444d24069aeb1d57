#include "engine/tokenizer/unicode_tables.h"

int rz_tok_unicode_class(uint32_t cp) {
    size_t lo = 0, hi = rz_tok_n_class_ranges;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (rz_tok_class_ranges[mid].start <= cp)
            lo = mid;
        else
            hi = mid;
    }
    return rz_tok_class_ranges[lo].cls;
}

static uint32_t map(const rz_tok_map_run *runs, size_t n, uint32_t cp) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (runs[mid].last < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n || runs[lo].first > cp) return cp;
    return runs[lo].is_const ? (uint32_t)runs[lo].value : (uint32_t)((int32_t)cp + runs[lo].value);
}

uint32_t rz_tok_unicode_lower(uint32_t cp) {
    return map(rz_tok_lower_runs, rz_tok_n_lower_runs, cp);
}

uint32_t rz_tok_unicode_nfd_first(uint32_t cp) {
    return map(rz_tok_nfd_runs, rz_tok_n_nfd_runs, cp);
}

int rz_tok_unicode_is_space(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}
