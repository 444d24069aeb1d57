#include "tests/support/amx_model.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "backends/amx/tile_config.h"
#include "engine/types/half.h"

enum { TILES = 8, MAX_ROWS = 16, MAX_COLSB = 64 };

static struct {
    bool configured;
    rz_amx_tile_config cfg;
    int8_t tile[TILES][MAX_ROWS][MAX_COLSB];
    int refusals;
    char why[160];
} m;

static bool refuse(const char *what, int t) {
    if (!m.refusals++) snprintf(m.why, sizeof m.why, "%s (tile %d)", what, t);
    return false;
}

static bool usable(int t) {
    if (!m.configured) return refuse("no tile configuration loaded", t);
    if (t < 0 || t >= TILES) return refuse("no such tile", t);
    if (!m.cfg.rows[t] || !m.cfg.colsb[t]) return refuse("tile not configured", t);
    return true;
}

void amx_model_loadconfig(const void *config) {
    memcpy(&m.cfg, config, sizeof m.cfg);
    m.configured = m.cfg.palette == 1 && m.cfg.start_row == 0;
    if (!m.configured) refuse("palette not 1 or start_row not 0", -1);
    for (int t = 0; t < TILES && m.configured; t++)
        if (m.cfg.rows[t] > MAX_ROWS || m.cfg.colsb[t] > MAX_COLSB || m.cfg.colsb[t] % 4) {
            m.configured = false;
            refuse("shape over the palette's limits", t);
        }
    memset(m.tile, 0, sizeof m.tile);
}

void amx_model_zero(int t) {
    if (usable(t)) memset(m.tile[t], 0, sizeof m.tile[t]);
}

void amx_model_load(int t, const void *base, size_t stride) {
    if (!usable(t)) return;
    for (int r = 0; r < m.cfg.rows[t]; r++)
        memcpy(m.tile[t][r], (const uint8_t *)base + (size_t)r * stride, m.cfg.colsb[t]);
}

/* Whether tiles c, a and b are configured and chain as instruction op's operands (C m x n, A
 * m x k, B k/4 x n); a refusal otherwise. */
static bool chained(const char *op, int c, int a, int b) {
    if (!usable(c) || !usable(a) || !usable(b)) return false;
    if (m.cfg.rows[a] == m.cfg.rows[c] && m.cfg.colsb[b] == m.cfg.colsb[c] &&
        m.cfg.rows[b] == m.cfg.colsb[a] / 4)
        return true;
    char what[96];
    snprintf(what, sizeof what, "%s shapes do not chain (C m x n, A m x k, B k/4 x n)", op);
    return refuse(what, c);
}

void amx_model_dpbssd(int c, int a, int b) {
    if (!chained("tdpbssd", c, a, b)) return;
    const int rows = m.cfg.rows[c], n = m.cfg.colsb[c] / 4, k = m.cfg.colsb[a] / 4;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < n; j++) {
            int32_t sum;
            memcpy(&sum, &m.tile[c][i][4 * j], sizeof sum);
            for (int l = 0; l < k; l++)
                for (int e = 0; e < 4; e++)
                    sum += m.tile[a][i][4 * l + e] * m.tile[b][l][4 * j + e];
            memcpy(&m.tile[c][i][4 * j], &sum, sizeof sum);
        }
}

/* x with a denormal flushed to a zero of its sign. */
static float flushed(float x) {
    return fpclassify(x) == FP_SUBNORMAL ? copysignf(0.0f, x) : x;
}

static float bf16_daz(uint16_t h) {
    return flushed(rz_bf16_to_f32(h));
}

float amx_model_bf16_dot(float c, const uint16_t *a, const uint16_t *b, int k) {
    float even = 0.0f, odd = 0.0f;
    for (int l = 0; l < k; l++) {
        even = flushed(fmaf(bf16_daz(a[2 * l]), bf16_daz(b[2 * l]), even));
        odd = flushed(fmaf(bf16_daz(a[2 * l + 1]), bf16_daz(b[2 * l + 1]), odd));
    }
    return flushed(flushed(c) + flushed(even + odd));
}

void amx_model_dpbf16ps(int c, int a, int b) {
    if (!chained("tdpbf16ps", c, a, b)) return;
    const int rows = m.cfg.rows[c], n = m.cfg.colsb[c] / 4, k = m.cfg.colsb[a] / 4;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < n; j++) {
            uint16_t x[MAX_COLSB / 2], w[MAX_COLSB / 2];
            float sum;
            memcpy(x, m.tile[a][i], 4 * (size_t)k);
            for (int l = 0; l < k; l++)
                memcpy(&w[2 * l], &m.tile[b][l][4 * j], 4);
            memcpy(&sum, &m.tile[c][i][4 * j], sizeof sum);
            sum = amx_model_bf16_dot(sum, x, w, k);
            memcpy(&m.tile[c][i][4 * j], &sum, sizeof sum);
        }
}

void amx_model_store(int t, void *base, size_t stride) {
    if (!usable(t)) return;
    for (int r = 0; r < m.cfg.rows[t]; r++)
        memcpy((uint8_t *)base + (size_t)r * stride, m.tile[t][r], m.cfg.colsb[t]);
}

void amx_model_release(void) {
    m.configured = false;
}

int amx_model_refusals(char *why, size_t cap) {
    int n = m.refusals;
    snprintf(why, cap, "%s", m.why);
    m.refusals = 0;
    m.why[0] = 0;
    return n;
}
