"""Reports: shared matplotlib figures (steps DataFrame in, Figure out), inline SVG charts and a
self-contained HTML builder.

See docs/report.md. ``retrogait compare`` and ``retrogait analyze`` both build their pages from these.
Names are loaded on first use (PEP 562): the analysis report draws SVG and never pays for matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrogait._lazy import lazy_getattr

if TYPE_CHECKING:
    from retrogait.report.figures import (
        cadence_over_time,
        foot_strike_bars,
        impact_over_time,
        metric_distributions,
        metric_over_time,
        png_bytes,
        save_png,
        signal_with_contacts,
    )
    from retrogait.report.html import Image, Section, Svg, data_uri, render_html, table_html, write_html
    from retrogait.report.labels import DIRECTION_COLOURS

_FIGURES = (
    "cadence_over_time",
    "foot_strike_bars",
    "impact_over_time",
    "metric_distributions",
    "metric_over_time",
    "png_bytes",
    "save_png",
    "signal_with_contacts",
)
_HTML = ("Image", "Section", "Svg", "data_uri", "render_html", "table_html", "write_html")
_LAZY = {
    **dict.fromkeys(_FIGURES, "retrogait.report.figures"),
    **dict.fromkeys(_HTML, "retrogait.report.html"),
    "DIRECTION_COLOURS": "retrogait.report.labels",
}

__all__ = [
    "DIRECTION_COLOURS",
    "Image",
    "Section",
    "Svg",
    "cadence_over_time",
    "data_uri",
    "foot_strike_bars",
    "impact_over_time",
    "metric_distributions",
    "metric_over_time",
    "png_bytes",
    "render_html",
    "save_png",
    "signal_with_contacts",
    "table_html",
    "write_html",
]


__getattr__ = lazy_getattr("retrogait.report", _LAZY, globals())
