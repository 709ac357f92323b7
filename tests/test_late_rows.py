"""A row written out of time order whose time fits the sampling clock is a sample delivered late: kept (EDGE-224)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.analysis.load import load_input

HEADER = "time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyr_x (deg/s),gyr_y (deg/s),gyr_z (deg/s)"


def _lines(n: int = 6000) -> list[str]:
    """A 200 Hz table: a steady walk-like signal, every row distinct."""
    rng = np.random.default_rng(2)
    t = np.arange(n) / 200.0
    acc = np.column_stack([np.sin(2 * np.pi * 1.5 * t), np.cos(2 * np.pi * 1.5 * t), 9.81 + np.sin(2 * np.pi * 3 * t)])
    gyr = rng.normal(0.0, 20.0, (n, 3))
    return [HEADER] + [
        ",".join(f"{x:.6g}" for x in row) for row in np.column_stack([t, acc + rng.normal(0, 0.05, (n, 3)), gyr])
    ]


def _swap(lines: list[str], i: int) -> list[str]:
    return [*lines[:i], lines[i + 1], lines[i], *lines[i + 2 :]]


@pytest.mark.parametrize(
    "move",
    [
        lambda ls: _swap(ls, 3001),
        lambda ls: _swap(_swap(_swap(ls, 1001), 3001), 5001),
        lambda ls: [*ls[:3001], *ls[3002:3005], ls[3001], *ls[3005:]],
        lambda ls: [*ls[:2951], ls[3001], *ls[2951:3001], *ls[3002:]],
        lambda ls: _swap(_swap(ls, 3001), 3003),
    ],
    ids=["pair", "three-pairs", "row-3-later", "row-50-earlier", "two-pairs-in-a-row"],
)
def test_rows_out_of_order_on_the_clock_are_sorted_in_not_dropped(tmp_path: Path, move: object) -> None:
    """A swapped pair lost one row (5999 of 6000, `row_time_not_increasing=1`, no import note); a row written 50 rows
    early lost the 50 after it. Each is a sample of the clock (its time lies in a hole of it): every row kept, in time
    order, values as written, and a note says how many were put in place."""
    lines = _lines()
    path = tmp_path / "moved.csv"
    path.write_text("\n".join(move(lines)) + "\n")  # type: ignore[operator]
    session = load_input(path)
    reference = load_input(_write(tmp_path / "ref.csv", lines))
    assert session.n_samples == 6000
    assert np.array_equal(session.t_s, reference.t_s) and np.array_equal(session.acc, reference.acc)
    assert session.meta.extra["import_dropped_rows"] == "0"
    assert "out of time order" in session.meta.extra["import_notes"], session.meta.extra


def test_a_row_off_the_clock_out_of_order_is_dropped_and_named(tmp_path: Path) -> None:
    """A row behind a time already read that lies within half a period of a sample (not a sample of this clock) is
    dropped as before, and the import note names it and why."""
    lines = _lines()
    stray = lines[3001].split(",")
    stray[0] = f"{float(lines[2000].split(',')[0]) + 0.001:.6g}"  # 1 ms after a sample, a thousand rows back
    path = _write(tmp_path / "stray.csv", [*lines[:3001], ",".join(stray), *lines[3002:]])
    session = load_input(path)
    assert session.n_samples == 5999
    notes = session.meta.extra["import_notes"]
    assert "at or before a time already read and not placed on the sampling clock" in notes and "dropped" in notes, (
        notes
    )


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_clock_jump_back_into_a_hole_is_not_sorted_into_it(tmp_path: Path) -> None:
    """REVIEW-126: the clock jumps back by 20 s for 50 rows (then is put right) and lands in a 0.5 s dropout of the
    recording. Those rows are written in their place in time with wrong stamps, not samples delivered late: taken out,
    they leave a hole of their own length where they were written. Sorted into the dropout, 0.25 s of the end would
    stand at another time of the recording; they are dropped and named, as before EDGE-224."""
    lines = _lines()
    rows = [*lines[:1001], *lines[1101:]]  # rows 1000..1099 lost (0.5 s)
    at = rows.index(lines[5001])
    jumped = [",".join([lines[1001 + k].split(",")[0], *rows[at + k].split(",")[1:]]) for k in range(50)]
    path = _write(tmp_path / "jump.csv", [*rows[:at], *jumped, *rows[at + 50 :]])
    session = load_input(path)
    assert session.n_samples == 5850
    t0 = float(lines[1].split(",")[0])
    assert not ((session.t_s + t0 >= 4.999) & (session.t_s + t0 < 5.5)).any()  # nothing in the dropout
    notes = session.meta.extra["import_notes"]
    assert "out of time order" not in notes and "not placed on the sampling clock" in notes, notes


def _stamped_ahead(lines: list[str], row: int, ahead: float) -> list[str]:
    """``lines`` with data row ``row``'s stamp moved ``ahead`` periods (200 Hz) forward, written where it was: its own
    sample time lost (a logger's glitch)."""
    cells = lines[row + 1].split(",")
    cells[0] = f"{float(cells[0]) + ahead / 200.0:.6g}"
    return [*lines[: row + 1], ",".join(cells), *lines[row + 2 :]]


@pytest.mark.parametrize("ahead", [40.3, 100.4, 40.0], ids=["40-rows", "100-rows-over-1-percent", "on-a-sample"])
def test_one_row_stamped_ahead_is_dropped_and_the_rows_after_it_kept(tmp_path: Path, ahead: float) -> None:
    """EDGE-228: one row whose stamp jumps ahead of the rows written after it (its own sample time lost) onto a time
    the clock already holds. f17fdb5: 100 rows ahead (1.7 % of the rows behind it) refused the whole file as two
    recordings joined; 40 ahead kept the stray stamp, off the clock, and dropped the real sample beside it. Now the
    stray alone is dropped and named; every other row is kept as written."""
    lines = _lines()
    session = load_input(_write(tmp_path / "ahead.csv", _stamped_ahead(lines, 3000, ahead)))
    reference = load_input(_write(tmp_path / "ref.csv", [*lines[:3001], *lines[3002:]]))
    assert session.n_samples == 5999
    assert np.array_equal(session.t_s, reference.t_s) and np.array_equal(session.acc, reference.acc)
    notes = session.meta.extra["import_notes"]
    assert "1 row stamped ahead" in notes and "dropped (row_time_ahead)" in notes, notes
    assert session.meta.extra["import_dropped_detail"] == "row_time_ahead=1", session.meta.extra


def test_a_row_before_a_late_marker_is_no_stray(tmp_path: Path) -> None:
    """EDGE-228's rule takes a row stamped ahead as the stray only where its stamp lands within half a period of a
    row in order after those it jumped (a time the clock holds): a sample written before a marker line just under its
    own time stays, the marker is dropped (as on f17fdb5)."""
    lines = _lines()
    marker = lines[3003].split(",")
    marker[0] = f"{float(lines[3003].split(',')[0]) - 0.0004:.6g}"  # 0.4 ms under sample 3002's time
    moved = [*lines[:3002], lines[3003], lines[3002], ",".join(marker), *lines[3004:]]
    session = load_input(_write(tmp_path / "marker.csv", moved))
    assert session.n_samples == 6000  # 3001, 3002 (sorted in), the marker dropped
    assert float(lines[3003].split(",")[0]) in set(session.t_s.tolist())


def test_two_recordings_joined_are_still_refused(tmp_path: Path) -> None:
    """EDGE-228 leaves EDGE-2 alone: a second recording appended after the first (its clock from 0 again) is refused,
    the last row of the first being no stray. The second has other values (the same rows again are the same samples
    twice, read once: EDGE-262)."""
    lines = _lines(3000)
    second = [line.rsplit(",", 1)[0] + ",1.5" for line in lines[1:]]
    with pytest.raises(Exception, match="two recordings joined"):
        load_input(_write(tmp_path / "joined.csv", [*lines, *second]))


def test_a_swapped_pair_is_sorted_in_where_a_stamp_repeats_elsewhere(tmp_path: Path) -> None:
    """EDGE-229: one repeated stamp (an Android-style tie, 10 s away) turned EDGE-224 off for the whole file on
    f17fdb5, so the later-written row of a swapped pair was dropped (5998 rows). The repeat is judged where it is:
    the pair is sorted in (the tied row is dropped and named as before)."""
    lines = _lines()
    tie = lines[1001].split(",")
    tie[0] = lines[1000].split(",")[0]  # row 1000 stamped as row 999
    damaged = _swap([*lines[:1001], ",".join(tie), *lines[1002:]], 3001)
    session = load_input(_write(tmp_path / "tie_and_swap.csv", damaged))
    reference = load_input(_write(tmp_path / "ref.csv", [*lines[:1001], *lines[1002:]]))
    assert session.n_samples == 5999
    assert np.array_equal(session.t_s, reference.t_s) and np.array_equal(session.acc, reference.acc)
    notes = session.meta.extra["import_notes"]
    assert "1 of the rows stood out of time order" in notes and "1 of the rows at or before a time" in notes, notes


def test_a_row_behind_beside_a_repeated_stamp_is_not_sorted_in(tmp_path: Path) -> None:
    """EDGE-229's guard: where a stamp repeats within two rows of a row behind (samples stamped as they arrived, a
    jitter that leaves no hole to tell), the row behind is dropped as on f17fdb5."""
    lines = _lines()
    tie = lines[3000].split(",")
    tie[0] = lines[2999].split(",")[0]  # row 2999 stamped as row 2998, beside the swapped pair (rows 3000, 3001)
    damaged = _swap([*lines[:3000], ",".join(tie), *lines[3001:]], 3001)
    session = load_input(_write(tmp_path / "tie_beside_swap.csv", damaged))
    assert session.n_samples == 5998


def test_a_row_stamped_ahead_is_named_by_its_time_from_the_first_row(tmp_path: Path) -> None:
    """REVIEW-142: EDGE-228's note named the stray by its stamp as read, so on a clock of epoch seconds both stamps
    it gives read "1.76e+09 s" (six digits): no row named. It names them from the first row, as EDGE-2's refusal
    does, to the microsecond."""
    lines = _stamped_ahead(_lines(), 3000, 40.3)
    epoch = [
        lines[0],
        *(",".join([f"{float(line.split(',')[0]) + 1_760_000_000.0:.6f}", *line.split(",")[1:]]) for line in lines[1:]),
    ]
    session = load_input(_write(tmp_path / "epoch.csv", epoch))
    assert session.n_samples == 5999
    notes = session.meta.extra["import_notes"]
    assert "(the first at 15.2015 s, written after a row at 14.995 s, from the first row)" in notes, notes


def test_a_row_stamped_past_every_row_is_said_so(tmp_path: Path) -> None:
    """REVIEW-143: a row whose stamp jumped past every other row (EDGE-228's second case: a clock glitch of 1e6 s)
    is dropped, but the note said its stamp lay "within half a period of another row's": it says past every row."""
    session = load_input(_write(tmp_path / "far.csv", _stamped_ahead(_lines(), 3000, 2e8)))
    assert session.n_samples == 5999
    notes = session.meta.extra["import_notes"]
    assert "1 row stamped ahead" in notes and "within half a period of another row" not in notes, notes
    assert "past every other row" in notes, notes


@pytest.mark.parametrize("ahead", [40.3, 100.4], ids=["40-rows", "100-rows-over-1-percent"])
def test_the_first_row_stamped_ahead_is_dropped_as_any_other(tmp_path: Path, ahead: float) -> None:
    """REVIEW-144: EDGE-228 left out the file's first row (no row before it to give the clock's ticks), so the same
    glitch there, a logger's first line being where a stale stamp is most often written, still refused the file as
    two recordings joined (100 rows ahead) or kept the stray and dropped two real samples (40 ahead), while at the
    second row it was dropped alone. The rows written after it give the ticks there."""
    lines = _lines()
    session = load_input(_write(tmp_path / "first.csv", _stamped_ahead(lines, 0, ahead)))
    reference = load_input(_write(tmp_path / "ref.csv", [lines[0], *lines[2:]]))
    assert session.n_samples == 5999
    assert np.array_equal(session.t_s, reference.t_s) and np.array_equal(session.acc, reference.acc)
    notes = session.meta.extra["import_notes"]
    assert "(the first at the file's first row, 0" not in notes  # named by its own time, not as 0 s
    assert f"(the file's first row, at {ahead / 200.0 - 0.005:.6g} s from the row after it)" in notes, notes
    assert session.meta.extra["import_dropped_detail"] == "row_time_ahead=1", session.meta.extra


def test_a_first_row_before_a_marker_is_no_stray(tmp_path: Path) -> None:
    """REVIEW-144's guard: the first row, a sample, followed by a marker line stamped just under it, keeps the sample
    (the marker is dropped as on edge50), though the marker is the row the ticks would be read from."""
    lines = _lines()
    marker = lines[1].split(",")
    marker[0] = f"{float(marker[0]) - 0.0004:.6g}"
    session = load_input(_write(tmp_path / "marker.csv", [lines[0], lines[1], ",".join(marker), *lines[2:]]))
    assert session.n_samples == 6000
    assert "stamped ahead" not in session.meta.extra.get("import_notes", "")


def _jittered_clean(sd_periods: float, n: int = 12000) -> tuple[int, str]:
    """``clean_rows`` on a 200 Hz table stamped with Gaussian jitter of ``sd_periods`` periods (seeded): the rows
    dropped as stamped ahead and the notes."""
    from retrogait.imports import common

    rng = np.random.default_rng(1)
    t = np.arange(n) / 200.0 + rng.normal(0.0, sd_periods / 200.0, n)
    report = common.ImportReport("generic")
    common.clean_rows(t, rng.normal(size=(n, 6)), report, "row", gyro_from=3)
    return int(report.dropped.get("row_time_ahead", 0)), " | ".join(report.notes)


def test_a_row_ahead_on_an_unsteady_clock_is_given_no_reason_that_is_not_known() -> None:
    """EDGE-235: on a clock stamped with jitter of 0.3 periods (sd) EDGE-228 drops rows as stamped ahead (as many rows
    as f17fdb5 dropped), but its note said "a stamp off its sample's time ... not a sample written early", which the
    geometry tells only on a steady clock (the ticks it is read from; EDGE-224's sorting-in asks the same,
    `rate.steady_clock`). There the note says what was seen and that the cause is not known."""
    dropped, notes = _jittered_clean(0.3)
    assert dropped > 0, notes
    assert f"{dropped} rows stamped ahead" in notes, notes
    assert "not a sample written early" not in notes and "off the sampling clock" not in notes, notes
    assert "not known" in notes, notes


def test_a_row_ahead_on_a_steady_clock_keeps_its_reason(tmp_path: Path) -> None:
    """EDGE-235's guard: on a steady clock the tick geometry holds and the note keeps EDGE-228's reason."""
    session = load_input(_write(tmp_path / "ahead.csv", _stamped_ahead(_lines(), 3000, 40.3)))
    notes = session.meta.extra["import_notes"]
    assert "a stamp off its sample's time, within half a period of another row's and off the sampling clock" in notes
    assert "not known" not in notes, notes


def test_the_rows_after_a_stray_are_read_as_any_and_the_note_claims_no_order(tmp_path: Path) -> None:
    """EDGE-235 (2): `_stamped_ahead` checks only that the row written after the stray lies after every time written
    before it, not that every row after it is in order; the note said "the rows after it are read in their order".
    With a pair swapped among the rows the stray jumped (40 rows ahead, a swap 10 rows later) the stray is dropped and
    the pair sorted in (EDGE-224): the rows equal the table without the stray, and the note claims no order."""
    lines = _lines()
    session = load_input(_write(tmp_path / "ahead_swap.csv", _swap(_stamped_ahead(lines, 3000, 40.3), 3011)))
    reference = load_input(_write(tmp_path / "ref.csv", [*lines[:3001], *lines[3002:]]))
    assert np.array_equal(session.t_s, reference.t_s) and np.array_equal(session.acc, reference.acc)
    notes = session.meta.extra["import_notes"]
    assert "1 row stamped ahead" in notes and "read in their order" not in notes, notes
    assert "the rows after it are read without it" in notes, notes
