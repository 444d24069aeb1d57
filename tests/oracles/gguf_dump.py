#!/usr/bin/env python3
"""Oracle for tests/test_gguf_oracle.c: what the `gguf` package's GGUFReader sees in a GGUF file,
as JSON on stdout. Exit 77 when the package is missing (the test then skips).

{"version", "alignment", "data_offset",
 "kv": [{"key", "type", "elem", "n", "value", "crc"}],  value: scalars (ints as decimal strings,
       strings as hex), crc: zlib.crc32 over an array's elements (numbers: their raw little-endian
       bytes; strings: u64 length then bytes, each)
 "tensors": [{"name", "type", "shape", "offset", "n_bytes"}]}  offset relative to the data section
"""
import json
import struct
import sys
import zlib

try:
    import gguf
except ImportError:
    sys.exit(77)

STRING, ARRAY, BOOL = 8, 9, 7
FLOATS = (6, 12)


def scalar(field, part, vtype):
    if vtype == STRING:
        return bytes(part).hex()
    x = part[0]
    if vtype in FLOATS:
        return float(x)
    if vtype == BOOL:
        return bool(x)
    return str(int(x))


def kv_entry(field):
    vtype = int(field.types[0])
    entry = {"key": field.name, "type": vtype, "elem": None, "n": None, "value": None, "crc": None}
    if vtype != ARRAY:
        entry["value"] = scalar(field, field.parts[field.data[0]], vtype)
        return entry
    elem = int(field.types[-1])
    entry["elem"], entry["n"] = elem, len(field.data)
    crc = 0
    for i in field.data:
        part = field.parts[i]
        if elem == STRING:
            crc = zlib.crc32(struct.pack("<Q", len(part)) + bytes(part), crc)
        else:
            crc = zlib.crc32(part.astype(part.dtype.newbyteorder("<")).tobytes(), crc)
    entry["crc"] = crc
    return entry


def main(path):
    r = gguf.GGUFReader(path)
    out = {
        "version": int(r.fields["GGUF.version"].parts[-1][0]),
        "alignment": int(r.alignment),
        "data_offset": int(r.data_offset),
        "kv": [kv_entry(f) for name, f in r.fields.items() if not name.startswith("GGUF.")],
        "tensors": [{"name": t.name, "type": int(t.tensor_type),
                     "shape": [int(d) for d in t.shape],
                     "offset": int(t.data_offset) - int(r.data_offset),
                     "n_bytes": int(t.n_bytes)} for t in r.tensors],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
