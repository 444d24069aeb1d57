#!/usr/bin/env python3
"""A2 baseline helper, started by rzbench: times llama.cpp's native GGUF loader,
llama_model_load_from_file (through the libllama that llama-cpp-python builds), CPU only, mmap on.

Protocol on stdin/stdout, one JSON object per line:
  start             -> {"ready": true, "llama_cpp": ..., "system_info": ...}
  "run N COLD"      -> {"samples_ns": [...]}  N timed load + free cycles of argv[1]; with COLD=1
                        the file's pages are evicted (posix_fadvise DONTNEED) before each load
  "quit" or EOF     -> exit 0
"""
import ctypes
import json
import os
import sys
import time


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main():
    import llama_cpp

    path = sys.argv[1]
    silent = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)(lambda *a: None)
    llama_cpp.llama_log_set(silent, None)
    llama_cpp.llama_backend_init()
    params = llama_cpp.llama_model_default_params()
    params.n_gpu_layers = 0
    params.use_mmap = True
    model = llama_cpp.llama_model_load_from_file(path.encode(), params)
    if not model:
        sys.stderr.write(f"llama.cpp could not load {path}\n")
        sys.exit(1)
    llama_cpp.llama_model_free(model)
    info = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
    print(json.dumps({"ready": True, "llama_cpp": llama_cpp.__version__, "system_info": info}), flush=True)
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
