#!/usr/bin/env python3
"""llama.cpp's perplexity of a model over a text file, through llama-cpp-python, computed the
way llama.cpp's tools/perplexity/perplexity.cpp does.

Usage: llama_perplexity.py MODEL.gguf FILE [--ctx 512] [--chunks N] [--threads 2]

The file less one trailing newline (llama.cpp's -f) is tokenized by llama.cpp with BOS as the
vocabulary asks; non-overlapping chunks of --ctx tokens are evaluated in one batch each
(logits_all, n_batch = n_ctx) after a cleared KV cache, the first token of a chunk replaced by BOS
when the vocabulary adds BOS; positions ctx/2 .. ctx-2 are scored with llama.cpp's log-softmax
(max in float32, exponentials in float32 summed in double). Writes one JSON object on stdout:
n_tokens, add_bos, n_chunks, running (the [i] estimates), ppl, ppl_error (llama.cpp's formula),
eval_seconds (llama_decode calls only), tokens_per_s (chunks x ctx / eval_seconds), and
first_ids (the first 64 token ids of the tokenized text). Exit 77 when llama_cpp or numpy is
missing (the test skips), 1 on any other failure.
"""
import argparse
import json
import math
import sys
import time

try:
    import numpy as np
    import llama_cpp
except ImportError:
    sys.exit(77)


def log_prob(row, tok):
    row = np.asarray(row, dtype=np.float32)
    m = row.max()
    s = np.exp(row - m, dtype=np.float32).astype(np.float64).sum()
    return float(row[tok] - m) - math.log(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("file")
    ap.add_argument("--ctx", type=int, default=512)
    ap.add_argument("--chunks", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    llm = llama_cpp.Llama(model_path=a.model, logits_all=True, n_ctx=a.ctx, n_batch=a.ctx,
                          n_threads=a.threads, n_threads_batch=a.threads, verbose=False)
    text = open(a.file, "rb").read()
    if text.endswith(b"\n"):
        text = text[:-1]
    tokens = llm.tokenize(text, add_bos=True, special=False)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    add_bos = bool(llama_cpp.llama_vocab_get_add_bos(vocab))
    bos = llama_cpp.llama_vocab_bos(vocab)
    n_chunks = len(tokens) // a.ctx
    if a.chunks > 0:
        n_chunks = min(n_chunks, a.chunks)
    first = a.ctx // 2
    nll = nll2 = 0.0
    count = 0
    running = []
    eval_s = 0.0
    for c in range(n_chunks):
        chunk = list(tokens[c * a.ctx:(c + 1) * a.ctx])
        if add_bos:
            chunk[0] = bos
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(chunk)
        eval_s += time.perf_counter() - t0
        for j in range(first, a.ctx - 1):
            lp = log_prob(llm.scores[j], chunk[j + 1])
            nll -= lp
            nll2 += lp * lp
            count += 1
        running.append(math.exp(nll / count))
        print(f"[{c + 1}]{running[-1]:.4f},", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    mean = nll / count
    var = nll2 / count - mean * mean
    ppl = math.exp(mean)
    err = ppl * math.sqrt(var / (count - 1)) if var > 0 else 0.0
    json.dump({"n_tokens": len(tokens), "add_bos": add_bos, "n_chunks": n_chunks,
               "running": running, "ppl": ppl, "ppl_error": err, "eval_seconds": eval_s,
               "tokens_per_s": n_chunks * a.ctx / eval_s if eval_s > 0 else 0.0,
               "first_ids": list(tokens[:64])}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
