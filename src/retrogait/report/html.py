"""A self-contained HTML report: sections of text, tables, PNG figures embedded as base64 and inline SVG charts.

The page needs no network and no script: styles are inline, pictures are ``data:`` URIs or inline
``<svg>`` (``retrogait.report.svg``), and a Content-Security-Policy forbids loading anything else, so
the file can be mailed to a coach and opened anywhere. Every text is HTML-escaped. Tables scroll
sideways inside their own box and figures shrink to the screen, so the page reads on a 420 px phone.
Used by ``retrogait compare`` and ``retrogait analyze``.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from retrogait._version import __version__

#: Forbid every network load: only inline styles and data: images are allowed.
CONTENT_SECURITY_POLICY: Final = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CSS: Final = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.5rem; color: #1b1b1b; line-height: 1.45; background: #ffffff; }
@media (max-width: 600px) { body { padding: 0.6rem; } h1 { font-size: 1.3rem; } }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #dddddd; padding-bottom: 0.2rem; }
p.subtitle { color: #555555; margin-top: 0; }
ul { padding-left: 1.3rem; }
li { margin: 0.3rem 0; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eeeeee; }
figcaption { color: #555555; font-size: 0.9rem; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; }
div.scroll { overflow-x: auto; max-width: 100%; }
div.scroll.tall { max-height: 30rem; overflow-y: auto; }
table.data { border-collapse: collapse; font-size: 0.85rem; margin: 0.8rem 0; }
table.data th { position: sticky; top: 0; }
table.data th, table.data td { border-bottom: 1px solid #e5e5e5; padding: 0.25rem 0.5rem; text-align: right; }
table.data th { background: #f4f4f4; }
table.data td:first-child, table.data th:first-child { text-align: left; }
.note { color: #555555; font-size: 0.85rem; }
footer { margin-top: 3rem; color: #777777; font-size: 0.8rem; }
h1, p, li, figcaption, footer { overflow-wrap: anywhere; }
"""


@dataclass(frozen=True)
class Image:
    """A PNG picture with its alternative text and an optional caption."""

    png: bytes
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Svg:
    """An inline SVG chart (markup made by ``retrogait.report.svg``, its text already escaped) and a caption."""

    markup: str
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """One titled part of a report; every part is optional and shown in this order."""

    heading: str
    paragraphs: Sequence[str] = ()
    bullets: Sequence[str] = ()
    table: pd.DataFrame | None = None
    images: Sequence[Image | Svg] = field(default_factory=tuple)
    note: str = ""
    #: more rows than fit a screen: the table scrolls inside its own box (vertically too)
    tall_table: bool = False


def data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI of PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _format_cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return f"{value:.3g}" if abs(value) < 1e5 else f"{value:.0f}"
    return str(value)


def table_html(table: pd.DataFrame) -> str:
    """A DataFrame as an escaped HTML table (numbers with three significant digits, NaN as a dash)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_format_cell(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False, name=None)
    )
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _section_html(section: Section) -> str:
    parts = [f"<h2>{html.escape(section.heading)}</h2>"]
    parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
    if section.bullets:
        parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in section.bullets) + "</ul>")
    if section.table is not None and len(section.table):
        box = "scroll tall" if section.tall_table else "scroll"
        parts.append(f'<div class="{box}">{table_html(section.table)}</div>')
    for image in section.images:
        caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
        if isinstance(image, Svg):
            parts.append(f"<figure>{image.markup}{caption}</figure>")
        else:
            parts.append(f'<figure><img src="{data_uri(image.png)}" alt="{html.escape(image.alt)}">{caption}</figure>')
    if section.note:
        parts.append(f'<p class="note">{html.escape(section.note)}</p>')
    return "<section>" + "\n".join(parts) + "</section>"


def render_html(title: str, sections: Sequence[Section], *, subtitle: str = "", footer: Sequence[str] = ()) -> str:
    """The whole page as one string (UTF-8, no external resources).

    ``footer``: extra lines for the small print at the bottom (e.g. the analysis version and settings).
    """
    sub = f'<p class="subtitle">{html.escape(subtitle)}</p>' if subtitle else ""
    small_print = "".join(f"<br>{html.escape(line)}" for line in footer)
    body = "\n".join(_section_html(s) for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>{sub}\n{body}\n"
        f"<footer>Made with retrogait {html.escape(__version__)}. "
        f"Figures are embedded; no network is needed.{small_print}</footer>\n"
        "</body>\n</html>\n"
    )


def write_html(
    path: str | Path, title: str, sections: Sequence[Section], *, subtitle: str = "", footer: Sequence[str] = ()
) -> Path:
    """Render and write the report; returns its path."""
    out = Path(path)
    out.write_text(render_html(title, sections, subtitle=subtitle, footer=footer), encoding="utf-8")
    return out
