#!/usr/bin/env python3
"""Oracle for rz's quantizers: llama.cpp's own ggml_quantize_chunk, through ctypes.

usage: ggml_quantize.py TYPE IN OUT

Reads little-endian float32 from IN (a multiple of 256 values), quantizes it to TYPE (q4_0,
q4_K, ...) with ggml's reference quantizer (no importance matrix; quantize_row_q8_1_ref and
quantize_row_q8_K_ref for q8_1 and q8_K), writes the blocks to OUT and
prints "rmse VALUE" as ggml's own dequantization measures it. Exit status 77 means llama-cpp-python
(its libggml) or numpy is not installed, so the caller skips.
"""
import ctypes
import glob
import importlib.util
import os
import sys

SKIP = 77
TYPES = {"f16": 1, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8, "q8_1": 9, "q4_k": 12,
         "q5_k": 13, "q6_k": 14, "q8_k": 15, "bf16": 30}
ROW_REF = {"q8_1": "quantize_row_q8_1_ref", "q8_k": "quantize_row_q8_K_ref"}


def load_ggml():
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or spec.origin is None:
        return None
    pkg = os.path.dirname(spec.origin)
    for pattern in ("lib/libggml-base.so*", "lib/libggml.so*", "libggml-base.so*", "libggml.so*"):
        for path in sorted(glob.glob(os.path.join(pkg, pattern))):
            lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
            if hasattr(lib, "ggml_quantize_chunk"):
                return lib
    return None


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import numpy as np
    except ImportError as e:
        print(f"skip: {e}", file=sys.stderr)
        return SKIP
    lib = load_ggml()
    if lib is None:
        print("skip: llama_cpp (libggml) not installed", file=sys.stderr)
        return SKIP
    name, src, dst = argv[1:]
    gtype = TYPES[name.lower()]
    x = np.ascontiguousarray(np.fromfile(src, dtype="<f4"))
    n_per_row = 256
    nrows = x.size // n_per_row
    lib.ggml_row_size.restype = ctypes.c_size_t
    lib.ggml_row_size.argtypes = [ctypes.c_int, ctypes.c_int64]
    row = lib.ggml_row_size(gtype, n_per_row)
    out = np.zeros(row * nrows, dtype=np.uint8)
    if name.lower() in ROW_REF:  # activations only: ggml_quantize_chunk refuses them
        fn = getattr(lib, ROW_REF[name.lower()])
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        fn(x.ctypes.data, out.ctypes.data, x.size)
    else:
        fn = lib.ggml_quantize_chunk
        fn.restype = ctypes.c_size_t
        fn.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                       ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
        fn(gtype, x.ctypes.data, out.ctypes.data, 0, nrows, n_per_row, None)
    out.tofile(dst)
    try:
        from gguf import GGMLQuantizationType, quants
        y = quants.dequantize(out.reshape(1, -1), GGMLQuantizationType(gtype)).reshape(-1)
        print(f"rmse {float(np.sqrt(np.mean((y.astype(np.float64) - x) ** 2))):.9g}")
    except (ImportError, NotImplementedError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
