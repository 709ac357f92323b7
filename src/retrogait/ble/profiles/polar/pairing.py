"""Pairing Polar Verity Sense ACC and GYRO samples, which arrive in separate frames with their own
timestamps, into 6-axis rows (decisions BLE-7, BLE-9, BLE-11, BLE-13).

Samples are paired when their timestamps agree within half a period. A sample is decided once the
other stream has passed it by half a period, or once it is more than the stall horizon behind the
newest sample of either stream (the other stream stalled); undecided ones wait for the next batch.
A decided accelerometer sample without a partner is a row with NaN gyroscope (decision REC-20: the
session keeps it, with empty gyroscope cells); a decided gyroscope sample without a partner goes to
:meth:`AccGyroPairing.take_unpaired`. Decided accelerometer samples are always the oldest waiting ones,
so rows come out in time order across batches.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.profiles.base import Decoded, UnpairedSamples, empty_decoded

#: Sensor time (s) after which a stream that has sent nothing while the other kept streaming is
#: taken as stalled: samples this far behind the other stream's newest one are decided (paired if
#: their partner is there, otherwise unpaired) instead of waiting. The two streams' frames of one
#: instant leave the sensor within one frame of each other and arrive within the reorder window
#: (0.3 s) plus BLE retries (tens of ms); 2 s is several times that, so a live stream is never cut,
#: while a kill -9 after a stall loses at most the horizon (2 s, or 3 frames if longer) plus the
#: writer's flush interval.
STALL_HORIZON_S = 2.0
#: ...and at least this many of the longest frames seen (a 26 Hz delta frame can span ~2.5 s).
STALL_HORIZON_FRAMES = 3


class AccGyroPairing:
    """Waiting ACC and GYRO samples of one sensor clock (ns timestamps), each stream in time order."""

    def __init__(self) -> None:
        self.final = False  # the recording ends: decide everything at the next pairing
        self._unpaired: list[UnpairedSamples] = []
        self._acc_t = np.zeros(0, dtype=np.int64)
        self._acc_v = np.zeros((0, 3))
        self._gyr_t = np.zeros(0, dtype=np.int64)
        self._gyr_v = np.zeros((0, 3))
        self._acc_newest_ns: int | None = None  # newest sample time seen per stream (this sensor clock)
        self._gyr_newest_ns: int | None = None
        self._longest_frame_s = 0.0

    def add_acc(self, t_ns: NDArray[np.int64], acc_ms2: NDArray[np.float64], longest_frame_s: float) -> None:
        """Accelerometer samples (m/s^2) of frames whose longest spans ``longest_frame_s`` (s)."""
        self._acc_t = np.concatenate([self._acc_t, t_ns])
        self._acc_v = np.concatenate([self._acc_v, acc_ms2])
        self._acc_newest_ns = max(int(t_ns[-1]), self._acc_newest_ns or int(t_ns[-1]))
        self._longest_frame_s = max(self._longest_frame_s, longest_frame_s)

    def add_gyr(self, t_ns: NDArray[np.int64], gyr_dps: NDArray[np.float64], longest_frame_s: float) -> None:
        """Gyroscope samples (deg/s), as :meth:`add_acc`."""
        self._gyr_t = np.concatenate([self._gyr_t, t_ns])
        self._gyr_v = np.concatenate([self._gyr_v, gyr_dps])
        self._gyr_newest_ns = max(int(t_ns[-1]), self._gyr_newest_ns or int(t_ns[-1]))
        self._longest_frame_s = max(self._longest_frame_s, longest_frame_s)

    def has_pending(self) -> bool:
        """Whether samples wait for their partner from the other stream."""
        return bool(self._acc_t.size or self._gyr_t.size)

    def take_unpaired(self) -> list[UnpairedSamples]:
        out, self._unpaired = self._unpaired, []
        return out

    def drain(self, rate_hz: float) -> Decoded:
        """The sensor clock restarted: decide every waiting sample now (rows, or unpaired) on the
        old clock, and forget that clock, so old and new timestamps are never mixed."""
        self.final = True
        try:
            return self.pair(rate_hz, 0, 0)
        finally:
            self.final = False
            self._acc_newest_ns = self._gyr_newest_ns = None

    def _keep_unpaired(self, gyr_sel: NDArray[np.bool_]) -> None:
        """Hand the selected waiting gyro samples over as unpaired (a row needs acceleration)."""
        if gyr_sel.any():
            t = self._gyr_t[gyr_sel].astype(np.float64) * 1e-9
            self._unpaired.append(UnpairedSamples("gyr", self._gyr_v[gyr_sel], sensor_time_s=t))

    def pair(self, rate_hz: float, packet: int, malformed: int) -> Decoded:
        """Rows from ACC and GYRO samples whose timestamps agree within half a period (see module).

        ``packet`` is the batch index the rows are attributed to, ``malformed`` the batch's refused frames.
        """
        half = 0.5e9 / rate_hz
        at, gt = self._acc_t, self._gyr_t
        if at.size + gt.size == 0:
            return empty_decoded(True, True, malformed)
        if self.final:
            acc_horizon = gyr_horizon = np.inf
        else:
            newest = max(self._acc_newest_ns or 0, self._gyr_newest_ns or 0)
            stall = newest - 1e9 * max(STALL_HORIZON_S, STALL_HORIZON_FRAMES * self._longest_frame_s)
            acc_horizon = max(stall, (self._gyr_newest_ns or -np.inf) - half)
            gyr_horizon = max(stall, (self._acc_newest_ns or -np.inf) - half)
        if gt.size == 0:
            nearest = np.zeros(at.size, dtype=np.int64)
            matched = np.zeros(at.size, dtype=bool)
        else:
            j = np.clip(np.searchsorted(gt, at), 1, max(gt.size - 1, 1))
            if gt.size > 1:
                nearest = j - (np.abs(gt[j - 1] - at) < np.abs(gt[j] - at))
            else:
                nearest = np.zeros(at.size, dtype=np.int64)
            matched = np.abs(gt[nearest] - at) <= half
        decided_acc = at <= acc_horizon
        candidates = np.flatnonzero(decided_acc & matched)
        emit = np.zeros(at.size, dtype=bool)
        emit[candidates] = True
        emit[candidates[1:]] &= nearest[candidates[1:]] != nearest[candidates[:-1]]  # one gyro sample per row
        used = np.zeros(gt.size, dtype=bool)
        used[nearest[emit]] = True
        reserved = np.zeros(gt.size, dtype=bool)  # the partner of a waiting acc sample waits with it
        reserved[nearest[~decided_acc & matched]] = True
        decided_gyr = (gt <= gyr_horizon) & ~reserved
        self._keep_unpaired(decided_gyr & ~used)
        # every decided acc sample is a row (a prefix of the waiting ones: time order); NaN gyro without a partner
        rows_t, rows_acc = at[decided_acc], self._acc_v[decided_acc]
        rows_gyr = np.full((rows_t.size, 3), np.nan)
        rows_gyr[emit[decided_acc]] = self._gyr_v[nearest[emit]]
        self._acc_t, self._acc_v = at[~decided_acc], self._acc_v[~decided_acc]
        keep_g = ~decided_gyr & ~used
        self._gyr_t, self._gyr_v = gt[keep_g], self._gyr_v[keep_g]
        if rows_t.size == 0:
            return empty_decoded(True, True, malformed)
        return Decoded(
            acc_ms2=rows_acc,
            gyr_dps=rows_gyr,
            sensor_time_s=rows_t.astype(np.float64) * 1e-9,
            samples_per_packet=np.ones(rows_t.size, dtype=np.int64),
            packet_index=np.full(rows_t.size, packet, dtype=np.int64),
            malformed=malformed,
        )
