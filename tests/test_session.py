"""Native session file: lossless round trip and one clear error per violation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrogait.errors import InputFileError
from retrogait.session import Session, SessionMeta, SessionWriter, read_session, write_session


def test_round_trip_is_lossless(tmp_path: Path, small_session: Session) -> None:
    path = write_session(small_session, tmp_path / "s.csv")
    back = read_session(path)
    assert np.array_equal(back.t_s, small_session.t_s)
    assert np.array_equal(back.acc, small_session.acc)
    assert back.gyr is not None and small_session.gyr is not None
    assert np.array_equal(back.gyr, small_session.gyr)
    assert back.meta == small_session.meta
    assert list(back.extra) == ["marker"]
    assert np.array_equal(back.extra["marker"].astype(str), small_session.extra["marker"])
    # writing what was read gives the same bytes
    again = write_session(back, tmp_path / "again.csv")
    assert again.read_bytes() == path.read_bytes()


def test_unknown_header_keys_survive(tmp_path: Path, small_session: Session) -> None:
    s = small_session.with_meta(extra={"firmware": "2.1.0"}, start_time_utc="2026-05-01T07:30:00Z")
    back = read_session(write_session(s, tmp_path / "s.csv"))
    assert back.meta.extra == {"firmware": "2.1.0"}
    assert back.meta.start_time_utc == "2026-05-01T07:30:00Z"


def test_accelerometer_only_session(tmp_path: Path, small_session: Session) -> None:
    s = Session(small_session.t_s, small_session.acc, None, small_session.meta)
    back = read_session(write_session(s, tmp_path / "s.csv"))
    assert back.gyr is None and not back.extra


def _write_lines(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = ["# retrogait-session: 1", "# placement: shank", "# sample_rate_hz: 100"]
COLUMNS = "t_s,acc_x,acc_y,acc_z"


def _rows(n: int = 20) -> list[str]:
    return [f"{i / 100},0.1,0.2,9.8" for i in range(n)]


@pytest.mark.parametrize(
    ("lines", "line_no", "words"),
    [
        (["# placement: shank", "# sample_rate_hz: 100", COLUMNS, *_rows()], 1, "first line must be"),
        (["t_s,acc_x", "0,1"], 1, "not a retrogait session"),
        (["# retrogait-session: 2", "# placement: shank", "# sample_rate_hz: 100", COLUMNS, *_rows()], 1, "version"),
        (["# retrogait-session: 1", "# sample_rate_hz: 100", COLUMNS, *_rows()], None, "'placement' is missing"),
        (["# retrogait-session: 1", "# placement: shank", COLUMNS, *_rows()], None, "'sample_rate_hz' is missing"),
        ([*HEADER[:2], "# sample_rate_hz: fast", COLUMNS, *_rows()], None, "not a number"),
        ([*HEADER[:1], "# placement: knee", HEADER[2], COLUMNS, *_rows()], None, "placement must be one of"),
        ([*HEADER, "# anterior_axis: +w", COLUMNS, *_rows()], None, "anterior_axis must be one of"),
        ([*HEADER, "# placement: foot", COLUMNS, *_rows()], 4, "appears twice"),
        ([*HEADER, "# this is not a key value line", COLUMNS, *_rows()], 4, "not '# key: value'"),
        ([*HEADER, "t_s,acc_x,acc_y", *_rows()], 4, "missing: acc_z"),
        ([*HEADER, COLUMNS + ",gyr_x", *_rows()], 4, "all of gyr_x"),
        ([*HEADER, COLUMNS], None, "no data rows"),
        ([*HEADER], 4, "no column header"),
        ([*HEADER, COLUMNS, *_rows(5), "0.04,0.1,0.2,9.8", *_rows(20)[6:]], 10, "not after the previous"),
        # an empty acceleration cell is no value recorded there (EDGE-197: test_bridged_cells); a time is needed
        ([*HEADER, COLUMNS, *_rows(3), ",0.1,0.2,9.8", *_rows(20)[4:]], 8, "t_s is empty"),
        # an infinite acceleration value is a missing one (EDGE-198: test_infinite_cells); an infinite time is refused
        ([*HEADER, COLUMNS, *_rows(3), "inf,0.1,0.2,9.8", *_rows(20)[4:]], 8, "t_s is infinite"),
        ([*HEADER, COLUMNS, *_rows(3), "0.03,0.1,abc,9.8", *_rows(20)[4:]], 8, "holds text"),
        ([*HEADER, COLUMNS, *_rows(3), "0.03,0.1,0.2,9.8,5", *_rows(20)[4:]], 8, "fields"),
        # two session files joined (`cat a.csv b.csv`): the second's header named, not its fields (IMPORT-27)
        ([*HEADER, COLUMNS, *_rows(5), *HEADER, "# notes: a, b, c, d", COLUMNS, *_rows(5)], 10, "a second header"),
        ([*HEADER, COLUMNS, *_rows(5), *HEADER, COLUMNS, *_rows(5)], 10, "two session files joined"),
        # the second saved with a byte-order mark (a Windows editor): its header still begins on line 10 (REVIEW-37)
        ([*HEADER, COLUMNS, *_rows(5), "\ufeff" + HEADER[0], *HEADER[1:], COLUMNS, *_rows(5)], 10, "a second header"),
        ([*HEADER, COLUMNS, *[f"{i / 100},0.1,0.2,1.0" for i in range(20)]], None, "looks like g"),
        ([*HEADER, COLUMNS, *[f"{i / 100},10,200,1000" for i in range(20)]], None, "looks like mg"),
        (
            [*HEADER, COLUMNS, *[f"{i / 50},0.1,0.2,9.8" for i in range(20)]],
            None,
            "timestamps give 50 Hz; set the header line",
        ),
    ],
)
def test_each_violation_is_one_line_naming_file_and_line(
    tmp_path: Path, lines: list[str], line_no: int | None, words: str
) -> None:
    path = _write_lines(tmp_path, lines)
    with pytest.raises(InputFileError) as info:
        read_session(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line_no}:" if line_no else f"{path}:")
    assert words in message


def test_gyro_in_rad_per_s_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    n = 500
    t = np.arange(n) / 100
    acc = np.c_[np.zeros(n), np.zeros(n), 9.81 + 5 * np.sin(2 * np.pi * 1.5 * t)]
    gyr = rng.normal(0, 1.0, (n, 3))  # a moving shank in rad/s
    path = write_session(Session(t, acc, gyr, SessionMeta("shank", 100.0)), tmp_path / "g.csv")
    with pytest.raises(InputFileError, match="rad/s"):
        read_session(path)
    assert read_session(path, check_units=False).gyr is not None


def test_spikes_beyond_the_range_are_not_movement_that_makes_a_gyroscope_rad_s(tmp_path: Path) -> None:
    """EDGE-130: fuzz_sessions.py --seed 3434 case 5, a 1.3 s still foot at 52 Hz with 17 rows at 31.6 g (16 g range):
    the spikes made |acc| vary (std 130 m/s^2), so its still gyroscope (0.66 deg/s) was "rad/s"; the analysis drops
    them as beyond the range, and the recording is refused for what it is, too short."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.errors import RetrogaitError

    rng = np.random.default_rng(5)
    n = 68
    t = np.arange(n) / 52.0
    acc = np.c_[rng.normal(0, 0.25, (n, 2)), 9.81 + rng.normal(0, 0.25, n)]
    acc[::4] = 179.0 * rng.choice([-1.0, 1.0], (17, 3))
    gyr = rng.normal(0, 0.2, (n, 3))
    path = write_session(Session(t, acc, gyr, SessionMeta("foot", 52.0, acc_range_g=16.0)), tmp_path / "s.csv")
    assert read_session(path).gyr is not None
    with pytest.raises(RetrogaitError, match=r"recording is 1\.29 s long; at least 2 s needed"):
        analyze(path)
    inside = acc.copy()
    inside[::4] = 5.0 * rng.choice([-1.0, 1.0], (17, 3)) + [0, 0, 9.81]  # the same rows moving within the range,
    inside[1::4] = inside[::4]  # each for two samples: one alone is no movement (EDGE-132)
    moving = write_session(Session(t, inside, gyr, SessionMeta("foot", 52.0, acc_range_g=16.0)), tmp_path / "m.csv")
    with pytest.raises(InputFileError, match="rad/s"):
        read_session(moving)


