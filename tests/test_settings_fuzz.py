"""Settings at their bounds and in odd combinations: refused in one line or analysed, never a crash
(scripts/fuzz_settings.py; EDGE-70, EDGE-71)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

import retrogait
from retrogait.analysis.settings import AnalysisSettings, SettingsError, stage_of
from retrogait.analysis.settings_toml import parse_settings_toml, read_settings_file
from retrogait.analysis.travel import smooth_states
from retrogait.simulate.nongait import pocket_walk
from script_module import load_script

F = load_script("fuzz_settings")


def test_fuzz_slice_has_no_uncaught_case() -> None:
    """A short, fixed slice of the fuzz: simulated recordings of every placement, low and high rates."""
    # 60 cases: the draws follow the list of fields; with DIRECTION-49's field 45 of them held 17 accepted (22 before)
    counts, uncaught = F.run(cases=60, seed=11, with_samples=False)
    assert not uncaught, uncaught[:3]
    assert counts["accepted"] > 20 and counts["refused"] > 3


def test_a_periodicity_window_shorter_than_a_stride_is_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        AnalysisSettings().with_overrides({"phone_steps": {"short_window_s": 1.0}})
    message = str(caught.value)
    assert "\n" not in message
    assert "short_window_s = 1.0" in message and "max_step_s = 2" in message
    with pytest.raises(SettingsError, match=r"fuzz.toml: \[phone_steps\] short_window_s = 4.0 must be at least"):
        parse_settings_toml("[phone_steps]\nmax_step_s = 3.0\n", "fuzz.toml").for_placement("thigh")


@pytest.mark.parametrize("fs_hz", [25.0, 100.0])
def test_phone_steps_with_the_shortest_window_allowed(fs_hz: float) -> None:
    """short_window_s = 2 x max_step_s: the window is a stride long to the second but a few samples
    short of the lag search's margin; it is analysed (it crashed with an IndexError)."""
    walk = pocket_walk(duration_s=16.0, fs_hz=fs_hz)
    settings = AnalysisSettings.for_placement("thigh", {"phone_steps": {"short_window_s": 2.0, "max_step_s": 1.0}})
    steps = retrogait.analyze(walk.session, settings=settings).steps
    assert abs(len(steps) - walk.step_times_s.size) <= 3


@pytest.mark.parametrize(
    ("rows", "switch"),
    [
        ([[0.0, -200.0, -200.0]] * 6 + [[-200.0, 0.0, -200.0]] * 6, 0.0),
        ([[0.0, -10.0, -10.0], [-800.0, -900.0, -900.0], [-10.0, 0.0, -10.0]], 0.01),
    ],
)
def test_direction_chain_does_not_underflow(rows: list[list[float]], switch: float) -> None:
    """switch_probability = 0 (its lower bound) and strong evidence, or a step with evidence against every
    state: a probability underflowed to 0 and ``log(0)`` raised (math domain error)."""
    evidence = np.array(rows)
    prob = smooth_states(evidence, np.full(evidence.shape[0] - 1, switch))
    assert np.isfinite(prob).all()
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)


@pytest.mark.parametrize("key", ["pitch_floor_deg", "swing_floor_dps"])
def test_a_zero_floor_of_a_log_ratio_is_refused(key: str) -> None:
    """ln((a + floor) / (b + floor)) is undefined for a = b = 0: the floor's bound is above 0."""
    with pytest.raises(SettingsError, match=rf"\[direction\] {key} = 0.0 .* is outside its physical bounds"):
        parse_settings_toml(f"[direction]\n{key} = 0.0\n")


def test_the_smallest_floors_analyse_a_foot_and_a_shank() -> None:
    overrides = {"direction": {"pitch_floor_deg": 0.01, "swing_floor_dps": 0.1}}
    for placement in ("foot", "shank"):
        session = F.simulated(placement, 400.0, F.RUN).make()
        result = retrogait.analyze(session, settings=AnalysisSettings.for_placement(placement, overrides))
        assert len(result.steps) > 10
        assert F.leaks(result) is None


def test_a_recording_shorter_than_min_duration_names_the_setting() -> None:
    walk = pocket_walk(duration_s=16.0, fs_hz=25.0)
    settings = AnalysisSettings.for_placement("thigh", {"preprocess": {"min_duration_s": 600.0}})
    with pytest.raises(
        retrogait.RetrogaitError, match=r"at least 600 s needed \(setting \[preprocess\] min_duration_s\)"
    ):
        retrogait.analyze(walk.session, settings=settings)


def _below_pairs() -> list[tuple[str, str, str]]:
    defaults = AnalysisSettings()
    return [(f.name, a, b) for f in fields(defaults) for a, b in stage_of(defaults, f.name).BELOW]


def test_band_edges_and_ramp_ends_are_strictly_ordered() -> None:
    assert ("contacts", "step_band_low_hz", "step_band_high_hz") in _below_pairs()
    assert ("direction", "turn_straight_deg", "turn_round_deg") in _below_pairs()


@pytest.mark.parametrize(("table", "low", "high"), _below_pairs())
def test_a_band_of_no_width_is_refused(table: str, low: str, high: str) -> None:
    """Equal edges passed the order check and crashed the filter design (ValueError) or divided by zero."""
    known = {f.name: f for f in fields(stage_of(AnalysisSettings(), table))}  # type: ignore[arg-type]
    value = float(max(known[low].metadata["min"], known[high].metadata["min"]))  # within both bounds
    with pytest.raises(SettingsError) as caught:
        parse_settings_toml(f"[{table}]\n{low} = {value!r}\n{high} = {value!r}\n", "s.toml").for_placement("shank")
    assert str(caught.value) == f"s.toml: [{table}] {low} = {value!r} must be below {high} = {value!r}"


def test_a_shock_band_above_the_rate_gives_no_ratio() -> None:
    """shock_band_low_hz (or transient_band_low_hz, IMPACT-14) at or above 0.4 fs: no shock ratio (as below
    min_rate_hz), not a filter error."""
    session = F.simulated("lower_back", 400.0, F.RUN).make()
    for band in ("shock_band", "transient_band"):
        overrides = {"trunk_strike": {f"{band}_low_hz": 200.0, f"{band}_high_hz": 1000.0}}
        result = retrogait.analyze(session, settings=AnalysisSettings.for_placement("lower_back", overrides))
        assert len(result.steps) > 10 and F.leaks(result) is None


def test_a_settings_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Notepad writes UTF-8 with a byte-order mark: it was "not valid TOML: Invalid statement (line 1)"."""
    path = tmp_path / "lab.toml"
    path.write_bytes(b"\xef\xbb\xbf[contacts]\r\nflight_level_g = 0.3\r\n")
    assert read_settings_file(path).for_placement("lower_back").contacts.flight_level_g == 0.3
    path.write_bytes("[contacts]\nflight_level_g = 0.3\n".encode("utf-16"))
    with pytest.raises(retrogait.RetrogaitError, match=r"lab\.toml: the settings file is not UTF-8 text \(save"):
        read_settings_file(path)
