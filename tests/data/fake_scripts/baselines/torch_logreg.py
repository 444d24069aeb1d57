#!/usr/bin/env python3
"""Stand-in for scripts/baselines/torch_logreg.py in tests: speaks the same protocol but reports
samples around $FAKE_TORCH_NS nanoseconds (log-normal, fixed seed), so verdicts can be forced."""
import json
import os
import random
import sys

center = float(os.environ.get("FAKE_TORCH_NS", "50000"))
if os.environ.get("FAKE_TORCH_FAIL") == "greeting":
    sys.stderr.write("ModuleNotFoundError: No module named 'torch'\n")
    sys.exit(1)
rng = random.Random(1)
print(json.dumps({"ready": True, "torch": "fake", "python": "3", "threads": 1, "p": 0.8971, "class": 1}),
      flush=True)
for line in sys.stdin:
    parts = line.split()
    if not parts or parts[0] == "quit":
        break
    count = int(parts[1])
    print(json.dumps({"samples_ns": [center * rng.lognormvariate(0, 0.05) for _ in range(count)]}),
          flush=True)
