/* rzb_hstream: an HTTP/1.1 response read incrementally, for streamed bodies: the status line and
 * headers, then the body as it comes, de-chunked when Transfer-Encoding is chunked, counted when
 * it has Content-Length, else delimited by the end of the connection.
 * Contract: bytes may be split anywhere; body bytes go to the callback in order, without chunk
 * framing; a malformed response is an error with the reason. Nothing here does I/O. */
#ifndef RZB_SERVE_LOAD_HTTP_H
#define RZB_SERVE_LOAD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    RZB_HS_MORE,    /* needs more bytes */
    RZB_HS_DONE,    /* the whole response was read */
    RZB_HS_STOPPED, /* the body callback asked to stop */
    RZB_HS_ERROR,   /* malformed (why says how) */
} rzb_hs_state;

typedef struct {
    int phase;
    int status;      /* the status code, once the header was read */
    char head[8192]; /* the header block while it is read; kept for messages */
    size_t head_len;
    bool chunked;
    long long left;     /* bytes left in this chunk or in a Content-Length body; -1: to close */
    char size_line[40]; /* a chunk-size line being read */
    size_t size_len;
} rzb_hstream;

typedef bool (*rzb_hs_body_fn)(void *ctx, const char *p, size_t n);

void rzb_hs_init(rzb_hstream *h);

rzb_hs_state rzb_hs_feed(rzb_hstream *h, const char *p, size_t n, rzb_hs_body_fn fn, void *ctx,
                         char *why, size_t cap);

/* The connection closed: DONE when the body was delimited by it, ERROR (with why) otherwise. */
rzb_hs_state rzb_hs_eof(const rzb_hstream *h, char *why, size_t cap);

#endif
