"""Messy timestamps keep the numbers honest (HONEST-2..6; scripts/validate_messy.py measures it on real data)."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait
from retrogait.errors import RetrogaitError
from retrogait.imports import load_session
from retrogait.rate import measured_rate_hz
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

STILL = Bout("still", "still", 0.0, 1.0)


@pytest.fixture(scope="module")
def foot_run() -> Session:
    """A foot sensor at 200 Hz: 1 s still, 10 s of forward running, 1 s still."""
    config = SimulationConfig("foot", [STILL, Bout("forward", "running", 3.0, 10.0), STILL], sample_rate_hz=200.0)
    return simulate(config).session


def _bursts(t: np.ndarray, size: int, spread: float, period: float) -> np.ndarray:
    """Stamps of samples delivered in bunches of ``size``: the bunch's last sample's time, ``spread``
    periods apart inside the bunch."""
    n = t.size
    last = np.minimum((np.arange(n) // size + 1) * size - 1, n - 1)
    within = np.arange(n) % size
    return np.asarray(t[last] + (within - size + 1) * spread * period)


def test_jittered_stamps_keep_the_impact_peaks(foot_run: Session) -> None:
    """Stamps +-1.2 ms off a 200 Hz clock (a phone or BLE host stamping on arrival): interpolated where
    stamped, the one- or two-sample landing peaks read low; put on their clock's slots they are the
    sensor's own (HONEST-3)."""
    clean = retrogait.analyze(foot_run).steps
    jitter = np.random.default_rng(7).uniform(-0.0012, 0.0012, foot_run.n_samples)
    steps = retrogait.analyze(replace(foot_run, t_s=foot_run.t_s + jitter)).steps
    assert len(steps) == len(clean) > 10
    np.testing.assert_allclose(steps["impact_peak_g"], clean["impact_peak_g"], rtol=1e-9)
    np.testing.assert_allclose(steps["ic_time_s"], clean["ic_time_s"], atol=0.0015)


def test_bursts_of_two_keep_the_rate_and_the_impact_peaks(foot_run: Session) -> None:
    """Pairs of samples stamped half a period apart at the second's time."""
    clean = retrogait.analyze(foot_run).steps
    t = _bursts(foot_run.t_s, 2, 0.5, 1 / 200.0)
    result = retrogait.analyze(replace(foot_run, t_s=t))
    assert result.summary["sample_rate_hz"] == 200.0
    np.testing.assert_allclose(result.steps["impact_peak_g"], clean["impact_peak_g"], rtol=1e-9)


def test_bursts_of_four_measure_the_sensor_rate() -> None:
    """Four samples stamped a quarter period apart, then 3.25 periods to the next four: the long
    interval is the burst's, not a pause (it read 4 x the rate, HONEST-2)."""
    t = _bursts(np.arange(4000) / 200.0, 4, 0.25, 1 / 200.0)
    assert measured_rate_hz(t) == pytest.approx(200.0, rel=1e-3)


def test_stamps_that_cannot_be_put_on_a_clock_say_impact_may_read_low(foot_run: Session) -> None:
    """Bursts of four a quarter period apart span 0.75 periods: no slot per sample can be told, and with
    one sample lost they cannot be put on the clock in their order either: the samples are interpolated
    where stamped, and a note says what that costs (HONEST-5)."""
    t = _bursts(foot_run.t_s, 4, 0.25, 1 / 200.0)
    keep = np.arange(foot_run.n_samples) != 1001
    assert foot_run.gyr is not None
    lost = replace(foot_run, t_s=t[keep], acc=foot_run.acc[keep], gyr=foot_run.gyr[keep])
    notes = retrogait.analyze(lost).summary["notes"]
    assert any("too irregular" in n and "impact peaks can read low" in n for n in notes)
    assert not any("irregular" in n for n in retrogait.analyze(foot_run).summary["notes"])


