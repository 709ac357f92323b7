"""Peak memory of the analysis per placement, as a multiple of the samples' float64 array (issue 16).

Usage: python scripts/bench_memory.py [--minutes 60] [--data DIR] [--only TEXT] [--grid] [--messy] [--beside] [--owner]
Simulates once (cached in ``--data``) a session per case -- shank, foot and lower back at 200 Hz (forward
then backward running, as ``bench_analyze.py``'s shank), a lower back walking at 1000 Hz, and shanks at 52 and
100 Hz (their landings searched at 200 Hz, CONTACT-9) -- and prints
for each the peak of memory traced by tracemalloc during ``retrogait.analyze`` (read and analysis, outputs
in memory, no report) over the raw n x 7 float64 array (goal <= 4x), with the analysis' CPU time. Memory is
counted, not timed, so the numbers do not depend on the machine's load; the first case takes ~1 min to
simulate at 60 minutes.
``--grid``: every placement (foot, shank, lower back, and a phone: the lower back's session read as a phone
on the chest) at 13, 26, 52, 100 and 200 Hz, running as above; below the simulator's 50 Hz the session is
simulated at 208 Hz and decimated (``validate_low_rates.decimated``).
``--messy``: each case's session with one implausible row (the middle row's acc_x set to MESSY_ACC_MS2, beyond any
sensor's range: preprocess drops it and the grid has a one-sample gap), written once beside it, so the goal is
checked on input the analysis must clean too (PERF-112).
``--beside``: every part ``analyze`` runs beside where a core is free on a thread of its own (a core reported free
whatever the load): the threaded peak, which moves with the threads' timing from run to run.
``--owner``: also where each peak is reached: the call stack (retrogait's frames) at the Python or C call
or return at which tracemalloc's peak last rose (``sys.setprofile``; slow, a diagnosis only).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import FrameType

import retrogait
from retrogait.errors import RetrogaitError
from retrogait.session import read_session, write_session
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

#: (name, placement, activity, rate Hz): the cases printed.
CASES = (
    ("shank 200 Hz", "shank", "running", 200.0),
    ("foot 200 Hz", "foot", "running", 200.0),
    ("lower back 200 Hz", "lower_back", "running", 200.0),
    ("lower back 1000 Hz walking", "lower_back", "walking", 1000.0),
    ("shank 52 Hz", "shank", "running", 52.0),
    ("shank 100 Hz", "shank", "running", 100.0),
)

#: ``--grid``: the placements (a phone: the lower back's session on the chest) and rates (Hz).
GRID_PLACEMENTS = ("foot", "shank", "lower_back", "phone")
GRID_RATES_HZ = (13.0, 26.0, 52.0, 100.0, 200.0)
#: The simulator's lowest rate (Hz); slower sessions are simulated at this multiple of 13 and decimated.
SIMULATED_LOW_HZ = 208.0


def simulated(placement: str, activity: str, rate_hz: float, minutes: float, folder: Path) -> Path:
    """Still 5 s, forward then backward for the rest, still 5 s (seed 0), written once into ``folder``."""
    path = folder / f"{placement}_{activity}_{rate_hz:g}hz_{minutes:g}min.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        half = max(60.0 * minutes - 10.0, 2.0) / 2
        speeds = (3.0, 2.5) if activity == "running" else (1.3, 1.0)
        bouts = [
            Bout("still", "still", 0.0, 5.0),
            Bout("forward", activity, speeds[0], half),
            Bout("backward", activity, speeds[1], half),
            Bout("still", "still", 0.0, 5.0),
        ]
        part = path.with_suffix(".part.csv")  # written whole, then named: another run may read the folder
        if placement == "phone":  # the lower back's session, read as a phone on the chest
            session = read_session(simulated("lower_back", activity, rate_hz, minutes, folder))
            write_session(dataclasses.replace(session, meta=dataclasses.replace(session.meta, placement="chest")), part)
        elif rate_hz < 50.0:  # below the simulator's rates: decimated from 208 Hz
            from validate_low_rates import decimated

            session = read_session(simulated(placement, activity, SIMULATED_LOW_HZ, minutes, folder))
            write_session(decimated(session, rate_hz), part)
        else:
            config = SimulationConfig(placement=placement, bouts=bouts, sample_rate_hz=rate_hz, seed=0)
            write_simulation(simulate(config), part)
            part.with_name(part.stem + "_truth.csv").rename(path.with_name(path.stem + "_truth.csv"))
        part.rename(path)
    return path


#: ``--messy``: the acceleration (m/s^2) written into one row's acc_x, beyond any sensor's range (PERF-112).
MESSY_ACC_MS2 = 400.0


def messy(path: Path) -> Path:
    """``path``'s session with its middle row's acc_x set to MESSY_ACC_MS2 (the text of every other row as it is),
    written once beside it."""
    out = path.with_name(path.stem + "_messy.csv")
    if not out.exists():
        lines = path.read_text().splitlines(keepends=True)
        head = next(i for i, line in enumerate(lines) if not line.startswith("#"))  # the columns' names
        column = lines[head].rstrip("\r\n").split(",").index("acc_x")
        row = head + 1 + (len(lines) - head - 1) // 2
        fields = lines[row].split(",")
        fields[column] = f"{MESSY_ACC_MS2:g}"
        lines[row] = ",".join(fields)
        part = out.with_suffix(".part.csv")  # written whole, then named: another run may read the folder
        part.write_text("".join(lines))
        part.rename(out)
    return out


#: The peak's owner is recorded where tracemalloc's peak rose by more than this (bytes) since the last record:
#: the record's own strings, made at the peak, must not raise it.
OWNER_MARGIN_BYTES = 1 << 16


def peak_owner(path: Path, top: int = 8) -> tuple[int, str, list[str]]:
    """tracemalloc's peak (bytes) over ``retrogait.analyze(path)``, the call stack (retrogait's frames,
    innermost first) at the call or return at which it last rose, and the ``top`` lines that allocated the
    memory alive there (a second run, its snapshot taken at the first event reaching that peak)."""
    best = [0, ""]
    snapshot: list[tracemalloc.Snapshot] = []

    def stack(frame: FrameType | None) -> str:
        names = []
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if module.startswith("retrogait"):
                names.append(f"{module.removeprefix('retrogait.')}.{frame.f_code.co_name}:{frame.f_lineno}")
            frame = frame.f_back
        return " < ".join(names[:6])

    def probe(frame: FrameType, event: str, arg: object) -> None:
        peak = tracemalloc.get_traced_memory()[1]
        if peak > best[0] + OWNER_MARGIN_BYTES:
            callee = getattr(arg, "__name__", "") if event.startswith("c_") else ""
            best[0], best[1] = peak, f"{stack(frame)} [{event} {callee}]"

    def catch(frame: FrameType, event: str, arg: object) -> None:
        if not snapshot and tracemalloc.get_traced_memory()[1] >= 0.97 * best[0]:
            snapshot.append(tracemalloc.take_snapshot())

    for hook in (probe, catch):
        tracemalloc.start()
        sys.setprofile(hook)
        try:
            retrogait.analyze(path)
        finally:
            sys.setprofile(None)
            tracemalloc.stop()
    lines = [str(stat) for stat in snapshot[0].statistics("lineno")[:top]] if snapshot else []
    return int(best[0]), str(best[1]), lines


def _beside_analyze(path: Path) -> object:
    """``retrogait.analyze(path)`` inside ``beside.second_thread`` with a core reported free whatever the load: every
    part ``analyze`` runs beside where a core is free on a thread of its own (tracemalloc counts every thread), so the
    peak is the threaded one, which moves with the threads' timing."""
    from retrogait.analysis import beside

    beside.runnable_now = lambda: 1
    with beside.second_thread():
        return retrogait.analyze(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-memory")
    parser.add_argument("--only", default="", help="only the cases whose name contains this text")
    parser.add_argument("--grid", action="store_true", help="every placement at 13, 26, 52, 100 and 200 Hz")
    parser.add_argument("--messy", action="store_true", help="one implausible row in each case's session")
    parser.add_argument("--owner", action="store_true", help="also the call stack where each peak is reached")
    parser.add_argument(
        "--beside", action="store_true", help="every part analyze runs beside on a thread of its own (PERF-143)"
    )
    args = parser.parse_args()
    analyze = _beside_analyze if args.beside else retrogait.analyze
    cases = CASES
    if args.grid:
        cases = tuple(
            (f"{placement.replace('_', ' ')} {rate:g} Hz", placement, "running", rate)
            for placement in GRID_PLACEMENTS
            for rate in GRID_RATES_HZ
        )
    print(f"{'case':28s} {'samples':>9s} {'raw MB':>7s} {'peak MB':>8s} {'peak/raw':>8s} {'cpu s':>6s}  (goal <= 4x)")
    for name, placement, activity, rate_hz in cases:
        if args.only not in name:
            continue
        path = simulated(placement, activity, rate_hz, args.minutes, args.data)
        path = messy(path) if args.messy else path
        raw = read_session(path).n_samples * 7 * 8
        start = time.process_time()
        try:
            result = analyze(path)
        except RetrogaitError as error:  # a rate the analysis refuses (below 20 Hz)
            print(f"{name:28s} {raw // 56:9d} {raw / 1e6:7.1f}  refused: {str(error).rpartition(': ')[2]}")
            continue
        cpu = time.process_time() - start
        del result
        tracemalloc.start()
        analyze(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        mark = "ok" if peak <= 4 * raw else "over"
        print(f"{name:28s} {raw // 56:9d} {raw / 1e6:7.1f} {peak / 1e6:8.1f} {peak / raw:7.2f}x {cpu:6.2f}  {mark}")
        if args.owner:
            owned, where, lines = peak_owner(path)
            print(f"    peak {owned / raw:.2f}x at {where}", flush=True)
            for line in lines:
                print(f"      {line.removeprefix(str(Path(retrogait.__file__).parent))}")


if __name__ == "__main__":
    main()
