"""The analysis report: one self-contained HTML page, the answer first, then the evidence.

Order: the headline (per direction: impact, cadence, contact time, foot strike, and backward against
forward), the recording, the signal with its contacts (whole session, then zooms on the changes of
direction), impact and cadence per step over time, foot strike, all per-direction numbers, the bouts.
Charts are inline SVG from ``retrogait.report.svg`` (no matplotlib: issue 16), the page comes from
``retrogait.report.html`` like the compare report. Names carry their units (``report.labels``).
"""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from retrogait._version import __version__
from retrogait.conventions import STANDARD_GRAVITY_MS2, STEP_COUNT_PLACEMENTS, landings_noun
from retrogait.outfiles import write_text
from retrogait.report.html import Section, Svg, render_html
from retrogait.report.labels import (
    DIRECTION_COLOURS,
    DIRECTION_ORDER,
    STRIKE_ORDER,
    landings_name,
    metric_label,
)
from retrogait.report.not_measured import not_measured_lines
from retrogait.report.svg import chart, envelope, grouped_bars, layer

if TYPE_CHECKING:
    from retrogait.analysis.pipeline import AnalysisResult

#: Seconds of signal shown around each change of run direction (and at the start of gait).
ZOOM_SPAN_S: Final = 8.0
#: At most this many zoomed windows.
MAX_ZOOMS: Final = 3
#: At most this many dots per chart of per-step values (a seeded subset; every number uses all steps).
MAX_DOTS: Final = 3000
#: The headline rows: summary metric, statistic, readable name, what "more" means in words.
HEADLINE: Final = (
    ("impact_peak_g", "median", "peak impact (g, median)", ("higher", "lower")),
    ("cadence_spm", "value", "cadence (steps/min of both legs)", ("higher", "lower")),
    ("contact_time_s", "median", "contact time (ms, median)", ("longer", "shorter")),
)
NO_STRIKE: Final = "No landing could be classified as rearfoot, midfoot or forefoot with this placement and signal."


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def _stat(agg: dict[str, Any], metric: str, stat: str) -> float | None:
    """One number of the summary's aggregate (``None`` when not measured)."""
    entry = agg.get(metric) or {}
    value = entry.get(stat) if isinstance(entry, dict) else None
    return float(value) if value is not None and math.isfinite(value) else None


def _strike_shares(steps: pd.DataFrame, direction: str) -> dict[str, float]:
    """Share (%) of rearfoot, midfoot and forefoot among the classified landings of one direction."""
    if "foot_strike" not in steps.columns:
        return {}
    strikes = steps.loc[steps["direction"].astype(str) == direction, "foot_strike"].astype(str)
    known = strikes[strikes.isin(STRIKE_ORDER)]
    if known.empty:
        return {}
    counts = known.value_counts()
    return {s: 100.0 * float(counts.get(s, 0)) / len(known) for s in STRIKE_ORDER}


def _strike_text(shares: dict[str, float]) -> str:
    if not shares:
        return "–"
    top = max(shares, key=lambda s: shares[s])
    return f"{top} {shares[top]:.0f} %"


def _difference(forward: float | None, backward: float | None, words: tuple[str, str]) -> tuple[str, str]:
    """('+12 %', '12 % higher') for backward against forward, or dashes when either is missing."""
    if forward is None or backward is None or forward == 0:
        return "–", ""
    pct = 100.0 * (backward - forward) / abs(forward)
    if round(pct) == 0:
        return "0 %", "about the same"
    return f"{pct:+.0f} %", f"{abs(pct):.0f} % {words[0] if pct > 0 else words[1]}"


