"""Date-time text a user's logger or spreadsheet writes in the time column (EDGE-134 on): zones that change
within the file, stamps rounded to the second or the minute. Fixtures are generated here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.errors import InputFileError
from retrogait.imports import GenericCsvOptions, load_recording

START = datetime(2026, 3, 29, 0, 59, 55, tzinfo=UTC)  # Europe's clocks go forward at 01:00 UTC


def _table(path: Path, stamp, rate_hz: float = 100.0, seconds: float = 12.0) -> Path:  # type: ignore[no-untyped-def]
    t = samples.times(rate_hz, duration_s=seconds)
    acc = samples.truth_acc_ms2(t) / G
    rows = [
        f"{stamp(START + timedelta(seconds=float(s)))},{x:.6f},{y:.6f},{z:.6f}"
        for s, (x, y, z) in zip(t, acc.tolist(), strict=True)
    ]
    path.write_text("time,x,y,z\n" + "\n".join(rows) + "\n")
    return path


def _offset(d: datetime) -> str:
    """Local time in Berlin with its offset: +01:00 before 01:00 UTC, +02:00 after."""
    hours = 2 if d >= datetime(2026, 3, 29, 1, 0, tzinfo=UTC) else 1
    return d.astimezone(timezone(timedelta(hours=hours))).isoformat(timespec="milliseconds")


def test_a_zone_offset_that_changes_within_the_file_reads_as_one_clock(tmp_path: Path) -> None:
    """ISO stamps whose offset changes at a daylight-saving change (+01:00, then +02:00) were an "internal error:
    ValueError: Mixed timezones detected" (EDGE-134): each stamp is now taken in its own zone, one UTC clock."""
    loaded = load_recording(_table(tmp_path / "dst.csv", _offset))
    session = loaded.session
    assert session.meta.extra["inferred_time_unit"] == "datetime text"
    assert session.duration_s == pytest.approx(12.0 - 0.01, abs=1e-6)
    assert session.meta.start_time_utc == "2026-03-29T00:59:55.000Z"
    np.testing.assert_allclose(session.acc, samples.truth_acc_ms2(session.t_s), atol=1e-4)


@pytest.mark.parametrize(
    ("stamp", "written"),
    [
        (lambda d: d.strftime("%Y-%m-%d %H:%M:%S"), "written to the whole second"),
        (lambda d: d.strftime("%d.%m.%Y %H:%M"), "one time in its first 200 rows"),
    ],
)
def test_date_time_text_coarser_than_the_samples_is_named_in_the_refusal(
    tmp_path: Path,
    stamp,  # type: ignore[no-untyped-def]
    written: str,
) -> None:
    """A `time` column of date-time text rounded to the second or the minute (a spreadsheet's date format) was
    refused "has no time column (none named like time/timestamp/t, none increasing)" although one is named time
    (EDGE-135): the refusal now says what is wrong with it."""
    with pytest.raises(InputFileError) as refused:
        load_recording(_table(tmp_path / "coarse.csv", stamp))
    message = str(refused.value)
    assert "column time holds date-time text that repeats the time before it" in message
    assert written in message and "--rate HZ" in message


def test_a_named_time_column_of_two_minute_stamps_is_refused_not_stretched(tmp_path: Path) -> None:
    """`--time-column time` on date-time text to the whole minute (12 s of samples under two stamps a minute apart)
    read a 12 s walk as 120 s at a tenth of its rate, the runs of rows sharing a stamp spread over the minute
    (EDGE-135): no interval between stamps is filled by a whole run, so it is refused, naming the cause."""
    path = _table(tmp_path / "minutes.csv", lambda d: d.strftime("%Y-%m-%d %H:%M"))
    with pytest.raises(InputFileError, match=r"rows carry the time of the row before: its stamps are coarser"):
        load_recording(path, generic=GenericCsvOptions(time_column="time"))


def test_a_named_time_column_to_the_whole_second_is_still_read(tmp_path: Path) -> None:
    """The same walk stamped to the whole second, named with `--time-column`: its runs are spaced within their
    seconds (HONEST-12) and the rate is the samples' own."""
    path = _table(tmp_path / "seconds.csv", lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))
    session = load_recording(path, generic=GenericCsvOptions(time_column="time")).session
    assert session.meta.sample_rate_hz == pytest.approx(100.0, rel=0.05)


