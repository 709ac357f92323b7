"""Phone placements: both legs' steps from |a| (phone_steps.py), and the phone traces' step-count goal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait
from retrogait.analysis.settings import PRESETS, AnalysisSettings
from retrogait.conventions import PLACEMENTS, STEP_COUNT_PLACEMENTS
from retrogait.simulate.nongait import pocket_walk
from script_module import load_script

V = load_script("validate_phone")


def test_phone_placements_exist_with_presets() -> None:
    for placement in ("thigh", "arm", "hand", "chest", "bag", "other"):
        assert placement in PLACEMENTS and placement in STEP_COUNT_PLACEMENTS
        assert AnalysisSettings.for_placement(placement) is PRESETS[placement]


@pytest.mark.parametrize("weak_leg", [0.5, 0.2, 0.05, 0.0])
@pytest.mark.parametrize("turn_at_s", [None, 30.0])
def test_pocket_counts_both_legs_whatever_the_phone_does(weak_leg: float, turn_at_s: float | None) -> None:
    """One leg lands hard, the other softly or invisibly; the phone swings with the thigh and turns over."""
    walk = pocket_walk(weak_leg=weak_leg, turn_at_s=turn_at_s)
    steps = retrogait.analyze(walk.session).steps
    assert abs(len(steps) - walk.step_times_s.size) <= 2
    # each true step has a detection close to it (within a quarter step), so both legs are found
    found = steps["ic_time_s"].to_numpy()
    inner = walk.step_times_s[2:-2]
    assert np.all(np.min(np.abs(found[None, :] - inner[:, None]), axis=1) < 0.15)
    assert set(steps["direction"]) == {"unknown"} and set(steps["foot_strike"]) == {"unknown"}


def test_pocket_cadence_per_bout() -> None:
    walk = pocket_walk(step_s=0.55)
    result = retrogait.analyze(walk.session)
    gait = result.bouts[result.bouts["activity"] != "still"]
    assert len(gait) == 1
    assert gait["cadence_spm"].iloc[0] == pytest.approx(60.0 / 0.55, rel=0.02)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "position",
    [
        "armband",
        "backpocket",
        "frontpocket",
        "inhand",
        "neckpouch",
        "purse",
        pytest.param(
            "swingingarm",
            marks=pytest.mark.xfail(
                reason="its one trace's true count (284) exceeds the 269 step cycles the 144 s recording holds "
                "(dominant step frequency x duration; docs/validation.md, Phones): the count includes steps "
                "outside the recording",
                strict=True,
            ),
        ),
    ],
)
def test_phone_traces_every_position_within_5_percent(shared_data: Path, position: str) -> None:
    errors = _trace_errors(shared_data)
    assert errors.loc[errors["position"] == position, "error_pct"].abs().mean() <= 5.0


@pytest.mark.shared_data
def test_phone_traces_mean_error_within_2_percent(shared_data: Path) -> None:
    assert _trace_errors(shared_data)["error_pct"].abs().mean() <= 2.0


_ERRORS: dict[Path, pd.DataFrame] = {}


def _trace_errors(root: Path) -> pd.DataFrame:
    """Per trace: position and signed step-count error (%), counted once per test session."""
    if root not in _ERRORS:
        rows = []
        for row, session in V.load_traces(root):
            n = len(retrogait.analyze(session).steps)
            rows.append({"position": row.position, "error_pct": 100.0 * (n - row.true_steps) / row.true_steps})
        _ERRORS[root] = pd.DataFrame(rows)
    return _ERRORS[root]
