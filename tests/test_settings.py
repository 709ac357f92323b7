"""Analysis settings as data (issue 13): typed stages, presets, TOML round trip, refusal, provenance."""

from __future__ import annotations

import ast
import json
import shutil
import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest

import retrogait
from retrogait.analysis.settings import PRESETS, AnalysisSettings, ContactsSettings, SettingsError, stage_of
from retrogait.analysis.settings_toml import parse_settings_toml, read_settings_file, settings_to_toml
from retrogait.analysis.version import NOT_RESULTS, analysis_version, source_digest, source_files
from retrogait.cli import main
from retrogait.conventions import PLACEMENTS
from retrogait.errors import RetrogaitError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "lower_back_mixed.csv"
#: How a settings field name ends: its unit, or what a plain number is relative to.
UNIT_SUFFIXES = (
    "_s", "_ms", "_hz", "_g", "_ms2", "_dps", "_deg", "_m", "_spm", "_fraction", "_ratio", "_probability",
    "_confidence", "_correlation", "_log_odds", "_samples", "_steps", "_periods", "_strides", "_intervals",
    "_score", "_factor", "_bw",
)  # fmt: skip


def _all_fields(settings: AnalysisSettings):  # type: ignore[no-untyped-def]
    for table in (f.name for f in fields(settings)):
        stage = stage_of(settings, table)
        for f in fields(stage):  # type: ignore[arg-type]
            yield table, stage, f


def test_every_field_is_a_documented_bounded_quantity() -> None:
    defaults = AnalysisSettings()
    for table, stage, f in _all_fields(defaults):
        assert table == stage.TABLE
        assert f.name.endswith(UNIT_SUFFIXES), f"[{table}] {f.name}: no unit in the name"
        assert f.metadata["unit"] and f.metadata["doc"], f"[{table}] {f.name}: unit and doc"
        lo, hi = f.metadata["min"], f.metadata["max"]
        assert lo is not None and hi is not None and lo <= getattr(stage, f.name) <= hi, f"[{table}] {f.name}"


def test_every_placement_has_a_preset_and_presets_differ_only_where_physics_does() -> None:
    assert set(PLACEMENTS) <= set(PRESETS)
    shank, foot, back = (AnalysisSettings.for_placement(p) for p in ("shank", "foot", "lower_back"))
    assert back == AnalysisSettings()
    assert foot.bouts.max_contact_gap_s == 2 * back.bouts.max_contact_gap_s  # one leg: a stride apart
    assert (shank.direction.anatomy_scale_log_ratio, shank.direction.anatomy_cap_log_odds) == (0.1, 4.0)
    assert replace(shank, direction=foot.direction) == foot
    with pytest.raises(SettingsError, match="no settings preset for placement 'knee'"):
        AnalysisSettings.for_placement("knee")


@pytest.mark.parametrize("placement", list(PRESETS))
def test_toml_round_trip_is_exact(placement: str) -> None:
    settings = AnalysisSettings.for_placement(placement)
    text = settings_to_toml(settings, preset=placement)
    back = parse_settings_toml(text, "x.toml").for_placement(placement)  # its edits (none) on its preset: EDGE-102
    assert back == settings
    assert settings_to_toml(back, preset=placement) == text
    assert tomllib.loads(text) == settings.to_dict()
    assert AnalysisSettings.from_dict(settings.to_dict()) == settings


def test_overrides_apply_on_top_of_the_preset(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("[contacts]\nflight_level_g = 0.35\n[bouts]\nmin_bout_steps = 6\n", encoding="utf-8")
    shank = read_settings_file(path).for_placement("shank")
    assert shank.contacts.flight_level_g == 0.35 and shank.bouts.min_bout_steps == 6
    assert shank.direction == AnalysisSettings.for_placement("shank").direction
    assert shank.bouts.max_contact_gap_s == 3.0
    # an integer for a number is the same setting, and hashes the same
    whole = parse_settings_toml("[contacts]\nflight_level_g = 1\n").apply(AnalysisSettings())
    assert whole.contacts.flight_level_g == 1.0 and isinstance(whole.contacts.flight_level_g, float)
    assert whole.digest() == replace(whole, contacts=replace(whole.contacts, flight_level_g=1.0)).digest()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[contacts]\nflight_level_g = 5\n",
            r"bad\.toml: \[contacts\] flight_level_g = 5 g is outside .*\[0\.0, 1\.0\]",
        ),
        ("[contacts]\nflight_levl_g = 0.3\n", r"bad\.toml: \[contacts\] unknown key 'flight_levl_g'"),
        ("[contact]\nflight_level_g = 0.3\n", r"bad\.toml: unknown table \[contact\]"),
        ("flight_level_g = 0.3\n", r"bad\.toml: key 'flight_level_g' is outside a table"),
        ('[contacts]\nflight_level_g = "low"\n', r"bad\.toml: \[contacts\] flight_level_g: must be a number"),
        ("[contacts]\nflight_level_g = true\n", r"bad\.toml: \[contacts\] flight_level_g: must be a number"),
        ("[bouts]\nmin_bout_steps = 4.5\n", r"bad\.toml: \[bouts\] min_bout_steps: must be an integer"),
        ("[contacts]\nflight_level_g = nan\n", r"bad\.toml: \[contacts\] flight_level_g: must be a finite number"),
        ("[contacts\n", r"bad\.toml: not valid TOML"),
    ],
)
def test_bad_settings_are_refused_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RetrogaitError, match=message) as info:
        read_settings_file(path).for_placement("foot")
    assert "\n" not in str(info.value)


