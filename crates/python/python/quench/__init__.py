"""quench: the statistical physics of disordered systems and of learning,
from Python.

Experiments of every family run through the same seam as ``quench run``::

    import quench
    result = quench.run("experiments/sk-transition.toml", threads=2)
    result.tables["disorder"]          # a pandas DataFrame
    result.figures, result.report      # paths

Samples as numpy arrays, and the samplers on any couplings::

    sample = quench.draw("experiments/sk-transition.toml", point=0, sample=3)
    run = quench.temper(sample, [0.5, 0.8, 1.2], rounds=2000, equilibration=500, seed=1)
    run["summary"]                     # mean, error (with autocorrelation), tau_int

Exact enumeration and theory::

    quench.exact(sample["couplings"][:12, :12], [0.5, 1.0])["thermal"]
    quench.theory.sk(temperature=0.5, rsb="full")

The intrinsic dimension of data::

    quench.dimension(points, "two-nn")["dimension"]   # points: (n, D) array

Errors: bad input raises :class:`InputError` or :class:`SpecError` (both
``ValueError`` s) naming the file, line, key or parameter; Ctrl-C during
:func:`run` leaves a directory that ``run(..., resume=True)`` continues.
"""

from __future__ import annotations

from . import theory
from ._quench import __version__
from ._runs import Result, Tables, load, merge, models, plan, read_table, report, run, validate
from ._sampling import anneal, energy, exact, exact_ensemble, sweep, temper
from ._draw import draw
from ._geometry import dimension, manifold
from .errors import InputError, QuenchError, SpecError

__all__ = [
    "__version__",
    "run",
    "load",
    "validate",
    "plan",
    "merge",
    "report",
    "models",
    "read_table",
    "Result",
    "Tables",
    "draw",
    "temper",
    "anneal",
    "sweep",
    "energy",
    "exact",
    "exact_ensemble",
    "theory",
    "dimension",
    "manifold",
    "QuenchError",
    "InputError",
    "SpecError",
]
