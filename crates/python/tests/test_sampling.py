"""The samplers and exact enumeration on user couplings, checked against
brute-force enumeration in numpy and against the command line."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import quench


def sk(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.normal(0, 1 / np.sqrt(n), (n, n)), 1)
    return upper + upper.T


def brute_force(matrix: np.ndarray, fields: np.ndarray, temperature: float) -> dict:
    n = len(matrix)
    states = np.array(list(itertools.product([1, -1], repeat=n)), dtype=float)
    energies = -0.5 * np.einsum("ki,ij,kj->k", states, matrix, states) - states @ fields
    weights = np.exp(-(energies - energies.min()) / temperature)
    z = weights.sum()
    probabilities = weights / z
    mean = probabilities @ energies
    overlaps = states @ states.T / n
    return {
        "energy_per_spin": mean / n,
        "free_energy_per_spin": (energies.min() - temperature * np.log(z)) / n,
        "specific_heat_per_spin": (probabilities @ energies**2 - mean**2) / temperature**2 / n,
        "overlap_squared": probabilities @ overlaps**2 @ probabilities,
        "ground_energy": energies.min(),
    }


def test_exact_enumeration_matches_brute_force():
    matrix, fields = sk(8, 11), np.linspace(-0.3, 0.3, 8)
    result = quench.exact(matrix, [0.4, 1.0, 2.5], fields=fields, energies=True)
    thermal = result["thermal"]
    for row in thermal.itertuples():
        truth = brute_force(matrix, fields, row.temperature)
        for name in ("energy_per_spin", "free_energy_per_spin", "specific_heat_per_spin", "overlap_squared"):
            assert getattr(row, name) == pytest.approx(truth[name], rel=1e-10, abs=1e-12), name
    assert result["ground_energy"] == pytest.approx(truth["ground_energy"], rel=1e-12)
    assert result["energies"].shape == (256,)
    np.testing.assert_allclose(result["overlap_distribution"].sum(axis=1), 1.0, rtol=1e-12)
    assert result["overlaps"].shape == (9,)
    ground = result["ground_states"]
    np.testing.assert_allclose(
        quench.energy(matrix, ground, fields=fields), result["ground_energy"], rtol=1e-12
    )
    with pytest.raises(quench.InputError, match="too many"):
        quench.exact(np.zeros((27, 27)), [1.0])


@pytest.mark.parametrize("kernel", ["scalar", "dense-f64", "dense-f32", "packed-signs"])
def test_parallel_tempering_agrees_with_exact_enumeration_within_its_errors(kernel):
    matrix = sk(10, 5)
    if kernel == "packed-signs":  # ±J couplings only
        matrix = np.sign(matrix) / np.sqrt(10)
    temperatures = [0.5, 0.8, 1.2, 2.0]
    run = quench.temper(
        matrix, temperatures, rounds=6000, equilibration=1000, seed=9, kernel=kernel
    )
    assert run["kernel"] == kernel
    exact = quench.exact(matrix, temperatures)["thermal"].set_index("temperature")
    summary = run["summary"].set_index(["observable", "temperature"])
    for t in temperatures:
        for observable, column in (("energy", "energy_per_spin"), ("overlap_squared", "overlap_squared")):
            estimate = summary.loc[(observable, t)]
            deviation = abs(estimate["mean"] - exact.loc[t, column]) / estimate["error"]
            # The error carries the integrated autocorrelation time; 4.5 sigma
            # over 8 comparisons fails by chance about once in 10^4 runs.
            assert deviation < 4.5, (observable, t, estimate.to_dict(), exact.loc[t, column])
            assert estimate["tau_int"] > 0 and estimate["count"] == 6000
    assert run["energy"].shape == (6000, 2, 4)
    assert run["overlap"].shape == (6000, 1, 4)
    assert run["spins"].shape == (2, 4, 10)
    np.testing.assert_allclose(
        run["energy"].mean(axis=(0, 1)), summary.xs("energy")["mean"].to_numpy(), rtol=1e-12
    )
    assert run["exchange_acceptance"].shape == (3,)
    assert np.all(run["exchange_acceptance"] > 0.05)


def test_kernels_are_chosen_as_the_runs_choose_them():
    gaussian, plus_minus = sk(12, 1), np.sign(sk(12, 1)) / np.sqrt(12)
    arguments = dict(rounds=50, equilibration=0, seed=3)
    assert quench.temper(gaussian, [0.5, 1.0], **arguments)["kernel"] == "dense-f32"
    assert quench.temper(plus_minus, [0.5, 1.0], **arguments)["kernel"] == "packed-signs"
    assert quench.temper(gaussian, [0.5, 1.0], rule="heat-bath", **arguments)["kernel"] == "scalar"
    # dense-f64 follows the scalar kernel's trajectory bit for bit.
    scalar = quench.temper(gaussian, [0.5, 1.0], kernel="scalar", **arguments)
    dense = quench.temper(gaussian, [0.5, 1.0], kernel="dense-f64", **arguments)
    np.testing.assert_array_equal(scalar["spins"], dense["spins"])
    with pytest.raises(quench.InputError, match="packed-signs cannot run"):
        quench.temper(gaussian, [0.5, 1.0], kernel="packed-signs", **arguments)
    with pytest.raises(quench.InputError, match="kernel"):
        quench.temper(gaussian, [0.5, 1.0], kernel="multispin", **arguments)


def test_results_depend_on_the_seed_and_not_on_threads():
    matrix = sk(12, 2)
    one = quench.temper(matrix, [0.6, 1.0, 1.6], rounds=300, equilibration=50, seed=4, threads=1)
    two = quench.temper(matrix, [0.6, 1.0, 1.6], rounds=300, equilibration=50, seed=4, threads=2)
    other = quench.temper(matrix, [0.6, 1.0, 1.6], rounds=300, equilibration=50, seed=5)
    np.testing.assert_array_equal(one["energy"], two["energy"])
    np.testing.assert_array_equal(one["spins"], two["spins"])
    assert not np.array_equal(one["energy"], other["energy"])


def test_sweeps_keep_the_energy_of_their_configuration():
    matrix = sk(20, 3)
    start = np.ones(20, dtype=np.int8)
    result = quench.sweep(matrix, 0.7, sweeps=200, seed=1, spins=start)
    assert result["final_energy"] == pytest.approx(quench.energy(matrix, result["spins"]), abs=1e-9)
    assert result["energy"][-1] * 20 == pytest.approx(result["final_energy"], abs=1e-9)
    assert 0 < result["acceptance"] < 1


def test_annealing_finds_the_exact_ground_state():
    matrix = sk(14, 8)
    found = quench.anneal(matrix, seed=2, restarts=8, steps=50)
    assert found["energy"] == pytest.approx(quench.exact(matrix, [1.0])["ground_energy"], abs=1e-9)
    assert found["hits"] >= 1 and found["restart_energies"].shape == (8,)


def test_exact_ensemble_gives_the_command_lines_numbers(cli_json):
    python = quench.exact_ensemble(
        "sk", n=8, samples=20, temperatures=[0.5, 1.0], seed=7, couplings="gaussian", field=0.0
    )
    cli = cli_json("exact", "--model", "sk", "--n", "8", "--samples", "20",
                   "--temperatures", "0.5,1", "--seed", "7")
    table = python.pop("table")
    assert python == cli
    assert set(table["observable"]) >= {"energy_per_spin", "binder_cumulant"}


def test_the_gil_is_released_while_a_sampler_runs():
    import threading
    import time

    matrix = sk(128, 6)

    def measure(rounds):
        """A pure-Python loop's heartbeats while another thread samples."""
        done = threading.Event()
        timings = {}

        def work():
            start = time.perf_counter()
            quench.temper(matrix, [0.5, 1.0], rounds=rounds, equilibration=0, seed=1,
                          kernel="scalar", series=False, threads=1)
            timings["call"] = time.perf_counter() - start
            done.set()

        thread = threading.Thread(target=work)
        beats = [time.perf_counter()]
        thread.start()
        while not done.is_set():
            sum(range(1000))  # pure Python: runs only while the other thread has let the GIL go
            beats.append(time.perf_counter())
        thread.join()
        return beats, timings["call"]

    # The call must last long enough for a held GIL to show as a stall: the
    # work doubles until it does (a fixed size once fell under the bar on a
    # faster machine; nothing here asserts a speed).
    rounds = 4000
    for _ in range(8):
        beats, call = measure(rounds)
        if call > 0.2:
            break
        rounds *= 2
    else:
        pytest.fail(f"{rounds} rounds still took only {call:.3f} s")
    gaps = np.diff(beats)
    # Held for the whole call, the GIL would stall this loop for about that long.
    assert gaps.max() < 0.5 * call, (gaps.max(), call)
    assert len(beats) > 100
