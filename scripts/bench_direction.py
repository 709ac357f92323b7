"""Time per-step direction and foot strike on one hour of 200 Hz 6-axis data per placement.

Usage::

    python scripts/bench_direction.py [--minutes 60]
    python scripts/bench_direction.py --baseline OTHER/src [--minutes 60] [--repeats 5]

A 5-minute simulated mixed forward/backward running session (``retrogait.simulate``) is tiled to
the requested length; contacts are the simulator's own, so only ``step_directions`` and
``step_foot_strikes`` are timed (best of 3).

``--baseline SRC_DIR`` compares ``step_directions`` of this tree with another tree's code (e.g.
``git archive a05395e^ src | tar -x -C /tmp/pre17``, then ``--baseline /tmp/pre17/src``): this tree
simulates and tiles the sessions once and saves their signals and contacts; a fresh process per run
loads them with the ``retrogait`` of either tree first on ``sys.path`` (``PYTHONPATH``) and times
``step_directions`` per placement (best of 3 after a warm-up call). A tree whose ``BodySignals.uniform``
or ``Contacts`` cannot take them times its own simulator's session of the same minutes instead (said
in the output). The runs alternate, this tree first in even repeats and the baseline first in odd
ones, so that a drifting machine load hits both alike; printed per placement: the median wall seconds
per hour of data of each tree and the medians of the per-pair ratios (this / baseline) of the wall
time and of the process' CPU time (steadier when other processes share the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from retrogait.analysis.direction import step_directions
from retrogait.analysis.footstrike import step_foot_strikes
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.signals import BodySignals, Contacts
from retrogait.simulate import Bout, SimulationConfig, simulate

PLACEMENTS = ("foot", "shank", "lower_back")
#: This tree's sources (first on sys.path of its timing processes).
OWN_SRC = Path(__file__).resolve().parents[1] / "src"


def tiled(placement: str, minutes: float) -> tuple[BodySignals, Contacts]:
    """Body signals and true contacts of a simulated session repeated to ``minutes``."""
    bouts = [Bout("forward", "running", 3.2, 150.0), Bout("backward", "running", 2.4, 150.0)]
    result = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=3))
    signals = preprocess(result.session)
    truth = result.truth if placement == "lower_back" else result.truth[result.truth.side == "left"]
    n = signals.t_s.shape[0]
    reps = max(int(np.ceil(minutes * 60.0 / (n / signals.fs_hz))), 1)
    ic = np.round(truth.ic_time_s.to_numpy() * signals.fs_hz).astype(np.int64)
    to_s = truth.to_time_s.to_numpy()  # NaN: a stopping landing, the wearer stands on it
    to = np.where(np.isfinite(to_s), np.round(np.nan_to_num(to_s) * signals.fs_hz), -1).astype(np.int64)
    offsets = np.repeat(np.arange(reps) * n, ic.shape[0])
    contacts = Contacts(
        ic_idx=np.tile(ic, reps) + offsets,
        to_idx=np.where(np.tile(to, reps) >= 0, np.tile(to, reps) + offsets, -1),
        side=np.tile(truth.side.to_numpy().astype(str), reps),
    )
    big = BodySignals.uniform(
        np.tile(signals.acc_ms2, (reps, 1)),
        None if signals.gyr_dps is None else np.tile(signals.gyr_dps, (reps, 1)),
        signals.fs_hz,
        placement,
        side=signals.side,
    )
    return big, contacts


def best_of(func: object, signals: BodySignals, contacts: Contacts, repeats: int = 3) -> float:
    """Shortest wall time (s) of ``repeats`` calls ``func(signals, contacts)``."""
    return best_times(func, signals, contacts, repeats)[0]


def best_times(func: object, signals: BodySignals, contacts: Contacts, repeats: int = 3) -> tuple[float, float]:
    """Shortest wall time and shortest CPU time of this process (s) of ``repeats`` calls ``func(signals,
    contacts)`` (the CPU time is less disturbed by other processes on a shared machine)."""
    wall = cpu = np.inf
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func(signals, contacts)  # type: ignore[operator]
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return float(wall), float(cpu)


def save_sessions(directory: Path, minutes: float) -> None:
    """The tiled session of every placement as ``<placement>.npz`` (signals, contacts) in ``directory``."""
    for placement in PLACEMENTS:
        signals, contacts = tiled(placement, minutes)
        np.savez(
            directory / f"{placement}.npz",
            acc=signals.acc_ms2,
            gyr=np.zeros((0, 3)) if signals.gyr_dps is None else signals.gyr_dps,
            fs=signals.fs_hz,
            side=str(signals.side),
            ic=contacts.ic_idx,
            to=contacts.to_idx,
            contact_side=contacts.side,
        )


def load_session(path: Path, placement: str) -> tuple[BodySignals, Contacts]:
    """A session of :func:`save_sessions` with the ``retrogait`` this process imported."""
    data = np.load(path)
    gyr = data["gyr"] if data["gyr"].shape[0] else None
    side = str(data["side"])
    signals = BodySignals.uniform(data["acc"], gyr, float(data["fs"]), placement, side=None if side == "None" else side)
    return signals, Contacts(ic_idx=data["ic"], to_idx=data["to"], side=data["contact_side"])


def worker(directory: Path, minutes: float) -> None:
    """Time ``step_directions`` on the saved sessions (or, where this tree's API cannot load them, on
    its own simulated session of ``minutes``); print one JSON object per placement."""
    import retrogait

    for placement in PLACEMENTS:
        try:
            signals, contacts = load_session(directory / f"{placement}.npz", placement)
            source = "shared"
        except (TypeError, AttributeError, KeyError, ValueError):
            signals, contacts = tiled(placement, minutes)
            source = "own simulator"
        step_directions(signals, contacts)  # warm-up: imports, caches
        seconds, cpu = best_times(step_directions, signals, contacts)
        hours = signals.t_s.shape[0] / signals.fs_hz / 3600.0
        row = {"placement": placement, "seconds": seconds, "cpu": cpu, "hours": hours, "contacts": len(contacts)}
        print(json.dumps({**row, "source": source, "module": retrogait.__file__}), flush=True)


def timed_run(src: Path, directory: Path, minutes: float) -> dict[str, dict[str, object]]:
    """One timing process with ``src`` first on ``sys.path``: its rows by placement."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(directory), "--minutes", str(minutes)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {str(row["placement"]): row for row in rows}


