#!/usr/bin/env python3
"""Regenerates tests/data/malformed/gguf/: one small malformed GGUF file per defect, named for
it, and EXPECTED.tsv (file, then the text the rejection message must contain: the field at
fault). Also writes tests/data/gguf/valid.gguf, the well-formed file the defects start from (a
fuzzing seed). tests/test_gguf_malformed.c checks every file listed; fuzzer finds are added to
EXTRA below with the message they produce. Run from anywhere: python3 make_gguf_corpus.py
"""
import os
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "gguf"
VALID = HERE.parent / "gguf" / "valid.gguf"

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
TWO63 = 1 << 63
MAX64 = (1 << 64) - 1


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def gstr(s, length=None):
    b = s.encode()
    return u64(len(b) if length is None else length) + b


def kv(key, vtype, payload):
    return gstr(key) + u32(vtype) + payload


def tinfo(name, dims, ttype, offset, n_dims=None):
    n = len(dims) if n_dims is None else n_dims
    return gstr(name) + u32(n) + b"".join(u64(d) for d in dims) + u32(ttype) + u64(offset)


def header(n_tensors, n_kv, version=3):
    return b"GGUF" + u32(version) + u64(n_tensors) + u64(n_kv)


def file(kvs, tensors, data, align=32, n_tensors=None, n_kv=None, version=3):
    head = header(len(tensors) if n_tensors is None else n_tensors,
                  len(kvs) if n_kv is None else n_kv, version)
    head += b"".join(kvs) + b"".join(tensors)
    if tensors:
        head += b"\0" * (-len(head) % align)
    return head + data


ARCH = kv("general.architecture", STR, gstr("test"))
TOKENS = kv("tokenizer.ggml.tokens", ARR, u32(STR) + u64(3) + gstr("a") + gstr("bc") + gstr(""))
SCORES = kv("tokenizer.ggml.scores", ARR, u32(F32) + u64(2) + struct.pack("<2f", 0.5, -1.0))
FLAG = kv("test.flag", BOOL, b"\x01")
KVS = [ARCH, TOKENS, SCORES, FLAG]
# Two f32 tensors: "a" [4] at 0 (16 bytes, padded to 32) and "b" [8] at 32 (32 bytes, to EOF).
DATA = struct.pack("<4f", 1, 2, 3, 4) + b"\0" * 16 + struct.pack("<8f", *range(8))
TENSORS = [tinfo("a", [4], 0, 0), tinfo("b", [8], 0, 32)]


def valid():
    return file(KVS, TENSORS, DATA)


