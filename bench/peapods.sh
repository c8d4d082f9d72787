#!/usr/bin/env bash
# Throughput of quench's kernels beside peapods (PyPI; a Rust-core Ising /
# spin-glass Monte Carlo package) on the same workloads: 3D spin glass,
# L = 16, Metropolis, one thread, with ±J couplings (quench: multispin) and
# with Gaussian couplings (quench: float lanes, and its scalar kernel).
# Prints each in attempted spin flips per nanosecond and the ratios.
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

seconds, couplings = float(sys.argv[1]), sys.argv[2]
L, T = 16, 1.0
n = L ** 3
model = peapods.Ising(lattice_shape=(L, L, L), couplings=couplings,
                      temperatures=np.array([T]), n_replicas=1, n_disorder=1)
model.sample(20, sweep_mode="metropolis", sequential=True)
sweeps, count, start = 100, 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    model.sample(sweeps, sweep_mode="metropolis", sequential=True)
    count += sweeps
elapsed = time.perf_counter() - start
print(f"{count * n / (elapsed * 1e9):.6f}")
PY

cd "$root"
cargo build --release --quiet -p quench-cli
rate() {
    ./target/release/quench bench --workload "$1" --kernel "$2" --threads 1 --seconds "$seconds" --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["flips_per_ns"])'
}
for couplings in bimodal gaussian; do
    peapods_rate="$(RAYON_NUM_THREADS=1 "$work/venv/bin/python" "$work/peapods_bench.py" "$seconds" "$couplings")"
    printf 'peapods 3D %-8s L=16 Metropolis, 1 thread: %s flips/ns\n' "$couplings" "$peapods_rate"
    if [ "$couplings" = bimodal ]; then
        kernels="multispin"; workload=ea3d-16
    else
        kernels="float-lanes scalar"; workload=ea3d-16-gaussian
    fi
    for kernel in $kernels; do
        quench_rate="$(rate "$workload" "$kernel")"
        printf 'quench  %-18s %-11s 1 thread: %s flips/ns, %s x peapods\n' "$workload" "$kernel" "$quench_rate" \
            "$(python3 -c "print(f'{$quench_rate / $peapods_rate:.1f}')")"
    done
done
