"""Snapshot cases: the analysis outputs of sample_data/ and a few stored simulated sessions.

``tests/test_snapshots.py`` checks that ``retrogait.analyze`` with the default settings still writes
these outputs. When a change of the outputs is intended, regenerate them and commit the diff:

    python tests/snapshot_cases.py outputs   # re-record tests/data/snapshots/<case>/
    python tests/snapshot_cases.py inputs    # re-simulate the stored inputs (rarely: they are fixed data)

The simulated inputs are stored (not re-simulated in the test) so that a change of the simulator does
not look like a change of the analysis.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
INPUTS = SNAPSHOTS / "inputs"
#: summary.json keys that say how a result was made, not what it is: not compared.
PROVENANCE_KEYS = ("settings", "settings_hash", "analysis_version")
OUTPUT_FILES = ("summary.json", "steps.csv", "bouts.csv")


@dataclass(frozen=True)
class Case:
    """One snapshot: an input file and the ``analyze`` arguments it is run with."""

    name: str
    path: Path
    placement: str | None = None
    anterior_axis: str | None = None


CASES = (
    Case("sample_shank", ROOT / "sample_data" / "shank_forward_backward_forward.csv"),
    Case("sample_foot", ROOT / "sample_data" / "foot_mixed.csv"),
    Case("sample_lower_back", ROOT / "sample_data" / "lower_back_mixed.csv"),
    Case("sim_foot_acc_only", INPUTS / "sim_foot_acc_only.csv"),
    Case("sim_lower_back_walk_no_axis", INPUTS / "sim_lower_back_walk_no_axis.csv"),
    Case("sim_shank_turned", INPUTS / "sim_shank_turned.csv"),
    Case("sim_foot_no_axis", INPUTS / "sim_foot_no_axis.csv"),
    Case("sim_lower_back_reversed", INPUTS / "sim_lower_back_forward_run.csv", anterior_axis="-x"),
    Case("sim_wrist", INPUTS / "sim_lower_back_walk_no_axis.csv", placement="wrist"),
    Case("sim_other", INPUTS / "sim_shank_turned.csv", placement="other"),
)


def run_case(case: Case, out_dir: Path) -> dict[str, Path]:
    """Analyse ``case`` with the default settings and write its outputs (no report) into ``out_dir``."""
    from retrogait.analysis.pipeline import analyze, write_outputs

    result = analyze(case.path, placement=case.placement, anterior_axis=case.anterior_axis)
    return write_outputs(result, out_dir)


def comparable_summary(path: Path) -> dict[str, Any]:
    """summary.json without its provenance keys and with the source reduced to the file name."""
    summary = json.loads(path.read_text(encoding="utf-8"))
    for key in PROVENANCE_KEYS:
        summary.pop(key, None)
    if summary.get("source"):
        summary["source"] = Path(summary["source"]).name
    return summary


def write_outputs_snapshots() -> None:
    for case in CASES:
        out = SNAPSHOTS / case.name
        run_case(case, out)
        summary = comparable_summary(out / "summary.json")
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        print(f"{case.name}: {', '.join(OUTPUT_FILES)}")


def write_input_sessions() -> None:
    """Short simulated sessions covering what sample_data/ does not: acc-only foot, a 100 Hz lower back
    walking with no anterior axis in the header (sign from the signal), a shank turned 40 deg, a foot with
    gyroscope and no anterior axis (facing from frame-free cues), forward running at the lower back (read
    with a reversed axis: the reversed-axis note)."""
    from retrogait.session import write_session
    from retrogait.simulate import Bout, SimulationConfig, simulate

    still = Bout("still", "still", 0.0, 2.0)
    configs = {
        "sim_foot_acc_only": SimulationConfig(
            "foot",
            [still, Bout("forward", "running", 3.0, 10.0), Bout("backward", "running", 2.5, 10.0), still],
            sample_rate_hz=200.0,
            side="right",
            with_gyro=False,
            seed=11,
        ),
        "sim_lower_back_walk_no_axis": SimulationConfig(
            "lower_back",
            [
                still,
                Bout("forward", "walking", 1.4, 12.0),
                Bout("backward", "walking", 1.0, 12.0),
                still,
                Bout("forward", "running", 3.0, 10.0),
                still,
            ],
            sample_rate_hz=100.0,
            with_gyro=False,
            seed=12,
        ),
        "sim_shank_turned": SimulationConfig(
            "shank",
            [still, Bout("forward", "running", 3.0, 10.0), Bout("backward", "walking", 1.0, 10.0), still],
            sample_rate_hz=200.0,
            side="left",
            mounting_rotation_deg=(0.0, 0.0, 40.0),
            seed=13,
        ),
        "sim_foot_no_axis": SimulationConfig(
            "foot",
            [still, Bout("forward", "running", 3.0, 10.0), Bout("backward", "walking", 1.0, 8.0), still],
            sample_rate_hz=200.0,
            side="left",
            seed=14,
        ),
        "sim_lower_back_forward_run": SimulationConfig(
            "lower_back",
            [still, Bout("forward", "running", 3.0, 15.0), still],
            sample_rate_hz=200.0,
            with_gyro=False,
            seed=15,
        ),
    }
    INPUTS.mkdir(parents=True, exist_ok=True)
    for name, config in configs.items():
        session = simulate(config).session
        if name in ("sim_lower_back_walk_no_axis", "sim_foot_no_axis"):
            session = replace(session, meta=replace(session.meta, anterior_axis=None))
        write_session(session, INPUTS / f"{name}.csv")
        print(f"{name}: {session.n_samples} samples")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "inputs":
        write_input_sessions()
    elif what == "outputs":
        write_outputs_snapshots()
    else:
        sys.exit("usage: python tests/snapshot_cases.py inputs|outputs")
