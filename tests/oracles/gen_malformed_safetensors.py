#!/usr/bin/env python3
"""Writes the malformed safetensors corpus: one file per defect under
tests/data/malformed/safetensors/, and expected.tsv (file, a substring rz's message must contain).
Standard library only. Run from anywhere; the output is deterministic."""
import json
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "malformed", "safetensors")


def image(header, data=b"", n=None):
    """8-byte little-endian length (n overrides it), the header bytes, the data section."""
    if not isinstance(header, bytes):
        header = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(header) if n is None else n) + header + data


def t(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


CASES = [
    ("empty", b"", "header length: truncated"),
    ("short_length", b"\x10\x00\x00", "header length: truncated"),
    ("header_too_large", image(b"{}", n=200_000_000), "expected at most 100000000 bytes"),
    ("header_beyond_file", image(b"{}", n=1000), "beyond the file"),
    ("header_not_object", image(b"[]"), "expected a JSON object ('{')"),
    ("header_empty", image(b""), "expected a JSON object ('{')"),
    ("bad_json", image(b'{"a":'), "expected valid JSON"),
    ("bad_utf8", image(b'{"\xff":1}'), "expected UTF-8 text"),
    ("nul_in_header", image(b'{"a\x00":1}'), "expected UTF-8 text without NUL"),
    ("trailing_garbage", image(b"{} x"), "expected only spaces after the JSON object"),
    ("tensor_not_object", image({"w": 3}), "entry: expected an object"),
    ("missing_dtype", image({"w": {"shape": [1], "data_offsets": [0, 4]}}, bytes(4)), 'expected the member "dtype"'),
    ("missing_shape", image({"w": {"dtype": "F32", "data_offsets": [0, 4]}}, bytes(4)), 'expected the member "shape"'),
    ("missing_offsets", image({"w": {"dtype": "F32", "shape": [1]}}, bytes(4)), 'expected the member "data_offsets"'),
    ("dtype_not_string", image({"w": t(7, [1], 0, 4)}, bytes(4)), "dtype: expected a string"),
    ("dtype_unknown", image({"w": t("F33", [1], 0, 4)}, bytes(4)), 'expected a safetensors dtype (F32, F16, BF16, ...), got "F33"'),
    ("shape_not_array", image({"w": t("F32", 4, 0, 4)}, bytes(4)), "shape: expected an array"),
    ("shape_negative", image({"w": t("F32", [-1], 0, 4)}, bytes(4)), "non-negative integer"),
    ("shape_fraction", image({"w": t("F32", [1.5], 0, 4)}, bytes(4)), "non-negative integer"),
    ("shape_too_many_dims", image({"w": t("F32", [1] * 9, 0, 4)}, bytes(4)), "expected at most 8 dimensions"),
    ("shape_product_overflow", image({"w": t("U8", [2**32, 2**32], 0, 0)}), "fits in 64 bits"),
    ("shape_bytes_overflow", image({"w": t("U64", [2**31, 2**31], 0, 0)}), "byte size that fits in 64 bits"),
    ("f4_odd_elements", image({"w": t("F4", [3], 0, 2)}, bytes(2)), "expected whole bytes"),
    ("offsets_not_pair", image({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}, bytes(4)), "expected [begin, end]"),
    ("offsets_huge", image({"w": t("F32", [1], 0, 1e20)}, bytes(4)), "below 2^53"),
    ("offsets_reversed", image({"w": t("F32", [0], 4, 0)}, bytes(4)), "expected begin <= end"),
    ("offsets_size_mismatch", image({"w": t("F32", [2], 0, 4)}, bytes(4)), "expected end - begin = 8 bytes"),
    ("offsets_beyond_data", image({"w": t("F32", [2], 0, 8)}, bytes(4)), "expected end <= 4"),
    ("offsets_overlap", image({"a": t("F32", [2], 0, 8), "b": t("F32", [2], 4, 12)}, bytes(12)), 'overlaps tensor "a"'),
    ("offsets_gap", image({"a": t("F32", [2], 0, 8), "b": t("F32", [2], 12, 20)}, bytes(20)), "belong to no tensor"),
    ("offsets_not_from_zero", image({"a": t("F32", [1], 4, 8)}, bytes(8)), "expected begin = 0"),
    ("trailing_data", image({"a": t("F32", [1], 0, 4)}, bytes(9)), "5 trailing bytes belong to no tensor"),
    ("duplicate_name", image(b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', bytes(2)), "expected unique tensor names"),
    ("metadata_not_object", image({"__metadata__": ["x"]}), "__metadata__: expected an object of strings"),
    ("metadata_value_not_string", image({"__metadata__": {"format": 1}}), '"format": expected a string value'),
    ("metadata_twice", image(b'{"__metadata__":{},"__metadata__":{}}'), "expected one, found two"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "expected.tsv"), "w") as tsv:
        for name, blob, needle in CASES:
            with open(os.path.join(OUT, name + ".safetensors"), "wb") as f:
                f.write(blob)
            tsv.write(f"{name}.safetensors\t{needle}\n")


if __name__ == "__main__":
    main()
