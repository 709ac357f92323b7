"""Analysis settings as data: one frozen dataclass per stage, composed into :class:`AnalysisSettings`.

Every field is a physical quantity (its unit in its name and in its metadata) with the documented
default and physical bounds; ``retrogait settings`` prints them all (docs/analysis.md, "Parameters").
Placement presets are named instances (:data:`PRESETS`, :meth:`AnalysisSettings.for_placement`):
where a placement needs another value, its preset holds it, not an ``if placement ==`` in a stage.

A stage function takes its settings as a parameter; stage functions that get the signals default to
``None``, meaning the preset of ``signals.placement``::

    detect_contacts(signals, settings.contacts, settings.still)
    AnalysisSettings.for_placement("shank").direction.anatomy_scale_log_ratio   # 0.1
    replace(settings, contacts=replace(settings.contacts, flight_level_g=0.35))   # a variant

New field: add ``name_unit: float = quantity(default, "unit", "doc", lo, hi)`` to its stage, read it
as ``settings.name_unit`` in the stage, and add it to docs/analysis.md (``scripts/settings_table.py``).
New preset: add an entry to :data:`PRESETS` built with ``dataclasses.replace`` from a base preset.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from retrogait.analysis.settings_fields import SettingsError, Stage, quantity
from retrogait.conventions import MAX_ACC_G

__all__ = [
    "PRESETS",
    "AnalysisSettings",
    "AxisCheckSettings",
    "BoutSettings",
    "ContactsSettings",
    "DirectionSettings",
    "EffortSettings",
    "FootStrikeSettings",
    "GaitGateSettings",
    "ImpactSettings",
    "PhoneStepSettings",
    "PreprocessSettings",
    "QualitySettings",
    "SettingsError",
    "StillSettings",
    "TimingSettings",
    "TransientSettings",
    "TrunkStrikeSettings",
    "VgrfSettings",
    "preset",
]


@dataclass(frozen=True)
class PreprocessSettings(Stage):
    """From a session to body-frame signals (preprocess.py): refusal, clipping, the declared-axis check."""

    TABLE = "preprocess"
    ORDERED = (("refine_above_deg", "declared_sign_warning_deg"), ("declared_sign_warning_deg", "max_declared_yaw_deg"))

    min_duration_s: float = quantity(2.0, "s", "a shorter recording cannot hold two strides: refused", 0.5, 600.0)
    clip_plateau_samples: int = quantity(
        3,
        "samples",
        "this many samples at an axis' extreme from 1.5 g (below a declared range) count as clipping",
        2,
        1000,
    )
    max_declared_yaw_deg: float = quantity(
        80.0, "deg", "foot/shank + gyro: a declared axis further from the gait's line loses its sign", 0.0, 90.0
    )
    declared_sign_warning_deg: float = quantity(
        60.0, "deg", "beyond it a note says the sign rests on the declaration (trunk: a note only)", 0.0, 90.0
    )
    refine_above_deg: float = quantity(
        25.0, "deg", "foot/shank + gyro: the gyro's sagittal line replaces a declared axis further off", 0.0, 90.0
    )
    sagittal_dominance_ratio: float = quantity(
        2.0, "1", "power ratio of the sagittal rotation axis over the other horizontal axis needed to refine", 1.0, 1e3
    )
    trunk_axis_dominance_ratio: float = quantity(
        1.5, "1", "power ratio of the trunk's main horizontal acceleration axis needed to warn", 1.0, 1e3
    )
    vertical_max_rate_dps: float = quantity(
        10.0, "deg/s", "with gyro: still samples rotating faster (a pivot) do not define the vertical", 0.1, 1000.0
    )
    max_acc_g: float = quantity(
        MAX_ACC_G,
        "g",
        "a sample beyond this (or beyond 1.1 x a declared acc_range_g) is beyond any wearable's range: dropped",
        16.0,
        1e4,
    )
    max_rate_dps: float = quantity(
        10000.0, "deg/s", "an angular rate beyond this is beyond any wearable gyroscope's range: dropped", 500.0, 1e5
    )
    remount_tilt_deg: float = quantity(
        30.0,
        "deg",
        "up in the sensor turned this far at standing next to gait and over the bouts' strides: re-mounted (MOUNT-3)",
        5.0,
        180.0,
    )
    remount_standing_s: float = quantity(
        1.0, "s", "the standing next to a gait bout whose mean specific force is its up", 0.2, 10.0
    )
    remount_swing_axis_deg: float = quantity(
        45.0, "deg", "foot/shank + gyro: a gait bout swinging about an axis this far from the frame's left", 10.0, 90.0
    )
    remount_min_swing_deg: float = quantity(
        50.0,
        "deg",
        "foot/shank + gyro: with that bout's swing about the axis (median stride range) at least this: re-mounted",
        0.0,
        360.0,
    )


@dataclass(frozen=True)
class StillSettings(Stage):
    """The still mask (std of |acc| over a window), shared by the vertical, contacts and bouts."""

    TABLE = "still"

    window_s: float = quantity(
        1.0, "s", "window of the std of |acc|; standing this long between contacts ends a bout", 0.1, 10.0
    )
    std_ms2: float = quantity(0.3, "m/s^2", "below this std of |acc| the sensor is still", 0.0, 5.0)


@dataclass(frozen=True)
class ContactsSettings(Stage):
    """Initial contacts and toe-offs (contacts.py)."""

    TABLE = "contacts"
    ORDERED = (("min_step_s", "max_step_s"),)
    BELOW = (("step_band_low_hz", "step_band_high_hz"),)

    min_step_s: float = quantity(0.22, "s", "shortest step period (270 steps/min)", 0.1, 1.0)
    max_step_s: float = quantity(1.5, "s", "longest step period (40 steps/min)", 0.3, 5.0)
    step_band_low_hz: float = quantity(0.3, "Hz", "lower edge of the step band-pass", 0.05, 2.0)
    step_band_high_hz: float = quantity(
        4.0, "Hz", "upper edge of the step band-pass (keeps fast backward running's fundamental)", 1.0, 20.0
    )
    min_peak_spacing_periods: float = quantity(
        0.6, "step periods", "at most one step peak (limbs: one mid-stance) per this many local periods", 0.1, 1.0
    )
    period_window_s: float = quantity(6.0, "s", "window of the local step-period autocorrelation", 1.0, 60.0)
    period_hop_s: float = quantity(2.0, "s", "hop between local step-period windows", 0.1, 60.0)
    stride_period_rate_hz: float = quantity(
        50.0,
        "Hz",
        "foot/shank: the stride period is searched in |a| averaged over blocks down to the lowest whole fraction of "
        "the rate at or above this and 10 x step_band_high_hz (at or above the recording's rate: every sample)",
        10.0,
        10000.0,
    )
    edge_cutoff_hz: float = quantity(20.0, "Hz", "lower back: low-pass of the contact-edge force", 2.0, 100.0)
    flight_level_g: float = quantity(
        0.4, "g", "lower back: specific force below this is flight (0 g free fall + soft-tissue margin)", 0.0, 1.0
    )
    walk_search_fraction: float = quantity(
        0.5, "step periods", "lower back, walking: IC searched this far before the loading peak", 0.1, 1.0
    )
    walk_sag_cutoff_factor: float = quantity(
        2.5,
        "x step frequency",
        "lower back, walking: the single-support sag is the force below this times the step frequency "
        "(RATE-1; above the valley's own frequency, CADENCE-7)",
        0.5,
        10.0,
    )
    walk_after_fraction: float = quantity(
        0.25,
        "step periods",
        "lower back, walking: the double-support hump reaches this far after the step peak (CONTACT-1)",
        0.0,
        1.0,
    )
    walk_weak_kink_fraction: float = quantity(
        0.3,
        "1",
        "lower back, walking: a contact's kink is at least this fraction of its hump's largest (CONTACT-1, CADENCE-7)",
        0.0,
        1.0,
    )
    trunk_step_repeat_fraction: float = quantity(
        0.5,
        "1",
        "lower back: the step period is the first autocorrelation peak reaching this fraction of the highest "
        "(a left-right difference lowers the step's below the stride's; CONTACT-2)",
        0.05,
        1.0,
    )
    trunk_step_gap_periods: float = quantity(
        1.5,
        "step periods",
        "lower back: a gap between kept step peaks longer than this many local periods (and under one more) "
        "lost a step; the step peak found nearest its middle fills it (CADENCE-3)",
        1.0,
        100.0,
    )
    trunk_step_sway_fraction: float = quantity(
        1.0,
        "1",
        "lower back, declared anterior axis: the horizontal acceleration's share in the step period's "
        "autocorrelation, the sway's mirrored (1: each axis by its power; 0: the vertical alone; CADENCE-1)",
        0.0,
        1.0,
    )
    min_step_prominence_g: float = quantity(0.08, "g", "lower back, wrist: prominence of a step peak", 0.0, 2.0)
    rest_acc_scale_ms2: float = quantity(
        1.0, "m/s^2", "foot/shank rest score: | |a| - g | per unit of distance from rest", 0.01, 20.0
    )
    rest_rate_scale_dps: float = quantity(
        100.0, "deg/s", "foot/shank rest score: |omega| per unit of distance from rest", 1.0, 2000.0
    )
    min_stance_prominence_score: float = quantity(
        0.5, "rest-score units", "prominence a mid-stance minimum of the rest score needs", 0.0, 20.0
    )
    rest_window_s: float = quantity(0.04, "s", "rest must hold over this window to count", 0.005, 0.5)
    rest_level_score: float = quantity(
        1.0, "rest-score units", "below this rest score the segment is at rest", 0.0, 20.0
    )
    landing_window_strides: float = quantity(
        0.45, "strides", "foot/shank: the landing is searched this far before mid-stance's rest", 0.1, 1.0
    )
    impact_cutoff_hz: float = quantity(40.0, "Hz", "low-pass of the acceleration before the jerk", 5.0, 200.0)
    impact_rise_s: float = quantity(0.05, "s", "an impact rises within this time", 0.005, 0.3)
    impact_onset_fraction: float = quantity(
        0.15, "1", "IC: where the jerk last lies below this fraction of its peak", 0.0, 1.0
    )
    impact_dip_fraction: float = quantity(
        0.3, "1", "a jerk trough below this fraction of the peak separates an earlier burst", 0.0, 1.0
    )
    descent_speed_ms: float = quantity(
        0.2, "m/s", "foot: the descent ends where the foot last moves down faster than this", 0.0, 5.0
    )
    landing_search_s: float = quantity(0.1, "s", "foot: the landing lies at most this long before that", 0.01, 0.5)
    fall_speed_ms: float = quantity(
        1.0, "m/s", "foot: falling faster than this in late swing is a running landing", 0.0, 10.0
    )
    sole_rest_speed_ms: float = quantity(
        0.3, "m/s", "foot: a sole point slower than this is on the ground (first touch)", 0.01, 5.0
    )
    sole_reach_m: float = quantity(
        0.3, "m", "foot: the sole reaches this far ahead of and behind the sensor (any mounting)", 0.01, 1.0
    )
    sole_depth_m: float = quantity(0.12, "m", "foot: the sole lies at most this far below the sensor", 0.0, 0.5)
    sole_stop_s: float = quantity(
        0.02, "s", "foot: a landing impact brings the sole to rest within this time of its onset", 0.001, 0.3
    )
    air_braking_s: float = quantity(
        0.2, "s", "foot: a soft landing's braking in the air starts at most this long before its touch", 0.0, 1.0
    )
    toe_off_peak_fraction: float = quantity(
        0.4,
        "1",
        "TO: first sagittal-rate peak after mid-stance reaching this fraction of the stride's largest",
        0.0,
        1.0,
    )
    shank_swing_rate_dps: float = quantity(
        150.0, "deg/s", "shank: turning the swing's way faster than this is no mid-stance (in the air)", 0.0, 2000.0
    )
    shank_swing_end_s: float = quantity(
        0.15, "s", "shank: a mid-stance comes at least this long after the swing last turned that fast", 0.0, 0.5
    )
    shank_touch_rate_dps: float = quantity(
        150.0,
        "deg/s",
        "shank: the foot touches turning the stance's way at least this fast (the swing reversed)",
        0.0,
        2000.0,
    )
    shank_lobe_fraction: float = quantity(
        0.7,
        "1",
        "shank: an earlier |jerk| lobe reaching this fraction of the sharpest within impact_rise_s starts its burst",
        0.0,
        1.0,
    )
    shank_onset_fraction: float = quantity(
        0.5,
        "1",
        "shank IC: where the landing's first jerk lobe rises through this fraction of its height (the filter's "
        "half-height of a step)",
        0.0,
        1.0,
    )
    shank_interpolate_hz: float = quantity(
        200.0,
        "Hz",
        "shank: a slower recording's landings are read in its signals interpolated to this rate",
        1.0,
        2000.0,
    )
    shank_interpolate_min_hz: float = quantity(
        50.0,
        "Hz",
        "shank: a recording slower than this is read as it is (its swing's reversal and touch blend)",
        0.0,
        2000.0,
    )
    toe_off_min_rate_dps: float = quantity(
        30.0, "deg/s", "shank TO: the stance rotation's last peak must reach this rate", 0.0, 2000.0
    )
    shank_toe_off_window_strides: float = quantity(
        0.75,
        "strides",
        "shank TO not found in the landing window: search this far after mid-stance (never past the next one) "
        "about the swing axis",
        0.1,
        1.0,
    )


@dataclass(frozen=True)
class TimingSettings(Stage):
    """Step time, cadence and contact time per step (impact.step_timing)."""

    TABLE = "timing"

    max_step_time_s: float = quantity(
        1.5, "s", "longer steps (and contacts) give no cadence (contact time): pauses, missed steps", 0.3, 10.0
    )
    max_stride_time_s: float = quantity(
        2.0, "s", "foot/shank: one leg's contacts further apart are not consecutive strides", 0.5, 20.0
    )


@dataclass(frozen=True)
class ImpactSettings(Stage):
    """Impact peak and loading rate per step; lower-back vGRF (impact.impact_load)."""

    TABLE = "impact"

    window_s: float = quantity(
        0.1, "s", "impact window after contact: foot, shank; lower back without toe-off", 0.01, 1.0
    )
    stance_fraction: float = quantity(
        0.2,
        "1",
        "lower back: the impact phase, this share of stance from contact (a heel strike's impact peak at "
        "10-20 %; the active peak, vgrf_peak_bw's, at 40-57 %)",
        0.05,
        1.0,
    )
    impact_phase_min_s: float = quantity(
        0.04,
        "s",
        "lower back: the impact phase lasts at least this long (a heel pad stops the leg 20-40 ms after contact "
        "at any speed)",
        0.0,
        0.5,
    )
    loading_stance_fraction: float = quantity(
        0.5,
        "1",
        "lower back: without an impact peak in the impact phase (still rising at its end), the loading rate "
        "is that of the rise to the largest value within this share of stance (the plate's: to 50 %)",
        0.05,
        1.0,
    )
    loading_lead_s: float = quantity(
        0.02, "s", "the loading-rate window starts this long before the detected contact", 0.0, 0.2
    )
    transient_rise_fraction: float = quantity(
        0.5,
        "1",
        "foot, shank: a contact falling from a peak that rose more than this share within loading_lead_s "
        "is on its landing transient; else on a tail from the air, and the peak is after that fall",
        0.0,
        1.0,
    )


@dataclass(frozen=True)
class VgrfSettings(Stage):
    """Lower-back vertical ground-reaction force per step: peak, loading rate, their intervals (vgrf.py)."""

    TABLE = "vgrf"
    ORDERED = (("flat_shape_factor", "peaked_shape_factor"),)

    flat_shape_factor: float = quantity(
        1.4, "1", "peak / mean force in contact of a flat-topped stance (interval's low end)", 1.0, 2.0
    )
    peaked_shape_factor: float = quantity(
        1.75, "1", "peak / mean force in contact of a peaked stance (interval's high end)", 1.0, 2.5
    )
    contact_time_uncertainty_s: float = quantity(
        0.01, "s", "timing error of the sacral contact edges, widens the intervals", 0.0, 0.1
    )
    bounce_cutoff_hz: float = quantity(
        5.0, "Hz", "low-pass of the sacral force whose maximum times the bounce (skew of the loading)", 1.0, 50.0
    )
    min_rate_hz: float = quantity(
        100.0, "Hz", "below it no vGRF: the contact edges and the rise need samples", 20.0, 10000.0
    )
    max_peak_bw: float = quantity(
        6.0, "BW", "a larger running peak is not physical: NaN, reason implausible", 2.0, 20.0
    )


@dataclass(frozen=True)
class TrunkStrikeSettings(Stage):
    """Lower back: the heel-strike shock of each landing and the strike classes it gives (trunk_strike.py)."""

    TABLE = "trunk_strike"
    ORDERED = (("no_shock_ratio", "heel_shock_ratio"),)
    BELOW = (("shock_band_low_hz", "shock_band_high_hz"), ("transient_band_low_hz", "transient_band_high_hz"))

    shock_band_low_hz: float = quantity(
        20.0, "Hz", "lower edge of the shock band, above the body's motion and the soft-tissue mode", 5.0, 200.0
    )
    shock_band_high_hz: float = quantity(80.0, "Hz", "upper edge of the shock band (kept below 0.4 fs)", 10.0, 1000.0)
    transient_band_low_hz: float = quantity(
        12.0,
        "Hz",
        "lower edge of the transient band, where the heel's impact peak lives (a heel strike raises both)",
        5.0,
        200.0,
    )
    transient_band_high_hz: float = quantity(
        40.0, "Hz", "upper edge of the transient band (kept below 0.4 fs)", 10.0, 1000.0
    )
    landing_before_s: float = quantity(0.01, "s", "the landing window starts this long before the contact", 0.0, 0.1)
    landing_after_s: float = quantity(0.07, "s", "... and ends this long after it", 0.01, 0.3)
    background_after_s: float = quantity(
        0.1, "s", "the background window starts this long after the contact", 0.02, 0.5
    )
    background_end_before_s: float = quantity(0.02, "s", "... and ends this long before the next contact", 0.0, 0.2)
    heel_shock_ratio: float = quantity(
        2.5, "1", "landing / background shock RMS at or above which the landing is a heel strike", 1.0, 100.0
    )
    no_shock_ratio: float = quantity(
        1.5, "1", "at or below it the landing shows no heel shock (midfoot or forefoot)", 0.1, 100.0
    )
    habit_steps: int = quantity(7, "contacts", "running median of the ratio over this many contacts of a bout", 1, 101)
    forward_midfoot_probability: float = quantity(
        0.9, "probability", "forward, no heel shock: share of midfoot among non-heel landings (16.6 vs 1.7 %)", 0.5, 1.0
    )
    backward_forefoot_probability: float = quantity(
        0.9, "probability", "backward, no heel shock: share of forefoot landings (Roos et al. 2012)", 0.5, 1.0
    )
    min_rate_hz: float = quantity(200.0, "Hz", "the shock band needs this rate", 100.0, 10000.0)


@dataclass(frozen=True)
class BoutSettings(Stage):
    """Activity per step and the bouts table (bouts.py)."""

    TABLE = "bouts"

    max_contact_gap_s: float = quantity(
        1.5, "s", "contacts further apart end a bout (preset foot/shank: 3 s, one leg's contacts)", 0.3, 30.0
    )
    min_bout_steps: int = quantity(4, "contacts", "a bout holds at least this many contacts", 2, 1000)
    min_still_s: float = quantity(2.0, "s", "shortest still segment in the bouts table", 0.1, 600.0)
    running_cadence_spm: float = quantity(
        140.0, "steps/min", "running by cadence where no flight phase can be measured", 60.0, 250.0
    )
    running_duty_factor: float = quantity(
        0.5, "1", "foot/shank: contact time / stride time below this is running (flight)", 0.1, 0.9
    )
    turn_split_deg: float = quantity(
        135.0,
        "deg",
        "with gyro: a heading change this large between two contacts (turning round) ends a bout",
        10.0,
        360.0,
    )


@dataclass(frozen=True)
class DirectionSettings(Stage):
    """Run direction per step (direction.py; docs/direction_footstrike.md)."""

    TABLE = "direction"
    BELOW = (("turn_straight_deg", "turn_round_deg"),)

    unknown_below_confidence: float = quantity(0.7, "probability", "below it a step's direction is unknown", 0.5, 1.0)
    max_cue_log_odds: float = quantity(6.0, "log-odds", "no single cue claims more for one step", 0.1, 20.0)
    max_proxy_log_odds: float = quantity(
        3.0, "log-odds", "foot/shank + gyro: a rotation cue standing in for a stride vector claims this", 0.0, 20.0
    )
    max_frame_free_log_odds: float = quantity(
        1.0, "log-odds", "cap of the frame-free evidence per step (weak, correlated with strike)", 0.0, 20.0
    )
    stride_dx_scale_m: float = quantity(
        0.10, "m", "foot/shank + gyro: strapdown stride vector (each direction's share) per log-odds", 1e-3, 10.0
    )
    rest_acc_weight_dps_per_ms2: float = quantity(
        20.0, "deg/s per m/s^2", "stride rest: |omega| + this x | |a| - g | is least (preset shank: 100)", 0.0, 1e4
    )
    strapdown_block_rate_hz: float = quantity(
        50.0, "Hz", "stride vectors integrate over blocks at about this rate (exact sums; 3 cm off at 6 m/s)", 1.0, 1e4
    )
    max_rest_acc_deviation_ms2: float = quantity(
        3.0, "m/s^2", "a stride rest reads about 1 g: mean | |a| - g | over 40 ms above this is no rest", 0.0, 100.0
    )
    max_rest_rate_change_dps: float = quantity(
        60.0, "deg/s", "a stride's two rests turn at rates this close (a shank's mid-stance is not still)", 0.0, 1e4
    )
    max_stride_rise_m: float = quantity(
        0.3, "m", "a stride rising or falling more did not start and end at rest: no travel evidence", 0.01, 10.0
    )
    turn_straight_deg: float = quantity(
        45.0, "deg", "heading change between contacts up to which the gait is straight (curves)", 0.0, 360.0
    )
    turn_round_deg: float = quantity(
        135.0, "deg", "heading change between contacts from which the next direction is independent", 1.0, 360.0
    )
    evidence_temperature_factor: float = quantity(
        1.0, "1", "every step's evidence is multiplied by this before smoothing (calibration)", 0.05, 10.0
    )
    rotation_moment_scale_deg: float = quantity(
        3.0, "deg", "foot + gyro: stride rotation moment per log-odds", 1e-3, 100.0
    )
    swing_peak_scale_log_ratio: float = quantity(
        0.15, "ln-ratio", "shank + gyro: swing peak ratio per log-odds", 1e-3, 10.0
    )
    landing_impulse_scale_ms: float = quantity(0.25, "m/s", "foot, no gyro: landing impulse per log-odds", 1e-3, 10.0)
    early_stance_scale_ms2: float = quantity(
        1.0, "m/s^2", "lower back, running: early-stance anterior acceleration per log-odds", 1e-3, 100.0
    )
    braking_contrast_scale_ms2: float = quantity(
        1.0, "m/s^2", "lower back, walking: braking contrast per log-odds", 1e-3, 100.0
    )
    run_start_flight_g: float = quantity(
        0.4,
        "g",
        "lower back: vertical specific force below this between a walking contact and the next running one is"
        " a flight (the run's first step)",
        0.0,
        1.0,
    )
    missed_step_ratio: float = quantity(
        1.75,
        "typical steps",
        "lower back, walking: an interval between contacts this long holds a missed contact (split in steps)",
        1.5,
        10.0,
    )
    contact_phase_reversal_steps: float = quantity(
        0.5,
        "steps",
        "lower back, walking: a contact this far off the gait's phase reverses the braking contrast (no evidence); "
        "a step between two such contacts, at least this many median intervals apart, takes a bout end's switch odds",
        0.05,
        1.0,
    )
    vertical_phase_window_steps: float = quantity(
        2.0,
        "steps",
        "lower back, walking: a contact's phase in the vertical oscillation is taken over this many steps",
        1.0,
        10.0,
    )
    vertical_rhythm_min_fraction: float = quantity(
        0.5,
        "1",
        "lower back, walking: the step-frequency share of a window's vertical RMS below which it holds no step rhythm"
        " (no phase read; where a missed contact belongs: a pause)",
        0.0,
        1.0,
    )
    walking_min_rate_hz: float = quantity(
        30.0,
        "Hz",
        "lower back, walking: below it no braking evidence (contacts are not timed to the step's phase)",
        20.0,
        10000.0,
    )
    landing_asymmetry_scale_fraction: float = quantity(
        0.15, "stance fraction", "lower back, running: landing asymmetry per log-odds", 1e-3, 10.0
    )
    early_stance_fraction: float = quantity(
        0.3, "1", "lower back, running: braking window, share of the median contact time", 0.05, 1.0
    )
    tilt_window_s: float = quantity(
        2.0, "s", "lower back: moving mean removed from the acceleration (sensor tilt, gravity)", 0.2, 20.0
    )
    acceleration_vertical_fraction: float = quantity(
        1.0,
        "1",
        "lower back, walking: a step's mean anterior acceleration (a change of speed) is carried in proportion to the"
        " vertical force by this share; the braking contrast it could make is taken off the contrast (0: off)",
        0.0,
        2.0,
    )
    swing_floor_dps: float = quantity(
        20.0, "deg/s", "shank swing peak ratio: added to both peaks (no swing below it)", 0.1, 500.0
    )
    pitch_floor_deg: float = quantity(5.0, "deg", "pitch asymmetry: added to both pitch extremes", 0.01, 90.0)
    pause_stride_ratio: float = quantity(
        1.3, "1", "a same-leg interval this much longer than the next stride is a pause", 1.0, 10.0
    )
    max_stride_s: float = quantity(2.5, "s", "longer same-leg strides are pauses, not strides", 0.5, 20.0)
    bout_still_fraction: float = quantity(
        0.5,
        "1",
        "foot/shank own-bout cap: standing ends a bout where the limb lay still this share of the interval"
        " (a stride's foot-flat is shorter; DIRECTION-47)",
        0.0,
        1.0,
    )
    anatomy_scale_log_ratio: float = quantity(
        0.25, "ln-ratio", "facing: median pitch asymmetry per log-odds (preset shank: 0.1)", 1e-3, 10.0
    )
    anatomy_cap_log_odds: float = quantity(
        2.2, "log-odds", "facing: cap of the anatomical evidence (preset shank: 4)", 0.0, 20.0
    )
    strike_sharp_ms: float = quantity(
        16.0, "ms", "foot facing: impact transients narrower than this are heel landings", 1.0, 100.0
    )
    strike_width_scale_ms: float = quantity(
        4.0, "ms", "foot facing: transient width per unit of heel evidence", 0.1, 100.0
    )
    strike_angle_scale_deg: float = quantity(
        5.0, "deg", "foot facing: strike angle scale of tanh(angle / scale)", 0.1, 90.0
    )
    strike_facing_cap_log_odds: float = quantity(
        3.0, "log-odds", "foot facing: cap of the summed strike consistency", 0.0, 20.0
    )
    max_facing_log_odds: float = quantity(4.0, "log-odds", "the facing never claims more (p = 0.982)", 0.0, 20.0)
    conflict_log_odds: float = quantity(
        4.0, "log-odds", "known facing: frame-free cues contradicting the axis cues by this much (summed)...", 0.0, 1e3
    )
    conflict_cap_probability: float = quantity(
        0.5,
        "probability",
        "... cap every step's confidence at this (cues in conflict: even odds, no label)",
        1 / 3,
        1.0,
    )
    remount_facing_log_odds: float = quantity(
        3.0,
        "log-odds",
        "a stretch between standings whose own facing is this sure (p = 0.95) against another's: re-mounted",
        0.0,
        20.0,
    )
    remount_min_steps: int = quantity(
        10, "contacts", "a stretch decides its own facing from at least this many", 2, 10_000
    )
    switch_probability: float = quantity(
        0.01, "probability", "direction change between two consecutive contacts of a bout", 0.0, 0.5
    )
    pause_s: float = quantity(
        2.0,
        "s",
        "a longer pause between contacts makes the next direction independent (a walking trunk's missed steps:"
        " the chain over them)",
        0.1,
        60.0,
    )
    pause_median_intervals: float = quantity(
        3.0, "contact intervals", "... as does a pause longer than this many median intervals", 1.0, 100.0
    )
    standing_s: float = quantity(
        0.3, "s", "standing this long between two contacts is where a wearer turns", 0.05, 10.0
    )
    standing_std_ms2: float = quantity(
        0.04, "m/s^2", "standing: std of |acc| below this (sensor noise and postural sway)", 0.0, 2.0
    )
    standing_switch_probability: float = quantity(
        0.05,
        "probability",
        "direction change across standing between two contacts (lower back: or a change of gait, DIRECTION-31)",
        0.0,
        0.5,
    )
    unmeasured_cap_probability: float = quantity(
        0.8,
        "probability",
        "foot/shank: a contact whose own swing a recording gap took claims at most this (the label stays above"
        " unknown_below_confidence; DIRECTION-49)",
        1 / 3,
        1.0,
    )


@dataclass(frozen=True)
class FootStrikeSettings(Stage):
    """Foot strike per step (footstrike.py): angle classes (Mo et al. 2021) and impact-transient classes."""

    TABLE = "foot_strike"
    ORDERED = (
        ("forefoot_below_deg", "rearfoot_above_deg"),
        ("rearfoot_narrower_ms", "forefoot_wider_ms"),
    )

    rearfoot_above_deg: float = quantity(7.4, "deg", "foot-strike angle above this is rearfoot", -30.0, 45.0)
    forefoot_below_deg: float = quantity(-0.8, "deg", "foot-strike angle below this is forefoot", -45.0, 30.0)
    angle_error_deg: float = quantity(
        2.0,
        "deg",
        "foot + gyro: measurement error of the angle (mocap: median 0.9-1.7 deg); sets the confidence",
        0.1,
        20.0,
    )
    forefoot_max_prominence_fraction: float = quantity(
        0.15,
        "active-peak fraction",
        "foot/shank accelerometer: prominence below this is forefoot (no transient)",
        0.0,
        10.0,
    )
    rearfoot_narrower_ms: float = quantity(
        14.0, "ms", "foot/shank accelerometer: a transient narrower than this is rearfoot", 1.0, 200.0
    )
    forefoot_wider_ms: float = quantity(
        22.0, "ms", "foot/shank accelerometer: a transient wider than this is forefoot", 1.0, 200.0
    )
    min_rate_for_transient_hz: float = quantity(
        200.0, "Hz", "the accelerometer method needs this rate (Mitschke et al. 2017)", 50.0, 10000.0
    )
    facing_decided_probability: float = quantity(
        0.9, "probability", "unknown anterior sign: the angle's sign is trusted above this facing", 0.5, 1.0
    )


@dataclass(frozen=True)
class TransientSettings(Stage):
    """The landing's impact transient: stance windows, prominence, width (transient.py)."""

    TABLE = "transient"

    search_stance_fraction: float = quantity(
        0.2, "1", "the impact transient is looked for in this first share of stance", 0.05, 1.0
    )
    fallback_stance_s: float = quantity(0.25, "s", "stance length assumed without a toe-off", 0.05, 1.0)


