"""Shared fixtures: the repository, its test specs, and the `quench` binary
(for checks that the Python package gives what the command line gives)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
SPECS = REPOSITORY / "crates" / "run" / "tests" / "specs"


def _binary() -> Path | None:
    given = os.environ.get("QUENCH_BIN")
    if given:
        return Path(given)
    for profile in ("testing", "debug", "release"):
        path = REPOSITORY / "target" / profile / "quench"
        if path.exists():
            return path
    return None


@pytest.fixture(scope="session")
def quench_bin() -> Path:
    """The command-line binary (QUENCH_BIN, or target/{debug,release}/quench)."""
    path = _binary()
    if path is None or not path.exists():
        if os.environ.get("QUENCH_REQUIRE_CLI"):
            pytest.fail(f"the quench binary is missing (QUENCH_BIN={path})")
        pytest.skip("no quench binary: build it with `cargo build -p quench-cli`")
    return path


@pytest.fixture(scope="session")
def cli_json(quench_bin):
    """Runs `quench ARGS --json` and returns its document without `quench_version`."""

    def call(*arguments: str) -> dict:
        output = subprocess.run(
            [str(quench_bin), *arguments, "--json"], capture_output=True, text=True, check=True
        )
        document = json.loads(output.stdout)
        document.pop("quench_version", None)
        return document

    return call


@pytest.fixture
def sk_spec() -> Path:
    return SPECS / "sk-metropolis-scalar.toml"


@pytest.fixture
def hopfield_spec() -> Path:
    return SPECS / "hopfield-retrieval.toml"
