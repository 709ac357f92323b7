"""A gyroscope stamped late or early against the accelerometer, found from the jolts both feel (HONEST-20).

An IMU's accelerometer and gyroscope sit on one rigid board: a landing's shock changes the specific force and the
angular rate in the same instant, so the fast parts of the jolt magnitudes |d acc/dt| and |d gyr/dt| rise
together. Where the two come from separate files or streams (Sensor Logger, phyphox, a logger writing each
sensor apart) one set of stamps can be late; the cross-correlation of the two jolts over +-MAX_LAG_S then peaks at
the lag. The estimate is trusted only where the jolts are shared enough to show it: a correlation of at least
MIN_JOLT_CORRELATION at the peak, standing PEAK_OVER_OTHERS times above every lag more than
PEAK_HALF_WIDTH_S away (a foot's landings: 0.61-0.72 and 2.5-6.8 on the real foot recordings; a trunk, whose
landings hardly turn it, 0.10-0.45; the simulator, whose landing shock has no rotation, 0.11-0.40). A lag
shorter than MIN_LAG_S or than MIN_LAG_SAMPLES sample periods is within the sensors' own filter delays and the
estimate's resolution: not said; nor is a lag in less than MIN_SPAN_S of recording (a live window). All numpy:
at most MAX_BLOCKS blocks of BLOCK_S, the most active, are correlated (a few ms for 1 h at 200 Hz, whose analysis
takes 1.4 s of CPU).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrogait.samples import nearest_samples, whole_samples

#: The longest lag searched (s): below half a running step (0.3-0.35 s), so the next landing is not taken.
MAX_LAG_S = 0.3
#: The jolt magnitudes lose their moving mean over this window (s): what is left is what changes within a
#: landing's shock (a few to 50 ms), not the stride's slow swing.
JOLT_HIGHPASS_S = 0.05
#: The correlation of the two jolts at the peak below which the lag is not identifiable (1: the same).
MIN_JOLT_CORRELATION = 0.5
#: The peak over the largest correlation at lags more than PEAK_HALF_WIDTH_S from it.
PEAK_OVER_OTHERS = 2.0
PEAK_HALF_WIDTH_S = 0.015
#: A lag is said only when longer than MIN_LAG_S (s) and of at least MIN_LAG_SAMPLES sample periods: the
#: accelerometer's and gyroscope's own digital filters differ by a few ms; the estimate is whole samples.
MIN_LAG_S = 0.010
MIN_LAG_SAMPLES = 2
#: The jolts of at least this much recording (s, outside gaps: 15-30 landings of one foot) are needed: in the 4-8 s
#: windows of live feedback one odd landing made spurious peaks that passed the gate (2 of 169 windows of a simulated
#: foot, -230 / -290 ms at correlation 0.51-0.55), so a window estimates nothing and a short recording neither.
MIN_SPAN_S = 20.0
#: The correlation is summed over at most this many blocks of this length (s): those where the acceleration
#: changes most (hundreds of landings), so that a day costs what 5 minutes do.
BLOCK_S = 30.0
MAX_BLOCKS = 10
#: The blocks are ranked on the acceleration taken at about this rate (Hz): enough to see steps.
RANK_RATE_HZ = 25.0


@dataclass(frozen=True)
class GyroLag:
    """The gyroscope's lag behind the accelerometer: ``samples`` (whole sample periods, negative: early),
    ``lag_s`` (s, refined between samples), ``correlation`` of the jolts at the peak (1)."""

    samples: int
    lag_s: float
    correlation: float


def _highpassed_jolt(x: NDArray[np.float64], gap: NDArray[np.bool_], width: int) -> NDArray[np.float64]:
    """|d x/dt| per sample (x's unit a sample) less its centred moving mean over ``width`` samples; 0 at gaps."""
    jolt = np.sqrt(np.square(np.diff(x, axis=0)).sum(axis=1))
    jolt[gap[1:] | gap[:-1]] = 0.0
    jolt = np.nan_to_num(jolt, nan=0.0, posinf=0.0, neginf=0.0)
    width = max(3, width | 1)
    sums = np.cumsum(np.concatenate(([0.0], jolt)))
    mean = (sums[width:] - sums[:-width]) / width
    half = width // 2
    moving = np.concatenate((np.full(half, mean[0]), mean, np.full(jolt.size - mean.size - half, mean[-1])))
    return jolt - moving


def gyro_lag(
    acc: NDArray[np.float64], gyr: NDArray[np.float64], gap: NDArray[np.bool_], fs_hz: float
) -> GyroLag | None:
    """The gyroscope's lag where the jolts show one long enough to say (module docstring), else None.

    Args:
        acc, gyr: (n, 3) on a uniform grid at ``fs_hz`` (any units: only the shape of their jolts counts).
        gap: (n,) grid points inside a gap (no data).
    """
    n = acc.shape[0]
    most = nearest_samples(MAX_LAG_S, fs_hz)
    if n < 4 * most + 8 or np.count_nonzero(~gap) < MIN_SPAN_S * fs_hz:
        return None
    width, pad = nearest_samples(JOLT_HIGHPASS_S, fs_hz), np.zeros(most)
    a_parts, g_parts = [], []
    for start, end in _active_blocks(acc, fs_hz):  # each followed by zeros: no lag reaches the next block
        a_parts += [_highpassed_jolt(acc[start:end], gap[start:end], width), pad]
        g_parts += [_highpassed_jolt(gyr[start:end], gap[start:end], width), pad]
    a, g = np.concatenate(a_parts), np.concatenate(g_parts)
    norm = float(np.sqrt(np.square(a).sum() * np.square(g).sum()))  # not BLAS: its threads spin on a busy machine
    if not norm > 0.0:
        return None
    size = 1 << int(np.ceil(np.log2(a.size + most + 1)))
    full = np.fft.irfft(np.conj(np.fft.rfft(a, size)) * np.fft.rfft(g, size), size)
    corr = np.concatenate((full[-most:], full[: most + 1])) / norm  # corr[most + k]: the gyroscope k samples late
    peak = int(np.argmax(corr))
    width = max(1, nearest_samples(PEAK_HALF_WIDTH_S, fs_hz))
    others = np.concatenate((corr[: max(0, peak - width)], corr[peak + width + 1 :]))
    top = float(corr[peak])
    if top < MIN_JOLT_CORRELATION or (others.size and top < PEAK_OVER_OTHERS * float(others.max())):
        return None
    samples = peak - most
    if abs(samples) < MIN_LAG_SAMPLES or abs(samples) / fs_hz <= MIN_LAG_S:
        return None
    offset = 0.0
    if 0 < peak < corr.size - 1:  # the parabola through the peak and its neighbours
        left, right = float(corr[peak - 1]), float(corr[peak + 1])
        curve = left - 2.0 * top + right
        offset = 0.5 * (left - right) / curve if curve < 0.0 else 0.0
    return GyroLag(samples, (samples + offset) / fs_hz, top)


def _active_blocks(acc: NDArray[np.float64], fs_hz: float) -> list[tuple[int, int]]:
    """(start, end) rows of the MAX_BLOCKS blocks of BLOCK_S where |acc| changes most, in time order; the whole
    recording where it is no longer."""
    n, size = acc.shape[0], nearest_samples(BLOCK_S, fs_hz)
    if n <= MAX_BLOCKS * size:
        return [(0, n)]
    step = max(1, whole_samples(1.0 / RANK_RATE_HZ, fs_hz))
    sub = acc[::step]
    change = np.abs(np.diff(np.sqrt(np.square(sub).sum(axis=1)), prepend=0.0))
    starts = np.arange(0, n, size)
    activity = np.add.reduceat(np.nan_to_num(change), starts // step)
    chosen = np.sort(starts[np.argsort(activity)[::-1][:MAX_BLOCKS]])
    return [(int(s), int(min(s + size, n))) for s in chosen]


def shifted_back(gyr: NDArray[np.float64], samples: int) -> NDArray[np.float64]:
    """The gyroscope put back on the accelerometer's time: row i takes row i + ``samples`` (the ends hold the
    nearest row)."""
    index = np.clip(np.arange(gyr.shape[0]) + samples, 0, gyr.shape[0] - 1)
    return gyr[index]


def lag_note(lag: GyroLag) -> str:
    """What a lag found means, and that it was put right."""
    late = "late" if lag.samples > 0 else "early"
    ms = abs(lag.lag_s) * 1000.0
    return (
        f"the gyroscope's stamps are about {ms:.0f} ms {late} against the accelerometer's (the jolt each landing "
        f"gives both peaks {abs(lag.samples)} samples apart, correlation {lag.correlation:.2f}; separate files or "
        "streams, as Sensor Logger and phyphox write, or a slower filter on one sensor): the gyroscope was moved "
        f"{abs(lag.samples)} samples {'earlier' if lag.samples > 0 else 'later'} onto the accelerometer's time "
        "before the analysis; uncorrected, contacts, step times, contact times, cadence "
        "and direction from the gyroscope would be off by about that much"
    )
