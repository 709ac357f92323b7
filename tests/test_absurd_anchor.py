"""An absurd but finite value (beyond 1e7 in any unit) is no measurement: no anchor to fill or bridge (EDGE-225)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.analysis.preprocess import _finite_rows
from retrogait.session import Session, SessionMeta


def _session(gyr: np.ndarray, acc: np.ndarray | None = None) -> Session:
    n = gyr.shape[0]
    t = np.arange(n) / 200.0
    if acc is None:
        acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)])
    return Session(t, acc, gyr, SessionMeta(placement="shank", sample_rate_hz=200.0))


@pytest.mark.parametrize("absurd", [1e9, -3e12])
def test_an_absurd_gyroscope_value_is_no_anchor_of_the_lower_rate(absurd: float) -> None:
    """A 100 Hz gyroscope on every 2nd row of 200 Hz rows with one absurd value: the two rows beside it were
    interpolated from it (values of ~5e8) and then dropped as absurd too, 3 rows for one value (f59410f); now only its
    own row is dropped, the rows beside are bridged between the measured values around (flagged)."""
    n = 2000
    gyr = np.full((n, 3), np.nan)
    gyr[::2] = np.column_stack([np.arange(0, n, 2) * 0.1] * 3)
    gyr[1000] = absurd
    notes: list[str] = []
    t, _, g, _, gyr_bridged_t, _ = _finite_rows(_session(gyr), notes)
    assert t.size == n - 1 and not np.isin(1000 / 200.0, t), notes
    assert g is not None and np.isfinite(g).all() and float(np.abs(g).max()) < 1e3
    assert np.isclose(gyr_bridged_t, [999 / 200.0, 1001 / 200.0]).any(), gyr_bridged_t
    assert any("1 samples with missing, infinite or absurd values" in n_ for n_ in notes), notes


def test_an_absurd_acceleration_value_is_no_anchor_of_the_bridge() -> None:
    """A lone empty acceleration cell next to an absurd one was bridged from it (a value of ~5e8, then dropped as
    absurd); now the empty one is bridged between measured values where they lie within 25 ms, and only the absurd
    row is dropped."""
    n = 2000
    gyr = np.ones((n, 3))
    t = np.arange(n) / 200.0
    acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)])
    acc[1000, 0] = np.nan
    acc[1001, 0] = 1e9
    notes: list[str] = []
    kept, a, _, bridged_t, _, _ = _finite_rows(_session(gyr, acc), notes)
    assert kept.size == n - 1 and np.isin(1000 / 200.0, kept) and not np.isin(1001 / 200.0, kept)
    assert float(np.abs(a).max()) < 20.0 and np.isclose(bridged_t, 1000 / 200.0).any()


def _separate_gyro_beside_absurd(lone: bool) -> Session:
    """A simulated shank run (200 Hz) whose separate 100 Hz gyroscope (the header key, the losses' spans) lost two
    samples (5 rows without a value, 30 ms between its measured ones: bridged, EDGE-239) right before three absurd
    values (1e9 deg/s), and, with ``lone``, one lone value elsewhere (bridged over 25 ms)."""
    from dataclasses import replace

    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:15"), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    gyr, spans = s.gyr.copy(), np.full(s.t_s.size, np.nan)
    gyr[2500:2505], spans[2500:2505] = np.nan, 0.030
    gyr[2505:2508] = 1e9
    if lone:
        gyr[1000] = np.nan
    meta = replace(s.meta, extra={**s.meta.extra, "import_gyro_period_s": "0.01"})
    return replace(s, gyr=gyr, meta=meta, extra={"gyr_lost_span_s": spans})


@pytest.mark.parametrize("lone", [True, False])
def test_info_reads_absurd_gyroscope_values_beside_a_separate_gyroscope_s_loss_as_the_analysis(lone: bool) -> None:
    """EDGE-246: the analysis reads an absurd value as no anchor (EDGE-225), so the loss before three of them spans
    8 rows (35 ms between the rows without a value, over the 31.5 ms span) and stays a gap; `info` bridged it from the
    absurd anchor and said "bridges 6 (within 31.5 ms)" (and 5 without the lone one) where the analysis bridged 1
    over 25 ms (none) and left 5 out. Now `bridge.gyro_left` reads them as the analysis does."""
    import retrogait
    from retrogait.bridge import gyro_left
    from retrogait.cli.info import _gyro_missing_detail

    session = _separate_gyro_beside_absurd(lone)
    assert session.gyr is not None
    told = _gyro_missing_detail(session, session.gyro_missing)
    notes = retrogait.analyze(session).summary["notes"]
    bridged = [n for n in notes if "missing gyroscope values bridged" in n]
    if lone:
        assert bridged == [
            "3 missing gyroscope values bridged (linear in time over at most 25 ms between measured values, in 1 "
            "samples): steps touching one are flagged bridged (their impact, read from the measured acceleration, is "
            "kept)"
        ], notes
        assert told == "no value at 6 of 3000 samples: analyze bridges 1 (within 25 ms), leaves the other 5 out as gaps"
    else:
        assert bridged == [], notes
        assert told == "no value at 5 of 3000 samples: analyze leaves those out as gaps"
    assert any(n.startswith("the gyroscope has no value at 5 samples") for n in notes), notes
    left, _, _, span_s = gyro_left(session.t_s, session.gyr, session.extra, session.meta.extra, session.gyro_missing)
    assert int(left.sum()) == 5 and not left[2505:2508].any()  # the absurd rows: dropped as absurd, not left out
    assert span_s == 0.025


def test_info_counts_rows_interpolated_across_a_lost_sample_without_an_absurd_one() -> None:
    """EDGE-246: four rows interpolated by the import across a lost sample (their span in ``gyr_lost_span_s``), one
    of them absurd: the analysis counts 3 (the absurd one is no value, dropped), `info` said 4; now 3 both."""
    from dataclasses import replace

    import retrogait
    from retrogait.cli.info import _separate_gyro_lines

    session = _separate_gyro_beside_absurd(False)
    assert session.gyr is not None
    gyr, spans = session.gyr.copy(), np.full(session.t_s.size, np.nan)
    gyr[2500:2508] = gyr[2499]  # no loss nor absurd value there: measured-like values again
    spans[1000:1004] = 0.020
    gyr[1002] = 1e9
    session = replace(session, gyr=gyr, extra={"gyr_lost_span_s": spans})
    notes = retrogait.analyze(session).summary["notes"]
    assert any(n.startswith("3 gyroscope values interpolated by the import across a lost sample") for n in notes), notes
    assert _separate_gyro_lines(session) == [
        "interpolated by the import across a lost sample of its own at 3 samples: analyze flags the steps touching "
        "them bridged"
    ]


def _phyphox_with_absurd(path: Path, lost: list[int], absurd_at: int) -> tuple[Path, str]:
    """A phyphox folder of a simulated shank run (200 Hz acceleration, seed 4) whose 100 Hz gyroscope file loses the
    samples ``lost`` and holds 1e9 rad/s (absurd in any unit) at sample ``absurd_at``."""
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:15"), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    path.mkdir(parents=True)
    head = '"Time (s)","X ({0})","Y ({0})","Z ({0})"'
    np.savetxt(path / "Accelerometer.csv", np.column_stack([s.t_s, s.acc]), delimiter=",", header=head.format("m/s^2"),
               comments="", fmt="%.7g")  # fmt: skip
    at = np.arange(0, s.t_s.size, 2)
    gyr = np.column_stack([s.t_s[at] + 0.0013, np.radians(s.gyr[at])])
    gyr[absurd_at, 1] = 1e9
    np.savetxt(path / "Gyroscope.csv", np.delete(gyr, lost, axis=0), delimiter=",", header=head.format("rad/s"),
               comments="", fmt="%.9g")  # fmt: skip
    return path, str(s.meta.anterior_axis)


def test_the_import_promises_no_flag_or_bridge_for_an_absurd_gyroscope_sample(tmp_path: Path) -> None:
    """EDGE-246 at the import: one lost sample beside an absurd one (every row interpolated across the loss absurd,
    dropped by the analysis): 441a915's note said "interpolated across a lost sample of its own at 4 accelerometer
    rows ... the analysis flags the steps over them bridged", the analysis flagged none; two lost beside an absurd
    one (a short loss whose anchor is absurd): it said "the analysis bridges those", the analysis left 6 gaps."""
    from retrogait.analysis.load import load_input
    from retrogait.analysis.pipeline import analyze

    one, axis = _phyphox_with_absurd(tmp_path / "one", [500], 501)
    session = load_input(one)
    assert "lost sample of its own" not in str(session.meta.extra["import_notes"])
    notes = analyze(one, placement="shank", side="left", anterior_axis=axis).summary["notes"]
    assert not any("interpolated by the import" in n for n in notes), notes
    assert any(n.startswith("6 samples with missing, infinite or absurd values") for n in notes), notes
    two, _ = _phyphox_with_absurd(tmp_path / "two", [500, 501], 502)
    said = str(load_input(two).meta.extra["import_gyro_missing"])
    assert "(a short loss): 6 stay gaps" in said and "no anchor: the analysis drops it" in said, said
    notes = analyze(two, placement="shank", side="left", anterior_axis=axis).summary["notes"]
    assert not any("missing gyroscope values bridged" in n for n in notes), notes
    assert any(n.startswith("the gyroscope has no value at 6 samples") for n in notes), notes


@pytest.mark.parametrize(
    ("absurd", "told"), [([1000], "bridges 2 (within 26 ms)"), ([1000, 1002], "leaves the other 3 out as gaps")]
)
def test_info_reads_an_absurd_sample_of_a_table_s_gyroscope_at_a_lower_rate_as_the_analysis(
    absurd: list[int], told: str
) -> None:
    """REVIEW-203 (EDGE-246's sub-rate fill, untested there): a 200 Hz table whose gyroscope has a value on every 2nd
    row (100 Hz), ``absurd`` of its samples 1e9: the analysis fills 1498 or 1497 rows between its samples (the absurd
    one no anchor) and bridges or leaves out the rest; `info` read the same only while `gyro_left` adds the absurd rows
    to those without a value before the fill (without: "interpolates 1500 ..., bridges -3")."""
    from dataclasses import replace

    import retrogait
    from retrogait.cli.info import _gyro_missing_detail
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:15"), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    gyr = s.gyr.copy()
    gyr[1::2] = np.nan
    gyr[absurd] = 1e9
    session = replace(s, gyr=gyr)
    filled = 1498 if len(absurd) == 1 else 1497
    assert _gyro_missing_detail(session, session.gyro_missing) == (
        f"no value at 1500 of 3000 samples: analyze interpolates {filled} between its own samples (a value on every "
        f"2nd row, a gyroscope at 100 Hz beside rows at 200 Hz), {told}"
    )
    notes = retrogait.analyze(session).summary["notes"]
    assert any(f"interpolated linearly in time onto the {filled} rows between" in n for n in notes), notes
    if len(absurd) == 1:
        assert any(n.startswith("6 missing gyroscope values bridged (linear in time over at most 26 ms") for n in notes)
    else:
        assert any(n.startswith("the gyroscope has no value at 3 samples") for n in notes), notes


def test_the_import_counts_no_absurd_row_among_the_short_losses_the_analysis_bridges(tmp_path: Path) -> None:
    """REVIEW-203 (EDGE-246's ``short_bridged``, untested there): a phyphox folder losing sample 500 beside an absurd
    501 (rows interpolated across that loss, absurd, bridgeable once absurd is missing) and two samples at 800-801 (6
    rows, a short loss): the analysis bridges the 6 (18 values); the import's note says so only while
    `bridge.short_bridged` leaves the absurd rows out of its count (without: "bridges 10 of those ...; -4 stay
    gaps")."""
    from retrogait.analysis.load import load_input
    from retrogait.analysis.pipeline import analyze

    path, axis = _phyphox_with_absurd(tmp_path / "f", [500, 800, 801], 501)
    said = str(load_input(path).meta.extra["import_gyro_missing"])
    assert said.endswith(
        "at 6 of them the gyroscope's measured samples around lie at most 31.5 ms apart (a short loss): the analysis "
        "bridges those, flagged bridged, as a table's lost values (the session's gyr_lost_span_s column keeps each "
        "span)"
    ), said
    notes = analyze(path, placement="shank", side="left", anterior_axis=axis).summary["notes"]
    assert any(n.startswith("18 missing gyroscope values bridged (linear in time over at most 31.5 ms") for n in notes)


def test_info_reads_a_gyroscope_beside_an_accelerometer_at_a_lower_rate_on_the_analysis_own_rows() -> None:
    """REVIEW-204 (REVIEW-187's and EDGE-242's "seen, not changed", and EDGE-246's claim): a 200 Hz table whose
    acceleration has a value on every 2nd row (EDGE-222: the analysis runs on those 1500 rows) and whose gyroscope has
    none at rows 1001 (between the accelerometer's rows), 1500 (lone: bridged) and 2002 (beside an absurd 2000: 30 ms
    between its anchors, a gap). edge54's `info`: "no value at 3 of 3000 samples: analyze bridges 3 (within 25 ms)";
    the analysis bridged 1 and left 1 out."""
    from dataclasses import replace

    import retrogait
    from retrogait.cli.info import _gyro_missing_detail
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    s = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:15"), sample_rate_hz=200.0, seed=4)).session
    assert s.gyr is not None
    acc, gyr = s.acc.copy(), s.gyr.copy()
    acc[1::2] = np.nan
    gyr[[1001, 1500, 2002]] = np.nan
    gyr[2000] = 1e9
    session = replace(s, acc=acc, gyr=gyr)
    notes = retrogait.analyze(session).summary["notes"]
    assert any(n.startswith("3 missing gyroscope values bridged (linear in time over at most 25 ms") for n in notes)
    assert any(n.startswith("the gyroscope has no value at 1 samples") for n in notes), notes
    assert _gyro_missing_detail(session, session.gyro_missing) == (
        "no value at 3 of 3000 samples (1 on the rows between the accelerometer's own, which analyze leaves out): "
        "analyze bridges 1 (within 25 ms), leaves the other 1 out as gaps"
    )
    gyr[[1500, 2000]], gyr[[2004, 2006]] = gyr[1498], np.nan  # none bridged (40 ms): "the other", not "those"
    session = replace(s, acc=acc, gyr=gyr)
    assert _gyro_missing_detail(session, session.gyro_missing) == (
        "no value at 4 of 3000 samples (1 on the rows between the accelerometer's own, which analyze leaves out): "
        "analyze leaves the other 3 out as gaps"
    )
    notes = retrogait.analyze(session).summary["notes"]
    assert any(n.startswith("the gyroscope has no value at 3 samples") for n in notes), notes
