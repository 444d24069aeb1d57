#!/usr/bin/env python3
"""P2 baseline: a fresh Python process that imports torch, builds nn.Linear(784, 2) + sigmoid with
the APR model's weights, makes its first prediction and prints it. rzbench times exec to exit."""
import sys

from apr_logreg import torch_model


def main():
    import torch

    model, x = torch_model(sys.argv[1])
    with torch.inference_mode():
        p = float(torch.sigmoid(model(x))[0, 1])
    print(f"probability {p:.6f}\nclass {int(p >= 0.5)}")


if __name__ == "__main__":
    main()
