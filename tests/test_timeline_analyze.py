"""scripts/timeline_analyze.py (PERF-71): which tree each run is, and the same stamps for either tree
(REVIEW-107, REVIEW-108)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation
from script_module import load_script, refused_input

SRC = Path(__file__).resolve().parents[1] / "src"


def test_this_tree_is_the_one_the_caller_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """REVIEW-107: "this" is the tree the script compiled and the caller's PYTHONPATH names (as in
    bench_analyze_pairs.py), not whatever tree the environment's install points at; BASE_SRC goes first."""
    timeline = load_script("timeline_analyze")
    seen: list[dict[str, str]] = []

    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(kwargs["env"])
        return subprocess.CompletedProcess(args, 0, "", "MARK\texit\t1\t1\t1\t0\n")

    monkeypatch.setattr(timeline.subprocess, "run", run)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "review_tree" / "src"))
    assert timeline.one_run(tmp_path / "r.csv", str(tmp_path / "out"), None, False) == {"exit": (1.0, 1.0, 1.0, 0.0)}
    timeline.one_run(tmp_path / "r.csv", str(tmp_path / "out"), str(tmp_path / "base" / "src"), False)
    assert seen[0]["PYTHONPATH"] == str(tmp_path / "review_tree" / "src")
    assert seen[1]["PYTHONPATH"].split(":")[0] == str(tmp_path / "base" / "src")


def test_a_tree_that_binds_the_analysis_before_the_read_is_stamped_too(tmp_path: Path) -> None:
    """REVIEW-108: a tree whose command binds the pipeline's functions once the import thread is joined, before the
    read (63a4863, the base PERF-72 is measured against), gets the analysis' and the writing's stamps as this one
    does; the probe wrapped them only after the read, so the base had no "analyze" nor "write_outputs" row."""
    timeline = load_script("timeline_analyze")
    base = tmp_path / "base" / "src"
    shutil.copytree(SRC, base, ignore=shutil.ignore_patterns("__pycache__"))
    command = base / "retrogait" / "cli" / "analyze.py"
    text = command.read_text(encoding="utf-8")
    early = (
        "        warm.join()\n"
        "        from retrogait.analysis.pipeline import analyze as run_early\n"
        "        from retrogait.analysis.pipeline import write_outputs as write_early\n\n"
        "        def analyse(session: Session"
    )
    for old, new in (
        ("        def analyse(session: Session", early),
        ("                return run_analysis(", "                return run_early("),
        ("            paths = write_outputs(result, out_dir)", "            paths = write_early(result, out_dir)"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    command.write_text(text, encoding="utf-8")
    recording = tmp_path / "shank.csv"
    bouts = [Bout("still", "still", 0.0, 3.0), Bout("forward", "running", 3.0, 20.0), Bout("still", "still", 0.0, 3.0)]
    write_simulation(
        simulate(SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=100.0, seed=0)), recording
    )
    for src in (str(base), str(SRC)):
        stamps = timeline.one_run(recording, str(tmp_path / "out"), src, False)
        assert {"read >", "analyze >", "preprocess >", "analyze <", "write_outputs >", "write_outputs <"} <= set(
            stamps
        ), (src, sorted(stamps))


def test_an_input_analyze_refuses_stops_the_timeline_with_analyzes_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """REVIEW-247: with ``--file`` (PERF-156) the input is anyone's export; one that ``analyze`` refuses ended the
    script in a CalledProcessError traceback with analyze's message swallowed (its stderr captured). Now it stops
    with the exit status and analyze's own last line."""
    timeline = load_script("timeline_analyze")

    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 2, "", "MARK\tread >\t1\t1\t1\t0\nerror: r.csv: no time column\n")

    monkeypatch.setattr(timeline.subprocess, "run", run)
    with pytest.raises(SystemExit, match="no time column") as stop:
        timeline.one_run(tmp_path / "r.csv", str(tmp_path / "out"), None, False)
    assert "status 2" in str(stop.value)


def test_a_file_that_is_not_there_is_refused_before_any_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """REVIEW-247: ``--file`` naming nothing is a usage error (exit 2, no traceback), not a run of each tree."""
    timeline = load_script("timeline_analyze")
    ran: list[object] = []
    monkeypatch.setattr(timeline, "compile_package", lambda: ran.append("compile") or "")
    monkeypatch.setattr(timeline, "one_run", lambda *args: ran.append(args) or {})
    monkeypatch.setattr("sys.argv", ["timeline_analyze.py", "--runs", "1", "--file", str(tmp_path / "missing.csv")])
    with pytest.raises(SystemExit) as stop:
        timeline.main()
    assert stop.value.code == 2 and ran == []


def test_a_refused_input_is_not_timed_as_an_analysis(tmp_path: Path) -> None:
    """REVIEW-247: the probe ran the CLI's ``main()`` and dropped the exit status it returns, so a refused input
    (a table of no known format) exited 0 and was timed as a read and an exit: a timeline of the refusal printed as
    the analysis'. The probe now exits with main's status and the script stops with analyze's message."""
    timeline = load_script("timeline_analyze")
    bad = refused_input(tmp_path)
    with pytest.raises(SystemExit, match=r"exit status 2: retrogait: error: .*acceleration columns"):
        timeline.one_run(bad, str(tmp_path / "out"), str(SRC), False)
