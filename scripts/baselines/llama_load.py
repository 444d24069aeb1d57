#!/usr/bin/env python3
"""A2 baseline helper, started by rzbench: times llama.cpp's native GGUF loader,
llama_model_load_from_file (through the libllama that llama-cpp-python builds), CPU only, mmap on.

Protocol on stdin/stdout, one JSON object per line:
  start             -> {"ready": true, "llama_cpp": ..., "system_info": ...}
  "run N COLD"      -> {"samples_ns": [...]}  N timed load + free cycles of argv[1]; with COLD=1
                        the file's pages are evicted (posix_fadvise DONTNEED) before each load
  "quit" or EOF     -> exit 0
"""
import json
import os
import sys
import time

import llama_common


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main():
    import llama_cpp

    path = sys.argv[1]
    llama_common.start(llama_cpp)
    params = llama_common.cpu_params(llama_cpp)
    params.use_mmap = True
    model = llama_common.load(llama_cpp, path, params)
    llama_cpp.llama_model_free(model)
    print(json.dumps({"ready": True, "llama_cpp": llama_cpp.__version__,
                      "system_info": llama_common.system_info(llama_cpp)}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        count, cold = int(parts[1]), parts[2] == "1"
        samples = []
        for _ in range(count):
            if cold:
                evict(path)
            t0 = time.perf_counter_ns()
            model = llama_cpp.llama_model_load_from_file(path.encode(), params)
            t1 = time.perf_counter_ns()
            if not model:
                sys.stderr.write(f"llama.cpp could not load {path}\n")
                sys.exit(1)
            llama_cpp.llama_model_free(model)
            samples.append(t1 - t0)
        print(json.dumps({"samples_ns": samples}), flush=True)


if __name__ == "__main__":
    main()
