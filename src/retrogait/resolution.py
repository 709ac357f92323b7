"""The accelerometer's resolution, measured from the values themselves (HONEST-8, docs/conventions.md).

An accelerometer delivers whole counts: every value of an axis is ``offset + k * quantum`` for integers
``k`` (8 bits over +-8 g: 0.0625 g; 12 bits over +-8 g: 0.0039 g; 16 bits over +-16 g: 0.0005 g), however
the file converts them (``counts * 9.80665 / 256`` in m/s^2, mg, g with float noise). The quantum is the
step between the levels the values take: the steps between neighbouring levels are whole multiples of
it. Levels are taken from the values that occur more than once where most do (a coarse sensor repeats
its levels; values interpolated by a resampling app fall between them and rarely repeat), else from
every distinct value (a fine sensor over a short recording). Calibrated floats (a phone's or a sensor
fusion's output, the values scaled per axis after offsets) lie on no grid: no quantum is found, and
none is claimed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.conventions import STANDARD_GRAVITY_MS2

#: A quantum of at least this (g) is coarse: its rounding noise (quantum / sqrt(12) = 2.9 mg rms)
#: exceeds an accelerometer's own noise over the gait band (150-300 ug/sqrt(Hz) over 100 Hz: 1.5-3 mg),
#: so the samples' last step, not the movement, can decide a contact or move an impact peak. 10 bits
#: over +-8 g (0.0156 g) and coarser are; 12 bits over +-8 or +-16 g (0.0039, 0.0078 g) are not.
COARSE_QUANTUM_G = 0.01
#: Values per axis the quantum is measured on: blocks of consecutive samples spread over the recording.
QUANTUM_SAMPLE_VALUES = 1 << 16
QUANTUM_BLOCKS = 16
#: At least this many levels are needed to see a grid in them.
MIN_LEVELS = 8
#: Levels are the repeated values when at least this share of the samples repeats a value.
REPEATED_SHARE = 0.5
#: The grid is sought among this many of the most frequent values ...
MOST_COMMON_LEVELS = 256
#: ... and must hold this share of the samples within this fraction of a step (values off the grid by
#: chance: 4 %; a sensor's: all; resampled by interpolation: those on a level, where the signal rests).
ON_GRID_SHARE = 0.25
ON_GRID_TOLERANCE = 0.02
#: A step between levels is a whole number of quanta when within this fraction of one of a whole number,
#: and a grid needs this share of its steps to be.
WHOLE_TOLERANCE = 0.1
WHOLE_SHARE = 0.95
#: Steps below this fraction of the largest |level| are float noise (two spellings of one count).
FLOAT_NOISE = 1e-9


def acc_quantum_g(acc_ms2: NDArray[np.float64]) -> float | None:
    """The acceleration's quantum (g): the largest of the axes' (:func:`axis_quantum`), None when no
    axis' values lie on a grid (calibrated floats) or too few levels show one."""
    found = [axis_quantum(_spread_sample(acc_ms2[:, k]) / STANDARD_GRAVITY_MS2) for k in range(acc_ms2.shape[1])]
    quanta = [q for q in found if q is not None]
    return max(quanta) if quanta else None


def describe_quantum(quantum_g: float | None) -> str:
    """The header value (``inferred_acc_quantum_g``): the quantum in g and what it was measured from."""
    if quantum_g is None:
        return "none found: the values lie on no grid of equal steps (calibrated floats)"
    return f"{quantum_g:.4g} (the step between the values' levels)"


def axis_quantum(values: NDArray[np.float64]) -> float | None:
    """The step (same unit as ``values``) of the grid the values lie on, or None (see the module).

    Where most samples repeat a value, the grid is sought among the MOST_COMMON_LEVELS most frequent
    values (a sensor's levels, which values interpolated between them by resampling do not hit as
    often); else among every distinct value. The grid found must hold ON_GRID_SHARE of the samples."""
    v = values[np.isfinite(values)]
    if v.size < 2 * MIN_LEVELS:
        return None
    levels, counts = np.unique(v, return_counts=True)
    repeated = counts >= 2
    if counts[repeated].sum() >= REPEATED_SHARE * v.size and repeated.sum() >= MIN_LEVELS:
        order = np.argsort(counts[repeated], kind="stable")[::-1][:MOST_COMMON_LEVELS]
        levels = np.sort(levels[repeated][order])
    # a value near the float limit (1e308 in a file is finite) overflows here: inf/NaN fall off the grid
    with np.errstate(over="ignore", invalid="ignore"):
        step = _grid_step(levels)
        if step is None:
            return None
        phase = (v - levels[0]) / step
        on_grid = np.abs(phase - np.round(phase)) <= ON_GRID_TOLERANCE
    return step if float(on_grid.mean()) >= ON_GRID_SHARE else None


def _grid_step(levels: NDArray[np.float64]) -> float | None:
    """The step of the grid holding the sorted ``levels``, if WHOLE_SHARE of their steps are whole
    multiples of the smallest common one."""
    if levels.size < MIN_LEVELS:
        return None
    steps = np.diff(levels)
    steps = steps[steps > FLOAT_NOISE * max(1.0, float(np.abs(levels).max()))]
    if steps.size < MIN_LEVELS - 1:
        return None
    smallest = float(np.percentile(steps, 5.0))
    first = float(np.median(steps[steps <= 1.5 * smallest]))
    whole = np.round(steps / first)
    ok = (np.abs(steps / first - whole) <= WHOLE_TOLERANCE) & (whole >= 1)
    if ok.mean() < WHOLE_SHARE:
        return None
    return float(steps[ok].sum() / whole[ok].sum())


def _spread_sample(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Up to QUANTUM_SAMPLE_VALUES values of ``x``: all of a short recording, else QUANTUM_BLOCKS blocks of
    consecutive samples spread evenly over it (its moving and its quiet parts)."""
    if x.size <= QUANTUM_SAMPLE_VALUES:
        return x
    block = QUANTUM_SAMPLE_VALUES // QUANTUM_BLOCKS
    starts = np.linspace(0, x.size - block, QUANTUM_BLOCKS).astype(np.int64)
    return np.asarray(x[(starts[:, None] + np.arange(block)[None, :]).ravel()])


def is_coarse(quantum_g: float | None) -> bool:
    """True when a quantum (g) is COARSE_QUANTUM_G or more."""
    return quantum_g is not None and quantum_g >= COARSE_QUANTUM_G