def test_a_time_column_whose_text_is_no_time_is_named_in_the_refusal(tmp_path: Path) -> None:
    """MetaBase's `timestamp (-0500)` kept alone (`2022-08-05T15.26.13.153`, dots between hours, minutes and seconds)
    was refused "has no time column (none named like time/timestamp/t, none increasing)" (EDGE-140): the refusal now
    names the column and shows its text."""
    path = _table(tmp_path / "mw.csv", lambda d: d.strftime("%Y-%m-%dT%H.%M.%S.") + f"{d.microsecond // 1000:03d}")
    path.write_text(path.read_text().replace("time,x,y,z", "timestamp (-0500),x,y,z", 1))
    with pytest.raises(InputFileError, match=r"column timestamp \(-0500\) is named like time, but its text \('2026-"):
        load_recording(path)


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda k, text: "x" if k % 7 == 3 else text, r"1[45]% of its first rows read as no date or time \(such as 'x"),
        (lambda k, text: "" if k % 2 else text, r"50% of its first rows are blank"),
        (lambda k, text: "", r"column time is named like time, but it is empty"),
    ],
)
def test_a_time_column_with_rows_of_no_time_says_so(tmp_path: Path, spoil, said: str) -> None:  # type: ignore[no-untyped-def]
    """Review of EDGE-140 (EDGE-149): a time column with every 7th row `x`, every other row blank, or no text at all
    was refused "none named like time/timestamp/t" although it is named so; the refusal now says what is in it."""
    path = _table(tmp_path / "t.csv", lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f"))
    lines = path.read_text().splitlines()
    rows = [lines[0]]
    for k, line in enumerate(lines[1:]):
        text, rest = line.split(",", 1)
        rows.append(f"{spoil(k, text)},{rest}")
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputFileError, match=said):
        load_recording(path)


def test_a_paused_phyphox_recording_gets_its_pause_back_as_a_gap(tmp_path: Path) -> None:
    """phyphox's experiment time stands still while it is paused, so "Time (s)" runs on across a pause and the walks
    before and after it were analysed as one, a step time spanning the pause (EDGE-142). The pause meta/time.csv
    records (PAUSE, then START, by the system clock) is put back: the samples after it move later by its length, a gap
    the analysis flags, with a note."""
    folder = samples.phyphox_folder(tmp_path / "ph")
    (folder / "meta" / "time.csv").write_text(
        '"event","experiment time","system time","system time text"\n'
        '"START",0.000000000E0,1.700000000000E9,"2023-11-14 22:13:20.000 UTC+00:00"\n'
        '"PAUSE",2.000000000E0,1.700000002000E9,"2023-11-14 22:13:22.000 UTC+00:00"\n'
        '"START",2.000000000E0,1.700000008500E9,"2023-11-14 22:13:28.500 UTC+00:00"\n'
        '"PAUSE",9.000000000E0,1.700000015500E9,"2023-11-14 22:13:35.500 UTC+00:00"\n'
        '"START",9.000000000E0,1.700000016000E9,"2023-11-14 22:13:36.000 UTC+00:00"\n'
    )
    plain = load_recording(samples.phyphox_folder(tmp_path / "plain")).session
    loaded = load_recording(folder)
    session = loaded.session
    assert session.n_samples == plain.n_samples
    np.testing.assert_array_equal(session.acc, plain.acc)
    after = plain.t_s > plain.t_s[0] + 2.0
    assert after.sum() > 100 and (~after).sum() > 100
    np.testing.assert_allclose(session.t_s[after] - plain.t_s[after], 6.5, atol=1e-9)
    np.testing.assert_array_equal(session.t_s[~after], plain.t_s[~after])
    assert session.duration_s == pytest.approx(plain.duration_s + 6.5)
    # the second pause (at 9 s, after the last sample) moves nothing and is not said
    assert any("phyphox was paused 1 time (at 2.00 s for 6.50 s;" in note for note in loaded.report.notes)
