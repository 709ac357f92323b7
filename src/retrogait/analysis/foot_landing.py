"""A foot's first touch: the moment a point of its sole comes to rest (issue 15, IMPACT-7).

A landing is the instant the ground stops the part of the foot that reaches it first: the heel in a
heel strike, the toes in a toe landing (backward walking, forefoot running). From then on that
point stays still while the foot rotates about it (heel rocker, or heel lowering onto a planted
forefoot), so the velocity of some sole point drops to zero at the touch, whichever part lands and
wherever the sensor sits on the foot. The sensor's own velocity does not: on a planted forefoot the
heel is still falling and a dorsum sensor keeps descending for 60-100 ms, which is why the end of
the sensor's descent (and the acceleration burst when the heel drops) marks the foot-flat, not the
touch.

For a rigid foot rotating in the sagittal plane at rate omega, a point at (x, z) from the sensor (the
foot's frame, x toward the toes, z up) moves at ``(v_x + omega z, v_z - omega x)``. Its speed is
smallest at the instantaneous centre of rotation; the two components are minimised independently
over the sole box (|x| <= reach, -depth <= z <= 0), so the lowest sole speed is a closed form per
sample, with no foot geometry beyond its size. The velocity is the zero-velocity-reset (ZUPT)
integral between the foot's rests (zupt.level_velocity_ms), a block of strides at a time.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.filters import in_g
from retrogait.analysis.impact import landing_transient
from retrogait.analysis.settings import ContactsSettings, ImpactSettings
from retrogait.analysis.stepwindows import block_samples
from retrogait.analysis.zupt import level_velocity_carried, stride_pitch_blocks
from retrogait.samples import nearest_samples

#: Samples of strides integrated at once: bounds the temporaries on long recordings (changes no result,
#: so not an analysis setting; PERF-20); a shorter part in a slow or short recording (block_samples, PERF-49).
SOLE_SPEED_BLOCK_SAMPLES = 1 << 16


def lowest_sole_speed_ms(
    acc_ms2: NDArray[np.float64],
    gyr_dps: NDArray[np.float64],
    fs_hz: float,
    rest_idx: NDArray[np.int64],
    reach_m: float,
    depth_m: float,
) -> NDArray[np.float64]:
    """(n,) speed (m/s) of the slowest point of the sole box, NaN outside the strides between the
    foot's consecutive rests ``rest_idx`` (sagittal plane; foot frame x toward the toes, z up)."""
    out = np.full(acc_ms2.shape[0], np.nan)
    carry = (0.0, 0.0)
    block = block_samples(acc_ms2.shape[0], SOLE_SPEED_BLOCK_SAMPLES)
    for sp in stride_pitch_blocks(acc_ms2, gyr_dps, fs_hz, rest_idx, block_samples=block):
        vx_level, vz_level, carry = level_velocity_carried(acc_ms2, sp, fs_hz, carry)
        cos_t, sin_t = np.cos(sp.theta_rad), np.sin(sp.theta_rad)
        vx = cos_t * vx_level - sin_t * vz_level  # into the foot's frame
        vz = sin_t * vx_level + cos_t * vz_level
        w = np.deg2rad(gyr_dps[sp.samples, 1])
        w2 = np.maximum(w * w, 1e-12)
        z = np.clip(-vx * w / w2, -depth_m, 0.0)  # the box point closest to the rotation centre
        x = np.clip(vz * w / w2, -reach_m, reach_m)
        out[sp.samples] = np.hypot(vx + w * z, vz - w * x)
    return out


def first_touch(
    acc_ms2: NDArray[np.float64],
    gyr_dps: NDArray[np.float64],
    fs_hz: float,
    rest_idx: NDArray[np.int64],
    idx: NDArray[np.int64],
    impact_ic: NDArray[np.int64],
    s: ContactsSettings,
    impact: ImpactSettings | None = None,
) -> NDArray[np.int64]:
    """Initial contacts (sample index), one per landing window ``idx`` (rows), given the impact-based
    contacts ``impact_ic``.

    The touch is where the lowest sole speed last falls below ``sole_rest_speed_ms`` in the window.
    An impact found more than ``impact_rise_s`` after it belongs to a later part of the stance (the
    heel dropping onto a planted forefoot): the contact is the touch. A landing impact stops the sole
    it starts within ``sole_stop_s``: an impact whose onset comes while every sole point still moves
    faster than ``sole_rest_speed_ms`` and that is followed by the touch only later than that is the
    controlled late-swing descent braking in the air (a soft toe landing backward, whose touch has no
    sharp transient): the contact is the touch too (IMPACT-8). The braking builds over the descent and
    starts up to ~100 ms before the touch, so the touch may follow by up to ``air_braking_s`` where no
    landing's transient (``impact.transient_rise_fraction`` of the rise within ``impact.loading_lead_s``,
    impact.landing_transient) lies between the impact and the touch: a heel strike whose touch the sole
    speed finds late (running) keeps its impact (CONTACT-3). Otherwise the impact's onset stays (a heel
    strike: the sole stops in the impact it starts).
    """
    impact = impact or ImpactSettings()
    speed = lowest_sole_speed_ms(acc_ms2, gyr_dps, fs_hz, rest_idx, s.sole_reach_m, s.sole_depth_m)
    seg = speed[idx]
    seg = np.where(np.isfinite(seg), seg, np.inf)
    falls = (seg[:, 1:] < s.sole_rest_speed_ms) & (seg[:, :-1] >= s.sole_rest_speed_ms)
    has = falls.any(axis=1)
    last = idx.shape[1] - 1 - np.argmax(falls[:, ::-1], axis=1)
    touch = idx[np.arange(idx.shape[0]), last]
    rise = nearest_samples(s.impact_rise_s, fs_hz)
    late = has & (impact_ic > touch + rise)
    at_impact = speed[np.clip(impact_ic, 0, speed.size - 1)]
    airborne = has & (at_impact >= s.sole_rest_speed_ms) & (touch > impact_ic + nearest_samples(s.sole_stop_s, fs_hz))
    braking = airborne & (touch > impact_ic + rise) & (touch <= impact_ic + nearest_samples(s.air_braking_s, fs_hz))
    if braking.any():
        x = in_g(acc_ms2[:, 2]) - 1.0
        braking[braking] = ~_landed_between(x, impact_ic[braking], touch[braking], fs_hz, impact)
    airborne &= (touch <= impact_ic + rise) | braking
    return np.where(late | airborne, touch, impact_ic).astype(np.int64)


def _landed_between(
    x: NDArray[np.float64], start: NDArray[np.int64], end: NDArray[np.int64], fs_hz: float, impact: ImpactSettings
) -> NDArray[np.bool_]:
    """Per row, whether the largest ``x`` (vertical specific force, g, less 1) from ``start`` to ``end``
    (samples) is a landing's transient (impact.landing_transient); below one sample per lead: True."""
    lead = nearest_samples(impact.loading_lead_s, fs_hz)
    if lead < 1:
        return np.ones(start.size, dtype=bool)
    offs = np.arange(int((end - start).max()) + 1)
    span = np.clip(np.minimum(start[:, None] + offs[None, :], end[:, None]), 0, x.size - 1)
    peak = span[np.arange(start.size), np.argmax(x[span], axis=1)]
    return landing_transient(x, peak, lead, impact.transient_rise_fraction)