def test_a_user_s_max_acc_g_makes_spikes_beyond_it_no_movement_to_the_gyroscope_s_unit_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EDGE-131: EDGE-130's test took 500 g, the setting's default, where no range is declared: with the user's
    ``[preprocess] max_acc_g = 16`` a still foot with spikes at 31.6 g was still refused "rad/s" (the spikes
    made |acc| vary), though the analysis drops every one of them; read with the setting, it is analysed."""
    from retrogait.analysis.load import load_input
    from retrogait.cli import main
    from retrogait.imports import GenericCsvOptions, load_recording

    rng = np.random.default_rng(5)
    n = 260  # 5 s at 52 Hz
    t = np.arange(n) / 52.0
    acc = np.c_[rng.normal(0, 0.25, (n, 2)), 9.81 + rng.normal(0, 0.25, n)]
    acc[::4] = 310.0 * rng.choice([-1.0, 1.0], (n // 4, 3))  # 31.6 g: beyond 16 g, within 500 g
    gyr = rng.normal(0, 0.2, (n, 3))
    path = write_session(Session(t, acc, gyr, SessionMeta("foot", 52.0)), tmp_path / "s.csv")
    with pytest.raises(InputFileError, match="rad/s"):
        load_input(path)  # the default (500 g): the spikes are movement
    assert load_input(path, max_acc_g=16.0).gyr is not None
    table = tmp_path / "t.csv"  # an import (imports.common.finish) checks with it too
    table.write_text(
        "t,ax,ay,az,gx,gy,gz\n" + "\n".join(",".join(f"{v:.6g}" for v in row) for row in np.c_[t, acc, gyr])
    )
    ms2 = GenericCsvOptions(acc_unit="ms2", gyr_unit="dps")
    with pytest.raises(InputFileError, match="rad/s"):
        load_recording(table, generic=ms2)
    assert load_recording(table, generic=ms2, max_acc_g=16.0).session.gyr is not None
    settings = tmp_path / "s.toml"
    settings.write_text("[preprocess]\nmax_acc_g = 16\n", encoding="utf-8")
    main(["analyze", str(path), "--settings", str(settings), "--out", str(tmp_path / "out")])
    assert "rad/s" not in capsys.readouterr().err


def test_a_spike_no_neighbour_shares_is_not_movement_that_makes_a_gyroscope_rad_s(tmp_path: Path) -> None:
    """EDGE-132: EDGE-130's leftover: a still foot (4 s, 100 Hz) with 15 lone rows at 150 m/s^2 on each axis (26 g,
    within any range) varied |acc| enough to call its still gyroscope "rad/s"; a one-sample excursion is no body's
    movement. A running lower back's gyroscope in rad/s with the same spikes is still refused."""
    from retrogait.simulate import Bout, SimulationConfig, simulate

    rng = np.random.default_rng(7)
    n = 400
    t = np.arange(n) / 100.0
    acc = np.c_[rng.normal(0, 0.25, (n, 2)), 9.81 + rng.normal(0, 0.25, n)]
    lone = np.arange(10, n - 10, 26)[:15]
    acc[lone] = 150.0 * rng.choice([-1.0, 1.0], (lone.size, 3))
    gyr = rng.normal(0, 0.2, (n, 3))
    path = write_session(Session(t, acc, gyr, SessionMeta("foot", 100.0)), tmp_path / "s.csv")
    assert read_session(path).gyr is not None
    run = simulate(SimulationConfig("lower_back", [Bout("forward", "running", 3.2, 10.0)], seed=1)).session
    spiked = run.acc.copy()
    spiked[lone] = 150.0 * rng.choice([-1.0, 1.0], (lone.size, 3))
    assert run.gyr is not None
    rads = replace(run, acc=spiked, gyr=run.gyr / 57.2958)
    with pytest.raises(InputFileError, match="rad/s"):
        read_session(write_session(rads, tmp_path / "r.csv"))


