"""The metrics compared between run directions, and which quality flags make a step's value unusable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from retrogait.analysis.effort import EFFORT_COLUMN

#: Quality flags of docs/conventions.md counted in compare's flag table (``bridged``: a sample within the step
#: interpolated over a missing acceleration value, EDGE-197; it spoils no metric here, the analysis already left the
#: impact values it could move NaN, REVIEW-57, EDGE-204; ``no_gyro``: found without the gyroscope in a stretch it
#: missed, GYRO-1; it spoils no metric, the direction of such a step is the accelerometer's; ``quantised``: its contact
#: or impact moves with the acceleration's rounding, HONEST-8, and ``remounted``: recorded after a re-mount, MOUNT-1/2,
#: spoil none either, EDGE-206: every flag of docs/conventions.md's ``quality_flags``, so that ``clean`` is clean).
QUALITY_FLAGS: Final = ("clipped", "low_rate", "gap", "bridged", "no_gyro", "quantised", "remounted")

#: Flags that spoil an acceleration peak or rate: a clipped or undersampled peak is underestimated,
#: and a gap can hide it.
_PEAK_FLAGS: Final = ("clipped", "low_rate", "gap")
#: Flags that spoil a timing: a gap shifts or hides a contact. Clipping and a low rate do not.
_TIMING_FLAGS: Final = ("gap",)


@dataclass(frozen=True)
class Metric:
    """One compared quantity.

    Attributes:
        name: key in compare.csv/json (the steps column for continuous metrics).
        column: steps column the values come from.
        label: plain words for sentences ("peak impact acceleration").
        unit: unit of the values ("g"; "share" for foot-strike shares, which are 0..1 per step).
        kind: ``continuous`` (difference in % of forward) or ``share`` (difference in percentage points).
        spoiled_by: quality flags that exclude a step's value from this metric.
        strike: for shares, the ``foot_strike`` class counted.
        aggregate: how a group of values becomes one number: ``mean``, or ``cadence`` (the values are step
            times within bouts, s, and the group's number is 60 / their mean, steps/min: the one cadence
            definition of ``retrogait.analysis.aggregate``, as in summary.json).
    """

    name: str
    column: str
    label: str
    unit: str
    kind: Literal["continuous", "share"]
    spoiled_by: tuple[str, ...]
    strike: str | None = None
    aggregate: Literal["mean", "cadence"] = "mean"


METRICS: Final = (
    Metric("impact_peak_g", "impact_peak_g", "peak impact acceleration", "g", "continuous", _PEAK_FLAGS),
    Metric(
        "impact_loading_rate_g_per_s",
        "impact_loading_rate_g_per_s",
        "impact loading rate",
        "g/s",
        "continuous",
        _PEAK_FLAGS,
    ),
    Metric("vgrf_peak_bw", "vgrf_peak_bw", "estimated peak vertical ground force", "BW", "continuous", _PEAK_FLAGS),
    Metric(
        "vgrf_loading_rate_bw_per_s",
        "vgrf_loading_rate_bw_per_s",
        "estimated vertical loading rate",
        "BW/s",
        "continuous",
        _PEAK_FLAGS,
    ),
    Metric("cadence_spm", "step_time_s", "cadence", "steps/min", "continuous", _TIMING_FLAGS, aggregate="cadence"),
    Metric("contact_time_s", "contact_time_s", "ground contact time", "s", "continuous", _TIMING_FLAGS),
    Metric(
        EFFORT_COLUMN,
        EFFORT_COLUMN,
        "effort proxy (accumulated change of acceleration)",
        "g/min",
        "continuous",
        ("clipped", "gap"),
    ),
    Metric(
        "rearfoot_share",
        "foot_strike",
        "share of rearfoot (heel-first) landings",
        "share",
        "share",
        ("clipped", "gap"),
        "rearfoot",
    ),
    Metric(
        "midfoot_share", "foot_strike", "share of midfoot landings", "share", "share", ("clipped", "gap"), "midfoot"
    ),
    Metric(
        "forefoot_share",
        "foot_strike",
        "share of forefoot (ball-first) landings",
        "share",
        "share",
        ("clipped", "gap"),
        "forefoot",
    ),
)

METRICS_BY_NAME: Final = {m.name: m for m in METRICS}
