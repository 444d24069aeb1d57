/* rzb_sse: a server-sent events parser for streamed completions, fed bytes as they arrive.
 * Contract: input may be split anywhere (inside a line, between \r and \n); lines end with \n,
 * \r\n or \r; a line starting with ':' is a comment (keep-alive) and is ignored; "data:" lines
 * (one optional space after the colon) are joined with \n into the event's data; other fields
 * (event, id, retry) are ignored; a blank line ends the event, which is delivered when it has
 * data. */
#ifndef RZB_SERVE_LOAD_SSE_H
#define RZB_SERVE_LOAD_SSE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *line; /* the line read so far */
    size_t len, cap;
    char *data; /* the event's data so far, one \n after each data line */
    size_t dlen, dcap;
    bool has_data; /* a data line was seen (its value may be empty) */
    bool after_cr; /* the last byte was \r: a \n next belongs to the same line end */
} rzb_sse;

/* Called with each event's data (NUL-terminated, without the last \n); false stops the feed. */
typedef bool (*rzb_sse_fn)(void *ctx, const char *data, size_t len);

/* Parses p[0..n); false when fn stopped it or memory ran out (*oom says which). */
bool rzb_sse_feed(rzb_sse *s, const char *p, size_t n, rzb_sse_fn fn, void *ctx, bool *oom);

/* The stream ended: a pending line and event are delivered as if a blank line followed (a last
 * event the stream ended without a blank line after). */
bool rzb_sse_end(rzb_sse *s, rzb_sse_fn fn, void *ctx, bool *oom);

void rzb_sse_free(rzb_sse *s);

#endif
