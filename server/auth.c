#include "server/auth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/file.h"

enum { KEY_MAX = 256 };

rz_status rz_srv_keys_add(rz_srv_keys *k, const char *key, size_t len, const char *what,
                          rz_error *err) {
    if (len == 0 || len > KEY_MAX)
        return rz_fail(err, RZ_EINVAL, "%s: an API key has 1 to %d bytes, got %zu", what, KEY_MAX,
                       len);
    for (size_t i = 0; i < len; i++)
        if (key[i] <= ' ' || key[i] > '~')
            return rz_fail(err, RZ_EINVAL,
                           "%s: an API key is printable ASCII without spaces (byte %zu is 0x%02x)",
                           what, i, (unsigned char)key[i]);
    char **keys = realloc(k->keys, (size_t)(k->n + 1) * sizeof *keys);
    if (keys) k->keys = keys;
    size_t *lens = keys ? realloc(k->lens, (size_t)(k->n + 1) * sizeof *lens) : NULL;
    if (lens) k->lens = lens;
    char *copy = lens ? strndup(key, len) : NULL;
    if (!copy) return rz_fail(err, RZ_ENOMEM, "out of memory for API keys");
    k->keys[k->n] = copy;
    k->lens[k->n++] = len;
    return RZ_OK;
}

/* Adds the key on one line of a key file, if the line holds one. */
static rz_status add_line(rz_srv_keys *k, const char *line, size_t len, const char *path, int no,
                          rz_error *err) {
    while (len && (line[0] == ' ' || line[0] == '\t'))
        line++, len--;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    if (!len || line[0] == '#') return RZ_OK;
    char what[4200];
    snprintf(what, sizeof what, "%s:%d", path, no);
    return rz_srv_keys_add(k, line, len, what, err);
}

rz_status rz_srv_keys_load(rz_srv_keys *k, const char *path, rz_error *err) {
    unsigned char *data;
    size_t len;
    rz_status st = rz_file_read_all(path, &data, &len, err);
    if (st) return st;
    int before = k->n, no = 1;
    for (size_t at = 0; at < len && !st; no++) {
        const char *line = (const char *)data + at;
        const char *eol = memchr(line, '\n', len - at);
        size_t n = eol ? (size_t)(eol - line) : len - at;
        st = add_line(k, line, n, path, no, err);
        at += n + 1;
    }
    free(data);
    if (!st && k->n == before)
        st = rz_fail(err, RZ_EINVAL, "%s: no API key in it (expected one per line)", path);
    return st;
}

/* 0 when given[0..len) equals the key; the time depends on len only. */
static unsigned differs(const char *given, size_t len, const char *key, size_t key_len) {
    unsigned d = len != key_len;
    for (size_t i = 0; i < len; i++)
        d |= (unsigned char)given[i] ^ (unsigned char)key[i < key_len ? i : 0];
    return d;
}

static bool known(const rz_srv_keys *k, const char *given) {
    size_t len = strnlen(given, KEY_MAX + 1);
    unsigned found = 0;
    for (int i = 0; i < k->n; i++)
        found |= !differs(given, len, k->keys[i], k->lens[i]);
    return found;
}

rz_srv_auth rz_srv_keys_check(const rz_srv_keys *k, const char *authorization,
                              const char *x_api_key) {
    const char *bearer = NULL;
    if (authorization && !strncasecmp(authorization, "Bearer ", 7)) {
        bearer = authorization + 7;
        while (*bearer == ' ')
            bearer++;
    }
    if (!bearer && !x_api_key) return RZ_AUTH_MISSING;
    const bool by_bearer = bearer && known(k, bearer);
    const bool by_header = x_api_key && known(k, x_api_key);
    return by_bearer || by_header ? RZ_AUTH_OK : RZ_AUTH_WRONG;
}

void rz_srv_keys_free(rz_srv_keys *k) {
    for (int i = 0; i < k->n; i++) {
        explicit_bzero(k->keys[i], k->lens[i]);
        free(k->keys[i]);
    }
    free(k->keys);
    free(k->lens);
    *k = (rz_srv_keys){0};
}

bool rz_srv_host_needs_key(const char *host) {
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) != 127;
    if (inet_pton(AF_INET6, host, &a6) != 1) return false;
    return !IN6_IS_ADDR_LOOPBACK(&a6) && !(IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
}