def test_order_broken_by_a_combination_names_the_file_and_keys() -> None:
    overrides = parse_settings_toml("[contacts]\nmin_step_s = 0.9\nmax_step_s = 0.5\n", "order.toml")
    with pytest.raises(SettingsError, match=r"order\.toml: \[contacts\] min_step_s = 0\.9 must not exceed max_step_s"):
        overrides.for_placement("lower_back")
    with pytest.raises(SettingsError, match=r"\[contacts\] flight_level_g = -1"):
        ContactsSettings(flight_level_g=-1.0)


def test_digest_follows_the_values() -> None:
    a, b = AnalysisSettings(), AnalysisSettings()
    assert a.digest() == b.digest() and len(a.digest()) == 16
    changed = replace(a, contacts=replace(a.contacts, flight_level_g=0.41))
    assert changed.digest() != a.digest()
    assert AnalysisSettings.for_placement("shank").digest() != a.digest()


def _copy_sources(dest: Path) -> Path:
    package = Path(retrogait.__file__).parent
    shutil.copytree(package, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_analysis_version_changes_with_analysis_code_only(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path / "retrogait")
    before = source_digest(package)
    assert source_digest(package) == before
    (package / "cli" / "analyze.py").write_text("# the command line is not analysis code\n", encoding="utf-8")
    assert source_digest(package) == before
    for changed in ("analysis/contacts.py", "imports/common.py", "session.py"):
        with (package / changed).open("a", encoding="utf-8") as f:
            f.write("\n# a change\n")
        after = source_digest(package)
        assert after != before, changed
        before = after
    assert analysis_version().startswith(f"{retrogait.__version__}+")


def test_analysis_version_covers_every_module_the_analysis_imports() -> None:
    """A module the hashed sources import (a new helper package, say) is hashed too, or declared to make
    no result: otherwise a change to it would leave batch results of older code in place."""
    package = Path(retrogait.__file__).parent
    hashed = {p.relative_to(package).as_posix() for p in source_files(package)}
    missing = set()
    for path in source_files(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"retrogait.{a.name}" for a in node.names] if node.module == "retrogait" else [node.module]
            for name in names:
                if not name.startswith("retrogait."):
                    continue
                parts = name.split(".")[1:]
                module = "/".join(parts) + ".py"
                init = "/".join(parts) + "/__init__.py"
                if not (package / module).is_file() and not (package / init).is_file():
                    continue  # a name, not a module (``from retrogait import __version__``)
                if module in hashed or init in hashed or module in NOT_RESULTS or parts[-1] + ".py" in NOT_RESULTS:
                    continue
                missing.add(name)
    assert not missing, f"imported by the analysis but not in ANALYSIS_SOURCES or NOT_RESULTS: {sorted(missing)}"


def test_summary_says_how_it_was_made() -> None:
    settings = AnalysisSettings.for_placement("lower_back")
    changed = replace(settings, bouts=replace(settings.bouts, min_bout_steps=1000))
    default = retrogait.analyze(SAMPLE)
    other = retrogait.analyze(SAMPLE, settings=changed)
    assert default.summary["settings"] == settings.to_dict()
    assert default.summary["settings_hash"] == settings.digest()
    assert default.summary["analysis_version"] == analysis_version()
    assert other.summary["settings"]["bouts"]["min_bout_steps"] == 1000
    assert other.summary["settings_hash"] != default.summary["settings_hash"]
    # the setting is used: no run of steps is long enough to be a bout
    assert (default.steps["bout_id"] >= 0).sum() > 250 and (other.steps["bout_id"] == -1).all()
    json.dumps(default.summary, allow_nan=False)


def test_shank_file_is_analysed_with_the_shank_preset() -> None:
    result = retrogait.analyze(ROOT / "sample_data" / "shank_forward_backward_forward.csv")
    assert result.summary["settings"] == AnalysisSettings.for_placement("shank").to_dict()


def test_cli_settings_prints_toml_and_analyze_takes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", "--placement", "shank"]) == 0
    text = capsys.readouterr().out
    assert parse_settings_toml(text).for_placement("shank") == AnalysisSettings.for_placement("shank")
    assert "flight_level_g = 0.4  # g [0.0, 1.0]" in text
    bad = tmp_path / "bad.toml"
    bad.write_text("[contacts]\nflight_level_g = 2.5\n", encoding="utf-8")
    assert main(["analyze", str(SAMPLE), "--settings", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("retrogait: error: ") and "bad.toml: [contacts] flight_level_g = 2.5 g" in err
    assert "\n" not in err and not (tmp_path / "out").exists()
    good = tmp_path / "good.toml"
    good.write_text("[bouts]\nmin_bout_steps = 6\n", encoding="utf-8")
    assert main(["analyze", str(SAMPLE), "--settings", str(good), "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["settings"]["bouts"]["min_bout_steps"] == 6


def test_no_analysis_function_is_longer_than_80_lines() -> None:
    for path in sorted((ROOT / "src" / "retrogait" / "analysis").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 80, f"{path.name}: {node.name} has {length} lines"
