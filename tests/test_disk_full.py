"""A disk that fills while a command writes (EDGE-292): each says in one line what happened, keeps every earlier set
and leaves no partial file. Simulated without privileges: the command runs in a child whose files may not grow past
a size (``RLIMIT_FSIZE``, SIGXFSZ ignored), so a write beyond it fails with EFBIG, as one on a full disk fails with
ENOSPC."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")

_CAPPED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[2:]]
sys.exit(main())
"""


def _capped(limit_bytes: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _CAPPED, str(limit_bytes), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its path there, with its bytes (the batch's lock and manifest aside: a run
    writes them as it goes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (".batch.lock", "manifest.jsonl")
    }


def _recording(path: Path, placement: str, seed: int) -> Path:
    bouts = [Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0)]
    return write_session(simulate(SimulationConfig(placement, bouts, 200.0, seed=seed)).session, path)


def test_a_batch_whose_session_results_find_the_disk_full_keeps_the_earlier_set(tmp_path: Path) -> None:
    """Every session's result failing for want of space was each session's failure (errors.csv) and the batch wrote
    its set of no session over the earlier one: its steps, sessions and cohort comparisons gone (952ac943, exit 1).
    Now the batch stops at the first such failure, in one line, and the earlier set is whole."""
    _recording(tmp_path / "in" / "r1.csv", "shank", 3)
    _recording(tmp_path / "in2" / "r2.csv", "lower_back", 4)
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "in"), "--out", str(out), "--jobs", "1"]) == 0
    earlier = _files(out)
    assert any(name.startswith("cohort/") for name in earlier)
    done = _capped(8000, "batch", str(tmp_path / "in2"), "--out", str(out), "--jobs", "1")
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert last.startswith("retrogait: error: ") and "File too large (disk full?): the batch stopped" in last
    assert _files(out) == earlier  # no partial file, nothing replaced


@pytest.mark.parametrize("command", ["analyze", "convert"])
def test_analyze_and_convert_on_a_full_disk_keep_the_earlier_outputs(tmp_path: Path, command: str) -> None:
    """Guards (these held on 952ac943): one line naming the file, the earlier outputs whole (analyze's set; for
    convert, the folder as it was: its target new), no temporary file."""
    source = _recording(tmp_path / "rec.csv", "shank", 3)
    out = tmp_path / ("out" if command == "analyze" else "session.csv")
    args = [command, str(source), "--out", str(out)] + (["--no-report"] if command == "analyze" else [])
    if command == "analyze":
        assert main(args) == 0
    earlier = _files(tmp_path)
    done = _capped(8000, *args)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and f"{out}" in done.stderr
    assert "cannot be written" in done.stderr
    assert _files(tmp_path) == earlier
