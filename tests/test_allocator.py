"""PERF-12: an analysing command reuses freed memory, on one heap, and keeps numpy on small pages;
elsewhere than glibc nothing is set."""

from __future__ import annotations

import ctypes
import os
import platform
import subprocess
import sys
from collections.abc import Iterator

import pytest

from retrogait import allocator
from retrogait.cli import early

GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget which settings this process took, before and after the test (they are set once per process);
    the environment variable a test may set is restored."""
    monkeypatch.setenv(allocator.NUMPY_HUGE_PAGES, "1")
    for setting in (allocator.reuse_freed_memory, allocator.prepare_for_analysis):
        setting.cache_clear()
    yield
    for setting in (allocator.reuse_freed_memory, allocator.prepare_for_analysis):
        setting.cache_clear()


def test_nothing_is_set_off_linux(fresh_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv(allocator.NUMPY_HUGE_PAGES)
    assert allocator.reuse_freed_memory() is False
    assert allocator.prepare_for_analysis() is False
    assert allocator.NUMPY_HUGE_PAGES not in os.environ


def test_every_setting_is_tried_when_one_is_refused(fresh_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused parameter (a 32-bit glibc refuses the 32 MiB mmap threshold) does not skip the others."""
    tried: list[int] = []

    class Libc:
        @staticmethod
        def mallopt(parameter: int, value: int) -> int:
            tried.append(parameter)
            return int(parameter != allocator.M_MMAP_THRESHOLD)

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: Libc())
    assert allocator.prepare_for_analysis() is False
    assert sorted(tried) == sorted([allocator.M_MMAP_THRESHOLD, allocator.M_TRIM_THRESHOLD, allocator.M_ARENA_MAX])


def test_nothing_is_set_without_glibc(fresh_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_glibc(name: str) -> ctypes.CDLL:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", no_glibc)  # musl: no libc.so.6
    assert allocator.reuse_freed_memory() is False
    assert allocator.prepare_for_analysis() is False


@pytest.mark.parametrize(
    ("args", "prepared"),
    [(["analyze", "x.csv"], True), (["batch", "in", "--jobs", "1"], True), (["compare", "a", "b"], True)]
    + [(["info", "x.csv"], False), (["convert", "x"], False), (["--help"], False), ([], False)]
    + [(["batch", "in", "--scheduler", "tcp://host:8786"], False)],  # a Dask client analyses nothing
)
def test_analysing_commands_prepare_first(args: list[str], prepared: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    paused: list[None] = []
    monkeypatch.setattr(early, "prepare_for_analysis", lambda: calls.append(None))
    monkeypatch.setattr(early, "local_workers", lambda _args: 1)  # no fork server from this test
    # the collector is turned off for `analyze` and `batch` only (a Dask client's imports too: BATCH-29), and not in
    # this test's process (REVIEW-4)
    monkeypatch.setattr(early, "pause", lambda: paused.append(None))
    early.start_early(args, whole_process=True)
    assert len(calls) == int(prepared)
    assert len(paused) == int(args[:1] in (["analyze"], ["batch"]))
    before = len(paused)
    early.start_early(args, whole_process=False)  # main([...]) called from Python: the process is not ours
    assert len(calls) == int(prepared)
    assert len(paused) == before


#: What the CLI does first, in a fresh interpreter: then numpy's own state, glibc's answer and the variable.
_PROBE = (
    "import os, sys; from retrogait.cli.early import start_early\n"
    "start_early(sys.argv[1:], whole_process=True); import numpy\n"
    "from numpy._core import multiarray; from retrogait.allocator import prepare_for_analysis as p\n"
    "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE'), getattr(multiarray, '_get_madvise_hugepage', lambda: None)(),"
    " p() if p.cache_info().currsize else None, __import__('retrogait.allocator').allocator.reuse_freed_memory())"
)


@pytest.mark.parametrize(
    ("args", "user_setting", "expected"),
    [(["analyze"], None, "0"), (["analyze"], "1", "1"), (["info"], None, None)],
)
def test_the_cli_sets_up_before_numpy_is_imported(
    args: list[str], user_setting: str | None, expected: str | None
) -> None:
    """numpy asks for no huge pages unless the user said so; glibc takes the settings (where it runs)."""
    env = {k: v for k, v in os.environ.items() if k != allocator.NUMPY_HUGE_PAGES}
    if user_setting is not None:
        env[allocator.NUMPY_HUGE_PAGES] = user_setting
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, check=True)
    variable, madvise, prepared, dask_setting = out.stdout.split()
    assert variable == str(expected)
    if madvise != "None":  # numpy's own state, where this numpy shows it
        assert madvise == str(expected != "0")
    assert prepared == (str(GLIBC) if args == ["analyze"] else "None")
    assert dask_setting == str(GLIBC)
