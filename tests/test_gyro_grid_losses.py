"""A jittered separate gyroscope's lost samples are seen on its own grid (REVIEW-181, EDGE-243)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.bridge import grid_slots, losing_steps, ordinary_step_s
from retrogait.cli.info import _separate_gyro_lines
from retrogait.simulate import SimulationConfig, parse_bouts, simulate


def _stamps(jitter: float, every: int, n: int = 3000, seed: int = 5) -> tuple[np.ndarray, int]:
    """A 100 Hz clock's stamps (s) jittered uniformly by +-``jitter`` of its period, one lost every ``every`` (not the
    first); how many were lost."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * 0.01 + 0.0013 + rng.uniform(-jitter, jitter, n) * 0.01
    keep = (np.arange(n) % every) != every // 2
    return t[keep], int((~keep).sum())


@pytest.mark.parametrize("every", [10, 16, 20, 37])
@pytest.mark.parametrize("jitter", [0.0, 0.1, 0.2])
def test_every_lost_sample_of_a_jittered_clock_is_seen(jitter: float, every: int) -> None:
    """+-0.2 of a period and a loss every 10-20 steps: the grid's gap rule (its 95th percentile a loss step itself)
    saw none (REVIEW-181); the clock's own grid sees each, and no regular step."""
    t, lost = _stamps(jitter, every)
    assert int(losing_steps(t).sum()) == lost


def test_a_clock_jittered_beyond_the_grid_reads_as_the_gap_rule() -> None:
    """+-0.3 of a period: stamps beyond 0.4 of one from a fitted slot, no grid; the gap rule as before."""
    t, _ = _stamps(0.3, 10)
    steps = np.diff(t)
    assert grid_slots(t) is None
    assert np.array_equal(losing_steps(t), steps > ordinary_step_s(t) * (1.0 + 1e-6))


def test_a_bursty_clock_s_long_steps_read_as_before() -> None:
    """A phone clock delivering its samples in bursts (5 stamps 1 ms apart, then a 46 ms step; a long 150 ms step now
    and then): no grid, so its long steps read as the gap rule reads them (EDGE-83/234)."""
    rng = np.random.default_rng(3)
    steps = np.tile([0.001, 0.001, 0.001, 0.001, 0.046], 400) + rng.uniform(0.0, 0.0005, 2000)
    steps[::97] = 0.15
    t = np.concatenate([[0.0], np.cumsum(steps)])
    assert grid_slots(t) is None
    assert np.array_equal(losing_steps(t), np.diff(t) > ordinary_step_s(t) * (1.0 + 1e-6))
    assert int(losing_steps(t).sum()) == 21  # the 150 ms steps only


def test_a_jittered_gyroscope_s_lost_samples_are_counted_and_flagged_alike(tmp_path: Path) -> None:
    """A phyphox folder whose 100 Hz gyroscope (stamps +-0.2 of a period) loses one sample in 10: the import's note,
    the analysis' note and `info` count the same rows interpolated across a lost sample, and every step over them is
    flagged bridged (base: none counted, none flagged: REVIEW-181)."""
    sim = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:10,backward:running:2.5:10"),
                                    sample_rate_hz=1000.0, seed=4)).session  # fmt: skip
    assert sim.gyr is not None
    head = '"Time (s)","X ({0})","Y ({0})","Z ({0})"'
    ta = np.arange(0.0, sim.t_s[-1] - 0.05, 0.01)
    tg, _ = _stamps(0.2, 10, n=int(ta.size) - 1)
    acc = np.column_stack([np.interp(ta, sim.t_s, sim.acc[:, k]) for k in range(3)])
    gyr = np.column_stack([np.interp(tg, sim.t_s, np.radians(sim.gyr[:, k])) for k in range(3)])
    np.savetxt(tmp_path / "Accelerometer.csv", np.column_stack([ta, acc]), delimiter=",",
               header=head.format("m/s^2"), comments="", fmt="%.9g")  # fmt: skip
    np.savetxt(tmp_path / "Gyroscope.csv", np.column_stack([tg, gyr]), delimiter=",",
               header=head.format("rad/s"), comments="", fmt="%.9g")  # fmt: skip
    session = load_input(tmp_path)
    said = re.search(r"lost sample of its own at (\d+) accelerometer rows", str(session.meta.extra["import_notes"]))
    assert said is not None and int(said.group(1)) > 300, session.meta.extra["import_notes"]
    result = analyze(tmp_path, placement="shank", side="left", anterior_axis=str(sim.meta.anterior_axis))
    told = " | ".join(str(n) for n in result.summary["notes"])
    assert f"{said.group(1)} gyroscope values interpolated by the import across a lost sample" in told, told
    assert _separate_gyro_lines(session) == [
        f"interpolated by the import across a lost sample of its own at {said.group(1)} samples: analyze flags the "
        "steps touching them bridged"
    ]
    flags = result.steps["quality_flags"].astype(str).str.split(";")
    assert len(result.steps) > 20 and bool(flags.apply(lambda f: "bridged" in f).all())


