"""Intrinsic dimension from Python: the command line's numbers, manifolds of
known dimension, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import quench

REPOSITORY = Path(__file__).resolve().parents[3]


def digits() -> np.ndarray:
    table = np.loadtxt(REPOSITORY / "crates" / "data" / "data" / "digits.csv", delimiter=",")
    return table[:, :64]


def test_dimension_of_the_digits_is_the_command_lines(cli_json):
    ours = quench.dimension(digits(), "mle", k=8, scaling=True)
    theirs = cli_json("dimension", "--data", "digits", "--estimator", "mle", "--k", "8",
                      "--scaling")
    assert ours["dimension"] == theirs["dimension"]
    assert ours["error"] == theirs["error"]
    assert ours["error_source"] == "subsets"
    assert ours["points"] == 1797
    np.testing.assert_array_equal(
        ours["scaling_dimension"], [level["dimension"] for level in theirs["scaling"]]
    )


def test_a_sphere_has_its_dimension_whatever_the_threads():
    points = quench.manifold("sphere", 3, 4000, 10, seed=5)
    assert points.shape == (4000, 10)
    np.testing.assert_allclose(np.linalg.norm(points, axis=1), 1.0, rtol=1e-12)
    one = quench.dimension(points, threads=1)
    two = quench.dimension(points, threads=2)
    assert one == two
    assert abs(one["dimension"] - 3.0) < 4.0 * one["error"]
    assert one["error_source"] == "likelihood"


def test_bad_input_names_the_parameter():
    points = quench.manifold("cube", 2, 100, 2)
    with pytest.raises(quench.InputError, match="k = 1"):
        quench.dimension(points, "mle", k=1)
    with pytest.raises(quench.InputError, match="allowed: 'two-nn', 'mle' or 'correlation'"):
        quench.dimension(points, "pca")
    with pytest.raises(quench.InputError, match="ambient = 3"):
        quench.manifold("sphere", 3, 10, 3)
    with pytest.raises(ValueError, match="allowed: 2"):
        quench.dimension(np.zeros(5))
