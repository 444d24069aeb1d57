#include "server/predict_input.h"

#include <stdint.h>
#include <string.h>

/* 10^0 .. 10^22: every one exact in a double. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

typedef struct {
    const char *p, *end;
} cursor;

static void ws(cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool eat(cursor *c, char ch) {
    ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool digit(const cursor *c) {
    return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* One JSON number, when exactly representable through the fast conversion. */
static bool number(cursor *c, double *out) {
    ws(c);
    bool neg = c->p < c->end && *c->p == '-';
    c->p += neg;
    if (!digit(c)) return false;
    uint64_t m = 0;
    int digits = 0, exp10 = 0;
    if (*c->p == '0') {
        c->p++;
    } else {
        for (; digit(c); c->p++, digits++)
            m = m * 10 + (uint64_t)(*c->p - '0');
    }
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!digit(c)) return false;
        for (; digit(c); c->p++, exp10--) {
            if (m == 0 && *c->p == '0') continue; /* leading zeros are not significant */
            m = m * 10 + (uint64_t)(*c->p - '0');
            digits++;
        }
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        bool eneg = c->p < c->end && *c->p == '-';
        if (c->p < c->end && (*c->p == '-' || *c->p == '+')) c->p++;
        if (!digit(c)) return false;
        int e = 0;
        for (; digit(c); c->p++)
            if (e < 1000) e = e * 10 + (*c->p - '0');
        exp10 += eneg ? -e : e;
    }
    if (digits > 19 || m > (1ull << 53) || exp10 < -22 || exp10 > 22) return false;
    double v = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
    *out = neg ? -v : v;
    return true;
}

bool rz_srv_predict_fast(const char *body, size_t len, float *x, size_t n) {
    static const char key[] = "\"input\"";
    cursor c = {body, body + len};
    if (!eat(&c, '{')) return false;
    ws(&c);
    if ((size_t)(c.end - c.p) < sizeof key - 1 || memcmp(c.p, key, sizeof key - 1)) return false;
    c.p += sizeof key - 1;
    if (!eat(&c, ':') || !eat(&c, '[')) return false;
    for (size_t i = 0; i < n; i++) {
        double v;
        if ((i && !eat(&c, ',')) || !number(&c, &v)) return false;
        x[i] = (float)v;
    }
    if (!eat(&c, ']') || !eat(&c, '}')) return false;
    ws(&c);
    return c.p == c.end;
}
