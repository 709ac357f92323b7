"""Plain-language sentences: one per metric with its uncertainty, and the caveats of a comparison."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from retrogait.compare.design import MIN_CLUSTERS_FOR_INFERENCE, MIN_STEPS_FOR_INFERENCE, Comparison
from retrogait.compare.fairness import provenance_notes
from retrogait.conventions import IMPACT_MIN_SAMPLE_RATE_HZ, STEP_COUNT_PLACEMENTS
from retrogait.rate import meets_rate

if TYPE_CHECKING:
    import pandas as pd

#: What the impact numbers of each placement can and cannot say.
PLACEMENT_LIMITS: Final = {
    "shank": (
        "Tibial acceleration follows the loading rate within one runner over many steps (r about 0.7), "
        "not step by step and not between people; it is not a knee force. Tibial acceleration in backward "
        "running has not been published yet."
    ),
    "foot": (
        "Foot acceleration peaks are the least damped signal and depend on how firmly the sensor is "
        "attached; they describe the landing, not the load at the knee."
    ),
    "lower_back": (
        "Ground force is estimated from the sacrum; single-sensor estimates of the first force peak have "
        "limits of agreement beyond ±65 %, and side and foot strike are estimated, not measured."
    ),
    **{
        p: "A phone shows steps and cadence only; its acceleration peaks do not describe the leg."
        for p in ("thigh", "arm", "hand", "chest", "bag")
    },
    "wrist": "A wrist sensor shows cadence only; its acceleration peaks do not describe the leg.",
    "other": "This placement shows cadence only; its acceleration peaks do not describe the leg.",
}


def number(value: float) -> str:
    """A value with three significant digits (no exponent for ordinary gait numbers)."""
    if not math.isfinite(value):
        return "n/a"
    text = f"{value:.3g}"
    if "e" in text:
        text = f"{value:.0f}"
    return text


def _pct(value: float) -> str:
    return f"{abs(value):.0f}" if abs(value) >= 10 else f"{abs(value):.1f}"


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + _pct(value)


def format_p(p: float, bound: bool = False) -> str:
    """``p < 0.001``, ``p = 0.034``, or ``p ≤ 0.010`` when ``bound``: no resample was as extreme as the data,
    so ``p`` is the smallest p-value the resamples can show, not the p-value (USER-6)."""
    if p < 0.001:
        return "p < 0.001"
    return f"p ≤ {p:.3f}" if bound else f"p = {p:.3f}"


def p_text(row: Mapping[Any, Any]) -> str:
    """The p-value of a comparison row in words (:func:`format_p`)."""
    return format_p(float(row["p_value"]), bool(row.get("p_value_is_bound", False)))


def metric_sentence(row: Mapping[str, Any], confidence: float = 0.95, noun: str = "steps") -> str:
    """One plain sentence for a comparison row: direction and size of the difference, its interval,
    the test and how many ``noun`` (contacts, steps; or sessions/subjects) it rests on."""
    label = str(row["label"])
    label_cap = label[0].upper() + label[1:]
    unit = "" if row["unit"] == "share" else f" {row['unit']}"
    share = row["kind"] == "share"
    n_f, n_b = int(row["n_forward"]), int(row["n_backward"])
    mean_f, mean_b = float(row["mean_forward"]), float(row["mean_backward"])
    level_text = f"{n_f} forward and {n_b} backward {noun}"
    if row["level"] in ("sessions", "subjects"):
        clusters = f"{row['clusters_forward']:.0f}/{row['clusters_backward']:.0f}"
        level_text += f" in {clusters} {row['level']}"
    means = (
        f"{100 * mean_b:.0f} % of backward vs {100 * mean_f:.0f} % of forward {noun}"
        if share
        else f"{number(mean_b)} vs {number(mean_f)}{unit}"
    )
    diff = float(row["difference"])
    diff_unit = " percentage points" if share else " %"
    if row["note"] and not math.isfinite(float(row["p_value"])):
        if n_f == 0 and n_b == 0:
            return f"{label_cap}: {row['note']}."
        if n_f == 0 or n_b == 0:
            have = "forward" if n_f else "backward"
            mean = mean_f if n_f else mean_b
            shown = f"{100 * mean:.0f} %" if share else f"{number(mean)}{unit}"
            return f"{label_cap}: {row['note']} ({have}: {shown} over {max(n_f, n_b)} {noun})."
        if math.isfinite(diff):
            higher = "higher" if diff >= 0 else "lower"
            return (
                f"{label_cap}: backward {_pct(diff)}{diff_unit} {higher} than forward ({means}), "
                f"but {row['note']}, so this is a description, not evidence."
            )
        return f"{label_cap}: {row['note']}."
    ci = f"{confidence * 100:.0f} % CI {_signed(float(row['ci_low']))} to {_signed(float(row['ci_high']))}{diff_unit}"
    test = f"{row['test']}, {p_text(row)}"
    if row["significant"]:
        higher = "higher" if diff > 0 else "lower"
        return (
            f"{label_cap} was {_pct(diff)}{diff_unit} {higher} running backward ({means}; {ci}; {test}; {level_text})."
        )
    return (
        f"{label_cap}: no clear difference between directions (backward {_signed(diff)}{diff_unit}, {ci}; "
        f"{means}; {test}; {level_text})."
    )


def caveats_for(comparison: Comparison) -> list[str]:
    """The caveats of a comparison, in plain words: independence, sample rate, clipping, number of
    steps, placement limits, speed, the effort proxy and multiple testing."""
    out: list[str] = [comparison.unit_reason]
    noun = comparison.noun
    if noun == "contacts":
        out.append(
            "Each observation is a contact: a landing of the leg wearing the sensor; the steps of both legs are "
            "about twice as many. Cadence is in steps of both legs per minute."
        )
    n_dir = comparison.steps["direction"].value_counts()
    excluded = ", ".join(f"{v} ({k})" for k, v in comparison.excluded.items() if v)
    out.append(
        f"{int(n_dir.get('forward', 0))} forward and {int(n_dir.get('backward', 0))} backward {noun} entered the "
        f"comparison" + (f"; left out: {excluded}" if excluded else "") + ". Intervals and tests need at least "
        f"{MIN_STEPS_FOR_INFERENCE} {noun} per direction ({MIN_CLUSTERS_FOR_INFERENCE} sessions or subjects when "
        "several are compared); below that only descriptions are given."
    )
    rates = sorted({s.sample_rate_hz for s in comparison.sources if s.sample_rate_hz})
    if rates:
        rate_text = ", ".join(f"{r:g} Hz" for r in rates)
        if not meets_rate(rates[0], IMPACT_MIN_SAMPLE_RATE_HZ):
            out.append(
                f"Sampled at {rate_text}: below {IMPACT_MIN_SAMPLE_RATE_HZ:.0f} Hz impact peaks are underestimated "
                f"({noun} flagged low_rate are left out of impact metrics); cadence and timing remain usable."
            )
        else:
            out.append(
                f"Sampled at {rate_text} (at least {IMPACT_MIN_SAMPLE_RATE_HZ:.0f} Hz is needed for impact peaks)."
            )
    else:
        out.append("The sample rate is not known for these inputs; impact peaks need at least 200 Hz.")
    fc = comparison.flag_counts.set_index("direction") if len(comparison.flag_counts) else None
    clipped = int(fc["clipped"].sum()) if fc is not None else 0
    ranges = sorted({s.acc_range_g for s in comparison.sources if s.acc_range_g})
    range_text = f" (range ±{ranges[0]:g} g)" if len(ranges) == 1 else ""
    handling = (
        "reported separately" if comparison.settings.flagged == "separate" else "left out of the metrics they spoil"
    )
    if fc is not None:
        per_flag = "; ".join(
            f"{flag}: {int(fc[flag].get('forward', 0))} forward, {int(fc[flag].get('backward', 0))} backward"
            for flag in ("clipped", "low_rate", "gap")
        )
        out.append(f"Quality flags{range_text}: {per_flag}; flagged {noun} are {handling}.")
    no_gyro = int(fc["no_gyro"].sum()) if fc is not None else 0
    if no_gyro:
        out.append(
            f"{no_gyro} {noun} were found without the gyroscope, in stretches it missed (flagged no_gyro): their "
            "direction and foot strike come from the acceleration alone (more often unknown)."
        )
    quantised = (
        (0, 0) if fc is None else (int(fc["quantised"].get("forward", 0)), int(fc["quantised"].get("backward", 0)))
    )
    if any(quantised):  # EDGE-206
        out.append(
            f"{quantised[0]} forward, {quantised[1]} backward {noun} are flagged quantised: the acceleration is "
            "recorded in steps coarser than the sensor's noise, and their contact or impact peak moves when the "
            "samples move within their steps (HONEST-8); they are compared as the others, so a small difference may "
            "be the rounding's."
        )
    bridged = _bridged_counts(comparison.steps)
    if bridged is not None:  # REVIEW-57: what a bridged landing's NaN impact values do to the metrics' n
        out.append(
            f"{bridged[0]} forward, {bridged[1]} backward {noun} hold a missing acceleration value the analysis "
            "bridged near their landing (impact_flags bridged, EDGE-197): their impact peak and loading rates are "
            "NaN and left out of those metrics (their n is smaller); cadence and timing keep them."
        )
    if clipped:
        out.append(
            f"{clipped} {noun} reached the sensor's full scale{range_text}: their true peaks are higher than "
            "recorded, and harder landings clip more often, which biases a comparison toward no difference."
        )
    out.extend(provenance_notes(comparison.sources, comparison.steps))  # USER-1, COMPARE-13
    placements = sorted({s.placement for s in comparison.sources if s.placement})
    if placements:
        out.append(PLACEMENT_LIMITS.get(placements[0], ""))
    else:
        out.append("The placement is not known: impact values cannot be interpreted without it.")
    if comparison.match is None:
        out.append(
            "Speed was not controlled: tibial acceleration rises with speed (about +38 % from 2.7 to 3.7 m/s), so "
            "if backward running was slower, part of a difference is speed. --match cadence compares landings of "
            "equal cadence."
        )
    else:
        m = comparison.match
        out.append(
            f"Matched on {m.on} in bins of {m.bin_width:g} within each session: kept "
            f"{m.after.get('forward', 0)} of {m.before.get('forward', 0)} forward and {m.after.get('backward', 0)} "
            f"of {m.before.get('backward', 0)} backward {noun}. The comparison is at equal {m.on}, which is not "
            "how people choose to run backward."
        )
    out.append(
        "The effort proxy is the accumulated change of acceleration per minute (g/min) at the sensor: a proxy of "
        "mechanical activity, not energy or calories (measured metabolic cost of backward running is about +35 %)."
    )
    out.append(
        "Several metrics are tested at 5 % each: about one in twenty comparisons of equal directions comes out "
        "'significant' by chance."
    )
    return [c for c in out if c]


def left_out_text(comparison: Comparison, *, options: bool = True) -> str:
    """The steps left out and why (``120 steps direction unknown``), with how to keep them (``options``: the
    option of ``retrogait compare`` that does), or ''."""
    left_out = ", ".join(f"{n} steps {reason}" for reason, n in comparison.excluded.items() if n)
    hint = options and any(k.startswith("not ") for k, n in comparison.excluded.items() if n)
    return left_out + (" (--activity any keeps them)" if left_out and hint else "")


def nothing_to_compare(comparison: Comparison, *, options: bool = True) -> str | None:
    """Why ``comparison`` compares nothing (no forward or no backward steps entered it), or None.

    ``retrogait compare`` refuses such a comparison, exit 2 and nothing written (EDGE-92); a batch's cohort
    comparison leaves that group out with this line (EDGE-98)."""
    directions = comparison.steps.get("direction")
    counts = {d: int((directions == d).sum()) if directions is not None else 0 for d in ("forward", "backward")}
    if all(counts.values()):
        return None
    text = (
        f"nothing to compare: {counts['forward']} forward and {counts['backward']} backward {comparison.noun} "
        "entered the comparison"
    )
    if comparison.match is not None:  # how many steps the matching kept (USER-9)
        m = comparison.match
        kept = ", ".join(f"{m.after.get(d, 0)} of {m.before.get(d, 0)} {d}" for d in ("forward", "backward"))
        text += f"; matched on {m.on} in bins of {m.bin_width:g} within each session: kept {kept} {comparison.noun}"
    if left_out := left_out_text(comparison, options=options):
        text += f"; left out: {left_out}"
    empty = [Path(s.path).name for s in comparison.sources if s.n_steps == 0]
    if len(set(empty)) < len(empty):  # names alike (sub1/out, sub2/out): the paths as given tell them apart
        empty = [str(s.path) for s in comparison.sources if s.n_steps == 0]
    if empty and len(empty) == len(comparison.sources):  # the reason was missing (EDGE-143)
        text += f"; no steps were found in {', '.join(empty[:3])}{', ...' if len(empty) > 3 else ''}"
    phones = {s.placement for s in comparison.sources if s.placement in STEP_COUNT_PLACEMENTS}
    if comparison.steps.empty and comparison.excluded.get("direction unknown") and phones:  # EDGE-85
        text += (
            f"; placement {', '.join(sorted(phones))} gives no run direction (it counts steps from the size of the "
            "acceleration only; docs/conventions.md): a sensor on the foot, shank or lower back tells forward from "
            "backward"
        )
    return text


def _bridged_counts(steps: pd.DataFrame) -> tuple[int, int] | None:
    """(forward, backward) steps whose ``impact_flags`` carry ``bridged`` (REVIEW-57), or None when none does."""
    if "impact_flags" not in steps.columns or not len(steps):
        return None
    tokens = steps["impact_flags"].astype("string").fillna("").str.split(";")
    hit = tokens.map(lambda items: "bridged" in items).astype(bool).to_numpy()
    if not hit.any():
        return None
    direction = steps["direction"].to_numpy()
    return int((hit & (direction == "forward")).sum()), int((hit & (direction == "backward")).sum())
