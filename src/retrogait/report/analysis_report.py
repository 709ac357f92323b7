"""The analysis report: one self-contained HTML page built from the shared report pieces.

Figures come from ``retrogait.report.figures`` (signal with contacts coloured by direction, impact per
step over time coloured by direction, cadence over time) and the page from ``retrogait.report.html``,
the same builder ``retrogait compare`` uses.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.report.figures import (
    cadence_over_time,
    foot_strike_bars,
    impact_over_time,
    png_bytes,
    signal_with_contacts,
)
from retrogait.report.html import Image, Section, render_html

if TYPE_CHECKING:
    from retrogait.analysis.pipeline import AnalysisResult

#: Seconds of signal shown around each change of run direction (and at the start of gait).
ZOOM_SPAN_S = 8.0
#: At most this many zoomed windows.
MAX_ZOOMS = 3
#: The session overview is drawn from at most this many points (block maxima of |signal|).
OVERVIEW_POINTS = 20000


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _zoom_starts(steps: pd.DataFrame, span_s: float = ZOOM_SPAN_S) -> list[float]:
    """Window starts (s): centred on the first changes of direction, else the start of gait."""
    direction = steps["direction"].astype(str).to_numpy()
    known = np.flatnonzero(direction != "unknown")
    changes = [int(j) for i, j in itertools.pairwise(known) if direction[i] != direction[j]]
    times = steps["ic_time_s"].to_numpy(dtype=float)
    if not changes:
        return [float(times[0]) - 1.0]
    return [float(times[j]) - span_s / 2 for j in changes[:MAX_ZOOMS]]


def _signal_images(result: AnalysisResult) -> list[Image]:
    """Body-z acceleration (g) with the contacts coloured by direction: whole session, then zooms."""
    sig, steps = result.signals, result.steps
    z_g = sig.acc_ms2[:, 2] / STANDARD_GRAVITY_MS2
    ic = steps["ic_time_s"].to_numpy(dtype=float)
    directions = steps["direction"].astype(str).to_numpy()
    block = max(1, int(np.ceil(z_g.size / OVERVIEW_POINTS)))
    usable = z_g.size - z_g.size % block
    t_over = sig.t_s[:usable:block]
    z_over = z_g[:usable].reshape(-1, block).max(axis=1)
    images = [
        Image(
            png_bytes(
                signal_with_contacts(
                    t_over, z_over, ic, directions, ylabel="body z acceleration (g)", title="whole session"
                )
            ),
            "whole session: signal with every contact coloured by direction",
        )
    ]
    for start in _zoom_starts(steps):
        sel = (sig.t_s >= start) & (sig.t_s <= start + ZOOM_SPAN_S)
        shown = (ic >= start) & (ic <= start + ZOOM_SPAN_S)
        fig = signal_with_contacts(
            sig.t_s[sel],
            z_g[sel],
            ic[shown],
            directions[shown],
            ylabel="body z acceleration (g)",
            title=f"{start:.1f} to {start + ZOOM_SPAN_S:.1f} s",
        )
        images.append(Image(png_bytes(fig), f"signal from {start:.1f} s with its contacts coloured by direction"))
    return images


def _direction_table(summary: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {
            "direction": d,
            "steps": a["n_steps"],
            "cadence (spm)": _fmt(a["cadence_spm"]["value"]),
            "contact (s)": _fmt(a["contact_time_s"]["median"]),
            "impact (g)": _fmt(a["impact_peak_g"]["median"]),
            "vGRF peak (BW)": _fmt(a["vgrf_peak_bw"]["median"]),
        }
        for d, a in summary["per_direction"].items()
        if a["n_steps"]
    ]
    return pd.DataFrame(rows)


def _bouts_table(bouts: pd.DataFrame) -> pd.DataFrame:
    """Bouts with their numbers rounded for reading."""
    return bouts.round(3)


def build_analysis_html(result: AnalysisResult) -> str:
    """The whole report page as one HTML string."""
    s = result.summary
    facts = [
        f"placement {s['placement']}, {s['sample_rate_hz']:.1f} Hz, {s['duration_s']:.1f} s, "
        f"{s['all']['n_steps']} contacts; anterior axis from {s['anterior_source']}",
    ]
    sections = [Section("Recording", paragraphs=facts, bullets=list(s["notes"]))]
    if len(result.steps):
        steps = result.steps
        sections += [
            Section("Per direction (cadence: 60 / mean step time; the others: medians)", table=_direction_table(s)),
            Section("Signal and contacts", images=_signal_images(result)),
            Section(
                "Impact and cadence over time",
                images=[
                    Image(png_bytes(impact_over_time(steps)), "impact per step over time, by direction"),
                    Image(png_bytes(cadence_over_time(steps)), "cadence per step over time, by direction"),
                ],
            ),
            Section("Foot strike", images=[Image(png_bytes(foot_strike_bars(steps)), "foot strike by direction")]),
            Section("Bouts", table=_bouts_table(result.bouts)),
        ]
    else:
        sections.append(Section("Steps", paragraphs=["No foot contacts were found in this recording."]))
    return render_html("retrogait analysis", sections, subtitle=str(s.get("source") or ""))


def write_analysis_report(result: AnalysisResult, path: str | os.PathLike[str]) -> Path:
    """Write the self-contained HTML report; returns its path."""
    path = Path(path)
    path.write_text(build_analysis_html(result), encoding="utf-8")
    return path
