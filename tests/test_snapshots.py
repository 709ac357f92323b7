"""The analysis outputs of sample_data/ and seeded simulated sessions stay what they were (issue 13).

Recorded outputs live in tests/data/snapshots/<case>/ (see tests/snapshot_cases.py, which also
regenerates them when a change is intended). The simulated inputs are simulated once per test run and
must match their recorded sha256 first: a simulator change is reported as such. Comparison: labels,
integers and column order exactly; numbers in summary.json (written at full precision) within a
relative 1e-9; numbers in the CSVs (written with 6 significant digits) within a relative 1e-5, one unit
of their last digit. The provenance keys of summary.json (settings, settings_hash, analysis_version)
are not compared.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from snapshot_cases import (
    CASES,
    SNAPSHOTS,
    Case,
    comparable_summary,
    digest,
    recorded_digests,
    run_case,
    write_simulated_inputs,
)

JSON_RTOL = 1e-9
CSV_RTOL = 1e-5


def _same(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert list(actual) == list(expected), f"{where}: keys {list(actual)} != {list(expected)}"
        for key, value in expected.items():
            _same(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _same(e, a, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(actual, bool) and isinstance(actual, int | float):
        assert math.isclose(actual, expected, rel_tol=JSON_RTOL, abs_tol=1e-12), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def _same_table(expected_path: Path, actual_path: Path) -> None:
    expected = pd.read_csv(expected_path, keep_default_na=False, dtype=str)
    actual = pd.read_csv(actual_path, keep_default_na=False, dtype=str)
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected), f"{expected_path.name}: {len(actual)} rows, expected {len(expected)}"
    for column in expected.columns:
        e, a = expected[column], actual[column]
        numeric_e = pd.to_numeric(e.replace("", "nan"), errors="coerce")
        numeric_a = pd.to_numeric(a.replace("", "nan"), errors="coerce")
        is_number = numeric_e.notna() | (e == "")
        assert (a[~is_number] == e[~is_number]).all(), f"{expected_path.name}: column {column} differs"
        np.testing.assert_allclose(
            numeric_a[is_number].to_numpy(dtype=float),
            numeric_e[is_number].to_numpy(dtype=float),
            rtol=CSV_RTOL,
            atol=0.0,
            err_msg=f"{expected_path.name}: column {column}",
        )


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seeded simulated inputs, written once for all cases."""
    return write_simulated_inputs(tmp_path_factory.mktemp("snapshot_inputs"))


def test_simulated_inputs_are_the_recorded_ones(simulated: dict[str, Path]) -> None:
    changed = [name for name, path in simulated.items() if digest(path) != recorded_digests().get(name)]
    assert set(simulated) == set(recorded_digests())
    assert not changed, (
        f"the simulator now writes other inputs for {changed}: a simulator change, not an analysis change; "
        "if intended, re-record with `python tests/snapshot_cases.py outputs` and check the outputs' diff"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_outputs_match_snapshot(case: Case, tmp_path: Path, simulated: dict[str, Path]) -> None:
    paths = run_case(case, tmp_path, simulated)
    recorded = SNAPSHOTS / case.name
    _same(comparable_summary(recorded / "summary.json"), comparable_summary(paths["summary"]), case.name)
    _same_table(recorded / "steps.csv", paths["steps"])
    _same_table(recorded / "bouts.csv", paths["bouts"])
