"""Reads an aprender LogisticRegression APR v1 file (layout in ../shared/README.md) for the
PyTorch baselines, independently of rz's C reader, and builds the PyTorch model they time."""
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


def torch_model(path):
    """nn.Linear(n, 2) holding the APR weights (row 1 = w, b; row 0 = -w, -b, so
    sigmoid(out)[1] = p), one thread, and realizar's P1 input x[j] = (j % 256) / 255."""
    import torch

    torch.set_num_threads(1)
    weights, intercept = read_logreg(path)
    n = len(weights)
    model = torch.nn.Linear(n, 2)
    with torch.no_grad():
        w = torch.tensor(weights, dtype=torch.float32)
        model.weight.copy_(torch.stack([-w, w]))
        model.bias.copy_(torch.tensor([-intercept, intercept], dtype=torch.float32))
    model.eval()
    x = torch.tensor([[(j % 256) / 255.0 for j in range(n)]], dtype=torch.float32)
    return model, x
