"""Reads an aprender LogisticRegression APR v1 file (layout in ../shared/README.md) for the
PyTorch baselines, independently of rz's C reader. Returns (weights, intercept)."""
import struct
import zlib


def read_logreg(path):
    data = open(path, "rb").read()
    if data[:4] != b"APRN":
        raise ValueError(f"{path}: offset 0: magic: expected APRN")
    meta_size, payload_size = struct.unpack_from("<II", data, 8)
    if 32 + meta_size + payload_size + 4 != len(data):
        raise ValueError(f"{path}: sizes do not match the file length")
    (crc,) = struct.unpack_from("<I", data, len(data) - 4)
    if zlib.crc32(data[:-4]) != crc:
        raise ValueError(f"{path}: crc32 mismatch")
    p = 32 + meta_size
    if data[p] != 1:
        raise ValueError(f"{path}: offset {p}: expected a fitted model (Some tag 1)")
    (n,) = struct.unpack_from("<Q", data, p + 1)
    weights = list(struct.unpack_from(f"<{n}f", data, p + 9))
    (intercept,) = struct.unpack_from("<f", data, p + 9 + 4 * n)
    return weights, intercept
