#!/usr/bin/env bash
# Throughput of quench's multispin kernel beside peapods (PyPI; a Rust-core
# Ising / spin-glass Monte Carlo package) on the same workload: 3D ±J spin
# glass, L = 16, Metropolis, one thread. Prints both in attempted spin flips
# per nanosecond and their ratio.
#
#   bash bench/peapods.sh [SECONDS]
#
# Creates a throw-away virtual environment under a temporary directory
# (removed on exit). quench's number comes from `quench bench` when the CLI
# has it, else from the crates/mc example `bench_workload`.
set -euo pipefail
seconds="${1:-2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet peapods numpy
"$work/venv/bin/pip" show peapods | sed -n '1,3p'

cat > "$work/peapods_bench.py" <<'PY'
# peapods 0.2 API: Ising(lattice_shape, couplings, temperatures, n_replicas,
# n_disorder).sample(n_sweeps, sweep_mode="metropolis", sequential=True).
# sample() also measures observables; its sweeps are the bulk of the time.
import sys, time
import numpy as np
import peapods

seconds = float(sys.argv[1])
L, T = 16, 1.0
n = L ** 3
model = peapods.Ising(lattice_shape=(L, L, L), couplings="bimodal",
                      temperatures=np.array([T]), n_replicas=1, n_disorder=1)
model.sample(20, sweep_mode="metropolis", sequential=True)
sweeps, count, start = 100, 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    model.sample(sweeps, sweep_mode="metropolis", sequential=True)
    count += sweeps
elapsed = time.perf_counter() - start
print(f"{count * n / (elapsed * 1e9):.6f}")
PY

peapods_rate="$(RAYON_NUM_THREADS=1 "$work/venv/bin/python" "$work/peapods_bench.py" "$seconds")"

cd "$root"
if cargo run --release --quiet -p quench-cli -- bench --help >/dev/null 2>&1; then
    quench_json="$(cargo run --release --quiet -p quench-cli -- bench --workload ea3d-16 --threads 1 --json)"
else
    quench_json="$(cargo run --release --quiet -p quench-mc --example bench_workload -- ea3d-16 1 multispin 512 shared "$seconds")"
fi
# `quench bench --json` lists its measurements under "results"; the example prints one.
quench_rate="$(printf '%s' "$quench_json" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["results"][0]["flips_per_ns"] if "results" in d else d["flips_per_ns"])')"

printf 'peapods 3D ±J L=16 Metropolis, 1 thread: %s flips/ns\n' "$peapods_rate"
printf 'quench  3D ±J L=16 multispin,  1 thread: %s flips/ns\n' "$quench_rate"
python3 -c "print(f'ratio quench / peapods: {$quench_rate / $peapods_rate:.1f}')"
