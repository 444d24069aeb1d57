#include "server/utf8.h"

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

rz_status rz_srv_utf8_clean(rz_srv_utf8 *u, const char *s, size_t len, bool flush,
                            rz_tok_bytes *dst, rz_error *err) {
    static const char replacement[] = "\xef\xbf\xbd";
    rz_status st = RZ_OK;
    for (size_t i = 0; i < len && !st; i++) {
        unsigned char b = (unsigned char)s[i];
        if (u->n_pending && cont_ok(u->pending[0], u->n_pending, b)) {
            u->pending[u->n_pending++] = b;
            if (u->n_pending == char_len(u->pending[0])) {
                st = rz_tok_bytes_append(dst, u->pending, u->n_pending, err);
                u->n_pending = 0;
            }
            continue;
        }
        if (u->n_pending) { /* the held character broke off: replace it, then look at b */
            st = rz_tok_bytes_append(dst, replacement, 3, err);
            u->n_pending = 0;
        }
        size_t need = char_len(b);
        if (st) break;
        if (need == 1 && b)
            st = rz_tok_bytes_append(dst, &b, 1, err);
        else if (need <= 1)
            st = rz_tok_bytes_append(dst, replacement, 3, err);
        else
            u->pending[u->n_pending++] = b;
    }
    if (!st && flush && u->n_pending) {
        st = rz_tok_bytes_append(dst, replacement, 3, err);
        u->n_pending = 0;
    }
    return st;
}
