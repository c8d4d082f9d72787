"""The body of bench/dimension-peers.sh: quench, dadapy and scikit-dimension
on the same .npy files, estimates and one-core wall times side by side."""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from dadapy import Data
import skdim

QUENCH = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="dimension-peers-")


def sphere(d, n, ambient, seed):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((n, d + 1))
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    q, _ = np.linalg.qr(rng.standard_normal((ambient, ambient)))
    return y @ q[:, : d + 1].T


def digits():
    table = np.loadtxt("crates/data/data/digits.csv", delimiter=",")
    return table[:, :64]


def quench(path, *arguments):
    start = time.perf_counter()
    out = subprocess.run(
        [QUENCH, "dimension", "--data", path, "--threads", "1", "--json", *arguments],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.perf_counter() - start
    document = json.loads(out)
    return document["dimension"], document["error"], elapsed


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def dadapy_two_nn(x, algorithm):
    data = Data(coordinates=x, maxk=3, n_jobs=1)
    # The neighbour search is part of the estimate's cost, as in quench.
    dimension, error, _ = data.compute_id_2NN(algorithm=algorithm)
    return dimension, error


def main():
    sets = [
        ("sphere d=2 in 10, n=5000", sphere(2, 5000, 10, 1), 2),
        ("sphere d=5 in 20, n=5000", sphere(5, 5000, 20, 2), 5),
        ("sphere d=10 in 30, n=5000", sphere(10, 5000, 30, 3), 10),
        ("digits 8x8, n=1797", digits(), None),
        ("sphere d=8 in 64, n=100000", sphere(8, 100000, 64, 4), 8),
    ]
    print(f"{'data':30} {'estimator':22} {'quench':>16} {'dadapy':>16} {'skdim':>8}"
          f" {'t quench':>9} {'t dadapy':>9} {'t skdim':>9} {'dadapy/quench':>14}")
    for name, x, truth in sets:
        path = os.path.join(WORK, name.split(",")[0].replace(" ", "-").replace("=", "") + ".npy")
        np.save(path, np.ascontiguousarray(x, dtype=np.float64))
        big = len(x) > 20000
        # TwoNN, the paper's regression without the largest 10 % of ratios.
        q, qe, qt = quench(path, "--fit", "regression", "--discard", "0.1")
        (d, de), dt = timed(lambda: dadapy_two_nn(x, "base"))
        if big:
            s, st = float("nan"), float("nan")
        else:
            s, st = timed(lambda: skdim.id.TwoNN(discard_fraction=0.1).fit(x).dimension_)
        print(f"{name:30} {'two-nn regression':22} {q:8.3f}±{qe:<7.3f} {d:8.3f}±{de:<7.3f}"
              f" {s:8.3f} {qt:9.2f} {dt:9.2f} {st:9.2f} {dt / qt:14.2f}")
        # TwoNN, maximum likelihood.
        q, qe, qt = quench(path)
        (d, de), dt = timed(lambda: dadapy_two_nn(x, "ml"))
        print(f"{name:30} {'two-nn likelihood':22} {q:8.3f}±{qe:<7.3f} {d:8.3f}±{de:<7.3f}"
              f" {'':8} {qt:9.2f} {dt:9.2f} {'':9} {dt / qt:14.2f}")
        if big:
            continue
        # Levina-Bickel with k = 10 (scikit-dimension's MLE, unbiased form,
        # is the mean of the local estimates; quench pools them).
        q, qe, qt = quench(path, "--estimator", "mle", "--k", "10")
        s, st = timed(lambda: skdim.id.MLE(K=10).fit(x).dimension_)
        print(f"{name:30} {'mle k=10':22} {q:8.3f}±{qe:<7.3f} {'':16} {s:8.3f}"
              f" {qt:9.2f} {'':9} {st:9.2f} {'':14}")
        if truth is not None:
            print(f"{'':30} {'(true dimension)':22} {truth:8d}")


main()
