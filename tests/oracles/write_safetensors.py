#!/usr/bin/env python3
"""Writes a small safetensors file with the reference `safetensors` package (numpy API):
usage: write_safetensors.py OUT. Exits 3 when safetensors or numpy is not importable.
Tensors: "w.f32" F32 [2,3] = arange/4, "w.f16" F16 [4] = [-2, -0.5, 0.5, 65504],
"i.i64" I64 [2] = [-1, 7], "b.bool" BOOL [3] = [1, 0, 1]; metadata {"format": "np", "rz": "oracle"}."""
import sys

try:
    import numpy as np
    from safetensors.numpy import save_file
except ImportError:
    sys.exit(3)

tensors = {
    "w.f32": (np.arange(6, dtype=np.float32) / 4).reshape(2, 3),
    "w.f16": np.array([-2, -0.5, 0.5, 65504], dtype=np.float16),
    "i.i64": np.array([-1, 7], dtype=np.int64),
    "b.bool": np.array([True, False, True]),
}
save_file(tensors, sys.argv[1], metadata={"format": "np", "rz": "oracle"})