def cases():
    v = valid()
    kv_start = 24
    yield "empty", b"", "magic: truncated"
    yield "truncated_magic", b"GG", "magic: truncated"
    yield "bad_magic", b"GGUX" + v[4:], "magic: expected \"GGUF\""
    yield "version_1", b"GGUF" + u32(1) + v[8:], "version: expected 2 or 3, got 1"
    yield "version_4", b"GGUF" + u32(4) + v[8:], "version: expected 2 or 3, got 4"
    yield "version_big_endian", b"GGUF" + struct.pack(">I", 3) + v[8:], "big-endian"
    yield "truncated_tensor_count", v[:12], "tensor count: truncated"
    yield "truncated_kv_count", v[:20], "key/value count: truncated"
    yield "tensor_count_2p63", header(TWO63, 4) + v[kv_start:], "tensor count: 9223372036854775808 is implausible"
    yield "kv_count_2p63", header(2, TWO63) + v[kv_start:], "key/value count: 9223372036854775808 is implausible"
    yield "key_length_2p64m1", header(0, 1) + gstr("k", MAX64) + u32(U32) + u32(0), "key #0: key: string length 18446744073709551615"
    yield "key_truncated", header(0, 1) + gstr("general.archi")[:14], "key #0: key: string length 13"
    yield "value_type_unknown", file([kv("k", 13, u32(0))], [], b""), "key 'k': value type: expected a value type 0..12, got 13"
    yield "value_type_huge", file([kv("k", 0xFFFFFFFF, u32(0))], [], b""), "got 4294967295"
    yield "value_truncated_uint32", file([kv("k", U32, b"\1\2")], [], b""), "key 'k': uint32: truncated"
    yield "value_truncated_float64", file([kv("k", F64, b"\0" * 7)], [], b""), "key 'k': float64: truncated"
    yield "string_length_2p64m1", file([kv("k", STR, gstr("abc", MAX64))], [], b""), "key 'k': string: string length 18446744073709551615"
    yield "bool_value_2", file([kv("k", BOOL, b"\2")], [], b""), "key 'k': bool: expected 0 or 1, got 2"
    yield "bool_array_value_7", file([kv("k", ARR, u32(BOOL) + u64(3) + b"\0\1\7")], [], b""), "key 'k': array element 2: bool: expected 0 or 1, got 7"
    yield "array_elem_type_unknown", file([kv("k", ARR, u32(99) + u64(1) + b"\0")], [], b""), "key 'k': array element type: expected a value type 0..12, got 99"
    yield "array_uint32_length_2p63", file([kv("k", ARR, u32(U32) + u64(TWO63) + u32(1))], [], b""), "key 'k': array length: 9223372036854775808 uint32 elements run past"
    yield "array_uint64_length_2p61", file([kv("k", ARR, u32(U64) + u64(1 << 61) + u64(1))], [], b""), "array length: 2305843009213693952 uint64 elements run past"
    yield "array_string_length_2p63", file([kv("k", ARR, u32(STR) + u64(TWO63) + gstr("x"))], [], b""), "key 'k': array length: 9223372036854775808 is implausible"
    yield "array_array_length_2p64m1", file([kv("k", ARR, u32(ARR) + u64(MAX64) + u32(U8) + u64(0))], [], b""), "array length: 18446744073709551615 is implausible"
    yield "array_string_item_length_2p64m1", file([kv("k", ARR, u32(STR) + u64(2) + gstr("x") + gstr("y", MAX64))], [], b""), "key 'k': string: string length 18446744073709551615"
    nested = u32(ARR) + u64(1)
    yield "array_nested_too_deep", file([kv("k", ARR, nested * 17 + u32(U8) + u64(0))], [], b""), "key 'k': array: nested deeper than 16 levels"
    yield "array_nested_truncated", file([kv("k", ARR, u32(ARR) + u64(2) + u32(I16) + u64(1) + b"\1\0" + u32(I16) + u64(3) + b"\1\0")], [], b""), "key 'k': array length: 3 int16 elements run past"
    yield "duplicate_key", file([ARCH, FLAG, ARCH], [], b""), "key 'general.architecture': duplicate key: already defined at offset 24"
    yield "alignment_zero", file([kv("general.alignment", U32, u32(0))] + KVS, [], b""), "key 'general.alignment': expected a power of two that is a multiple of 8, got 0"
    yield "alignment_not_power_of_two", file([kv("general.alignment", U32, u32(48))] + KVS, [], b""), "key 'general.alignment': expected a power of two that is a multiple of 8, got 48"
    yield "alignment_4", file([kv("general.alignment", U32, u32(4))] + KVS, [], b""), "key 'general.alignment': expected a power of two that is a multiple of 8, got 4"
    yield "alignment_wrong_type", file([kv("general.alignment", U64, u64(32))] + KVS, [], b""), "key 'general.alignment': expected a uint32 value, got uint64"
    yield "tensor_name_length_2p64m1", file(KVS, [gstr("a", MAX64)], b"", n_tensors=1), "tensor #0: name: string length 18446744073709551615"
    yield "tensor_info_truncated", header(1, 4) + b"".join(KVS) + tinfo("a", [4], 0, 0)[:-3], "tensor 'a': offset: truncated"
    yield "tensor_dims_truncated", header(1, 4) + b"".join(KVS) + tinfo("a", [4, 4], 0, 0)[:18], "tensor 'a': dim: truncated"
    yield "tensor_n_dims_0", file(KVS, [tinfo("a", [], 0, 0), TENSORS[1]], DATA), "tensor 'a': n_dims: expected 1 to 4, got 0"
    yield "tensor_n_dims_5", file(KVS, [tinfo("a", [1, 1, 1, 1, 4], 0, 0), TENSORS[1]], DATA), "tensor 'a': n_dims: expected 1 to 4, got 5"
    yield "tensor_n_dims_2p32m1", file(KVS, [tinfo("a", [4], 0, 0, n_dims=0xFFFFFFFF)], DATA), "n_dims: expected 1 to 4, got 4294967295"
    yield "tensor_dim_above_int64", file(KVS, [tinfo("a", [TWO63], 0, 0)], DATA), "tensor 'a': dim 0: expected at most 2^63-1"
    yield "tensor_dims_product_overflow", file(KVS, [tinfo("a", [1 << 32, 1 << 32], 0, 0)], DATA), "tensor 'a': dim 1: 4294967296 makes the element count overflow"
    yield "tensor_size_overflow", file(KVS, [tinfo("a", [1 << 62], 0, 0)], DATA), "tensor 'a': type f32: size of 4611686018427387904 elements overflows"
    yield "tensor_type_unknown", file(KVS, [tinfo("a", [4], 99, 0)], DATA), "tensor 'a': type: tensor type 99 (unknown) is not supported"
    yield "tensor_type_q4_2_removed", file(KVS, [tinfo("a", [32], 4, 0)], DATA), "tensor 'a': type: tensor type 4 (q4_2) is not supported"
    yield "tensor_dim0_not_block_multiple", file(KVS, [tinfo("a", [33], 8, 0)], DATA), "tensor 'a': type q8_0: dim 0 is 33, expected a multiple of the block size 32"
    yield "tensor_offset_misaligned", file(KVS, [tinfo("a", [4], 0, 4), TENSORS[1]], DATA), "tensor 'a': offset: expected a multiple of the alignment 32, got 4"
    yield "tensor_data_beyond_eof", file(KVS, TENSORS, DATA[:-4]), "tensor 'b': offset: 32 + 32 bytes after the data section at 288 run past the end of the file"
    yield "tensor_offset_2p64m32", file(KVS, [TENSORS[0], tinfo("b", [8], 0, MAX64 - 31)], DATA), "tensor 'b': offset: 18446744073709551584 + 32 bytes after the data section"
    yield "tensor_data_section_missing", file(KVS, TENSORS, b""), "tensor 'a': offset: 0 + 16 bytes after the data section at 288 run past the end of the file (288 bytes)"
    yield "tensors_overlap", file(KVS, [tinfo("a", [16], 0, 0), tinfo("b", [8], 0, 32)], DATA), "tensor 'b': data [32, 64) overlaps tensor 'a' at [0, 64)"
    yield "tensors_same_offset", file(KVS, [tinfo("a", [4], 0, 32), tinfo("b", [8], 0, 32)], DATA), "overlaps tensor 'a'"
    yield "tensor_duplicate_name", file(KVS, [tinfo("a", [4], 0, 0), tinfo("a", [8], 0, 32)], DATA), "tensor 'a': duplicate tensor name: already defined at offset"
    # The spec's other "must" rules on names and general.* keys (engine/formats/gguf_rules.h).
    yield "key_empty", file([kv("", U32, u32(0))], [], b""), "key '': name: expected a non-empty key"
    yield "key_upper_case", file([kv("General.name", STR, gstr("x"))], [], b""), "key 'General.name': name: expected lower_snake_case segments"
    yield "key_not_ascii", file([kv("general.n\u00e4me", STR, gstr("x"))], [], b""), "name: expected ASCII"
    yield "key_empty_segment", file([kv("general..name", STR, gstr("x"))], [], b""), "key 'general..name': name: expected lower_snake_case segments separated by single '.'"
    yield "key_trailing_dot", file([kv("general.", STR, gstr("x"))], [], b""), "key 'general.': name: expected lower_snake_case segments separated by single '.'"
    yield "key_65536_bytes", file([kv("k" * 65536, U8, b"\0")], [], b""), "name: expected at most 65535 bytes"
    yield "tensor_name_65_bytes", file(KVS, [tinfo("a" * 65, [4], 0, 0), TENSORS[1]], DATA), "name: 65 bytes, expected at most 64"
    yield "architecture_upper_case", file([kv("general.architecture", STR, gstr("Llama"))], [], b""), "key 'general.architecture': expected lower-case ASCII letters and digits only"
    yield "architecture_not_string", file([kv("general.architecture", U32, u32(1))], [], b""), "key 'general.architecture': expected a string value, got uint32"
    yield "quantized_without_quantization_version", file(KVS, [tinfo("a", [32], 8, 0)], struct.pack("<e", 1.0) + b"\0" * 32 + b"\0" * 30), "tensor 'a': type q8_0: quantized, but the file lacks general.quantization_version"
    yield "quantization_version_not_uint32", file([kv("general.quantization_version", U64, u64(2))] + KVS, [], b""), "key 'general.quantization_version': expected a uint32 value, got uint64"
    yield "alignment_64_offset_misaligned", file([kv("general.alignment", U32, u32(64))] + KVS, TENSORS, DATA, align=64), "tensor 'b': offset: expected a multiple of the alignment 64, got 32"


# Inputs found by fuzzing, kept as regressions: (name, bytes, expected text).
EXTRA = []


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    VALID.parent.mkdir(parents=True, exist_ok=True)
    VALID.write_bytes(valid())
    for old in OUT.glob("*.gguf"):
        old.unlink()
    rows = []
    for name, data, needle in list(cases()) + EXTRA:
        assert "\t" not in needle and "\n" not in needle
        (OUT / f"{name}.gguf").write_bytes(data)
        rows.append(f"{name}.gguf\t{needle}")
    (OUT / "EXPECTED.tsv").write_text(
        "# file\ttext the rejection message must contain (generated by ../make_gguf_corpus.py)\n"
        + "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} files to {os.path.relpath(OUT)} and {os.path.relpath(VALID)}")


if __name__ == "__main__":
    main()
