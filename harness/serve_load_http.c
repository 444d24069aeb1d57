#include "harness/serve_load_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { HEAD, SIZE, DATA, DATA_END, TRAILER, BODY, DONE };

void rzb_hs_init(rzb_hstream *h) {
    memset(h, 0, sizeof *h);
    h->left = -1;
}

/* The value of header name in the header block, or NULL. */
static const char *header(const char *head, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
        if (!strncasecmp(p + 2, name, n) && p[2 + n] == ':')
            return p + 3 + n + strspn(p + 3 + n, " \t");
    return NULL;
}

/* The header block is complete (NUL-terminated at its blank line): status and body framing. */
static rzb_hs_state parse_head(rzb_hstream *h, char *why, size_t cap) {
    if (sscanf(h->head, "HTTP/1.%*d %d", &h->status) != 1) {
        snprintf(why, cap, "not an HTTP/1.x status line: %.80s", h->head);
        return RZB_HS_ERROR;
    }
    const char *te = header(h->head, "transfer-encoding");
    const char *cl = header(h->head, "content-length");
    h->chunked = te && !strncasecmp(te, "chunked", 7);
    h->phase = h->chunked ? SIZE : BODY;
    h->left = !h->chunked && cl ? strtoll(cl, NULL, 10) : -1;
    if (h->phase == BODY && h->left == 0) h->phase = DONE;
    return h->phase == DONE ? RZB_HS_DONE : RZB_HS_MORE;
}

/* Reads header bytes; *used gets how many of p[0..n) belonged to the header. */
static rzb_hs_state read_head(rzb_hstream *h, const char *p, size_t n, size_t *used, char *why,
                              size_t cap) {
    for (*used = 0; *used < n;) {
        if (h->head_len + 1 >= sizeof h->head) {
            snprintf(why, cap, "a response header longer than %zu bytes", sizeof h->head);
            return RZB_HS_ERROR;
        }
        h->head[h->head_len++] = p[(*used)++];
        h->head[h->head_len] = 0;
        if (h->head_len >= 4 && !memcmp(h->head + h->head_len - 4, "\r\n\r\n", 4))
            return parse_head(h, why, cap);
    }
    return RZB_HS_MORE;
}

/* One byte of a chunk-size line or of the CRLF after a chunk's data. */
static rzb_hs_state framing(rzb_hstream *h, char c, char *why, size_t cap) {
    if (h->phase == DATA_END) {
        if (c == '\n') h->phase = SIZE;
        return RZB_HS_MORE;
    }
    if (c != '\n') {
        if (h->size_len + 1 < sizeof h->size_line) h->size_line[h->size_len++] = c;
        return RZB_HS_MORE;
    }
    h->size_line[h->size_len] = 0;
    h->size_len = 0;
    char *end;
    long long size = strtoll(h->size_line, &end, 16);
    if (end == h->size_line || size < 0) {
        snprintf(why, cap, "a bad chunk size line: '%.30s'", h->size_line);
        return RZB_HS_ERROR;
    }
    h->left = size;
    h->phase = size ? DATA : TRAILER;
    return RZB_HS_MORE;
}

/* Trailer lines after the last chunk; an empty one ends the response. */
static rzb_hs_state trailer(rzb_hstream *h, char c) {
    if (c != '\n') {
        if (c != '\r') h->size_len++;
        return RZB_HS_MORE;
    }
    bool empty = h->size_len == 0;
    h->size_len = 0;
    if (!empty) return RZB_HS_MORE;
    h->phase = DONE;
    return RZB_HS_DONE;
}

/* Body bytes from p: *used gets how many were consumed. */
static rzb_hs_state body(rzb_hstream *h, const char *p, size_t n, size_t *used, rzb_hs_body_fn fn,
                         void *ctx) {
    size_t take = h->left >= 0 && (unsigned long long)h->left < n ? (size_t)h->left : n;
    *used = take;
    if (h->left >= 0) h->left -= (long long)take;
    bool go = fn(ctx, p, take);
    if (h->left == 0) h->phase = h->phase == DATA ? DATA_END : DONE;
    if (!go) return RZB_HS_STOPPED;
    return h->phase == DONE ? RZB_HS_DONE : RZB_HS_MORE;
}

rzb_hs_state rzb_hs_feed(rzb_hstream *h, const char *p, size_t n, rzb_hs_body_fn fn, void *ctx,
                         char *why, size_t cap) {
    rzb_hs_state st = h->phase == DONE ? RZB_HS_DONE : RZB_HS_MORE;
    while (n && st == RZB_HS_MORE) {
        size_t used = 1;
        if (h->phase == HEAD)
            st = read_head(h, p, n, &used, why, cap);
        else if (h->phase == DATA || h->phase == BODY)
            st = body(h, p, n, &used, fn, ctx);
        else if (h->phase == TRAILER)
            st = trailer(h, *p);
        else
            st = framing(h, *p, why, cap);
        p += used;
        n -= used;
    }
    return st;
}

rzb_hs_state rzb_hs_eof(const rzb_hstream *h, char *why, size_t cap) {
    if (h->phase == DONE || (h->phase == BODY && h->left < 0)) return RZB_HS_DONE;
    snprintf(why, cap, "the server closed the connection %s",
             h->phase == HEAD ? "before a whole response header" : "inside the response body");
    return RZB_HS_ERROR;
}
