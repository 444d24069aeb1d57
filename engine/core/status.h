/* rz_status: how every librz function reports failure.
 * Contract: a function that can fail returns rz_status and, on failure, fills the caller's rz_error
 * with one line naming the file, the byte offset and what was expected. Library code never exits
 * and never prints. */
#ifndef RZ_CORE_STATUS_H
#define RZ_CORE_STATUS_H

typedef enum {
    RZ_OK = 0,
    RZ_EIO,          /* the file could not be opened or read */
    RZ_EFORMAT,      /* the bytes do not follow the format */
    RZ_ENOMEM,       /* an allocation failed */
    RZ_EINVAL,       /* a caller-supplied argument is out of range */
    RZ_EUNSUPPORTED, /* valid input this build does not handle */
} rz_status;

typedef struct {
    char msg[512];
} rz_error;

/* Formats the message into err (when err is non-NULL) and returns st. */
rz_status rz_fail(rz_error *err, rz_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
