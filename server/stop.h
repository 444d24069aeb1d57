/* rz_srv_stop: OpenAI's stop sequences (up to 4 strings) matched against generated text as it
 * comes, across token boundaries.
 * Contract: the text is valid UTF-8 and so is every stop string, so the released part never ends
 * inside a character. */
#ifndef RZ_SERVER_STOP_H
#define RZ_SERVER_STOP_H

#include <stdbool.h>
#include <stddef.h>

enum { RZ_SRV_MAX_STOP = 4 };

typedef struct {
    int n;
    char *s[RZ_SRV_MAX_STOP]; /* owned, non-empty */
} rz_srv_stop;

/* The bytes of text[0..len) that may be released; *found when a stop string begins there.
 * Looks at the text not yet released and says how much of it may go to the client: up to the
 * earliest match (found, the match and what follows are dropped), or all but its longest tail
 * that could still be the start of a stop string; with final set (no more text will come)
 * nothing is held back. */
size_t rz_srv_stop_scan(const rz_srv_stop *st, const char *text, size_t len, bool final,
                        bool *found);

void rz_srv_stop_free(rz_srv_stop *st);

#endif
