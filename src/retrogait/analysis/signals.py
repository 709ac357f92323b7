"""The data handed between analysis stages: body-frame signals and detected contacts.

Stages are plain functions: preprocessing makes :class:`BodySignals`, contact detection makes
:class:`Contacts`, and per-step classifiers (direction, foot strike, impact) read both and return one
row per contact. Frames and signs are those of ``docs/conventions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.still import still_masks_of_norm
from retrogait.analysis.vectors import norm_rows


@dataclass(frozen=True)
class BodySignals:
    """A session on a uniform time grid, rotated to the body frame.

    Attributes:
        fs_hz: sample rate of the uniform grid (Hz).
        t_s: sample times (s), shape (n,), uniform.
        acc_ms2: acceleration (m/s^2, gravity included), body frame x anterior / y left / z up, (n, 3).
            For foot and shank the frame is the segment's quiet-standing frame (it tilts with the segment).
        gyr_dps: angular rate (deg/s) in the same frame, (n, 3), or None without a gyroscope.
        gap: (n,) True where the sample lies inside a recording gap (interpolated, not measured).
        clipped: (n,) True where the raw sample was at the sensor's full scale.
        bridged: (n,) True where the sample was interpolated from a missing acceleration value bridged
            (bridge.py, EDGE-197), or None where none was.
        gyr_bridged: (n,) True where the sample was interpolated from a missing gyroscope value bridged
            (bridge.py, EDGE-212), or None where none was (the step is flagged ``bridged``, its impact kept).
        placement: one of conventions.PLACEMENTS.
        side: "left", "right" or None.
        anterior_sign_known: False when the anterior axis came from the signal itself and its sign
            (which way the wearer faces) is not known; direction must then use frame-free cues.
        anterior_source: where the anterior axis came from: "header", "argument", "calibration",
            "signal" (principal axis, sign unknown) or "none" (no horizontal axis could be found).
        notes: human-readable remarks from preprocessing (unit conversions, fallbacks), one line each.
        anterior_yaw_deg: angle (deg, about z, counter-clockwise seen from above, within +-90) from a
            declared anterior axis to the anterior line found from the gait; None when not checked.
        anterior_yaw_applied: True when that line replaced the declared axis (foot/shank with gyro).
        gravity_removed: True when the recording had gravity removed (header ``acc_gravity: removed``)
            and preprocessing put it back along the vertical of the movement.
        sensor_to_body: (3, 3) rotation from the sensor frame to the body frame (body = R @ sensor;
            its rows are the body axes in sensor coordinates), None when not known.
        acc_quantum_g: the step (g) the raw acceleration values lie on (resolution.acc_quantum_g), None
            when they lie on no grid (calibrated floats) or it was not measured.
    """

    fs_hz: float
    t_s: NDArray[np.float64]
    acc_ms2: NDArray[np.float64]
    gyr_dps: NDArray[np.float64] | None
    gap: NDArray[np.bool_]
    clipped: NDArray[np.bool_]
    placement: str
    side: str | None
    anterior_sign_known: bool
    anterior_source: str = "header"
    notes: tuple[str, ...] = field(default_factory=tuple)
    anterior_yaw_deg: float | None = None
    anterior_yaw_applied: bool = False
    gravity_removed: bool = False
    sensor_to_body: NDArray[np.float64] | None = None
    acc_quantum_g: float | None = None
    bridged: NDArray[np.bool_] | None = None
    gyr_bridged: NDArray[np.bool_] | None = None
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n_samples(self) -> int:
        return int(self.t_s.shape[0])

    def still_mask(self, window_s: float, std_ms2: float, size: NDArray[np.float64] | None = None) -> NDArray[np.bool_]:
        """(n,) :func:`still.still_mask` of the body-frame acceleration (gaps not removed), computed once
        per (window_s, std_ms2) and shared: contacts, bouts and direction ask for the same mask. ``size``:
        ``norm_rows(acc_ms2)`` of these signals (m/s^2) where the caller has taken it (the same mask, PERF-60), and
        nothing else: the masks asked for ahead (:meth:`want_still`) are taken from it too (REVIEW-146)."""
        key = ("still", window_s, std_ms2)
        packed = self._memo.pop(("still_bits", window_s, std_ms2), None)
        if packed is not None:  # taken ahead with another mask (PERF-80)
            self._memo[key] = np.unpackbits(packed, count=self.n_samples).view(np.bool_)
        if key not in self._memo:
            # the masks a later stage will ask for (:meth:`want_still`) from the same |a| and running sums (PERF-80)
            wanted = [(window_s, std_ms2)] + [
                w for w in self._memo.pop("still_wanted", ()) if ("still", *w) not in self._memo and w != key[1:]
            ]
            masks = still_masks_of_norm(norm_rows(self.acc_ms2) if size is None else size, self.fs_hz, wanted)
            self._memo[key] = masks[0]
            # kept a bit a sample until asked for: the peak of the stages between is not raised
            self._memo.update({("still_bits", *w): np.packbits(m) for w, m in zip(wanted[1:], masks[1:], strict=True)})
        return np.asarray(self._memo[key])

    def want_still(self, window_s: float, std_ms2: float) -> None:
        """Ask for :meth:`still_mask` ``(window_s, std_ms2)`` (s, m/s^2) ahead: the first mask computed computes it
        too, from the same |a| and running sums, and keeps it a bit a sample until asked for (PERF-80)."""
        wanted = self._memo.setdefault("still_wanted", [])
        known = {("still", window_s, std_ms2), ("still_bits", window_s, std_ms2)} & self._memo.keys()
        if not known and (window_s, std_ms2) not in wanted:
            wanted.append((window_s, std_ms2))

    def keep_phone_gait(self, gait_s: float, trimmed_s: float, placed: int) -> None:
        """Keep what the phones' step detector found on these signals (phone_steps.py, HONEST-37): the gait
        stretches' time (s), the time (s) its stretch-end rule cut off between the peaks it found there and the
        steps it placed, and how many steps it placed (before the gait gate)."""
        self._memo["phone_gait"] = (gait_s, trimmed_s, placed)

    def phone_gait(self) -> tuple[float, float, int] | None:
        """``(gait_s, trimmed_s, placed)`` kept by :meth:`keep_phone_gait`, or None where the detector did not run."""
        kept = self._memo.get("phone_gait")
        return None if kept is None else (float(kept[0]), float(kept[1]), int(kept[2]))

    @classmethod
    def uniform(
        cls,
        acc_ms2: NDArray[np.float64],
        gyr_dps: NDArray[np.float64] | None,
        fs_hz: float,
        placement: str,
        side: str | None = None,
        anterior_sign_known: bool = True,
    ) -> BodySignals:
        """Signals already in the body frame on a gap-free, unclipped grid starting at t = 0 s."""
        n = acc_ms2.shape[0]
        return cls(
            fs_hz=fs_hz,
            t_s=np.arange(n) / fs_hz,
            acc_ms2=acc_ms2,
            gyr_dps=gyr_dps,
            gap=np.zeros(n, dtype=bool),
            clipped=np.zeros(n, dtype=bool),
            placement=placement,
            side=side,
            anterior_sign_known=anterior_sign_known,
        )


@dataclass(frozen=True)
class Contacts:
    """Detected stances, sorted by initial contact.

    Attributes:
        ic_idx: sample index of each initial contact, shape (m,), increasing.
        to_idx: sample index of the toe-off ending that stance, (m,), -1 where not determinable.
        side: (m,) "left", "right" or "unknown" per contact.
    """

    ic_idx: NDArray[np.int64]
    to_idx: NDArray[np.int64]
    side: NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.ic_idx.shape[0])

    @classmethod
    def empty(cls) -> Contacts:
        """No contacts."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, dtype="<U7"))
