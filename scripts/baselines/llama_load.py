#!/usr/bin/env python3
"""A2 baseline helper, started by rzbench on every CPU: times llama.cpp (through the libllama that
llama-cpp-python builds, CPU only, mmap on) loading argv[1], with argv[2] threads.

Two stages, each sample timed on its own:
  time to first logits: llama_model_load_from_file, a context of N_CTX positions
                        (llama_init_from_model, argv[2] threads), llama_decode of token id 1 at
                        position 0, and one read of its logits (llama_get_logits_ith); the frees
                        after it are not timed
  open:                 llama_model_load_from_file alone (the free after it is not timed)
The page cache is rzbench's business: for a cold sample it evicts the file and checks that no
page stayed resident before it sends the request; this helper never reads the file between
requests (each sample frees everything it loaded, so no mapping keeps pages in memory).

Protocol on stdin/stdout, one JSON object per line:
  start          -> {"ready": true, "llama_cpp": ..., "system_info": ..., "threads": T,
                     "n_ctx": N_CTX, "logit0": x}  after one untimed first-logits cycle; x is
                     logit 0 of token 1 at position 0, for rzbench to compare with rz's
  "first N"      -> {"samples_ns": [...]}  N samples of time to first logits
  "open N"       -> {"samples_ns": [...]}  N samples of the load alone
  "quit" or EOF  -> exit 0
"""
import json
import sys
import time

import llama_common

N_CTX = 512
TOKEN = 1


def decode_one(llama_cpp, ctx):
    tokens = (llama_cpp.llama_token * 1)(TOKEN)
    rc = llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(tokens, 1))
    if rc != 0:
        sys.stderr.write(f"llama_decode failed ({rc}) on token {TOKEN}\n")
        sys.exit(1)
    return float(llama_cpp.llama_get_logits_ith(ctx, -1)[0])


def first_logits(llama_cpp, path, params, threads):
    """One sample: (ns from load to the first logit read, that logit)."""
    t0 = time.perf_counter_ns()
    model = llama_common.load(llama_cpp, path, params)
    ctx = llama_common.context(llama_cpp, model, path, threads, N_CTX)
    logit = decode_one(llama_cpp, ctx)
    t1 = time.perf_counter_ns()
    llama_cpp.llama_free(ctx)
    llama_cpp.llama_model_free(model)
    return t1 - t0, logit


def open_only(llama_cpp, path, params):
    t0 = time.perf_counter_ns()
    model = llama_common.load(llama_cpp, path, params)
    t1 = time.perf_counter_ns()
    llama_cpp.llama_model_free(model)
    return t1 - t0


def answer(llama_cpp, path, params, threads, words):
    count = int(words[1])
    if words[0] == "open":
        return {"samples_ns": [open_only(llama_cpp, path, params) for _ in range(count)]}
    return {"samples_ns": [first_logits(llama_cpp, path, params, threads)[0]
                           for _ in range(count)]}


def main():
    import llama_cpp

    path, threads = sys.argv[1], int(sys.argv[2])
    llama_common.start(llama_cpp)
    params = llama_common.cpu_params(llama_cpp)
    params.use_mmap = True
    logit0 = first_logits(llama_cpp, path, params, threads)[1]
    print(json.dumps({"ready": True, "llama_cpp": llama_cpp.__version__,
                      "system_info": llama_common.system_info(llama_cpp), "threads": threads,
                      "n_ctx": N_CTX, "logit0": logit0}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        print(json.dumps(answer(llama_cpp, path, params, threads, words)), flush=True)


if __name__ == "__main__":
    main()
