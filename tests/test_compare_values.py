"""`compare` on steps tables whose numbers no analysis writes (EDGE-60)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("value", "expected"),
    [("inf", "holds inf, not a finite number"), ("-1e300", "holds -1e+300, beyond any measurement (|value| > 1e7)")],
)
def test_a_metric_beyond_any_measurement_is_refused_in_one_line(
    value: str, expected: str, analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An infinite or absurd impact in an edited steps table stopped `compare` with an internal error
    ("cannot convert float NaN to integer" in the block bootstrap; "float() argument must be ... not
    'NoneType'" for inf): now one line names the file, the column and the row."""
    import pandas as pd

    from retrogait.cli import main

    steps = pd.read_csv(analysis_folder / "steps.csv", dtype=str, keep_default_na=False)
    steps.loc[2, "impact_peak_g"] = value
    table = tmp_path / "edited.csv"
    steps.to_csv(table, index=False)
    assert main(["compare", str(table), "--out", str(tmp_path / "cmp")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"edited.csv: column impact_peak_g {expected} (data row 3)" in err


def test_a_large_clock_is_not_a_metric(analysis_folder: Path, tmp_path: Path) -> None:
    """Times may be large (a Unix clock): only the measured metrics are held to the limit."""
    import pandas as pd

    from retrogait.cli import main

    steps = pd.read_csv(analysis_folder / "steps.csv")
    steps["ic_time_s"] += 1.7e9
    steps["to_time_s"] += 1.7e9
    table = tmp_path / "clock.csv"
    steps.to_csv(table, index=False)
    assert main(["compare", str(table), "--out", str(tmp_path / "cmp")]) == 0
