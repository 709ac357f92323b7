"""Shared figures, the HTML builder, `retrogait compare` end to end, and the report in a real browser."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from chromium_cdp import find_chromium, render
from retrogait.cli import main
from retrogait.report import (
    Image,
    Section,
    cadence_over_time,
    foot_strike_bars,
    impact_over_time,
    metric_distributions,
    png_bytes,
    render_html,
    signal_with_contacts,
)
from steps_factory import make_steps


@pytest.fixture
def steps_csv(tmp_path: Path) -> Path:
    path = tmp_path / "run1" / "steps.csv"
    path.parent.mkdir()
    make_steps(clipped_every=15, seed=2).to_csv(path, index=False)
    (path.parent / "summary.json").write_text(
        json.dumps({"placement": "shank", "sensor": "Movesense MD", "sample_rate_hz": 416, "acc_range_g": 16})
    )
    return path


@pytest.mark.parametrize(
    "draw",
    [impact_over_time, cadence_over_time, foot_strike_bars, metric_distributions],
    ids=["impact", "cadence", "strike", "distributions"],
)
def test_figures_draw_steps_and_survive_empty_tables(draw: object) -> None:
    fig = draw(make_steps(n_forward=40, n_backward=30))  # type: ignore[operator]
    assert isinstance(fig, Figure) and fig.axes
    assert png_bytes(fig).startswith(b"\x89PNG")
    empty = draw(pd.DataFrame({"ic_time_s": [], "direction": []}))  # type: ignore[operator]
    assert isinstance(empty, Figure)
    png_bytes(empty)


def test_impact_over_time_colours_by_direction() -> None:
    fig = impact_over_time(make_steps(n_forward=40, n_backward=30))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["forward (40)", "backward (30)"]


def test_signal_with_contacts() -> None:
    t = np.arange(0, 4, 0.01)
    fig = signal_with_contacts(t, np.sin(2 * np.pi * t), [0.5, 1.0, 2.5], ["forward", "backward", "unknown"])
    ax = fig.axes[0]
    assert len(ax.lines) == 1 and len(ax.collections) == 3


def test_html_is_escaped_and_self_contained() -> None:
    fig = impact_over_time(make_steps(n_forward=20, n_backward=20))
    page = render_html(
        "A <b> title",
        [Section("S & T", paragraphs=["<script>alert(1)</script>"], images=[Image(png_bytes(fig), 'alt "x"')])],
    )
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &lt;b&gt; title" in page
    assert re.findall(r'src="([^"]{0,22})', page) == ["data:image/png;base64,"]
    assert "http://" not in page and "https://" not in page


def test_cli_compare_writes_every_output(steps_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["compare", str(steps_csv.parent), "--out", str(out), "--n-boot", "300"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"compare.csv", "compare.json", "report.html", "impact_over_time.png", "distributions.png"} <= names
    table = pd.read_csv(out / "compare.csv")
    impact = table[table["metric"] == "impact_peak_g"].iloc[0]
    assert impact["ci_low"] <= -20.0 <= impact["ci_high"]
    data = json.loads((out / "compare.json").read_text())
    assert data["sources"][0]["placement"] == "shank" and data["sources"][0]["session"] == "run1"
    html = (out / "report.html").read_text()
    assert html.count("<img") == 4 and "Caveats" in html and "416 Hz" in html
    assert "impact_peak_g" in capsys.readouterr().out


def test_cli_compare_refuses_bad_input_in_one_line(
    steps_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "back" / "steps.csv"
    other.parent.mkdir()
    make_steps(seed=5).to_csv(other, index=False)
    (other.parent / "summary.json").write_text(json.dumps({"placement": "lower_back"}))
    assert main(["compare", str(steps_csv.parent), str(other.parent), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "tibial" in err and "lower_back" in err
    broken = tmp_path / "broken.csv"
    make_steps().drop(columns=["direction"]).to_csv(broken, index=False)
    assert main(["compare", str(broken), "--out", str(tmp_path / "o")]) == 2
    assert "missing column(s) direction" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "nope.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(steps_csv: Path, tmp_path: Path) -> None:
    from PIL import Image as PILImage

    out = tmp_path / "out"
    assert main(["compare", str(steps_csv), "--out", str(out), "--n-boot", "300"]) == 0
    page = render(out / "report.html")
    (tmp_path / "screenshot.png").write_bytes(page.screenshot_png)
    assert page.console_errors == []
    assert page.title == "Forward vs backward running"
    assert len(page.images) == 4
    assert all(img["complete"] and img["naturalWidth"] > 0 for img in page.images), page.images
    shot = np.asarray(PILImage.open(io.BytesIO(page.screenshot_png)).convert("L"), dtype=float)
    assert shot.shape[0] > 500 and shot.shape[1] > 500
    not_white = float(np.mean(shot < 200))
    assert not_white > 0.02, f"screenshot looks blank ({not_white:.3%} dark pixels)"
    assert shot.std() > 10


def test_compare_analyses_a_recording_on_the_fly(tmp_path: Path) -> None:
    """A native recording goes through retrogait.analyze; the effort proxy comes from its signal."""
    from retrogait.compare import EFFORT_COLUMN, load_input
    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    result = simulate(SimulationConfig("lower_back", [Bout("forward", "running", 3.0, 10.0)], seed=2))
    path = tmp_path / "rec.csv"
    write_simulation(result, path)
    loaded = load_input(path)
    n_truth = len(result.truth)
    assert loaded.source.kind == "recording" and loaded.source.placement == "lower_back"
    assert abs(loaded.source.n_steps - n_truth) <= 2 and loaded.source.acc_range_g == 16.0
    effort = loaded.steps[EFFORT_COLUMN].to_numpy()
    assert np.isfinite(effort).sum() >= n_truth - 3 and np.nanmin(effort) > 0
    out = tmp_path / "out"
    # forward only: nothing to compare, exit 2 and nothing written (EDGE-92)
    assert main(["compare", str(path), "--out", str(out), "--n-boot", "200"]) == 2 and not out.exists()


def test_cli_compare_several_sessions_pairs_them(tmp_path: Path) -> None:
    folders = []
    for k in range(6):
        folder = tmp_path / f"day{k}"
        folder.mkdir()
        make_steps(n_forward=40, n_backward=40, impact_forward_g=9.0 + k, seed=k).to_csv(
            folder / "steps.csv", index=False
        )
        (folder / "summary.json").write_text(json.dumps({"placement": "shank", "sample_rate_hz": 500}))
        folders.append(str(folder))
    out = tmp_path / "out"
    assert main(["compare", *folders, "--out", str(out), "--n-boot", "300"]) == 0
    data = json.loads((out / "compare.json").read_text())
    impact = next(m for m in data["metrics"] if m["metric"] == "impact_peak_g")
    assert data["level"] == "sessions" and impact["design"] == "sessions, paired"
    assert impact["clusters_forward"] == 6 and impact["ci_low"] <= -20.0 <= impact["ci_high"]
    assert impact["test"] in ("paired t-test", "Wilcoxon signed-rank test")
    assert [s["session"] for s in data["sources"]] == [f"day{k}" for k in range(6)]
