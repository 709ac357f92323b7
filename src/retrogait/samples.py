"""Durations as whole numbers of samples: one rule for every window of the analysis (docs/conventions.md).

A window of ``duration_s`` at ``fs_hz`` holds ``duration_s * fs_hz`` samples, cut down to a whole number. A
rate measured from timestamps is a round rate give or take a clock's error: a table stamped to the microsecond
reads 299.99997 Hz for 300 Hz, a slope through jittered stamps 199.99998 Hz for 200 Hz. Cut down plainly, the
shank's 0.05 s impact rise at 199.99998 Hz is 9.999999 -> 9 samples where 200 Hz gives 10, and the same run's
contacts moved by up to 20 ms (CONTACT-12). A product within CLOCK_TOLERANCE (relative) under a whole number is
that whole number: a rate within a clock's error of a round one gets the round rate's windows, and an exact
round rate keeps its own (the same bits as a plain cut). The slack is at most MAX_SLACK_SAMPLES, so a long window
(30 s at 200.1 Hz) keeps its own count.
"""

from __future__ import annotations

import math

#: A clock's accuracy (relative): a sensor's crystal is within ~20-100 ppm of its nominal rate, so a window this
#: close under a whole number of samples is that number (CONTACT-12). A clock's error, not a tuned number.
CLOCK_TOLERANCE = 1e-4

#: The most a clock's error widens a count (samples): past 2,500 samples 100 ppm would be a quarter sample or more,
#: and a whole or half product of a rate that is no round one (30 s at 200.1 Hz: 6003.0) would be taken for the
#: next tie or whole number (REVIEW-134). Under a quarter, a whole number and a tie never claim the same product.
MAX_SLACK_SAMPLES = 0.25


def _slack(x: float) -> float:
    return min(abs(x) * CLOCK_TOLERANCE, MAX_SLACK_SAMPLES)


def whole_samples(duration_s: float, fs_hz: float) -> int:
    """Samples in ``duration_s`` (s) at ``fs_hz`` (Hz), cut down to a whole number, a product within
    CLOCK_TOLERANCE under a whole number counting as it (0.05 s at 199.99998 Hz: 10 samples, as at 200 Hz)."""
    x = duration_s * fs_hz
    return math.floor(x + _slack(x))


def whole_at_least(x: float) -> int:
    """The least whole number not under ``x`` (a count: samples, an interpolation factor), ``x`` within
    CLOCK_TOLERANCE (relative) over a whole number counting as it (200 Hz / 99.99999 Hz: 2, as 200 / 100)."""
    return math.ceil(x - _slack(x))


def nearest_samples(duration_s: float, fs_hz: float) -> int:
    """Samples in ``duration_s`` (s) at ``fs_hz`` (Hz), to the nearest whole number as ``round`` does (a tie to the
    even one), a product within CLOCK_TOLERANCE of a tie counting as the tie: 0.06 s at 124.9999875 Hz is 7.4999993
    samples, and 8, as at 125 Hz (7.5), where a plain ``round`` gives 7."""
    x = duration_s * fs_hz
    tie = math.floor(x) + 0.5
    return round(tie if abs(x - tie) <= _slack(x) else x)
