"""Experiments through the seam: a spec of any family, run, resumed,
sharded and merged as ``quench run`` does, with its tables as DataFrames."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _quench
from .errors import InputError, SpecError
from ._progress import Progress

Spec = Union[str, "os.PathLike[str]", Mapping[str, Any]]


def _source(spec: Spec) -> Tuple[str, str]:
    """``(name in messages, TOML text)`` of a spec given as a path, a TOML
    string or a dict."""
    if isinstance(spec, Mapping):
        return "<dict>", _quench.spec_from_json(json.dumps(spec))
    if isinstance(spec, os.PathLike):
        path = Path(spec)
    elif isinstance(spec, str):
        if "\n" in spec or "=" in spec:
            return "<string>", spec
        path = Path(spec)
    else:
        raise TypeError(
            f"spec: {type(spec).__name__}; allowed: a path, a TOML string or a dict"
        )
    if path.is_dir():
        raise InputError(
            f"{path} is a directory; give a spec file (a .toml file such as "
            "experiments/sk-transition.toml)"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read spec file {path}: {error}") from None
    try:
        return str(path), data.decode("utf-8")
    except UnicodeDecodeError as error:
        valid = data[: error.start]
        line = 1 + valid.count(b"\n")
        column = 1 + len(valid) - (valid.rfind(b"\n") + 1)
        raise SpecError(
            f"{path}:{line}: byte {column} of this line is not UTF-8 text "
            "(allowed: a TOML file in UTF-8)",
            file=str(path),
            line=line,
            allowed="a TOML file in UTF-8",
        ) from None


class Tables(Mapping[str, pd.DataFrame]):
    """The Parquet tables of a results directory by name (``thermal``,
    ``disorder``, ...), read on first use."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._names = sorted(p.stem for p in directory.glob("*.parquet"))
        self._cache: Dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(f"{name!r}: no such table in {self._directory}; tables: {self._names}")
        if name not in self._cache:
            self._cache[name] = read_table(self._directory / f"{name}.parquet")
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Tables({self._names})"


def read_table(path: Union[str, "os.PathLike[str]"]) -> pd.DataFrame:
    """A Parquet table written by quench as a DataFrame (``uint64``,
    ``float64`` and text columns; the numeric columns are the arrays read,
    not copies)."""
    columns = _quench.read_table(os.fspath(path))
    return pd.DataFrame({name: values for name, values in columns}, copy=False)


