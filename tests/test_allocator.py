"""PERF-12: an analysing command reuses freed memory and keeps numpy on small pages; elsewhere nothing."""

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


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Forget which settings this process took, before and after the test (they are set once per process)."""
    for setting in (allocator.reuse_freed_memory, allocator.one_heap):
        setting.cache_clear()
    yield
    for setting in (allocator.reuse_freed_memory, allocator.one_heap):
        setting.cache_clear()


def test_nothing_is_set_off_linux(fresh_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert allocator.reuse_freed_memory() is False
    assert allocator.one_heap() is False


def test_nothing_is_set_without_glibc(fresh_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_glibc(name: str) -> ctypes.CDLL:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", no_glibc)  # musl: no libc.so.6
    assert allocator.reuse_freed_memory() is False
    assert allocator.one_heap() is False


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_glibc_takes_the_settings(fresh_cache: None) -> None:
    assert allocator.reuse_freed_memory() is True
    assert allocator.one_heap() is True


@pytest.mark.parametrize(
    ("args", "prepared"),
    [(["analyze", "x.csv"], True), (["batch", "in", "--jobs", "1"], True), (["compare", "a", "b"], True)]
    + [(["info", "x.csv"], False), (["convert", "x"], False), (["--help"], False), ([], False)],
)
def test_analysing_commands_prepare_first(args: list[str], prepared: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    monkeypatch.setattr(early, "prepare_for_analysis", lambda: calls.append(None))
    monkeypatch.setattr(early, "local_workers", lambda _args: 1)  # no fork server from this test
    early.start_early(args)
    assert len(calls) == int(prepared)


_PROBE = (
    "import os, sys; from retrogait.cli.early import start_early; start_early(sys.argv[1:]); import numpy\n"
    "from numpy._core import multiarray\n"
    "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE'), getattr(multiarray, '_get_madvise_hugepage', lambda: None)())"
)


@pytest.mark.parametrize(
    ("args", "user_setting", "expected"),
    [(["analyze"], None, "0"), (["analyze"], "1", "1"), (["info"], None, None)],
)
def test_numpy_asks_for_no_huge_pages_unless_the_user_said_so(
    args: list[str], user_setting: str | None, expected: str | None
) -> None:
    """Set before numpy is imported (in a fresh interpreter, as the CLI does); a user's own setting wins."""
    env = {k: v for k, v in os.environ.items() if k != allocator.NUMPY_HUGE_PAGES}
    if user_setting is not None:
        env[allocator.NUMPY_HUGE_PAGES] = user_setting
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True, check=True)
    variable, madvise = out.stdout.split()
    assert variable == str(expected)
    if madvise != "None":  # numpy's own state, where this numpy shows it
        assert madvise == str(expected != "0")
