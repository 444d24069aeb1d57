#!/usr/bin/env python3
"""Stand-in for scripts/baselines/torch_cold_start.py in tests: prints what the real one prints for
the P1 input of mnist_784x2.apr, without importing torch (which takes seconds to load)."""
print("probability 0.897100\nclass 1")
