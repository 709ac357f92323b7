"""A separate gyroscope file that loses packets: its short losses are bridged and flagged as a table's (EDGE-223)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.analysis.result import AnalysisResult
from retrogait.session import Session, read_session, write_session
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

BOUTS = "forward:running:3.0:15,backward:running:2.5:15"


def _folder(path: Path, gyr_every: int, burst: int, every: int) -> tuple[Path, str]:
    """A phyphox folder of a simulated shank run (seed 4, 200 Hz acceleration) whose gyroscope (200 / ``gyr_every``
    Hz, stamped 1.3 ms after the accelerometer) loses ``burst`` samples every ``every``."""
    s = simulate(SimulationConfig("shank", parse_bouts(BOUTS), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    path.mkdir(parents=True)
    acc_header = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    np.savetxt(path / "Accelerometer.csv", np.column_stack([s.t_s, s.acc]), delimiter=",", header=acc_header,
               comments="", fmt="%.7g")  # fmt: skip
    at = np.arange(0, s.t_s.size, gyr_every)
    kept = (np.arange(at.size) % every) >= burst
    gyr = np.column_stack([s.t_s[at][kept] + 0.0013, np.radians(s.gyr[at][kept])])
    gyr_header = '"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"'
    np.savetxt(path / "Gyroscope.csv", gyr, delimiter=",", header=gyr_header, comments="", fmt="%.7g")
    return path, str(s.meta.anterior_axis)


def _flagged(steps: pd.DataFrame, flag: str) -> int:
    return int(steps["quality_flags"].astype(str).str.split(";").apply(lambda f: flag in f).sum())


def _noted_and_told(path: Path, pattern: str, axis: str) -> tuple[Session, re.Match[str], AnalysisResult, str]:
    """A folder's session, its gyroscope import note's match of ``pattern``, the shank analysis of it and the
    analysis' notes joined (what the import says against what the analysis tells)."""
    session = load_input(path)
    noted = str(session.meta.extra.get("import_gyro_missing", ""))
    said = re.search(pattern, noted)
    assert said is not None, noted
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    return session, said, result, " | ".join(str(n) for n in result.summary["notes"])


@pytest.mark.parametrize(("burst", "every"), [(4, 40), (3, 24)])
def test_a_separate_gyroscope_losing_short_packets_is_bridged_not_a_gap(tmp_path: Path, burst: int, every: int) -> None:
    """A 200 Hz gyroscope file losing 4 samples every 40 (25 ms between the measured samples around each loss,
    EDGE-212's span) left 5 accelerometer rows without a value, 30 ms between the rows with one: a gap each, 37 of 42
    steps (f59410f). Bridged as a table's lost values are, flagged, no step lost, the impacts kept; 3 every 24 (20 ms)
    was bridged already and stays so."""
    full, axis = _folder(tmp_path / "full", 1, 0, 40)
    lossy, _ = _folder(tmp_path / "lossy", 1, burst, every)
    steps0 = analyze(full, placement="shank", side="left", anterior_axis=axis).steps
    result = analyze(lossy, placement="shank", side="left", anterior_axis=axis)
    steps, notes = result.steps, [str(n) for n in result.summary["notes"]]
    assert len(steps) == len(steps0) and list(steps["direction"]) == list(steps0["direction"])
    assert _flagged(steps, "gap") == 0 and _flagged(steps, "bridged") > 0
    assert np.isfinite(steps["impact_peak_g"]).sum() == np.isfinite(steps0["impact_peak_g"]).sum()
    assert any("missing gyroscope values bridged" in n for n in notes), notes