class Result:
    """A results directory: its tables as DataFrames, its figures, report
    and manifest.

    Attributes:
        directory: the results directory.
        manifest: ``manifest.json`` (the spec as run, version, seed, times).
        already_complete: the directory held a finished run; nothing was computed.
        shard: ``(index, count)`` when only a shard was run.
    """

    def __init__(
        self,
        directory: Union[str, "os.PathLike[str]"],
        manifest: Optional[Dict[str, Any]] = None,
        already_complete: bool = False,
        shard: Optional[Tuple[int, int]] = None,
    ) -> None:
        self.directory = Path(directory)
        if manifest is None:
            path = self.directory / "manifest.json"
            if not path.exists():
                raise InputError(
                    f"{self.directory} is not a finished quench results directory (no manifest.json)"
                )
            manifest = json.loads(path.read_text())
        self.manifest: Dict[str, Any] = manifest
        self.already_complete = already_complete
        self.shard = shard
        self.tables: Mapping[str, pd.DataFrame] = Tables(self.directory)

    @property
    def name(self) -> str:
        """The experiment's name."""
        return str(self.manifest.get("name", self.directory.name))

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (``self.tables[name]``)."""
        return self.tables[name]

    @property
    def figures(self) -> List[Path]:
        """The figures (SVG and PNG), sorted by name."""
        return sorted(
            p for p in self.directory.iterdir() if p.suffix in (".svg", ".png") and p.is_file()
        )

    @property
    def report(self) -> Optional[Path]:
        """``report.md``, if the run wrote one (a shard does not)."""
        path = self.directory / "report.md"
        return path if path.exists() else None

    def __repr__(self) -> str:
        return (
            f"Result({str(self.directory)!r}, name={self.name!r}, "
            f"tables={list(self.tables)}, figures={len(self.figures)})"
        )


def _result(outcome: Dict[str, Any]) -> Result:
    return Result(
        outcome["out"],
        json.loads(outcome["manifest_json"]),
        outcome["already_complete"],
        outcome["shard"],
    )


def run(
    spec: Optional[Spec] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    *,
    threads: Optional[int] = None,
    resume: bool = False,
    progress: bool = True,
    shard: Optional[str] = None,
) -> Result:
    """Runs an experiment, as ``quench run`` does, and returns its results.

    Args:
        spec: a spec file's path, a TOML string, or a dict of its tables
            (``{"name": ..., "model": {...}, ...}``). ``None`` with
            ``resume=True`` resumes the run in ``out`` from its own copy.
        out: the results directory (default ``runs/NAME``).
        threads: worker threads (default: all CPUs); results do not depend on it.
        resume: continue the run in ``out`` (start it if there is none).
        progress: show progress (tqdm if installed, else a line on stderr).
        shard: ``"K/N"`` to run shard K of N (see :func:`merge`).

    Returns:
        the :class:`Result`: tables as DataFrames, figures, report, manifest.

    Raises:
        SpecError: the spec does not validate (file, line, key); nothing was written.
        InputError: another bad input (an output directory that is not a run, ...).
        KeyboardInterrupt: Ctrl-C: the running units saved their checkpoints;
            ``run(spec, out, resume=True)`` continues bit for bit.
        QuenchError: the run failed.
    """
    if spec is None:
        if out is None or not resume:
            raise InputError("give a spec, or out=DIR with resume=True")
        file, text = "", None
    else:
        file, text = _source(spec)
    if out is None:
        out = Path("runs") / _quench.validate(text, file)
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise InputError(f"threads: {threads!r}; allowed: an integer >= 1, or None for all CPUs")
    label = Path(out).name
    job = _quench.Job.start(text, file, os.fspath(out), threads, resume, shard)
    display = Progress(progress, label)
    try:
        while not job.wait(0.1):
            display.update(*job.progress())
        display.update(*job.progress())
    except KeyboardInterrupt:
        job.stop()
        sys.stderr.write(f"\nquench: stopping {label}: saving checkpoints...\n")
        while True:
            try:
                job.wait(None)
                break
            except KeyboardInterrupt:
                continue
        display.close()
        try:
            job.result()
        except KeyboardInterrupt:
            pass
        raise
    display.close()
    return _result(job.result())


def load(directory: Union[str, "os.PathLike[str]"]) -> Result:
    """The finished results directory ``directory`` (tables, figures, manifest)."""
    return Result(directory)


def validate(spec: Spec) -> str:
    """Validates a spec (path, TOML string or dict); returns its name.
    Raises :class:`SpecError` naming the file, line and key."""
    file, text = _source(spec)
    return _quench.validate(text, file)


def plan(spec: Spec) -> Dict[str, Any]:
    """The units of work of a spec (``quench plan --json``): ``family``,
    ``name``, ``units`` (point, first, count) and ``work``."""
    file, text = _source(spec)
    return json.loads(_quench.plan(text, file))


def merge(
    shards: Sequence[Union[str, "os.PathLike[str]"]], out: Union[str, "os.PathLike[str]"]
) -> Result:
    """Merges finished shards (``run(..., shard="K/N")``) into ``out``; the
    tables are bit for bit those of a whole run."""
    return _result(_quench.merge([os.fspath(s) for s in shards], os.fspath(out)))


def report(directory: Union[str, "os.PathLike[str]"]) -> List[Path]:
    """Re-draws the figures and ``report.md`` of a finished run from its
    tables; returns the files written."""
    directory = Path(directory)
    return [directory / name for name in _quench.report(os.fspath(directory))]


def models() -> List[Dict[str, Any]]:
    """Every family's models and methods with their parameters (``quench models --json``)."""
    return json.loads(_quench.models())
