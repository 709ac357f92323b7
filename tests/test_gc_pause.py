"""No cyclic garbage collection while ``retrogait analyze`` and ``batch`` import their libraries (PERF-18,
BATCH-22)."""

from __future__ import annotations

import ast
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


@pytest.mark.usefixtures("collector_restored")
def test_the_modules_imported_beside_the_read_are_frozen_once_after_resume() -> None:
    gc.enable()
    gc_pause.pause()
    gc_pause.resume()
    before = gc.get_freeze_count()
    kept = [[i] for i in range(1000)]  # what a thread imported beside the read: alive, tracked
    gc_pause.freeze_imported()
    assert gc.get_freeze_count() >= before + len(kept)
    again = gc.get_freeze_count()
    more = [[i] for i in range(1000)]  # a second call (the next part of a recording) freezes nothing
    gc_pause.freeze_imported()
    assert gc.get_freeze_count() == again
    assert more


@pytest.mark.usefixtures("collector_restored")
def test_nothing_is_frozen_for_a_caller_that_did_not_pause() -> None:
    gc_pause._resumed = False
    gc_pause.resume()
    gc_pause.freeze_imported()
    assert gc.get_freeze_count() == 0


#: Records, as the ``retrogait`` program runs ``analyze``, the order of: the analysis' import thread started (and
#: whether pandas and the settings' module were in by then), the read's start and end, the thread joined, the
#: analysis' start (and whether the collector had frozen more by then).
ORDER_PROBE = """
import atexit, gc, sys, threading
import retrogait.analysis.load as load
import retrogait.cli.analyze as command
events = []
original_read, original_beside = load.load_input, command.import_beside
def load_input(*args, **kwargs):
    events.append(("read", "retrogait.analysis.settings_toml" in sys.modules, gc.get_freeze_count()))
    try:
        return original_read(*args, **kwargs)
    finally:
        events.append(("read done",))
def import_beside(modules):
    events.append(("import thread", "pandas" in sys.modules, "retrogait.analysis.settings_toml" in sys.modules))
    thread = original_beside(modules)
    join = thread.join
    def joined(*args, **kwargs):
        events.append(("joined", threading.current_thread() is threading.main_thread()))
        join(*args, **kwargs)
        import retrogait.analysis.pipeline as pipeline  # in now: its analyze wrapped before the command takes it
        original = pipeline.analyze
        def analyze(*args, **kwargs):
            events.append(("analysis", gc.get_freeze_count()))
            return original(*args, **kwargs)
        pipeline.analyze = analyze
    thread.join = joined
    return thread
load.load_input, command.import_beside = load_input, import_beside
from retrogait.cli import main
atexit.register(lambda: print("EVENTS", events, file=sys.stderr))
sys.argv = ["retrogait", *sys.argv[1:]]
main()
"""


def test_analyze_imports_the_analysis_while_the_recording_is_read(small_session: Session, tmp_path: Path) -> None:
    """PERF-72: the import thread starts once pandas is in and is joined after the read, not before it; the
    settings' module is left to it where no ``--settings`` is given; what it imported is frozen before the
    analysis (PERF-18)."""
    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "out"), "--no-report"]
    proc = subprocess.run([sys.executable, "-c", ORDER_PROBE, *args], capture_output=True, text=True, check=False)
    line = next(x for x in proc.stderr.splitlines() if x.startswith("EVENTS "))
    events = ast.literal_eval(line.removeprefix("EVENTS "))
    names = [event[0] for event in events]
    assert names == ["import thread", "read", "read done", "joined", "analysis"], proc.stderr
    assert events[0][1:] == (True, False)  # pandas in; the settings' module not imported by this thread
    assert events[3][1] is True
    assert events[4][1] > events[1][2]  # the modules imported beside the read frozen before the analysis
    assert (tmp_path / "out" / "summary.json").exists()


#: ``analyze`` as the program, its import thread given a module that takes 1 s to import: prints at exit whether the
#: thread is still alive.
REFUSAL_PROBE = """
import atexit, sys, threading
sys.path.insert(0, sys.argv[1])
import retrogait.cli.analyze as command
original = command.import_beside
command.import_beside = lambda modules: original([*modules, "slow_to_import"])
alive = lambda: any(t.name == "retrogait-import" for t in threading.enumerate())
atexit.register(lambda: print("ALIVE", alive(), file=sys.stderr))
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[2:]]
sys.exit(main())
"""


def test_a_refused_recording_ends_after_the_imports_beside_its_read(tmp_path: Path) -> None:
    """PERF-72: the read runs beside the import thread; a recording it refuses ends the process only once the thread
    has ended (no import cut off by the interpreter's end), with the one line of its refusal."""
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(1.0)\n")
    bad = tmp_path / "run.csv"
    bad.write_text("# retrogait-session: 1\n# placement: shank\nt_s,acc_x,acc_y,acc_z\n0.0,1,2,x\n0.01,1,2,3\n")
    args = [str(tmp_path), "analyze", str(bad), "--out", str(tmp_path / "out"), "--no-report"]
    proc = subprocess.run([sys.executable, "-c", REFUSAL_PROBE, *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1] == "ALIVE False", proc.stderr
    assert len(lines) == 2 and lines[0].startswith(f"retrogait: error: {bad}"), proc.stderr
