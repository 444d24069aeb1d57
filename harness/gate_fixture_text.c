/* The gate's fixture text (harness/gate_fixtures.h): sentences of 5 to 14 words drawn from a
 * fixed list by a xorshift64* generator of fixed seed, the first word capitalised, an occasional
 * comma, paragraphs of 3 to 7 sentences. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "harness/gate_fixtures.h"

static const char *const words[] = {
    "the",      "of",      "and",      "a",       "to",         "in",      "is",      "was",
    "that",     "for",     "it",       "with",    "as",         "his",     "on",      "be",
    "at",       "by",      "had",      "not",     "are",        "but",     "from",    "or",
    "have",     "an",      "they",     "which",   "one",        "you",     "were",    "her",
    "all",      "she",     "there",    "would",   "their",      "we",      "him",     "been",
    "time",     "people",  "year",     "way",     "day",        "man",     "thing",   "woman",
    "life",     "child",   "world",    "school",  "state",      "family",  "student", "group",
    "country",  "problem", "hand",     "part",    "place",      "case",    "week",    "company",
    "system",   "program", "question", "work",    "government", "number",  "night",   "point",
    "home",     "water",   "room",     "mother",  "area",       "money",   "story",   "fact",
    "month",    "lot",     "right",    "study",   "book",       "eye",     "job",     "word",
    "business", "issue",   "side",     "kind",    "head",       "house",   "service", "friend",
    "small",    "large",   "early",    "young",   "important",  "few",     "public",  "bad",
    "same",     "able",    "long",     "great",   "little",     "own",     "other",   "old",
    "went",     "made",    "said",     "found",   "gave",       "told",    "became",  "left",
    "river",    "city",    "music",    "history", "language",   "between", "after",   "during",
};

static uint64_t next(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static size_t put(char *out, size_t used, size_t n, const char *text) {
    for (; *text && used < n; text++)
        out[used++] = *text;
    return used;
}

/* One sentence, with a leading space unless it starts the paragraph. */
static size_t sentence(char *out, size_t used, size_t n, uint64_t *rng, int first) {
    const int count = 5 + (int)(next(rng) % 10);
    if (!first) used = put(out, used, n, " ");
    for (int w = 0; w < count && used < n; w++) {
        const char *word = words[next(rng) % (sizeof words / sizeof words[0])];
        size_t start = used;
        used = put(out, used, n, word);
        if (w == 0 && start < used) out[start] = (char)toupper((unsigned char)out[start]);
        if (w + 1 < count) used = put(out, used, n, next(rng) % 8 == 0 ? ", " : " ");
    }
    return put(out, used, n, next(rng) % 10 == 0 ? "?" : ".");
}

void rzb_gw_fixture_text(char *out, size_t n) {
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    size_t used = 0;
    while (used < n) {
        const int sentences = 3 + (int)(next(&rng) % 5);
        for (int i = 0; i < sentences && used < n; i++)
            used = sentence(out, used, n, &rng, i == 0);
        used = put(out, used, n, "\n");
    }
    out[n - 1] = '\n';
}
