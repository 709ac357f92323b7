"""Long recordings (a GENEActiv week, a day-long phone file): written in slices, refused in one line before the
work when they would not fit in memory, analysed in parts with --start/--end (LONG-1, LONG-2)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait.imports.file_size as file_size
import retrogait.memory as memory
import retrogait.session as session_module
from retrogait.analysis.pipeline import analyze
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.session import Session, read_session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture(scope="module")
def recording() -> Session:
    """Still, forward walking, still, backward running, still: 70 s of a shank at 100 Hz."""
    bouts = [
        Bout("still", "still", 0.0, 5.0),
        Bout("forward", "walking", 1.3, 25.0),
        Bout("still", "still", 0.0, 10.0),
        Bout("backward", "running", 2.5, 25.0),
        Bout("still", "still", 0.0, 5.0),
    ]
    return simulate(SimulationConfig("shank", bouts, 100.0, seed=1)).session


def test_a_session_written_in_slices_is_the_same_text(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week at 100 Hz is ~3 GB of text: `convert` held all of it (and ~3x more of spelling work) at once, 904 MB
    for 6 h of a GENEActiv .bin. Slices of WRITE_ROWS rows give the same bytes, the last slice short."""
    whole = write_session(recording, tmp_path / "whole.csv").read_bytes()
    monkeypatch.setattr(session_module, "WRITE_ROWS", 1000)
    sliced = write_session(recording, tmp_path / "sliced.csv").read_bytes()
    assert sliced == whole
    assert gzip.decompress(write_session(recording, tmp_path / "sliced.csv.gz").read_bytes()) == whole
    empty = recording.between(1e9, None)
    assert empty.n_samples == 0
    assert write_session(empty, tmp_path / "empty.csv").read_text().splitlines()[-1].startswith("t_s,")


