"""Commands import only what they use (issue 16): no scipy or matplotlib to print a version or read a file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from retrogait.session import Session, write_session

#: Runs the CLI in a fresh interpreter and prints the modules it loaded, as JSON, on stderr.
PROBE = (
    "import sys, json; from retrogait.cli import main; rc = main(sys.argv[1:]); "
    "print('MODULES ' + json.dumps(sorted(sys.modules)), file=sys.stderr)"
)


def modules_of(*args: str) -> set[str]:
    """Every module a command loads."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def loaded(*args: str) -> set[str]:
    """The top-level packages a command loads."""
    return {m.split(".")[0] for m in modules_of(*args)}


def test_version_and_help_load_no_numeric_library() -> None:
    for args in (["--version"], ["--help"], ["analyze", "--help"], ["batch", "--help"]):
        assert not loaded(*args) & {"numpy", "pandas", "scipy", "matplotlib"}, args


def test_info_and_convert_load_no_scipy_or_matplotlib(small_session: Session, tmp_path: Path) -> None:
    path = write_session(small_session, tmp_path / "s.csv")
    for args in (["info", str(path)], ["convert", str(path), "--out", str(tmp_path / "c.csv")]):
        assert not loaded(*args) & {"scipy", "matplotlib"}, args


@pytest.mark.parametrize("report", [True, False])
def test_analyze_loads_neither_compare_nor_matplotlib(small_session: Session, tmp_path: Path, report: bool) -> None:
    path = write_session(small_session, tmp_path / "s.csv")
    args = ["analyze", str(path), "--out", str(tmp_path / "out"), "--report" if report else "--no-report"]
    modules = modules_of(*args)
    assert (tmp_path / "out" / "summary.json").exists()
    assert (tmp_path / "out" / "report.html").exists() == report
    assert "matplotlib" not in modules
    assert not {m for m in modules if m.startswith("retrogait.compare")}


def test_import_retrogait_is_light() -> None:
    code = "import sys, retrogait; print(retrogait.__version__); assert 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    code = "import retrogait; print(retrogait.analyze.__module__, retrogait.Session.__name__)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["retrogait.analysis.pipeline", "Session"]
