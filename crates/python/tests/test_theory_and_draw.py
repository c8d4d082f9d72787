"""Theory functions give the command line's numbers; draw reaches every
family through the seam."""

from __future__ import annotations

import numpy as np
import pytest

import quench


@pytest.mark.parametrize(
    "function, arguments, command",
    [
        (quench.theory.sk, dict(temperature=0.6, field=0.3, rsb="rs"),
         ["sk", "--temperature", "0.6", "--field", "0.3", "--rsb", "rs"]),
        (quench.theory.sk, dict(temperature=0.5, rsb="1rsb", accuracy="fast"),
         ["sk", "--temperature", "0.5", "--rsb", "1rsb", "--accuracy", "fast"]),
        (quench.theory.sk, dict(temperature=0.5, rsb="full", accuracy="fast"),
         ["sk", "--temperature", "0.5", "--rsb", "full", "--accuracy", "fast"]),
        (quench.theory.sk_at_line, dict(temperature=0.8), ["sk-at-line", "--temperature", "0.8"]),
        (quench.theory.pspin, dict(p=3, spherical=True), ["pspin", "--p", "3", "--spherical"]),
        (quench.theory.pspin, dict(p=4), ["pspin", "--p", "4"]),
        (quench.theory.pspin_dynamics, dict(p=3, temperature=0.5, time=64, waiting_times=[4, 8], points=64),
         ["pspin-dynamics", "--p", "3", "--temperature", "0.5", "--time", "64", "--waiting-times", "4,8",
          "--points", "64"]),
        (quench.theory.hopfield, dict(temperature=0.3, alpha=0.05),
         ["hopfield", "--temperature", "0.3", "--alpha", "0.05"]),
        (quench.theory.sparse, dict(degree=3), ["sparse", "--degree", "3", "--couplings", "pm1"]),
        (quench.theory.sparse, dict(degree=2.5, graph="erdos-renyi", couplings="gaussian"),
         ["sparse", "--graph", "erdos-renyi", "--degree", "2.5", "--couplings", "gaussian"]),
        (quench.theory.perceptron, dict(weights="binary", alpha=0.5),
         ["perceptron", "--weights", "binary", "--alpha", "0.5"]),
        (quench.theory.teacher_student, dict(alpha=2.0, weights="spherical", learning="gibbs", temperature=0.5),
         ["teacher-student", "--alpha", "2", "--weights", "spherical", "--learning", "gibbs",
          "--temperature", "0.5"]),
        (quench.theory.spiked_wigner, dict(snr=2.0, prior="gaussian"),
         ["spiked-wigner", "--snr", "2", "--prior", "gaussian"]),
        (quench.theory.deep_network, dict(depth=5, alpha=3.0),
         ["deep-network", "--depth", "5", "--alpha", "3"]),
        (quench.theory.deep_network, dict(depth=4, kappa=0.5),
         ["deep-network", "--depth", "4", "--kappa", "0.5"]),
        (quench.theory.deep_network, dict(depth=5, alpha=16.0, scenario="teacher"),
         ["deep-network", "--depth", "5", "--alpha", "16", "--scenario", "teacher"]),
    ],
)
def test_theory_functions_return_the_command_lines_numbers(function, arguments, command, cli_json):
    assert function(**arguments) == cli_json("theory", *command)


def test_theory_values_against_known_results():
    # Spherical 3-spin: T_d = sqrt(3/8) (Crisanti and Sommers 1992).
    assert quench.theory.pspin(3, spherical=True)["dynamic_temperature"] == pytest.approx(
        np.sqrt(3 / 8), rel=1e-9
    )
    # AGS capacity at T = 0: alpha_c = 0.138 (Amit, Gutfreund, Sompolinsky 1987).
    assert quench.theory.hopfield(0.0)["alpha_c"] == pytest.approx(0.138, abs=1e-3)
    # Gardner's capacity at zero margin: alpha_c = 2 (Gardner 1988).
    assert quench.theory.perceptron()["alpha_c"] == pytest.approx(2.0, abs=1e-6)


