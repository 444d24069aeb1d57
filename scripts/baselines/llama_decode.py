#!/usr/bin/env python3
"""S1 baseline helper, started by rzbench: times llama.cpp's prompt processing and greedy decoding
(through the libllama that llama-cpp-python builds), CPU only, on argv[1] with argv[2] threads and
a context of argv[3] positions.

The prompt is n fixed token ids, id i = (1 + 7919 i) mod n_vocab, the same ids rz uses
(claims/workloads/llama_decode.h); no tokenizer is involved. Each decode step is one llama_decode
of the previous step's argmax plus the argmax of its logits, as on the rz side.

Protocol on stdin/stdout, one JSON object per line:
  start                 -> {"ready": true, "llama_cpp": ..., "system_info": ..., "threads": T,
                            "n_vocab": V}
  "run N_PROMPT N_DEC"  -> {"samples_ns": [prompt, step 1, ..., step N_DEC]}: the memory is
                           cleared, the prompt decoded in one batch and its argmax taken (time to
                           first token), then N_DEC greedy steps
  "quit" or EOF         -> exit 0
Before its first run the helper widens its CPU affinity to every CPU when T > 1 (rzbench pins it
to one core, and llama.cpp's threads inherit the affinity when they start) and makes one untimed
run of the prompt and one step, so the weights are resident and both graph shapes are built.
"""
import sys
import time

import llama_common


def argmax(llama_cpp, np, ctx, n_vocab):
    logits = llama_cpp.llama_get_logits_ith(ctx, -1)
    return int(np.ctypeslib.as_array(logits, shape=(n_vocab,)).argmax())


def decode(llama_cpp, ctx, ids):
    tokens = (llama_cpp.llama_token * len(ids))(*ids)
    rc = llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(tokens, len(ids)))
    if rc != 0:
        sys.stderr.write(f"llama_decode failed ({rc}) on {len(ids)} tokens\n")
        sys.exit(1)


def run(llama_cpp, np, ctx, n_vocab, n_prompt, n_decode):
    llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
    prompt = [(1 + 7919 * i) % n_vocab for i in range(n_prompt)]
    t0 = time.perf_counter_ns()
    decode(llama_cpp, ctx, prompt)
    token = argmax(llama_cpp, np, ctx, n_vocab)
    samples = [time.perf_counter_ns() - t0]
    for _ in range(n_decode):
        t0 = time.perf_counter_ns()
        decode(llama_cpp, ctx, [token])
        token = argmax(llama_cpp, np, ctx, n_vocab)
        samples.append(time.perf_counter_ns() - t0)
    return samples


def main():
    import llama_cpp
    import numpy as np

    path, threads, n_ctx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    llama_common.start(llama_cpp)
    model = llama_common.load(llama_cpp, path, llama_common.cpu_params(llama_cpp))
    ctx = llama_common.context(llama_cpp, model, path, threads, n_ctx)
    n_vocab = llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(model))
    ready = {"ready": True, "llama_cpp": llama_cpp.__version__,
             "system_info": llama_common.system_info(llama_cpp), "threads": threads,
             "n_vocab": n_vocab}
    llama_common.serve(ready, threads,
                       lambda w: run(llama_cpp, np, ctx, n_vocab, int(w[1]), 1),
                       lambda w: {"samples_ns": run(llama_cpp, np, ctx, n_vocab, int(w[1]),
                                                    int(w[2]))})
    llama_cpp.llama_free(ctx)
    llama_cpp.llama_model_free(model)


if __name__ == "__main__":
    main()