def headline(summary: dict[str, Any], steps: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The answer in words and as a table: per direction impact, cadence, contact time, foot strike and count,
    and backward against forward in percent of forward (foot strike: the share of backward's usual class)."""
    per = summary["per_direction"]
    shown = [d for d in ("forward", "backward") if per.get(d, {}).get("n_steps")]
    if not shown:
        shown = ["unknown"] if per.get("unknown", {}).get("n_steps") else []
    both = shown == ["forward", "backward"]
    rows: list[dict[str, str]] = []
    said: list[str] = []
    for metric, stat, name, words in HEADLINE:
        values = {d: _stat(per[d], metric, stat) for d in shown}
        if metric == "contact_time_s":
            values = {d: None if v is None else 1000.0 * v for d, v in values.items()}
        if all(v is None for v in values.values()):
            continue
        row = {"": name, **{d: _fmt(v) for d, v in values.items()}}
        if both:
            row["backward vs forward"], words_said = _difference(values["forward"], values["backward"], words)
            if words_said:
                said.append(f"{name.split(' (')[0]} {words_said}")
        rows.append(row)
    shares = {d: _strike_shares(steps, d) for d in shown}
    if any(shares.values()):
        row = {"": "foot strike (most common class)", **{d: _strike_text(shares[d]) for d in shown}}
        if both and shares["forward"] and shares["backward"]:
            top = max(shares["backward"], key=lambda s: shares["backward"][s])
            delta = shares["backward"][top] - shares["forward"][top]
            row["backward vs forward"] = f"{top} {delta:+.0f} pp"
            said.append(f"{_strike_text(shares['backward'])} landings backward vs {_strike_text(shares['forward'])}")
        rows.append(row)
    count_name = landings_name(summary.get("placement"))
    rows.append({"": count_name, **{d: str(per[d]["n_steps"]) for d in shown}, "backward vs forward": ""})
    sentences = []
    if both and said:
        sentences.append("Backward against forward running: " + "; ".join(said) + ".")
    elif shown and shown != ["unknown"]:
        sentences.append(f"Only {shown[0]} gait was found, so there is no direction to compare it with.")
    elif shown:
        sentences.append("The run direction could not be told for these steps; numbers are for all of them.")
    table = pd.DataFrame(rows)
    if not both and "backward vs forward" in table.columns:
        table = table.drop(columns="backward vs forward")
    return sentences, table


def _dots_chart(steps: pd.DataFrame, metric: str, title: str, scale: float = 1.0, unit_label: str = "") -> Svg:
    """Per-step values over time as dots, coloured by direction."""
    t = steps["ic_time_s"].to_numpy(dtype=float)
    values = steps[metric].to_numpy(dtype=float) * scale
    direction = steps["direction"].astype(str).to_numpy()
    keep = np.zeros(t.size, dtype=bool)
    keep[np.random.default_rng(0).permutation(t.size)[:MAX_DOTS]] = True
    layers = [
        layer(
            "dots",
            t[keep & (direction == d)],
            values[keep & (direction == d)],
            DIRECTION_COLOURS[d],
            f"{d} ({int((direction == d).sum())})",
        )
        for d in DIRECTION_ORDER
        if (direction == d).any()
    ]
    thinned = f"; dots: {MAX_DOTS} of {t.size}" if t.size > MAX_DOTS else ""
    name = unit_label or metric_label(metric)
    markup = chart(layers, title=title, xlabel="time (s)", ylabel=name, alt=f"{name} of every step over time")
    return Svg(markup, f"One dot per landing, coloured by run direction{thinned}.")


def _zoom_starts(steps: pd.DataFrame, span_s: float = ZOOM_SPAN_S) -> list[float]:
    """Window starts (s): centred on the first changes of direction, else the start of gait."""
    direction = steps["direction"].astype(str).to_numpy()
    known = np.flatnonzero(direction != "unknown")
    changes = [int(j) for i, j in itertools.pairwise(known) if direction[i] != direction[j]]
    times = steps["ic_time_s"].to_numpy(dtype=float)
    if not changes:
        return [float(times[0]) - 1.0]
    return [float(times[j]) - span_s / 2 for j in changes[:MAX_ZOOMS]]


def _signal_charts(result: AnalysisResult) -> list[Svg]:
    """Body-z acceleration (g) with a marker on the signal at every contact: whole session, then zooms."""
    sig, steps = result.signals, result.steps
    z_g = sig.acc_ms2[:, 2] / STANDARD_GRAVITY_MS2
    ic_idx = np.asarray(result.contacts.ic_idx, dtype=np.int64)
    ic_t, ic_z = sig.t_s[ic_idx], z_g[ic_idx]  # the marker sits on the sample it marks
    directions = steps["direction"].astype(str).to_numpy()
    ylabel = "body z acceleration (g)"

    def draw(t: np.ndarray, z: np.ndarray, shown: np.ndarray, title: str) -> str:
        t_env, low, high = envelope(t, z)
        trace = (
            layer("line", t_env, high, "#555555")
            if np.array_equal(low, high)
            else layer("band", t_env, high, "#777777", y_low=low)
        )
        marks = []
        for d in DIRECTION_ORDER:
            at = np.flatnonzero(shown & (directions == d))
            if at.size > MAX_DOTS:  # a day or a week: evenly spread, a screen cannot show more (LONG-3)
                at = at[np.linspace(0, at.size - 1, MAX_DOTS).round().astype(np.int64)]
            if at.size:
                marks.append(layer("marks", ic_t[at], ic_z[at], DIRECTION_COLOURS[d], f"contact, {d}"))
        return chart([trace, *marks], title=title, xlabel="time (s)", ylabel=ylabel, alt=f"{ylabel}, {title}")

    # a contact found without the gyroscope beyond the signals' ends (a gyroscope that stopped, GYRO-1) has no
    # sample to sit on: not marked
    true_t = steps["ic_time_s"].to_numpy(dtype=float)
    on_signal = (true_t >= sig.t_s[0] - 0.5 / sig.fs_hz) & (true_t <= sig.t_s[-1] + 0.5 / sig.fs_hz)
    whole = draw(sig.t_s, z_g, on_signal, "whole session")
    many = max((int(np.count_nonzero(on_signal & (directions == d))) for d in DIRECTION_ORDER), default=0)
    thinned = f" ({MAX_DOTS:,} evenly spread of a direction's {many:,} where there are more)" if many > MAX_DOTS else ""
    said = f"triangles: each contact on the sample where it was found{thinned}, coloured by run direction."
    charts = [Svg(whole, f"Grey: the signal (its range per pixel where samples are denser than the screen); {said}")]
    for start in _zoom_starts(steps):
        sel = (sig.t_s >= start) & (sig.t_s <= start + ZOOM_SPAN_S)
        shown = (ic_t >= start) & (ic_t <= start + ZOOM_SPAN_S) & on_signal
        charts.append(Svg(draw(sig.t_s[sel], z_g[sel], shown, f"{start:.1f} to {start + ZOOM_SPAN_S:.1f} s")))
    return charts


def _signal_section(result: AnalysisResult) -> Section:
    """The signal with its contacts; a recording analysed in parts (LONG-4) was never held whole: not drawn."""
    parts = result.summary.get("parts")
    if not parts:
        return Section("Signal and contacts", images=_signal_charts(result))
    said = (
        f"Not drawn: the recording was analysed in {len(parts)} parts, one at a time, and its signal was never held "
        "whole. `retrogait analyze --start S --end S` draws a part's."
    )
    return Section("Signal and contacts", paragraphs=[said])


def _strike_chart(steps: pd.DataFrame) -> Svg | None:
    groups = []
    for d in ("forward", "backward"):
        shares = _strike_shares(steps, d)
        if shares:
            groups.append((d, [shares[s] for s in STRIKE_ORDER], DIRECTION_COLOURS[d]))
    if not groups:
        return None
    markup = grouped_bars(
        STRIKE_ORDER, groups, title="foot strike by direction", ylabel="share of landings (%)",
        alt="share of rearfoot, midfoot and forefoot landings per direction", ymax=110.0, value_suffix=" %",
    )  # fmt: skip
    return Svg(markup, "Landings whose strike could not be classified are left out.")


def _detail_table(summary: dict[str, Any]) -> pd.DataFrame:
    """Every per-direction number with its readable name (medians; cadence 60 / mean step time)."""
    shown = [d for d, a in summary["per_direction"].items() if a["n_steps"]]
    medians = [k for k, v in summary["all"].items() if isinstance(v, dict) and "median" in v]
    rows = []
    for metric in ["cadence_spm", *medians]:
        stat = "value" if metric == "cadence_spm" else "median"
        values = {d: _stat(summary["per_direction"][d], metric, stat) for d in shown}
        if any(v is not None for v in values.values()):
            rows.append({"": metric_label(metric), **{d: _fmt(v) for d, v in values.items()}})
    for flag in ("clipped", "low_rate", "gap"):
        counts = {d: summary["per_direction"][d].get("flagged_steps", {}).get(flag, 0) for d in shown}
        if any(counts.values()):
            rows.append({"": f"flagged {flag.replace('_', ' ')}", **{d: str(n) for d, n in counts.items()}})
    return pd.DataFrame(rows)


def _bouts_table(bouts: pd.DataFrame, placement: str | None) -> pd.DataFrame:
    """Bouts with readable column names and rounded numbers."""
    names = {
        "bout_id": "bout",
        "start_s": "start (s)",
        "end_s": "end (s)",
        "activity": "activity",
        "n_steps": landings_name(placement),
        "cadence_spm": metric_label("cadence_spm"),
        "contact_time_s": metric_label("contact_time_s"),
    }
    return bouts.round(3).rename(columns=names)


def _not_measured_section(steps: pd.DataFrame, noun: str) -> Section:
    """The steps each reason left without a value (impact_flags, vgrf_flags), or that none was lost."""
    lines = not_measured_lines(steps, noun)
    if lines:
        return Section("Values not measured, and why", bullets=lines)
    return Section(
        "Values not measured, and why",
        paragraphs=[f"Every value this placement measures is there on every {noun.removesuffix('s')}."],
    )


def footer_lines(summary: dict[str, Any]) -> list[str]:
    """How the numbers were made: analysis version and settings hash from summary.json, when it has them."""
    version = summary.get("analysis_version")
    digest = summary.get("settings_hash")
    if version is None and digest is None:
        return [f"retrogait {__version__}; this summary records no analysis version or settings hash."]
    settings_note = " (all settings in summary.json)" if summary.get("settings") is not None else ""
    return [f"analysis version {version or 'not recorded'}, settings hash {digest or 'not recorded'}{settings_note}"]


#: The input keys the report shows (summary.json's ``input_provenance`` holds every one): the format and files,
#: what was inferred, what was dropped or cut.
_SHOWN_INPUT = ("import_format", "import_source", "import_dropped_detail", "import_cut_short", "import_gyro_missing")


def input_lines(summary: dict[str, Any]) -> list[str]:
    """How the recording was read, one line per fact: ``import_format: sensorlogger``, each ``inferred_*``."""
    given = summary.get("input_provenance") or {}
    keys = [k for k in given if k in _SHOWN_INPUT or k.startswith("inferred_")]
    return [f"{k.removeprefix('import_').replace('_', ' ')}: {given[k]}" for k in keys if str(given[k]).strip()]


def build_analysis_html(result: AnalysisResult) -> str:
    """The whole report page as one HTML string."""
    s = result.summary
    count_name = landings_name(s.get("placement"))
    # a placement counting steps from |a| reads no anterior axis: the summary's source is no fact of it (PHONE-16)
    axis = "." if s.get("placement") in STEP_COUNT_PLACEMENTS else f"; anterior axis from {s['anterior_source']}."
    facts = [
        f"placement {s['placement']}" + (f" ({s['side']})" if s.get("side") else "")
        + f", {s['sample_rate_hz']:.1f} Hz, {s['duration_s']:.1f} s, {s['all']['n_steps']} {count_name}{axis}",
    ]  # fmt: skip
    if s.get("placement") in ("foot", "shank"):
        facts.append(
            "A sensor on one leg sees the landings of that leg only; cadence counts the steps of both legs "
            "(60 / mean step time within bouts)."
        )
    steps = result.steps
    sections = []
    if len(steps):
        sentences, table = headline(s, steps)
        sections.append(Section("The answer", paragraphs=sentences, table=table))
    sections.append(Section("Recording", paragraphs=facts, bullets=[*input_lines(s), *s["notes"]]))
    if len(steps):
        strike = _strike_chart(steps)
        sections += [
            _signal_section(result),
            Section(
                "Impact and cadence over time",
                images=[
                    _dots_chart(steps, "impact_peak_g", "peak impact per landing"),
                    _dots_chart(steps, "cadence_spm", "cadence per step"),
                ],
            ),
            Section("Foot strike", images=[strike] if strike else [], paragraphs=[] if strike else [NO_STRIKE]),
            Section(
                "All numbers per direction", table=_detail_table(s), note="Medians; cadence is 60 / mean step time."
            ),
            _not_measured_section(steps, landings_noun(s.get("placement"))),
            Section("Bouts", table=_bouts_table(result.bouts, s.get("placement")), tall_table=True),
        ]
    else:
        sections.append(Section("Steps", paragraphs=["No foot contacts were found in this recording."]))
    return render_html("retrogait analysis", sections, subtitle=str(s.get("source") or ""), footer=footer_lines(s))


def write_analysis_report(result: AnalysisResult, path: str | os.PathLike[str]) -> Path:
    """Write the self-contained HTML report; returns its path."""
    path = Path(path)
    write_text(path, build_analysis_html(result))
    return path