def test_bursts_with_every_sample_go_on_the_clock_in_their_order(foot_run: Session) -> None:
    """Bursts of four a quarter period apart, no sample lost: each sample on the slot after the one before
    (HONEST-9): the impact peaks and contacts of the clean recording, with a note saying how they were
    placed; phones (steps only) are left where stamped."""
    clean = retrogait.analyze(foot_run).steps
    t = _bursts(foot_run.t_s, 4, 0.25, 1 / 200.0)
    result = retrogait.analyze(replace(foot_run, t_s=t))
    np.testing.assert_allclose(result.steps["impact_peak_g"], clean["impact_peak_g"], rtol=1e-9)
    offset = float(np.median(t - foot_run.t_s))  # the stamps' median delay stays in every time
    np.testing.assert_allclose(result.steps["ic_time_s"] - offset, clean["ic_time_s"], atol=0.0051)
    assert any("one after the other" in n for n in result.summary["notes"])
    assert not any("impact peaks can read low" in n for n in result.summary["notes"])
    phone = retrogait.analyze(replace(foot_run, t_s=t), placement="thigh").summary["notes"]
    assert not any("one after the other" in n for n in phone)


def test_a_gap_in_the_timestamps_is_a_note(foot_run: Session) -> None:
    """Lost samples: a contact inside them is not found and no step says so; the session does (HONEST-4)."""
    keep = np.ones(foot_run.n_samples, dtype=bool)
    keep[1000:1030] = False  # 0.15 s lost mid-run
    assert foot_run.gyr is not None
    holed = replace(foot_run, t_s=foot_run.t_s[keep], acc=foot_run.acc[keep], gyr=foot_run.gyr[keep])
    notes = retrogait.analyze(holed).summary["notes"]
    assert [n for n in notes if n.startswith("1 gap in the timestamps (0.15 s without samples")]


def test_a_clock_off_its_stated_rate_is_a_note(foot_run: Session) -> None:
    """The sensor samples 2 % faster than its header states, stamped on arrival: the timestamps' rate is
    used (as before), and now the session says the two disagree (HONEST-6)."""
    off = replace(foot_run, meta=replace(foot_run.meta, sample_rate_hz=200.0 / 1.02))
    result = retrogait.analyze(off)
    assert result.summary["sample_rate_hz"] == 200.0
    assert any(
        n.startswith("the file states 196.078 Hz but the timestamps give 200 Hz (+2.0%)")
        for n in result.summary["notes"]
    )
    assert not any("states" in n for n in retrogait.analyze(foot_run).summary["notes"])


