"""A gyroscope stamped late against the accelerometer: is it found, how well, and never where it is not? (HONEST-20)

Clean recordings with a gyroscope (the foot and lower-back walks and every export under ../shared/data/formats that
has one, the files in sample_data/, the simulator's foot, shank and lower back running and walking, forward and
backward, seeds 1-3, 100 and 200 Hz, and with ``--audit DIR`` every recording `scripts/audit_user_files.py --out
DIR` analysed: its summary.json notes) the lag `analysis.gyro_lag` finds (none expected) and whether preprocess
notes one ("false alarms").
The same recordings with the gyroscope 10, 20, 50 and 200 ms late (each row the gyroscope sample taken that long
before, on the preprocessed grid): the lag found, its error (ms), and the jolt correlation that decides whether
it is trusted.

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/validate_gyro_lag.py [--audit DIR] [--no-sim]
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import numpy as np

from retrogait.analysis.gyro_lag import gyro_lag
from retrogait.analysis.load import load_input
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.signals import BodySignals
from retrogait.errors import RetrogaitError
from retrogait.simulate import Bout, SimulationConfig, simulate

LATE_MS = (10.0, 20.0, 50.0, 200.0)
NOTE = "gyroscope's stamps are about"
ROOT = Path(__file__).resolve().parents[1]


def late(gyr: np.ndarray, samples: int) -> np.ndarray:
    """Each row carries the gyroscope sample taken ``samples`` rows before (the first row repeated)."""
    return np.vstack([np.repeat(gyr[:1], samples, axis=0), gyr[: gyr.shape[0] - samples]]) if samples else gyr


def check(name: str, body: BodySignals, rows: list[str], errors: dict[float, list[float]]) -> int:
    """One clean recording: 1 when preprocess noted a lag (a false alarm); its degraded copies' estimates."""
    assert body.gyr_dps is not None
    alarm = int(any(NOTE in n for n in body.notes))
    cells = []
    for ms in LATE_MS:
        k = round(ms / 1000.0 * body.fs_hz)
        found = gyro_lag(body.acc_ms2, late(body.gyr_dps, k), body.gap, body.fs_hz)
        if found is None:
            cells.append(f"{ms:g}: -")
            continue
        err = found.lag_s * 1000.0 - k / body.fs_hz * 1000.0
        errors.setdefault(ms, []).append(err)
        cells.append(f"{ms:g}: {found.lag_s * 1000:.1f} ({found.correlation:.2f})")
    rows.append(f"{'ALARM' if alarm else 'ok   '} {name[:64]:64s} {body.fs_hz:6.1f} Hz | " + " | ".join(cells))
    return alarm


def recordings(data: Path, sim: bool):
    """(name, BodySignals) of every clean recording with a gyroscope."""
    formats = data / "formats"
    paths = [p for p in sorted(formats.rglob("*")) if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".json")]
    paths += [formats / "sensorlogger_ios_BennyJHui"]
    paths += sorted((ROOT / "sample_data").glob("*.csv"))
    for p in paths:
        try:
            body = preprocess(load_input(p))
        except (RetrogaitError, OSError, ValueError, IsADirectoryError):
            continue
        if body.gyr_dps is not None:
            yield str(p.relative_to(p.parents[min(2, len(p.parents) - 1)])), body
    yield from _walks(data)
    if sim:
        still = Bout("still", "still", 0.0, 2.0)
        for placement in ("foot", "shank", "lower_back"):
            for activity, direction, speed in (
                ("running", "forward", 3.2),
                ("running", "backward", 2.2),
                ("walking", "forward", 1.3),
                ("walking", "backward", 0.9),
            ):
                for seed in (1, 2, 3):
                    for fs in (100.0, 200.0):
                        bouts = [still, Bout(direction, activity, speed, 30.0), still]
                        session = simulate(SimulationConfig(placement, bouts, sample_rate_hz=fs, seed=seed)).session
                        yield f"simulated {placement} {activity} {direction} seed {seed}", preprocess(session)


def _walks(data: Path):
    """The foot walk's two sensors and the lower back's three walks, as sessions."""
    import pandas as pd

    from retrogait.session import Session, SessionMeta

    frame = pd.read_csv(data / "foot_walking" / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    for side in ("left", "right"):
        s = frame[f"{side}_sensor"]
        t = np.arange(len(s)) / 204.8
        meta = SessionMeta(sample_rate_hz=204.8, placement="foot", side=side)
        session = Session(t, s[["acc_x", "acc_y", "acc_z"]].to_numpy(), s[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(), meta)
        yield f"foot_walking {side}", preprocess(session)
    for csv in sorted((data / "lowerback_walking" / "HA_001").glob("*.csv")):
        d = pd.read_csv(csv)
        t = d["samples"].to_numpy() / 100.0
        acc = d[["acc_x", "acc_y", "acc_z"]].to_numpy() * 9.80665
        meta = SessionMeta(sample_rate_hz=100.0, placement="lower_back")
        session = Session(t, acc, d[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(), meta)
        yield f"lowerback_walking {csv.stem}", preprocess(session)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("RETROGAIT_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
    parser.add_argument("--audit", default=None, help="the --out folder of scripts/audit_user_files.py, after it ran")
    parser.add_argument("--no-sim", action="store_true", help="leave the simulator's sessions out")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows: list[str] = []
    errors: dict[float, list[float]] = {}
    alarms = count = 0
    for name, body in recordings(Path(args.data), not args.no_sim):
        count += 1
        alarms += check(name, body, rows, errors)
    print("\n".join(rows))
    for ms in LATE_MS:
        e = np.abs(errors.get(ms, []))
        found = f"max |error| {e.max():.1f} ms, median {np.median(e):.1f} ms" if e.size else "never"
        print(f"gyroscope {ms:g} ms late: found in {e.size} of {count} recordings; {found}")
    if args.audit:  # the audit's own analyses (retrogait analyze on each variant, with its memory checks)
        summaries = sorted(Path(args.audit).rglob("summary.json"))
        noted = [p for p in summaries if NOTE in p.read_text(encoding="utf-8")]
        names = [p.parent.name for p in noted]
        print(f"audit variants analysed: {len(summaries)}; a lag noted in {len(noted)}: {names}")
        alarms, count = alarms + len(noted), count + len(summaries)
    print(f"false alarms (a lag noted on a clean recording): {alarms} of {count}")


if __name__ == "__main__":
    main()
