#!/usr/bin/env bash
# Restricted Boltzmann machine training, quench beside scikit-learn's
# BernoulliRBM, on the same data and settings: load_digits() binarised as
# pixel >= 8 (1797 rows x 64 visible), PCD-1 with batch size 10 (= persistent
# chains), learning rate 0.1, one core. Prints seconds per epoch at 16, 64 and
# 256 hidden units (means over seeds, interleaved so that the machine's load
# falls on both alike) with the ratios sklearn / quench, and the exact mean
# log-likelihood (nats per row, exact log Z over all 2^16 hidden states) of
# both trained machines at 16 hidden, computed by one numpy function; numpy's
# value for quench's saved machine is printed beside quench's own as a
# cross-check of quench's exact log Z.
#
#   bash bench/sklearn_rbm.sh [EPOCHS]          # default 10 epochs
#
# Creates a throw-away virtual environment under a temporary directory
# (removed on exit); SKLEARN_RBM_VENV=/path reuses an existing one with
# scikit-learn and numpy. SKLEARN_RBM_SEEDS sets how many sklearn seeds
# (random_state 1..N, default 5) enter the likelihood comparison.
# sklearn's s/epoch is the time of fit() over the epochs, so it includes its
# one-off setup; quench's is the mean of its per-epoch times. sklearn trains
# in the precision of its input: it is timed with float64 (its default for
# this data) and with float32 input (quench trains in float32), and the
# ratios against both are printed.
set -euo pipefail
epochs="${1:-10}"
seeds="${SKLEARN_RBM_SEEDS:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "${SKLEARN_RBM_VENV:-}" ]; then
    py="$SKLEARN_RBM_VENV/bin/python"
else
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet scikit-learn numpy
    py="$work/venv/bin/python"
fi
quench="$root/target/release/quench"
[ -x "$quench" ] || (cd "$root" && cargo build --release --bin quench)

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1
pin=()
command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null && pin=(taskset -c 0)

cat > "$work/rbm.py" <<'PY'
# data CSV | sklearn CSV H E LR B SEED | ll CSV PARAMS.json | summary RESULTS.jsonl
import json, sys, time
import numpy as np

def softplus(x):
    return np.logaddexp(0.0, x)

def exact_ll(W, b, c, X, chunk=8192):
    """Mean log-likelihood per row; W is visible x hidden, log Z summed over all h."""
    n_h = W.shape[1]
    parts = []
    for start in range(0, 2 ** n_h, chunk):
        idx = np.arange(start, min(start + chunk, 2 ** n_h))
        h = ((idx[:, None] >> np.arange(n_h)) & 1).astype(np.float64)
        parts.append(h @ c + softplus(h @ W.T + b).sum(axis=1))
    t = np.concatenate(parts)
    log_z = t.max() + np.log(np.exp(t - t.max()).sum())
    free = -X @ b - softplus(X @ W + c).sum(axis=1)
    return float(-free.mean() - log_z)

cmd = sys.argv[1]
if cmd == "data":
    from sklearn.datasets import load_digits
    X = (load_digits().data >= 8).astype(np.int64)
    np.savetxt(sys.argv[2], X, fmt="%d", delimiter=",")
elif cmd == "sklearn":
    from sklearn.neural_network import BernoulliRBM
    X = np.loadtxt(sys.argv[2], delimiter=",")
    h, e, lr, b, seed = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    precision = sys.argv[8]
    X = X.astype(np.float32 if precision == "float32" else np.float64)
    rbm = BernoulliRBM(n_components=h, learning_rate=lr, batch_size=b, n_iter=e, random_state=seed)
    start = time.perf_counter()
    rbm.fit(X)
    spe = (time.perf_counter() - start) / e
    ll = exact_ll(rbm.components_.T.astype(np.float64), rbm.intercept_visible_.astype(np.float64),
                  rbm.intercept_hidden_.astype(np.float64), X.astype(np.float64)) if h <= 24 else None
    print(json.dumps({"who": "sklearn-" + precision, "hidden": h, "seed": seed, "spe": spe, "ll": ll}))
