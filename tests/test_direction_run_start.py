"""DIRECTION-26: the first step of a run out of walking has no flight-timed toe-off (the trunk's toe-off is a
flight edge found with a flight on both sides of the step), but its own step ends in a flight: its early-stance
braking is read."""

from __future__ import annotations

import numpy as np

import retrogait
from direction_sessions import confident_wrong, person_1_nostand
from retrogait.analysis.direction import direction_cues
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.signals import Contacts


def test_the_first_running_step_out_of_a_backward_walk_reads_forward() -> None:
    """End to end the detector gives the run's first contact (79.87 s) no toe-off, so it was neither a walking
    contact (its neighbour runs) nor a running one: no evidence, `unknown` at 0.68 between the backward walk
    and the forward run. It brakes like the run after it."""
    result = person_1_nostand()
    steps = retrogait.analyze(result.session).steps
    t = steps["ic_time_s"].to_numpy(dtype=float)
    first = float(result.truth.loc[result.truth["ic_time_s"] > 79.0, "ic_time_s"].min())
    k = int(np.argmin(np.abs(t - first)))
    assert abs(t[k] - first) <= 0.05
    assert steps["direction"].iloc[k] == "forward"
    assert steps["direction_confidence"].iloc[k] >= 0.9
    assert confident_wrong(result).empty


def test_the_last_walking_contact_before_a_run_reads_no_early_stance_braking() -> None:
    """With the simulator's contacts the last backward walking contact has no toe-off and the first running one
    has: but no flight lies between them, so the walking contact is no run start (its stance does not brake
    like running)."""
    result = person_1_nostand()
    truth = result.truth
    signals = preprocess(result.session)
    ic = np.round((truth["ic_time_s"].to_numpy() - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    to_s = truth["to_time_s"].to_numpy()
    running = truth["activity"].to_numpy() == "running"
    to = np.where(running & np.isfinite(to_s), np.round((np.nan_to_num(to_s) - signals.t_s[0]) * signals.fs_hz), -1)
    cues = direction_cues(signals, Contacts(ic, to.astype(np.int64), truth["side"].to_numpy().astype(str)))
    last_walk = int(np.flatnonzero((truth["ic_time_s"].to_numpy() < 79.5) & ~running)[-1])
    assert not running[last_walk] and running[last_walk + 1]
    assert np.isnan(cues["early_stance_ax_ms2"].iloc[last_walk])
    assert cues["early_stance_ax_ms2"].iloc[last_walk + 1] < 0  # the run's first step brakes (forward)


def test_a_pause_before_the_first_running_contact_is_not_a_run_start() -> None:
    """The flight is looked for within one stride (`max_stride_s`): after a longer interval (a pause; a sensor set
    down reads ~0 g along z) the next contact starts no run; the window's matrix stays one stride wide whatever the
    pause (review of DIRECTION-26: it was as wide as the longest interval)."""
    from types import SimpleNamespace

    from retrogait.analysis.direction import _run_starts
    from retrogait.analysis.settings import DirectionSettings

    fs, n = 100.0, 4000
    acc = np.zeros((n, 3))
    acc[:, 2] = 9.81
    ic = np.array([100, 160, 220, 280, 3000, 3040])  # walking ... the last walk | pause | running, running
    has_to = np.array([False, False, False, False, True, True])
    acc[400:2900, 2] = 0.0  # set down on its side during the pause
    signals = SimpleNamespace(fs_hz=fs, n_samples=n, gap=np.zeros(n, dtype=bool), acc_ms2=acc)
    starts = _run_starts(signals, ic, has_to, DirectionSettings())  # type: ignore[arg-type]
    assert not starts.any()
    ic[3] = 2960  # the last walking contact just before the run, a flight within its step: a run start
    acc[2980, 2] = 0.0
    starts = _run_starts(signals, ic, has_to, DirectionSettings())  # type: ignore[arg-type]
    assert starts.tolist() == [False, False, False, True, False, False]
