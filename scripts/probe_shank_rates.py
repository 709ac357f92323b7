"""How a shank's contacts depend on its sample rate and on where its samples fall (issue 15, CONTACT-14).

A simulated shank run (12 s each of forward running 3 m/s, backward running 2 m/s, forward walking 1.2 m/s and
backward walking 1.0 m/s) per seed, read four ways; contacts scored against the simulator's truth (the sensor's leg:
within 20 / 50 ms, median signed error of those matched within 200 ms) and compared with a reference reading of the
same run (moved by more than 10 / 20 / 50 ms; a contact without a partner within 300 ms counts as moved):

- ``rates``: simulated at each rate; the reference is the run simulated at 200 Hz;
- ``stamp``: the same samples as at 200 Hz (100 Hz below 150 Hz) stamped at the rate, a run slower or faster by
  their ratio (truth and contacts put back on the base clock); the reference is the base rate's reading;
- ``phase``: the 200 Hz run read half a sample (2.5 ms) later (band-limited: scipy's ``resample_poly`` by 2, its odd
  samples); the reference is the 200 Hz reading;
- ``ties``: per landing window of the 200 Hz run, the height of the second-highest local peak of the (turned)
  window's vertical jerk over the highest (``contacts._shank_landings`` watched): the share within 10 % / 5 %;
- ``gaits``: the 200 Hz run per gait (direction and activity): contacts within 20 / 50 ms of the truth, the median
  signed and absolute error and its interquartile range (ms), the median error of the contact time of those within
  50 ms, and how many of the gait's contacts the ``phase`` reading moves by more than 10 / 20 ms (CONTACT-17).

    .venv/bin/python scripts/probe_shank_rates.py [--seeds 1-6] [--rates 100,104,150,190,197,199,200,208,250,400]

Seeds 1-6 are the diagnosis seeds of CONTACT-14 (70 and up are reserved). About a minute at the defaults.
Bad options (seeds, rates, parts) are one error line, before anything is simulated (REVIEW-138).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.signal import resample_poly

import retrogait
import retrogait.analysis.contacts as contacts_module
from retrogait.session import Session
from retrogait.simulate import Bout, SimulationConfig, SimulationResult, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import match

BOUTS = [
    Bout("forward", "running", 3.0, 12),
    Bout("backward", "running", 2.0, 12),
    Bout("forward", "walking", 1.2, 12),
    Bout("backward", "walking", 1.0, 12),
]
REFERENCE_HZ = 200.0


PARTS = ("rates", "stamp", "phase", "ties", "gaits")
FIRST_RESERVED_SEED = 70


def seeds_arg(text: str) -> list[int]:
    """``1-6``, ``1,2,5`` or ``1-2,5`` -> seeds (argparse's type: bad input is one error line, REVIEW-138)."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            first, last = int(lo), int(hi or lo)
            if first < 0 or last < first:
                raise ValueError
            seeds += range(first, last + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not seeds like 1-6, 1,2,5 or 1-2,5") from None
    if max(seeds) >= FIRST_RESERVED_SEED:
        raise argparse.ArgumentTypeError(f"seeds {FIRST_RESERVED_SEED} and up are reserved for a final fresh check")
    return sorted(set(seeds))


def rates_arg(text: str) -> list[float]:
    """``100,200`` -> rates (Hz), each finite and positive."""
    try:
        rates = [float(v) for v in text.split(",")]
    except ValueError:
        rates = []
    if not rates or not all(np.isfinite(r) and r > 0 for r in rates):
        raise argparse.ArgumentTypeError(f"{text!r} is not positive rates (Hz) like 100,197,200")
    return rates


def parts_arg(text: str) -> list[str]:
    """``rates,phase`` -> the readings to print, each one of PARTS."""
    parts = text.split(",")
    if not all(p in PARTS for p in parts):
        raise argparse.ArgumentTypeError(f"{text!r}: each part is one of {', '.join(PARTS)}")
    return parts


def shank_run(fs: float, seed: int) -> SimulationResult:
    """The probe's shank run simulated at ``fs`` (Hz)."""
    return simulate(SimulationConfig("shank", BOUTS, fs, seed=seed))


def contacts_s(session: Session) -> NDArray[np.float64]:
    """Initial contact times (s) of ``session``."""
    return retrogait.analyze(session).steps["ic_time_s"].to_numpy(dtype=float)


def truth_s(sim: SimulationResult) -> NDArray[np.float64]:
    """The sensor leg's true contact times (s)."""
    t = sim.truth
    return t[t["side"] == sim.config.side]["ic_time_s"].to_numpy(dtype=float)


class Tally:
    """Contacts against the truth and against a reference reading, summed over seeds."""

    def __init__(self) -> None:
        self.truth = self.found = self.within20 = self.within50 = 0
        self.errors: list[float] = []
        self.moved = [0, 0, 0]  # > 10, 20, 50 ms
        self.largest_ms = 0.0

    def add(self, truth: NDArray[np.float64], det: NDArray[np.float64], ref: NDArray[np.float64]) -> None:
        """One seed's contacts ``det`` (s) against ``truth`` and the reference reading ``ref``."""
        self.truth += truth.size
        self.found += det.size
        self.within20 += match(truth, det, 0.02)[0]
        self.within50 += match(truth, det, 0.05)[0]
        self.errors += [det[j] - truth[i] for i, j in match(truth, det, 0.2)[3]]
        pairs = match(ref, det, 0.3)[3]
        gap = np.array([abs(det[j] - ref[i]) for i, j in pairs])
        lost = ref.size + det.size - 2 * len(pairs)
        for k, limit in enumerate((0.0105, 0.0205, 0.0505)):
            self.moved[k] += int(np.count_nonzero(gap > limit)) + lost
        self.largest_ms = max(self.largest_ms, 1e3 * float(gap.max()) if gap.size else 0.0)

    def line(self, label: str) -> str:
        """One printed row."""
        err = 1e3 * np.median(self.errors) if self.errors else float("nan")
        return (
            f"{label:28s} truth {self.truth:4d} found {self.found:4d} within 20 ms {self.within20:4d} 50 ms "
            f"{self.within50:4d} median error {err:+5.1f} ms | moved > 10 / 20 / 50 ms {self.moved[0]:3d} / "
            f"{self.moved[1]:3d} / {self.moved[2]:3d} (largest {self.largest_ms:.0f} ms)"
        )


def gait_lines(sims: list[SimulationResult]) -> list[str]:
    """``gaits``: per gait of the 200 Hz runs ``sims``, its contacts against the truth and the half-sample reading."""
    rows: dict[str, dict[str, list[float]]] = {}
    for sim in sims:
        steps = retrogait.analyze(sim.session).steps
        det = steps["ic_time_s"].to_numpy(dtype=float)
        contact = steps["contact_time_s"].to_numpy(dtype=float)
        later = contacts_s(half_sample_later(sim.session))
        truth = sim.truth[sim.truth["side"] == sim.config.side]
        for (direction, activity), bout in truth.groupby(["direction", "activity"], sort=False):
            t = bout["ic_time_s"].to_numpy(dtype=float)
            inside = (det >= t[0] - 0.3) & (det <= t[-1] + 0.3)
            d, c = det[inside], contact[inside]
            keys = ("n", "w20", "w50", "err", "ct", "moved10", "moved20")
            row = rows.setdefault(f"{direction} {activity}", {k: [] for k in keys})
            row["n"].append(t.size)
            row["w20"].append(match(t, d, 0.02)[0])
            row["w50"].append(match(t, d, 0.05)[0])
            row["err"] += [d[j] - t[i] for i, j in match(t, d, 0.2)[3]]
            true_ct = bout["contact_time_s"].to_numpy(dtype=float)
            row["ct"] += [c[j] - true_ct[i] for i, j in match(t, d, 0.05)[3]]
            tally = Tally()
            tally.add(t, later[(later >= t[0] - 0.3) & (later <= t[-1] + 0.3)], d)
            row["moved10"].append(tally.moved[0])
            row["moved20"].append(tally.moved[1])
    lines = []
    for gait, row in rows.items():
        err = 1e3 * np.asarray(row["err"])
        q1, q3 = np.percentile(err, [25, 75]) if err.size else (np.nan, np.nan)
        lines.append(
            f"200 Hz {gait:17s} truth {sum(row['n']):4.0f} within 20 ms {sum(row['w20']):4.0f} 50 ms "
            f"{sum(row['w50']):4.0f} median error {np.median(err):+5.1f} ms (|.| {np.median(np.abs(err)):4.1f}, IQR "
            f"{q3 - q1:4.1f}) contact time {1e3 * np.nanmedian(row['ct']):+5.1f} ms | read 2.5 ms later moved "
            f"> 10 / 20 ms {sum(row['moved10']):3.0f} / {sum(row['moved20']):3.0f}"
        )
    return lines


def restamped(session: Session, scale: float) -> Session:
    """``session``'s samples with their times x ``scale`` (its rate / ``scale``)."""
    meta = dataclasses.replace(session.meta, sample_rate_hz=session.meta.sample_rate_hz / scale)
    return Session(session.t_s * scale, session.acc, session.gyr, meta)


def half_sample_later(session: Session) -> Session:
    """``session`` read half a sample later (band-limited), its last sample dropped."""
    acc = resample_poly(session.acc, 2, 1, axis=0, padtype="edge")[1::2][:-1]
    gyr = resample_poly(session.gyr, 2, 1, axis=0, padtype="edge")[1::2][:-1]
    dt = 0.5 / session.meta.sample_rate_hz
    return Session(session.t_s[:-1] + dt, acc, gyr, session.meta)


def watch_ties(ratios: list[float]) -> Callable[[], None]:
    """Record each landing window's runner-up / highest local jerk peak; returns the undo."""
    real = contacts_module._shank_landings

    def spy(vjerk, idx, turned, fs, s):  # type: ignore[no-untyped-def]
        score = vjerk[idx] if turned is None else np.where(turned, vjerk[idx], -1.0)
        peak = np.zeros(score.shape, dtype=bool)
        peak[:, 1:-1] = (score[:, 1:-1] >= score[:, :-2]) & (score[:, 1:-1] > score[:, 2:])
        heights = np.sort(np.where(peak, score, 0.0), axis=1)
        ok = heights[:, -1] > 0
        ratios.extend((heights[ok, -2] / heights[ok, -1]).tolist())
        return real(vjerk, idx, turned, fs, s)

    contacts_module._shank_landings = spy  # type: ignore[assignment]

    def undo() -> None:
        contacts_module._shank_landings = real  # type: ignore[assignment]

    return undo


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=seeds_arg, default="1-6", help="simulator seeds (CONTACT-14's diagnosis: 1-6; below 70)"
    )
    parser.add_argument("--rates", type=rates_arg, default="100,104,150,190,197,199,200,208,250,400", help="rates (Hz)")
    parser.add_argument("--parts", type=parts_arg, default=",".join(PARTS), help=f"which readings: {', '.join(PARTS)}")
    args = parser.parse_args(argv)
    seeds, rates, parts = args.seeds, args.rates, args.parts
    runs = {(fs, seed): shank_run(fs, seed) for fs in (100.0, REFERENCE_HZ) for seed in seeds}
    read = {key: contacts_s(sim.session) for key, sim in runs.items()}
    if "rates" in parts:
        for fs in rates:
            tally = Tally()
            for seed in seeds:
                sim = runs[fs, seed] if (fs, seed) in runs else shank_run(fs, seed)
                tally.add(
                    truth_s(sim),
                    read[fs, seed] if (fs, seed) in read else contacts_s(sim.session),
                    read[REFERENCE_HZ, seed],
                )
            print(tally.line(f"simulated at {fs:g} Hz"), flush=True)
    if "stamp" in parts:
        for fs in rates:
            base = REFERENCE_HZ if fs >= 150 else 100.0
            tally = Tally()
            for seed in seeds:
                scale = base / fs
                det = contacts_s(restamped(runs[base, seed].session, scale)) / scale
                tally.add(truth_s(runs[base, seed]), det, read[base, seed])
            print(tally.line(f"{base:g} Hz stamped at {fs:g} Hz"), flush=True)
    if "phase" in parts:
        tally = Tally()
        for seed in seeds:
            det = contacts_s(half_sample_later(runs[REFERENCE_HZ, seed].session))
            tally.add(truth_s(runs[REFERENCE_HZ, seed]), det, read[REFERENCE_HZ, seed])
        print(tally.line("200 Hz read 2.5 ms later"), flush=True)
    if "gaits" in parts:
        for line in gait_lines([runs[REFERENCE_HZ, seed] for seed in seeds]):
            print(line, flush=True)
    if "ties" in parts:
        ratios: list[float] = []
        undo = watch_ties(ratios)
        try:
            for seed in seeds:
                contacts_s(runs[REFERENCE_HZ, seed].session)
        finally:
            undo()
        r = np.array(ratios)
        print(
            f"200 Hz landing windows {r.size}: runner-up jerk peak within 10 % of the highest "
            f"{np.mean(r >= 0.9):.0%}, within 5 % {np.mean(r >= 0.95):.0%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
