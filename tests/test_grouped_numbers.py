"""Numbers a spreadsheet saved with thousands separators, GENEActiv's times as a locale date (EDGE-288): refused in
one line that names the file and that problem (952ac943 named the file, not the problem)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from import_samples import geneactiv, metabase_pair, sensorlogger_folder
from retrogait.errors import InputFileError
from retrogait.imports import load_recording


def _grouped(line: str) -> str:
    """``line`` with every plain number of 1000 or more quoted with ``,`` groups (``"1,659,731,173,153"``)."""

    def group(match: re.Match[str]) -> str:
        whole, _, frac = match.group(0).lstrip("-").partition(".")
        if int(whole) < 1000:
            return match.group(0)
        sign = "-" if match.group(0).startswith("-") else ""
        return f'"{sign}{int(whole):,}' + (f".{frac}" if frac else "") + '"'

    return ",".join(re.sub(r"^-?\d+(\.\d+)?$", group, field) for field in line.split(","))


@pytest.mark.parametrize("app", ["metabase", "sensorlogger"])
def test_a_table_with_thousands_separators_is_refused_naming_them(tmp_path: Path, app: str) -> None:
    """The epoch clocks (ms, ns) saved as grouped numbers: before, "has no usable acc rows (... acc_not_a_number=N)"."""
    if app == "metabase":
        path = metabase_pair(tmp_path / "mw")
    else:
        path = sensorlogger_folder(tmp_path / "export") / "TotalAcceleration.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *map(_grouped, lines[1:])]) + "\n")
    assert '"1,' in path.read_text()
    with pytest.raises(InputFileError) as refused:
        load_recording(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: has no usable acc rows") and "\n" not in message  # its own words (REVIEW-275)
    assert "; it also writes its numbers with thousands separators (" in message
    assert "General" in message


def test_a_lone_group_that_a_decimal_comma_could_make_is_not_taken_for_one(tmp_path: Path) -> None:
    """``"1,234"`` is 1.234 in a decimal-comma table (EDGE-164): a file whose only such number is ambiguous keeps its
    own refusal's words."""
    path = tmp_path / "t.csv"
    path.write_text('time,x\n"1,234",x\n')
    with pytest.raises(InputFileError) as refused:
        load_recording(path)
    assert "thousands" not in str(refused.value)


def test_geneactiv_times_as_a_locale_date_are_refused_naming_them(tmp_path: Path) -> None:
    path = geneactiv(tmp_path / "ga.csv")
    text = path.read_text()
    local = re.sub(r"(?m)^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}:\d{2}):(\d{3}),", r"\3/\2/\1 \4.\5,", text)
    assert local != text
    path.write_text(local)
    with pytest.raises(InputFileError) as refused:
        load_recording(path, format="geneactiv")
    message = str(refused.value)
    assert "writes its times as a locale date ('06/08/2019 10:25:50.000'" in message and "\n" not in message


def test_the_refusal_the_file_had_is_kept_beside_its_thousands_separators(tmp_path: Path) -> None:
    """REVIEW-275: a refusal for another reason was replaced by the separators' words: a table of gait features (not a
    recording) with ``"8,140.0"`` in its IC column was told "save it again with the numbers' format General", and
    saved so it would have been refused again for what it is. Now its own problem comes first, the separators after."""
    path = tmp_path / "gait_features.csv"
    header = "bout_number,bout_length_sec,IC,FC,gait_cycles,steps,stride_duration,step_duration,cadence"
    rows = [f'{i},14.66,"{8140 + 700 * i:,}.0","{8960 + 700 * i:,}.0",16,21,1.24,0.68,88.24' for i in range(20)]
    path.write_text("\n".join([header, *rows]) + "\n")
    with pytest.raises(InputFileError) as refused:
        load_recording(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: is a table of gait events or features another tool computed"), message
    assert 'thousands separators ("8,140.0"' in message and "\n" not in message
