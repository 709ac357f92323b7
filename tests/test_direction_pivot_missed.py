"""DIRECTION-44/45 (issue 17, DIRECTION-43): a foot contact missed in a stepping turn's pivot. The contact after
the gap is no first contact after a pause: it keeps the stride landing on it, not the next contact's (DIRECTION-44);
and a stride turning more than half a turn keeps its turn, not the angle 360 deg the other way (DIRECTION-45)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.conventions import STANDARD_GRAVITY_MS2


def _turning_stride(fs: float, turn_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Body-frame specific force (m/s^2) and rate (deg/s) of a level sensor that rests, yaws by ``turn_deg`` while
    it moves 0.6 m along a half circle and pitches 40 deg and back, and rests again; its two rest samples."""
    dt = 1.0 / fs
    t = np.arange(-0.3, 1.2 + 0.3, dt)
    u = np.clip(t / 1.2, 0.0, 1.0)
    s = u**3 * (10 - 15 * u + 6 * u * u)  # minimum jerk
    bump = np.sin(np.pi * u) ** 2
    rot = Rotation.from_euler("ZY", np.column_stack([turn_deg * s, 40.0 * np.sin(2 * np.pi * u) * bump]), degrees=True)
    arc = np.radians(np.sign(turn_deg) * 180.0) * s  # along a half circle to the turn's side
    pos = np.column_stack([0.3 * np.sin(np.abs(arc)), 0.3 * np.sign(turn_deg) * (1 - np.cos(arc)), 0.1 * bump])
    acc = np.gradient(np.gradient(pos, dt, axis=0), dt, axis=0)
    acc[:, 2] += STANDARD_GRAVITY_MS2
    rel = (rot[:-1].inv() * rot[1:]).as_rotvec() / dt
    gyr = np.degrees(np.vstack([rel, rel[-1:]]))
    return rot.inv().apply(acc), gyr, np.array([np.searchsorted(t, -0.15), np.searchsorted(t, 1.35)])


@pytest.mark.parametrize("fs", [200.0, 800.0])
@pytest.mark.parametrize("turn_deg", [-190.0, 190.0, -170.0, 120.0, 250.0])
def test_a_stride_keeps_a_turn_beyond_half_a_turn(fs: float, turn_deg: float) -> None:
    """A stride turning 190 deg to the right turned 190 deg to the right, not 170 deg to the left: its heading change
    is followed through the stride (read from its end heading alone it was wrapped into +-180 deg, and the frame
    halfway between its two headings, in which its vector is read, lay 180 deg off). Fails before for +-190 and 250."""
    acc, gyr, rests = _turning_stride(fs, turn_deg)
    sv = stride_vectors(acc, gyr, fs, rests)
    assert sv.heading_change_deg[0] == pytest.approx(turn_deg, abs=3.0)
