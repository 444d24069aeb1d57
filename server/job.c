#include "server/job.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "server/openai.h"

rz_srv_job *rz_srv_job_new(rz_srv_job_kind kind, bool stream, char *prompt) {
    rz_srv_job *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    atomic_init(&j->refs, 1);
    j->kind = kind;
    j->stream = stream;
    j->prompt = prompt;
    j->http_status = 200;
    pthread_mutex_init(&j->mu, NULL);
    return j;
}

void rz_srv_job_unref(rz_srv_job *j) {
    if (!j || atomic_fetch_sub(&j->refs, 1) != 1) return;
    pthread_mutex_destroy(&j->mu);
    rz_tok_bytes_free(&j->out);
    rz_tok_bytes_free(&j->text);
    free(j->prompt);
    free(j);
}

/* Resumes the connection when it waits for this job. Caller holds mu. */
static void wake(rz_srv_job *j) {
    if (!j->suspended || !j->conn) return;
    j->suspended = false;
    MHD_resume_connection(j->conn);
}

/* Length of the UTF-8 character starting with lead, 0 when lead cannot start one. */
static size_t char_len(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xc2 && lead <= 0xdf) return 2;
    if (lead >= 0xe0 && lead <= 0xef) return 3;
    if (lead >= 0xf0 && lead <= 0xf4) return 4;
    return 0;
}

/* Whether byte i (1-based) of the character led by lead may be b (no overlongs, no surrogates,
 * nothing above U+10FFFF). */
static bool cont_ok(unsigned char lead, size_t i, unsigned char b) {
    unsigned char lo = 0x80, hi = 0xbf;
    if (i == 1 && lead == 0xe0) lo = 0xa0;
    if (i == 1 && lead == 0xed) hi = 0x9f;
    if (i == 1 && lead == 0xf0) lo = 0x90;
    if (i == 1 && lead == 0xf4) hi = 0x8f;
    return b >= lo && b <= hi;
}

rz_status rz_srv_job_clean_utf8(rz_srv_job *j, const char *s, size_t len, bool flush,
                                rz_tok_bytes *dst, rz_error *err) {
    static const char replacement[] = "\xef\xbf\xbd";
    rz_status st = RZ_OK;
    for (size_t i = 0; i < len && !st; i++) {
        unsigned char b = (unsigned char)s[i];
        if (j->n_pending && cont_ok(j->pending[0], j->n_pending, b)) {
            j->pending[j->n_pending++] = b;
            if (j->n_pending == char_len(j->pending[0])) {
                st = rz_tok_bytes_append(dst, j->pending, j->n_pending, err);
                j->n_pending = 0;
            }
            continue;
        }
        if (j->n_pending) { /* the held character broke off: replace it, then look at b */
            st = rz_tok_bytes_append(dst, replacement, 3, err);
            j->n_pending = 0;
        }
        size_t need = char_len(b);
        if (st) break;
        if (need == 1 && b)
            st = rz_tok_bytes_append(dst, &b, 1, err);
        else if (need <= 1)
            st = rz_tok_bytes_append(dst, replacement, 3, err);
        else
            j->pending[j->n_pending++] = b;
    }
    if (!st && flush && j->n_pending) {
        st = rz_tok_bytes_append(dst, replacement, 3, err);
        j->n_pending = 0;
    }
    return st;
}

void rz_srv_job_piece(rz_srv_job *j, const char *piece, size_t len) {
    rz_error err;
    pthread_mutex_lock(&j->mu);
    if (j->stream) {
        rz_tok_bytes clean = {0};
        if (!rz_srv_job_clean_utf8(j, piece, len, false, &clean, &err) && clean.len)
            rz_srv_openai_chunk(j, clean.data, &err);
        rz_tok_bytes_free(&clean);
    } else {
        rz_srv_job_clean_utf8(j, piece, len, false, &j->text, &err);
    }
    if (j->stream) wake(j);
    pthread_mutex_unlock(&j->mu);
}

void rz_srv_job_finish(rz_srv_job *j, rz_status st, const rz_error *gen_err,
                       const rz_generate_stats *stats) {
    rz_error err;
    pthread_mutex_lock(&j->mu);
    j->stats = *stats;
    if (j->stream) {
        rz_tok_bytes clean = {0};
        if (!rz_srv_job_clean_utf8(j, "", 0, true, &clean, &err) && clean.len)
            rz_srv_openai_chunk(j, clean.data, &err);
        rz_tok_bytes_free(&clean);
    } else {
        rz_srv_job_clean_utf8(j, "", 0, true, &j->text, &err);
    }
    rz_srv_openai_finish(j, st ? gen_err : NULL);
    j->done = true;
    wake(j);
    pthread_mutex_unlock(&j->mu);
}

void rz_srv_job_abandon(rz_srv_job *j) {
    pthread_mutex_lock(&j->mu);
    j->http_status = 499;
    j->done = true;
    wake(j);
    pthread_mutex_unlock(&j->mu);
}
