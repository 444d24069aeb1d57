/* rz_srv_keys: the API keys a server accepts, and who may skip them.
 * Contract: a key is 1..256 printable ASCII bytes without spaces. An empty set accepts
 * nothing. */
#ifndef RZ_SERVER_AUTH_H
#define RZ_SERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/status.h"

typedef struct {
    char **keys;
    size_t *lens;
    int n;
} rz_srv_keys;

typedef enum { RZ_AUTH_OK, RZ_AUTH_MISSING, RZ_AUTH_WRONG } rz_srv_auth;

/* `what` names the key's origin in errors ("--api-key", "FILE:LINE"). */
rz_status rz_srv_keys_add(rz_srv_keys *k, const char *key, size_t len, const char *what,
                          rz_error *err);
/* A key file holds one key per line; blank lines and lines starting with '#' are skipped,
 * surrounding whitespace (and CR) is trimmed, and a file with no key is an error. */
rz_status rz_srv_keys_load(rz_srv_keys *k, const char *path, rz_error *err);
/* Takes the request's Authorization ("Bearer KEY", scheme case-insensitive) and X-Api-Key
 * headers (NULL: absent) and accepts when either carries a key; compares against every key in
 * time that depends only on the lengths, never on where the bytes differ. */
rz_srv_auth rz_srv_keys_check(const rz_srv_keys *k, const char *authorization,
                              const char *x_api_key);
void rz_srv_keys_free(rz_srv_keys *k);

/* Whether listening on host needs an API key: a numeric address other than loopback
 * (127.0.0.0/8, ::1, ::ffff:127.x.y.z). Text that is no numeric address is left to
 * rz_server_start, which refuses it. */
bool rz_srv_host_needs_key(const char *host);

#endif