def test_two_lost_samples_of_a_100_hz_separate_gyroscope_are_bridged_and_three_stay_a_gap(tmp_path: Path) -> None:
    """EDGE-239 (EDGE-233's what-if taken): a 100 Hz gyroscope losing 2 samples every 16 leaves 30 ms between its
    measured samples, over EDGE-212's 25 ms: a gap each (34 of 42 steps on f9c7a98). A separate gyroscope's loss is
    bridged up to the larger of 25 ms and three of its own periods + 5 % (31.5 ms at 100 Hz), flagged: every step
    kept, its direction the folder without loss's; 3 lost in a row (40 ms) stay a gap."""
    full, axis = _folder(tmp_path / "full", 2, 0, 16)
    steps0 = analyze(full, placement="shank", side="left", anterior_axis=axis).steps
    lossy, _ = _folder(tmp_path / "lossy", 2, 2, 16)
    result = analyze(lossy, placement="shank", side="left", anterior_axis=axis)
    steps, notes = result.steps, [str(n) for n in result.summary["notes"]]
    assert len(steps) == len(steps0) and list(steps["direction"]) == list(steps0["direction"])
    assert _flagged(steps, "gap") == 0 and _flagged(steps, "bridged") == len(steps)
    assert any("bridged (linear in time over at most 31.5 ms" in n for n in notes), notes
    longer, _ = _folder(tmp_path / "longer", 2, 3, 16)
    steps = analyze(longer, placement="shank", side="left", anterior_axis=axis).steps
    assert _flagged(steps, "gap") > 0


def test_the_span_survives_a_session_file(tmp_path: Path) -> None:
    """The measured gyroscope span of each row without a value is a session column: `convert`'s file analyses as the
    folder does, its gyroscope cells still empty (nothing written that was not measured)."""
    lossy, axis = _folder(tmp_path / "lossy", 1, 4, 40)
    session = load_input(lossy)
    assert session.gyr is not None and np.isnan(session.gyr).any()
    path = write_session(session, tmp_path / "lossy.csv")
    again = read_session(path)
    assert again.gyr is not None and np.array_equal(np.isnan(again.gyr), np.isnan(session.gyr))
    a = analyze(lossy, placement="shank", side="left", anterior_axis=axis).steps
    b = analyze(path, placement="shank", side="left", anterior_axis=axis).steps
    assert list(a["quality_flags"]) == list(b["quality_flags"]) and np.allclose(a["ic_time_s"], b["ic_time_s"])


@pytest.mark.parametrize("written_span_s", [0.0, 0.02])
def test_a_session_span_short_against_its_rows_is_not_trusted(tmp_path: Path, written_span_s: float) -> None:
    """EDGE-231: a session's `gyr_lost_span_s` was trusted unbounded: a 0.5 s gyroscope loss whose span was edited to
    0 or 20 ms was bridged (flagged `bridged`, every value interpolated over 0.5 s). The rows with a gyroscope value
    around a loss lie at most its measured span and a row each side apart: rows further apart than the bridge's span
    and two rows are what the measured span makes of them (here: as the folder analyses) whatever the file says."""
    folder, axis = _folder(tmp_path / "full", 1, 0, 40)
    gyroscope = folder / "Gyroscope.csv"
    lines = gyroscope.read_text().splitlines()
    gyroscope.write_text("\n".join([*lines[:3001], *lines[3101:]]) + "\n")  # 100 samples (0.5 s) lost at 15 s
    session = load_input(folder)
    assert session.gyr is not None
    lost = np.isnan(session.gyr).any(axis=1)
    assert 95 <= lost.sum() <= 101
    spans = np.full(lost.size, np.nan)
    spans[lost] = written_span_s  # edited by hand
    session.extra["gyr_lost_span_s"] = spans
    path = write_session(session, tmp_path / "edited.csv")
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    notes = [str(n) for n in result.summary["notes"]]
    assert not any("missing gyroscope values bridged" in n for n in notes), notes
    as_measured = analyze(folder, placement="shank", side="left", anterior_axis=axis).steps  # the true 0.5 s span
    assert list(result.steps["quality_flags"]) == list(as_measured["quality_flags"])
    assert np.allclose(result.steps["ic_time_s"], as_measured["ic_time_s"])


