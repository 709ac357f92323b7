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


def _floors() -> tuple[dict[str, str], set[str]]:
    """Each distribution's ``>=`` bound in pyproject.toml (dependencies and extras), and the names of the
    dependencies every install gets."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors: dict[str, str] = {}
    required: set[str] = set()
    lists = [("", project["dependencies"]), *project["optional-dependencies"].items()]
    for extra, deps in lists:
        for dep in deps:
            found = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*>=\s*([0-9.]+)", dep.strip())
            assert found is not None, f"{dep}: no lower bound"
            name = found[1].lower().replace("_", "-")
            floors.setdefault(name, found[2])
            if not extra:
                required.add(name)
    return floors, required


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
    floors, required = _floors()
    pins = _pins()
    assert required <= set(pins), f"not in .ci/lower-bounds.txt: {sorted(required - set(pins))}"
    for name, version in pins.items():
        assert name in floors, f"{name} pinned but not a dependency"
        assert _release(version) == _release(floors[name]), f"{name}: pinned {version}, pyproject >={floors[name]}"
