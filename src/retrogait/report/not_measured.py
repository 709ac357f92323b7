"""Why values are missing: the steps whose impact or vGRF is NaN, counted by the reason the analysis gave.

A NaN in steps.csv always comes with a reason (``impact_flags``, ``vgrf_flags``; docs/analysis.md). The
report says how many steps each reason cost, e.g. "loading rate not estimated on 282 steps: heel
transient (...)", so a reader knows why a number is missing and how many steps the others rest on.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

#: Per flag column, per reason: (values the reason leaves NaN, the reason in words).
REASONS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "impact_flags": {
        "no_impact_peak": ("peak impact and impact loading rate", "no impact peak (no positive acceleration)"),
    },
    "vgrf_flags": {
        "walking": ("vGRF peak and loading rate", "walking (no flight phase: the impulse model needs one)"),
        "below_min_rate": ("vGRF peak and loading rate", "sample rate too low to time the contact and its rise"),
        "no_contact_time": ("vGRF peak and loading rate", "no contact time measured"),
        "implausible": ("vGRF peak and loading rate", "estimate above the physically possible peak"),
        "heel_transient": (
            "vGRF loading rate",
            "heel transient (a heel-strike shock the sacrum cannot resolve; the peak is still estimated)",
        ),
    },
}


def reason_counts(flags: pd.Series) -> dict[str, int]:
    """How many rows carry each reason of a ``;``-separated flag column (a row may carry several)."""
    text = flags.fillna("").astype(str)
    reasons = text[text != ""].str.split(";").explode()
    counts = reasons[reasons != ""].value_counts()
    return {str(reason): int(n) for reason, n in counts.items()}


def not_measured_lines(steps: pd.DataFrame, noun: str = "steps") -> list[str]:
    """One line per reason found in the steps' flag columns, "<values> not estimated on N <noun>: <why>"
    (``noun`` in the plural: steps, contacts, landings), largest count first within each column; a reason
    not in REASONS is named as written."""
    lines: list[str] = []
    for column, reasons in REASONS.items():
        if column not in steps.columns:
            continue
        for reason, n in sorted(reason_counts(steps[column]).items(), key=lambda item: -item[1]):
            values, why = reasons.get(reason, (column.removesuffix("_flags") + " values", reason))
            lines.append(f"{values} not estimated on {n} {noun.removesuffix('s') if n == 1 else noun}: {why}")
    return lines