def _jittered_folder(path: Path, jitter_s: float) -> Path:
    """A phyphox folder: 30 s of 100 Hz acceleration stamped with uniform jitter of +-``jitter_s`` (seeded), a 200 Hz
    gyroscope file losing 4 samples every 100 (25 ms between the measured samples around each loss)."""
    rng = np.random.default_rng(3)
    t = np.arange(3000) / 100.0 + rng.uniform(-jitter_s, jitter_s, 3000)
    acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3.0 * t)])
    tg = np.arange(6000) / 200.0 + 0.0012
    kept = (np.arange(6000) % 100 < 50) | (np.arange(6000) % 100 >= 54)
    tg = tg[kept]
    gyr = np.column_stack([tg, np.sin(tg), np.cos(tg), np.sin(2.0 * tg)])
    path.mkdir(parents=True)
    acc_header = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    np.savetxt(path / "Accelerometer.csv", np.column_stack([t, acc]), delimiter=",", header=acc_header, comments="",
               fmt="%.9g")  # fmt: skip
    gyr_header = '"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"'
    np.savetxt(path / "Gyroscope.csv", gyr, delimiter=",", header=gyr_header, comments="", fmt="%.9g")
    return path


@pytest.mark.parametrize("jitter_s", [0.0, 0.003])
def test_the_note_counts_the_short_losses_the_analysis_bridges_on_jittered_rows(
    tmp_path: Path, jitter_s: float
) -> None:
    """EDGE-234: the import's note says the short losses of a separate gyroscope are bridged; with the rows' bound of
    EDGE-231 read from the median step, 3 of ~150 such rows beside longer-than-median steps of a jittered
    accelerometer (+-3 ms on 10 ms) stayed gaps while the note called them bridged. The note's count is what the
    analysis' bridge does, and a loss of 25 ms between rows whose own steps are no lost sample is bridged."""
    from retrogait.bridge import bridge_missing, short_losses

    session = load_input(_jittered_folder(tmp_path / "folder", jitter_s))
    assert session.gyr is not None
    lost = np.isnan(session.gyr).any(axis=1)
    notes = str(session.meta.extra.get("import_gyro_missing", ""))
    said = re.search(r"at (\d+) of them the gyroscope's measured samples around lie at most 25 ms apart", notes)
    assert said is not None, notes
    short = short_losses(session.extra.get("gyr_lost_span_s"), session.gyr)
    assert short is not None
    bridged = ~np.isnan(bridge_missing(session.t_s, session.gyr, 0.025, short)[0]).any(axis=1) & lost
    assert int(said.group(1)) == int(bridged.sum())
    assert int(bridged.sum()) == int(short.sum()) > 100  # every loss is 25 ms between measured samples: all bridged


def test_accelerometer_rows_lost_beside_a_short_gyroscope_loss_stay_a_gap_and_the_note_says_so(tmp_path: Path) -> None:
    """EDGE-231/234's guard: the rows with a gyroscope value around a short loss lie within an ordinary step of the
    accelerometer outside it; where 5 accelerometer rows (50 ms) are lost just before one the step there loses rows,
    so the rows of that loss stay a gap (nothing bridged across the accelerometer's own gap) and the note's count
    leaves them out, naming them."""
    folder = _jittered_folder(tmp_path / "folder", 0.0)
    acc = folder / "Accelerometer.csv"
    lines = acc.read_text().splitlines()
    acc.write_text("\n".join([*lines[:1521], *lines[1526:]]) + "\n")  # rows at 15.20-15.24 s; a loss at 15.25-15.27 s
    session = load_input(folder)
    assert session.gyr is not None
    notes = str(session.meta.extra.get("import_gyro_missing", ""))
    said = re.search(r"the analysis bridges (\d+) of those, .* (\d+) stay gaps", notes)
    assert said is not None, notes
    assert "beyond 1e7" not in notes, notes  # no absurd value here: no absurd anchor named (EDGE-246, REVIEW-203)
    from retrogait.bridge import bridge_missing, short_losses

    short = short_losses(session.extra.get("gyr_lost_span_s"), session.gyr)
    assert short is not None
    left = np.isnan(bridge_missing(session.t_s, session.gyr, 0.025, short)[0]).any(axis=1)
    assert int(said.group(2)) == int(left.sum()) >= 1
    assert np.all(np.abs(session.t_s[left] - 15.26) < 0.015)


