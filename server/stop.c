#include "server/stop.h"

#include <stdlib.h>
#include <string.h>

/* Where needle first occurs in text[0..len), or len. */
static size_t find(const char *text, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(text + i, needle, n)) return i;
    return len;
}

/* Whether the last k bytes of text[0..len) are a proper prefix of a stop string. */
static bool tail_could_start(const rz_srv_stop *st, const char *text, size_t len, size_t k) {
    for (int i = 0; i < st->n; i++)
        if (strlen(st->s[i]) > k && !memcmp(text + len - k, st->s[i], k)) return true;
    return false;
}

size_t rz_srv_stop_scan(const rz_srv_stop *st, const char *text, size_t len, bool final,
                        bool *found) {
    size_t first = len, longest = 0;
    for (int i = 0; i < st->n; i++) {
        size_t at = find(text, len, st->s[i]), n = strlen(st->s[i]);
        if (at < first) first = at;
        if (n > longest) longest = n;
    }
    *found = first < len;
    if (*found || final) return first;
    size_t k = longest ? longest - 1 : 0;
    for (k = k < len ? k : len; k > 0; k--)
        if (tail_could_start(st, text, len, k)) return len - k;
    return len;
}

void rz_srv_stop_free(rz_srv_stop *st) {
    for (int i = 0; i < st->n; i++)
        free(st->s[i]);
    st->n = 0;
}
