"""The geometry of data: intrinsic dimension and benchmark manifolds."""

from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from . import _quench
from ._arrays import real_array


def dimension(
    points: Any,
    estimator: str = "two-nn",
    *,
    fit: str = "likelihood",
    discard: float = 0.1,
    k: int = 10,
    low: float = 1e-4,
    high: float = 1e-2,
    subsets: int = 8,
    seed: int = 1,
    scaling: bool = False,
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """The intrinsic dimension of the rows of ``points`` ``(n, D)``.

    ``estimator``: ``"two-nn"`` (Facco et al.; ``fit="likelihood"`` with its
    exact error or ``"regression"`` without the largest ``discard`` of the
    ratios, bootstrap error), ``"mle"`` (Levina–Bickel with ``k`` neighbours,
    pooled) or ``"correlation"`` (Grassberger–Procaccia, fitted where C(r)
    is between ``low`` and ``high``). The errors of ``mle`` and
    ``correlation`` come from ``subsets`` disjoint subsets.

    Returns a dict: ``dimension``, ``error``, ``error_source``
    (``likelihood``, ``bootstrap`` or ``subsets``), ``points`` used,
    ``discarded`` (repeated points), ``scale`` (the neighbour distance the
    estimate holds at); with ``scaling=True`` also ``scaling_subsets``,
    ``scaling_points``, ``scaling_scale``, ``scaling_dimension`` and
    ``scaling_error``, the estimate on 1, 2, 4, ... disjoint subsets. The
    same numbers as ``quench dimension --json``; they do not depend on
    ``threads``.
    """
    return _quench.dimension(
        real_array(points, "points", 2),
        str(estimator),
        fit=str(fit),
        discard=float(discard),
        k=int(k),
        low=float(low),
        high=float(high),
        subsets=int(subsets),
        seed=int(seed),
        scaling=bool(scaling),
        threads=threads,
    )


def manifold(
    name: str,
    dimension: int,
    count: int,
    ambient: int,
    *,
    rotate: bool = True,
    noise: float = 0.0,
    seed: int = 1,
) -> np.ndarray:
    """``count`` points ``(count, ambient)`` of a manifold of known dimension.

    ``name``: ``"cube"`` (uniform in [0, 1]^d), ``"sphere"`` (uniform on
    S^d), ``"torus"`` (the flat torus (S^1)^d), ``"gaussian"`` (standard
    normal) or ``"swiss-roll"`` (d = 2, ``dimension`` ignored), padded to
    ``ambient`` coordinates, turned by a random rotation (``rotate``) and
    blurred by Gaussian noise of standard deviation ``noise``; from ``seed``.
    """
    return _quench.manifold(
        str(name),
        int(dimension),
        int(count),
        int(ambient),
        rotate=bool(rotate),
        noise=float(noise),
        seed=int(seed),
    )
