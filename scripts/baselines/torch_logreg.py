#!/usr/bin/env python3
"""P1 baseline helper, started by rzbench: PyTorch nn.Linear(784, 2) + sigmoid holding the APR
model's weights (row 1 = w, b; row 0 = -w, -b, so sigmoid(out)[1] = p), one thread, inference mode.

Protocol on stdin/stdout, one JSON object per line:
  start          -> {"ready": true, "torch": ..., "python": ..., "threads": 1, "p": ..., "class": ...}
  "run N W K"    -> {"samples_ns": [...]}  N samples after W warm-up calls; each sample times K
                     calls and reports ns per call
  "quit" or EOF  -> exit 0
"""
import json
import platform
import sys
import time

from apr_logreg import torch_model


def main():
    import torch

    model, x = torch_model(sys.argv[1])
    clock = time.perf_counter_ns

    with torch.inference_mode():
        p = float(torch.sigmoid(model(x))[0, 1])
        print(json.dumps({"ready": True, "torch": torch.__version__, "python": platform.python_version(),
                          "threads": torch.get_num_threads(), "p": p, "class": int(p >= 0.5)}),
              flush=True)
        for line in sys.stdin:
            parts = line.split()
            if not parts or parts[0] == "quit":
                break
            count, warmup, batch = (int(v) for v in parts[1:4])
            for _ in range(warmup):
                torch.sigmoid(model(x))
            samples = []
            for _ in range(count):
                t0 = clock()
                for _ in range(batch):
                    torch.sigmoid(model(x))
                samples.append((clock() - t0) / batch)
            print(json.dumps({"samples_ns": samples}), flush=True)


if __name__ == "__main__":
    main()
