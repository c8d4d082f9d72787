"""Samples of any family's spec as numpy arrays, drawn from exactly the
streams ``quench run`` uses."""

from __future__ import annotations

from typing import Any, Dict

from . import _quench
from .errors import InputError
from ._runs import Spec, _source


def draw(spec: Spec, point: int = 0, sample: int = 0) -> Dict[str, Any]:
    """Sample ``sample`` of grid point ``point`` of ``spec`` (a path, TOML
    string or dict), as the run simulates it.

    Returns a dict of numpy arrays named by the family, and
    ``description``. A spin glass gives ``couplings`` ``(n, n)`` (dense
    samples) or ``edges`` ``(m, 2)`` with ``weights`` ``(m,)`` (sparse ones,
    each bond once), ``fields`` ``(n,)`` (the field on every site, the grid
    point's uniform field included), ``uniform_field`` (that uniform field
    h, a float), ``n``, and for a Hopfield sample its ``patterns``
    ``(P, n)``; such a dict can be handed back to :func:`quench.temper`,
    :func:`quench.anneal`, :func:`quench.sweep`, :func:`quench.energy` and
    :func:`quench.exact` as the couplings and fields the run simulates. A
    memory gives the ``patterns`` ``(P, n)`` int8 its run stores; a
    perceptron its training set: ``inputs`` ``(P, n)`` (int8 for ±1
    entries, float64 for Gaussian ones), ``labels`` ``(P,)`` int8 and, with
    a teacher, ``teacher`` ``(n,)``. A trained network gives
    ``training_inputs`` ``(P, d)`` and ``training_labels`` ``(P,)``, with
    ``test_inputs`` and ``test_labels`` alike; for recurrent networks
    sequences, ``(P, T, d)`` and ``(P, T, K)``, a label 0 marking a step
    past the end of a shorter sequence.
    """
    if int(point) < 0 or int(sample) < 0:
        raise InputError(f"point {point}, sample {sample}: allowed: integers >= 0")
    file, text = _source(spec)
    description, arrays = _quench.draw(text, file, int(point), int(sample))
    result: Dict[str, Any] = {
        name: (values.item() if values.ndim == 0 else values) for name, values in arrays
    }
    if "fields" in result:
        result["n"] = len(result["fields"])
    result["description"] = description
    return result
