"""`retrogait compare` on analysis outputs as users hand them over: saved again by a spreadsheet, copied under
another name, a folder where a file belongs, odd option values (scripts/fuzz_compare.py finds these; COMPARE-11,
COMPARE-12)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from retrogait.cli import main


def _copy(analysis_folder: Path, tmp_path: Path, name: str = "run") -> Path:
    folder = tmp_path / name
    shutil.copytree(analysis_folder, folder)
    return folder


def _compare(inputs: list[Path], out: Path, *options: str) -> int:
    return main(["compare", *map(str, inputs), "--out", str(out), "--n-boot", "200", *options])


def _rows(out: Path) -> dict[str, dict[str, object]]:
    return {m["metric"]: m for m in json.loads((out / "compare.json").read_text())["metrics"]}


def _resave(folder: Path, *, sep: str, decimal: str = ".", bom: bool = False, upper: bool = False) -> None:
    """steps.csv as a spreadsheet saves it again: another separator, decimal commas, a BOM, names in capitals."""
    table = pd.read_csv(folder / "steps.csv", dtype=str, keep_default_na=False)
    if upper:
        table.columns = [f" {c.upper()}" for c in table.columns]
    lines = [sep.join(table.columns)]
    for values in table.itertuples(index=False):
        cells = [v.replace(".", decimal) if v.replace(".", "", 1).lstrip("-").isdigit() else v for v in values]
        lines.append(sep.join(cells))
    (folder / "steps.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode())


@pytest.mark.parametrize(
    ("sep", "decimal", "bom", "upper"),
    [(";", ",", False, False), (";", ".", True, False), ("\t", ",", False, False), (",", ".", True, True)],
    ids=["semicolon-decimal-comma", "semicolon-bom", "tab-decimal-comma", "bom-capital-names"],
)
def test_a_steps_table_saved_again_by_a_spreadsheet_compares_as_the_original(
    analysis_folder: Path, tmp_path: Path, sep: str, decimal: str, bom: bool, upper: bool
) -> None:
    """Excel in a German locale saves `;`-separated with decimal commas: it was "missing column(s) ic_time_s,
    direction", and given as a table by its path it was taken for a recording."""
    assert _compare([analysis_folder], tmp_path / "before") == 0
    folder = _copy(analysis_folder, tmp_path)
    _resave(folder, sep=sep, decimal=decimal, bom=bom, upper=upper)
    for given, out in ((folder, tmp_path / "folder"), (folder / "steps.csv", tmp_path / "table")):
        assert _compare([given], out) == 0
        before, after = _rows(tmp_path / "before"), _rows(out)
        for metric in ("impact_peak_g", "cadence_spm", "contact_time_s"):
            assert after[metric]["n_forward"] == before[metric]["n_forward"] > 0
            assert after[metric]["mean_backward"] == pytest.approx(before[metric]["mean_backward"])


