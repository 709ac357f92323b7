"""What a comparison is: its settings, its result and the rules of inference it follows.

Shared by :mod:`retrogait.compare.core` (which computes a :class:`Comparison`) and
:mod:`retrogait.compare.sentences` (which puts it into words), so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

import pandas as pd

from retrogait._version import __version__
from retrogait.compare.fairness import MatchInfo, MatchOn
from retrogait.compare.inputs import SourceInfo
from retrogait.jsontext import finite

#: compare.csv's ``subset`` of the steps no flag of which spoils the metric (they may carry flags that spoil other
#: metrics, or ``no_gyro``, ``bridged``, ``quantised``, ``remounted``, which spoil none). It said "clean steps", while
#: compare.json's ``clean`` counts the steps without any flag: one word, two meanings (EDGE-211, docs/conventions.md).
USABLE_SUBSET: Final = "usable steps"
#: The subset of the steps a flag of which spoils the metric (``--flagged separate``).
FLAGGED_SUBSET: Final = "flagged steps only"

#: Fewest steps per direction for an interval and a test (single-session comparisons). Why 20: the
#: percentile bootstrap interval of a mean undercovers for small samples (about 93 % instead of 95 %
#: at n = 20, under 90 % below n = 10), a mean of fewer than ~10-20 steps of tibial acceleration is not
#: a stable within-runner value, and a test on a handful of steps answers nothing worth a p-value.
MIN_STEPS_FOR_INFERENCE: Final = 20
#: Fewest sessions/subjects (pairs) per direction for an interval and a test. Why 6: with 5 pairs the
#: exact Wilcoxon signed-rank test cannot reach p < 0.05 however large the effect, and a bootstrap over
#: fewer than 6 clusters has only a few hundred distinct resamples.
MIN_CLUSTERS_FOR_INFERENCE: Final = 6
#: A session's (subject's) mean of one direction needs at least this many valid steps to be used.
MIN_STEPS_PER_CLUSTER: Final = 5
#: Significance level of the tests and 1 - confidence of the intervals.
ALPHA: Final = 0.05

Unit = Literal["auto", "steps", "sessions", "subjects"]
FlaggedSteps = Literal["exclude", "separate"]
DIRECTION_PAIR: Final = ("forward", "backward")


@dataclass(frozen=True)
class CompareSettings:
    """How a comparison was made (all recorded in compare.json)."""

    unit: Unit = "auto"
    match: MatchOn | None = None
    flagged: FlaggedSteps = "exclude"
    activity: str | None = "running"
    n_boot: int = 2000
    confidence: float = 1.0 - ALPHA
    alpha: float = ALPHA
    seed: int = 0


@dataclass
class Comparison:
    """Result of :func:`compare_directions`.

    Attributes:
        table: one row per metric (and per subset when flagged steps are reported separately); columns
            in docs/compare.md.
        level: resolved unit of analysis: ``steps``, ``sessions`` or ``subjects``.
        unit_reason: why that unit, in plain words (printed and in the report).
        noun: what one row of the steps table is: ``contacts`` (one-leg placements), ``steps`` or
            ``landings`` (placement unknown); docs/conventions.md.
        flag_counts: steps per direction, clean and per quality flag (before any exclusion).
        excluded: steps left out before the comparison, by reason (direction sideways, direction unknown,
            not running).
        steps: the steps that entered the comparison (after activity filter and matching).
        sources, match, caveats, settings: provenance, matching summary, caveat sentences, settings.
    """

    table: pd.DataFrame
    level: str
    flag_counts: pd.DataFrame
    excluded: dict[str, int]
    steps: pd.DataFrame
    sources: list[SourceInfo] = field(default_factory=list)
    unit_reason: str = ""
    noun: str = "steps"
    match: MatchInfo | None = None
    caveats: list[str] = field(default_factory=list)
    settings: CompareSettings = field(default_factory=CompareSettings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None)."""
        return finite(
            {
                "retrogait_version": __version__,  # the comparison's; each source says how it was analysed
                "level": self.level,
                "unit_of_analysis": {"level": self.level, "reason": self.unit_reason, "observations": self.noun},
                "settings": self.settings.__dict__,
                "sources": [s.to_dict() for s in self.sources],
                "excluded_steps": self.excluded,
                "quality_flags": self.flag_counts.to_dict(orient="records"),
                "match": None if self.match is None else self.match.__dict__,
                "metrics": self.table.to_dict(orient="records"),
                "caveats": self.caveats,
            }
        )
