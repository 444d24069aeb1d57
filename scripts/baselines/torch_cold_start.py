#!/usr/bin/env python3
"""P2 baseline: a fresh Python process that imports torch, builds nn.Linear(784, 2) + sigmoid with
the APR model's weights, makes its first prediction and prints it. rzbench times exec to exit."""
import sys

from apr_logreg import read_logreg


def main():
    import torch

    torch.set_num_threads(1)
    weights, intercept = read_logreg(sys.argv[1])
    n = len(weights)
    model = torch.nn.Linear(n, 2)
    with torch.no_grad():
        w = torch.tensor(weights, dtype=torch.float32)
        model.weight.copy_(torch.stack([-w, w]))
        model.bias.copy_(torch.tensor([-intercept, intercept], dtype=torch.float32))
    x = torch.tensor([[(j % 256) / 255.0 for j in range(n)]], dtype=torch.float32)
    with torch.inference_mode():
        p = float(torch.sigmoid(model(x))[0, 1])
    print(f"probability {p:.6f}\nclass {int(p >= 0.5)}")


if __name__ == "__main__":
    main()