@dataclass(frozen=True)
class AxisCheckSettings(Stage):
    """The reversed-anterior-axis note (axis_check.py)."""

    TABLE = "axis_check"

    min_known_steps: int = quantity(20, "steps", "checked when at least this many steps have a direction", 1, 100000)
    mostly_backward_fraction: float = quantity(0.8, "1", "... and at least this share of them reads backward", 0.5, 1.0)
    min_evidence_steps: int = quantity(
        10, "steps", "landing evidence needs this many backward-read running steps", 1, 100000
    )
    heel_share_fraction: float = quantity(
        0.5, "1", "share of them with a heel impact transient that says forward running", 0.0, 1.0
    )
    forward_landing_asymmetry_fraction: float = quantity(
        -0.03, "stance fraction", "lower back: median landing asymmetry at or below this is forward running", -0.5, 0.5
    )


@dataclass(frozen=True)
class QualitySettings(Stage):
    """Per-step quality flags (quality.py); ``low_rate`` is conventions.IMPACT_MIN_SAMPLE_RATE_HZ."""

    TABLE = "quality"

    pre_contact_s: float = quantity(0.05, "s", "margin before initial contact checked for clipping and gaps", 0.0, 1.0)
    default_step_span_s: float = quantity(
        0.3, "s", "a step without toe-off is checked over this span after initial contact", 0.01, 2.0
    )


