"""Settings of the live path, as frozen dataclasses whose fields are physical quantities with units
in their names (the shape of ``retrogait.analysis.settings``; the analysis itself keeps its own)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OnlineSettings:
    """When the rolling window is analysed and when a contact found in it is final.

    Attributes:
        window_s: length of the rolling window handed to the offline stages (s). The lower-back
            step period is estimated over 6 s windows (``filters.PERIOD_WINDOW_S``), the vertical over
            the still or whole window: 8 s holds several strides at a walk.
        commit_after_toe_off_s: a contact is final once its toe-off lies this far inside the window
            (s): the stance is complete, so its impact window (first half of stance) is complete too.
        max_wait_s: a contact without a toe-off (lower-back walking, no gyroscope) is final this long
            after its initial contact (s).
        min_separation_s: a contact within this of one already committed is the same contact found
            again (its estimate may move by a sample between windows) (s); half the shortest step.
        hop_s: the window is analysed at least this often while samples arrive (s).
        min_interval_s: ...and at most this often (s), so that a burst of packets costs one analysis.
        still_reference_s: how much of the latest still stretch is kept and put in front of a window
            without one, so the window is analysed in the standing frame of the recording (s); the
            offline vertical needs at least 50 still samples, preprocessing's still test 1 s windows.
    """

    window_s: float = 8.0
    commit_after_toe_off_s: float = 0.03
    max_wait_s: float = 0.5
    min_separation_s: float = 0.11
    hop_s: float = 0.25
    min_interval_s: float = 0.04
    still_reference_s: float = 1.5

    def __post_init__(self) -> None:
        for name in ("window_s", "max_wait_s", "min_separation_s", "hop_s", "min_interval_s", "still_reference_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"OnlineSettings.{name} must be positive")


@dataclass(frozen=True)
class FeedbackSettings:
    """Impact feedback: which contacts give a cue and how it sounds (Wood & Kipp 2014 design).

    Attributes:
        target_g: absolute target for the impact peak (g above 1 g); contacts above it are cued.
        target_drop_pct: target as a drop from the baseline (% below the median impact of the first
            ``baseline_steps`` contacts); used when ``target_g`` is None.
        baseline_steps: contacts whose median impact is the baseline (no cues while it is taken).
        base_pitch_hz: pitch of a cue at the target (Hz).
        pitch_per_excess_pct: pitch rise per percent of excess over the target (semitones per %).
        max_pitch_hz: highest cue pitch (Hz).
        cue_duration_s: length of one audio cue (s).
    """

    target_g: float | None = None
    target_drop_pct: float | None = 10.0
    baseline_steps: int = 20
    base_pitch_hz: float = 440.0
    pitch_per_excess_pct: float = 0.25
    max_pitch_hz: float = 1760.0
    cue_duration_s: float = 0.08

    def __post_init__(self) -> None:
        if self.target_g is not None and not self.target_g > 0:
            raise ValueError("target_g must be positive (g above 1 g)")
        if self.target_g is None and (self.target_drop_pct is None or not 0 <= self.target_drop_pct < 100):
            raise ValueError("target_drop_pct must be in [0, 100) when no target_g is given")
        if self.baseline_steps < 1:
            raise ValueError("baseline_steps must be at least 1")