@pytest.mark.parametrize("pair", [(0.005, 0.015), (0.0049, 0.0151), (0.0033, 0.0167)])
def test_a_clock_stamping_its_samples_in_pairs_loses_none(pair: tuple[float, float]) -> None:
    """REVIEW-185: a 100 Hz gyroscope whose samples come in pairs stamped 5 ms apart (5, 15, 5, 15 ms ...) loses
    nothing, but its stamps keep to a 5 ms grid (the median of the steps under 1.5 medians is the short one) on which
    every 15 ms step skips two slots: all 1000 of its long steps were read as losses (the gap rule: none), and an
    import flagged every row interpolated across a lost sample. A clock's own grid holds a stamp in more of its slots
    than it skips; this one in half of them."""
    rng = np.random.default_rng(4)
    t = np.concatenate([[0.0], np.cumsum(np.tile(pair, 1000))]) + rng.uniform(-0.0001, 0.0001, 2001)
    assert grid_slots(t) is None
    assert int(losing_steps(t).sum()) == 0


def test_a_gyroscope_in_pairs_imports_without_lost_samples(tmp_path: Path) -> None:
    """REVIEW-185 through the import: a phyphox folder whose 100 Hz gyroscope is stamped in pairs 5 ms apart gets no
    ``gyr_lost_span_s`` (its branch: 1984 rows "interpolated across a lost sample of its own")."""
    head = '"Time (s)","X ({0})","Y ({0})","Z ({0})"'
    ta = np.arange(0.0, 20.0, 0.01)
    tg = 0.0013 + np.concatenate([[0.0], np.cumsum(np.tile([0.005, 0.015], 990))])
    wave = np.column_stack([np.sin(ta * k) for k in (3.0, 5.0, 7.0)])
    np.savetxt(tmp_path / "Accelerometer.csv", np.column_stack([ta, wave + [0.0, 0.0, 9.81]]), delimiter=",",
               header=head.format("m/s^2"), comments="", fmt="%.9g")  # fmt: skip
    np.savetxt(tmp_path / "Gyroscope.csv", np.column_stack([tg, np.column_stack([np.cos(tg * k) for k in (3, 5, 7)])]),
               delimiter=",", header=head.format("rad/s"), comments="", fmt="%.9g")  # fmt: skip
    session = load_input(tmp_path)
    assert "lost sample of its own" not in str(session.meta.extra.get("import_notes", ""))
    assert "gyr_lost_span_s" not in session.extra


def _wandering(ppm: float, step_at: float | None, every: int | None, n: int = 60000) -> tuple[np.ndarray, int]:
    """A 100 Hz clock jittered +-0.2 of a period over ``n`` stamps (10 min) whose rate wanders +-``ppm`` once over the
    file (a crystal warming and cooling) or, with ``step_at`` (share of the file), steps by 0.1 % there; one stamp
    lost every ``every`` (None: none); how many were lost."""
    rng = np.random.default_rng(6)
    k = np.arange(n)
    rate = 1.0 + ppm * 1e-6 * np.sin(2.0 * np.pi * k / n)
    if step_at is not None:
        rate = np.where(k < step_at * n, 1.0, 1.001)
    t = np.cumsum(np.full(n, 0.01) / rate) + rng.uniform(-0.2, 0.2, n) * 0.01
    keep = np.ones(n, dtype=bool) if every is None else (k % every) != every // 2
    return t[keep], int((~keep).sum())


@pytest.mark.parametrize(("ppm", "step_at"), [(30.0, None), (100.0, None), (0.0, 0.5)])
def test_a_jittered_clock_whose_rate_wanders_is_read_on_its_own_grid(ppm: float, step_at: float | None) -> None:
    """REVIEW-186: one line t0 + k P over the whole file holds a jittered clock only while its rate holds to a few ppm
    (+-0.2 of a period over 10 min: 30 ppm of wander, or a 0.1 % step of rate, put stamps over 0.4 of a period from
    the line): such a clock's every loss was unseen again (0 of 6000), as before EDGE-243. Read on a grid of its own
    per stretch of stamps, each lost sample is seen, and none where none was lost."""
    t, lost = _wandering(ppm, step_at, 10)
    assert int(losing_steps(t).sum()) == lost
    t, _ = _wandering(ppm, step_at, None)
    assert int(losing_steps(t).sum()) == 0