def test_theory_errors_name_the_parameter():
    with pytest.raises(quench.InputError, match="temperature"):
        quench.theory.sk(-1.0)
    with pytest.raises(quench.InputError, match="rsb"):
        quench.theory.sk(0.5, rsb="3rsb")
    with pytest.raises(quench.InputError, match="degree"):
        quench.theory.sparse(2.5)
    with pytest.raises(quench.InputError, match="label_noise"):
        quench.theory.teacher_student(1.0, label_noise=0.7)
    with pytest.raises(quench.InputError, match="depth"):
        quench.theory.deep_network(0)
    with pytest.raises(quench.InputError, match="scenario"):
        quench.theory.deep_network(3, scenario="student")
    with pytest.raises(quench.InputError, match="waiting_times"):
        quench.theory.pspin_dynamics(3, 0.5, 10.0, waiting_times=[20.0])


def test_draw_gives_the_runs_sample_for_every_family(sk_spec, hopfield_spec, tmp_path, quench_bin):
    import subprocess

    drawn = quench.draw(sk_spec, point=0, sample=2)
    assert drawn["n"] == 10 and drawn["uniform_field"] == 0.0
    instance = tmp_path / "J.npy"
    subprocess.run(
        [str(quench_bin), "draw", str(sk_spec), "--point", "0", "--sample", "2", "--out", str(instance)],
        check=True, capture_output=True,
    )
    np.testing.assert_array_equal(np.load(instance), drawn["couplings"])

    memory = quench.draw(hopfield_spec, point=1, sample=0)
    patterns = memory["patterns"]
    assert patterns.dtype == np.int8 and patterns.shape[1] == 200
    assert set(np.unique(patterns)) <= {-1, 1}
    with pytest.raises(quench.InputError, match="point = 99"):
        quench.draw(hopfield_spec, point=99)
    with pytest.raises(quench.InputError, match="sample"):
        quench.draw(sk_spec, sample=3)


def test_a_perceptron_draw_is_its_training_set(tmp_path, quench_bin):
    import subprocess

    from conftest import REPOSITORY

    spec = REPOSITORY / "experiments" / "teacher-student.toml"
    drawn = quench.draw(spec, point=1, sample=2)
    inputs, labels, teacher = drawn["inputs"], drawn["labels"], drawn["teacher"]
    assert inputs.shape == (21, 41) and labels.shape == (21,) and teacher.shape == (41,)
    # Noiseless labels are the teacher's signs.
    np.testing.assert_array_equal(np.sign(inputs @ teacher).astype(np.int8), labels)
    subprocess.run(
        [str(quench_bin), "draw", str(spec), "--point", "1", "--sample", "2", "--out", str(tmp_path / "set.npy")],
        check=True, capture_output=True,
    )
    np.testing.assert_array_equal(np.load(tmp_path / "set-inputs.npy"), inputs)
    np.testing.assert_array_equal(np.load(tmp_path / "set-labels.npy"), labels)


def test_drawn_fields_hold_the_uniform_field_once():
    from conftest import REPOSITORY

    drawn = quench.draw(REPOSITORY / "experiments" / "sk-tap.toml")
    assert drawn["uniform_field"] == 0.5
    np.testing.assert_array_equal(drawn["fields"], np.full(drawn["n"], 0.5))
    spins = np.ones(drawn["n"], dtype=np.int8)
    expected = -0.5 * spins @ drawn["couplings"] @ spins - 0.5 * drawn["n"]
    assert quench.energy(drawn, spins) == pytest.approx(expected, rel=1e-12)


def test_recurrent_examples_are_drawn_as_sequences():
    # Reber strings for a recurrent network: (P, T, 7) one-hot symbols and
    # (P, T, 7) labels, +1 for the symbols that may come next, 0 past the end.
    spec = {
        "name": "reber-draw",
        "seed": 3,
        "model": {"model": "trained-network", "architecture": "recurrent", "data": "reber", "length": 12},
        "grid": {"examples": [30], "width": [4]},
        "training": {"test_examples": 5},
    }
    drawn = quench.draw(spec, point=0, sample=0)
    x, y = drawn["training_inputs"], drawn["training_labels"]
    assert x.shape == (30, 12, 7) and y.shape == (30, 12, 7)
    assert drawn["test_inputs"].shape == (5, 12, 7)
    active = np.abs(y).sum(axis=2) > 0
    np.testing.assert_array_equal(x.sum(axis=2), active.astype(float))
    # Every string starts with B, and its next symbol is always allowed.
    assert (x[:, 0, 0] == 1).all()
    for b, t in zip(*np.nonzero(active[:, :-1] & active[:, 1:])):
        assert y[b, t, np.argmax(x[b, t + 1])] == 1