def test_a_shank_gyroscope_in_rad_s_under_deg_s_names_is_told_by_how_gravity_turns(tmp_path: Path) -> None:
    """HONEST-26: a walking shank's gyroscope in rad/s written as deg/s has a 99th percentile of 8 "deg/s": above
    the rad/s check's 6, under HONEST-25's 10, so it was read silently 57x too small. Gravity turns in the sensor
    frame at the rate across it in rad/s (1/57 of it in deg/s): that tells the unit. The deg/s file reads."""
    from retrogait.imports import GenericCsvOptions, load_recording
    from retrogait.simulate import Bout, SimulationConfig, simulate

    bouts = [Bout("still", "still", 0.0, 2.0), Bout("forward", "walking", 1.3, 20.0)]
    walk = simulate(SimulationConfig("shank", bouts, seed=1)).session
    assert walk.gyr is not None
    assert read_session(write_session(walk, tmp_path / "deg.csv")).gyr is not None
    rads = replace(walk, gyr=walk.gyr / 57.2958)
    assert 6.0 < np.percentile(np.linalg.norm(rads.gyr, axis=1), 99) < 10.0
    with pytest.raises(InputFileError, match=r"rad/s.*gravity turns in the sensor frame at 0\.[3-9]"):
        read_session(write_session(rads, tmp_path / "rad.csv"))
    table = tmp_path / "t.csv"  # an export whose names say deg/s: refused by the import's own check too
    rows = np.c_[rads.t_s, rads.acc, rads.gyr]
    table.write_text("t,ax,ay,az,gx_dps,gy_dps,gz_dps\n" + "\n".join(",".join(f"{v:.7g}" for v in r) for r in rows))
    with pytest.raises(InputFileError, match="rad/s"):
        load_recording(table, generic=GenericCsvOptions(acc_unit="ms2", gyr_unit="dps"))


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "is empty"), (b"\x00\x01\x02binary", "binary"), (b"# retrogait-session: 1\n# placement: \xff\n", "UTF-8")],
)
def test_unreadable_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=words):
        read_session(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_session(tmp_path / "absent.csv")
    with pytest.raises(InputFileError, match="folder"):
        read_session(tmp_path)


def test_meta_validates_values() -> None:
    with pytest.raises(ValueError, match="same axis"):
        SessionMeta("foot", 100.0, anterior_axis="+x", vertical_axis="-x")
    with pytest.raises(ValueError, match="ISO 8601"):
        SessionMeta("foot", 100.0, start_time_utc="yesterday")
    with pytest.raises(ValueError, match="side"):
        SessionMeta("foot", 100.0, side="middle")


def test_incremental_writer_is_readable_at_every_flush(tmp_path: Path, small_session: Session) -> None:
    path = tmp_path / "live.csv"
    with SessionWriter(path, small_session.meta, has_gyro=True) as writer:
        assert small_session.gyr is not None
        for start in range(0, small_session.n_samples, 250):
            sl = slice(start, start + 250)
            writer.append(
                {
                    "t_s": small_session.t_s[sl],
                    **{f"acc_{a}": small_session.acc[sl, i] for i, a in enumerate("xyz")},
                    **{f"gyr_{a}": small_session.gyr[sl, i] for i, a in enumerate("xyz")},
                }
            )
            writer.flush()
            assert read_session(path).n_samples == start + 250
        with pytest.raises(ValueError, match="strictly increasing"):
            writer.append({c: np.array([0.0]) for c in writer.columns})
    assert np.array_equal(read_session(path).acc, small_session.acc)


# ------------------------------------------------------------------ issue 12 items 8, 9; header round trip


def test_spaces_after_commas_in_the_column_header(tmp_path: Path) -> None:
    """Issue 12 item 8: ``t_s, acc_x, acc_y, acc_z`` was a KeyError."""
    path = _write_lines(tmp_path, [*HEADER, "t_s, acc_x, acc_y, acc_z", *[r.replace(",", ", ") for r in _rows()]])
    session = read_session(path)
    assert session.n_samples == 20 and session.acc[0, 2] == 9.8


def test_quoted_extra_column_with_a_comma(tmp_path: Path) -> None:
    """Issue 12 item 9: a quoted column name holding the delimiter was a KeyError."""
    rows = [f'{r},"a, b"' for r in _rows()]
    path = _write_lines(tmp_path, [*HEADER, COLUMNS + ',"note, quoted"', *rows])
    session = read_session(path)
    assert list(session.extra) == ["note, quoted"]
    assert session.extra["note, quoted"][0] == "a, b"
    again = read_session(write_session(session, tmp_path / "again.csv"))
    assert list(again.extra) == ["note, quoted"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(min_size=1, max_size=40))
def test_any_header_text_survives_a_round_trip(tmp_path: Path, small_session: Session, value: str) -> None:
    """Newlines, NUL and other control bytes in header values were written raw: the file could not be read back."""
    s = small_session.with_meta(sensor=value, extra={"import_device": value})
    back = read_session(write_session(s, tmp_path / "s.csv"))
    assert back.meta.sensor == (value.strip(" \t") or None)
    assert back.meta.extra["import_device"] == value.strip(" \t")


def test_gravity_removed_is_a_known_key(tmp_path: Path, small_session: Session) -> None:
    linear = small_session.acc - [0.0, 0.0, 9.80665]
    s = Session(small_session.t_s, linear, small_session.gyr, replace(small_session.meta, acc_gravity="removed"))
    back = read_session(write_session(s, tmp_path / "s.csv"))  # no "looks like g" refusal
    assert back.meta.acc_gravity == "removed" and "acc_gravity" not in back.meta.extra
    with pytest.raises(ValueError, match="acc_gravity must be one of included, removed"):
        SessionMeta("foot", 100.0, acc_gravity="gone")
    with pytest.raises(InputFileError, match="looks like g"):  # without the key it is still refused
        read_session(write_session(Session(s.t_s, linear, None, small_session.meta), tmp_path / "t.csv"))


# ------------------------------------------------------------------ PERF-37: spaces skipped only where there are any


def _read_csv_options(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """The keyword arguments of every ``pd.read_csv`` the session reader makes from now on."""
    import retrogait.session as session_module

    calls: list[dict[str, object]] = []
    real = session_module.pd.read_csv

    def recording(*args: object, **kwargs: object) -> object:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(session_module.pd, "read_csv", recording)
    return calls


def test_a_table_without_spaces_is_parsed_without_skipping_them(
    tmp_path: Path, small_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The option cost a quarter of an hour's parse; a table our writers write holds no space (its header does)."""
    path = write_session(small_session.with_meta(sensor="a sensor with spaces"), tmp_path / "s.csv")
    calls = _read_csv_options(monkeypatch)
    read_session(path)
    assert [call["skipinitialspace"] for call in calls] == [False]
    calls.clear()
    spaced = _write_lines(tmp_path, [*HEADER, COLUMNS, *_rows(5), "0.05, 0.1,0.2,9.8", *_rows(25)[6:]])
    read_session(spaced)
    assert [call["skipinitialspace"] for call in calls] == [True]


def _spaced_lines(where: str) -> list[str]:
    rows = _rows(400)
    if where == "first row":
        rows[0] = rows[0].replace(",", ", ")
    elif where == "last row":
        rows[-1] = rows[-1].replace(",", ", ")
    elif where == "line start":
        rows[200] = " " + rows[200]
    elif where == "tab":
        rows[300] = rows[300].replace(",", ",\t", 1)
    elif where == "quoted":
        return [*HEADER, COLUMNS + ",note", *[f'{r}, "a, b"' for r in rows]]
    elif where == "column line":
        return [*HEADER, COLUMNS.replace(",", ", "), *rows]
    return [*HEADER, COLUMNS, *rows]


@pytest.mark.parametrize("where", ["none", "first row", "last row", "line start", "tab", "quoted", "column line"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_a_table_reads_the_same_with_or_without_looking_for_spaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, line_end: str
) -> None:
    """Whatever the table holds and wherever (buffers of 64 bytes: rows across them), the values are those read
    with spaces always skipped (as before PERF-37)."""
    import retrogait.session as session_module

    path = tmp_path / "s.csv"
    path.write_bytes((line_end.join(_spaced_lines(where)) + line_end).encode())
    monkeypatch.setattr(session_module, "SPACE_SCAN_BYTES", 64)
    looked = read_session(path)
    monkeypatch.setattr(session_module, "_spaced_table", lambda _path, _lines: True)
    always = read_session(path)
    assert np.array_equal(looked.t_s, always.t_s) and np.array_equal(looked.acc, always.acc)
    assert looked.meta == always.meta
    assert {k: list(v) for k, v in looked.extra.items()} == {k: list(v) for k, v in always.extra.items()}
    if where == "quoted":
        assert list(looked.extra["note"][:2]) == ["a, b", "a, b"]


def test_the_lone_sample_filter_is_a_three_point_median_exactly() -> None:
    from retrogait.session import _without_lone_samples

    rng = np.random.default_rng(7)
    values = np.r_[rng.standard_normal(200), 0.0, 0.0, 5.0, np.nan, 1.0]
    expected = values.copy()
    expected[1:-1] = np.median(np.stack([values[:-2], values[1:-1], values[2:]]), axis=0)
    assert np.array_equal(_without_lone_samples(values), expected, equal_nan=True)
    assert np.array_equal(_without_lone_samples(values[:2]), values[:2])


def test_a_gyroscope_that_shows_turns_needs_no_movement_test_to_be_deg_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """PERF-47: the unit check judges a gyroscope by its movement only under 10 deg/s (99th percentile |rate|: the
    rad/s refusal under 6, HONEST-26's turning test under 10); above, the answer is deg/s whatever the movement, so
    the range mask and the lone-sample filter over every row are not computed (~5 ms of an hour). The answers on
    either side of the bound are unchanged."""
    import retrogait.session as session_module
    from retrogait.session import implausible_units

    rng = np.random.default_rng(3)
    n = 2000
    t = np.arange(n) / 100.0
    acc = np.c_[rng.normal(0, 4.0, (n, 2)), 9.81 + rng.normal(0, 4.0, n)]  # moving: std of |acc| well over 2
    turning = Session(t, acc, rng.normal(0, 60.0, (n, 3)), SessionMeta("foot", 100.0))
    slow = Session(t, acc, rng.normal(0, 1.0, (n, 3)), SessionMeta("foot", 100.0))  # p99 ~3.4: rad/s by its numbers
    assert implausible_units(turning) is None
    assert "rad/s" in (implausible_units(slow) or "")
    movement_tests: list[str] = []
    real_range, real_lone = session_module.within_acc_range, session_module._without_lone_samples
    monkeypatch.setattr(
        session_module, "within_acc_range", lambda *a, **k: movement_tests.append("range") or real_range(*a, **k)
    )
    monkeypatch.setattr(
        session_module, "_without_lone_samples", lambda v: movement_tests.append("lone") or real_lone(v)
    )
    assert implausible_units(turning) is None
    assert movement_tests == []
    assert "rad/s" in (implausible_units(slow) or "")
    assert movement_tests == ["range", "lone"]
