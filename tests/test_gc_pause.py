"""No cyclic garbage collection while ``retrogait analyze`` and ``batch`` import their libraries (PERF-18,
BATCH-22)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrogait import gc_pause
from retrogait.session import Session, write_session


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc_pause._paused = False
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


@pytest.mark.usefixtures("collector_restored")
def test_pause_then_resume_freezes_what_is_alive() -> None:
    gc.enable()
    frozen = gc.get_freeze_count()
    gc_pause.pause()
    assert not gc.isenabled()
    gc_pause.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen
    again = gc.get_freeze_count()
    gc_pause.resume()  # once only
    assert gc.get_freeze_count() == again


@pytest.mark.usefixtures("collector_restored")
def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    gc_pause.pause()
    gc_pause.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


#: Runs the CLI as the ``retrogait`` program does (``main()`` reads sys.argv) or as Python code calling
#: ``main([...])``, and prints whether the collector was on and what it had frozen, once the read began.
PROBE = """
import atexit, gc, sys
import retrogait.analysis.load as load
seen = []
original = load.load_input
def load_input(*args, **kwargs):
    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
    return original(*args, **kwargs)
load.load_input = load_input
from retrogait.cli import main
rc = []
# the program ends a finished analyze without returning (PERF-35): the line is printed by an atexit handler
atexit.register(lambda: print("SEEN", rc[0] if rc else 0, seen, gc.isenabled(), file=sys.stderr))
if sys.argv[1] == "program":
    sys.argv = ["retrogait", *sys.argv[2:]]
    rc.append(main())
else:
    rc.append(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("command", ["analyze", "batch"])
@pytest.mark.parametrize("how", ["program", "call"])
def test_analyze_reads_with_the_collector_on(small_session: Session, tmp_path: Path, how: str, command: str) -> None:
    """``batch --jobs 1`` analyses in its own process: it reads with the collector on too (BATCH-22)."""
    path = write_session(small_session, tmp_path / "s.csv")
    out = tmp_path / "out"
    if command == "analyze":
        args, written = ["analyze", str(path), "--out", str(out), "--no-report"], out / "summary.json"
    else:
        args, written = ["batch", str(path), "--out", str(out), "--jobs", "1", "--no-compare"], out / "sessions.csv"
    proc = subprocess.run([sys.executable, "-c", PROBE, how, *args], capture_output=True, text=True, check=False)
    line = next(x for x in proc.stderr.splitlines() if x.startswith("SEEN "))
    frozen = how == "program"  # main([...]) from Python code that goes on running leaves the collector alone
    assert line == f"SEEN 0 [(True, {frozen})] True", proc.stderr
    assert written.exists()