def test_a_time_column_stamped_per_packet_is_refused_naming_it(tmp_path: Path) -> None:
    """A logger that stamps each BLE packet of 4 samples once: the refusal said the file had no column named
    like time; it names the column and what is wrong with it, and --rate reads the file (HONEST-7)."""
    n = 2000
    t = (np.arange(n) // 4 * 4 + 3) / 200.0
    acc = np.random.default_rng(0).normal(0.0, 1.0, (n, 3)) + [0.0, 0.0, 9.81]
    path = tmp_path / "packets.csv"
    pd.DataFrame({"time_s": t, "acc_x": acc[:, 0], "acc_y": acc[:, 1], "acc_z": acc[:, 2]}).to_csv(path, index=False)
    with pytest.raises(
        RetrogaitError, match=r"column time_s repeats the time before it in 75% of its rows .*--rate HZ"
    ):
        load_session(path)
    assert load_session(path, rate_hz=200.0).n_samples == n


def test_coarse_quantisation_is_a_note_and_flags_the_steps_it_decides(foot_run: Session, tmp_path: Path) -> None:
    """8 bits over +-8 g (0.0625 g steps): the import records the quantum, the session says contacts and
    impact peaks can move with the rounding, and the steps that change when the samples move within their
    step are flagged ``quantised`` (HONEST-8). 12 bits over +-16 g (0.0078 g) is finer than the sensor's
    noise: neither note nor flag, and the same steps as the continuous recording."""
    step = 0.0625 * 9.80665
    coarse = replace(foot_run, acc=np.round(foot_run.acc / step) * step)
    path = tmp_path / "coarse.csv"
    frame = pd.DataFrame({"time_s": coarse.t_s})
    for k, axis in enumerate("xyz"):
        frame[f"acc_{axis}"] = coarse.acc[:, k]
        frame[f"gyr_{axis}"] = coarse.gyr[:, k] if coarse.gyr is not None else 0.0
    frame.to_csv(path, index=False, float_format="%.9g")
    session = load_session(path)
    assert session.meta.extra["inferred_acc_quantum_g"].startswith("0.0625 ")
    result = retrogait.analyze(session, placement="foot")
    assert any(
        "recorded in steps of 0.0625 g" in n and "contacts" in n and "impact" in n for n in result.summary["notes"]
    )
    flags = result.steps["quality_flags"].astype(str)
    assert flags.str.contains("quantised").any()
    clean = retrogait.analyze(foot_run)
    assert not clean.steps["quality_flags"].astype(str).str.contains("quantised").any()
    fine_step = 32 / 2**12 * 9.80665
    fine = retrogait.analyze(replace(foot_run, acc=np.round(foot_run.acc / fine_step) * fine_step))
    assert not any("recorded in steps" in n for n in fine.summary["notes"])
    assert not fine.steps["quality_flags"].astype(str).str.contains("quantised").any()
    assert len(fine.steps) == len(clean.steps)


def _write_csv(session: Session, t: np.ndarray, rows: np.ndarray, path: Path) -> Path:
    """The rows ``rows`` of ``session`` as a generic CSV stamped ``t`` (one per row)."""
    frame = pd.DataFrame({"time_s": t})
    for k, axis in enumerate("xyz"):
        frame[f"acc_{axis}"] = session.acc[rows, k]
        frame[f"gyr_{axis}"] = session.gyr[rows, k] if session.gyr is not None else 0.0
    frame.to_csv(path, index=False, float_format="%.9g")
    return path


def test_samples_stamped_like_the_row_before_are_kept_on_the_clock(foot_run: Session, tmp_path: Path) -> None:
    """Stamps +-3 ms off a 200 Hz clock, delivered in order (a stamp never before the one before): some
    rows get the stamp of the row before. They were dropped as "time not increasing" (samples lost, the
    rest interpolated where stamped: impacts read low); they are samples with their own values, kept in
    file order on the clock fitted to the stamps. A row written twice (same stamp, same values) is still
    dropped and counted (HONEST-10)."""
    n = foot_run.n_samples
    t = np.maximum.accumulate(foot_run.t_s + np.random.default_rng(3).uniform(-0.003, 0.003, n))
    assert int(np.sum(np.diff(t) <= 0)) > 10
    rows = np.sort(np.concatenate([np.arange(n), [500, 1500]]))  # rows 500 and 1500 written twice
    session = load_session(_write_csv(foot_run, t[rows], rows, tmp_path / "arrival.csv"), placement="foot")
    assert session.n_samples == n
    assert session.meta.extra["import_dropped_detail"] == "row_time_not_increasing=2"
    np.testing.assert_allclose(np.diff(session.t_s), 1 / 200.0, rtol=1e-3)
    assert any("carry the stamp of the row before" in note for note in session.meta.extra["import_notes"].split("\n"))
    reference = load_session(_write_csv(foot_run, foot_run.t_s, np.arange(n), tmp_path / "clean.csv"), placement="foot")
    clean, steps = retrogait.analyze(reference).steps, retrogait.analyze(session).steps
    assert len(steps) == len(clean) > 10
    np.testing.assert_allclose(steps["impact_peak_g"], clean["impact_peak_g"], rtol=1e-3)


def test_samples_stamped_like_the_row_before_off_any_clock_are_kept_near_their_stamps(
    foot_run: Session, tmp_path: Path
) -> None:
    """Stamped on arrival in whole ms with +-1.5 periods of jitter and 2 % of the samples lost: the stamps fit
    no clock, and the rows stamped like the row before were dropped (a third of them: fuzz_sessions seed 10
    lost 40 % of a 26 Hz export and refused it as 15 Hz). Each is kept, spaced evenly after the stamp before,
    within one interval before its stamp; a row written twice is still dropped."""
    n = foot_run.n_samples
    rng = np.random.default_rng(5)
    kept = np.sort(rng.choice(n, int(0.98 * n), replace=False))
    t = np.maximum.accumulate(np.round((foot_run.t_s[kept] + rng.uniform(-0.0075, 0.0075, kept.size)) * 1e3) / 1e3)
    ties = int(np.sum(np.diff(t) == 0))
    assert ties > 0.1 * kept.size
    rows = np.sort(np.concatenate([kept, kept[[300, 900]]]))  # two rows written twice
    stamps = np.concatenate([t, t[[300, 900]]])[np.argsort(np.concatenate([np.arange(kept.size), [300.5, 900.5]]))]
    session = load_session(_write_csv(foot_run, stamps, rows, tmp_path / "arrival.csv"), placement="foot")
    assert session.n_samples == kept.size
    assert session.meta.extra["import_dropped_detail"] == "row_time_not_increasing=2"
    assert np.all(np.diff(session.t_s) > 0)
    gap = np.diff(np.unique(t)).max()
    placed = session.t_s + (t[-1] - session.t_s[-1])  # on the stamps' time line: the last row is on its stamp
    assert np.all((t - placed >= -1e-9) & (t - placed <= gap + 1e-9))  # sampled before it arrived, within one gap
    np.testing.assert_allclose(session.acc, foot_run.acc[kept], rtol=1e-6, atol=1e-6)  # every sample, in order
    assert any("too irregular for one clock" in note for note in session.meta.extra["import_notes"].split("\n"))


def test_a_coarse_sensor_at_rest_stamped_like_the_row_before_keeps_every_sample(
    foot_run: Session, tmp_path: Path
) -> None:
    """At rest a coarse sensor repeats its values: a tied row equal to the row before is then a sample, not a row
    written twice. Dropping it moved every later sample off the clock, and then every tie was dropped (review of
    HONEST-10: 12 bits, 20 % rest, 708 ties of which 19 equal: 29,292 of 30,000 rows kept)."""
    g = 9.80665
    coarse = dataclasses.replace(
        foot_run, acc=np.round(foot_run.acc / (g / 16)) * (g / 16), gyr=np.round(foot_run.gyr / 8) * 8
    )
    n = coarse.n_samples
    t = np.maximum.accumulate(coarse.t_s + np.random.default_rng(3).uniform(-0.003, 0.003, n))
    tied = np.flatnonzero(np.diff(t) <= 0) + 1
    values = np.column_stack([coarse.acc, coarse.gyr])
    equal = (values[tied] == values[tied - 1]).all(axis=1)
    assert equal.sum() >= 1 and (~equal).sum() >= 1
    session = load_session(_write_csv(coarse, t, np.arange(n), tmp_path / "coarse.csv"), placement="foot")
    assert session.n_samples == n and "import_dropped_detail" not in session.meta.extra


def test_rows_sharing_a_stamp_after_a_pause_are_not_spread_over_the_pause() -> None:
    """Four rows stamped 70.0 s after a pause of 60 s were spaced over the pause (25, 40, 55, 70 s: samples made up
    in it, and one gap read as four; review of HONEST-12): a run spans at most its count of median intervals."""
    from retrogait.imports.common import ImportReport, clean_rows

    rng = np.random.default_rng(0)
    early = np.maximum.accumulate(np.round(np.arange(0, 10, 0.01) + rng.normal(0, 0.006, 1000), 2))
    t = np.concatenate([early, [70.0] * 4, np.round(np.arange(70.01, 80, 0.01), 2)])
    values = rng.normal(0, 1, (t.size, 3))
    kept, _ = clean_rows(t, values, ImportReport("x"), "acc")
    assert kept.size == t.size
    steps = np.diff(kept)
    assert np.count_nonzero(steps > 1.0) == 1 and steps.max() > 59.9


def test_same_stamps_off_any_clock_are_kept_and_a_row_going_back_is_dropped_as_before(
    foot_run: Session, tmp_path: Path
) -> None:
    """Rows that share a stamp but are not a clock's samples in order because one sample was lost are kept,
    spaced after the stamp before (they were dropped: "nothing recorded is ever lost"); where a row goes back
    (EDGE-2) the old rule holds: dropped and counted as time not increasing."""
    n = foot_run.n_samples
    t = np.maximum.accumulate(foot_run.t_s + np.random.default_rng(3).uniform(-0.003, 0.003, n))
    ties = int(np.sum(np.diff(t) <= 0))
    rows = np.flatnonzero(np.arange(n) != 1000)  # a sample lost: no order of a clock
    session = load_session(_write_csv(foot_run, t[rows], rows, tmp_path / "lost.csv"), placement="foot")
    assert "import_dropped_detail" not in session.meta.extra
    assert session.n_samples == n - 1
    swapped = np.arange(n)
    swapped[[700, 701]] = [701, 700]
    session = load_session(_write_csv(foot_run, t[swapped], swapped, tmp_path / "swapped.csv"), placement="foot")
    assert session.meta.extra["import_dropped_detail"] == f"row_time_not_increasing={ties + 1}"


def test_a_run_start_s_single_smooth_maximum_on_a_coarse_grid_is_not_a_pile_up() -> None:
    """A run from rest with the trunk's momentum (DIRECTION-35): the start's push-off is the anterior axis' one
    largest peak (1.75 g); rounded to 0.0625 g it sits 19 samples on its top level against 8 and 7 on the two
    below, which a smooth maximum does (time within d of the apex grows as sqrt(d)): not clipping. Clipped
    three steps under it, the samples pile up and the moved steps stay flagged (HONEST-29)."""
    config = SimulationConfig(
        "lower_back", [STILL, Bout("forward", "running", 3.0, 20.0), STILL], sample_rate_hz=500.0, trunk_momentum=True
    )
    session = simulate(config).session
    session = replace(session, meta=replace(session.meta, acc_range_g=None))
    smooth = np.column_stack([np.convolve(session.acc[:, k], np.ones(5) / 5, mode="same") for k in range(3)])
    step = 0.0625 * 9.80665
    rounded = np.round(smooth / step) * step
    top = np.abs(rounded[:, 0]).max()
    assert round(top / step) == 28 and np.sum(np.abs(rounded[:, 0]) >= top - 1e-9) >= 15  # one maximum, 15+ samples
    clean = retrogait.analyze(replace(session, acc=rounded)).steps
    assert not clean["quality_flags"].astype(str).str.contains("clipped").any()
    limit = top - 3 * step
    cut = rounded.copy()
    cut[:, 0] = np.clip(cut[:, 0], -limit, limit)
    steps = retrogait.analyze(replace(session, acc=cut)).steps
    assert steps["quality_flags"].astype(str).str.contains("clipped").any()


def test_a_coarse_signal_s_top_level_is_not_clipping_a_full_scale_or_a_pile_up_is() -> None:
    """A smooth running trunk at 500 Hz rounded to 0.0625 g (8 bits over +-8 g) holds its largest level for
    several samples: the plateau rule of an undeclared range read it as clipping (8-bit sacral running:
    13 steps). On a coarse signal a plateau is clipping at a full scale of its grid (2^m steps: where a
    sensor of that resolution reads its range) or where more samples pile up than rounding puts there;
    every step a clip moves stays flagged (HONEST-11). Simulator version 1 (SIM-17): on version 2 the trunk's momentum
    at the run's start (DIRECTION-35) takes the anterior axis to exactly 32 steps of the second grid (2^5, a full scale
    such a sensor could have) for 11 samples, which the rule cannot tell from clipping and flags (the first step)."""
    bouts = [STILL, Bout("forward", "running", 3.0, 20.0), STILL]
    config = SimulationConfig("lower_back", bouts, sample_rate_hz=500.0, version=1)
    session = simulate(config).session
    session = replace(session, meta=replace(session.meta, acc_range_g=None))
    smooth = np.column_stack([np.convolve(session.acc[:, k], np.ones(5) / 5, mode="same") for k in range(3)])

    def clipped_steps(step_ms2: float, limit_steps: float | None) -> tuple[pd.Series, pd.Series]:
        rounded = np.round(smooth / step_ms2) * step_ms2
        limit = np.inf if limit_steps is None else limit_steps * step_ms2
        steps = retrogait.analyze(replace(session, acc=np.clip(rounded, -limit, limit))).steps
        return steps["quality_flags"].astype(str).str.contains("clipped"), steps["impact_peak_g"]

    step = 0.0625 * 9.80665
    assert round(float(np.abs(np.round(smooth / step)).max())) == 37  # the top level repeats: 20+ samples
    flags, clean = clipped_steps(step, None)
    assert not flags.any()
    flags, impact = clipped_steps(step, 34)  # 2.125 g, three steps below the top: the samples pile up
    moved = np.abs(impact / clean - 1.0) > 0.01
    assert flags.sum() > 10 and moved.any() and bool(flags[moved].all())
    # a coarser sensor whose range (32 steps) the run exceeds, down into the impact phase's peaks (IMPACT-10:
    # they are below the mid-stance active peak, so a range cutting that peak alone moves no impact)
    step = float(np.abs(smooth).max()) / 42
    flags, clean = clipped_steps(step, None)
    assert not flags.any()
    flags, impact = clipped_steps(step, 32)
    moved = np.abs(impact / clean - 1.0) > 0.01
    assert moved.any() and bool(flags[moved].all())
