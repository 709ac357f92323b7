"""Print the analysis settings as a Markdown table for docs/analysis.md ("Parameters").

Usage: python scripts/settings_table.py
One row per field: stage table, field, unit, default, physical bounds, meaning; a last column names
the presets whose value differs from the default.
"""

from __future__ import annotations

from dataclasses import fields

from retrogait.analysis.settings import PRESETS, AnalysisSettings, stage_of
from retrogait.analysis.settings_fields import bounds_text, format_value


def main() -> None:
    defaults = AnalysisSettings()
    print("| stage | field | unit | default | bounds | meaning | presets |")
    print("|---|---|---|---|---|---|---|")
    for table in (f.name for f in fields(defaults)):
        stage = stage_of(defaults, table)
        for f in fields(stage):  # type: ignore[arg-type]
            value = getattr(stage, f.name)
            presets = ", ".join(
                f"{name} {format_value(getattr(stage_of(p, table), f.name))}"
                for name, p in PRESETS.items()
                if getattr(stage_of(p, table), f.name) != value
            )
            unit = "–" if f.metadata["unit"] == "1" else f.metadata["unit"]
            doc = f.metadata["doc"].replace("|", "\\|")
            print(f"| {table} | `{f.name}` | {unit} | {format_value(value)} | {bounds_text(f)} | {doc} | {presets} |")


if __name__ == "__main__":
    main()
