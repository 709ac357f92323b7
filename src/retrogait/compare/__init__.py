"""Forward versus backward running: honest statistics per metric (see docs/compare.md).

Entry points: :func:`compare_directions` (a steps DataFrame in, a :class:`Comparison` out),
:func:`load_inputs` (recordings and analysis outputs into one steps table), :func:`check_comparable`
(like with like), :func:`effort_per_minute` (the effort proxy, from raw acceleration).
"""

from retrogait.analysis.effort import EFFORT_COLUMN, effort_for_steps, effort_per_minute
from retrogait.compare.core import compare_directions
from retrogait.compare.design import (
    MIN_CLUSTERS_FOR_INFERENCE,
    MIN_STEPS_FOR_INFERENCE,
    CompareSettings,
    Comparison,
)
from retrogait.compare.fairness import check_comparable, match_steps
from retrogait.compare.inputs import SourceInfo, load_input, load_inputs
from retrogait.compare.metrics import METRICS, Metric

__all__ = [
    "EFFORT_COLUMN",
    "METRICS",
    "MIN_CLUSTERS_FOR_INFERENCE",
    "MIN_STEPS_FOR_INFERENCE",
    "CompareSettings",
    "Comparison",
    "Metric",
    "SourceInfo",
    "check_comparable",
    "compare_directions",
    "effort_for_steps",
    "effort_per_minute",
    "load_input",
    "load_inputs",
    "match_steps",
]
