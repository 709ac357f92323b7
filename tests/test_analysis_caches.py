"""``analyze`` fills the analysis' per-process caches on its import thread, beside the read (PERF-106)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from retrogait.session import Session, write_session
from retrogait.warm import import_beside

#: Runs ``analyze`` as the ``retrogait`` program does, recording the thread that first calls each cache's function.
FIRST_CALLS_PROBE = """
import atexit, sys, threading
import retrogait.analysis.blas as blas
import retrogait.analysis.version as version
first = {}
ANALYSIS_MODULES = ("retrogait.analysis.pipeline", "retrogait.report.analysis_report", "rich.table")
def recorded(module, name):
    original = getattr(module, name)
    def call():
        if name not in first:  # the thread, and which of the analysis' modules were in by then
            in_by_then = [m for m in ANALYSIS_MODULES if m in sys.modules]
            first[name] = threading.current_thread().name
            first[name + " after"] = in_by_then
        return original()
    setattr(module, name, call)
recorded(blas, "blas_controller")
recorded(version, "analysis_version")
atexit.register(lambda: print("FIRST", sorted(first.items()), file=sys.stderr))
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("bar", [False, True])
@pytest.mark.parametrize("report", [False, True])
def test_analyze_finds_the_blas_and_the_analysis_version_on_its_import_thread(
    small_session: Session, tmp_path: Path, report: bool, bar: bool
) -> None:
    """threadpoolctl's view of the BLAS and the analysis version are found first on the import thread (beside the
    read), not on the main thread when the analysis starts and ends; summary.json's version is the tree's. With and
    without rich's progress bar (REVIEW-171: ``FORCE_COLOR`` set, a coloured CI log; else none of rich's terminal
    variables, whatever the environment running the tests has)."""
    from retrogait.analysis.version import analysis_version
    from retrogait.cli.display import RICH_TERMINAL_VARIABLES

    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "out"), *([] if report else ["--no-report"])]
    env = {k: v for k, v in os.environ.items() if k not in RICH_TERMINAL_VARIABLES} | (
        {"FORCE_COLOR": "1"} if bar else {}
    )
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_CALLS_PROBE, *args], capture_output=True, text=True, check=False, env=env
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if "FIRST [" in x)  # after the bar's cursor codes, if any
    first = dict(ast.literal_eval(line[line.index("FIRST [") + len("FIRST ") :]))
    assert {k: v for k, v in first.items() if not k.endswith(" after")} == {
        "analysis_version": "retrogait-import",
        "blas_controller": "retrogait-import",
    }
    # REVIEW-168: threadpoolctl looks at the libraries loaded once the pipeline, the report and rich are in
    loaded = ["retrogait.analysis.pipeline", *(["retrogait.report.analysis_report"] if report else []), "rich.table"]
    assert first["blas_controller after"] == loaded
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["analysis_version"] == analysis_version()


def test_a_module_s_function_is_called_once_its_module_is_in_and_a_failure_ends_the_thread_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``module:function`` imports the module and calls the function on the import thread, in order; a function that
    raises ends the thread without an error there (the command calls it again after the join and gets it)."""
    (tmp_path / "caches_probe.py").write_text(
        "import threading\ncalls = []\n"
        "def fill():\n    calls.append(('fill', threading.current_thread().name))\n"
        "def fail():\n    calls.append(('fail', threading.current_thread().name))\n    raise RuntimeError('no')\n"
        "def after():\n    calls.append(('after', threading.current_thread().name))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    errors: list[object] = []
    monkeypatch.setattr(threading, "excepthook", errors.append)
    thread = import_beside(["caches_probe:fill", "caches_probe:fail", "caches_probe:after"])
    thread.join()
    import caches_probe  # type: ignore[import-not-found]

    assert caches_probe.calls == [("fill", "retrogait-import"), ("fail", "retrogait-import")]
    assert not errors
    sys.modules.pop("caches_probe", None)
