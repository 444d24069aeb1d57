#!/usr/bin/env python3
"""Writes a copy of a GGUF model whose quantized tensors are dequantized to float32 (metadata and
float tensors unchanged), with the `gguf` package.

Usage: dequantize_gguf.py IN.gguf OUT.gguf

llama.cpp quantizes activations to 8 bits before dotting them with quantized weights, so on a
quantized model its logits differ from exact arithmetic by a few percent of the largest logit.
On the float32 copy it computes in float32 like rz, which isolates the forward pass itself:
  RZ_MODEL_SMOLLM2=OUT.gguf build/tests/test_llama_parity --filter 'llama_parity/smollm2'
prints the agreement (the max relative logit error is then near 1e-6 for SmolLM2).
"""
import sys

import numpy as np
import gguf
from gguf.quants import dequantize

FLOAT_TYPES = (gguf.GGMLQuantizationType.F32,)


def main(src, dst):
    r = gguf.GGUFReader(src)
    w = gguf.GGUFWriter(dst, arch=r.fields["general.architecture"].contents())
    for key, field in r.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            w.add_key_value(key, field.contents(), vtype, sub_type=field.types[1])
        else:
            w.add_key_value(key, field.contents(), vtype)
    for t in r.tensors:
        if t.tensor_type in FLOAT_TYPES:
            data = np.array(t.data)
            w.add_tensor(t.name, data, raw_shape=data.shape, raw_dtype=t.tensor_type)
        else:
            shape = [int(d) for d in reversed(t.shape)]
            w.add_tensor(t.name, dequantize(t.data, t.tensor_type).astype(np.float32).reshape(shape))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    main(sys.argv[1], sys.argv[2])
