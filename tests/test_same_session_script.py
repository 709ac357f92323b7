"""scripts/same_session.py: an input a tree fails on with an unexpected exception is a result to compare, not the end
of the check (REVIEW-210)."""

from __future__ import annotations

from pathlib import Path

from script_module import load_script

_LOAD = """
from retrogait.errors import RetrogaitError


def load_input(path):
    if "crash" in path:
        raise KeyError("epoch_s")
    raise RetrogaitError(f"{path} refused")
"""


def _tree(root: Path) -> Path:
    package = root / "src" / "retrogait"
    (package / "analysis").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "analysis" / "__init__.py").write_text("")
    (package / "errors.py").write_text("class RetrogaitError(Exception):\n    pass\n")
    (package / "analysis" / "load.py").write_text(_LOAD)
    return root / "src"


def test_an_input_that_crashes_a_tree_is_compared_and_the_others_still_are(tmp_path: Path) -> None:
    same = load_script("same_session")
    src = _tree(tmp_path)
    found = same.sessions(str(src), ["a_crash.csv", "b.csv"])
    assert found["a_crash.csv"] == ("crashed", "KeyError: 'epoch_s'")
    assert found["b.csv"] == ("refused", "b.csv refused")
    assert same.differences(found["a_crash.csv"], found["a_crash.csv"]) == []
    assert same.differences(("crashed", "KeyError: 'x'"), ("crashed", "ValueError: y")) == ["crashed differently"]
    assert same.differences(found["a_crash.csv"], found["b.csv"]) == ["crashed vs refused"]