def test_a_recording_too_long_for_the_memory_is_refused_before_it_is_read(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GENEActiv week needs ~11 GB to analyse: on an 8 GB laptop it swapped for minutes or ended in a
    MemoryError. Now one line, before the file is read, naming it, its length, the memory and what to do."""
    path = write_session(recording, tmp_path / "week.csv")
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.0005")  # 0.5 MB: the 7,000 samples need ~1.7 MB
    read = []
    monkeypatch.setattr("retrogait.analysis.load.load_input", lambda *a, **k: read.append(a))
    assert main(["analyze", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and not read and not (tmp_path / "out").exists()
    # a session file is read a part at a time (LONG-6): refused where even its shortest parts would not fit
    assert f"{path}: about 1.2 min at 100 Hz (7," in err and "of memory to analyse in parts, 0.512 MB available" in err
    table = tmp_path / "table.csv"  # a table no part reader knows (another app's export) is read whole
    recording.to_frame().to_csv(table, index=False)
    assert main(["analyze", str(table), "--out", str(tmp_path / "out"), "--rate", "100"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and not read and f"{table}: about" in err and "of memory to analyse, 0.512 MB" in err
    assert "it is read whole before a part is cut, so split it into files of fewer rows" in err  # not --start: a
    # text table is read whole, so a part needs the memory the refusal says is missing (review)


def test_reading_too_long_for_the_memory_is_refused_naming_the_file(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_session(recording, tmp_path / "week.csv")
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.0005")
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{path}: about" in err and "of memory to read" in err


def test_the_analysis_checks_the_real_count_where_the_size_says_nothing(
    recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder, a zip or a file under CHECK_FROM_BYTES is read, then its samples counted before the analysis."""
    monkeypatch.setenv(memory.MEMORY_ENV, "0.0008")  # what the samples read hold is not counted again (review)
    with pytest.raises(RetrogaitError, match=r"7,000 samples\) needs about 0.961 MB of memory to analyse, 0.819 MB"):
        analyze(recording.with_meta(placement="shank"))
    monkeypatch.setenv(memory.MEMORY_ENV, "0.001")
    assert len(analyze(recording.with_meta(placement="shank")).steps) > 0
    for said in ("lots", "inf", "-1", "0", "nan"):
        monkeypatch.setenv(memory.MEMORY_ENV, said)
        with pytest.raises(RetrogaitError, match=f"RETROGAIT_MEMORY_GB='{said}': not a positive number of GB"):
            analyze(recording)


def test_a_part_file_cut_again_is_cut(tmp_path: Path, recording: Session) -> None:
    """A part written by `convert --start --end` carries `import_part_s` in its header; asking it for a part
    again cuts it (it was returned whole: its header's key was taken for the reader having cut it; review)."""
    path = write_session(recording.with_meta(placement="shank", side="left"), tmp_path / "rec.csv")
    assert main(["convert", str(path), "--out", str(tmp_path / "part.csv"), "--start", "10", "--end", "60"]) == 0
    assert (
        main(
            ["convert", str(tmp_path / "part.csv"), "--out", str(tmp_path / "again.csv"), "--start", "5", "--end", "15"]
        )
        == 0
    )
    again = read_session(tmp_path / "again.csv")
    assert again.duration_s == pytest.approx(10.0, abs=0.02)
    assert again.meta.extra["import_part_s"].startswith("5")


def test_start_and_end_analyse_that_part(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The part is what its samples give analysed alone, said in the summary; the memory check counts the part."""
    path = write_session(recording.with_meta(placement="shank", side="left"), tmp_path / "rec.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out"), "--start", "38", "--end", "70"]) == 0
    steps = pd.read_csv(tmp_path / "out" / "steps.csv")
    part = read_session(path).between(38.0, 70.0)
    alone = analyze(part)
    assert len(steps) == len(alone.steps) > 10
    np.testing.assert_allclose(steps["ic_time_s"], alone.steps["ic_time_s"], atol=1e-6)
    assert (steps["ic_time_s"] >= 38).all() and set(steps["direction"]) == {"backward"}
    summary = (tmp_path / "out" / "summary.json").read_text()
    assert '"import_part_s": "38-70"' in summary
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--start", "100"], "has no samples from 100-end s: it lasts 70.0 s"),
        (["--start", "-1"], "--start must be a time in seconds from the recording's start (>= 0), got -1"),
        (["--start", "10", "--end", "5"], "--end (5 s) must come after --start (10 s)"),
    ],
)
def test_a_part_that_is_not_there_is_refused(
    tmp_path: Path, recording: Session, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    path = write_session(recording.with_meta(placement="shank"), tmp_path / "rec.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert said in err and "\n" not in err


def test_full_precision_levels_are_spelled_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """A GENEActiv's calibrated counts are full-precision floats (repr'd one by one: 50 s of `convert` for a day)
    on 4,096 levels an axis: the values repr spells (since PERF-33 those numpy does not: scientific notation, NaN,
    inf) are spelled once per level, the same text, -0.0 kept apart from 0.0, NaN empty."""
    from retrogait import csvtext

    rng = np.random.default_rng(0)
    numpy_spells = [1 / 3, -2 / 7, 9.80665 / 3, 0.0, -0.0]
    repr_spells = [np.nan, np.inf, 1e-5 / 3, -1e20 / 3]
    levels = np.array(numpy_spells + repr_spells)
    column = levels[rng.integers(0, levels.size, 20_000)]
    expected = "".join(("" if np.isnan(v) else repr(v)) + "\n" for v in column.tolist()).encode()
    assert csvtext.csv_lines([column]) == expected
    calls = []
    spell = csvtext._repr_matrix
    monkeypatch.setattr(csvtext, "_repr_matrix", lambda v: calls.append(v.size) or spell(v))
    by_repr = int(np.count_nonzero(~np.isin(column, numpy_spells)))
    assert csvtext.csv_lines([column]) == expected and calls == [by_repr, len(repr_spells)]  # each level once


def test_the_report_of_a_long_recording_marks_at_most_max_dots_contacts_a_direction(
    recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week's ~250,000 contacts were each a triangle on a 1,000-pixel chart (a 9 MB page): now evenly spread,
    at most MAX_DOTS of a direction on the whole session, said in the caption; the zooms keep all of theirs."""
    from retrogait.report import analysis_report

    result = analyze(recording.with_meta(placement="shank", side="left"))
    n = int((result.steps["direction"] == "backward").sum())
    assert n > 10
    monkeypatch.setattr(analysis_report, "MAX_DOTS", 5)
    page = analysis_report.build_analysis_html(result)
    assert f"(5 evenly spread of a direction&#x27;s {n} where there are more)" in page.replace("'", "&#x27;")
    whole = page[page.index("whole session") :]
    whole = whole[: whole.index("</svg>")]
    assert whole.count("l-4 -7h8z") == 5 * len({"forward", "backward"} & set(result.steps["direction"]))


def test_a_batch_job_too_long_for_the_memory_fails_in_one_line_before_reading(
    tmp_path: Path, recording: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch meeting a multi-GB file among small ones: that job fails with the line (errors.csv), unread."""
    from retrogait.batch.worker import analyze_one

    path = write_session(recording.with_meta(placement="shank"), tmp_path / "week.csv")
    monkeypatch.setattr(file_size, "CHECK_FROM_BYTES", 0)
    monkeypatch.setenv(memory.MEMORY_ENV, "0.0005")
    monkeypatch.setattr("retrogait.analysis.pipeline.load_input", lambda *a, **k: pytest.fail("read"))
    outcome = analyze_one(str(path), "k" * 64, {}, str(tmp_path))
    assert not outcome.ok and outcome.error is not None
    assert "of memory to analyse" in outcome.error and "\n" not in outcome.error


def test_convert_writes_a_part_that_analyses_as_analyze_start_end_does(
    tmp_path: Path, recording: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    """A week cut into days with `convert --start/--end`: each part keeps the recording's time line and says which
    part it is; its analysis is `analyze --start/--end`'s."""
    path = write_session(recording.with_meta(placement="shank", side="left"), tmp_path / "rec.csv")
    part = tmp_path / "part.csv"
    assert main(["convert", str(path), "--out", str(part), "--start", "38", "--end", "70"]) == 0
    written = read_session(part)
    assert written.t_s[0] == pytest.approx(38.0) and written.t_s[-1] < 70.0
    assert written.meta.extra["import_part_s"] == "38-70"
    assert main(["analyze", str(path), "--out", str(tmp_path / "a"), "--start", "38", "--end", "70"]) == 0
    assert main(["analyze", str(part), "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert (tmp_path / "a" / "steps.csv").read_bytes() == (tmp_path / "b" / "steps.csv").read_bytes()


def test_a_part_holds_its_own_samples_so_the_whole_can_be_freed(recording: Session) -> None:
    """`analyze --start/--end` kept the whole recording alive under the part's views (a week beside a day)."""
    from retrogait.imports.part import part_of

    part = part_of(recording, "rec.csv", (38.0, 70.0))
    assert part.n_samples == 3200
    for mine, whole in ((part.t_s, recording.t_s), (part.acc, recording.acc), (part.gyr, recording.gyr)):
        assert mine is not None and whole is not None and not np.shares_memory(mine, whole)


@pytest.mark.parametrize(("start", "end"), [(0.0, 3.0), (4.5, 13.0), (6.0, None), (None, 9.01), (26.0, 40.0)])
def test_a_bin_part_is_read_page_by_page_and_is_the_whole_reading_cut(
    tmp_path: Path, start: float | None, end: float | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GENEActiv week read whole needs 4.8 GB before a day of it can be analysed: the `.bin` reader decodes the
    part's pages only (and the first, whose time is the recording's start). The samples, their times on the
    recording's time line and the header's start are those of the whole reading cut at the part."""
    import import_samples as samples
    import retrogait.imports.geneactiv_bin as geneactiv_bin
    from retrogait.imports import load_recording

    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=10)  # 30 s, pages of 3 s
    whole = load_recording(path).session
    decoded: list[int] = []
    decode = geneactiv_bin._decode
    monkeypatch.setattr(geneactiv_bin, "_decode", lambda data, at: decoded.append(at.size) or decode(data, at))
    part = load_recording(path, part_s=(start, end)).session
    cut = whole.between(start, end)
    assert part.n_samples == cut.n_samples > 2
    np.testing.assert_array_equal(part.t_s, cut.t_s)
    np.testing.assert_array_equal(part.acc, cut.acc)
    assert part.meta.start_time_utc == whole.meta.start_time_utc
    assert part.meta.extra["import_part_s"] == f"{start or 0:g}-{'end' if end is None else f'{end:g}'}"
    assert decoded[0] <= -(-((end or 30.0) - (start or 0.0)) // 3) + 2  # the part's pages and the first


def test_a_bin_part_beyond_its_end_is_refused_naming_its_length(tmp_path: Path) -> None:
    import import_samples as samples
    from retrogait.imports import load_recording

    path = samples.geneactiv_bin(tmp_path / "rec.bin", rate_hz=100.0, pages=10)
    with pytest.raises(RetrogaitError, match=r"has no samples from 40-50 s: it lasts 30.0 s"):
        load_recording(path, part_s=(40.0, 50.0))
