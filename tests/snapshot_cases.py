"""Snapshot cases: the analysis outputs of sample_data/ and a few seeded simulated sessions.

``tests/test_snapshots.py`` checks that ``retrogait.analyze`` with the default settings still writes
these outputs. The simulated inputs are not stored: the test simulates them (seeded, ~1 s) and first
checks them against their recorded sha256 (``tests/data/snapshots/inputs.json``), so that a change of
the simulator is reported as that, not as a change of the analysis. When a change of the outputs (or of
the simulator) is intended, regenerate and commit the diff:

    python tests/snapshot_cases.py outputs   # re-record tests/data/snapshots/<case>/ and inputs.json
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
#: sha256 of each simulated input as written by ``write_session`` (name -> hex digest).
INPUT_DIGESTS = SNAPSHOTS / "inputs.json"
#: summary.json keys that say how a result was made, not what it is: not compared.
PROVENANCE_KEYS = ("settings", "settings_hash", "analysis_version", "input_provenance")
OUTPUT_FILES = ("summary.json", "steps.csv", "bouts.csv")


@dataclass(frozen=True)
class Case:
    """One snapshot: an input (a sample_data/ file, or the name of a simulated input) and the ``analyze``
    arguments it is run with."""

    name: str
    input: Path | str
    placement: str | None = None
    anterior_axis: str | None = None

    def path(self, simulated: dict[str, Path]) -> Path:
        """The input file, given the simulated inputs written by :func:`write_simulated_inputs`."""
        return self.input if isinstance(self.input, Path) else simulated[self.input]


CASES = (
    Case("sample_shank", ROOT / "sample_data" / "shank_forward_backward_forward.csv"),
    Case("sample_foot", ROOT / "sample_data" / "foot_mixed.csv"),
    Case("sample_lower_back", ROOT / "sample_data" / "lower_back_mixed.csv"),
    Case("sim_foot_acc_only", "sim_foot_acc_only"),
    Case("sim_lower_back_walk_no_axis", "sim_lower_back_walk_no_axis"),
    Case("sim_shank_turned", "sim_shank_turned"),
    Case("sim_foot_no_axis", "sim_foot_no_axis"),
    Case("sim_lower_back_reversed", "sim_lower_back_forward_run", anterior_axis="-x"),
    Case("sim_wrist", "sim_lower_back_walk_no_axis", placement="wrist"),
    Case("sim_other", "sim_shank_turned", placement="other"),
)


def run_case(case: Case, out_dir: Path, simulated: dict[str, Path]) -> dict[str, Path]:
    """Analyse ``case`` with the default settings and write its outputs (no report) into ``out_dir``."""
    from retrogait.analysis.pipeline import analyze, write_outputs

    result = analyze(case.path(simulated), placement=case.placement, anterior_axis=case.anterior_axis)
    return write_outputs(result, out_dir)


def digest(path: Path) -> str:
    """sha256 (hex) of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded_digests() -> dict[str, str]:
    """The recorded sha256 of every simulated input (``INPUT_DIGESTS``)."""
    return json.loads(INPUT_DIGESTS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def comparable_summary(path: Path) -> dict[str, Any]:
    """summary.json without its provenance keys and with the source reduced to the file name."""
    summary = json.loads(path.read_text(encoding="utf-8"))
    for key in PROVENANCE_KEYS:
        summary.pop(key, None)
    if summary.get("source"):
        summary["source"] = Path(summary["source"]).name
    return summary


def write_outputs_snapshots() -> None:
    """Re-record every case's outputs and the simulated inputs' digests."""
    with tempfile.TemporaryDirectory() as tmp:
        simulated = write_simulated_inputs(Path(tmp))
        digests = {name: digest(path) for name, path in simulated.items()}
        INPUT_DIGESTS.write_text(json.dumps(digests, indent=2) + "\n", encoding="utf-8")
        for case in CASES:
            out = SNAPSHOTS / case.name
            run_case(case, out, simulated)
            summary = comparable_summary(out / "summary.json")
            (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
            print(f"{case.name}: {', '.join(OUTPUT_FILES)}")


def write_simulated_inputs(directory: Path) -> dict[str, Path]:
    """Write the seeded simulated inputs into ``directory``; returns name -> file. Short sessions covering
    what sample_data/ does not: acc-only foot, a 100 Hz lower back walking with no anterior axis in the
    header (sign from the signal), a shank turned 40 deg, a foot with gyroscope and no anterior axis
    (facing from frame-free cues), forward running at the lower back (read with a reversed axis: the
    reversed-axis note)."""
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
    paths = {}
    for name, config in configs.items():
        session = simulate(config).session
        if name in ("sim_lower_back_walk_no_axis", "sim_foot_no_axis"):
            session = replace(session, meta=replace(session.meta, anterior_axis=None))
        paths[name] = directory / f"{name}.csv"
        write_session(session, paths[name])
    return paths


if __name__ == "__main__":
    if sys.argv[1:] != ["outputs"]:
        sys.exit("usage: python tests/snapshot_cases.py outputs")
    write_outputs_snapshots()