def _folder_26_hz(path: Path, lost: int) -> tuple[Path, str]:
    """A phyphox folder of a simulated shank run (seed 4) with a 26 Hz accelerometer and a 200 Hz gyroscope file
    (stamped 1.3 ms later) losing ``lost`` samples every 100; and the run's anterior axis."""
    s = simulate(SimulationConfig("shank", parse_bouts(BOUTS), sample_rate_hz=52.0, seed=4)).session
    assert s.gyr is not None
    t, acc = s.t_s[::2], s.acc[::2]  # 26 Hz
    path.mkdir()
    acc_header = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    np.savetxt(path / "Accelerometer.csv", np.column_stack([t, acc]), delimiter=",", header=acc_header, comments="",
               fmt="%.9g")  # fmt: skip
    tg = np.arange(int(s.t_s[-1] * 200.0) + 1) / 200.0 + 0.0013
    gyr = np.column_stack([np.interp(tg, s.t_s, np.radians(s.gyr[:, k])) for k in range(3)])
    kept = (np.arange(tg.size) % 100) >= lost
    gyr_header = '"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"'
    np.savetxt(path / "Gyroscope.csv", np.column_stack([tg, gyr])[kept], delimiter=",", header=gyr_header,
               comments="", fmt="%.9g")  # fmt: skip
    return path, str(s.meta.anterior_axis)


def test_a_separate_gyroscope_s_periodic_short_losses_beside_a_26_hz_accelerometer_are_bridged_as_the_note_says(
    tmp_path: Path,
) -> None:
    """REVIEW-161: beside a 26 Hz accelerometer a 200 Hz gyroscope file losing 4 samples every 100 leaves one row in 13
    without a value, a steady pattern the analysis read as a gyroscope at 24 Hz (EDGE-217: "not values lost", no step
    flagged) while the import's note, counting with the bridge (EDGE-234), said it bridges those, flagged. A separate
    gyroscope's rows without a value are its losses (the session keeps their measured spans, EDGE-223), never a lower
    rate: the analysis bridges as many as the note says, and `info` says so too."""
    from retrogait.cli.info import _gyro_missing_detail

    path, axis = _folder_26_hz(tmp_path / "folder", 4)
    pattern = r"at (\d+) of them the gyroscope's measured samples around .*: the analysis bridges those"
    session, said, _, told = _noted_and_told(path, pattern, axis)
    assert "measured at a lower rate" not in told, told
    assert f"in {said.group(1)} samples)" in told, told  # "N missing gyroscope values bridged (... in N samples)"
    assert session.gyr is not None
    missing = np.asarray(np.isnan(session.gyr).any(axis=1), dtype=bool)
    assert f"bridges {said.group(1)} (within 25 ms)" in _gyro_missing_detail(session, missing)


