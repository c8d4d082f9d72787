"""Couplings and spins from whatever the caller holds, checked once.

A C-contiguous ``float64`` matrix is passed on as it is (the native module
reads it in place); other real dtypes are converted; anything else is a
clear error naming the argument.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import numpy as np


def real_array(value: Any, name: str, ndim: int) -> np.ndarray:
    """``value`` as a C-contiguous float64 array of ``ndim`` dimensions
    (not copied when it already is one)."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"{name}: dtype {array.dtype}; allowed: a real array (float or integer)"
        )
    if array.ndim != ndim:
        raise ValueError(f"{name}: {array.ndim} dimensions {array.shape}; allowed: {ndim}")
    return np.ascontiguousarray(array, dtype=np.float64)


def spins_array(value: Any, name: str, ndim: int) -> np.ndarray:
    """``value`` as C-contiguous int8 spins (+1 and -1 only)."""
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name}: dtype {array.dtype}; allowed: integers +1 and -1")
    if array.ndim != ndim:
        raise ValueError(f"{name}: {array.ndim} dimensions {array.shape}; allowed: {ndim}")
    if array.size and not np.all((array == 1) | (array == -1)):
        raise ValueError(f"{name}: values other than +1 and -1")
    return np.ascontiguousarray(array, dtype=np.int8)


def couplings_arguments(couplings: Any, fields: Optional[Any] = None) -> Dict[str, Any]:
    """The couplings argument of the native samplers (a dict of ``matrix``,
    ``edges``, ``weights``, ``n`` and ``fields``, ``None`` where absent) for
    ``couplings``:

    * a dense symmetric ``(n, n)`` array with zero diagonal;
    * a scipy sparse matrix (symmetric; its upper triangle is used);
    * a dict as :func:`quench.draw` returns: ``couplings`` (dense), or
      ``edges`` ``(m, 2)`` with ``weights`` ``(m,)`` and ``n``; its ``fields``
      are used unless ``fields`` is given.
    """
    arguments: Dict[str, Any] = dict.fromkeys(("matrix", "edges", "weights", "n", "fields"))
    if isinstance(couplings, Mapping):
        if fields is None and "fields" in couplings:
            fields = couplings["fields"]
        if "edges" in couplings:
            edges = np.asarray(couplings["edges"])
            if edges.dtype.kind not in "iu":
                raise TypeError(f"edges: dtype {edges.dtype}; allowed: integer site indices")
            if edges.ndim != 2 or edges.shape[1] != 2:
                raise ValueError(f"edges: shape {edges.shape}; allowed: (bonds, 2)")
            arguments["edges"] = np.ascontiguousarray(edges, dtype=np.int64)
            arguments["weights"] = real_array(couplings.get("weights"), "weights", 1)
            if "n" in couplings:
                arguments["n"] = int(couplings["n"])
        elif "couplings" in couplings:
            arguments["matrix"] = real_array(couplings["couplings"], "couplings", 2)
        else:
            raise ValueError(
                "couplings: a dict needs 'couplings' (a dense matrix) or 'edges' and 'weights'"
            )
    elif hasattr(couplings, "tocoo"):
        coo = couplings.tocoo()
        if coo.shape[0] != coo.shape[1]:
            raise ValueError(f"couplings: shape {coo.shape}; allowed: a square matrix (n, n)")
        if abs(couplings - couplings.T).max() != 0:
            raise ValueError("couplings: the sparse matrix is not symmetric")
        if np.any(coo.row == coo.col):
            raise ValueError("couplings: nonzero diagonal; allowed: a zero diagonal")
        upper = coo.row < coo.col
        arguments["edges"] = np.ascontiguousarray(
            np.stack([coo.row[upper], coo.col[upper]], axis=1), dtype=np.int64
        )
        arguments["weights"] = real_array(coo.data[upper], "weights", 1)
        arguments["n"] = int(coo.shape[0])
    else:
        arguments["matrix"] = real_array(couplings, "couplings", 2)
    if fields is not None:
        arguments["fields"] = real_array(fields, "fields", 1)
    return arguments
