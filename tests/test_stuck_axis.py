"""An accelerometer axis stuck at one value while the others move (stuck.py, IMPORT-26)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.stuck import STUCK_MIN_S, stuck_rows
from script_module import load_script

RATE_HZ = 100.0


def _moving(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    acc = rng.normal(0.0, 3.0, (n, 3))
    acc[:, 2] += G
    return acc


@pytest.mark.parametrize("start", [0, 1, 37, 950])
def test_an_axis_held_while_the_others_move_is_stuck_from_its_first_to_its_last_row(start: int) -> None:
    acc = _moving(1000)
    length = min(120, 1000 - start)
    acc[start : start + length, 1] = 0.0
    stuck = stuck_rows(acc, RATE_HZ)
    assert np.flatnonzero(stuck).tolist() == list(range(start, start + length))


@pytest.mark.parametrize("length", [3, 4, 5, 7, 10, 11])
def test_the_shortest_stuck_run_is_found_wherever_it_lies(length: int) -> None:
    rate = length / STUCK_MIN_S  # a run of exactly STUCK_MIN_S
    for start in range(12):
        acc = _moving(60, start)
        acc[start : start + length, 0] = 5.0
        assert np.flatnonzero(stuck_rows(acc, rate)).tolist() == list(range(start, start + length))
        acc[start + length - 1, 0] = 5.5  # one row shorter: not stuck
        assert not stuck_rows(acc, rate).any()


def test_clipping_plateaus_rest_and_nan_runs_are_not_stuck() -> None:
    acc = _moving(1000)
    acc[100:130, 2] = 8 * G  # an impact clipped for 0.3 s (< STUCK_MIN_S)
    acc[300:400] = [0.1, 0.2, G]  # at rest, every axis on one level: nothing moves
    acc[500:700, 0] = np.nan  # no value is no stuck value
    assert not stuck_rows(acc, RATE_HZ).any()


def test_any_unit_the_same_rows() -> None:
    acc = _moving(1000)
    acc[200:300, 2] = acc[200, 0]
    expected = stuck_rows(acc, RATE_HZ)
    assert expected.sum() == 100
    for factor in (1 / G, 1000 / G):
        np.testing.assert_array_equal(stuck_rows(acc * factor, RATE_HZ), expected)


@pytest.mark.parametrize("version", [1, 2])
def test_a_walk_with_its_vertical_axis_stuck_is_read_and_analysed_without_the_stuck_stretch(
    tmp_path: Path, version: int
) -> None:
    """A lower-back export whose vertical axis reads ~0 for a quarter of the walk: the importer's quietest
    windows were that stretch (|mean acc| 3.6 m/s^2, "neither 1 g nor free of gravity"), and the whole file
    was refused (fuzz_sessions seed 9, case 184). Now the stretch is left out as a gap, said, and the rest
    analysed as the clean walk is."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    config = SimulationConfig(
        placement="lower_back",
        bouts=parse_bouts("forward:walking:1.3:40"),
        sample_rate_hz=100.0,
        seed=3,
        version=version,
    )
    session = simulate(config).session
    t, acc = session.t_s, session.acc.copy()
    stuck = (t >= 10.0) & (t < 22.0)
    vertical = int(np.argmax(np.abs(acc.mean(axis=0))))
    acc[stuck, vertical] = 0.01
    path = tmp_path / "walk.csv"
    lines = ["time_s,acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)"]
    lines += [f"{1.7e9 + s:.4f},{x:.5f},{y:.5f},{z:.5f}" for s, (x, y, z) in zip(t, acc, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clean_path = tmp_path / "clean.csv"
    lines = ["time_s,acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)"]
    lines += [f"{1.7e9 + s:.4f},{x:.5f},{y:.5f},{z:.5f}" for s, (x, y, z) in zip(t, session.acc, strict=True)]
    clean_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = analyze(path, placement="lower_back")
    clean = analyze(clean_path, placement="lower_back")
    assert any("stuck axis" in note for note in result.summary["notes"])
    contacts = result.steps["ic_time_s"].to_numpy()
    clean_contacts = clean.steps["ic_time_s"].to_numpy()
    assert clean_contacts.size > 50
    assert not ((contacts > 10.0) & (contacts < 22.0)).any()  # nothing found where nothing was measured
    away = (clean_contacts < 9.0) | (clean_contacts > 23.0)
    found = np.min(np.abs(clean_contacts[away][:, None] - contacts[None, :]), axis=1)
    assert (found < 0.02).mean() >= 0.95


@pytest.mark.shared_data
def test_no_real_export_has_a_stuck_axis(shared_data: Path) -> None:
    """Every accelerometer export in ../shared/data/formats (nine apps and loggers) has no stuck row, as
    read and rounded to 12 bits over +-8 g (not coarse): a real moving body never holds one axis still."""
    from retrogait.errors import RetrogaitError
    from retrogait.imports import load_recording

    read = 0
    for path in sorted((shared_data / "formats").rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".csv", ".txt", ".json", ".bin", ".zip"):
            continue
        try:
            session = load_recording(path).session
        except RetrogaitError:
            continue  # not a recording (metadata, a gyroscope-only table): refused as such elsewhere
        read += 1
        rate = session.meta.sample_rate_hz
        assert not stuck_rows(session.acc, rate).any(), path.name
        step = 16 / 2**12 * G
        assert not stuck_rows(np.round(session.acc / step) * step, rate).any(), path.name
    assert read >= 15


def test_an_axis_the_sensor_does_not_have_is_not_stuck() -> None:
    """The sacral running set has two axes; its third column is written as 0 (tests and validate scripts
    do): an absent axis, not a failed read (the analysis refused it: "too few plausible samples (0)")."""
    acc = _moving(1000)
    acc[:, 1] = 0.0
    assert not stuck_rows(acc, RATE_HZ).any()


def test_an_axis_that_measured_then_held_one_value_over_most_rows_is_stuck_not_absent() -> None:
    """An axis that measured for 40 % of the rows and then held one value for 60 % while the others moved has
    failed, not an axis the sensor lacks (EDGE-194): it was left as it is, and a phone's steps with it read 31 %
    fewer with nothing said (audit_messy_inputs.py, phone_pocket stuck_axis: 266 -> 183 contacts)."""
    acc = _moving(1000)
    acc[400:, 1] = 0.0
    acc[:400, 1] = np.random.default_rng(2).normal(0.0, 3.0, 400)  # measured for 40 %, then stuck for 60 %
    assert np.flatnonzero(stuck_rows(acc, RATE_HZ)).tolist() == list(range(400, 1000))


@pytest.mark.shared_data
def test_no_real_recording_beyond_the_exports_has_a_stuck_axis(shared_data: Path) -> None:
    """EDGE-194 takes an axis that held one value over most rows as stuck (not absent) once it measured elsewhere,
    and a stuck axis' rows are left out: on an undamaged recording that would lose measured rows. Beside the exports
    (above): the 21 phone traces, lowerback_walking, foot_walking and the sacral set whose y column is written
    as 0 (absent) have no row taken as stuck, as read and rounded to 12 bits over +-8 g (REVIEW-36)."""
    from retrogait.imports import load_recording

    recordings = load_script("shared_recordings")
    sessions = {path.name: load_recording(path).session for path in (shared_data / "phone_positions").glob("*.gz")}
    for csv in sorted((shared_data / "lowerback_walking" / "HA_001").glob("*.csv")):
        sessions[csv.name] = recordings.lowerback_walking_session(csv)
    for side, session in recordings.foot_walking_sessions(shared_data / "foot_walking").items():
        sessions[f"foot_walking {side}"] = session
    in_g = {name: np.median(np.linalg.norm(s.acc, axis=1)) < 3.0 for name, s in sessions.items()}  # lowerback: g
    found = {name: (s.acc * (G if in_g[name] else 1.0), s.meta.sample_rate_hz) for name, s in sessions.items()}
    sacral = np.loadtxt(shared_data / "running_sacral_grf" / "Accelerometer_dev.csv", delimiter=",")
    n = sacral.shape[1] // 2
    for k, trial in enumerate(sacral):
        found[f"sacral {k}"] = (np.column_stack([trial[n:], np.zeros(n), trial[:n]]) * G, 500.0)
    assert len(found) == 21 + 3 + 2 + 11
    step = 16 / 2**12 * G
    for name, (acc, rate) in found.items():
        assert not stuck_rows(acc, rate).any(), name
        assert not stuck_rows(np.round(acc / step) * step, rate).any(), name


@pytest.mark.parametrize("measured_share", [0.1, 0.9])
def test_a_shank_whose_x_axis_froze_at_a_swing_value_is_analysed_on_its_measured_rows(measured_share: float) -> None:
    """EDGE-201: a shank's x axis frozen from ``measured_share`` of the recording on, at the value it read then (a
    swing value, 4 g) was refused when the frozen rows were most of them: "median |acc| is 42, which is not gravity
    ... the acceleration units or axes are unknown" (the unit check read the frozen rows). EDGE-194 promises the
    stuck rows left out as gaps with its note and the measured ones analysed: the units are read from those."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    bouts = parse_bouts("still:still:0:2,forward:running:3.0:60")
    session = simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=3)).session
    acc = session.acc.copy()
    start = int(measured_share * len(acc))
    acc[start:, 0] = 4.0 * G  # the axis holds a swing value from there on
    result = analyze(replace(session, acc=acc))
    notes = list(result.summary["notes"])
    stuck_s = (len(acc) - start) / 200.0
    assert any("a stuck axis, not a measurement" in n and f"{stuck_s:.1f} s" in n for n in notes), notes
    assert len(result.steps) > 0 and result.steps["ic_time_s"].max() < start / 200.0 + 1.0


def test_a_frozen_axis_whose_measured_rows_name_no_unit_is_refused_naming_it() -> None:
    """EDGE-201: where the rows left after a stuck axis still give no unit, the refusal names the axis and when it
    froze, not only "units or axes unknown"."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.errors import RetrogaitError
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    session = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:30"), 200.0, seed=3)).session
    acc = session.acc * 8.0  # no unit: 8 times m/s^2
    acc[600:, 0] = acc[600, 0]
    with pytest.raises(RetrogaitError) as info:
        analyze(replace(session, acc=acc))
    assert "acc_x held one value from 3.0 s on" in str(info.value), str(info.value)


def test_a_refusal_for_a_frozen_axis_counts_every_stuck_run() -> None:
    """EDGE-215 (EDGE-201): the refusal names the longest frozen run and says how many stuck runs there are and
    their total (samples and s); it named only the longest."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.errors import RetrogaitError
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    session = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:30"), 200.0, seed=3)).session
    acc = session.acc * 8.0  # no unit: 8 times m/s^2
    acc[600:1600, 0] = acc[600, 0]
    acc[2000:, 1] = acc[2000, 1]
    with pytest.raises(RetrogaitError) as info:
        analyze(replace(session, acc=acc))
    message = str(info.value)
    assert "acc_y held one value from 10.0 s on" in message, message
    assert "a stuck axis (the longest of 2 stuck runs: 5000 samples, 25.0 s in all)" in message, message


def test_a_unit_is_not_read_from_a_few_measured_rows_of_a_mostly_frozen_file() -> None:
    """REVIEW-77: the unit EDGE-201 reads from the rows a stuck axis leaves measured rests on gravity dominating
    them (the quietest 1 s windows hold 1 g in that unit). A recording in g whose x axis froze at 4 g everywhere but
    12 rows (60 ms) around an impact, their median |acc| above 4.9 g, was refused on 2e4bf3c (median |acc| 4.1: no
    unit) but read as m/s^2 on edge43 from those 12 rows: a wrong unit, without a word. It is refused again, naming
    the axis."""
    from retrogait.analysis.pipeline import analyze
    from retrogait.errors import RetrogaitError
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    session = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:30"), 200.0, seed=3)).session
    acc = session.acc / G  # in g
    norm = np.linalg.norm(acc, axis=1)
    medians = np.median(np.lib.stride_tricks.sliding_window_view(norm, 12), axis=1)
    lo = int(np.argmax(medians))
    hi = lo + 12
    assert np.median(norm[lo:hi]) > 4.9  # the measured rows' median reads as m/s^2
    acc[:lo, 0] = 4.0
    acc[hi:, 0] = 4.0
    with pytest.raises(RetrogaitError) as info:
        analyze(replace(session, acc=acc))
    assert "acc_x held one value" in str(info.value), str(info.value)
