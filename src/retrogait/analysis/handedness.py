"""Are a foot's acceleration and angular rate one right-handed frame? The stride-closure test (MOUNT-11).

A proper sensor frame is right-handed; an export that negates one acceleration axis, or swaps two
axes of both sensors, gives a mirror image, and every mirror of the pair reads, up to a rotation, as
the angular rate negated. A foot rests flat at every stance, so a stride strapdown-integrated between
two rests (:func:`~retrogait.analysis.stride_vectors.stride_vectors`) ends at the height it started
from when the pair is right-handed; in a mirrored pair gravity is removed in the wrong direction
whenever the foot turns and the stride rises or sinks by decimetres. The test integrates a sample of
the strides twice, with the rate as given and negated, and calls the frame mirrored only where the
given one closes far worse than its mirror (``MIRROR_RISE_RATIO``): self-referenced, no absolute
threshold. The gravity-turn cosine (d(g)/dt = -w x g) is not used: on a real foot the foot's own
acceleration, not gravity, turns the specific force while the foot turns fastest (MOUNT-10).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrogait.analysis.settings import DirectionSettings
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.analysis.stepwindows import FloatArray, IntArray
from retrogait.analysis.stride_vectors import stride_vectors
from retrogait.analysis.zupt import rest_indices
from retrogait.samples import nearest_samples

#: The frame is mirrored where its strides' median |rise| is this many times its mirror's: the mirror
#: closes at least twice as well. Better unknown than wrong: a right-handed foot closes 7-40x better than
#: its mirror, a mirrored one 4.5-25x worse (MOUNT-11), so the margin is on the side of catching.
MIRROR_RISE_RATIO = 2.0
#: Fewer strides than this decide nothing.
MIN_STRIDES = 8
#: A stride tells the frame only where one of the two frames closes it within this (m): a foot that never stands
#: still (sprinting: 29-160 cm either way at 4-7 m/s) or whose landing clips closes in neither, and the ratio of
#: two failures said "mirrored" on a right-handed sprint (REVIEW-52). The frame that closes does so within
#: 0.1-5.2 cm (median) on every recording here, right-handed or mirrored.
CLOSED_RISE_M = 0.10
#: At most this many strides, spread over the recording, are integrated (twice): the cost stays flat.
MAX_STRIDES = 24
#: Samples kept around each tested stride (s): its rests' gravity is the mean over +-0.02 s (stride_vectors).
REST_PAD_S = 0.05


@dataclass(frozen=True)
class Handedness:
    """The stride-closure test's numbers.

    Attributes:
        rise_m: median |height change| (m) of the strides tested, the frame as given.
        mirrored_rise_m: the same with the angular rate negated (the mirror image).
        strides: strides tested (both rests found, at most ``max_stride_s`` apart) that one of the two frames
            closes within ``CLOSED_RISE_M``: the medians are over these.
    """

    rise_m: float
    mirrored_rise_m: float
    strides: int

    @property
    def mirrored(self) -> bool:
        """True where the frame as given closes its strides far worse than its mirror image."""
        return self.strides >= MIN_STRIDES and self.rise_m > MIRROR_RISE_RATIO * self.mirrored_rise_m


def frame_handedness(
    acc_ms2: FloatArray,
    gyr_dps: FloatArray,
    fs_hz: float,
    rest_idx: IntArray,
    max_stride_s: float = 2.5,
    block_rate_hz: float = 50.0,
) -> Handedness:
    """The stride-closure test over up to ``MAX_STRIDES`` consecutive rest pairs of ``rest_idx``
    (sample indices, -1 where none), spread evenly; ``acc_ms2`` (m/s^2) and ``gyr_dps`` (deg/s) (n, 3)."""
    rest = np.asarray(rest_idx, dtype=np.int64)
    a, b = rest[:-1], rest[1:]
    pairs = np.flatnonzero((a >= 0) & (b > a) & ((b - a) <= max_stride_s * fs_hz))
    if pairs.size > MAX_STRIDES:
        pairs = pairs[np.linspace(0, pairs.size - 1, MAX_STRIDES).round().astype(np.int64)]
    # the chosen strides' own samples (with the rests' gravity windows), end to end: a stride's integration
    # reads only its samples, so the cost follows the strides tested, not the recording's length
    pad = max(nearest_samples(REST_PAD_S, fs_hz), 1)
    lo = np.maximum(a[pairs] - pad, 0)
    hi = np.minimum(b[pairs] + pad + 1, acc_ms2.shape[0])
    lengths = hi - lo
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    take = np.repeat(lo - first, lengths) + np.arange(int(lengths.sum()))
    start = first + (a[pairs] - lo)
    # each pair alone: (a, b, -1) rows, so nothing between the chosen pairs is integrated
    chosen = np.column_stack([start, start + (b[pairs] - a[pairs]), np.full(pairs.size, -1)]).ravel()
    acc, gyr = acc_ms2[take], gyr_dps[take]
    rises = []
    for rate in (gyr, -gyr):
        vectors = stride_vectors(acc, rate, fs_hz, chosen, max_stride_s, block_rate_hz=block_rate_hz)
        rises.append(np.where(vectors.valid, np.abs(vectors.dz_m), np.nan))
    given, mirror = rises[0], rises[1]
    told = np.fmin(given, mirror) <= CLOSED_RISE_M  # a stride neither frame closes tells nothing (REVIEW-52)
    if not told.any():
        return Handedness(np.nan, np.nan, 0)
    return Handedness(float(np.median(given[told])), float(np.median(mirror[told])), int(told.sum()))


def foot_handedness(signals: BodySignals, contacts: Contacts, settings: DirectionSettings) -> Handedness | None:
    """A foot's stride-closure test over the rests its direction cues use (``direction._limb_cues``); None
    elsewhere (no gyroscope, no contact, or a placement whose sensor does not rest at every stance)."""
    if signals.placement != "foot" or signals.gyr_dps is None or len(contacts) == 0:
        return None
    rest = rest_indices(
        signals.acc_ms2,
        signals.gyr_dps,
        signals.fs_hz,
        contacts.ic_idx.astype(np.int64),
        max_stride_s=settings.max_stride_s,
        acc_weight_dps_per_ms2=settings.rest_acc_weight_dps_per_ms2,
    )
    return frame_handedness(
        signals.acc_ms2, signals.gyr_dps, signals.fs_hz, rest, settings.max_stride_s, settings.strapdown_block_rate_hz
    )
