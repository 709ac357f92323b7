"""A local date-time without a zone across a daylight-saving change (EDGE-151): the clock moves on 1 h in spring
and back 1 h in autumn while the samples go on. The hour is taken out and said; a real pause or a jump at another
hour, month or size is not mistaken for one."""

from __future__ import annotations

import numpy as np
import pytest

import import_samples as samples
from retrogait.errors import InputFileError
from retrogait.imports import common, load_recording

RATE_HZ = 50.0


def _csv(path, start: str, jump_at_s: float, jump_s: float, n: int = 3000):
    """``n`` samples at RATE_HZ from local ``start``, the written clock moved by ``jump_s`` from ``jump_at_s`` on."""
    t = np.arange(n) / RATE_HZ
    written = t + np.where(t >= jump_at_s, jump_s, 0.0)
    stamps = (np.datetime64(start, "ms") + np.round(written * 1000).astype("timedelta64[ms]")).astype(str)
    acc = samples.truth_acc_ms2(t)
    rows = "\n".join(f"{s.replace('T', ' ')},{x:.5f},{y:.5f},{z:.5f}" for s, (x, y, z) in zip(stamps, acc, strict=True))
    path.write_text(f"time,acc_x,acc_y,acc_z\n{rows}\n")
    return t


def test_spring_forward_hour_is_taken_out(tmp_path):
    """Before: read with an hour's gap (3659.98 s for a 60 s walk)."""
    t = _csv(tmp_path / "spring.csv", "2026-03-29T01:59:30", 30.0, 3600.0)
    result = load_recording(tmp_path / "spring.csv")
    session = result.session
    assert session.t_s.size == t.size
    assert float(np.max(np.abs(session.t_s - t))) < 1e-6
    assert "daylight-saving" in session.meta.extra["inferred_local_clock_change"]
    assert any("jumps on 1 h" in note for note in result.report.notes)


def test_autumn_back_hour_is_read_as_one_recording(tmp_path):
    """Before: refused 'time goes back ... two recordings joined in one file'."""
    t = _csv(tmp_path / "autumn.csv", "2026-10-25T02:59:30", 30.0, -3600.0)
    result = load_recording(tmp_path / "autumn.csv")
    session = result.session
    assert session.t_s.size == t.size
    assert float(np.max(np.abs(session.t_s - t))) < 1e-6
    assert any("jumps back 1 h" in note for note in result.report.notes)


def test_an_hour_back_at_noon_is_still_two_recordings(tmp_path):
    _csv(tmp_path / "noon.csv", "2026-10-25T11:59:30", 30.0, -3600.0)
    with pytest.raises(InputFileError, match="time goes back"):
        load_recording(tmp_path / "noon.csv")


@pytest.mark.parametrize(("start", "jump_s"), [("2026-03-29T01:59:30", 3600.0 + 5.0), ("2026-06-14T01:59:30", 3600.0)])
def test_a_pause_or_a_june_jump_is_a_gap_not_a_clock_change(tmp_path, start, jump_s):
    """A pause of 1 h 5 s at 02:00 in March, and exactly 1 h at 02:00 in June (no clock changes then): gaps."""
    _csv(tmp_path / "pause.csv", start, 30.0, jump_s)
    session = load_recording(tmp_path / "pause.csv").session
    assert "inferred_local_clock_change" not in session.meta.extra
    assert float(np.max(np.diff(session.t_s))) > 3600.0


def test_a_zoned_clock_is_left_to_its_zones(tmp_path):
    """With a zone in the text, the offsets say it (EDGE-134): a jump of the written UTC clock is a gap."""
    t = np.arange(3000) / RATE_HZ
    written = t + np.where(t >= 30.0, 3600.0, 0.0)
    stamps = (np.datetime64("2026-03-29T01:59:30", "ms") + np.round(written * 1000).astype("timedelta64[ms]")).astype(
        str
    )
    acc = samples.truth_acc_ms2(t)
    rows = "\n".join(f"{s}Z,{x:.5f},{y:.5f},{z:.5f}" for s, (x, y, z) in zip(stamps, acc, strict=True))
    (tmp_path / "zoned.csv").write_text(f"time,acc_x,acc_y,acc_z\n{rows}\n")
    session = load_recording(tmp_path / "zoned.csv").session
    assert "inferred_local_clock_change" not in session.meta.extra


def test_clock_text_without_a_date_is_no_clock_change_whatever_the_day(tmp_path, monkeypatch):
    """Review of EDGE-151 (EDGE-154): 12-hour clock text with no date ('1:59:30.000 AM') is parsed as date-time text
    on the day it is read, so whether its hour was taken out hung on the month the file was read in (here every
    month counts, as March or October would). Without a date there is no month to check: the jump stays a gap."""
    monkeypatch.setattr(common, "CLOCK_CHANGE_MONTHS", tuple(range(1, 13)))
    t = np.arange(3000) / RATE_HZ
    written = 1 * 3600 + 59 * 60 + 30 + t + np.where(t >= 30.0, 3600.0, 0.0)
    hours = (written // 3600).astype(int)
    cells = [
        f"{(h % 12) or 12}:{int(w % 3600 // 60):02d}:{w % 60:06.3f} {'AM' if h < 12 else 'PM'}"
        for h, w in zip(hours, written, strict=True)
    ]
    acc = samples.truth_acc_ms2(t)
    rows = "\n".join(f"{c},{x:.5f},{y:.5f},{z:.5f}" for c, (x, y, z) in zip(cells, acc, strict=True))
    (tmp_path / "ampm.csv").write_text(f"time,acc_x,acc_y,acc_z\n{rows}\n")
    session = load_recording(tmp_path / "ampm.csv").session
    assert "inferred_local_clock_change" not in session.meta.extra
    assert float(np.max(np.diff(session.t_s))) > 3600.0