@dataclass(frozen=True)
class EffortSettings(Stage):
    """The effort proxy, g/min (effort.py; docs/compare.md)."""

    TABLE = "effort"

    cutoff_hz: float = quantity(20.0, "Hz", "low-pass of the acceleration before differencing", 1.0, 200.0)
    max_step_window_s: float = quantity(
        1.5, "s", "a step window longer than this is a pause or a bout boundary", 0.2, 10.0
    )


@dataclass(frozen=True)
class GaitGateSettings(Stage):
    """Not gait is not steps: checks each run of contacts must pass (gait_gate.py), every placement."""

    TABLE = "gait_gate"

    min_periodicity_correlation: float = quantity(
        0.25,
        "correlation",
        "the run's |a| must repeat at the contacts' step (trunk) or stride (one leg) this strongly",
        -1.0,
        1.0,
    )
    lag_tolerance_fraction: float = quantity(
        0.3,
        "1",
        "the repetition is searched within this share of the lag the run's step gives (its median interval; a "
        "phone's: half its median stride or its median interval, PHONE-26, REVIEW-148)",
        0.05,
        0.5,
    )
    max_stride_cv_ratio: float = quantity(
        0.2,
        "1",
        "strides vary more than this (robust coefficient of variation) in no walk or run",
        0.0,
        10.0,
    )
    missed_tolerance_fraction: float = quantity(
        0.1, "1", "a stride this close to a whole number of steps more holds missed landings (stride CV)", 0.0, 0.5
    )
    quiet_window_s: float = quantity(0.2, "s", "window of the std of |a| that tells a quiet sensor", 0.02, 2.0)
    quiet_std_ms2: float = quantity(
        0.15, "m/s^2", "below this std of |a| over quiet_window_s the sensor is quiet", 0.0, 5.0
    )
    max_quiet_fraction: float = quantity(
        0.5, "1", "a run whose sensor is quiet longer than this share of it is not gait (a tapped table)", 0.0, 1.0
    )
    max_fast_correlation: float = quantity(
        0.6,
        "correlation",
        "a run whose |a| repeats faster than the shortest step this strongly (and more than per stride) is not gait",
        -1.0,
        1.0,
    )
    min_gait_kind_strides: float = quantity(
        4.0,
        "strides",
        "a run that changes gait kind or stride period is also judged piece by piece, each lasting this many strides",
        2.0,
        100.0,
    )
    clip_factor: float = quantity(
        4.0,
        "robust std",
        "a piece of a run that changes gait is clipped here before its repetition is read (a stepping turn's pivot)",
        1.0,
        100.0,
    )


