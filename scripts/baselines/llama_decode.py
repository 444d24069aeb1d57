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
import ctypes
import json
import os
import sys
import time


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
    silent = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)(lambda *a: None)
    llama_cpp.llama_log_set(silent, None)
    llama_cpp.llama_backend_init()
    mparams = llama_cpp.llama_model_default_params()
    mparams.n_gpu_layers = 0
    model = llama_cpp.llama_model_load_from_file(path.encode(), mparams)
    if not model:
        sys.stderr.write(f"llama.cpp could not load {path}\n")
        sys.exit(1)
    cparams = llama_cpp.llama_context_default_params()
    cparams.n_ctx = n_ctx
    cparams.n_batch = n_ctx
    cparams.n_ubatch = n_ctx
    cparams.n_threads = threads
    cparams.n_threads_batch = threads
    ctx = llama_cpp.llama_init_from_model(model, cparams)
    if not ctx:
        sys.stderr.write(f"llama.cpp could not make a context of {n_ctx} for {path}\n")
        sys.exit(1)
    n_vocab = llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(model))
    info = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
    print(json.dumps({"ready": True, "llama_cpp": llama_cpp.__version__, "system_info": info,
                      "threads": threads, "n_vocab": n_vocab}), flush=True)
    warmed = False
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        if not warmed:
            if threads > 1:
                os.sched_setaffinity(0, range(os.cpu_count()))
            run(llama_cpp, np, ctx, n_vocab, int(parts[1]), 1)
            warmed = True
        samples = run(llama_cpp, np, ctx, n_vocab, int(parts[1]), int(parts[2]))
        print(json.dumps({"samples_ns": samples}), flush=True)
    llama_cpp.llama_free(ctx)
    llama_cpp.llama_model_free(model)


if __name__ == "__main__":
    main()
