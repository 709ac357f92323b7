"""Band-limited interpolation by a whole factor (``signal.resample_poly(x, k, 1, axis=0, padtype="edge")``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Half the filter's length in input samples, and its Kaiser window's beta: resample_poly's defaults.
HALF_LENGTH = 10
KAISER_BETA = 5.0


def upsample(x: NDArray[np.floating], factor: int) -> NDArray[np.float64]:
    """(n * factor, ...) ``x`` (n, ...) interpolated by the whole ``factor`` along axis 0: zeros stuffed between the
    samples and a Kaiser-windowed sinc low-pass at the input's Nyquist rate, the edges held (their values repeated
    beyond them). Every ``factor``-th output sample is the input's."""
    x64: NDArray[np.float64] = np.asarray(x, dtype=np.float64)
    if factor <= 1:
        return x64.copy()
    reach = HALF_LENGTH * factor
    t = np.arange(-reach, reach + 1) / factor
    taps = np.sinc(t) * np.kaiser(2 * reach + 1, KAISER_BETA)
    pad = HALF_LENGTH + 1
    padded = np.concatenate([np.repeat(x64[:1], pad, axis=0), x64, np.repeat(x64[-1:], pad, axis=0)])
    stuffed = np.zeros((padded.shape[0] * factor, *padded.shape[1:]))
    stuffed[::factor] = padded
    flat = stuffed.reshape(stuffed.shape[0], -1)
    out = np.empty_like(flat)
    for j in range(flat.shape[1]):  # one convolution per axis (3), not per sample
        out[:, j] = np.convolve(flat[:, j], taps, mode="same")
    start = pad * factor
    n = x64.shape[0] * factor
    return out[start : start + n].reshape((n, *x64.shape[1:]))