@dataclass(frozen=True)
class PhoneStepSettings(Stage):
    """Steps of both legs where no leg-specific detector applies: phones, wrist, other (phone_steps.py)."""

    TABLE = "phone_steps"
    ORDERED = (("min_step_s", "max_step_s"), ("short_window_s", "window_s"))
    BELOW = (("band_low_hz", "band_high_hz"),)
    AT_LEAST = (("short_window_s", 2.0, "max_step_s", "a periodicity window must hold a stride of the longest steps"),)

    min_step_s: float = quantity(0.25, "s", "shortest step (240 steps/min): faster repetition is not gait", 0.1, 1.0)
    max_step_s: float = quantity(1.0, "s", "longest step (60 steps/min; slower is not continuous walking)", 0.3, 3.0)
    band_low_hz: float = quantity(0.3, "Hz", "lower edge of the band-pass of |a|", 0.05, 2.0)
    band_high_hz: float = quantity(4.0, "Hz", "upper edge of the band-pass of |a| (the step fundamental)", 1.0, 20.0)
    window_s: float = quantity(
        8.0, "s", "periodicity window: holds three strides of the slowest walk (two-stride lag + one)", 2.0, 60.0
    )
    short_window_s: float = quantity(
        4.0, "s", "second window that follows a change of gait (walk to run) the long one mixes", 1.0, 60.0
    )
    hop_s: float = quantity(0.25, "s", "hop between periodicity windows", 0.02, 10.0)
    strong_fraction: float = quantity(
        0.7, "1", "the stride is the first autocorrelation peak reaching this share of the highest", 0.1, 1.0
    )
    clip_factor: float = quantity(
        4.0, "robust std", "windows are clipped here so a knock does not dominate their correlation", 1.0, 100.0
    )
    seed_stride_correlation: float = quantity(
        0.6, "correlation", "a gait stretch starts where two consecutive strides are this alike", -1.0, 1.0
    )
    keep_step_correlation: float = quantity(
        0.4, "correlation", "... and goes on while steps or strides stay this alike (a turn)", -1.0, 1.0
    )
    min_rms_g: float = quantity(0.02, "g", "less movement than this in a window is not walking", 0.0, 5.0)
    max_fast_correlation: float = quantity(
        0.3,
        "correlation",
        "a window whose |a| repeats faster than the shortest step this strongly is not gait",
        -1.0,
        1.0,
    )
    max_gap_s: float = quantity(
        0.1, "s", "a recording gap longer than this ends a gait stretch (shorter: a late sample)", 0.0, 10.0
    )
    anchor_periods: float = quantity(
        1.4, "step periods", "an anchor is the highest peak within +- half of this", 0.5, 4.0
    )
    placement_periods: float = quantity(
        0.3,
        "step periods",
        "a step between anchors is the highest peak within this of where the rhythm puts it",
        0.0,
        0.5,
    )
    edge_prominence_fraction: float = quantity(
        0.3, "1", "stretch ends: an anchor this much smaller than the steps inside is not a step", 0.0, 1.0
    )
    rhythm_tolerance_fraction: float = quantity(
        0.25, "1", "stretch ends: anchors this far off a whole number of steps apart break the rhythm", 0.0, 0.5
    )
    edge_stride_correlation: float = quantity(
        0.5, "correlation", "stretch ends: an anchor whose stride is less alike the next is not gait", -1.0, 1.0
    )
    landing_cutoff_hz: float = quantity(20.0, "Hz", "low-pass of |a| before its steepest rise (landing)", 2.0, 100.0)
    landing_search_periods: float = quantity(
        0.5, "step periods", "the landing is the steepest rise of |a| this far before the step's peak", 0.05, 1.0
    )
    landing_strides: int = quantity(
        2,
        "strides",
        "a landing is read on its leg's mean rise over this many strides either side (0: the step's own)",
        0,
        10,
    )


