"""The analysis report (issue 12 item 20, issue 16): answer first, readable names, SVG charts, phone width."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrogait
from chromium_cdp import find_chromium, render
from retrogait.cli import main
from retrogait.report.analysis_report import build_analysis_html, footer_lines, headline
from retrogait.report.labels import landings_name
from retrogait.report.svg import chart, envelope, layer, nice_ticks
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate


@pytest.fixture(scope="module")
def result() -> retrogait.AnalysisResult:
    bouts = [Bout("forward", "running", 3.2, 25.0), Bout("backward", "running", 2.4, 25.0)]
    return retrogait.analyze(simulate(SimulationConfig("shank", bouts, sample_rate_hz=200.0, seed=4)).session)


def test_headline_answers_per_direction_with_units(result: retrogait.AnalysisResult) -> None:
    sentences, table = headline(result.summary, result.steps)
    assert list(table.columns) == ["", "forward", "backward", "backward vs forward"]
    names = table[""].tolist()
    assert names[:3] == ["peak impact (g, median)", "cadence (steps/min of both legs)", "contact time (ms, median)"]
    assert names[-1] == "contacts of this leg"
    per = result.summary["per_direction"]
    assert table.iloc[-1]["forward"] == str(per["forward"]["n_steps"])
    fwd, bwd = per["forward"]["impact_peak_g"]["median"], per["backward"]["impact_peak_g"]["median"]
    assert table.iloc[0]["backward vs forward"] == f"{100 * (bwd - fwd) / fwd:+.0f} %"
    assert sentences[0].startswith("Backward against forward running: peak impact")
    assert "impact_peak_g" not in build_analysis_html(result)  # column names never reach the reader


def test_headline_with_one_direction_has_no_difference(result: retrogait.AnalysisResult) -> None:
    forward = result.steps[result.steps["direction"] == "forward"]
    summary = {**result.summary, "per_direction": {**result.summary["per_direction"]}}
    summary["per_direction"]["backward"] = {**summary["per_direction"]["backward"], "n_steps": 0}
    sentences, table = headline(summary, forward)
    assert "backward vs forward" not in table.columns and "backward" not in table.columns
    assert sentences == ["Only forward gait was found, so there is no direction to compare it with."]


def test_contacts_and_steps_are_named_apart() -> None:
    assert landings_name("shank") == landings_name("foot") == "contacts of this leg"
    assert landings_name("lower_back") == "steps (both legs)"


def test_footer_shows_version_and_settings_hash_when_recorded(result: retrogait.AnalysisResult) -> None:
    assert "records no analysis version" in footer_lines({})[0]
    lines = footer_lines({"analysis_version": "a1b2c3", "settings_hash": "d4e5f6", "settings": {}})
    assert lines == ["analysis version a1b2c3, settings hash d4e5f6 (all settings in summary.json)"]
    recorded = {**result.summary, "analysis_version": "a1b2c3", "settings_hash": "d4e5f6"}
    page = build_analysis_html(dataclasses.replace(result, summary=recorded))
    assert "analysis version a1b2c3, settings hash d4e5f6" in page


def test_report_is_inline_svg_with_contacts_on_their_samples(result: retrogait.AnalysisResult) -> None:
    page = build_analysis_html(result)
    assert "<img" not in page and page.count("<svg") >= 5
    assert "matplotlib" not in page
    z_g = result.signals.acc_ms2[:, 2] / 9.80665
    ic = result.contacts.ic_idx
    # the contact markers of a chart sit at the signal's value at the contact sample
    svg = chart(
        [layer("line", result.signals.t_s, z_g, "#555"), layer("marks", result.signals.t_s[ic], z_g[ic], "#000")],
        title="t",
        xlabel="x",
        ylabel="y",
        alt="a",
    )
    assert svg.count("l-4 -7h8z") == ic.size


def test_envelope_keeps_every_peak_and_ticks_are_round() -> None:
    t = np.arange(100_000) / 1000.0
    y = np.sin(t)
    y[12_345] = 50.0
    y[67_890] = -40.0
    t_env, low, high = envelope(t, y, columns=500)
    assert t_env.size <= 500 and high.max() == 50.0 and low.min() == -40.0
    assert np.all(low <= high)
    same_t, same_low, same_high = envelope(t[:300], y[:300], columns=500)
    assert np.array_equal(same_low, same_high) and same_t.size == 300
    assert nice_ticks(0.0, 3600.0) == [0.0, 1000.0, 2000.0, 3000.0]
    assert nice_ticks(-0.37, 1.2) == [0.0, 0.5, 1.0]


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")
def test_report_reads_on_a_phone(result: retrogait.AnalysisResult, tmp_path: Path) -> None:
    from PIL import Image as PILImage

    session = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 20.0)], 200.0, seed=1)).session
    path = write_session(session, tmp_path / "run.csv")
    assert main(["analyze", str(path), "--out", str(tmp_path / "out")]) == 0
    checks = {
        "page_width": "document.documentElement.scrollWidth",
        "chart_widths": "[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width)",
    }
    page = render(tmp_path / "out" / "report.html", width=420, height=1600, evaluate=checks)
    assert page.console_errors == []
    assert page.values["page_width"] <= 420  # nothing wider than the phone: tables scroll in their own box
    widths = page.values["chart_widths"]
    assert widths and all(w >= 360 for w in widths)
    assert all(15 * w / 520 >= 10 for w in widths)  # chart text at least 10 px on screen
    shot = np.asarray(PILImage.open(io.BytesIO(page.screenshot_png)).convert("L"), dtype=float)
    assert float(np.mean(shot < 200)) > 0.02 and shot.std() > 10


def test_compare_report_drops_shares_seen_in_neither_direction() -> None:
    from retrogait.compare import CompareSettings, compare_directions
    from retrogait.compare.output import report_sections
    from steps_factory import make_steps

    steps = make_steps(n_forward=60, n_backward=60, seed=3)
    steps["foot_strike"] = np.where(steps["direction"] == "forward", "rearfoot", "forefoot")
    comparison = compare_directions(steps, settings=CompareSettings(n_boot=200))
    summary, numbers = report_sections(comparison, {})[:2]
    assert not any("midfoot" in b for b in summary.bullets)
    assert "share of midfoot landings" in summary.note  # named once, as seen in neither direction
    assert numbers.table is not None and not numbers.table.to_string().count("midfoot")
    assert any("forefoot" in b for b in summary.bullets)


def test_report_counts_why_values_are_missing() -> None:
    from retrogait.report.not_measured import not_measured_lines, reason_counts

    steps = pd.DataFrame(
        {
            "impact_flags": ["", "no_impact_peak", "", ""],
            "vgrf_flags": ["heel_transient", "heel_transient", "walking", "odd;heel_transient"],
        }
    )
    assert reason_counts(steps["vgrf_flags"]) == {"heel_transient": 3, "walking": 1, "odd": 1}
    lines = not_measured_lines(steps)
    assert (
        lines[0]
        == "peak impact and impact loading rate not estimated on 1 step: no impact peak (no positive acceleration)"
    )
    assert lines[1].startswith("vGRF loading rate not estimated on 3 steps: heel transient")
    assert "vGRF peak and loading rate not estimated on 1 step: walking" in lines[2]
    assert lines[3] == "vgrf values not estimated on 1 step: odd"  # an unknown reason is named as written
    assert not_measured_lines(steps.iloc[:0]) == []


def test_lower_back_report_says_how_many_loading_rates_a_heel_transient_cost() -> None:
    result = retrogait.analyze(Path(__file__).resolve().parents[1] / "sample_data" / "lower_back_mixed.csv")
    n = int((result.steps["vgrf_flags"] == "heel_transient").sum())
    assert n > 0
    html = build_analysis_html(result)
    assert f"vGRF loading rate not estimated on {n} steps: heel transient" in html
    assert "Values not measured, and why" in html


def test_how_the_recording_was_read_is_in_the_summary_and_the_report(tmp_path: Path) -> None:
    """EDGE-77: analysing an export directly kept none of the import's facts (format, files, every inferred
    unit and column, rows dropped) in summary.json or the report; they were only in a converted file's header."""
    import import_samples as samples

    table = samples.generic(tmp_path / "run.csv")
    out = tmp_path / "analysis"
    assert main(["analyze", str(table), "--out", str(out)]) == 0
    import json

    given = json.loads((out / "summary.json").read_text())["input_provenance"]
    assert given["import_format"] == "generic_csv" and given["import_source"] == "run.csv"
    assert given["inferred_acc_unit"].startswith(("ms2", "g", "mg"))
    page = (out / "report.html").read_text()
    assert "format: generic_csv" in page and "inferred acc unit: " in page
