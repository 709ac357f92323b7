"""Settings of the live path in the shape of ``retrogait.analysis.settings``: frozen dataclasses whose
fields are physical quantities (``quantity(default, unit, doc, lo, hi)``, checked on creation; a bad
value is a one-line :class:`~retrogait.analysis.settings.SettingsError`). The analysis stages the
online detector runs take the placement's ``AnalysisSettings`` unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from retrogait.analysis.settings_fields import Stage, quantity


@dataclass(frozen=True)
class OnlineSettings(Stage):
    """When the rolling window is analysed and when a contact found in it is final (live/online.py).

    The lower-back step period is estimated over 6 s windows and the vertical over the still or whole
    window: 8 s holds several strides at a walk. A contact is final once its toe-off lies
    ``commit_after_toe_off_s`` inside the window (the stance, so its impact window of half a stance,
    is complete), or ``max_wait_s`` after it without a toe-off.
    """

    TABLE = "online"
    ORDERED = (("min_interval_s", "hop_s"),)

    window_s: float = quantity(8.0, "s", "rolling window handed to the offline stages", 2.0, 120.0)
    commit_after_toe_off_s: float = quantity(
        0.03, "s", "a contact is final once its toe-off lies this far inside the window", 0.0, 1.0
    )
    max_wait_s: float = quantity(
        0.5, "s", "...or this long after it when no toe-off is found (lower-back walking, no gyro)", 0.05, 3.0
    )
    min_separation_s: float = quantity(
        0.11, "s", "a contact this close to a committed one is that contact found again (half the shortest step)",
        0.01, 1.0,
    )  # fmt: skip
    hop_s: float = quantity(0.25, "s", "the window is analysed at least this often while samples arrive", 0.01, 5.0)
    min_interval_s: float = quantity(0.04, "s", "...and at most this often", 0.001, 5.0)
    still_reference_s: float = quantity(
        1.5, "s", "latest still stretch kept and put in front of a window without one (standing frame)", 0.25, 1e9
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
