"""Writing a comparison: compare.csv, compare.json, PNG figures and the self-contained report.html."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd
from matplotlib.figure import Figure

from retrogait.compare.design import FLAGGED_SUBSET, Comparison
from retrogait.compare.sentences import number, p_text
from retrogait.csvsafe import write_csv
from retrogait.jsontext import dumps
from retrogait.outfiles import write_bytes, write_text
from retrogait.report.figures import (
    cadence_over_time,
    foot_strike_bars,
    impact_over_time,
    metric_distributions,
    png_bytes,
)
from retrogait.report.html import Image, Section, render_html

#: PNG files written next to the report, with their captions.
FIGURES: Final = {
    "impact_over_time.png": "Peak impact of every step over time, coloured by run direction.",
    "distributions.png": "Distribution of each metric per direction: box (quartiles, median) over the steps.",
    "foot_strike.png": "Share of rearfoot, midfoot and forefoot landings per direction.",
    "cadence_over_time.png": "Cadence of every step over time, coloured by run direction.",
}
#: Every file :func:`write_comparison` writes into its output folder.
OUTPUT_FILES: Final = ("compare.csv", "compare.json", "report.html", *FIGURES)


def _figures(comparison: Comparison) -> dict[str, Figure]:
    steps = comparison.steps
    impact = (
        "impact_peak_g" if "impact_peak_g" in steps.columns and steps["impact_peak_g"].notna().any() else "vgrf_peak_bw"
    )
    return {
        "impact_over_time.png": impact_over_time(steps, impact),
        "distributions.png": metric_distributions(steps),
        "foot_strike.png": foot_strike_bars(steps),
        "cadence_over_time.png": cadence_over_time(steps),
    }


def not_measured(row: Mapping[Any, Any]) -> bool:
    """True for a metric the steps do not hold at all (left out of tables, listed once)."""
    return str(row["note"]).startswith("not measured")


def never_seen(row: Mapping[Any, Any]) -> bool:
    """True for a share that is zero in both directions (e.g. no midfoot landing at all): no line of its own
    ("midfoot 0 % vs 0 %" says nothing), it is named once in a note instead (issue 12 item 20)."""
    return row["kind"] == "share" and row["mean_forward"] == 0 and row["mean_backward"] == 0


def _pm(mean: float, sd: float) -> str:
    if not math.isfinite(mean):
        return "–"
    return f"{number(mean)} ± {number(sd)}" if math.isfinite(sd) else number(mean)


def readable_table(comparison: Comparison) -> pd.DataFrame:
    """The comparison table in words and rounded numbers, for the report (measured metrics only)."""
    rows: list[dict[str, Any]] = []
    for r in comparison.table.to_dict(orient="records"):
        if not_measured(r) or never_seen(r):
            continue
        share = r["kind"] == "share"
        scale = 100.0 if share else 1.0
        unit = "%" if share else r["unit"]
        diff_unit = " pp" if share else " %"
        ci = (
            f"{r['ci_low']:+.1f} to {r['ci_high']:+.1f}{diff_unit}"
            if math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"])
            else "–"
        )
        rows.append(
            {
                "metric": f"{r['metric']}" + (" (flagged steps)" if r["subset"] == FLAGGED_SUBSET else ""),
                "unit": unit,
                f"{comparison.noun} fwd / bwd": f"{r['n_forward']} / {r['n_backward']}",
                "forward mean ± SD": number(scale * r["mean_forward"])
                if share
                else _pm(r["mean_forward"], r["sd_forward"]),
                "backward mean ± SD": number(scale * r["mean_backward"])
                if share
                else _pm(r["mean_backward"], r["sd_backward"]),
                "median fwd / bwd": "–"
                if share or r["metric"] == "cadence_spm"  # one cadence per group: 60 / mean step time
                else f"{number(r['median_forward'])} / {number(r['median_backward'])}",
                "difference": f"{r['difference']:+.1f}{diff_unit}" if math.isfinite(r["difference"]) else "–",
                "95 % CI": ci,
                "effect size": f"{r['effect_size']:+.2f} ({r['effect_size_name']})"
                if math.isfinite(r["effect_size"])
                else "–",
                "test": f"{r['test']}, {p_text(r)}" if math.isfinite(r["p_value"]) else (r["note"] or "–"),
            }
        )
    return pd.DataFrame(rows)


def report_sections(comparison: Comparison, images: dict[str, bytes]) -> list[Section]:
    """The sections of the compare report: summary sentences, numbers, figures, caveats, inputs."""
    table = comparison.table
    absent = table.apply(not_measured, axis=1).to_numpy(dtype=bool)
    unseen = table.apply(never_seen, axis=1).to_numpy(dtype=bool) & ~absent
    measured = table[~absent & ~unseen]
    missing = table.loc[absent, "metric"].tolist()
    note = f"Not measured in these steps: {', '.join(missing)}. " if missing else ""
    if unseen.any():
        note += f"Seen in neither direction: {', '.join(table.loc[unseen, 'label'].astype(str))}."
    sources = pd.DataFrame([s.to_dict() for s in comparison.sources]) if comparison.sources else None
    return [
        Section(
            "What the data say",
            paragraphs=[
                "Backward compared with forward running; differences are backward relative to forward.",
                f"Unit of analysis ({comparison.level}): {comparison.unit_reason}",
            ],
            bullets=measured["summary"].tolist(),
            note=note,
        ),
        Section(
            "Numbers",
            table=readable_table(comparison),
            note="pp = percentage points; effect sizes: Hedges' g for measurements, Cohen's h for shares.",
        ),
        Section(
            "Figures",
            images=[
                Image(images[name], alt=caption, caption=caption) for name, caption in FIGURES.items() if name in images
            ],
        ),
        Section("Caveats", bullets=comparison.caveats),
        Section("Inputs", table=sources),
    ]


def write_comparison(
    comparison: Comparison, out_dir: str | Path, *, title: str = "Forward vs backward running"
) -> dict[str, Path]:
    """Write compare.csv, compare.json, the PNG figures and report.html into ``out_dir`` (created).

    Each file is replaced atomically (a crash leaves the previous one); CSV text cells are neutralised.
    Returns the written paths by name.
    """
    out = Path(out_dir)
    written: dict[str, Path] = {
        "compare.csv": write_csv(comparison.table, out / "compare.csv"),
        "compare.json": write_text(
            out / "compare.json", dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"
        ),
    }
    images: dict[str, bytes] = {}
    for name, fig in _figures(comparison).items():
        images[name] = png_bytes(fig)
        written[name] = write_bytes(out / name, images[name])
    n_sessions = len(comparison.sources) or comparison.steps["session"].nunique()
    subtitle = f"{n_sessions} input(s); unit of analysis: {comparison.level}"
    page = render_html(title, report_sections(comparison, images), subtitle=subtitle)
    written["report.html"] = write_text(out / "report.html", page)
    return written
