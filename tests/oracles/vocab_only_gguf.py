#!/usr/bin/env python3
"""Writes a vocab-only GGUF (every metadata key, no tensors) from a model GGUF, the way
llama.cpp's models/ggml-vocab-*.gguf files are: the tokenizer can then be tested without the
weights (or with a GGUF reader that does not know every tensor type).

Usage: vocab_only_gguf.py MODEL.gguf OUT.gguf   (needs the `gguf` Python package)"""
import struct
import sys

from gguf import GGUFReader


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    reader = GGUFReader(sys.argv[1])
    fields = [f for f in reader.fields.values() if not f.name.startswith("GGUF.")]
    with open(sys.argv[2], "wb") as out:
        out.write(b"GGUF" + struct.pack("<IQQ", 3, 0, len(fields)))
        for f in fields:
            for part in f.parts:
                out.write(part.tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
