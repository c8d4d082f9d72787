"""What calling a sampler from Python costs over the same work in Rust.

    python bench/python_overhead.py [--repeats 7] [--target-seconds 1]

Each call of `quench.temper` reports `seconds`, the time of the sampling
loop measured inside the native code (the work Rust does, from the initial
state to the last measurement); the wall time of the Python call adds
everything the binding does: checking and copying the couplings in,
building the sample, releasing the GIL, handing the arrays out and making
the summary DataFrame. The ratio wall / native, taken on the same call, is
the binding's overhead; the median over repeats is reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

import quench

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--repeats", type=int, default=7)
parser.add_argument("--target-seconds", type=float, default=1.0)
parser.add_argument("--n", type=int, default=256)
arguments = parser.parse_args()

n = arguments.n
rng = np.random.default_rng(1)
upper = np.triu(rng.normal(0, 1 / np.sqrt(n), (n, n)), 1)
couplings = upper + upper.T
temperatures = np.geomspace(0.4, 1.6, 8)


def call(rounds: int, seed: int, kernel: str, series: bool = True):
    start = time.perf_counter()
    result = quench.temper(
        couplings, temperatures, rounds=rounds, equilibration=0, seed=seed,
        threads=1, series=series, kernel=kernel,
    )
    return time.perf_counter() - start, result["seconds"]


for kernel, series in (("scalar", True), ("scalar", False), ("dense-f32", True)):
    # Size the workload to about --target-seconds of native work.
    wall, native = call(20, 0, kernel)
    rounds = max(20, int(20 * arguments.target_seconds / native))
    ratios, natives = [], []
    for repeat in range(arguments.repeats):
        wall, native = call(rounds, repeat + 1, kernel, series)
        ratios.append(wall / native)
        natives.append(native)
    print(
        f"temper SK N={n} ({kernel}), 8 temperatures x 2 replicas, {rounds} rounds, "
        f"series={series}: "
        f"native {statistics.median(natives):.3f} s, "
        f"wall/native median {statistics.median(ratios):.4f} "
        f"(min {min(ratios):.4f}, max {max(ratios):.4f}, {arguments.repeats} repeats)"
    )
print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
      f"quench {quench.__version__}")
