#include "harness/serve_load_sse.h"

#include <stdlib.h>
#include <string.h>

/* Appends p[0..n) to *buf (kept NUL-terminated); false when memory runs out. */
static bool append(char **buf, size_t *len, size_t *cap, const char *p, size_t n) {
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < *len + n + 1)
            c *= 2;
        char *grown = realloc(*buf, c);
        if (!grown) return false;
        *buf = grown;
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = 0;
    return true;
}

/* Delivers the event gathered so far (when it has data) and starts the next. */
static bool dispatch(rzb_sse *s, rzb_sse_fn fn, void *ctx) {
    bool had = s->has_data;
    size_t n = s->dlen;
    s->has_data = false;
    s->dlen = 0;
    if (!had) return true;
    if (n && s->data[n - 1] == '\n') n--;
    s->data[n] = 0;
    return fn(ctx, s->data, n);
}

/* One complete line (without its end). */
static bool line(rzb_sse *s, rzb_sse_fn fn, void *ctx, bool *oom) {
    const char *l = s->line ? s->line : "";
    size_t n = s->len;
    s->len = 0;
    if (n == 0) return dispatch(s, fn, ctx);
    if (l[0] == ':' || n < 5 || memcmp(l, "data", 4) || (l[4] != ':')) return true;
    size_t skip = 5 + (n > 5 && l[5] == ' ');
    if (!append(&s->data, &s->dlen, &s->dcap, l + skip, n - skip) ||
        !append(&s->data, &s->dlen, &s->dcap, "\n", 1)) {
        *oom = true;
        return false;
    }
    s->has_data = true;
    return true;
}

bool rzb_sse_feed(rzb_sse *s, const char *p, size_t n, rzb_sse_fn fn, void *ctx, bool *oom) {
    *oom = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool cr_lf = s->after_cr && c == '\n';
        s->after_cr = c == '\r';
        if (cr_lf) continue;
        if (c == '\r' || c == '\n') {
            if (!line(s, fn, ctx, oom)) return false;
            continue;
        }
        size_t run = 1;
        while (i + run < n && p[i + run] != '\r' && p[i + run] != '\n')
            run++;
        if (!append(&s->line, &s->len, &s->cap, p + i, run)) {
            *oom = true;
            return false;
        }
        i += run - 1;
    }
    return true;
}

bool rzb_sse_end(rzb_sse *s, rzb_sse_fn fn, void *ctx, bool *oom) {
    *oom = false;
    if (s->len && !line(s, fn, ctx, oom)) return false;
    return dispatch(s, fn, ctx);
}

void rzb_sse_free(rzb_sse *s) {
    free(s->line);
    free(s->data);
    memset(s, 0, sizeof *s);
}
