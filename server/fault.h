/* rz_srv_fault: why a request is refused, and the JSON error body it gets, OpenAI's shape:
 *   {"error": {"message": "...", "type": "...", "param": null or "field", "code": "..."}}
 * type follows the status: invalid_request_error (400, 401, 405, 413, 415), not_found_error (404),
 * server_error (5xx). param names the request field at fault, null when none is. */
#ifndef RZ_SERVER_FAULT_H
#define RZ_SERVER_FAULT_H

#include <stdbool.h>

typedef struct {
    unsigned status;
    const char *code;
    char param[64]; /* empty: null */
    char message[512];
} rz_srv_fault;

/* Fills f (param null) and returns false (so that a parser can `return rz_srv_fail(...)`). */
bool rz_srv_fail(rz_srv_fault *f, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same, naming the request field at fault. */
bool rz_srv_fail_at(rz_srv_fault *f, unsigned status, const char *code, const char *param,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

const char *rz_srv_fault_type(unsigned status);

/* The error body of f, malloc'd and NUL-terminated; NULL when out of memory. */
char *rz_srv_fault_json(const rz_srv_fault *f);

/* The body sent when even an error body cannot be built: a 503 out_of_memory, static. */
extern const char rz_srv_fault_oom_json[];

#endif