def test_a_short_loss_at_the_accelerometer_s_last_rows_is_named_as_at_the_file_s_end(tmp_path: Path) -> None:
    """REVIEW-162: an accelerometer file that ends inside a short loss of the gyroscope (which goes on) leaves its last
    rows without a value and no row with one after them: the bridge cannot take them, and EDGE-234's note said they
    stay gaps because "the accelerometer's rows around them [lie] further apart than the loss and a step each side",
    rows that do not exist. The note says they lie at the file's first or last rows."""
    folder = _jittered_folder(tmp_path / "folder", 0.0)
    acc = folder / "Accelerometer.csv"
    lines = acc.read_text().splitlines()
    acc.write_text("\n".join(lines[:1528]) + "\n")  # rows to 15.26 s: the loss at 15.25-15.27 s is the file's end
    session = load_input(folder)
    assert session.gyr is not None
    notes = str(session.meta.extra.get("import_gyro_missing", ""))
    from retrogait.bridge import bridge_missing, short_losses

    short = short_losses(session.extra.get("gyr_lost_span_s"), session.gyr)
    assert short is not None
    left = short & np.isnan(bridge_missing(session.t_s, session.gyr, 0.025, short)[0]).any(axis=1)
    assert int(left.sum()) == 2 and left[-2:].all()
    assert "further apart than the loss" not in notes, notes
    assert "2 stay gaps at the file's first or last rows, no row with a gyroscope value beyond them" in notes, notes


def test_a_separate_gyroscope_s_single_lost_sample_is_flagged_bridged_and_counted_alike(tmp_path: Path) -> None:
    """EDGE-237/238 (EDGE-230's finding): `align_gyro` interpolates a separate gyroscope across one lost sample (two of
    its periods, within EDGE-46's 2.5) with no flag, where a table's lost value is flagged `bridged`. The session's
    `gyr_lost_span_s` now holds the span on those rows too, and the analysis flags the steps over them, counting the
    same rows as the import's note and `info`; the steps, directions and contacts stay the folder without loss's."""
    full, axis = _folder(tmp_path / "full", 2, 0, 10)
    lossy, _ = _folder(tmp_path / "lossy", 2, 1, 10)  # a 100 Hz gyroscope losing 1 sample every 10
    session = load_input(lossy)
    assert session.gyr is not None and not np.isnan(session.gyr[2:]).any()  # all interpolated (its first one lost)
    imported = str(session.meta.extra.get("import_notes", ""))
    said = re.search(r"across a lost sample of its own at (\d+) accelerometer rows", imported)
    assert said is not None, imported
    spans = np.asarray(session.extra["gyr_lost_span_s"], dtype=float)
    assert int(np.isfinite(spans).sum()) == int(said.group(1)) > 500
    assert np.allclose(spans[np.isfinite(spans)], 0.02, atol=1e-3)  # two of its periods
    steps0 = analyze(full, placement="shank", side="left", anterior_axis=axis).steps
    result = analyze(lossy, placement="shank", side="left", anterior_axis=axis)
    steps, told = result.steps, " | ".join(str(n) for n in result.summary["notes"])
    assert f"{said.group(1)} gyroscope values interpolated by the import across a lost sample" in told, told
    assert len(steps) == len(steps0) and list(steps["direction"]) == list(steps0["direction"])
    assert np.allclose(steps["ic_time_s"], steps0["ic_time_s"])
    assert _flagged(steps, "bridged") == len(steps) and _flagged(steps0, "bridged") == 0
    from retrogait.cli.info import _separate_gyro_lines

    assert _separate_gyro_lines(session) == [
        f"interpolated by the import across a lost sample of its own at {said.group(1)} samples: analyze flags the "
        "steps touching them bridged"
    ]
    path = write_session(session, tmp_path / "lossy.csv")  # the session file analyses the same
    again = analyze(path, placement="shank", side="left", anterior_axis=axis).steps
    assert list(again["quality_flags"]) == list(steps["quality_flags"])


