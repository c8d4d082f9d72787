"""numpy in and out: owned results (no copy), float64 couplings read in
place, dtypes and shapes checked with clear errors, draw -> sampler round trips."""

from __future__ import annotations

import numpy as np
import pytest

import quench
from quench._arrays import couplings_arguments


def sk(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.normal(0, 1 / np.sqrt(n), (n, n)), 1)
    return upper + upper.T


def test_results_are_arrays_that_own_the_native_buffers_without_a_copy():
    result = quench.sweep(sk(16, 1), 1.0, sweeps=50, seed=3)
    for name in ("energy", "magnetisation", "spins"):
        array = result[name]
        # Handed over, not copied: the array's memory belongs to the object
        # that holds the Rust buffer.
        assert not array.flags.owndata, name
        assert array.base is not None and type(array.base).__name__ == "PySliceContainer", name
        assert array.flags.c_contiguous and array.flags.writeable
    assert result["energy"].dtype == np.float64 and result["energy"].shape == (50,)
    assert result["spins"].dtype == np.int8 and result["spins"].shape == (16,)


def test_float64_couplings_are_passed_on_without_a_copy():
    matrix = sk(8, 2)
    assert couplings_arguments(matrix)["matrix"] is matrix
    # Other real dtypes are converted (a copy), with the same values.
    converted = couplings_arguments(matrix.astype(np.float32))["matrix"]
    assert converted.dtype == np.float64
    transposed = couplings_arguments(np.asfortranarray(matrix))["matrix"]
    assert transposed.flags.c_contiguous


def test_wrong_dtypes_and_shapes_raise_clear_errors():
    with pytest.raises(TypeError, match="couplings: dtype complex128"):
        quench.energy(sk(4, 1).astype(complex), np.ones(4))
    with pytest.raises(TypeError, match="couplings: dtype <U1"):
        quench.energy(np.array([["a"]]), np.ones(1))
    with pytest.raises(ValueError, match="couplings: 1 dimensions"):
        quench.energy(np.zeros(4), np.ones(4))
    with pytest.raises(quench.InputError, match="square"):
        quench.energy(np.zeros((3, 4)), np.ones(3))
    asymmetric = sk(4, 1)
    asymmetric[0, 1] += 1.0
    with pytest.raises(quench.InputError, match="symmetric"):
        quench.energy(asymmetric, np.ones(4))
    with pytest.raises(quench.InputError, match="spins: shape"):
        quench.energy(sk(4, 1), np.ones((2, 5)))
    with pytest.raises(ValueError, match="other than"):
        quench.energy(sk(4, 1), np.array([1, 0, 1, 1]))
    with pytest.raises(quench.InputError, match="fields: 3 values for 4 spins"):
        quench.sweep(sk(4, 1), 1.0, sweeps=1, seed=0, fields=np.zeros(3))
    with pytest.raises(quench.InputError, match="rule"):
        quench.sweep(sk(4, 1), 1.0, sweeps=1, seed=0, rule="glauber-ish")
    with pytest.raises(quench.InputError, match="temperature"):
        quench.sweep(sk(4, 1), -1.0, sweeps=1, seed=0)


def test_energy_is_the_hamiltonian():
    matrix, fields = sk(10, 4), np.linspace(-1, 1, 10)
    spins = np.random.default_rng(0).choice([-1, 1], size=(5, 10)).astype(np.int8)
    expected = [-0.5 * s @ matrix @ s - fields @ s for s in spins.astype(float)]
    np.testing.assert_allclose(quench.energy(matrix, spins, fields=fields), expected, rtol=1e-12)
    assert quench.energy(matrix, spins[0], fields=fields) == pytest.approx(expected[0], rel=1e-12)


def test_a_drawn_sample_goes_back_to_the_samplers(sk_spec):
    drawn = quench.draw(sk_spec, point=0, sample=1)
    matrix = drawn["couplings"]
    assert matrix.dtype == np.float64 and matrix.shape == (10, 10)
    np.testing.assert_array_equal(matrix, matrix.T)
    assert not matrix.flags.owndata
    found = quench.anneal(drawn, seed=1, restarts=4)
    exact = quench.exact(drawn, [1.0])
    assert found["energy"] == pytest.approx(exact["ground_energy"], abs=1e-9)
    assert quench.energy(drawn, found["spins"]) == pytest.approx(found["energy"], abs=1e-9)


def test_sparse_couplings_as_edges_and_as_scipy():
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0]])
    weights = np.array([1.0, -1.0, 1.0, 1.0])
    dense = np.zeros((4, 4))
    dense[edges[:, 0], edges[:, 1]] = weights
    dense += dense.T
    spins = np.array([1, -1, 1, 1], dtype=np.int8)
    as_edges = quench.energy({"edges": edges, "weights": weights, "n": 4}, spins)
    assert as_edges == pytest.approx(quench.energy(dense, spins))
    scipy = pytest.importorskip("scipy.sparse")
    assert quench.energy(scipy.csr_matrix(dense), spins) == pytest.approx(as_edges)