elif cmd == "ll":
    X = np.loadtxt(sys.argv[2], delimiter=",")
    p = json.load(open(sys.argv[3]))
    W = np.array(p["weights"], dtype=np.float64).reshape(p["visible"], p["hidden"])
    print(exact_ll(W, np.array(p["visible_bias"], float), np.array(p["hidden_bias"], float), X))
elif cmd == "summary":
    import platform, sklearn
    rows = [json.loads(line) for line in open(sys.argv[2])]
    def pick(who, h, key):
        return np.array([r[key] for r in rows if r["who"] == who and r["hidden"] == h and r[key] is not None])
    def mse(a):
        se = a.std(ddof=1) / np.sqrt(len(a)) if len(a) > 1 else float("nan")
        return f"{a.mean():.6g} ± {se:.2g} (n={len(a)})"
    print(f"\n{'hidden':>6} {'sklearn f64 s/epoch':>20} {'sklearn f32 s/epoch':>20} {'quench s/epoch':>15}"
          f" {'f64/quench':>11} {'f32/quench':>11}")
    for h in sorted({r["hidden"] for r in rows}):
        s64, s32 = pick("sklearn-float64", h, "spe").mean(), pick("sklearn-float32", h, "spe").mean()
        q = pick("quench", h, "spe").mean()
        print(f"{h:>6} {s64:>20.6f} {s32:>20.6f} {q:>15.6f} {s64 / q:>11.1f} {s32 / q:>11.1f}")
    print("\nexact mean log-likelihood, nats per row, hidden 16 (seeds 1..N of each):")
    print(f"  sklearn float64, mean ± se: {mse(pick('sklearn-float64', 16, 'll'))}")
    print(f"  sklearn float32, mean ± se: {mse(pick('sklearn-float32', 16, 'll'))}")
    print(f"  quench,          mean ± se: {mse(pick('quench', 16, 'll'))}")
    for r in rows:
        if r["who"] == "quench" and r["hidden"] == 16:
            d = r["ll_numpy"] - r["ll"]
            print(f"  quench run {r['seed']}: quench {r['ll']:.12f}  numpy {r['ll_numpy']:.12f}"
                  f"  diff {d:.3e} (rel {abs(d / r['ll']):.1e})")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"\nsklearn {sklearn.__version__}, numpy {np.__version__}, python {platform.python_version()}, "
          f"{sys.argv[3]}, CPU {cpu}")
PY

data="$work/digits.csv"
results="$work/results.jsonl"
"$py" "$work/rbm.py" data "$data"
lr=0.1 batch=10
run_quench() {  # hidden, run-number
    "${pin[@]}" "$quench" bench --workload rbm-digits --data "$data" --hidden "$1" --epochs "$epochs" \
        --batch-size "$batch" --learning-rate "$lr" --seed "$2" --json --save "$work/params.json" > "$work/q.json"
    ll_numpy=null
    [ "$1" -le 24 ] && ll_numpy="$("$py" "$work/rbm.py" ll "$data" "$work/params.json")"
    "$py" -c 'import json, sys; r = json.load(open(sys.argv[1]))["rbm"][0]
print(json.dumps({"who": "quench", "hidden": r["hidden"], "seed": int(sys.argv[2]), "ll": r["log_likelihood"],
    "ll_numpy": json.loads(sys.argv[3]), "spe": sum(r["epoch_seconds"]) / len(r["epoch_seconds"])}))' \
        "$work/q.json" "$2" "$ll_numpy" >> "$results"
}

echo "epochs $epochs, batch $batch, learning rate $lr, 1 thread${pin:+ (taskset -c 0)}, $seeds seeds at hidden 16"
for seed in $(seq 1 "$seeds"); do
    for precision in float64 float32; do
        "${pin[@]}" "$py" "$work/rbm.py" sklearn "$data" 16 "$epochs" "$lr" "$batch" "$seed" "$precision" >> "$results"
    done
    run_quench 16 "$seed"
done
for h in 64 256; do
    for seed in 1 2 3; do
        for precision in float64 float32; do
            "${pin[@]}" "$py" "$work/rbm.py" sklearn "$data" "$h" "$epochs" "$lr" "$batch" "$seed" "$precision" >> "$results"
        done
        run_quench "$h" "$seed"
    done
done
"$py" "$work/rbm.py" summary "$results" "$("$quench" --version 2>/dev/null || echo 'quench ?')"
