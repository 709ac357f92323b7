"""What a new user following the docs ran into (EDGE-107..): small fixes with a test each."""

from __future__ import annotations

import numpy as np

from retrogait.session import Session
from retrogait.summary import gyro_text, percent


def test_a_gyroscope_missing_at_a_few_samples_is_not_said_to_cover_100_percent(small_session: Session) -> None:
    """`convert` of the Polar Sensor Logger export said "gyroscope 100 %" and `info` "gyro 100 %" with 69 of 26,526
    samples (0.26 %) without a gyroscope value (EDGE-107)."""
    assert small_session.gyr is not None
    gyr = small_session.gyr.copy()
    gyr[:3] = np.nan  # 3 of 1000 samples
    session = Session(t_s=small_session.t_s, acc=small_session.acc, gyr=gyr, meta=small_session.meta)
    assert gyro_text(session) == "99.7 %"
    assert percent(0.99999) == "99.9 %" and percent(1.0) == "100 %" and percent(0.67) == "67 %"
    assert percent(0.0003) == "0.03 %" and percent(0.0) == "0 %"
