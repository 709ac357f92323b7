"""Small zero-phase filters and the local gait-period estimate shared by the analysis stages."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.beside import Pieces
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.dsp import butter_sos, sosfiltfilt
from retrogait.rate import RATE_TOLERANCE
from retrogait.samples import nearest_samples, whole_samples

#: Windows of the local period estimate processed at once: bounds memory on long recordings and does
#: not change any result, so it is not an analysis setting.
PERIOD_CHUNK = 64


@lru_cache(maxsize=64)
def _butter_sos(
    order: int, edges_hz: float | tuple[float, float], fs_hz: float, btype: Literal["low", "band"]
) -> NDArray[np.float64]:
    """Second-order sections of a Butterworth filter (designed once per order, edges and rate: the
    live detector filters a short window several times a second, and designing costs as much as filtering)."""
    return butter_sos(order, edges_hz, fs_hz, btype)


def lowpass(x: NDArray[np.float64], cutoff_hz: float, fs_hz: float, order: int = 2) -> NDArray[np.float64]:
    """Zero-phase Butterworth low-pass along axis 0; the cutoff is kept below 0.45 fs."""
    cutoff_hz = min(cutoff_hz, 0.45 * fs_hz)
    sos = _butter_sos(order, cutoff_hz, fs_hz, "low")
    if x.shape[0] <= 3 * (2 * len(sos) + 1):
        return np.asarray(x, dtype=np.float64)
    return sosfiltfilt(sos, x)


def bandpass(
    x: NDArray[np.float64], low_hz: float, high_hz: float, fs_hz: float, order: int = 2
) -> NDArray[np.float64]:
    """Zero-phase Butterworth band-pass along axis 0 (high edge kept below 0.45 fs)."""
    high_hz = min(high_hz, 0.45 * fs_hz)
    sos = _butter_sos(order, (low_hz, high_hz), fs_hz, "band")
    if x.shape[0] <= 3 * (2 * len(sos) + 1):
        return np.asarray(x - np.mean(x, axis=0), dtype=np.float64)
    return sosfiltfilt(sos, x)


def decimation_step(fs_hz: float, rate_hz: float) -> int:
    """The largest whole factor that keeps ``fs_hz`` (Hz) divided by it at or above ``rate_hz`` (Hz; within
    RATE_TOLERANCE, so 199.9999 Hz over 50 Hz is 4); 1 where ``fs_hz`` is at or below ``rate_hz`` (PERF-118)."""
    return max(1, int(fs_hz * (1.0 + RATE_TOLERANCE) / rate_hz))


def block_means(x: NDArray[np.float64], step: int) -> NDArray[np.float64]:
    """(n // step,) the means of ``x``'s whole blocks of ``step`` samples (a trailing part block left out): decimated
    by ``step`` after a boxcar anti-alias filter (zero at every multiple of the lower rate). ``step`` 1: ``x``."""
    if step == 1:
        return x
    used = x.shape[0] // step * step
    return np.asarray(x[:used].reshape(-1, step).mean(axis=1))


def in_g(acc_ms2: NDArray[np.float64]) -> NDArray[np.float64]:
    """m/s^2 -> g."""
    return acc_ms2 / STANDARD_GRAVITY_MS2


def local_period_s(
    x: NDArray[np.float64],
    fs_hz: float,
    min_period_s: float,
    max_period_s: float,
    window_s: float,
    hop_s: float,
    first_fraction: float = 0.7,
    signs: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """(n,) dominant period (s) of a quasi-periodic signal, from windowed autocorrelation over windows of
    ``window_s`` every ``hop_s`` (s; contacts settings ``period_window_s``, ``period_hop_s``).

    The first autocorrelation peak in [min_period_s, max_period_s] reaching ``first_fraction`` (70 %) of
    the highest one is taken (so a stride-length repeat does not hide the step). NaN where no periodicity is found
    (normalised autocorrelation below 0.2). ``x`` of shape (n, m) with ``signs`` (m,): the autocorrelation
    of each column times its sign, summed, over the columns' summed power (a step mirrors the one before:
    the lower back's sway, +-1 per column; CADENCE-1). Windows go through the FFT in chunks of PERIOD_CHUNK, zero-padded
    to the smallest power of two holding the window and the lags searched (not twice the window).
    """
    return LocalPeriod(x, fs_hz, min_period_s, max_period_s, window_s, hop_s, first_fraction, signs).result_alone()


class LocalPeriod:
    """:func:`local_period_s` as pieces of work that threads can share (PERF-75): each chunk of windows, then each
    of ``parts`` runs of samples the periods are interpolated onto, taken by whichever thread asks next
    (:meth:`work`); every piece is computed as the whole computes it, into its own slice, so the result has the
    same bits however the pieces fall. One thread alone: :meth:`result`. ``step`` > 1: ``x`` (at ``fs_hz``) holds
    one value per ``step`` samples of the output (block means: its sample i spans output samples i step to
    (i + 1) step - 1), and the periods are interpolated onto ``n_out`` such samples (PERF-118)."""

    def __init__(
        self,
        x: NDArray[np.float64],
        fs_hz: float,
        min_period_s: float,
        max_period_s: float,
        window_s: float,
        hop_s: float,
        first_fraction: float = 0.7,
        signs: NDArray[np.float64] | None = None,
        parts: int = 1,
        step: int = 1,
        n_out: int | None = None,
    ) -> None:
        m = x.shape[0]
        n = m if n_out is None else n_out
        w = nearest_samples(window_s, fs_hz)
        hop = max(1, nearest_samples(hop_s, fs_hz))
        if m < w:
            w = m
        if step == 1:
            self._starts = np.arange(0, max(m - w, 0) + 1, hop)
        else:  # today's windows of the output's samples (its hop, its last start), each start on its nearest
            # block: a hop that is not whole blocks (1,666 samples at 833 Hz, 104.125 blocks of 16) does not drift
            # from them, nor does a window more or less end the recording (REVIEW-195)
            fs_out = fs_hz * step
            grid = np.arange(
                0, max(n - nearest_samples(window_s, fs_out), 0) + 1, max(1, nearest_samples(hop_s, fs_out))
            )
            self._starts = np.unique(np.minimum((grid + step // 2) // step, max(m - w, 0)))
        self._lo = max(1, whole_samples(min_period_s, fs_hz))
        self._hi = min(w - 2, whole_samples(max_period_s, fs_hz))
        self._period = np.full(self._starts.size, np.nan)
        self._fs_hz, self._first_fraction, self._signs = fs_hz, first_fraction, signs
        self._nfft = 1 << (w + self._hi).bit_length()  # >= w + hi + 1: lags up to hi + 1 do not wrap (PERF-21)
        self._windows: NDArray[np.float64] | None = np.lib.stride_tricks.sliding_window_view(x, w, axis=0)
        # chunks bound the memory of long recordings
        chunks = range(0, self._starts.size, PERIOD_CHUNK) if self._hi > self._lo + 2 else range(0)
        self._chunks = list(chunks)
        self._centres = self._starts + w / 2.0 if step == 1 else (self._starts + w / 2.0) * step  # output samples
        self._n = n
        self._out: NDArray[np.float64] | None = None  # made once the windows are done: not held beside their FFTs
        bounds = np.linspace(0, n, max(1, parts) + 1).astype(np.int64)
        self._runs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        self._lock = threading.Lock()
        self._chunks_left = len(self._chunks)
        self._periods_done = threading.Event()
        # a run waits for every chunk: a chunk that raises wakes it (its error kept first: the run computes nothing)
        self._pieces = Pieces(len(self._chunks) + len(self._runs), self._piece, failed=self._periods_done.set)
        if not self._chunks:
            self._windows_done()

    def _windows_done(self) -> None:
        """Every chunk of windows done: the output made (one run makes its own), the signal no longer held, the runs
        of samples let go."""
        self._out = np.empty(self._n) if len(self._runs) > 1 else None
        self._windows = None
        self._periods_done.set()

    def work(self) -> None:
        """Compute pieces not yet claimed until none is left (a run of samples waits for every chunk of windows).
        A piece that raises raises here, and no other thread waits for it or starts a piece after it (REVIEW-124)."""
        self._pieces.work()

    def _piece(self, k: int) -> None:
        """The chunk of windows ``k``, or the run of samples ``k`` less the chunks."""
        if k < len(self._chunks):
            c0 = self._chunks[k]
            chunk = self._starts[c0 : c0 + PERIOD_CHUNK]
            assert self._windows is not None  # let go only once every chunk is done
            self._period[c0 : c0 + chunk.size] = _first_period(
                self._windows[chunk], self._nfft, self._lo, self._hi, self._fs_hz, self._first_fraction, self._signs
            )
            with self._lock:
                self._chunks_left -= 1
                if self._chunks_left == 0:
                    self._windows_done()
            return
        self._periods_done.wait()
        if self._pieces.error is not None:  # raised where it happened, and by result()
            return
        a, b = self._runs[k - len(self._chunks)]
        if self._starts.size == 1:
            values = np.full(b - a, self._period[0])
        else:
            values = np.interp(np.arange(a, b), self._centres, self._period)
        if self._out is None:  # the one run: its values are the output
            self._out = values
        else:
            self._out[a:b] = values
        del values

    def result(self) -> NDArray[np.float64]:
        """(n,) the local period (s), once every piece is done (this thread computing those left)."""
        self._pieces.result()
        assert self._out is not None
        return self._out

    def result_alone(self) -> NDArray[np.float64]:
        """:meth:`result` where no other thread works on the pieces: they are let go after it, raised or not
        (:meth:`let_go`)."""
        try:
            return self.result()
        finally:
            self.let_go()

    def let_go(self) -> None:
        """Once no thread works on the pieces any more: neither the pieces' error (whose traceback's frames hold
        this object and its pieces: a cycle) nor the signal's windows nor the output held, so a chunk that raised
        keeps no (n,) array alive after the caller has dropped its error (REVIEW-286, EDGE-305)."""
        self._pieces.let_go()
        self._windows = None
        self._out = None


def _first_period(
    frames: NDArray[np.float64],
    nfft: int,
    lo: int,
    hi: int,
    fs_hz: float,
    first_fraction: float = 0.7,
    signs: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Per frame, the first autocorrelation peak in [lo, hi] samples reaching ``first_fraction`` of the
    highest (s). Frames of several axes, (frames, axes, samples), take the sum of each axis' autocorrelation
    times its sign in ``signs`` over the sum of their powers."""
    frames = frames - frames.mean(axis=-1, keepdims=True)
    spec = np.fft.rfft(frames, nfft, axis=-1)
    ac = np.fft.irfft(spec * np.conj(spec), nfft, axis=-1)[..., : hi + 2]
    if ac.ndim == 3:  # (frames, axes, lags): the signed sum over the axes, over their summed power
        w = np.ones(ac.shape[1]) if signs is None else np.asarray(signs, dtype=np.float64)
        ac = np.einsum("fal,a->fl", ac, w) / np.maximum(np.einsum("fa,a->f", ac[:, :, 0], np.abs(w)), 1e-12)[:, None]
    else:
        ac = ac / np.maximum(ac[:, :1], 1e-12)
    seg = ac[:, lo - 1 : hi + 2]
    is_peak = (seg[:, 1:-1] > seg[:, :-2]) & (seg[:, 1:-1] >= seg[:, 2:])
    vals = np.where(is_peak, seg[:, 1:-1], -np.inf)
    best = vals.max(axis=1)
    good = (vals >= first_fraction * best[:, None]) & is_peak
    first = np.argmax(good, axis=1)
    ok = np.isfinite(best) & (best > 0.2)
    out = np.full(frames.shape[0], np.nan)
    out[ok] = (first[ok] + lo) / fs_hz
    return out
