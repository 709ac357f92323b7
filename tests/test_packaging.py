"""pyproject's lower bounds are the releases the lower bounds check of .ci/run installs and tests (PACKAGING-3/4)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _release(text: str) -> tuple[int, ...]:
    """``2.0`` and ``2.0.0`` alike: the release's numbers without trailing zeros."""
    parts = [int(p) for p in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


#: Distributions with a lower bound that the lower bounds check does not install, and why (PACKAGING-3).
NOT_PINNED = {"sounddevice": "extra `live`, needs PortAudio: untested at any release"}


def _bounds() -> list[tuple[str, str, str]]:
    """``(extra, name, bound)`` for each ``>=`` requirement in pyproject.toml: ``""`` for the dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = []
    for extra, deps in [("", project["dependencies"]), *project["optional-dependencies"].items()]:
        for dep in deps:
            found = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*>=\s*([0-9.]+)", dep.strip())
            assert found is not None, f"{dep}: no lower bound"
            bounds.append((extra, found[1].lower().replace("_", "-"), found[2]))
    return bounds


def _floors() -> tuple[dict[str, str], set[str]]:
    """Each distribution's ``>=`` bound in pyproject.toml (dependencies and extras), and the names the lower bounds
    check installs: the dependencies and every extra's but the test tools' (``dev``) and :data:`NOT_PINNED`."""
    floors: dict[str, str] = {}
    installed: set[str] = set()
    for extra, name, bound in _bounds():
        floors.setdefault(name, bound)
        if extra != "dev" and name not in NOT_PINNED:
            installed.add(name)
    return floors, installed


def _pins() -> dict[str, str]:
    """The ``name==version`` lines of .ci/lower-bounds.txt."""
    pins: dict[str, str] = {}
    for line in (ROOT / ".ci" / "lower-bounds.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_the_lower_bounds_check_installs_each_lower_bound() -> None:
    floors, installed = _floors()
    pins = _pins()
    # an extra's package missing here is installed at its newest release by .ci/run: its bound untested (REVIEW-268)
    assert installed <= set(pins), f"not in .ci/lower-bounds.txt: {sorted(installed - set(pins))}"
    for name, version in pins.items():
        assert name in floors, f"{name} pinned but not a dependency"
        assert _release(version) == _release(floors[name]), f"{name}: pinned {version}, pyproject >={floors[name]}"


def test_each_distribution_has_one_lower_bound() -> None:
    """``dev`` repeats dask, pyarrow and python-osc: each repetition's bound is the one pinned (REVIEW-268)."""
    seen: dict[str, tuple[str, str]] = {}
    for extra, name, bound in _bounds():
        first = seen.setdefault(name, (extra, bound))
        assert _release(bound) == _release(first[1]), (
            f"{name}: >={first[1]} in [{first[0] or 'dependencies'}], >={bound} in [{extra or 'dependencies'}]"
        )


def test_the_lower_bounds_check_installs_the_pinned_extras() -> None:
    """.ci/run's install under the pins names the extras (or the packages) whose bounds are pinned: a pin of a
    package it does not install tests nothing (REVIEW-268)."""
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    start = run.index("-c .ci/lower-bounds.txt")
    line = run[run.rindex("\n", 0, start) : run.index("\n", run.index("\n", start) + 1)]  # the command, 2 lines
    extras = set(re.findall(r"-e '\.\[([^]]*)\]'", line)[0].split(","))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    named = set(line.replace("\\", " ").split())
    for extra, deps in project["optional-dependencies"].items():
        if extra == "dev":
            continue
        for dep in deps:
            name = re.split(r"[\[>=<\s]", dep, maxsplit=1)[0].lower()
            if name in _pins():
                assert extra in extras or name in named, f"{name} (extra {extra}) pinned but not installed by .ci/run"