def test_a_separate_gyroscope_s_session_says_it_knows_its_losses_and_an_older_one_says_it_does_not(
    tmp_path: Path,
) -> None:
    """EDGE-240 (EDGE-232's finding): a session converted before EDGE-223 has a separate gyroscope's import note and no
    `gyr_lost_span_s`, as had one written from a folder without a short loss. The column is now written for every
    separate gyroscope (all empty where nothing was lost), so its absence means an older file: that one gets one note
    (analysis and `info`) that its losses are not known and that converting the export again would tell them; the new
    one none, and the same steps (the empty column changes nothing). REVIEW-177: the header key `import_gyro_period_s`
    is the mark instead, the column written only where a loss exists: the older file has neither."""
    folder, axis = _folder(tmp_path / "full", 1, 0, 40)
    session = load_input(folder)
    new = write_session(session, tmp_path / "new.csv")
    header = new.read_text().splitlines()[: len(session.meta.header_items()) + 1]
    assert not header[-1].endswith(",gyr_lost_span_s")  # no loss: no column, the header key (REVIEW-177)
    read = read_session(new)
    assert "import_gyro_period_s" in read.meta.extra
    old_session = read_session(new)
    old_session.meta.extra.pop("import_gyro_period_s")  # an older file: neither the key nor the column
    old = write_session(old_session, tmp_path / "old.csv")
    kw = {"placement": "shank", "side": "left", "anterior_axis": axis}
    a, b = analyze(new, **kw), analyze(old, **kw)
    older = [n for n in (str(m) for m in b.summary["notes"]) if "converted before retrogait kept" in n]
    assert len(older) == 1 and "`retrogait convert` of the export again would tell them" in older[0]
    assert not any("converted before retrogait kept" in str(n) for n in a.summary["notes"])
    assert list(a.steps["quality_flags"]) == list(b.steps["quality_flags"])
    from retrogait.cli.info import _separate_gyro_lines

    assert _separate_gyro_lines(read_session(old)) == older and _separate_gyro_lines(read) == []


def test_a_separate_gyroscope_s_loss_just_over_25_ms_beside_a_26_hz_accelerometer_is_no_lower_rate(
    tmp_path: Path,
) -> None:
    """EDGE-238 (REVIEW-161's remainder): a 200 Hz gyroscope file losing 5 samples every 100 (30 ms between its
    measured samples, no short loss) beside a 26 Hz accelerometer leaves one row in 13 without a value; without the
    column (written only where a loss was short) the analysis read them as "a gyroscope at 24 Hz ... measured at a
    lower rate, not values lost" and filled them unflagged. The column is there for every separate gyroscope, so its
    rows without a value are its losses: never a lower rate."""
    path, axis = _folder_26_hz(tmp_path / "folder", 5)
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    told = " | ".join(str(n) for n in result.summary["notes"])
    assert "measured at a lower rate" not in told, told


def test_a_separate_gyroscope_without_a_loss_writes_the_header_key_and_no_column(tmp_path: Path) -> None:
    """REVIEW-177 (the lead's preference to EDGE-237): the header key `import_gyro_period_s`, written by every import of
    a separate gyroscope, is the mark that the import knew its losses; `gyr_lost_span_s` is written only where a loss
    exists (an all-empty column cost reading an hour 100 -> 159 ms). A session without a loss: the key, no column, no
    note that its losses are not known (analysis and `info`), the same steps as the folder's."""
    from retrogait.cli.info import _separate_gyro_lines

    folder, axis = _folder(tmp_path / "full", 1, 0, 40)
    session = load_input(folder)
    assert "gyr_lost_span_s" not in session.extra
    assert float(session.meta.extra["import_gyro_period_s"]) == pytest.approx(0.005, rel=1e-3)
    path = write_session(session, tmp_path / "new.csv")
    header = path.read_text().splitlines()[len(session.meta.header_items())]
    assert "gyr_lost_span_s" not in header
    read = read_session(path)
    assert "gyr_lost_span_s" not in read.extra and "import_gyro_period_s" in read.meta.extra
    kw = {"placement": "shank", "side": "left", "anterior_axis": axis}
    a, b = analyze(path, **kw), analyze(folder, **kw)
    assert not any("converted before retrogait kept" in str(n) for n in a.summary["notes"])
    assert _separate_gyro_lines(read) == []
    assert list(a.steps["quality_flags"]) == list(b.steps["quality_flags"])
    lossy, _ = _folder(tmp_path / "lossy", 1, 4, 40)  # a loss: the column written, the key too
    lossy_session = load_input(lossy)
    assert "gyr_lost_span_s" in lossy_session.extra and "import_gyro_period_s" in lossy_session.meta.extra