@dataclass(frozen=True)
class AnalysisSettings:
    """Every analysis parameter: one frozen settings object per stage (field name = TOML table)."""

    preprocess: PreprocessSettings = PreprocessSettings()
    still: StillSettings = StillSettings()
    contacts: ContactsSettings = ContactsSettings()
    timing: TimingSettings = TimingSettings()
    impact: ImpactSettings = ImpactSettings()
    vgrf: VgrfSettings = VgrfSettings()
    bouts: BoutSettings = BoutSettings()
    direction: DirectionSettings = DirectionSettings()
    foot_strike: FootStrikeSettings = FootStrikeSettings()
    trunk_strike: TrunkStrikeSettings = TrunkStrikeSettings()
    transient: TransientSettings = TransientSettings()
    axis_check: AxisCheckSettings = AxisCheckSettings()
    quality: QualitySettings = QualitySettings()
    effort: EffortSettings = EffortSettings()
    gait_gate: GaitGateSettings = GaitGateSettings()
    phone_steps: PhoneStepSettings = PhoneStepSettings()

    @classmethod
    def for_placement(
        cls, placement: str, overrides: Mapping[str, Mapping[str, Any]] | None = None
    ) -> AnalysisSettings:
        """The preset of ``placement`` (:data:`PRESETS`), with ``overrides`` ({table: {key: value}}) applied."""
        if placement not in PRESETS:
            raise SettingsError(f"no settings preset for placement {placement!r}; presets: {', '.join(PRESETS)}")
        preset = PRESETS[placement]
        return preset.with_overrides(overrides) if overrides else preset

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> AnalysisSettings:
        """A copy with ``{table: {key: value}}`` replaced; unknown tables or keys, wrong types and values
        outside the bounds raise :class:`SettingsError` naming the table and key."""
        stages: dict[str, Stage] = {}
        for table, values in overrides.items():
            stage = stage_of(self, table)
            unknown = [key for key in values if key not in {f.name for f in fields(stage)}]  # type: ignore[arg-type]
            if unknown:
                raise SettingsError(f"[{table}] unknown key {unknown[0]!r}")
            stages[table] = replace(stage, **values)  # type: ignore[type-var]
        return replace(self, **stages)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{table: {key: value}}`` of every value (JSON- and TOML-ready), in declaration order."""
        return {f.name: getattr(self, f.name).to_dict() for f in fields(self)}

    @classmethod
    def from_dict(cls, values: Mapping[str, Mapping[str, Any]]) -> AnalysisSettings:
        """Settings from ``{table: {key: value}}``; missing tables and keys keep the defaults."""
        return cls().with_overrides(values)

    def digest(self) -> str:
        """Short sha256 (16 hex digits) of the canonical JSON of :meth:`to_dict`: equal settings, equal digest."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def stage_of(settings: AnalysisSettings, table: str) -> Stage:
    """The stage settings object named ``table`` (raises SettingsError for an unknown table)."""
    if table not in {f.name for f in fields(settings)}:
        raise SettingsError(f"unknown table [{table}]; tables: {', '.join(f.name for f in fields(settings))}")
    stage: Stage = getattr(settings, table)
    return stage


