"""Type stubs of the native module (use the ``quench`` package, not this)."""

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

class Job:
    @staticmethod
    def start(
        text: Optional[str],
        file: str,
        out: str,
        threads: Optional[int] = None,
        resume: bool = False,
        shard: Optional[str] = None,
    ) -> "Job": ...
    def wait(self, timeout: Optional[float] = None) -> bool: ...
    def progress(self) -> Tuple[int, int]: ...
    def stop(self) -> None: ...
    def result(self) -> Dict[str, Any]: ...

def validate(text: str, file: str) -> str: ...
def plan(text: str, file: str) -> str: ...
def merge(shards: List[str], out: str) -> Dict[str, Any]: ...
def report(directory: str) -> List[str]: ...
def models() -> str: ...
def read_table(path: str) -> List[Tuple[str, Any]]: ...
def spec_from_json(json: str) -> str: ...
def draw(text: str, file: str, point: int, sample: int) -> Tuple[str, List[Tuple[str, Any]]]: ...
def theory(command: str, parameters: str) -> str: ...
# `couplings` is the dict of quench._arrays.couplings_arguments: matrix,
# edges, weights, n and fields (None where absent).
Couplings = Dict[str, Any]

def temper(
    couplings: Couplings,
    temperatures: List[float],
    *,
    rounds: int,
    equilibration: int,
    seed: int,
    replicas: int = 2,
    sweeps_per_exchange: int = 1,
    rule: str = "metropolis",
    order: str = "sequential",
    kernel: str = "auto",
    series: bool = True,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def anneal(
    couplings: Couplings,
    *,
    seed: int,
    temperatures: Optional[List[float]] = None,
    hot: float = 3.0,
    cold: float = 0.05,
    steps: int = 100,
    sweeps_per_temperature: int = 10,
    restarts: int = 8,
    rule: str = "metropolis",
    order: str = "sequential",
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def sweep(
    couplings: Couplings,
    temperature: float,
    *,
    sweeps: int,
    seed: int,
    spins: Optional[npt.NDArray[np.int8]] = None,
    rule: str = "metropolis",
    order: str = "sequential",
) -> Dict[str, Any]: ...
def energy(couplings: Couplings, spins: npt.NDArray[np.int8]) -> npt.NDArray[np.float64]: ...
def exact(
    couplings: Couplings,
    temperatures: List[float],
    *,
    ground_states: int = 16,
    energies: bool = False,
) -> Dict[str, Any]: ...
def exact_ensemble(
    model: str, *, samples: int, temperatures: List[float], seed: int, threads: Optional[int] = None
) -> str: ...

def dimension(
    points: npt.NDArray[np.float64],
    estimator_name: str,
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
) -> Dict[str, Any]: ...
def manifold(
    name: str,
    dimension: int,
    count: int,
    ambient: int,
    *,
    rotate: bool = True,
    noise: float = 0.0,
    seed: int = 1,
) -> npt.NDArray[np.float64]: ...