def test_the_header_key_alone_says_the_losses_are_known_no_lower_rate(tmp_path: Path) -> None:
    """REVIEW-177: a session with the header key `import_gyro_period_s` and no `gyr_lost_span_s` column (written by an
    import whose gyroscope lost nothing, then cut or edited) knows its separate gyroscope's losses: its rows without a
    value are losses, never a lower rate (EDGE-238's rule, decided by the key as by the column), and no note calls it
    an older file; without the key either it is the older file EDGE-240 names."""
    from retrogait.cli.info import _gyro_missing_detail

    path, axis = _folder_26_hz(tmp_path / "folder", 5)
    session = load_input(path)
    assert "import_gyro_period_s" in session.meta.extra
    session.extra.pop("gyr_lost_span_s", None)
    keyed = write_session(session, tmp_path / "keyed.csv")
    result = analyze(keyed, placement="shank", side="left", anterior_axis=axis)
    told = " | ".join(str(n) for n in result.summary["notes"])
    assert "measured at a lower rate" not in told and "converted before retrogait kept" not in told, told
    read = read_session(keyed)
    assert read.gyr is not None
    assert "between its own samples" not in _gyro_missing_detail(read, read.gyro_missing)
    session.meta.extra.pop("import_gyro_period_s")
    older = write_session(session, tmp_path / "older.csv")
    told = " | ".join(
        str(n) for n in analyze(older, placement="shank", side="left", anterior_axis=axis).summary["notes"]
    )
    assert "converted before retrogait kept" in told, told


def test_no_separate_gyroscope_s_loss_is_bridged_over_35_ms_whatever_its_rate_or_header_says(tmp_path: Path) -> None:
    """REVIEW-178: EDGE-239's cap (`SEPARATE_BRIDGE_CAP_S`, 35 ms) was tested by nothing (removed, every test passed).
    A 50 Hz gyroscope losing 2 samples every 16 (60 ms between its measured samples; three of its periods + 5 % are
    63 ms) stays a gap; a 100 Hz one losing 3 (40 ms) whose header key says a period of 1e9 s stays a gap too; a key
    that is no positive number gives 25 ms, never a traceback."""
    from retrogait.bridge import SEPARATE_BRIDGE_CAP_S, separate_bridge_s

    assert abs(SEPARATE_BRIDGE_CAP_S - 0.035) < 1e-12
    for key, span in [("0.01", 0.0315), ("0.005", 0.025), ("1e9", 0.035), ("0.02", 0.035)]:
        assert separate_bridge_s({"import_gyro_period_s": key}) == pytest.approx(span)
    for key in ["0", "-0.01", "nan", "inf", "-inf", "abc", ""]:
        assert separate_bridge_s({"import_gyro_period_s": key}) == pytest.approx(0.025)
    slow, axis = _folder(tmp_path / "slow", 4, 2, 16)
    session = load_input(slow)
    assert float(session.meta.extra["import_gyro_period_s"]) == pytest.approx(0.02, rel=1e-3)
    result = analyze(slow, placement="shank", side="left", anterior_axis=axis)
    assert not any("missing gyroscope values bridged" in str(n) for n in result.summary["notes"])
    assert _flagged(result.steps, "gap") > 0
    longer, _ = _folder(tmp_path / "longer", 2, 3, 16)
    session = load_input(longer)
    session.meta.extra["import_gyro_period_s"] = "1e9"  # edited by hand
    path = write_session(session, tmp_path / "edited.csv")
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    assert not any("missing gyroscope values bridged" in str(n) for n in result.summary["notes"])
    assert _flagged(result.steps, "gap") > 0


