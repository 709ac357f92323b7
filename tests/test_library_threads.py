"""`retrogait analyze` starts no idle BLAS/OpenMP workers: the analysis multiplies on one thread (PERF-34)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from retrogait.library_threads import THREAD_VARIABLES

#: What the CLI does first, in a fresh interpreter; then the variables and the threads numpy's BLAS has.
_PROBE = (
    "import os, sys; from retrogait.cli.early import start_early\n"
    "start_early(sys.argv[1:], whole_process=True); import numpy\n"
    "from threadpoolctl import threadpool_info\n"
    "blas = [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']\n"
    "print(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'), blas[0] if blas else None)"
)


@pytest.mark.parametrize(
    ("args", "user_setting", "expected"),
    [(["analyze", "x.csv"], None, "1"), (["analyze", "x.csv"], "2", "2"), (["info", "x.csv"], None, None)],
)
def test_analyze_loads_blas_with_one_thread(args: list[str], user_setting: str | None, expected: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    if user_setting is not None:
        env["OPENBLAS_NUM_THREADS"] = user_setting  # the user's choice is kept
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, check=True)
    openblas, omp, blas_threads = out.stdout.split()
    assert openblas == str(expected)
    assert omp == ("1" if args[0] == "analyze" else "None")
    if blas_threads != "None" and expected is not None:  # where numpy's BLAS is found (OpenBLAS reads the variable)
        assert blas_threads == expected


def test_main_called_from_python_leaves_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """``main([...])`` from code that goes on running: its process' libraries are not ours to set."""
    from retrogait.cli import early

    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(early, "prepare_for_analysis", lambda: None)
    early.start_early(["analyze", "x.csv"], whole_process=False)
    assert not any(name in os.environ for name in THREAD_VARIABLES)
