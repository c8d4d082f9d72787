"""The samplers and exact enumeration on your couplings.

``couplings`` is a dense symmetric ``(n, n)`` array with zero diagonal, a
symmetric scipy sparse matrix, or a dict as :func:`quench.draw` returns.
The energy is :math:`H(s) = -\\sum_{i<j} J_{ij} s_i s_j - \\sum_i h_i s_i`.
Every stochastic function takes an explicit ``seed``; results depend on it
alone, not on ``threads``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

import numpy as np
import pandas as pd

from . import _quench
from ._arrays import couplings_arguments, real_array, spins_array


def _temperatures(values: Any, name: str = "temperatures") -> list:
    return [float(t) for t in real_array(np.atleast_1d(values), name, 1)]


def temper(
    couplings: Any,
    temperatures: Sequence[float],
    *,
    rounds: int,
    equilibration: int,
    seed: int,
    replicas: int = 2,
    sweeps_per_exchange: int = 1,
    rule: str = "metropolis",
    order: str = "sequential",
    kernel: str = "auto",
    fields: Optional[Any] = None,
    series: bool = True,
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """Parallel tempering of ``replicas`` independent ladders on one sample.

    Each round is ``sweeps_per_exchange`` sweeps of every chain, then one
    exchange pass; ``equilibration`` rounds are discarded, then ``rounds``
    rounds are measured.

    ``kernel``: ``"auto"`` (the fastest that samples the protocol exactly:
    ``"packed-signs"`` for ±J dense couplings without fields,
    ``"dense-f32"`` for other dense ones, else ``"scalar"``), or one of
    ``"scalar"``, ``"dense-f64"``, ``"dense-f32"``, ``"packed-signs"``
    (dense kernels need a dense matrix, Metropolis, sequential order). Each
    is an exact Markov chain; only ``"dense-f64"`` reproduces the scalar
    trajectory bit for bit. The result names the kernel used.

    Returns a dict:
        ``temperatures`` ``(K,)`` (ascending), ``summary`` (DataFrame:
        temperature, observable, mean, error with autocorrelation, tau_int,
        count), ``spins`` ``(replicas, K, n)`` int8 (the last configuration
        at each temperature), with ``series=True`` ``energy`` and
        ``magnetisation`` ``(rounds, replicas, K)`` per spin and ``overlap``
        ``(rounds, pairs, K)`` for the replica pairs (0,1), (0,2), ..., (1,2), ...;
        ``exchange_acceptance`` ``(K-1,)``, ``round_trips``, ``kernel``, and
        ``seconds`` (the sampling time measured inside the native code).
    """
    result = _quench.temper(
        couplings_arguments(couplings, fields),
        _temperatures(temperatures),
        rounds=int(rounds),
        equilibration=int(equilibration),
        seed=int(seed),
        replicas=int(replicas),
        sweeps_per_exchange=int(sweeps_per_exchange),
        rule=rule,
        order=order,
        kernel=kernel,
        series=bool(series),
        threads=threads,
    )
    result["summary"] = pd.DataFrame(result["summary"], copy=False)
    return result


def anneal(
    couplings: Any,
    *,
    seed: int,
    temperatures: Optional[Sequence[float]] = None,
    hot: float = 3.0,
    cold: float = 0.05,
    steps: int = 100,
    sweeps_per_temperature: int = 10,
    restarts: int = 8,
    rule: str = "metropolis",
    order: str = "sequential",
    fields: Optional[Any] = None,
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """Simulated annealing with ``restarts`` independent restarts, each
    finished by a greedy descent; keeps the lowest energy.

    The schedule is ``temperatures`` if given, else ``steps`` temperatures
    from ``hot`` to ``cold`` linear in :math:`\\beta`.

    Returns a dict: ``energy``, ``energy_per_spin``, ``spins`` ``(n,)`` int8,
    ``restart_energies``, ``hits`` (restarts that reached the best energy),
    ``temperatures`` (the schedule).
    """
    return _quench.anneal(
        couplings_arguments(couplings, fields),
        seed=int(seed),
        temperatures=None if temperatures is None else _temperatures(temperatures),
        hot=float(hot),
        cold=float(cold),
        steps=int(steps),
        sweeps_per_temperature=int(sweeps_per_temperature),
        restarts=int(restarts),
        rule=rule,
        order=order,
        threads=threads,
    )


def sweep(
    couplings: Any,
    temperature: float,
    *,
    sweeps: int,
    seed: int,
    spins: Optional[Any] = None,
    rule: str = "metropolis",
    order: str = "sequential",
    fields: Optional[Any] = None,
) -> Dict[str, Any]:
    """``sweeps`` sweeps of one chain at ``temperature`` from ``spins`` (or a
    random start).

    Returns a dict: ``energy`` and ``magnetisation`` per spin after every
    sweep ``(sweeps,)``, ``spins`` (the last configuration), ``final_energy``,
    ``acceptance``, ``seconds``.
    """
    return _quench.sweep(
        couplings_arguments(couplings, fields),
        float(temperature),
        sweeps=int(sweeps),
        seed=int(seed),
        spins=None if spins is None else spins_array(spins, "spins", 1),
        rule=rule,
        order=order,
    )


def energy(couplings: Any, spins: Any, *, fields: Optional[Any] = None) -> np.ndarray:
    """:math:`H(s)` of each configuration: ``spins`` ``(n,)`` or ``(m, n)`` of ±1."""
    array = spins_array(spins, "spins", np.ndim(spins))
    if array.ndim not in (1, 2):
        raise ValueError(f"spins: shape {array.shape}; allowed: (n,) or (configurations, n)")
    energies = _quench.energy(couplings_arguments(couplings, fields), np.atleast_2d(array))
    return energies if array.ndim == 2 else energies[0]


def exact(
    couplings: Any,
    temperatures: Sequence[float],
    *,
    fields: Optional[Any] = None,
    ground_states: int = 16,
    energies: bool = False,
) -> Dict[str, Any]:
    """Exact enumeration of all :math:`2^n` states (n ≤ 26).

    Returns a dict: ``thermal`` (DataFrame by temperature: free energy,
    energy, entropy, specific heat per spin, magnetisation moments,
    susceptibility, overlap moments, Binder cumulant, link overlap),
    ``overlaps`` ``(n+1,)`` and ``overlap_distribution`` ``(K, n+1)`` (P(q)),
    ``ground_energy``, ``degeneracy``, ``ground_states`` (up to
    ``ground_states`` configurations), and with ``energies=True`` the energy
    of every configuration (index bit i = 1 means spin i is -1).
    """
    result = _quench.exact(
        couplings_arguments(couplings, fields),
        _temperatures(temperatures),
        ground_states=int(ground_states),
        energies=bool(energies),
    )
    result["thermal"] = pd.DataFrame(result["thermal"], copy=False)
    return result


def exact_ensemble(
    model: str,
    *,
    samples: int,
    temperatures: Sequence[float],
    seed: int,
    threads: Optional[int] = None,
    **parameters: Any,
) -> Dict[str, Any]:
    """``quench exact``: disorder averages over ``samples`` exactly
    enumerated samples of ``model`` (``"sk"``, ``"ea"``, ``"hopfield"``, ...,
    with its parameters as in a spec's ``[model]``: ``n=12``,
    ``couplings="pm1"``, ...).

    Returns the command's ``--json`` document (without ``quench_version``)
    with ``table``, a DataFrame of mean and error per temperature and observable.
    """
    document = json.loads(
        _quench.exact_ensemble(
            json.dumps({"model": model, **parameters}),
            samples=int(samples),
            temperatures=_temperatures(temperatures),
            seed=int(seed),
            threads=threads,
        )
    )
    rows = []
    for point in document["temperatures"]:
        for observable, value in point.items():
            if isinstance(value, dict):
                rows.append(
                    {
                        "temperature": point["temperature"],
                        "observable": observable,
                        "mean": value["mean"],
                        "error": value["error"],
                    }
                )
    document["table"] = pd.DataFrame(rows)
    return document