def test_a_separate_gyroscope_s_lost_samples_on_a_session_with_every_value_are_flagged_bridged(tmp_path: Path) -> None:
    """REVIEW-179: EDGE-238's flag on the analysis' clean path (`_every_value_measured`: every row has a value, the
    common case of a gyroscope losing single samples, none at its ends) was tested by nothing (its `_across_lost`
    removed, every test passed: the branch's test loses the gyroscope's first sample, which leaves rows without a
    value). A 100 Hz gyroscope losing its sixth sample of every 10: every row has a value, the rows interpolated across
    a lost sample counted alike by the import's note, the analysis and `info`, every step flagged `bridged`."""
    from retrogait.cli.info import _separate_gyro_lines

    s = simulate(SimulationConfig("shank", parse_bouts(BOUTS), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    path = tmp_path / "lossy"
    path.mkdir()
    acc_header = '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"'
    np.savetxt(path / "Accelerometer.csv", np.column_stack([s.t_s, s.acc]), delimiter=",", header=acc_header,
               comments="", fmt="%.7g")  # fmt: skip
    at = np.arange(0, s.t_s.size, 2)
    kept = (np.arange(at.size) % 10) != 5
    gyr = np.column_stack([s.t_s[at][kept] + 0.0013, np.radians(s.gyr[at][kept])])
    gyr_header = '"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"'
    np.savetxt(path / "Gyroscope.csv", gyr, delimiter=",", header=gyr_header, comments="", fmt="%.7g")
    session = load_input(path)
    assert session.gyr is not None and np.isfinite(session.gyr).all()  # every row has a value
    imported = str(session.meta.extra.get("import_notes", ""))
    said = re.search(r"across a lost sample of its own at (\d+) accelerometer rows", imported)
    assert said is not None, imported
    result = analyze(path, placement="shank", side="left", anterior_axis=str(s.meta.anterior_axis))
    told = " | ".join(str(n) for n in result.summary["notes"])
    assert f"{said.group(1)} gyroscope values interpolated by the import across a lost sample" in told, told
    assert _flagged(result.steps, "bridged") == len(result.steps) > 30
    assert _separate_gyro_lines(session) == [
        f"interpolated by the import across a lost sample of its own at {said.group(1)} samples: analyze flags the "
        "steps touching them bridged"
    ]


def test_the_import_the_analysis_and_info_count_a_separate_gyroscope_s_losses_alike(tmp_path: Path) -> None:
    """REVIEW-180: three rules of the branch were held by no test (each mutated, every test passed): the import's
    note counting a 100 Hz gyroscope's two lost samples with its own span (31.5 ms, not 25 ms), the rows interpolated
    across a lost sample being rows with a value (not the rows left without one), and `info` saying nothing of them
    where the analysis goes without the gyroscope (REVIEW-90)."""
    from retrogait.cli.info import _separate_gyro_lines

    lossy, axis = _folder(tmp_path / "lossy", 2, 2, 16)  # 100 Hz, 2 lost every 16: 30 ms, rows without a value
    pattern = r"at (\d+) of them the gyroscope's measured samples around lie at most 31.5 ms apart"
    session, said, result, told = _noted_and_told(lossy, pattern, axis)
    assert f"in {said.group(1)} samples)" in told, told
    assert "interpolated by the import across a lost sample" not in told, told
    assert _separate_gyro_lines(session) == []
    early, _ = _folder(tmp_path / "early", 2, 1, 10)  # 1 lost every 10, and the file stops at 12 s of 30
    gyroscope = early / "Gyroscope.csv"
    gyroscope.write_text("\n".join(gyroscope.read_text().splitlines()[:1081]) + "\n")
    session = load_input(early)
    assert "across a lost sample of its own" in str(session.meta.extra.get("import_notes", ""))
    result = analyze(early, placement="shank", side="left", anterior_axis=axis)
    told = " | ".join(str(n) for n in result.summary["notes"])
    assert "interpolated by the import across a lost sample" not in told and _flagged(result.steps, "bridged") == 0
    assert _separate_gyro_lines(session) == []  # analysed without the gyroscope: nothing flagged, nothing said
