"""A session file is detected by its own sniffer alone (PERF-89): the same format as every sniffer's vote gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.imports import registry
from retrogait.imports.base import ImportFormat
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate
from test_imports_formats import CASES


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each format's sniffer wrapped to note its name when asked."""
    asked: list[str] = []

    def counting(fmt: ImportFormat) -> ImportFormat:
        def sniff(path: Path) -> float:
            asked.append(fmt.name)
            return fmt.sniff(path)

        return ImportFormat(fmt.name, fmt.description, sniff, fmt.read)

    monkeypatch.setattr(registry, "FORMATS", tuple(counting(fmt) for fmt in registry.FORMATS))
    return asked


def _voted(path: Path) -> str:
    """The format every sniffer's vote gives (a9437db's detection: the highest confidence, the first on a tie)."""
    scores = [(registry._safe_sniff(fmt, path), -i) for i, fmt in enumerate(registry.FORMATS)]
    return registry.FORMATS[-max(scores)[1]].name


def test_a_session_file_is_its_own_sniffer_s_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    write_session(simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 5)], seed=1)).session, path)
    asked = _counted(monkeypatch)
    assert registry.detect_format(path).name == "native"
    assert asked == ["native"]
    assert _voted(path) == "native"


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_every_format_is_found_as_every_sniffer_s_vote_finds_it(case: tuple, tmp_path: Path) -> None:
    """Each format's example (tests/test_imports_formats.py): no sniffer above 1 (the first format's shortcut
    relies on it), and the format detected is the vote's; only a session file skips the other sniffers."""
    name, writer = case[0], case[1]
    path = writer(tmp_path)
    assert all(0.0 <= registry._safe_sniff(fmt, path) <= registry.CERTAIN for fmt in registry.FORMATS)
    assert registry.detect_format(path).name == name == _voted(path)
