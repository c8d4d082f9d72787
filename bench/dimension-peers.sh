#!/usr/bin/env bash
# quench's intrinsic-dimension estimators beside dadapy and scikit-dimension,
# on the same data, in one invocation: estimates and single-core times.
#
#   bench/dimension-peers.sh [QUENCH_BINARY]
#
# Installs numpy, dadapy and scikit-dimension into a throw-away virtual
# environment (QUENCH_PEERS_ENV, default a temporary directory; needs the
# package index), writes the data sets as .npy files (spheres of known
# dimension, the shipped 8x8 digits, a large set of 10^5 points in 64
# coordinates), and runs `quench dimension` and the two libraries on each,
# all on one core (--threads 1, n_jobs=1, OMP/BLAS threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
quench="${1:-target/release/quench}"
if [[ ! -x "$quench" ]]; then
  cargo build --release --locked --bin quench
  quench=target/release/quench
fi
environment="${QUENCH_PEERS_ENV:-$(mktemp -d)/peers}"
if [[ ! -x "$environment/bin/python" ]]; then
  python3 -m venv "$environment"
fi
"$environment/bin/python" -m pip install --quiet --disable-pip-version-check \
  "numpy>=1.21" "dadapy==0.3.4" "scikit-dimension==0.5.0"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
"$environment/bin/python" bench/dimension_peers.py "$quench"
