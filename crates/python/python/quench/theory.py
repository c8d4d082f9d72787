"""Theory: every ``quench theory`` command as a function returning the
command's ``--json`` document (without ``quench_version``) as a dict.

The numbers are those the command line prints: both call the same library
functions (``quench_run::theory``). A parameter outside the solver's
domain raises :class:`quench.InputError` naming it; a solver that did not
converge raises :class:`quench.QuenchError`; no number is returned then.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

from . import _quench

__all__ = [
    "sk",
    "sk_at_line",
    "pspin",
    "pspin_dynamics",
    "hopfield",
    "sparse",
    "perceptron",
    "teacher_student",
    "deep_network",
    "spiked_wigner",
]


def _call(command: str, **parameters: Any) -> Dict[str, Any]:
    return json.loads(_quench.theory(command, json.dumps(parameters)))


def sk(
    temperature: float,
    field: float = 0.0,
    rsb: str = "full",
    accuracy: str = "accurate",
) -> Dict[str, Any]:
    """Sherrington–Kirkpatrick at one ``(T, h)``: ``rsb`` is ``"rs"``,
    ``"1rsb"``, ``"2rsb"`` or ``"full"`` (Parisi, extrapolated in the number
    of steps); ``accuracy`` ``"fast"`` or ``"accurate"``.
    (``quench theory sk --json``.)"""
    return _call("sk", temperature=float(temperature), field=float(field), rsb=rsb, accuracy=accuracy)


def sk_at_line(temperature: float) -> Dict[str, Any]:
    """The de Almeida–Thouless field :math:`h_{AT}(T)` of SK, ``0 < T <= 1``.
    (``quench theory sk-at-line --json``.)"""
    return _call("sk-at-line", temperature=float(temperature))


def pspin(p: int, spherical: bool = False) -> Dict[str, Any]:
    """p-spin glass thresholds: dynamic and static temperatures (and for
    spherical spins the plateau and threshold energy).
    (``quench theory pspin --json``.)"""
    return _call("pspin", p=int(p), spherical=bool(spherical))


def pspin_dynamics(
    p: int,
    temperature: float,
    time: float,
    waiting_times: Optional[Sequence[float]] = None,
    points: int = 256,
    equilibrium: bool = False,
) -> Dict[str, Any]:
    """The spherical p-spin model quenched from infinite temperature to
    ``temperature``: the Cugliandolo–Kurchan equations integrated to ``time``
    on a grid of ``points`` per block whose step doubles. The dict holds
    ``one_time`` (``time``, ``energy``, ``lagrange_multiplier``), ``two_time``
    (``waiting_time``, ``time``, ``correlation``, ``integrated_response``),
    ``discretisation`` (the difference from ``points/2``), and below
    :math:`T_d` ``asymptotics`` (plateau, fluctuation–dissipation ratio,
    asymptotic energy). ``waiting_times`` default to the powers of two up to
    ``time/4``. With ``equilibrium``, also ``equilibrium``: the equilibrium
    :math:`C(\\tau)` at the same temperature, its plateau, relaxation time
    and the plateau inside a state. (``quench theory pspin-dynamics --json``.)"""
    return _call(
        "pspin-dynamics",
        p=int(p),
        temperature=float(temperature),
        time=float(time),
        waiting_times=None if waiting_times is None else [float(t) for t in waiting_times],
        points=int(points),
        equilibrium=bool(equilibrium),
    )


def hopfield(temperature: float, alpha: Optional[float] = None) -> Dict[str, Any]:
    """Hopfield network (AGS, replica symmetric): the capacity
    :math:`\\alpha_c(T)`, and with ``alpha`` every saddle point at that load.
    (``quench theory hopfield --json``.)"""
    return _call(
        "hopfield",
        temperature=float(temperature),
        alpha=None if alpha is None else float(alpha),
    )


def sparse(degree: float, graph: str = "regular", couplings: str = "pm1") -> Dict[str, Any]:
    """The cavity (Bethe) critical temperature of a spin glass on a random
    ``"regular"`` graph of integer ``degree`` or an ``"erdos-renyi"`` graph
    of mean ``degree``; ``couplings`` ``"pm1"`` or ``"gaussian"``.
    (``quench theory sparse --json``.)"""
    return _call("sparse", degree=float(degree), graph=graph, couplings=couplings)


def perceptron(
    weights: str = "spherical", kappa: float = 0.0, alpha: Optional[float] = None
) -> Dict[str, Any]:
    """The perceptron's storage problem, replica symmetric: the capacity
    :math:`\\alpha_c(\\kappa)` for ``"spherical"`` (Gardner) or ``"binary"``
    (Krauth–Mézard) weights, and with ``alpha`` the overlap of two solutions
    and the entropy of the solution space.
    (``quench theory perceptron --json``.)"""
    return _call(
        "perceptron",
        weights=weights,
        kappa=float(kappa),
        alpha=None if alpha is None else float(alpha),
    )


def teacher_student(
    alpha: float,
    weights: str = "spherical",
    learning: str = "bayes",
    temperature: float = 0.0,
    label_noise: float = 0.0,
) -> Dict[str, Any]:
    """A student perceptron learning a teacher of the same kind: the
    generalisation error and overlaps at load ``alpha`` for ``"gibbs"``
    learning at ``temperature`` or ``"bayes"``-optimal learning; binary
    weights add the first-order transition and its spinodal, Bayes the AMP
    state evolution. (``quench theory teacher-student --json``.)"""
    return _call(
        "teacher-student",
        alpha=float(alpha),
        weights=weights,
        learning=learning,
        temperature=float(temperature),
        label_noise=float(label_noise),
    )


def deep_network(
    depth: int, alpha: Optional[float] = None, kappa: float = 0.0, scenario: str = "random"
) -> Dict[str, Any]:
    """The deep network of perceptrons (Yoshino 2020), replica symmetric.

    ``scenario="random"`` (random outputs): with ``alpha`` the overlap
    profile ``q`` (neurons, layers ``0..depth``) and ``Q`` (weights, layers
    ``1..depth``), the free entropy and the replicon; without it the load
    ``alpha_glass`` where replica symmetry first breaks, beside the seed's
    full-RSB ``seed_alpha_glass``.

    ``scenario="teacher"`` (a teacher network's labels, the Nishimori line,
    ``kappa`` 0): with ``alpha`` the equilibrium ``q`` = r, ``Q`` = R,
    ``test_overlap`` (fresh inputs) and ``generalization_error``, and the
    ``informed``, ``uninformed`` and ``intermediate`` solutions; without it
    ``alpha_learning``, ``alpha_spinodal``, ``alpha_transition`` and
    ``alpha_merge``. (``quench theory deep-network --json``.)"""
    return _call(
        "deep-network",
        depth=int(depth),
        alpha=None if alpha is None else float(alpha),
        scenario=str(scenario),
        kappa=float(kappa),
    )


def spiked_wigner(snr: float, prior: str = "rademacher") -> Dict[str, Any]:
    """Bayes-optimal estimation of a rank-one spike in a Wigner matrix at
    signal-to-noise ratio ``snr`` (transition at 1), ``"rademacher"`` or
    ``"gaussian"`` prior. (``quench theory spiked-wigner --json``.)"""
    return _call("spiked-wigner", snr=float(snr), prior=prior)
