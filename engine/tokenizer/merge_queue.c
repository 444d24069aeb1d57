#include "engine/tokenizer/merge_queue.h"

#include <stdlib.h>

#include "engine/tokenizer/buf.h"
#include "engine/tokenizer/utf8.h"

rz_status rz_tok_merger_reset(rz_tok_merger *m, const char *text, size_t n, rz_error *err) {
    m->n_sym = m->n_heap = 0;
    if (rz_tok_reserve((void **)&m->sym, &m->sym_cap, n + 1, sizeof *m->sym))
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory for %zu symbols", n);
    for (size_t off = 0; off < n;) {
        size_t len = rz_tok_utf8_len((uint8_t)text[off]);
        if (len > n - off) len = n - off;
        int32_t i = (int32_t)m->n_sym++;
        m->sym[i] =
            (rz_tok_symbol){i - 1, off + len == n ? -1 : i + 1, (uint32_t)off, (uint32_t)len};
        off += len;
    }
    return RZ_OK;
}

static int before(const rz_tok_bigram *a, const rz_tok_bigram *b) {
    return a->key < b->key || (a->key == b->key && a->left < b->left);
}

rz_status rz_tok_merger_push(rz_tok_merger *m, double key, int32_t left, int32_t right,
                             rz_error *err) {
    if (rz_tok_reserve((void **)&m->heap, &m->heap_cap, m->n_heap + 1, sizeof *m->heap))
        return rz_fail(err, RZ_ENOMEM, "tokenizer: out of memory for the merge queue");
    rz_tok_bigram b = {key, left, right, m->sym[left].n, m->sym[right].n};
    size_t i = m->n_heap++;
    while (i > 0 && before(&b, &m->heap[(i - 1) / 2])) {
        m->heap[i] = m->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    m->heap[i] = b;
    return RZ_OK;
}

static rz_tok_bigram pop(rz_tok_merger *m) {
    rz_tok_bigram top = m->heap[0], last = m->heap[--m->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= m->n_heap) break;
        if (c + 1 < m->n_heap && before(&m->heap[c + 1], &m->heap[c])) c++;
        if (!before(&m->heap[c], &last)) break;
        m->heap[i] = m->heap[c];
        i = c;
    }
    if (m->n_heap) m->heap[i] = last;
    return top;
}

int32_t rz_tok_merger_step(rz_tok_merger *m) {
    while (m->n_heap) {
        rz_tok_bigram b = pop(m);
        rz_tok_symbol *l = &m->sym[b.left], *r = &m->sym[b.right];
        if (l->n != b.ln || r->n != b.rn || !l->n || !r->n) continue;
        l->n += r->n;
        r->n = 0;
        l->next = r->next;
        if (r->next >= 0) m->sym[r->next].prev = b.left;
        return b.left;
    }
    return -1;
}

void rz_tok_merger_free(rz_tok_merger *m) {
    free(m->sym);
    free(m->heap);
    *m = (rz_tok_merger){0};
}
