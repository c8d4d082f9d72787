"""Runs through the seam: the tables are the command line's, bit for bit,
for every family; specs as files, strings and dicts; errors as exceptions."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import quench


def parquet_bytes(directory: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.parquet"))}


@pytest.mark.parametrize("spec_name", ["sk_spec", "hopfield_spec"])
def test_a_spec_run_from_python_gives_the_command_lines_tables_bit_for_bit(
    spec_name, request, tmp_path, quench_bin
):
    spec = request.getfixturevalue(spec_name)
    cli = tmp_path / "cli"
    subprocess.run(
        [str(quench_bin), "run", str(spec), "--out", str(cli), "--threads", "2", "--quiet"],
        check=True,
    )
    result = quench.run(spec, tmp_path / "python", threads=1, progress=False)
    assert isinstance(result, quench.Result)
    tables = parquet_bytes(result.directory)
    assert tables, "the run wrote no tables"
    assert tables == parquet_bytes(cli)
    for name, frame in result.tables.items():
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) > 0, name
    assert result.report is not None and result.report.exists()
    assert result.figures and all(p.exists() for p in result.figures)
    assert result.manifest["name"] == tomllib.loads(spec.read_text())["name"]


def test_tables_hold_the_stored_values_with_their_types(sk_spec, tmp_path):
    result = quench.run(sk_spec, tmp_path / "run", progress=False)
    disorder = result.tables["disorder"]
    assert disorder["temperature"].dtype == np.float64
    assert disorder["spins"].dtype == np.uint64
    assert disorder["observable"].map(type).eq(str).all()
    assert set(result.tables) >= {"thermal", "disorder", "exchange"}
    with pytest.raises(KeyError, match="no such table"):
        result.tables["nothing"]
    # A finished directory opens again without running.
    again = quench.load(result.directory)
    pd.testing.assert_frame_equal(again.tables["disorder"], disorder)


def test_a_spec_as_toml_text_or_dict_runs_as_the_file(sk_spec, tmp_path):
    text = sk_spec.read_text()
    from_file = quench.run(sk_spec, tmp_path / "file", progress=False)
    from_text = quench.run(text, tmp_path / "text", progress=False)
    from_dict = quench.run(tomllib.loads(text), tmp_path / "dict", progress=False)
    assert parquet_bytes(from_text.directory) == parquet_bytes(from_file.directory)
    assert parquet_bytes(from_dict.directory) == parquet_bytes(from_file.directory)


def test_a_finished_run_resumes_as_already_complete(sk_spec, tmp_path):
    first = quench.run(sk_spec, tmp_path / "run", progress=False)
    assert not first.already_complete
    again = quench.run(sk_spec, tmp_path / "run", resume=True, progress=False)
    assert again.already_complete
    alone = quench.run(None, tmp_path / "run", resume=True, progress=False)
    assert alone.already_complete


def test_shards_merge_into_the_whole_run(sk_spec, tmp_path):
    whole = quench.run(sk_spec, tmp_path / "whole", progress=False)
    shards = [
        quench.run(sk_spec, tmp_path / f"shard{k}", shard=f"{k}/2", progress=False)
        for k in range(2)
    ]
    assert shards[0].shard == (0, 2)
    merged = quench.merge([s.directory for s in shards], tmp_path / "merged")
    assert parquet_bytes(merged.directory) == parquet_bytes(whole.directory)


def test_a_bad_spec_raises_a_value_error_naming_file_line_and_key(sk_spec, tmp_path):
    spec = tmp_path / "bad.toml"
    lines = sk_spec.read_text().splitlines()
    line = lines.index("n = [10]") + 1
    lines[line - 1] = "n = [-4]"
    spec.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    with pytest.raises(quench.SpecError) as caught:
        quench.run(spec, out, progress=False)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.file == str(spec)
    assert error.line == line
    assert error.key == "grid.n[0]"
    assert error.allowed is not None and "integer" in error.allowed
    assert f"{spec}:{line}" in str(error)
    assert error.exit_status == 2
    assert not out.exists(), "nothing is written for a bad spec"


def test_a_bad_dict_spec_names_its_key(sk_spec):
    spec = tomllib.loads(sk_spec.read_text())
    spec["model"]["bogus"] = 1
    with pytest.raises(quench.SpecError) as caught:
        quench.validate(spec)
    assert caught.value.file == "<dict>"
    assert "bogus" in str(caught.value)
    with pytest.raises(quench.InputError, match="seed is None"):
        quench.validate({"name": "x", "seed": None})


def test_other_bad_input_raises_input_errors(sk_spec, tmp_path):
    with pytest.raises(quench.InputError, match="directory"):
        quench.run(tmp_path, progress=False)
    with pytest.raises(quench.InputError, match="cannot read spec file"):
        quench.run(tmp_path / "missing.toml", progress=False)
    with pytest.raises(quench.InputError, match="shard"):
        quench.run(sk_spec, tmp_path / "s", shard="3/2", progress=False)
    with pytest.raises(quench.InputError, match="threads"):
        quench.run(sk_spec, tmp_path / "t", threads=0, progress=False)
    with pytest.raises(TypeError, match="spec"):
        quench.run(42, progress=False)  # type: ignore[arg-type]
    not_utf8 = tmp_path / "latin.toml"
    not_utf8.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(quench.SpecError) as caught:
        quench.validate(not_utf8)
    assert caught.value.line == 1


def test_plan_and_models_reach_every_family(sk_spec, hopfield_spec):
    assert quench.plan(sk_spec)["family"] == "spin-glass"
    assert quench.plan(hopfield_spec)["family"] == "memory"
    families = {f["family"] for f in quench.models()}
    assert {
        "spin-glass",
        "memory",
        "perceptron",
        "boltzmann",
        "inverse-ising",
        "phase-classifier",
        "deep-network",
        "intrinsic-dimension",
        "hidden-manifold",
    } <= families


def test_the_shape_of_data_families_run_from_dicts(tmp_path):
    dimension = quench.run(
        {
            "name": "id-from-python",
            "seed": 3,
            "model": {"model": "intrinsic-dimension"},
            "data": [
                {"name": "spheres", "source": "manifold", "manifold": "sphere",
                 "dimension": [2, 4], "ambient": 10, "points": 1500},
            ],
            "estimators": {"use": ["two-nn", "mle"], "k": [10]},
            "ensemble": {"samples": 2},
        },
        tmp_path / "dimension",
        progress=False,
    )
    estimates = dimension.tables["estimates"]
    assert set(estimates["estimator"]) == {"two-nn", "mle"}
    for truth, group in estimates.groupby("truth"):
        assert abs(group["dimension"].mean() - truth) < 0.1 * truth, group
    learning = quench.run(
        {
            "name": "hm-from-python",
            "seed": 4,
            "model": {"model": "hidden-manifold"},
            "data": [{"source": "hidden-manifold", "inputs": 100, "latent": 5}],
            "training": {"examples": 400, "time": 30, "measurements": 5},
            "ensemble": {"samples": 2},
        },
        tmp_path / "learning",
        progress=False,
    )
    curves = learning.tables["curves"]
    assert len(curves) == 2 * 5
    last = curves[curves["step"] == curves["step"].max()]
    assert (last["test_error"] < 0.4).all(), last


def test_trained_networks_run_from_a_dict(tmp_path):
    # Perceptrons far below and far above P = 2N on a teacher network's labels.
    result = quench.run(
        {
            "name": "trained-from-python",
            "seed": 5,
            "model": {"model": "trained-network", "data": "teacher", "activation": "tanh"},
            "grid": {"inputs": [5, 60], "examples": [40], "depth": [0]},
            "training": {"method": "adam", "rate": 0.1, "steps": 3000, "replicas": 2},
            "ensemble": {"samples": 3},
        },
        tmp_path / "trained",
        progress=False,
    )
    runs = result.tables["runs"]
    assert len(runs) == 2 * 3 * 2
    assert set(runs.columns) >= {"parameters", "interpolated", "steps", "unsatisfied", "test_error"}
    # With d = 60 > P = 40 any labels of Gaussian inputs are separable: every
    # perceptron there interpolates.
    assert (runs[runs["inputs"] == 60]["interpolated"] == 1).all()
    assert set(result.tables["pairs"]["test_agreement"].between(0.0, 1.0)) == {True}


def test_report_redraws_the_figures(sk_spec, tmp_path):
    result = quench.run(sk_spec, tmp_path / "run", progress=False)
    files = quench.report(result.directory)
    assert result.directory / "report.md" in files
