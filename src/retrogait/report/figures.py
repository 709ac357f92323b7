"""Figures shared by ``retrogait analyze`` and ``retrogait compare``: a steps DataFrame in, a Figure out.

All functions use matplotlib's object API with the Agg backend (no display, no global pyplot state),
colour directions the same way everywhere (Okabe-Ito, readable with colour-vision deficiency) and
return a :class:`matplotlib.figure.Figure`; :func:`save_png` and :func:`png_bytes` turn it into a
picture for slides or for the HTML report. Columns follow docs/conventions.md ("Analysis outputs").
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from retrogait.report.labels import DIRECTION_COLOURS, DIRECTION_ORDER, STRIKE_ORDER, metric_label

DEFAULT_METRICS: Final = (
    "impact_peak_g",
    "impact_loading_rate_g_per_s",
    "vgrf_peak_bw",
    "vgrf_loading_rate_bw_per_s",
    "cadence_spm",
    "contact_time_s",
    "effort_g_per_min",
)
#: Default figure size for slides (inches) and resolution of saved PNGs (dots per inch).
FIGSIZE_IN: Final = (8.0, 4.5)
PNG_DPI: Final = 120
#: At most this many dots are drawn per scatter (a seeded random subset beyond that).
MAX_POINTS: Final = 20000


def _new_figure(figsize: tuple[float, float] = FIGSIZE_IN) -> Figure:
    fig = Figure(figsize=figsize, layout="constrained")
    return fig


def _message(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def _session_time(steps: pd.DataFrame, gap_s: float = 10.0) -> tuple[np.ndarray, list[float]]:
    """Time axis (s): ``ic_time_s``, with several sessions laid end to end (``gap_s`` apart).
    Returns the times and the x positions where a new session starts."""
    t = steps["ic_time_s"].to_numpy(dtype=float)
    if "session" not in steps.columns or steps["session"].nunique() <= 1:
        return t, []
    out = np.empty_like(t)
    starts: list[float] = []
    offset = 0.0
    for _, idx in steps.groupby("session", sort=False).indices.items():
        ts = t[idx]
        shift = offset - np.nanmin(ts)
        out[idx] = ts + shift
        starts.append(offset)
        offset = float(np.nanmax(ts) + shift + gap_s)
    return out, starts[1:]


def _shown(n: int, max_points: int = MAX_POINTS) -> NDArray[np.int64]:
    """Indices of the points to draw: all of them, or a seeded random subset of ``max_points``.

    Statistics and box plots always use every value; only the dots are thinned, so a cohort of
    hundreds of thousands of steps still renders in a second.
    """
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size=max_points, replace=False))


def metric_over_time(
    steps: pd.DataFrame,
    metric: str = "impact_peak_g",
    *,
    title: str | None = None,
    figsize: tuple[float, float] = FIGSIZE_IN,
) -> Figure:
    """One dot per step: ``metric`` against time, coloured by direction (sessions laid end to end)."""
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    if metric not in steps.columns or not steps[metric].notna().any():
        _message(ax, f"no {metric_label(metric)} in these steps")
        return fig
    t, starts = _session_time(steps)
    direction = (
        steps["direction"].astype(str).to_numpy() if "direction" in steps.columns else np.full(len(steps), "unknown")
    )
    values = steps[metric].to_numpy(dtype=float)
    drawn = np.zeros(len(steps), dtype=bool)
    drawn[_shown(len(steps))] = True
    for d in DIRECTION_ORDER:
        sel = direction == d
        if sel.any():
            ax.scatter(
                t[sel & drawn],
                values[sel & drawn],
                s=9,
                alpha=0.75,
                color=DIRECTION_COLOURS[d],
                label=f"{d} ({int(sel.sum())})",
                linewidths=0,
            )
    for x in starts:
        ax.axvline(x, color="#bbbbbb", linewidth=0.8, linestyle="--")
    ax.set_xlabel("time (s)" if not starts else "time (s), sessions one after another")
    ax.set_ylabel(metric_label(metric))
    thinned = f" (dots: {MAX_POINTS} of {len(steps)} steps)" if len(steps) > MAX_POINTS else ""
    ax.set_title((title or f"{metric_label(metric)} per step") + thinned)
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.grid(alpha=0.3)
    return fig


def impact_over_time(
    steps: pd.DataFrame, metric: str = "impact_peak_g", *, figsize: tuple[float, float] = FIGSIZE_IN
) -> Figure:
    """Impact per step over time, coloured by direction (``metric`` may be any impact column)."""
    return metric_over_time(steps, metric, title=f"{metric_label(metric)} per step, by direction", figsize=figsize)


def cadence_over_time(steps: pd.DataFrame, *, figsize: tuple[float, float] = FIGSIZE_IN) -> Figure:
    """Cadence per step over time, coloured by direction."""
    return metric_over_time(steps, "cadence_spm", title="cadence per step, by direction", figsize=figsize)


def metric_distributions(
    steps: pd.DataFrame, metrics: Sequence[str] = DEFAULT_METRICS, *, ncols: int = 3, panel_in: float = 2.9
) -> Figure:
    """Distribution per metric and direction: a box plot over the individual steps (jittered dots).
    Metrics without values are skipped; panels are ``panel_in`` inches square."""
    present = [m for m in metrics if m in steps.columns and steps[m].notna().any()]
    if not present:
        fig = _new_figure()
        _message(fig.add_subplot(), "no metric values in these steps")
        return fig
    ncols = min(ncols, len(present))
    nrows = int(np.ceil(len(present) / ncols))
    fig = _new_figure((panel_in * ncols + 0.4, panel_in * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    rng = np.random.default_rng(0)
    direction = steps["direction"].astype(str).to_numpy()
    shown = [d for d in DIRECTION_ORDER if (direction == d).any()]
    for ax, metric in zip(axes.flat, present, strict=False):
        values = steps[metric].to_numpy(dtype=float)
        groups = [values[(direction == d) & np.isfinite(values)] for d in shown]
        positions = np.arange(len(shown))
        non_empty = [i for i, g in enumerate(groups) if g.size]
        box = ax.boxplot(
            [groups[i] for i in non_empty],
            positions=positions[non_empty],
            widths=0.5,
            showfliers=False,
            patch_artist=True,
            medianprops={"color": "black"},
        )
        for patch, i in zip(box["boxes"], non_empty, strict=True):
            patch.set_facecolor(DIRECTION_COLOURS[shown[i]])
            patch.set_alpha(0.35)
        for i in non_empty:
            dots = groups[i][_shown(groups[i].size, MAX_POINTS // 2)]
            jitter = rng.uniform(-0.18, 0.18, dots.size)
            ax.scatter(positions[i] + jitter, dots, s=5, alpha=0.5, color=DIRECTION_COLOURS[shown[i]], linewidths=0)
        ax.set_xticks(positions, [f"{d}\n(n={groups[i].size})" for i, d in enumerate(shown)], fontsize="small")
        ax.set_title(metric_label(metric), fontsize="medium")
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    return fig


def foot_strike_bars(steps: pd.DataFrame, *, figsize: tuple[float, float] = (6.0, 4.0)) -> Figure:
    """Share of rearfoot, midfoot and forefoot landings per direction (steps of unknown strike left out)."""
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    if "foot_strike" not in steps.columns:
        _message(ax, "no foot-strike classes in these steps")
        return fig
    known = steps[steps["foot_strike"].isin(STRIKE_ORDER) & steps["direction"].isin(DIRECTION_ORDER[:2])]
    if known.empty:
        _message(ax, "no steps with a known foot strike")
        return fig
    counts = pd.crosstab(known["direction"], known["foot_strike"]).reindex(
        index=[d for d in DIRECTION_ORDER[:2] if d in set(known["direction"])], columns=list(STRIKE_ORDER), fill_value=0
    )
    shares = counts.div(counts.sum(axis=1), axis=0) * 100.0
    x = np.arange(len(STRIKE_ORDER))
    width = 0.8 / len(shares.index)
    for k, d in enumerate(shares.index):
        bars = ax.bar(
            x + (k - (len(shares.index) - 1) / 2) * width,
            shares.loc[d].to_numpy(),
            width,
            color=DIRECTION_COLOURS[str(d)],
            label=f"{d} (n={int(counts.loc[d].sum())})",
        )
        ax.bar_label(bars, fmt="%.0f %%", fontsize="x-small", padding=1)
    ax.set_xticks(x, list(STRIKE_ORDER))
    ax.set_ylabel("share of steps (%)")
    ax.set_ylim(0, 110)
    ax.set_title("foot strike by direction")
    ax.legend(frameon=False, fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return fig


def signal_with_contacts(
    t_s: ArrayLike,
    signal: ArrayLike,
    ic_times: ArrayLike,
    directions: ArrayLike | None = None,
    *,
    ylabel: str = "acceleration (m/s²)",
    title: str = "signal with detected initial contacts",
    figsize: tuple[float, float] = FIGSIZE_IN,
) -> Figure:
    """A raw or filtered signal (line) with a marker at each initial contact, coloured by its direction.

    Args:
        t_s: sample times (s), (n,).
        signal: values to draw, (n,) in the unit of ``ylabel``.
        ic_times: initial-contact times (s), (m,).
        directions: per contact "forward"/"backward"/"unknown" (default all unknown), (m,).
    """
    t = np.asarray(t_s, dtype=float)
    y = np.asarray(signal, dtype=float)
    ic = np.asarray(ic_times, dtype=float)
    dirs = np.asarray(directions, dtype=str) if directions is not None else np.full(ic.shape, "unknown")
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    ax.plot(t, y, color="#444444", linewidth=0.7)
    if ic.size and t.size:
        y_at = np.interp(ic, t, y)
        for d in DIRECTION_ORDER:
            sel = dirs == d
            if sel.any():
                ax.scatter(
                    ic[sel], y_at[sel], s=22, marker="v", color=DIRECTION_COLOURS[d], label=f"contact, {d}", zorder=3
                )
        ax.legend(frameon=False, fontsize="small", loc="upper right")
    ax.set_xlabel("time (s)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def png_bytes(fig: Figure, *, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def save_png(fig: Figure, path: str | Path, *, dpi: int = PNG_DPI) -> bytes:
    """Write the figure as a PNG (for slides); returns the bytes written (to embed them as well)."""
    data = png_bytes(fig, dpi=dpi)
    Path(path).write_bytes(data)
    return data
