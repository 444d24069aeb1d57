#!/usr/bin/env python3
"""S2 baseline helper, started by rzbench: times llama.cpp's perplexity evaluation of WikiText-2
chunks (through the libllama that llama-cpp-python builds), CPU only, on argv[1] with argv[2]
threads, chunks of argv[3] tokens, text argv[4].

The text, less one trailing newline, is tokenized by llama.cpp with BOS as the vocabulary asks and
cut into non-overlapping chunks, the first token of each replaced by BOS when the vocabulary adds
BOS, as llama.cpp's perplexity tool does. One chunk is: clear the KV cache, one llama_decode of
the whole chunk with logits for every position (n_batch = n_ubatch = chunk), then the scoring of
positions chunk/2 .. chunk-2 (log-softmax of each row, the next token's log-probability) with
numpy on the logits in place.

Protocol on stdin/stdout, one JSON object per line:
  start             -> {"ready": true, "llama_cpp": ..., "system_info": ..., "threads": T,
                        "n_chunks": C}
  "run FIRST N"     -> {"samples_ns": [chunk FIRST, ..., chunk FIRST+N-1], "nll": sum of the
                        scored -log p, "count": scored positions}; chunk indices wrap modulo C
  "quit" or EOF     -> exit 0
Before its first run the helper widens its CPU affinity to every CPU when T > 1 (rzbench pins it
to one core) and evaluates one untimed chunk.
"""
import sys
import time

import llama_common


def score(np, logits, chunk, first):
    rows = logits[first:len(chunk) - 1]
    top = rows.max(axis=1)
    sums = np.exp(rows - top[:, None]).sum(axis=1, dtype=np.float64)
    picked = rows[np.arange(len(rows)), chunk[first + 1:]]
    return float(-(picked - top - np.log(sums)).sum()), len(rows)


def evaluate(llama_cpp, np, ctx, batch, chunk, n_vocab):
    llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
    n = len(chunk)
    for i, tok in enumerate(chunk):
        batch.token[i] = tok
        batch.pos[i] = i
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = 0
        batch.logits[i] = 1
    batch.n_tokens = n
    rc = llama_cpp.llama_decode(ctx, batch)
    if rc != 0:
        sys.stderr.write(f"llama_decode failed ({rc}) on a chunk of {n} tokens\n")
        sys.exit(1)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits(ctx), shape=(n, n_vocab))
    return score(np, logits, np.asarray(chunk), n // 2)


def main():
    import llama_cpp
    import numpy as np

    path, threads, n_ctx, text_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    llama_common.start(llama_cpp)
    model = llama_common.load(llama_cpp, path, llama_common.cpu_params(llama_cpp))
    ctx = llama_common.context(llama_cpp, model, path, threads, n_ctx)
    vocab = llama_cpp.llama_model_get_vocab(model)
    n_vocab = llama_cpp.llama_vocab_n_tokens(vocab)
    text = open(text_path, "rb").read()
    if text.endswith(b"\n"):
        text = text[:-1]
    add_bos = bool(llama_cpp.llama_vocab_get_add_bos(vocab))
    ids = (llama_cpp.llama_token * (len(text) + 16))()
    n = llama_cpp.llama_tokenize(vocab, text, len(text), ids, len(ids), add_bos, False)
    if n < 2 * n_ctx:
        sys.stderr.write(f"{text_path}: {n} tokens, need at least {2 * n_ctx}\n")
        sys.exit(1)
    tokens = list(ids[:n])
    chunks = []
    for c in range(n // n_ctx):
        chunk = tokens[c * n_ctx:(c + 1) * n_ctx]
        if add_bos:
            chunk[0] = llama_cpp.llama_vocab_bos(vocab)
        chunks.append(chunk)
    batch = llama_cpp.llama_batch_init(n_ctx, 0, 1)
    ready = {"ready": True, "llama_cpp": llama_cpp.__version__,
             "system_info": llama_common.system_info(llama_cpp), "threads": threads,
             "n_chunks": len(chunks)}

    def handle(words):
        first, count = int(words[1]), int(words[2])
        samples, nll, scored = [], 0.0, 0
        for c in range(first, first + count):
            t0 = time.perf_counter_ns()
            s, k = evaluate(llama_cpp, np, ctx, batch, chunks[c % len(chunks)], n_vocab)
            samples.append(time.perf_counter_ns() - t0)
            nll += s
            scored += k
        return {"samples_ns": samples, "nll": nll, "count": scored}

    llama_common.serve(ready, threads,
                       lambda w: evaluate(llama_cpp, np, ctx, batch, chunks[0], n_vocab), handle)
    llama_cpp.llama_batch_free(batch)
    llama_cpp.llama_free(ctx)
    llama_cpp.llama_model_free(model)


if __name__ == "__main__":
    main()
