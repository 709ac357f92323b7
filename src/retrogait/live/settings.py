"""Settings of the live path in the shape of ``retrogait.analysis.settings``: frozen dataclasses whose
fields are physical quantities (``quantity(default, unit, doc, lo, hi)``, checked on creation; a bad
value is a one-line :class:`~retrogait.analysis.settings.SettingsError`). The analysis stages the
online detector runs take the placement's ``AnalysisSettings`` unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from retrogait.analysis.settings_fields import Stage, quantity


@dataclass(frozen=True)
class OnlineSettings(Stage):
    """Which samples each analysis sees and when a contact found in it is final (live/online.py, LIVE-6).

    The window ends on a grid of ``hop_s`` from the first sample, so what a contact is decided on does
    not depend on when packets arrive or threads run. ``window_s`` is short enough that its local
    stride estimate follows a change of gait within a few strides (the landing search reaches back
    0.45 strides from mid-stance) and long enough for two strides of a slow walk.
    """

    TABLE = "online"

    window_s: float = quantity(4.0, "s", "each analysis sees the newest samples of this span", 2.0, 120.0)
    transition_window_s: float = quantity(
        8.0,
        "s",
        "a window holding standing (a start or a stop), or whose gait gate keeps no contact while contacts wait (a"
        " change of gait), reaches back this far over the gait next to it",
        2.0, 120.0,
    )  # fmt: skip
    hop_s: float = quantity(0.5, "s", "analyses end on a grid this far apart, counted from the first sample", 0.01, 5.0)
    lookahead_strides: float = quantity(
        1.0, "strides", "a contact is final once the window holds the contacts of this many strides after it", 0.0, 4.0
    )
    max_wait_s: float = quantity(2.0, "s", "...or this long after it without them (the wearer stopped)", 0.2, 10.0)
    min_separation_s: float = quantity(
        0.11, "s", "a contact this close to a committed one is that contact found again (half the shortest step)",
        0.01, 1.0,
    )  # fmt: skip
    still_reference_s: float = quantity(
        1.5, "s", "latest still samples kept and put in front of a window with fewer (standing frame)", 0.25, 10.0
    )
    max_catch_up: int = quantity(
        8, "windows", "grid windows analysed in a row when behind; older ones are skipped (counted)", 1, 1000
    )


@dataclass(frozen=True)
class TriggerSettings(Stage):
    """The causal impact trigger: when a landing is recognised as the samples arrive (live/trigger.py, LIVE-7).

    The impact value and its window are the offline ones (impact.py); these settings only say where a
    landing begins: after ``gate_airborne_fraction`` of the typical swing (or flight) since the last
    toe-off, at the first sample whose impact-axis jerk reaches ``landing_jerk_fraction`` of the
    recent landings' (the landing is the sharpest change of the stride: the ground stops the segment).
    """

    TABLE = "trigger"

    gate_airborne_fraction: float = quantity(
        0.7, "1", "a landing is looked for once this share of the typical swing since the last toe-off passed",
        0.0, 1.0,
    )  # fmt: skip
    landing_jerk_fraction: float = quantity(
        0.8, "1", "a landing: the impact-axis jerk reaches this share of the recent landings' median", 0.05, 1.0
    )
    history_contacts: int = quantity(8, "contacts", "recent contacts whose timing and landing jerk are used", 3, 100)
    air_event_end_fraction: float = quantity(
        0.5,
        "1",
        "foot, shank: after a slow event from the air (the braking before a soft landing, IMPACT-9), a smaller "
        "rise starting below this share of the event's peak is the ground's (the event ended at the touch): its "
        "cue need not wait for the window's end",
        0.0,
        1.0,
    )


@dataclass(frozen=True)
class FeedbackSettings(Stage):
    """Impact feedback: which contacts give a cue and how it sounds (Wood & Kipp 2014; live/feedback.py).

    ``target_g`` > 0 is an absolute target (g above 1 g, the unit of ``impact_peak_g``); 0 means the
    target is ``target_drop_pct`` below the baseline, the median impact of the first ``baseline_steps``
    contacts (no cue while it is taken).
    """

    TABLE = "feedback"
    ORDERED = (("base_pitch_hz", "max_pitch_hz"),)

    target_g: float = quantity(0.0, "g", "absolute impact target; 0: a drop from the baseline", 0.0, 100.0)
    target_drop_pct: float = quantity(10.0, "%", "target as a drop below the baseline impact", 0.0, 90.0)
    baseline_steps: int = quantity(20, "contacts", "contacts whose median impact is the baseline", 1, 10000)
    base_pitch_hz: float = quantity(440.0, "Hz", "pitch of a cue at the target", 50.0, 8000.0)
    pitch_per_excess_pct: float = quantity(
        0.25, "semitones/%", "pitch rise per percent of excess over the target", 0.0, 12.0
    )
    max_pitch_hz: float = quantity(1760.0, "Hz", "highest cue pitch", 50.0, 8000.0)
    cue_duration_s: float = quantity(0.08, "s", "length of one audio cue", 0.01, 2.0)
