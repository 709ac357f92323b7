"""The fewest stamps on which a separate gyroscope's lost sample can be judged (EDGE-247): a lost sample shows only as
a step about twice the clock's own, and the stamps show the clock's own step only where two steps agree beside a
third. On three stamps no rule sees a loss, and the import says so instead of keeping silent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrogait.analysis.load import load_input
from retrogait.analysis.pipeline import analyze
from retrogait.bridge import MIN_LOSS_STAMPS, losing_steps
from retrogait.simulate import SimulationConfig, parse_bouts, simulate

TOO_FEW = "Gyroscope.csv holds 3 gyroscope samples: too few to judge whether it lost any"
HEAD = '"Time (s)","X ({0})","Y ({0})","Z ({0})"'


@pytest.mark.parametrize("jitter", [0.0, 0.1])
def test_a_loss_needs_two_steps_that_agree_beside_it(jitter: float) -> None:
    """On two steps (P and 2P, either order) neither rule sees the lost sample; with a third step the long one is seen
    wherever it lies, on a steady or a +-0.1-jittered 10 ms clock: ``MIN_LOSS_STAMPS`` is the rules' own limit."""
    rng = np.random.default_rng(3)
    assert MIN_LOSS_STAMPS == 4
    for n in (MIN_LOSS_STAMPS - 1, MIN_LOSS_STAMPS, MIN_LOSS_STAMPS + 1):
        for lost in range(1, n):  # slots 0..n, one inner slot lost: n stamps kept
            slots = np.delete(np.arange(n + 1), lost)
            t = 0.01 * (slots + rng.uniform(-jitter, jitter, slots.size))
            seen = losing_steps(t)
            expected = np.diff(slots) >= 2 if n >= MIN_LOSS_STAMPS else np.zeros(n - 1, dtype=bool)
            assert np.array_equal(seen, expected), (n, lost, t)


def _folder(path: Path, stamps_s: list[float], end_s: float) -> tuple[Path, str]:
    """A phyphox folder: a simulated shank run's acceleration at 100 Hz to ``end_s`` (s), its gyroscope file holding
    only the samples at ``stamps_s`` (s)."""
    sim = simulate(SimulationConfig("shank", parse_bouts("forward:running:3.0:16"), sample_rate_hz=100.0, seed=3))
    s = sim.session
    assert s.gyr is not None
    path.mkdir(parents=True)
    on = s.t_s <= end_s + 1e-9
    np.savetxt(path / "Accelerometer.csv", np.column_stack([s.t_s[on], s.acc[on]]), delimiter=",",
               header=HEAD.format("m/s^2"), comments="", fmt="%.9g")  # fmt: skip
    tg = np.asarray(stamps_s)
    gyr = np.column_stack([np.interp(tg, s.t_s, np.radians(s.gyr[:, k])) for k in range(3)])
    np.savetxt(path / "Gyroscope.csv", np.column_stack([tg, gyr]), delimiter=",", header=HEAD.format("rad/s"),
               comments="", fmt="%.9g")  # fmt: skip
    return path, str(s.meta.anterior_axis)


def test_a_gyroscope_of_three_stamps_is_told_its_losses_cannot_be_judged(tmp_path: Path) -> None:
    """A gyroscope file of three samples 4 s and 8 s apart (a 4 s clock that lost one, or a 6 s one jittered by a
    third of its period): the import interpolates across the 8 s and no rule can see a loss there; its note said
    nothing of it (441a915), now it says the losses cannot be judged, and the analysis repeats it."""
    path, axis = _folder(tmp_path / "three", [0.0, 4.0, 12.0], 12.0)
    session = load_input(path)
    notes = str(session.meta.extra.get("import_notes", ""))
    assert TOO_FEW in notes, notes
    assert "gyr_lost_span_s" not in session.extra
    result = analyze(path, placement="shank", side="left", anterior_axis=axis)
    told = " | ".join(str(n) for n in result.summary["notes"])
    assert TOO_FEW in told, told


def test_a_gyroscope_of_four_stamps_has_its_lost_sample_seen_and_no_such_note(tmp_path: Path) -> None:
    """The same clock over four samples (4, 4 and 8 s): the 8 s step is a lost sample, interpolated rows marked."""
    path, _ = _folder(tmp_path / "four", [0.0, 4.0, 8.0, 16.0], 16.0)
    session = load_input(path)
    notes = str(session.meta.extra.get("import_notes", ""))
    assert "too few to judge" not in notes and "interpolated across a lost sample of its own at" in notes, notes
    spans = np.asarray(session.extra["gyr_lost_span_s"], dtype=np.float64)
    assert np.isfinite(spans).any() and np.allclose(spans[np.isfinite(spans)], 8.0)


@pytest.mark.parametrize(
    ("stamps", "said"),
    [
        ([], "Gyroscope.csv holds no samples: left out"),
        (
            [4.0],
            "Gyroscope.csv has only 1 usable row: a gyroscope needs two to be put on the accelerometer's clock; left "
            "out",
        ),
    ],
)
def test_a_gyroscope_of_fewer_than_two_stamps_is_left_out_in_words_that_count_its_rows(
    tmp_path: Path, stamps: list[float], said: str
) -> None:
    """REVIEW-205: below EDGE-247's three stamps, a gyroscope file of one usable row is left out (two are needed to
    interpolate); edge54 said it "has no usable rows (none)". No traceback, the acceleration analysed."""
    path, axis = _folder(tmp_path / "few", stamps, 12.0)
    session = load_input(path)
    assert session.gyr is None
    notes = str(session.meta.extra.get("import_notes", ""))
    assert said in notes and "too few to judge" not in notes, notes
    told = analyze(path, placement="shank", side="left", anterior_axis=axis).summary["notes"]
    assert said in told, told
