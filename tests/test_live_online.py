"""Online steps: the offline stages on a rolling window, committed causally, agree with the offline analysis."""

from __future__ import annotations

import numpy as np
import pytest

import retrogait
from retrogait.analysis.settings import AnalysisSettings, SettingsError
from retrogait.live.online import OnlineStepDetector
from retrogait.live.settings import OnlineSettings
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, simulate

PACKET = 8  # samples handed over at a time, as a BLE packet would


def _run(session: Session, settings: OnlineSettings | None = None) -> tuple[list, OnlineStepDetector]:
    m = session.meta
    det = OnlineStepDetector(
        m.placement,
        m.sample_rate_hz,
        side=m.side,
        anterior_axis=m.anterior_axis,
        acc_range_g=m.acc_range_g,
        settings=settings,
    )
    steps = []
    for i in range(0, session.n_samples, PACKET):
        gyr = session.gyr[i : i + PACKET] if session.gyr is not None else None
        det.feed(session.t_s[i : i + PACKET], session.acc[i : i + PACKET], gyr)
        if det.due():
            new = det.step()
            assert all(s.ready_time_s <= det.newest_s + 1e-9 for s in new), "only samples already received"
            steps += new
    return steps + det.step(final=True), det


@pytest.mark.parametrize("placement", ["shank", "lower_back"])
def test_online_contacts_impacts_and_directions_match_offline(placement: str) -> None:
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "running", 3.0, 12), Bout("backward", "running", 2.5, 12)]
    session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=3)).session
    offline = retrogait.analyze(session).steps
    steps, det = _run(session)
    ic = np.asarray([s.ic_time_s for s in steps])
    assert np.all(np.diff(ic) > 0), "committed once each, in time order"
    found = impact_ok = direction_ok = 0
    for row in offline.itertuples():
        j = int(np.argmin(np.abs(ic - row.ic_time_s)))
        if abs(ic[j] - row.ic_time_s) <= 0.02:
            found += 1
            impact_ok += abs(steps[j].impact_peak_g - row.impact_peak_g) <= 0.05 * abs(row.impact_peak_g)
            direction_ok += steps[j].direction == row.direction
    n = len(offline)
    assert found >= 0.95 * n and impact_ok >= 0.95 * found and direction_ok >= 0.9 * found
    # within one stride of the landing (one-leg placements: a contact per stride, else two steps)
    stride_s = 2.0 * np.nanmedian([s.step_time_s for s in steps])
    late = [s.ready_time_s - s.ic_time_s for s in steps[1:-1]]
    assert np.max(late) < stride_s
    assert det.runs < 6 * session.t_s[-1], "the window is not analysed at every packet"


def test_a_still_stretch_is_kept_so_a_late_window_has_the_standing_frame() -> None:
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "running", 3.0, 6), Bout("backward", "running", 2.5, 14)]
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=4)).session
    offline = retrogait.analyze(session).steps
    late = offline[offline["ic_time_s"] > 16.0]  # windows with backward running only
    with_ref, _ = _run(session)
    without, _ = _run(session, OnlineSettings(still_reference_s=1e9))  # never enough still: no reference

    def median_error(steps: list) -> float:
        ic = np.asarray([s.ic_time_s for s in steps])
        errs = []
        for row in late.itertuples():
            j = int(np.argmin(np.abs(ic - row.ic_time_s)))
            errs.append(abs(steps[j].impact_peak_g - row.impact_peak_g) / row.impact_peak_g)
        return float(np.median(errs))

    assert median_error(with_ref) < 0.01 < median_error(without)


def test_settings_are_checked_naming_the_key() -> None:
    with pytest.raises(SettingsError, match=r"\[online\] window_s"):
        OnlineSettings(window_s=0.0)
    with pytest.raises(SettingsError, match="min_interval_s"):
        OnlineSettings(hop_s=0.01, min_interval_s=0.02)


def test_the_stages_run_with_the_analysis_settings_given() -> None:
    bouts = [Bout("still", "still", 0, 3), Bout("forward", "running", 3.0, 8)]
    session = simulate(SimulationConfig("lower_back", bouts, sample_rate_hz=200.0, seed=6)).session
    default, _ = _run(session)
    preset = AnalysisSettings.for_placement("lower_back")
    m = session.meta
    for overrides, expect in (
        ({"timing": {"max_step_time_s": 0.3}}, "no step times"),  # every step is longer than 0.3 s
        ({"contacts": {"min_step_prominence_g": 2.0}}, "few contacts"),  # few step peaks are that prominent
    ):
        det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis,
                                 analysis=preset.with_overrides(overrides))  # fmt: skip
        det.feed(session.t_s, session.acc, session.gyr)
        steps = det.step(final=True)
        if expect == "few contacts":
            assert len(steps) < len(default) / 3
        else:
            assert len(steps) > 10 and np.isnan([s.step_time_s for s in steps]).all()
    assert len(default) > 10 and np.isfinite([s.step_time_s for s in default[1:]]).all()
