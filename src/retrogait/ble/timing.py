"""Sensor clock -> host clock, loss detection and de-duplication for one BLE stream.

Every packet arrives with a host timestamp (``time.monotonic``, s); devices with a clock give every
sample a sensor time, devices without one get a virtual clock: sample count / nominal rate. The
:class:`ClockMap` maps sensor time to host time continuously and monotonically: the line below the
(sensor time, arrival) pairs closest to them, their lower envelope (latency is never negative, so late
arrivals lie above it: :func:`lower_envelope_slope`), gives the drift and the offset; it is re-estimated
every few seconds, and the map slews towards it instead of jumping, so timestamps never go backwards and
never jump.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


def lower_envelope_slope(x: NDArray[np.float64], y: NDArray[np.float64], lo: float, hi: float) -> float:
    """The slope of the line below every point ``(x, y)`` that lies closest to them, limited to ``[lo, hi]``.

    One-way-delay skew estimation (Moon, Skelly & Towsley 1999): with ``x`` the sensor time and ``y`` the
    arrival (s), a delay is never negative, so the clock is the line minimising the summed distance of the
    points above it, subject to all of them lying on or above it. That line is the edge of the points' lower
    convex hull over their mean ``x``: it maximises ``g(b) = min_i(y_i - b (x_i - mean x))``, a concave
    function of the slope ``b``, found by bisection on the side of the mean its lowest point lies (one
    vectorised pass per step), then made exact as the slope of the hull edge between the two last lowest
    points. Late arrivals, however many and however bunched, lie above the line and do not move it."""
    xc = x - x.mean()
    yc = y - y.mean()
    if xc[np.argmin(yc - hi * xc)] <= 0.0:
        return hi  # the line's best slope is at least ``hi``
    if xc[np.argmin(yc - lo * xc)] >= 0.0:
        return lo
    while hi - lo > 1e-10 * max(abs(lo), abs(hi), 1.0):
        mid = 0.5 * (lo + hi)
        if xc[np.argmin(yc - mid * xc)] < 0.0:
            lo = mid  # the lowest point is left of the mean: g still rises
        else:
            hi = mid
    left, right = int(np.argmin(yc - lo * xc)), int(np.argmin(yc - hi * xc))
    if xc[right] > xc[left]:
        return float(np.clip((yc[right] - yc[left]) / (xc[right] - xc[left]), lo, hi))
    return 0.5 * (lo + hi)


class ClockMap:
    """Continuous piecewise-linear map from sensor time (s) to host time (s).

    Args:
        window_s: sensor-time span of (sensor, host) pairs kept for the fit (s).
        refit_every_s: how often the drift and offset are re-estimated (s of sensor time).
        max_drift: largest believable clock-rate error (fraction; 1e-3 = 1000 ppm).
        max_slew: largest rate at which the map may correct its offset (s per s).
    """

    def __init__(
        self, window_s: float = 120.0, refit_every_s: float = 2.0, max_drift: float = 2e-3, max_slew: float = 5e-3
    ) -> None:
        self.window_s = window_s
        self.refit_every_s = refit_every_s
        self.max_drift = max_drift
        self.max_slew = max_slew
        self.anchor_sensor_s: float | None = None
        self.anchor_host_s = 0.0
        self.rate = 1.0  # host seconds per sensor second, including the slew correction
        self.drift = 0.0  # estimated (host/sensor - 1)
        # (sensor, host) pairs in arrival order: rows [_first, _end) of a buffer that grows when full
        self._pairs = np.zeros((256, 2))
        self._first = self._end = 0
        self._last_fit_s = -np.inf
        self._newest_s = -np.inf

    @property
    def started(self) -> bool:
        return self.anchor_sensor_s is not None

    def start(self, sensor_s: float, host_s: float) -> None:
        """Anchor the map: ``sensor_s`` happened at ``host_s``."""
        self.anchor_sensor_s, self.anchor_host_s = sensor_s, host_s
        self.rate = 1.0 + self.drift
        self._first = self._end = 0
        self._last_fit_s = sensor_s
        self._newest_s = sensor_s

    def map(self, sensor_s: NDArray[np.float64]) -> NDArray[np.float64]:
        """Host time (s) of sensor times (s)."""
        assert self.anchor_sensor_s is not None
        return self.anchor_host_s + (sensor_s - self.anchor_sensor_s) * self.rate

    def observe(self, sensor_s: NDArray[np.float64], host_s: NDArray[np.float64]) -> None:
        """Add (sensor time of a packet's last sample, host arrival) pairs and refit when due."""
        if not self.started:
            self.start(float(sensor_s[0]), float(host_s[0]))
        self._append(sensor_s, host_s)
        self._newest_s = max(self._newest_s, float(np.max(sensor_s)))
        newest = self._newest_s  # re-anchoring here keeps every time already mapped below the anchor
        while self._first < self._end and self._pairs[self._first, 0] < newest - self.window_s:
            self._first += 1
        if newest - self._last_fit_s >= self.refit_every_s and self._end - self._first >= 8:
            self._refit(newest)

    def _append(self, sensor_s: NDArray[np.float64], host_s: NDArray[np.float64]) -> None:
        k = sensor_s.size
        if self._end + k > self._pairs.shape[0]:  # move the kept pairs to the front, and grow if still full
            kept = self._pairs[self._first : self._end].copy()
            size = max(self._pairs.shape[0], 2 * (kept.shape[0] + k))
            self._pairs = np.zeros((size, 2))
            self._pairs[: kept.shape[0]] = kept
            self._first, self._end = 0, kept.shape[0]
        self._pairs[self._end : self._end + k, 0] = sensor_s
        self._pairs[self._end : self._end + k, 1] = host_s
        self._end += k

    def _refit(self, now_sensor_s: float) -> None:
        pairs = self._pairs[self._first : self._end]
        sensor, host = pairs[:, 0], pairs[:, 1]
        if sensor[-1] - sensor[0] > 2.0:
            slope = lower_envelope_slope(sensor, host, 1.0 - self.max_drift, 1.0 + self.max_drift)
            self.drift = slope - 1.0
        offset_target = float(np.min(host - (1.0 + self.drift) * sensor))
        # re-anchor at the present point so the map stays continuous, then slew towards the target
        host_now = float(self.map(np.array([now_sensor_s]))[0])
        self.anchor_sensor_s, self.anchor_host_s = now_sensor_s, host_now
        error = (offset_target + (1.0 + self.drift) * now_sensor_s) - host_now
        horizon = max(self.refit_every_s * 2, 1.0)
        self.rate = 1.0 + self.drift + float(np.clip(error / horizon, -self.max_slew, self.max_slew))
        self._last_fit_s = now_sensor_s


@dataclass
class StreamStats:
    """Counters of one stream, for the live view and the recording log."""

    packets: int = 0
    samples_written: int = 0
    duplicates: int = 0
    malformed: int = 0
    lost_samples: int = 0
    gaps: int = 0
    reconnects: int = 0
    #: gyroscope samples whose acceleration twin was lost: kept in ``NAME.unpaired.csv``
    unpaired_kept: int = 0
    #: rows written with empty gyroscope cells: acceleration whose gyroscope partner was lost (REC-20)
    acc_without_gyro: int = 0


@dataclass
class Timed:
    """Samples ready to be written: host times (s on the shared clock) and values.

    ``arrival_s``: host arrival (s, ``time.monotonic``) of the newest packet the samples came from
    (NaN when unknown); ``packet_arrival_s``: per sample, the arrival of the packet it came from (None
    when unknown). The live path measures its latency from them.
    """

    t_host_s: NDArray[np.float64]
    acc_ms2: NDArray[np.float64]
    gyr_dps: NDArray[np.float64] | None
    arrival_s: float = float("nan")
    packet_arrival_s: NDArray[np.float64] | None = None

    @staticmethod
    def join(first: Timed | None, second: Timed | None) -> Timed | None:
        """``first`` then ``second`` (either may be None); both carry gyro or neither."""
        if first is None or second is None:
            return first if second is None else second
        return Timed.join_all([first, second])

    @staticmethod
    def join_all(parts: list[Timed]) -> Timed:
        """The batches ``parts`` (at least one) as one, in one copy: gyro and packet arrivals where every part has
        them, the latest arrival."""
        if len(parts) == 1:
            return parts[0]
        gyrs = [p.gyr_dps for p in parts if p.gyr_dps is not None]
        gyr = np.concatenate(gyrs) if len(gyrs) == len(parts) else None
        arrivals = [p.packet_arrival_s for p in parts if p.packet_arrival_s is not None]
        packets = np.concatenate(arrivals) if len(arrivals) == len(parts) else None
        return Timed(
            np.concatenate([p.t_host_s for p in parts]),
            np.concatenate([p.acc_ms2 for p in parts]),
            gyr,
            float(np.fmax.reduce([p.arrival_s for p in parts])),
            packets,
        )
