"""One robust sample rate everywhere (rate.py; issue 12 item 1)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import retrogait
from retrogait.rate import measured_rate_hz, meets_rate, recording_rate_hz
from retrogait.simulate import Bout, SimulationConfig, simulate


def test_a_200_hz_session_an_hour_in_is_not_low_rate() -> None:
    """Float timestamps 3590 s into a recording: 1 / median step = 199.99999999 Hz. It was flagged low_rate
    on every step, and compare then had no impact steps at all."""
    still = Bout("still", "still", 0.0, 1.0)
    sim = simulate(
        SimulationConfig("shank", [still, Bout("forward", "running", 3.0, 8.0), still], sample_rate_hz=200.0)
    )
    t = 3590.0 + np.arange(sim.session.n_samples) / 200.0
    assert 1.0 / np.median(np.diff(t)) < 200.0  # the reproduction holds
    result = retrogait.analyze(replace(sim.session, t_s=t))
    assert len(result.steps) > 10
    assert result.summary["sample_rate_hz"] == 200.0
    assert not result.steps["quality_flags"].astype(str).str.contains("low_rate").any()
    assert result.summary["all"]["flagged_steps"]["low_rate"] == 0


def test_measured_rate_is_samples_per_second_not_the_commonest_interval() -> None:
    """A phone delivers samples in bursts: intervals of 1.5-9 ms around 4.6 ms; 1 / median says 202 Hz."""
    rng = np.random.default_rng(0)
    steps = np.where(rng.random(20000) < 0.2, 0.0015, rng.normal(0.0053, 0.0008, 20000).clip(0.003, 0.009))
    t = np.concatenate([[0.0], np.cumsum(steps)])
    assert measured_rate_hz(t) == pytest.approx(20000 / t[-1])
    assert abs(1.0 / np.median(np.diff(t)) - measured_rate_hz(t)) > 10.0


def test_a_pause_in_the_recording_does_not_lower_the_rate() -> None:
    t = np.concatenate([np.arange(1000) / 100.0, 30.0 + np.arange(1000) / 100.0])
    assert measured_rate_hz(t) == pytest.approx(100.0)


def test_the_header_rate_is_used_within_the_tolerance() -> None:
    t = np.arange(5000) * 0.0050005  # 0.01 % slow clock
    assert recording_rate_hz(t, 200.0) == 200.0
    assert recording_rate_hz(t, 250.0) == pytest.approx(1 / 0.0050005)  # a wrong header is not believed
    assert recording_rate_hz(t, None) == pytest.approx(1 / 0.0050005)


def test_requirements_are_met_within_the_tolerance() -> None:
    assert meets_rate(199.9999999999, 200.0)
    assert meets_rate(198.5, 200.0)
    assert not meets_rate(190.0, 200.0)
    assert not meets_rate(19.0, 20.0)


def test_a_bursty_clock_is_not_a_gap_but_a_dropout_is() -> None:
    """Phones deliver samples in bursts: long intervals that lose no sample are not `gap`; a real hole is."""
    still = Bout("still", "still", 0.0, 1.0)
    sim = simulate(SimulationConfig("lower_back", [still, Bout("forward", "running", 3.0, 8.0), still]))
    n = sim.session.n_samples
    period = 1.0 / sim.session.meta.sample_rate_hz
    jitter = np.random.default_rng(1).uniform(-0.4, 0.4, n) * period  # intervals of 0.2-1.8 periods
    bursty = replace(sim.session, t_s=sim.session.t_s + jitter)
    flags = retrogait.analyze(bursty).steps["quality_flags"].astype(str)
    assert len(flags) > 10 and not flags.str.contains("gap").any()
    keep = np.ones(n, dtype=bool)
    keep[n // 2 : n // 2 + 20] = False  # 20 samples lost mid-run
    holed = replace(sim.session, t_s=sim.session.t_s[keep], acc=sim.session.acc[keep], gyr=sim.session.gyr[keep])
    assert retrogait.analyze(holed).steps["quality_flags"].astype(str).str.contains("gap").sum() >= 1


def test_lost_single_samples_do_not_slow_a_steady_clock() -> None:
    """A steady 200 Hz clock that lost 2 % of its samples one at a time (a BLE packet of one sample, a row
    a reader dropped as out of order): each such interval holds two periods. Counted as one regular interval
    it read 196 Hz, and the analysis resampled the whole recording off its samples (HONEST-2)."""
    n = 10000
    lost = np.random.default_rng(3).choice(np.arange(1, n - 1), n // 50, replace=False)
    t = np.delete(np.arange(n) / 200.0, lost)
    assert measured_rate_hz(t) == pytest.approx(200.0)
    assert recording_rate_hz(t, None) == pytest.approx(200.0)
