"""The compare package's modules import each other without a circle (issue 13 item 6), counting every
import: module level, inside functions and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import retrogait.compare

PACKAGE = Path(retrogait.compare.__file__).parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_circle_in_compare() -> None:
    modules = {f"retrogait.compare.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the message names the circle
        raise AssertionError(f"import circle: {exc.args[1]}") from None
    assert order.index("retrogait.compare.design") < order.index("retrogait.compare.sentences")
    assert order.index("retrogait.compare.sentences") < order.index("retrogait.compare.core")