def test_the_same_steps_under_two_names_are_one_session_given_twice(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A steps table copied to another name (no summary.json beside the copies to link them): its steps counted
    twice as two sessions of one person."""
    shutil.copy(analysis_folder / "steps.csv", tmp_path / "monday.csv")
    shutil.copy(analysis_folder / "steps.csv", tmp_path / "tuesday.csv")
    assert _compare([tmp_path / "monday.csv", tmp_path / "tuesday.csv"], tmp_path / "out") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "tuesday.csv: holds the same" in err and "one session given twice" in err
    part = pd.read_csv(tmp_path / "monday.csv")
    part.iloc[: int(0.92 * len(part))].to_csv(tmp_path / "part.csv", index=False)  # a copy, its last rows cut
    assert _compare([tmp_path / "monday.csv", tmp_path / "part.csv"], tmp_path / "out") == 2
    assert "part.csv: holds" in capsys.readouterr().err
    resaved = _copy(analysis_folder, tmp_path, "resaved")
    _resave(resaved, sep=";", decimal=",")  # saved again by a spreadsheet, without the summary: still the same
    (resaved / "summary.json").unlink()
    assert _compare([analysis_folder, tmp_path / "resaved"], tmp_path / "out") == 2
    assert "one session given twice" in capsys.readouterr().err


def test_a_steps_table_or_summary_that_is_a_folder_is_named(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """steps.csv a folder read "format not recognised (not a table of numbers nor a known folder)"; summary.json a
    folder was silently no summary (placement and step count lost)."""
    folder = _copy(analysis_folder, tmp_path)
    (folder / "steps.csv").unlink()
    (folder / "steps.csv").mkdir()
    assert _compare([folder], tmp_path / "out") == 2
    assert "steps.csv: is a folder, not a file" in capsys.readouterr().err
    folder = _copy(analysis_folder, tmp_path, "other")
    (folder / "summary.json").unlink()
    (folder / "summary.json").mkdir()
    assert _compare([folder], tmp_path / "out") == 2
    assert "summary.json: is a folder, not a file" in capsys.readouterr().err


def test_an_empty_steps_table_says_so(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(analysis_folder, tmp_path)
    (folder / "steps.csv").write_bytes(b"")
    assert _compare([folder], tmp_path / "out") == 2
    assert "steps.csv: is empty" in capsys.readouterr().err


def test_a_mistyped_number_of_resamples_is_refused_not_run_for_hours(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(analysis_folder), "--out", str(tmp_path / "o"), "--n-boot", "10000000000"]) == 2
    assert "--n-boot" in capsys.readouterr().err


def test_a_negative_seed_is_a_usage_error_not_an_internal_error(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sessions compared in pairs drew their resamples with numpy's generator, which takes no negative seed:
    "internal error: ValueError: expected non-negative integer"."""
    folders = []
    for i in range(6):  # six sessions: the session-level bootstrap
        folder = _copy(analysis_folder, tmp_path, f"s{i}")
        table = pd.read_csv(folder / "steps.csv")
        table["ic_time_s"] += 0.01 * i  # six different sessions, not one given six times
        table.to_csv(folder / "steps.csv", index=False)
        (folder / "summary.json").unlink()  # its source digest would make them one session (EDGE-8)
        folders.append(folder)
    assert _compare(folders, tmp_path / "o", "--placement", "shank") == 0  # compared, in sessions
    assert json.loads((tmp_path / "o" / "compare.json").read_text())["level"] == "sessions"
    capsys.readouterr()
    assert _compare(folders, tmp_path / "o", "--seed", "-1", "--placement", "shank") == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "--seed" in err


def test_a_column_given_twice_is_named(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A column in capitals beside the same in lower case was an internal error ('DataFrame' object has no
    attribute 'str'); the same name twice was read with the second silently renamed and left out."""
    folder = _copy(analysis_folder, tmp_path)
    table = pd.read_csv(folder / "steps.csv", dtype=str, keep_default_na=False)
    table["QUALITY_FLAGS"] = "clipped"
    table.to_csv(folder / "steps.csv", index=False)
    assert _compare([folder], tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "steps.csv: has the column quality_flags twice" in err
    lines = (analysis_folder / "steps.csv").read_text().splitlines()
    (folder / "steps.csv").write_text("\n".join(f"{line},{line.split(',')[11]}" for line in lines) + "\n")
    assert _compare([folder], tmp_path / "out") == 2
    assert "has the column impact_peak_g twice" in capsys.readouterr().err


@pytest.mark.parametrize(("column", "value"), [("step_time_s", "0"), ("step_time_s", "-0.3"), ("contact_time_s", "-1")])
def test_a_step_without_duration_is_refused_with_its_row(
    analysis_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, value: str
) -> None:
    """A step time of 0 made the cadence divide by zero (a RuntimeWarning, an error under pytest)."""
    folder = _copy(analysis_folder, tmp_path)
    table = pd.read_csv(folder / "steps.csv", dtype=str, keep_default_na=False)
    table.loc[3, column] = value
    table.to_csv(folder / "steps.csv", index=False)
    assert _compare([folder], tmp_path / "out", "--unit", "subjects") == 2
    err = capsys.readouterr().err
    assert (
        f"steps.csv: column {column} holds {float(value):g}, not a duration of a step" in err and "(data row 4)" in err
    )
