"""Charts as inline SVG text: decimated traces, dots and bars drawn without a plotting library.

Why not matplotlib for the analysis report: importing it and laying out seven figures cost more than
the analysis itself (issue 16: 2.3 s of an 8.9 s run, plus 0.5 s of imports). These charts are a few
string joins each, stay sharp at any zoom, and scale to the page width (``viewBox``), so they stay
legible on a 420 px phone screen. Every text is HTML-escaped; coordinates are rounded to 0.1 unit.
Lines longer than a few points per pixel column are drawn as their min-max envelope (:func:`envelope`),
which keeps every peak visible.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Drawing size in SVG units; the page scales it to its width (CSS ``svg.chart``).
WIDTH: Final = 520
HEIGHT: Final = 250
FONT_PX: Final = 15
_MARGIN: Final = {"left": 62, "right": 12, "top": 50, "bottom": 42}
_GRID: Final = "#e3e3e3"
_INK: Final = "#333333"


@dataclass(frozen=True)
class Layer:
    """One thing drawn in a chart.

    kind: ``line`` (x, y), ``band`` (x, y = upper, y_low = lower edge: a filled min-max envelope),
    ``dots`` (small circles) or ``marks`` (downward triangles, e.g. contacts on a signal).
    """

    kind: Literal["line", "band", "dots", "marks"]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    colour: str
    label: str = ""
    y_low: NDArray[np.float64] | None = None


def layer(
    kind: Literal["line", "band", "dots", "marks"],
    x: ArrayLike,
    y: ArrayLike,
    colour: str,
    label: str = "",
    y_low: ArrayLike | None = None,
) -> Layer:
    """A :class:`Layer` from array-likes (non-finite points are dropped when drawn)."""
    low = None if y_low is None else np.asarray(y_low, dtype=float)
    return Layer(kind, np.asarray(x, dtype=float), np.asarray(y, dtype=float), colour, label, low)


def envelope(
    t: ArrayLike, y: ArrayLike, columns: int = WIDTH
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Min-max decimation: per block of consecutive samples its mid time, minimum and maximum.

    Returns (t, low, high) of at most ``columns`` blocks, or the samples themselves (low == high) when
    there are fewer than two per column. Peaks and troughs survive; a straight subsample would drop them.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    block = math.ceil(y.size / columns) if columns > 0 else 1
    if block < 2:
        return t, y, y
    usable = y.size - y.size % block
    blocks = y[:usable].reshape(-1, block)
    t_mid = t[:usable].reshape(-1, block).mean(axis=1)
    return t_mid, blocks.min(axis=1), blocks.max(axis=1)


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + k * step, 12) for k in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt_tick(value: float) -> str:
    return f"{value:.6g}" if abs(value) >= 1e-9 else "0"


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{html.escape(text)}</text>'


class _Frame:
    """Maps data coordinates to SVG units inside the plot area."""

    def __init__(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        self.x0, self.x1 = _MARGIN["left"], WIDTH - _MARGIN["right"]
        self.y0, self.y1 = HEIGHT - _MARGIN["bottom"], _MARGIN["top"]
        self.xlim, self.ylim = _widen(xlim), _widen(ylim)

    def px(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        lo, hi = self.xlim
        return self.x0 + (x - lo) / (hi - lo) * (self.x1 - self.x0)

    def py(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        lo, hi = self.ylim
        return self.y0 - (y - lo) / (hi - lo) * (self.y0 - self.y1)


def _widen(lim: tuple[float, float]) -> tuple[float, float]:
    lo, hi = lim
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0
    if hi - lo <= 1e-12:
        pad = abs(lo) * 0.05 or 0.5
        return lo - pad, hi + pad
    return lo, hi


def _points(xs: NDArray[np.float64], ys: NDArray[np.float64]) -> str:
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs.tolist(), ys.tolist(), strict=True))


def _draw(item: Layer, frame: _Frame) -> str:
    ok = np.isfinite(item.x) & np.isfinite(item.y)
    if item.y_low is not None:
        ok &= np.isfinite(item.y_low)
    xs, ys = frame.px(item.x[ok]), frame.py(item.y[ok])
    if not xs.size:
        return ""
    colour = html.escape(item.colour)
    if item.kind == "line":
        return f'<polyline points="{_points(xs, ys)}" fill="none" stroke="{colour}" stroke-width="1.2"/>'
    if item.kind == "band":
        assert item.y_low is not None
        lows = frame.py(item.y_low[ok])
        outline = _points(np.concatenate([xs, xs[::-1]]), np.concatenate([ys, lows[::-1]]))
        return f'<polygon points="{outline}" fill="{colour}" stroke="{colour}" stroke-width="0.8"/>'
    if item.kind == "dots":
        path = "".join(f"M{a:.1f} {b:.1f}h0" for a, b in zip(xs.tolist(), ys.tolist(), strict=True))
        return f'<path d="{path}" stroke="{colour}" stroke-width="4" stroke-linecap="round" opacity="0.75"/>'
    path = "".join(f"M{a:.1f} {b - 3:.1f}l-4 -7h8z" for a, b in zip(xs.tolist(), ys.tolist(), strict=True))
    return f'<path d="{path}" fill="{colour}"/>'


def _limits(values: Sequence[NDArray[np.float64]]) -> tuple[float, float]:
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return math.nan, math.nan
    return float(min(v.min() for v in finite)), float(max(v.max() for v in finite))


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    parts, x = [], float(_MARGIN["left"])
    for label, colour in entries:
        parts.append(f'<rect x="{x:.1f}" y="27" width="11" height="11" fill="{html.escape(colour)}"/>')
        parts.append(_text(x + 15, 38, label, anchor="start"))
        x += 24 + 0.6 * FONT_PX * len(label)
    return "".join(parts)


def _svg(alt: str, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_PX}" fill="{_INK}">'
        f"<title>{html.escape(alt)}</title>{body}</svg>"
    )


def _axes(
    frame: _Frame, title: str, xlabel: str, ylabel: str, vlines: Sequence[float] = (), x_ticks: bool = True
) -> list[str]:
    """Title, horizontal grid with y ticks, x ticks (optional), dashed vertical lines, axis labels."""
    parts = [_text(WIDTH / 2, 16, title, extra=' font-weight="600"')]
    for tick in nice_ticks(*frame.ylim):
        y = float(frame.py(np.array([tick]))[0])
        parts.append(f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{_GRID}"/>')
        parts.append(_text(frame.x0 - 5, y + 4, _fmt_tick(tick), anchor="end"))
    for tick in nice_ticks(*frame.xlim) if x_ticks else []:
        x = float(frame.px(np.array([tick]))[0])
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{frame.y0}" y2="{frame.y0 + 4}" stroke="{_INK}"/>')
        parts.append(_text(x, frame.y0 + 19, _fmt_tick(tick)))
    for v in vlines:
        x = float(frame.px(np.array([v]))[0])
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{frame.y1}" y2="{frame.y0}" stroke="#999999" stroke-dasharray="4 3"/>'
        )
    parts.append(f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{frame.y0}" y2="{frame.y0}" stroke="{_INK}"/>')
    parts.append(_text((frame.x0 + frame.x1) / 2, HEIGHT - 4, xlabel))
    mid = (frame.y0 + frame.y1) / 2
    parts.append(_text(14, mid, ylabel, extra=f' transform="rotate(-90 14 {mid:.1f})"'))
    return parts


def chart(
    layers: Sequence[Layer],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    alt: str,
    ylim: tuple[float, float] | None = None,
    vlines: Sequence[float] = (),
) -> str:
    """An x-y chart of ``layers`` (drawn in order) with grid, ticks, labels and a legend of labelled layers."""
    xlim = _limits([item.x for item in layers])
    ylim = ylim or _limits([item.y for item in layers] + [item.y_low for item in layers if item.y_low is not None])
    frame = _Frame(xlim, ylim)
    if not math.isfinite(xlim[0]):
        body = _text(WIDTH / 2, HEIGHT / 2, f"{title}: nothing to draw")
        return _svg(alt, body)
    parts = _axes(frame, title, xlabel, ylabel, vlines)
    parts += [_draw(item, frame) for item in layers]
    parts.append(_legend([(item.label, item.colour) for item in layers if item.label]))
    return _svg(alt, "".join(parts))


def grouped_bars(
    categories: Sequence[str],
    groups: Sequence[tuple[str, Sequence[float], str]],
    *,
    title: str,
    ylabel: str,
    alt: str,
    ymax: float,
    value_suffix: str = "",
) -> str:
    """Bars per category, one per group (label, values per category, colour), each labelled with its value."""
    frame = _Frame((0.0, float(len(categories))), (0.0, ymax))
    parts = _axes(frame, title, "", ylabel, x_ticks=False)
    width = 0.8 / max(len(groups), 1)
    base = float(frame.py(np.array([0.0]))[0])
    for k, (_, values, colour) in enumerate(groups):
        for i, value in enumerate(values):
            if not math.isfinite(value):
                continue
            left = float(frame.px(np.array([i + 0.1 + k * width]))[0])
            right = float(frame.px(np.array([i + 0.1 + (k + 1) * width]))[0])
            top = float(frame.py(np.array([value]))[0])
            parts.append(
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left - 1:.1f}" height="{base - top:.1f}" '
                f'fill="{html.escape(colour)}"/>'
            )
            parts.append(_text((left + right) / 2, top - 3, f"{value:.0f}{value_suffix}"))
    for i, name in enumerate(categories):
        parts.append(_text(float(frame.px(np.array([i + 0.5]))[0]), frame.y0 + 17, name))
    parts.append(_legend([(label, colour) for label, _, colour in groups]))
    return _svg(alt, "".join(parts))
