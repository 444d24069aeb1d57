#!/usr/bin/env python3
"""llama.cpp's logits for a model and a list of token ids, through llama-cpp-python.

Usage: llama_logits.py MODEL.gguf --tokens 1,2,3 [--greedy N] [--ctx N]
       llama_logits.py MODEL.gguf --text PROMPT --greedy N

With --text, the prompt is tokenized by llama.cpp (BOS as the vocabulary asks, special tokens
parsed) and the greedy continuation's text is written to stdout instead, up to N tokens or an
end-of-generation token.

Evaluates the tokens one batch, then greedily extends them by N tokens (each next token is the
argmax of the previous position's logits, fed back one at a time). Writes, on stdout, a binary
little-endian record that C reads without a JSON parser:
  int32 n_vocab, int32 n_positions, int32 n_greedy,
  int32 greedy_ids[n_greedy],
  float32 logits[n_positions][n_vocab]   (positions = prompt then greedy tokens but the last)
The KV cache is float32 and one thread is used, so that rz's float32 reference is compared with
llama.cpp's arithmetic and not with its cache rounding. Exit 77 when llama_cpp or numpy is
missing (the test skips), 1 on any other failure.
"""
import argparse
import struct
import sys

try:
    import numpy as np
    import llama_cpp
except ImportError:
    sys.exit(77)

GGML_TYPE_F32 = 0


def greedy_text(llm, text, n):
    llm.eval(llm.tokenize(text.encode(), add_bos=True, special=True))
    out = []
    for _ in range(n):
        nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        if llama_cpp.llama_vocab_is_eog(llama_cpp.llama_model_get_vocab(llm.model), nxt):
            break
        out.append(nxt)
        llm.eval([nxt])
    sys.stdout.buffer.write(llm.detokenize(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--tokens")
    ap.add_argument("--text")
    ap.add_argument("--greedy", type=int, default=0)
    ap.add_argument("--ctx", type=int, default=512)
    a = ap.parse_args()
    llm = llama_cpp.Llama(model_path=a.model, logits_all=True, n_ctx=a.ctx, n_batch=a.ctx,
                          n_threads=1, n_threads_batch=1, verbose=False,
                          type_k=GGML_TYPE_F32, type_v=GGML_TYPE_F32)
    if a.text is not None:
        return greedy_text(llm, a.text, a.greedy)
    prompt = [int(t) for t in a.tokens.split(",") if t]
    n_vocab = llm.n_vocab()
    llm.eval(prompt)
    rows = [np.array(llm.scores[i], dtype=np.float32) for i in range(len(prompt))]
    greedy = []
    for _ in range(a.greedy):
        nxt = int(np.argmax(rows[-1]))
        greedy.append(nxt)
        if len(greedy) == a.greedy:
            break
        llm.eval([nxt])
        rows.append(np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32))
    out = sys.stdout.buffer
    out.write(struct.pack("<iii", n_vocab, len(rows), len(greedy)))
    out.write(np.array(greedy, dtype="<i4").tobytes())
    for r in rows:
        out.write(r.astype("<f4").tobytes())
    out.flush()


if __name__ == "__main__":
    main()
