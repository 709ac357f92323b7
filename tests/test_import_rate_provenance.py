"""Every import says which rate its session holds and how it was taken (HONEST-32; HONEST-31's finding)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.conventions import STANDARD_GRAVITY_MS2 as G
from retrogait.imports import load_recording
from retrogait.imports.limits import SAMPLE_RATE_KEY


def _jittered_ns_table(path: Path, seed: int = 3) -> Path:
    """A phone's log without a header: ``timestamp_ns, x, y, z`` (m/s^2) at a nominal 200 Hz whose stamps arrive
    jittered (skewed: most steps short, some long), so that the mean rate (222 Hz) and the median step's (265 Hz)
    differ, as a real phone's do (Samsung_Dario_Hard_Purse_1: 205.5 Hz by the median step, 221.9 Hz by the
    mean)."""
    rng = np.random.default_rng(seed)
    steps_s = rng.gamma(2.0, 0.00225, size=6000)  # mean 4.5 ms (222 Hz), median ~3.8 ms
    t_ns = np.round((1_700_000_000 + np.concatenate([[0.0], np.cumsum(steps_s)])) * 1e9)
    t_s = (t_ns - t_ns[0]) / 1e9
    acc = samples.truth_acc_ms2(t_s)
    lines = [f"{int(t)},{x:.5f},{y:.5f},{z:.5f}" for t, (x, y, z) in zip(t_ns, acc, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_jittered_phone_log_says_its_rate_is_the_mean_and_the_median_step_only_the_unit_s_evidence(
    tmp_path: Path,
) -> None:
    """Before: ``inferred_time_unit: ns (median step ... -> 205.5 Hz; ...)`` and the session at 221.9 Hz, with no
    word of which rate the session holds."""
    session = load_recording(_jittered_ns_table(tmp_path / "phone.csv"), placement="bag").session
    extra = session.meta.extra
    steps = np.diff(session.t_s)
    mean_hz, median_hz = steps.size / float(steps.sum()), 1.0 / float(np.median(steps))
    assert abs(mean_hz / median_hz - 1.0) > 0.05  # the case: the two rates differ
    assert session.meta.sample_rate_hz == pytest.approx(mean_hz, rel=1e-6)
    assert "the unit's evidence" in extra["inferred_time_unit"]
    words = extra[SAMPLE_RATE_KEY]
    assert words.startswith(f"{mean_hz:.6g} Hz: the mean rate of the stamps, {steps.size:,} steps over ")
    assert f"(the median step would make {median_hz:.4g} Hz)" in words
    assert float(np.median(np.linalg.norm(session.acc, axis=1))) == pytest.approx(G, rel=0.1)


READERS: list[tuple[str, Callable[[Path], Path], str]] = [
    # (format, writer, how the rate was taken)
    ("phyphox", lambda d: samples.phyphox_folder(d / "p"), "the mean rate of the stamps"),
    ("sensorlogger", lambda d: samples.sensorlogger_folder(d / "sl"), "the mean rate of the stamps"),
    ("polar_logger", lambda d: samples.polar_pair(d / "pl"), "the mean rate of the stamps"),
    ("metabase", lambda d: samples.metabase_pair(d / "mb"), "the mean rate of the stamps"),
    ("movesense", lambda d: samples.movesense_json(d / "m.json"), "the mean rate of the stamps"),
    ("physics_toolbox", lambda d: samples.physics_toolbox(d / "pt.csv"), "the mean rate of the stamps"),
    ("geneactiv", lambda d: samples.geneactiv(d / "ga.csv"), "as the file states"),
    ("sensorlog", lambda d: samples.sensorlog(d / "log.csv"), "the mean rate of the stamps"),
    ("generic_csv", lambda d: samples.generic(d / "g.csv"), "the mean rate of the stamps"),
]


@pytest.mark.parametrize(("name", "writer", "how"), READERS, ids=[r[0] for r in READERS])
def test_every_reader_says_which_rate_its_session_holds(
    tmp_path: Path, name: str, writer: Callable[[Path], Path], how: str
) -> None:
    result = load_recording(writer(tmp_path))
    assert result.report.format == name
    meta = result.session.meta
    words = meta.extra[SAMPLE_RATE_KEY]
    assert float(words.split(" Hz")[0]) == pytest.approx(meta.sample_rate_hz, rel=1e-5), words
    assert how in words, words


def test_a_rate_given_with_rate_is_said_as_given(tmp_path: Path) -> None:
    session = load_recording(samples.phyphox_folder(tmp_path / "p"), rate_hz=99.0).session
    words = session.meta.extra[SAMPLE_RATE_KEY]
    assert session.meta.sample_rate_hz == 99.0
    assert words.startswith("99 Hz as --rate gives (the mean rate of the stamps: 100 Hz)"), words


@pytest.mark.parametrize("rate_hz", [100.0, 85.7])
def test_a_geneactiv_csv_analysed_in_parts_does_not_say_its_parts_read_other_rates(
    tmp_path: Path, rate_hz: float
) -> None:
    """Each part of a text file read alone takes its rate from its own stamps (its own count of steps): the parts'
    rates are compared as numbers (``sample_rate_hz``), so their words differing is not told as the parts
    differing in what they inferred."""
    import json

    from retrogait.cli import main
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    bouts = parse_bouts("still::0:10,forward:running:3.0:280,still::0:10")
    session = simulate(SimulationConfig("shank", bouts, rate_hz)).session  # 85.7 Hz: its ms stamps 11-12 ms apart
    stamps = np.datetime64("2019-08-06T10:25:50.000") + np.round(session.t_s * 1000).astype("timedelta64[ms]")
    said = np.char.replace(np.char.replace(np.datetime_as_string(stamps, unit="ms"), "T", " "), ".", ":")
    g = session.acc / G
    header = ["Device Type,GENEActiv", "Device Model,1.1", "Device Unique Serial Code,046164"]
    header += [f"Measurement Frequency,{session.meta.sample_rate_hz:.1f} Hz", "Time Zone,GMT +00", "Units,g", ""]
    rows = [f"{t},{x:.4f},{y:.4f},{z:.4f},0,0,31.6" for t, (x, y, z) in zip(said, g, strict=True)]
    path = tmp_path / "ga.csv"
    path.write_text("\r\n".join(header + rows) + "\r\n")
    out = tmp_path / "parts"
    assert (
        main(["analyze", str(path), "-o", str(out), "--no-report", "--placement", "shank", "--part-hours", "0.034"])
        == 0
    )
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["parts"]) >= 2
    rates = [p["inferred"][SAMPLE_RATE_KEY] for p in summary["parts"]]
    assert all("as the file states" in r for r in rates), rates
    assert not any("differ in inferred" in note for note in summary["notes"]), summary["notes"]
    # summary.json's input_provenance is the first part's: where the parts' words differ it says whose (REVIEW-45)
    said = summary["input_provenance"][SAMPLE_RATE_KEY]
    if len(set(rates)) == 1:
        assert said == rates[0]
    else:
        assert said.startswith(rates[0]) and "the first part's (0-" in said and "summary.json `parts`" in said, said


def test_a_table_without_a_time_column_read_with_rate_does_not_claim_stamps(tmp_path: Path) -> None:
    """A table without a time column is timed by --rate: its "stamps" are the rate's own, so HONEST-32's "(the mean
    rate of the stamps: 208 Hz)" confirmed the rate with itself (REVIEW-46)."""
    t = np.arange(4000) / 208.0
    acc = samples.truth_acc_ms2(t)
    path = tmp_path / "no_time.csv"
    np.savetxt(path, acc, delimiter=",", header="ax,ay,az", comments="", fmt="%.5f")
    session = load_recording(path, rate_hz=208.0).session
    words = session.meta.extra[SAMPLE_RATE_KEY]
    assert session.meta.sample_rate_hz == 208.0
    assert words == "208 Hz as --rate gives (no time column: the rows are timed by it)", words
