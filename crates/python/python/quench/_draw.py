"""Samples of any family's spec as numpy arrays, drawn from exactly the
streams ``quench run`` uses."""

from __future__ import annotations

from typing import Any, Dict

from . import _quench
from ._runs import Spec, _source


def draw(spec: Spec, point: int = 0, sample: int = 0) -> Dict[str, Any]:
    """Sample ``sample`` of grid point ``point`` of ``spec`` (a path, TOML
    string or dict), as the run simulates it.

    Returns a dict of numpy arrays named by the family (a spin glass gives
    ``couplings`` ``(n, n)`` or ``edges`` ``(m, 2)`` with ``weights``, and
    ``fields``; a memory gives its ``patterns``), with ``n`` and
    ``description``. The dict can be handed back to :func:`quench.temper`,
    :func:`quench.anneal`, :func:`quench.sweep` and :func:`quench.exact`.
    """
    if int(point) < 0 or int(sample) < 0:
        from .errors import InputError

        raise InputError(f"point {point}, sample {sample}: allowed: integers >= 0")
    file, text = _source(spec)
    description, arrays = _quench.draw(text, file, int(point), int(sample))
    result: Dict[str, Any] = dict(arrays)
    result["description"] = description
    return result
