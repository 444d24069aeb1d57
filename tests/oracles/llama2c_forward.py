#!/usr/bin/env python3
"""Reference forward pass of a llama2.c checkpoint in numpy, following karpathy/llama2.c run.c
(RMSNorm eps 1e-5, RoPE on adjacent pairs with base 10000, grouped-query attention, SwiGLU).
usage: llama2c_forward.py MODEL.bin TOKEN... ; prints the logits after each token, one line of
space-separated floats per position. Exits 3 when numpy is not importable."""
import sys

try:
    import numpy as np
except ImportError:
    sys.exit(3)


def main():
    path, tokens = sys.argv[1], [int(t) for t in sys.argv[2:]]
    hdr = np.fromfile(path, dtype="<i4", count=7)
    dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = (int(x) for x in hdr)
    shared = vocab > 0
    vocab = abs(vocab)
    hs = dim // n_heads
    kv_dim = hs * n_kv
    f = np.fromfile(path, dtype="<f4")[7:]
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        a = f[pos:pos + n].reshape(shape)
        pos += n
        return a

    emb = take(vocab, dim)
    rms_att = take(n_layers, dim)
    wq = take(n_layers, dim, dim)
    wk = take(n_layers, kv_dim, dim)
    wv = take(n_layers, kv_dim, dim)
    wo = take(n_layers, dim, dim)
    rms_ffn = take(n_layers, dim)
    w1 = take(n_layers, hidden, dim)
    w2 = take(n_layers, dim, hidden)
    w3 = take(n_layers, hidden, dim)
    rms_final = take(dim)
    take(seq_len * hs)
    wcls = emb if shared else take(vocab, dim)

    def rmsnorm(x, w):
        return w * x / np.sqrt(np.mean(x * x) + 1e-5)

    def rope(v, p):
        v = v.copy()
        for i in range(0, v.shape[0], 2):
            freq = 1.0 / 10000.0 ** ((i % hs) / hs)
            c, s = np.cos(p * freq), np.sin(p * freq)
            v[i], v[i + 1] = v[i] * c - v[i + 1] * s, v[i] * s + v[i + 1] * c
        return v

    kc = np.zeros((n_layers, len(tokens), kv_dim))
    vc = np.zeros((n_layers, len(tokens), kv_dim))
    for p, tok in enumerate(tokens):
        x = emb[tok].astype(np.float64)
        for l in range(n_layers):
            xb = rmsnorm(x, rms_att[l])
            q, k, v = rope(wq[l] @ xb, p), rope(wk[l] @ xb, p), wv[l] @ xb
            kc[l, p], vc[l, p] = k, v
            out = np.zeros(dim)
            for h in range(n_heads):
                g = h // (n_heads // n_kv)
                qh = q[h * hs:(h + 1) * hs]
                att = kc[l, :p + 1, g * hs:(g + 1) * hs] @ qh / np.sqrt(hs)
                att = np.exp(att - att.max())
                att /= att.sum()
                out[h * hs:(h + 1) * hs] = att @ vc[l, :p + 1, g * hs:(g + 1) * hs]
            x = x + wo[l] @ out
            xb = rmsnorm(x, rms_ffn[l])
            a = w1[l] @ xb
            x = x + w2[l] @ ((a / (1 + np.exp(-a))) * (w3[l] @ xb))
        logits = wcls @ rmsnorm(x, rms_final)
        print(" ".join("%.6f" % z for z in logits))


if __name__ == "__main__":
    main()