_TWO_LEGS = AnalysisSettings()
#: One leg's contacts are a stride apart: a bout breaks at twice the gap of both legs' contacts.
_ONE_LEG = replace(_TWO_LEGS, bouts=replace(_TWO_LEGS.bouts, max_contact_gap_s=3.0))

#: Placements without leg-specific physics count steps of both legs from |a| (phone_steps.py). The
#: algorithm needs no frame, so the phone presets hold the same values: nothing measured on the phone
#: traces called for a difference between pocket, armband, hand, neck pouch and bag (PHONE-2).
_PHONE = _TWO_LEGS

#: Placement presets (conventions.PLACEMENTS).
PRESETS: dict[str, AnalysisSettings] = {
    "foot": _ONE_LEG,
    # the knee flexes one way: the shank's pitch asymmetry is a firmer facing cue than the foot's
    # its stride rest is mid-stance, where it rotates over the ankle at 100-250 deg/s but does not accelerate
    # nor does it lie still through a stance of gait: its standing is a stop or a pivot stance, a bout end (REVIEW-83)
    "shank": replace(
        _ONE_LEG,
        direction=replace(
            _ONE_LEG.direction,
            anatomy_scale_log_ratio=0.1,
            anatomy_cap_log_odds=4.0,
            rest_acc_weight_dps_per_ms2=100.0,
            bout_still_fraction=0.0,
        ),
    ),
    "lower_back": _TWO_LEGS,
    "thigh": _PHONE,
    "arm": _PHONE,
    "hand": _PHONE,
    "chest": _PHONE,
    "bag": _PHONE,
    "wrist": _PHONE,
    "other": _PHONE,
}


def preset(placement: str) -> AnalysisSettings:
    """The preset of ``placement``; the two-leg defaults for a placement without one (stage defaults)."""
    return PRESETS.get(placement, _TWO_LEGS)


def settings_as_other(given: AnalysisSettings | None, declared: str) -> AnalysisSettings:
    """``other``'s preset with what ``given`` changes in the ``declared`` placement's preset (REVIEW-32): the CLI
    passes the declared placement's preset with the user's overrides, so ``given`` itself would analyse ``other``
    with the shank's or foot's preset (bouts split at 3 s gaps, not other's 1.5 s)."""
    other = preset("other")
    if given is None:
        return other
    base = preset(declared)
    stages: dict[str, Any] = {}
    for stage in fields(given):
        mine, declared_preset = getattr(given, stage.name), getattr(base, stage.name)
        changed = {
            f.name: getattr(mine, f.name)
            for f in fields(mine)
            if getattr(mine, f.name) != getattr(declared_preset, f.name)
        }
        if changed:
            stages[stage.name] = replace(getattr(other, stage.name), **changed)
    return replace(other, **stages)
