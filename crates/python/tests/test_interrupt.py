"""Ctrl-C (SIGINT) during a run leaves a directory that resumes to the
tables of an uninterrupted run, bit for bit."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import quench

SPEC = """
name = "interrupted"
seed = 5

[model]
model = "sk"

[grid]
n = [48]

[ensemble]
samples = 4

[algorithm]
method = "parallel-tempering"
replicas = 2
equilibration_rounds = 5000
measurement_rounds = 15000
kernel = "scalar"

[temperatures]
minimum = 0.5
maximum = 1.5
count = 8

[output]
checkpoint_seconds = 30
"""


def parquet_bytes(directory: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.parquet"))}


def test_sigint_stops_a_run_with_its_checkpoints_and_it_resumes_bit_for_bit(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "interrupted"
    # A background job of a non-interactive shell (CI) starts with SIGINT
    # ignored, and then Python installs no KeyboardInterrupt handler: put
    # back the one an interactive session has.
    script = (
        "import signal\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import quench\n"
        f"quench.run({str(spec)!r}, {str(out)!r}, threads=2, progress=False)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stderr=subprocess.PIPE, text=True
    )
    # Wait until the run is under way (its session record is written every second).
    deadline = time.monotonic() + 60
    while not (out / "checkpoints" / "session.json").exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0, stderr
    assert "KeyboardInterrupt" in stderr, stderr
    assert "saving checkpoints" in stderr
    # The units under way saved their states at once (checkpoint_seconds is
    # 30) and stopped mid-run: their running states are on disk.
    running = list((out / "checkpoints").glob("*.ckpt"))
    assert running, f"no running state saved after Ctrl-C: {list(out.rglob('*'))}"
    assert not (out / "manifest.json").exists()

    resumed = quench.run(spec, out, resume=True, threads=1, progress=False)
    assert not resumed.already_complete
    reference = quench.run(spec, tmp_path / "reference", threads=2, progress=False)
    assert parquet_bytes(resumed.directory) == parquet_bytes(reference.directory)
