"""The axis a leg swings about, from the gyroscope alone (for the shank's toe-off in any direction).

A swinging leg is a pendulum: its stride's rotation is mostly about one axis, perpendicular to the
plane it swings in -- the sensor's medio-lateral axis when it swings forward or backward, its
anterior axis when it steps sideways (abduction, adduction). That axis is the principal axis of
the angular rate over the stride: the unit vector a that maximises sum((omega . a)^2), the
eigenvector of the largest eigenvalue of sum(omega omega^T). It is found per window from six
cumulative sums (no loop over samples) and needs no stride vector, no toe-off and no mounting.
Its sign is arbitrary; the rates about it are read sign-free (contacts._limb_toe_offs).
"""

from __future__ import annotations

import itertools

import numpy as np

from retrogait.analysis.filters import lowpass
from retrogait.analysis.stepwindows import FloatArray, IntArray, paired_window_sums

#: Low-pass (Hz) of the angular rate read for a toe-off (as the sagittal rate in contacts.py).
RATE_LOWPASS_HZ = 15.0


def swing_axes(gyr_dps: FloatArray, start: IntArray, stop: IntArray) -> FloatArray:
    """(m, 3) unit principal rotation axis (sensor frame) of the angular rate (deg/s, (n, 3)) over
    each window [start, stop) (sample indices); (0, 1, 0) for an empty or still window."""
    m = np.asarray(start).shape[0]
    moment = np.zeros((m, 3, 3))
    pairs = list(itertools.combinations_with_replacement(range(3), 2))
    sums = np.empty((gyr_dps.shape[0] + 1, 2))  # two products' running sums at a time, in one buffer (PERF-43)
    for (i, j), (p, q) in zip(pairs[0::2], pairs[1::2], strict=True):
        for column, (a, b) in enumerate(((i, j), (p, q))):
            if gyr_dps.dtype == np.float64:
                np.multiply(gyr_dps[:, a], gyr_dps[:, b], out=sums[1:, column])
            else:  # the product in the rate's own type, then float64, as window_sum took it
                sums[1:, column] = gyr_dps[:, a] * gyr_dps[:, b]
        first, second = paired_window_sums(sums, start, stop)
        moment[:, i, j] = moment[:, j, i] = first
        moment[:, p, q] = moment[:, q, p] = second
    _values, vectors = np.linalg.eigh(moment)
    axes = vectors[:, :, -1]  # eigh sorts the eigenvalues ascending
    still = ~(np.trace(moment, axis1=1, axis2=2) > 0)
    axes[still] = (0.0, 1.0, 0.0)
    return np.asarray(axes, dtype=np.float64)


def rates_about(
    gyr_dps: FloatArray, idx: IntArray, axes: FloatArray, fs: float, filtered: dict[int, FloatArray] | None = None
) -> FloatArray:
    """(m, w) angular rate (deg/s), low-passed at ``RATE_LOWPASS_HZ``, about each row's axis at the sample
    indices ``idx`` (m, w). One axis is filtered at a time (``filtered``: axes already filtered, by
    column), so the memory is one column of the recording, not three."""
    rates = np.zeros(idx.shape)
    for k in range(3):
        column = (filtered or {}).get(k)
        column = lowpass(gyr_dps[:, k], RATE_LOWPASS_HZ, fs) if column is None else column
        rates += column[idx] * axes[:, k, None]
    return rates
