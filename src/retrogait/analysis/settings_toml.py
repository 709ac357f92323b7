"""Analysis settings as TOML: written for people (units and bounds as comments), read strictly.

``settings_to_toml`` writes every value, one table per stage; ``read_settings_file`` reads a file that
holds any subset of tables and keys (``[contacts]`` / ``flight_level_g = 0.35``) and refuses unknown
tables or keys, wrong types and values outside physical bounds in one line naming the file and key. A file that
``settings_to_toml`` printed (its header comment names the preset) overrides with the values edited in it only, so
it can be used for any placement (EDGE-102).
Reading uses the standard library's ``tomllib``; the writer is a few lines here because the output is
flat tables of numbers (no dependency for that; docs/decisions.md SETTINGS-1).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from retrogait.analysis.settings import AnalysisSettings, stage_of
from retrogait.analysis.settings_fields import SettingsError, bounds_text, format_value, value_problem
from retrogait.errors import InputFileError


def settings_to_toml(settings: AnalysisSettings, preset: str | None = None) -> str:
    """Every value of ``settings`` as TOML, each with its unit, bounds and meaning as a comment.

    ``preset`` names the placement preset in the header comment. Reading the text back gives equal
    settings, and writing those gives the same text.
    """
    origin = f'placement preset "{preset}"' if preset else "defaults (no placement preset)"
    lines = [
        f"# retrogait analysis settings: {origin}, settings hash {settings.digest()}",
        "# Each value: unit, [physical bounds], meaning. `retrogait analyze --settings FILE.toml` takes any",
        "# subset of these tables and keys and applies them on top of the placement's preset.",
    ]
    for table in (f.name for f in fields(settings)):
        stage = stage_of(settings, table)
        lines += ["", f"[{table}]"]
        for f in fields(stage):  # type: ignore[arg-type]
            unit = "" if f.metadata["unit"] == "1" else f.metadata["unit"]
            comment = " ".join(part for part in (unit, bounds_text(f), f.metadata["doc"]) if part)
            lines.append(f"{f.name} = {format_value(getattr(stage, f.name))}  # {comment}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SettingsFile:
    """Overrides read from a settings file: ``values`` is ``{table: {key: value}}``, checked key by key."""

    path: str
    values: Mapping[str, Mapping[str, Any]]

    def apply(self, settings: AnalysisSettings) -> AnalysisSettings:
        """``settings`` with these overrides (an order broken by the combination names the file)."""
        try:
            return settings.with_overrides(self.values)
        except SettingsError as exc:
            raise SettingsError(f"{self.path}: {exc}") from None

    def for_placement(self, placement: str) -> AnalysisSettings:
        """The preset of ``placement`` with these overrides."""
        return self.apply(AnalysisSettings.for_placement(placement))

    @property
    def max_acc_g(self) -> float | None:
        """The ``[preprocess] max_acc_g`` (g) this file sets, or None: what the import's units check needs."""
        return max_acc_g_set(self.values)


def max_acc_g_set(values: Mapping[str, Mapping[str, Any]] | None) -> float | None:
    """The ``[preprocess] max_acc_g`` (g) that overrides ``{table: {key: value}}`` set, or None (no preset sets its
    own): a row beyond it is dropped by the analysis, so it is no movement to the import's units check (EDGE-131)."""
    value = (values or {}).get("preprocess", {}).get("max_acc_g")
    return None if value is None else float(value)


def read_settings_file(path: str | os.PathLike[str]) -> SettingsFile:
    """Read and check a settings TOML file (see module docstring); raises a one-line RetrogaitError."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # Notepad's byte-order mark: not TOML's (EDGE-72)
    except OSError as exc:
        raise InputFileError(where, f"cannot read the settings file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputFileError(where, "the settings file is not UTF-8 text (save it as UTF-8)") from None
    return parse_settings_toml(text, where)


def parse_settings_toml(text: str, where: str = "settings") -> SettingsFile:
    """Overrides from TOML text; ``where`` names the source in messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(where, f"not valid TOML: {exc}") from None
    defaults = AnalysisSettings()
    printed_from = _printed_from(text)
    values: dict[str, dict[str, Any]] = {}
    for table, entries in document.items():
        if not isinstance(entries, dict):
            raise SettingsError(f"{where}: key {table!r} is outside a table; settings go in tables like [contacts]")
        try:
            known = {f.name: f for f in fields(stage_of(defaults, table))}  # type: ignore[arg-type]
        except SettingsError as exc:
            raise SettingsError(f"{where}: {exc}") from None
        for key, value in entries.items():
            if key not in known:
                raise SettingsError(f"{where}: [{table}] unknown key {key!r}")
            problem = value_problem(known[key], value)
            if problem:
                sep = " " if problem.startswith("=") else ": "
                raise SettingsError(f"{where}: [{table}] {key}{sep}{problem}")
        values[table] = dict(entries)
    if printed_from is not None:  # only what was edited in the printed file overrides a preset (EDGE-102)
        values = _edits(values, printed_from)
    return SettingsFile(where, values)


#: The header line ``settings_to_toml`` writes (``retrogait settings``, a batch's ``settings_<placement>.toml``).
_PRINTED_FROM = re.compile(r'# retrogait analysis settings: (?:placement preset "([a-z_]+)"|defaults \(no placement)')


def _printed_from(text: str) -> AnalysisSettings | None:
    """The settings a file printed by ``settings_to_toml`` was printed from (its placement's preset, or the
    defaults), told by its header comment among the comment lines it starts with; None for any other file."""
    from retrogait.analysis.settings import PRESETS

    for line in text.lstrip("\ufeff").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return None
        found = _PRINTED_FROM.match(line.strip())
        if found:
            preset = found.group(1)
            if preset is None:
                return AnalysisSettings()
            return PRESETS.get(preset)
    return None


def _edits(values: Mapping[str, Mapping[str, Any]], printed: AnalysisSettings) -> dict[str, dict[str, Any]]:
    """The values of a printed settings file that differ from what it was printed from: the user's edits.

    `retrogait settings --placement shank > mine.toml`, one value edited, then `--settings mine.toml` on a foot or
    lower-back recording (or a batch of several placements) applied every shank value over the other presets: the
    bout gap of one leg's contacts (3 s) at the lower back, the shank's facing cues on a foot (EDGE-102). The values
    left as printed now leave each placement's preset as it is."""
    edits: dict[str, dict[str, Any]] = {}
    for table, entries in values.items():
        stage = stage_of(printed, table)
        changed = {key: value for key, value in entries.items() if value != getattr(stage, key)}
        if changed:
            edits[table] = changed
    return edits
