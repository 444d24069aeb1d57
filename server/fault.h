/* rz_srv_fault: why a request is refused, and the JSON error body it gets:
 *   {"error": {"message": "...", "type": "...", "code": "..."}}
 * type follows the status: invalid_request_error (400, 405, 413), not_found_error (404),
 * server_error (5xx). */
#ifndef RZ_SERVER_FAULT_H
#define RZ_SERVER_FAULT_H

#include <stdbool.h>

typedef struct {
    unsigned status;
    const char *code;
    char message[512];
} rz_srv_fault;

/* Fills f and returns false (so that a parser can `return rz_srv_fail(...)`). */
bool rz_srv_fail(rz_srv_fault *f, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

const char *rz_srv_fault_type(unsigned status);

/* The error body of f, malloc'd and NUL-terminated; NULL when out of memory. */
char *rz_srv_fault_json(const rz_srv_fault *f);

#endif
