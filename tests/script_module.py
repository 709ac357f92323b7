"""Import a module of scripts/ (validation scripts, shared readers) into a test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
#: A real recording of the repository a bench script's test times (the mixed foot run of sample_data/).
FOOT = SCRIPTS.parent / "sample_data" / "foot_mixed.csv"


def load_script(name: str) -> ModuleType:
    """``scripts/NAME.py`` as a module (once per test session; its own imports of scripts/ resolve too)."""
    if name in sys.modules:
        return sys.modules[name]
    if str(SCRIPTS) not in sys.path:
        sys.path.append(str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def refused_input(folder: Path) -> Path:
    """A table of no known format in ``folder`` (``not_a_recording.csv``), which every reader refuses: a bench's
    refused row."""
    bad = folder / "not_a_recording.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    return bad