def compare(baseline: Path, minutes: float, repeats: int) -> None:
    """This tree against ``baseline`` in alternating pairs of timing processes (module docstring)."""
    runs: dict[str, list[dict[str, dict[str, object]]]] = {"this": [], "baseline": []}
    with tempfile.TemporaryDirectory(prefix="bench_direction_") as tmp:
        save_sessions(Path(tmp), minutes)
        for repeat in range(repeats):
            order = (("this", OWN_SRC), ("baseline", baseline))
            for name, src in order if repeat % 2 == 0 else order[::-1]:
                runs[name].append(timed_run(src, Path(tmp), minutes))
    for name in runs:
        first = runs[name][0]
        print(f"{name:8s} {first[PLACEMENTS[0]]['module']}")
    print(
        f"{'placement':10s} {'this s/h':>9s} {'base s/h':>9s} {'ratio':>6s} {'cpu ratio':>9s}  "
        f"(medians of {repeats} alternating pairs; s/h: wall seconds per hour of data)"
    )
    for placement in PLACEMENTS:
        per_hour = {
            name: [float(run[placement]["seconds"]) / float(run[placement]["hours"]) for run in runs[name]]
            for name in runs
        }
        cpu = {
            name: [float(run[placement]["cpu"]) / float(run[placement]["hours"]) for run in runs[name]] for name in runs
        }
        ratios = [a / b for a, b in zip(per_hour["this"], per_hour["baseline"], strict=True)]
        cpu_ratios = [a / b for a, b in zip(cpu["this"], cpu["baseline"], strict=True)]
        this, base = (runs[name][0][placement] for name in ("this", "baseline"))
        note = "" if base["source"] == "shared" else "  (baseline: its own simulator's session)"
        minutes = f"{float(this['hours']) * 60:.1f} / {float(base['hours']) * 60:.1f} min"
        print(
            f"{placement:10s} {statistics.median(per_hour['this']):9.3f} "
            f"{statistics.median(per_hour['baseline']):9.3f} {statistics.median(ratios):6.3f} "
            f"{statistics.median(cpu_ratios):9.3f}  [{this['contacts']} / {base['contacts']} contacts, {minutes}]{note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--baseline", type=Path, help="another tree's src directory: compare step_directions with it")
    parser.add_argument("--repeats", type=int, default=5, help="alternating pairs of timing processes (--baseline)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.minutes)
        return
    if args.baseline is not None:
        compare(args.baseline.resolve(), args.minutes, args.repeats)
        return
    for placement in PLACEMENTS:
        signals, contacts = tiled(placement, args.minutes)
        for name, func in (("step_directions", step_directions), ("step_foot_strikes", step_foot_strikes)):
            best = best_of(func, signals, contacts)
            print(
                f"{placement:10s} {name:18s} {signals.t_s.shape[0] / signals.fs_hz / 60:5.1f} min, "
                f"{len(contacts):6d} contacts: {best:6.3f} s"
            )


if __name__ == "__main__":
    main()
