#!/usr/bin/env python3
"""Oracle for rz's tensor types: gguf-py's reference (de)quantization.

usage: gguf_quants.py quantize|dequantize TYPE IN OUT

quantize reads little-endian float32 from IN and writes gguf.quants.quantize's bytes to OUT;
dequantize reads quantized blocks from IN and writes float32 to OUT. TYPE is a ggml type name
(q4_0, q4_K, f16, bf16, ...), any case. Exit status 77 means "cannot answer here" (numpy or gguf
missing, or gguf has no code for that type and direction), so the caller skips.
"""
import sys

SKIP = 77


def main(argv):
    if len(argv) != 5 or argv[1] not in ("quantize", "dequantize"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import numpy as np
        from gguf import GGMLQuantizationType, quants
    except ImportError as e:
        print(f"skip: {e}", file=sys.stderr)
        return SKIP
    mode, name, src, dst = argv[1:]
    try:
        qtype = GGMLQuantizationType[name.upper()]
    except KeyError:
        print(f"skip: gguf does not know type {name}", file=sys.stderr)
        return SKIP
    try:
        if mode == "quantize":
            x = np.fromfile(src, dtype="<f4").reshape(1, -1)
            out = quants.quantize(x, qtype)
        else:
            raw = np.fromfile(src, dtype=np.uint8).reshape(1, -1)
            out = quants.dequantize(raw, qtype).astype("<f4")
    except NotImplementedError as e:
        print(f"skip: {e}", file=sys.stderr)
        return SKIP
    np.ascontiguousarray(out).tofile(dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
