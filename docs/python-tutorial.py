"""quench from Python: a tutorial that runs as a script.

    python docs/python-tutorial.py --out tutorial-output

It runs a small Sherrington–Kirkpatrick experiment from a dict, reads its
tables as pandas DataFrames, draws one of its samples as a numpy matrix,
samples that matrix with parallel tempering and checks it against exact
enumeration, asks the replica theory for the same temperatures, and draws
one figure with matplotlib (``sk-from-python.png`` in the output folder).
About half a minute on two cores.

Install the package first (see the README): ``pip install ./crates/python``
in a virtual environment, and ``pip install matplotlib``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import quench  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--out", type=Path, default=Path("tutorial-output"))
parser.add_argument("--threads", type=int, default=None)
arguments = parser.parse_args()
arguments.out.mkdir(parents=True, exist_ok=True)

# 1. An experiment as a dict: the same keys as a spec file (see `quench models`).
spec = {
    "name": "sk-tutorial",
    "seed": 2026,
    "model": {"model": "sk"},
    "grid": {"n": [32, 64, 128]},
    "ensemble": {"samples": 16},
    "algorithm": {
        "method": "parallel-tempering",
        "replicas": 2,
        "equilibration_rounds": 500,
        "measurement_rounds": 1500,
    },
    "temperatures": {"minimum": 0.4, "maximum": 1.6, "count": 10},
}
result = quench.run(spec, arguments.out / "sk-tutorial", threads=arguments.threads)
print(result)

# 2. The tables are DataFrames: disorder averages with their errors.
disorder = result.tables["disorder"]
print(disorder.head())
binder = disorder[disorder["observable"] == "binder_cumulant"]
energy = disorder[disorder["observable"] == "energy"]

# 3. One sample as a numpy matrix (drawn from the streams a run uses; here
#    of the same spec at N = 16, small enough to enumerate), and the
#    samplers on it, checked against exact enumeration.
small = {**spec, "grid": {"n": [16]}}
sample = quench.draw(small, point=0, sample=0)
couplings = sample["couplings"]
print("drawn:", sample["description"], couplings.shape, couplings.dtype)
temperatures = [0.5, 0.8, 1.2]
tempering = quench.temper(couplings, temperatures, rounds=4000, equilibration=1000, seed=1)
exact = quench.exact(couplings, temperatures)["thermal"].set_index("temperature")
for t in temperatures:
    row = tempering["summary"].query("observable == 'energy' and temperature == @t").iloc[0]
    print(
        f"T = {t}: Monte Carlo e = {row['mean']:.4f} ± {row['error']:.4f}"
        f" (tau_int {row['tau_int']:.1f}), exact e = {exact.loc[t, 'energy_per_spin']:.4f}"
    )

# 4. Replica theory at the same temperatures: the Parisi (full RSB) energy.
theory_temperatures = np.linspace(0.4, 1.6, 13)
theory_energy = [
    quench.theory.sk(t, rsb="full" if t < 1 else "rs", accuracy="fast")["energy"]
    for t in theory_temperatures
]

# 5. One figure: the Binder cumulant per N, and the energy against theory.
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
for n, rows in binder.groupby("spins"):
    left.errorbar(rows["temperature"], rows["mean"], yerr=rows["error"], marker="o",
                  capsize=2, label=f"N = {n}")
left.axvline(1.0, color="grey", lw=0.8, ls=":")
left.set_xlabel("temperature T")
left.set_ylabel("Binder cumulant g")
left.set_title("SK Binder cumulant per N (T_c = 1 dotted)")
left.legend()
for n, rows in energy.groupby("spins"):
    right.errorbar(rows["temperature"], rows["mean"], yerr=rows["error"], marker="o",
                   ls="none", capsize=2, label=f"N = {n} (Monte Carlo)")
right.plot(theory_temperatures, theory_energy, color="black", label="Parisi (full RSB) / RS, N = ∞")
right.set_xlabel("temperature T")
right.set_ylabel("energy per spin e")
right.set_title("Energy against replica theory")
right.legend()
path = arguments.out / "sk-from-python.png"
figure.savefig(path, dpi=110)
print("figure:", path)
