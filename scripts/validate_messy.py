"""Do the numbers stay honest on messy input? A seeded, deterministic degradation study (HONEST-1).

The real recordings with ground truth in ../shared/data (running_sacral_grf: force plate, lower back;
lowerback_walking HA_001: INDIP; foot_walking: mocap) are degraded the way phones and BLE sensors
deliver data (jittered and bursty timestamps, lost packets, duplicated and out-of-order rows, a clock
off its stated rate, clipping with and without a declared range, coarse quantisation, a rate that
halves mid-recording, gyroscope stretches missing), written as the file a user would have (a generic
CSV in the recording's own units, time in s; a native session file where the degradation is about its
header: declared range, stated rate) and analysed through ``retrogait.analyze(path)``, so that the
import's inference (rate, gaps, duplicates, units) is part of what is measured.

Each row pools one dataset's trials under one degradation:
* ref F1: contacts within 50 ms of the reference (clean: the same CSV path without degradation);
* kept: the clean run's contacts found again within 50 ms (a degradation written as a native session file
  against the clean recording written so) (the degraded times mapped back to the
  recording's true time base);
* |d impact|: median |impact_peak_g change| over the matched steps, relative to the clean run;
  ">10 %": the matched steps whose impact moved by more than 10 %, and how many of them carry no
  quality flag ("silent");
* dir / strike: agreement with the clean run over the matched steps where both are known; flips:
  steps whose known direction reversed;
* cad: change of the median step cadence (%);
* flags: quality_flags counts over the degraded steps; notes: the session notes the clean run does
  not have (listed below the table by key).
A degradation is dishonest where numbers move without saying so: the "silent" column counts the impacts
moved by > 10 % on a step without a quality flag in a session without a note naming impact, the clean
contacts lost with no flagged step within 1.5 s and no note naming contacts or gaps, and the directions
reversed on a step without a flag.

    RETROGAIT_SHARED_DATA=/work/shared/data .venv/bin/python scripts/validate_messy.py [--only NAME,...]

About a minute on a laptop core.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

import retrogait
from retrogait.analysis.load import load_input
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.errors import RetrogaitError
from retrogait.imports.base import GenericCsvOptions, ReaderOptions
from retrogait.session import Session, SessionMeta, write_session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_recordings import (
    FOOT_WALKING_RATE_HZ,
    LOWERBACK_WALKING_RATE_HZ,
    lowerback_walking_reference,
)
from validate import f1, match

TOL_S = 0.05
FloatArray = NDArray[np.float64]


@dataclass
class Recording:
    """One clean recording: true time (s), acceleration in the file's unit (``acc_unit_ms2`` m/s^2 per
    unit), gyroscope deg/s (or None), how it is analysed, and its reference contacts' score."""

    dataset: str
    name: str
    t_s: FloatArray
    acc: FloatArray
    gyr: FloatArray | None
    acc_unit_ms2: float
    fs_hz: float
    kwargs: dict[str, str]
    score: Callable[[FloatArray], tuple[int, int, int]]
    reader: ReaderOptions | None = None
    vertical_axis: str | None = None  # the sensor axis pointing up as mounted, where the recording says it


@dataclass
class Degraded:
    """What a degradation gives: the table to write (time s, acc, gyr with NaN where missing), the header
    to declare (None: a generic CSV), and how the file's time maps back to true time: true = t / stretch."""

    t_s: FloatArray
    acc: FloatArray
    gyr: FloatArray | None
    header: dict[str, float] | None = None
    stretch: float = 1.0
    reader: ReaderOptions | None = None
    seam_s: float | None = None  # file time (from the first stamp) after which the file's clock is not the true one
    kwargs: dict[str, str] | None = None  # what the user declares, where the degradation changes it
    # the true time of the first sample where the file's first stamp is not it (stamped on delivery: the first
    # packet's arrival); an import that re-times the packets starts the recording there (EDGE-145)
    first_s: float | None = None


# ------------------------------------------------------------------------------------ degradations


def _jitter(rec: Recording, rng: np.random.Generator, ms: float) -> Degraded:
    """Each timestamp is the delivery time: sample time +- ``ms`` (uniform), never before the one before
    (a phone delivers in order; equal stamps stay equal)."""
    t = rec.t_s + rng.uniform(-ms, ms, rec.t_s.size) / 1000.0
    return Degraded(np.maximum.accumulate(t), rec.acc, rec.gyr)


def _bursts(rec: Recording, rng: np.random.Generator, size: int, spread: float) -> Degraded:
    """Samples arrive in bunches of ``size`` stamped with the bunch's arrival (its last sample's time plus
    0-1 ms), ``spread`` sample periods apart inside the bunch (0: the same stamp)."""
    n = rec.t_s.size
    bunch = np.arange(n) // size
    last = np.minimum((bunch + 1) * size - 1, n - 1)
    arrival = rec.t_s[last] + rng.uniform(0.0, 1.0, bunch.max() + 1)[bunch] / 1000.0
    within = np.arange(n) - bunch * size
    return Degraded(arrival + (within - size + 1) * spread / rec.fs_hz, rec.acc, rec.gyr)


def _runs(n: int, rng: np.random.Generator, share: float, lo: int, hi: int) -> NDArray[np.bool_]:
    """(n,) True in runs of ``lo``-``hi`` samples covering about ``share`` of them (away from the ends)."""
    mask = np.zeros(n, bool)
    while mask.mean() < share:
        length = int(rng.integers(lo, hi + 1))
        start = int(rng.integers(n // 50, n - n // 50 - length))
        mask[start : start + length] = True
    return mask


def _lost(rec: Recording, rng: np.random.Generator, share: float) -> Degraded:
    """BLE packets lost: runs of 5-20 consecutive samples missing, ``share`` of all."""
    keep = ~_runs(rec.t_s.size, rng, share, 5, 20)
    return Degraded(rec.t_s[keep], rec.acc[keep], rec.gyr[keep] if rec.gyr is not None else None)


def _duplicated(rec: Recording, rng: np.random.Generator, share: float, swapped: float) -> Degraded:
    """``share`` of the rows written twice, and ``swapped`` of the rows swapped with their successor."""
    n = rec.t_s.size
    pos = np.arange(n)
    swap = rng.choice(np.arange(1, n - 2, 2), int(swapped * n), replace=False)  # disjoint pairs
    pos[swap], pos[swap + 1] = pos[swap + 1], pos[swap].copy()
    twice = rng.choice(n, int(share * n), replace=False)
    order = pos[np.sort(np.concatenate([np.arange(n), twice]))]
    return Degraded(rec.t_s[order], rec.acc[order], rec.gyr[order] if rec.gyr is not None else None)


def _clock_host(rec: Recording, rng: np.random.Generator, fast: float) -> Degraded:
    """The sensor samples ``fast`` (relative) faster than the rate its header states; the host stamps the
    samples as they arrive (true time). A native file stating the nominal rate."""
    return Degraded(rec.t_s, rec.acc, rec.gyr, header={"sample_rate_hz": rec.fs_hz / (1.0 + fast)})


def _clock_counted(rec: Recording, rng: np.random.Generator, fast: float) -> Degraded:
    """The sensor samples ``fast`` faster than stated and the file counts samples at the stated rate:
    every time is ``1 + fast`` too long. Nothing in the data can tell (the expected result: cadence and
    contact times off by that much)."""
    return Degraded(rec.t_s * (1.0 + fast), rec.acc, rec.gyr, stretch=1.0 + fast)


def _clipped(rec: Recording, rng: np.random.Generator, range_g: float, declared: bool) -> Degraded:
    """Acceleration clipped at +-``range_g``; the range declared in the header (native file) or not."""
    limit = range_g * STANDARD_GRAVITY_MS2 / rec.acc_unit_ms2
    acc = np.clip(rec.acc, -limit, limit)
    return Degraded(rec.t_s, acc, rec.gyr, header={"acc_range_g": range_g} if declared else None)


def _quantised(rec: Recording, rng: np.random.Generator, bits: int, range_g: float) -> Degraded:
    """Acceleration rounded to ``bits`` over +-``range_g`` (the steps only: no clipping)."""
    q = 2.0 * range_g / 2**bits * STANDARD_GRAVITY_MS2 / rec.acc_unit_ms2
    return Degraded(rec.t_s, np.round(rec.acc / q) * q, rec.gyr)


def _rate_halved(rec: Recording, rng: np.random.Generator) -> Degraded:
    """From the middle on, every second sample only (200 -> 100 Hz mid-recording)."""
    n = rec.t_s.size
    keep = (np.arange(n) < n // 2) | (np.arange(n) % 2 == 0)
    return Degraded(rec.t_s[keep], rec.acc[keep], rec.gyr[keep] if rec.gyr is not None else None)


def _gyro_gaps(rec: Recording, rng: np.random.Generator, share: float) -> Degraded | None:
    """Gyroscope missing (empty cells) in stretches of 2-4 s, ``share`` of the recording."""
    if rec.gyr is None:
        return None
    lo, hi = int(2 * rec.fs_hz), int(4 * rec.fs_hz)
    if rec.t_s.size < 4 * hi:
        lo, hi = rec.t_s.size // 20, rec.t_s.size // 10
    gyr = rec.gyr.copy()
    gyr[_runs(rec.t_s.size, rng, share, lo, hi)] = np.nan
    return Degraded(rec.t_s, rec.acc, gyr)


# ---- what phones and cheap sensors add (HONEST-13): batching, rate drops, clock steps, restarts, on-board
# filtering, saturation, streams offset in time, a wrong unit, a wrong mounting, gravity removed


def _batched(rec: Recording, rng: np.random.Generator, lo: int, hi: int) -> Degraded:
    """Android sensor batching: the FIFO is emptied in batches of ``lo``-``hi`` samples, each stamped as it is
    handed over (the batch's arrival, 0-2 ms after its last sample, the samples 0.05 periods apart)."""
    n = rec.t_s.size
    sizes = rng.integers(lo, hi + 1, n // lo + 1)
    bunch = np.repeat(np.arange(sizes.size), sizes)[:n]
    ends = np.minimum(np.cumsum(sizes) - 1, n - 1)
    arrival = rec.t_s[ends[bunch]] + rng.uniform(0.0, 2.0, sizes.size)[bunch] / 1000.0
    after = np.arange(n) - (np.cumsum(sizes) - sizes)[bunch]
    before_end = np.minimum(sizes[bunch], n - (np.cumsum(sizes) - sizes)[bunch]) - 1 - after
    return Degraded(arrival - before_end * 0.05 / rec.fs_hz, rec.acc, rec.gyr, first_s=float(rec.t_s[0]))


def _batched_messy(rec: Recording, rng: np.random.Generator, share: float, swaps: int) -> Degraded:
    """:func:`_batched`, then ``share`` of the rows written twice and ``swaps`` batches' last row written after the
    next batch's first (an app's duplicated and out-of-order rows, EDGE-157/158)."""
    deg = _batched(rec, rng, 10, 40)
    n = deg.t_s.size
    rows = np.arange(n)
    ends = np.flatnonzero(np.diff(deg.t_s) > 0.5 / rec.fs_hz)
    swap = rng.choice(ends[5:-5], min(swaps, max(ends.size - 10, 0)), replace=False)
    rows[swap], rows[swap + 1] = rows[swap + 1], rows[swap].copy()
    twice = rng.choice(np.arange(n // 50, n), int(share * n), replace=False)
    order = rows[np.sort(np.concatenate([np.arange(n), twice]))]
    gyr = deg.gyr[order] if deg.gyr is not None else None
    return Degraded(deg.t_s[order], deg.acc[order], gyr, first_s=deg.first_s)


def _batched_first(rec: Recording, rng: np.random.Generator, lo: int, hi: int) -> Degraded:
    """Batches of ``lo``-``hi`` samples on one stamp: their first sample's time plus 0-2 ms (an app stamping a
    packet with its first sample, EDGE-160)."""
    n = rec.t_s.size
    sizes = rng.integers(lo, hi + 1, n // lo + 1)
    first = np.cumsum(sizes) - sizes
    bunch = np.repeat(np.arange(sizes.size), sizes)[:n]
    stamp = rec.t_s[first[bunch]] + rng.uniform(0.0, 2.0, sizes.size)[bunch] / 1000.0
    return Degraded(stamp, rec.acc, rec.gyr, first_s=float(rec.t_s[0]))


def _bursts_clock_back(rec: Recording, rng: np.random.Generator, step_s: float) -> Degraded:
    """:func:`_bursts` of 4 on one stamp, the host's clock stepped back ``step_s`` mid-way (EDGE-157)."""
    deg = _bursts(rec, rng, 4, 0.0)
    mid = rec.t_s.size // 2
    t = deg.t_s.copy()
    t[mid:] -= step_s
    return Degraded(t, rec.acc, rec.gyr, seam_s=float(rec.t_s[mid - 1] - rec.t_s[0]))


def _rate_drops(rec: Recording, rng: np.random.Generator) -> Degraded:
    """Screen off / power saving: from 30 % of the recording at 50 Hz, from 45 % at 5 Hz, from 60 % back at
    the full rate (no anti-alias filter: the phone only delivers fewer samples)."""
    n = rec.t_s.size
    i = np.arange(n)
    keep = np.ones(n, bool)
    for (a, b), rate in (((0.30, 0.45), 50.0), ((0.45, 0.60), 5.0)):
        inside = (i >= int(a * n)) & (i < int(b * n))
        keep[inside] = i[inside] % max(round(rec.fs_hz / rate), 1) == 0
    return Degraded(rec.t_s[keep], rec.acc[keep], rec.gyr[keep] if rec.gyr is not None else None)


def _clock_step(rec: Recording, rng: np.random.Generator, step_s: float) -> Degraded:
    """An NTP correction mid-way: every stamp from the middle on moves by ``step_s`` (the samples go on)."""
    mid = rec.t_s.size // 2
    t = rec.t_s.copy()
    t[mid:] += step_s
    return Degraded(t, rec.acc, rec.gyr, seam_s=float(rec.t_s[mid - 1] - rec.t_s[0]))


def _restarted(rec: Recording, rng: np.random.Generator) -> Degraded:
    """The app restarted mid-way and appended to the same file: its time starts at 0 again (after a pause)."""
    mid = rec.t_s.size // 2
    t = rec.t_s.copy()
    t[mid:] -= t[mid]
    return Degraded(t, rec.acc, rec.gyr, seam_s=float(rec.t_s[mid - 1] - rec.t_s[0]))


def _low_passed(rec: Recording, rng: np.random.Generator, cutoff_hz: float) -> Degraded | None:
    """The phone's accelerometer low-pass filtered on board (a causal 2nd-order Butterworth at ``cutoff_hz``)."""
    from scipy.signal import butter, lfilter, lfilter_zi

    if cutoff_hz >= 0.45 * rec.fs_hz:
        return None
    b, a = butter(2, cutoff_hz / (rec.fs_hz / 2.0))
    acc = lfilter(b, a, rec.acc, axis=0, zi=lfilter_zi(b, a)[:, None] * rec.acc[0])[0]
    return Degraded(rec.t_s, acc, rec.gyr)


def _gyro_late(rec: Recording, rng: np.random.Generator, ms: float) -> Degraded | None:
    """Gyroscope and accelerometer written to separate files (Sensor Logger) with the gyroscope's stamps
    ``ms`` late: each row carries the gyroscope sample taken ``ms`` before."""
    if rec.gyr is None:
        return None
    lag = round(ms / 1000.0 * rec.fs_hz)
    gyr = np.vstack([np.repeat(rec.gyr[:1], lag, axis=0), rec.gyr[: rec.t_s.size - lag]])
    return Degraded(rec.t_s, rec.acc, gyr)


def _gyro_deg_as_rad(rec: Recording, rng: np.random.Generator) -> Degraded | None:
    """A gyroscope in deg/s read as rad/s (the user or the app declares rad/s)."""
    if rec.gyr is None:
        return None
    base = rec.reader.mapping if rec.reader is not None and rec.reader.mapping is not None else GenericCsvOptions()
    reader = ReaderOptions(mapping=dataclasses.replace(base, gyr_unit="rads"))
    return Degraded(rec.t_s, rec.acc, rec.gyr, reader=reader)


#: sensor -> worn: rows are the worn sensor's axes in the declared sensor's frame
_MOUNTINGS = {
    "upside down (about x)": np.diag([1.0, -1.0, -1.0]),
    "upside down (about y)": np.diag([-1.0, 1.0, -1.0]),
    "turned 90 deg": np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
}


def _mounted(rec: Recording, rng: np.random.Generator, how: str) -> Degraded:
    """The sensor worn turned against its declared placement: a native session file whose header still declares
    the nominal anterior axis (and the vertical one, where the recording knows it)."""
    r = _MOUNTINGS[how]
    return Degraded(rec.t_s, rec.acc @ r.T, rec.gyr @ r.T if rec.gyr is not None else None, header={"mounting": 1.0})


def _gravity_removed(rec: Recording, rng: np.random.Generator, declared: bool) -> Degraded:
    """The app's linear acceleration: gravity as a phone's fusion tracks it taken out (a complementary filter:
    gravity turned with the gyroscope, pulled towards the acceleration with a 1 s time constant, 1 g long; a
    0.2 Hz low-pass of the acceleration without a gyroscope); declared in the header or not (a generic CSV)."""
    one_g = STANDARD_GRAVITY_MS2 / rec.acc_unit_ms2
    dt = 1.0 / rec.fs_hz
    if rec.gyr is None:
        from scipy.signal import butter, filtfilt

        b, a = butter(2, 0.2 / (rec.fs_hz / 2.0))
        low = filtfilt(b, a, rec.acc, axis=0)
        gravity = low * (one_g / np.linalg.norm(low, axis=1))[:, None]
    else:
        omega = np.radians(rec.gyr) * dt
        gravity = np.empty_like(rec.acc)
        g = rec.acc[: int(rec.fs_hz)].mean(axis=0)
        alpha = dt / 1.0
        for k in range(rec.t_s.size):  # a study script, not a hot path
            g = g - np.cross(omega[k], g)
            g = (1.0 - alpha) * g + alpha * rec.acc[k]
            g *= one_g / np.linalg.norm(g)
            gravity[k] = g
    header = {"acc_gravity_removed": 1.0} if declared else None
    return Degraded(rec.t_s, rec.acc - gravity, rec.gyr, header=header)


DEGRADATIONS: dict[str, Callable[[Recording, np.random.Generator], Degraded | None]] = {
    "clean": lambda r, g: Degraded(r.t_s, r.acc, r.gyr),
    "jitter 0.5 ms": lambda r, g: _jitter(r, g, 0.5),
    "jitter 1.5 ms": lambda r, g: _jitter(r, g, 1.5),
    "jitter 3 ms": lambda r, g: _jitter(r, g, 3.0),
    "bursts of 4, same stamp": lambda r, g: _bursts(r, g, 4, 0.0),
    "bursts of 4, 1/4 period apart": lambda r, g: _bursts(r, g, 4, 0.25),
    "bursts of 2, 1/2 period apart": lambda r, g: _bursts(r, g, 2, 0.5),
    "lost 1 % (runs 5-20)": lambda r, g: _lost(r, g, 0.01),
    "lost 5 % (runs 5-20)": lambda r, g: _lost(r, g, 0.05),
    "duplicated 1 %, swapped 0.25 %": lambda r, g: _duplicated(r, g, 0.01, 0.0025),
    "duplicated 4 %, swapped 0.5 %": lambda r, g: _duplicated(r, g, 0.04, 0.005),
    "clock +1.5 %, host stamps": lambda r, g: _clock_host(r, g, 0.015),
    "clock +3 %, host stamps": lambda r, g: _clock_host(r, g, 0.03),
    "clock +2 %, counted stamps": lambda r, g: _clock_counted(r, g, 0.02),
    "clip 8 g, undeclared": lambda r, g: _clipped(r, g, 8.0, False),
    "clip 8 g, declared": lambda r, g: _clipped(r, g, 8.0, True),
    "clip 4 g, undeclared": lambda r, g: _clipped(r, g, 4.0, False),
    "clip 4 g, declared": lambda r, g: _clipped(r, g, 4.0, True),
    "10 bit over 8 g": lambda r, g: _quantised(r, g, 10, 8.0),
    "8 bit over 8 g": lambda r, g: _quantised(r, g, 8, 8.0),
    "rate halves mid-way": _rate_halved,
    "gyro missing 10 %": lambda r, g: _gyro_gaps(r, g, 0.10),
    "gyro missing 30 %": lambda r, g: _gyro_gaps(r, g, 0.30),
    "batched 10-40, 1 % written twice, 5 rows late": lambda r, g: _batched_messy(r, g, 0.01, 5),
    "batched 10-40, stamped on the first sample": lambda r, g: _batched_first(r, g, 10, 40),
    "bursts of 4, same stamp, clock back 30 ms": lambda r, g: _bursts_clock_back(r, g, 0.03),
    "batched 10-40, stamped on delivery": lambda r, g: _batched(r, g, 10, 40),
    "rate 50 then 5 Hz mid-way, back": _rate_drops,
    "clock step +1 s": lambda r, g: _clock_step(r, g, 1.0),
    "clock step -0.5 s": lambda r, g: _clock_step(r, g, -0.5),
    "clock step -2 s": lambda r, g: _clock_step(r, g, -2.0),
    "time restarts at 0 (appended)": _restarted,
    "low-pass 20 Hz on the phone": lambda r, g: _low_passed(r, g, 20.0),
    "low-pass 8 Hz on the phone": lambda r, g: _low_passed(r, g, 8.0),
    "clip 2 g, undeclared": lambda r, g: _clipped(r, g, 2.0, False),
    "clip 2 g, declared": lambda r, g: _clipped(r, g, 2.0, True),
    "gyro 20 ms late": lambda r, g: _gyro_late(r, g, 20.0),
    "gyro 200 ms late": lambda r, g: _gyro_late(r, g, 200.0),
    "gyro 10 ms late": lambda r, g: _gyro_late(r, g, 10.0),  # within the sensors' own filter delays (HONEST-20)
    "gyro 50 ms late": lambda r, g: _gyro_late(r, g, 50.0),
    "gyro deg/s read as rad/s": _gyro_deg_as_rad,
    **{f"mounted {how}": (lambda r, g, how=how: _mounted(r, g, how)) for how in _MOUNTINGS},
    "gravity removed, undeclared": lambda r, g: _gravity_removed(r, g, False),
    "gravity removed, declared": lambda r, g: _gravity_removed(r, g, True),
}


#: The degradations HONEST-13 added (phones' and cheap sensors' own).
ADDED = tuple(list(DEGRADATIONS)[list(DEGRADATIONS).index("batched 10-40, stamped on delivery") :])

# ------------------------------------------------------------------------------------ recordings


def sacral_recordings(root: Path) -> list[Recording]:
    """The 11 sacral running trials (500 Hz, g, no gyroscope) with their force-plate contacts."""
    folder = root / "running_sacral_grf"
    acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
    grf = np.loadtxt(folder / "GRF_dev.csv", delimiter=",")
    fs, n = 500.0, grf.shape[1]
    out = []
    for k in range(grf.shape[0]):
        force = grf[k]
        on = np.flatnonzero((force[1:] > 0.1) & (force[:-1] <= 0.1)) + 1
        off = np.flatnonzero((force[1:] <= 0.1) & (force[:-1] > 0.1)) + 1
        on = on[(on > 0.1 * fs) & (on < n - 0.1 * fs)]
        on = on[[bool(np.any(off > o)) for o in on]]
        ref_t, last_off = on / fs, (off.max() / fs if off.size else 0.0)

        def score(det: FloatArray, ref_t: FloatArray = ref_t, last_off: float = last_off) -> tuple[int, int, int]:
            inside = (det > 0.1) & (det < n / fs - 0.1) & (det < last_off)
            return match(ref_t, det[inside])[:3]

        xyz = np.column_stack([acc[k, n:], np.zeros(n), acc[k, :n]])
        kwargs = {"placement": "lower_back", "anterior_axis": "+x"}
        # 5 s of running without a rest: the importer cannot see gravity at rest and says to name the unit
        reader = ReaderOptions(mapping=GenericCsvOptions(acc_columns=("acc_x", "acc_y", "acc_z"), acc_unit="g"))
        t = np.arange(n) / fs
        out.append(
            Recording(
                "running_sacral_grf", f"trial {k}", t, xyz, None, STANDARD_GRAVITY_MS2, fs, kwargs, score, reader, "+z"
            )
        )
    return out


def lowerback_recordings(root: Path) -> list[Recording]:
    """lowerback_walking HA_001 (100 Hz, g, gyroscope deg/s), scored against INDIP in its bouts."""
    out = []
    for csv in sorted((root / "lowerback_walking" / "HA_001").glob("*.csv")):
        data = pd.read_csv(csv)
        ref = lowerback_walking_reference(csv, "INDIP")
        bouts = [
            (g["wb_start_s"].iloc[0], g["wb_end_s"].iloc[0], g["ic_time_s"].to_numpy()) for _, g in ref.groupby("wb_id")
        ]

        def score(det: FloatArray, bouts: list = bouts) -> tuple[int, int, int]:
            tot = np.zeros(3, int)
            for lo, hi, ref_t in bouts:
                tot += match(ref_t, det[(det >= lo - TOL_S) & (det <= hi + TOL_S)])[:3]
            return int(tot[0]), int(tot[1]), int(tot[2])

        out.append(
            Recording(
                "lowerback_walking",
                csv.stem,
                data["samples"].to_numpy() / LOWERBACK_WALKING_RATE_HZ,
                data[["acc_x", "acc_y", "acc_z"]].to_numpy(),
                data[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
                STANDARD_GRAVITY_MS2,
                LOWERBACK_WALKING_RATE_HZ,
                {"placement": "lower_back"},
                score,
            )
        )
    return out


def foot_recordings(root: Path) -> list[Recording]:
    """foot_walking (204.8 Hz, m/s^2, deg/s), one per foot, scored against the mocap contacts."""
    folder = root / "foot_walking"
    data = pd.read_csv(folder / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    events = pd.read_csv(folder / "stride_events_sample.csv")
    fs = FOOT_WALKING_RATE_HZ
    out = []
    for side in ("left", "right"):
        sensor = data[f"{side}_sensor"]
        ref_ic = np.sort(events[events["foot"] == side]["ic"].to_numpy()) / fs

        def score(det: FloatArray, ref_ic: FloatArray = ref_ic) -> tuple[int, int, int]:
            return match(ref_ic, det[(det >= ref_ic.min() - 0.5) & (det <= ref_ic.max() + 0.5)])[:3]

        out.append(
            Recording(
                "foot_walking",
                side,
                np.arange(len(sensor)) / fs,
                sensor[["acc_x", "acc_y", "acc_z"]].to_numpy(),
                sensor[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
                1.0,
                fs,
                {"placement": "foot", "side": side},
                score,
            )
        )
    return out


def simulated_recordings() -> list[Recording]:
    """Simulated foot and shank running (200 Hz, m/s^2, deg/s, +x declared anterior), forward and backward,
    1 s still, 15 s running, 1 s still, scored against the simulator's contacts of the sensor's leg."""
    from retrogait.simulate import Bout, SimulationConfig, simulate

    still = Bout("still", "still", 0.0, 2.0)
    columns = {"acc_columns": ("acc_x", "acc_y", "acc_z"), "gyr_columns": ("gyr_x", "gyr_y", "gyr_z")}
    reader = ReaderOptions(mapping=GenericCsvOptions(**columns, acc_unit="ms2", gyr_unit="dps"))
    out = []
    for placement in ("foot", "shank"):
        for direction, speed in (("forward", 3.2), ("backward", 2.2)):
            bouts = [still, Bout(direction, "running", speed, 15.0), still]
            result = simulate(SimulationConfig(placement, bouts, sample_rate_hz=200.0, seed=3))
            truth = result.truth
            ref_ic = np.sort(truth.loc[truth["side"] == "left", "ic_time_s"].to_numpy(dtype=float))

            def score(det: FloatArray, ref_ic: FloatArray = ref_ic) -> tuple[int, int, int]:
                return match(ref_ic, det)[:3]

            session = result.session
            out.append(
                Recording(
                    "simulated running",
                    f"{placement} {direction}",
                    session.t_s.astype(float),
                    session.acc,
                    session.gyr,
                    1.0,
                    200.0,
                    {"placement": placement, "side": "left", "anterior_axis": "+x"},
                    score,
                    reader,
                    vertical_axis="+z",
                )
            )
    return out


# ------------------------------------------------------------------------------------ running


@dataclass
class Run:
    """One analysis of one file: step times mapped to true time, the steps table and the notes."""

    ic_s: FloatArray
    steps: pd.DataFrame
    notes: list[str]
    error: str | None = None
    summary: dict = field(default_factory=dict)


def analysed(rec: Recording, deg: Degraded, folder: Path, clean: Run | None = None) -> Run:
    """Write the degraded table as a user's file and analyse it by path; contacts after a clock's seam are
    put back on the clean run's time by the shift most of them share (a stepped clock's times are not true)."""
    kwargs = deg.kwargs if deg.kwargs is not None else rec.kwargs
    if deg.header is None:
        path = folder / "recording.csv"
        frame = pd.DataFrame({"time_s": deg.t_s})
        for k, axis in enumerate("xyz"):
            frame[f"acc_{axis}"] = deg.acc[:, k]
        if deg.gyr is not None:
            for k, axis in enumerate("xyz"):
                frame[f"gyr_{axis}"] = deg.gyr[:, k]
        frame.to_csv(path, index=False, float_format="%.9g", na_rep="")
    else:
        path = folder / "recording_session.csv"
        removed = bool(deg.header.get("acc_gravity_removed"))
        meta = SessionMeta(
            kwargs["placement"],
            float(deg.header.get("sample_rate_hz", rec.fs_hz)),
            side=kwargs.get("side"),
            acc_range_g=deg.header.get("acc_range_g"),
            anterior_axis=kwargs.get("anterior_axis"),
            vertical_axis=rec.vertical_axis,
            acc_gravity="removed" if removed else None,
        )
        write_session(Session(deg.t_s, deg.acc * rec.acc_unit_ms2, deg.gyr, meta), path)
    reader = deg.reader or rec.reader
    try:
        session = load_input(path, reader=reader if deg.header is None else None, **kwargs)
        result = retrogait.analyze(session)
    except RetrogaitError as exc:
        return Run(np.zeros(0), pd.DataFrame(), [], error=str(exc))
    offset = float(deg.t_s.min()) if deg.first_s is None else deg.first_s  # an imported file's time starts at 0
    if deg.first_s is None and "stamped on delivery" in str(session.meta.extra.get("inferred_time_base", "")):
        offset = float(rec.t_s[0])  # re-timed within its packets: the first sample lies before the first stamp
    shift = offset if deg.header is None else 0.0
    ic = (result.steps["ic_time_s"].to_numpy(dtype=float) + shift) / deg.stretch
    if deg.seam_s is not None and clean is not None:
        ic = _aligned_after(ic, deg.seam_s + float(deg.t_s[0]), clean.ic_s)
    return Run(ic, result.steps, list(result.summary["notes"]), summary=result.summary.get("all", {}))


def _aligned_after(ic: FloatArray, seam_s: float, clean_ic: FloatArray) -> FloatArray:
    """``ic`` with the contacts after ``seam_s`` moved by the shift (2 ms bins) most of them share with a
    clean contact."""
    after = ic > seam_s + 1e-9
    if not after.any() or not clean_ic.size:
        return ic
    diffs = (clean_ic[None, :] - ic[after][:, None]).ravel()
    bins = np.round(diffs / 0.002).astype(np.int64)
    values, counts = np.unique(bins, return_counts=True)
    out = ic.copy()
    out[after] += values[np.argmax(counts)] * 0.002
    return out


@dataclass
class Tally:
    """One dataset x degradation, pooled over its recordings."""

    ref: NDArray[np.int64] = field(default_factory=lambda: np.zeros(3, np.int64))
    clean_steps: int = 0
    kept: int = 0
    lost_silent: int = 0
    impact_rel: list[float] = field(default_factory=list)
    moved: int = 0
    moved_silent: int = 0
    dir_same: int = 0
    dir_known: int = 0
    flips: int = 0
    flips_silent: int = 0
    ct_moved: int = 0
    ct_silent: int = 0
    cad_moved: int = 0
    cad_silent: int = 0
    summary_silent: list[str] = field(default_factory=list)
    strike_same: int = 0
    strike_known: int = 0
    cadence_rel: list[float] = field(default_factory=list)
    flags: Counter[str] = field(default_factory=Counter)
    notes: set[str] = field(default_factory=set)
    errors: Counter[str] = field(default_factory=Counter)
    recordings: int = 0


def compare(clean: Run, run: Run, tally: Tally, score: Callable[[FloatArray], tuple[int, int, int]]) -> None:
    """Add one recording's degraded run against its clean run to the tally."""
    tally.recordings += 1
    new_notes = [n for n in run.notes if n not in clean.notes]
    tally.notes.update(_note_key(n) for n in new_notes)
    if run.error is not None:
        tally.errors[run.error.split(": ", 1)[-1][:60]] += 1  # a refusal says so: its contacts are not silent
        tally.clean_steps += len(clean.ic_s)
        return
    tally.ref += np.asarray(score(run.ic_s))
    _, _, _, pairs = match(clean.ic_s, run.ic_s, TOL_S)
    tally.clean_steps += len(clean.ic_s)
    tally.kept += len(pairs)
    flags = run.steps["quality_flags"].fillna("").astype(str).to_numpy()
    for f in flags:
        tally.flags.update(x for x in f.split(";") if x)
    flagged = flags != ""
    matched_clean = {i for i, _ in pairs}
    flagged_t = run.ic_s[flagged]
    says_contacts = any("contact" in n or "gap" in n for n in new_notes)  # a note that contacts may be missing
    says_impact = any("impact" in n for n in new_notes)  # a note that impact peaks may be wrong
    for i in set(range(len(clean.ic_s))) - matched_clean:  # a lost contact: a flagged step near it or a note
        near = np.any(np.abs(flagged_t - clean.ic_s[i]) < 1.5) if flagged_t.size else False
        if not near and not says_contacts:
            tally.lost_silent += 1
    ci = np.array([i for i, _ in pairs], dtype=int)
    dj = np.array([j for _, j in pairs], dtype=int)
    _summary_moved(clean, run, tally, new_notes, bool(flagged.any()))
    if ci.size == 0:
        return
    _contact_and_cadence(clean, run, tally, ci, dj, flagged, new_notes)
    a = clean.steps["impact_peak_g"].to_numpy(dtype=float)[ci]
    b = run.steps["impact_peak_g"].to_numpy(dtype=float)[dj]
    ok = np.isfinite(a) & np.isfinite(b) & (a > 0)
    rel = np.abs(b[ok] / a[ok] - 1.0)
    tally.impact_rel += rel.tolist()
    tally.moved += int((rel > 0.10).sum())
    tally.moved_silent += 0 if says_impact else int(((rel > 0.10) & ~flagged[dj][ok]).sum())
    da = clean.steps["direction"].to_numpy()[ci]
    db = run.steps["direction"].to_numpy()[dj]
    known = (da != "unknown") & (db != "unknown")
    tally.dir_known += int(known.sum())
    tally.dir_same += int((known & (da == db)).sum())
    flip = known & (da != db)
    tally.flips += int(flip.sum())
    tally.flips_silent += int((flip & ~flagged[dj]).sum())
    sa = clean.steps["foot_strike"].to_numpy()[ci]
    sb = run.steps["foot_strike"].to_numpy()[dj]
    sknown = (sa != "unknown") & (sb != "unknown")
    tally.strike_known += int(sknown.sum())
    tally.strike_same += int((sknown & (sa == sb)).sum())
    ca, cb = (_finite_median(r.steps["cadence_spm"].to_numpy(dtype=float)) for r in (clean, run))
    if np.isfinite(ca) and np.isfinite(cb):
        tally.cadence_rel.append(cb / ca - 1.0)


def _finite_median(values: np.ndarray) -> float:
    """The median of the finite values, NaN for none (no numpy warning on stderr)."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


#: Per step, a contact time moved by more than this (s) or a cadence by more than this share moved; in the
#: summary, cadence, contact time and impact medians moved by more than these shares.
CT_MOVED_S = 0.02
CADENCE_MOVED = 0.05
SUMMARY_MOVED = {"cadence_spm": 0.03, "contact_time_s": 0.10, "impact_peak_g": 0.10}


def _contact_and_cadence(
    clean: Run,
    run: Run,
    tally: Tally,
    ci: NDArray[np.int64],
    dj: NDArray[np.int64],
    flagged: NDArray[np.bool_],
    new_notes: list[str],
) -> None:
    """Contact times moved by more than CT_MOVED_S and cadences (of steps whose contact before is matched
    too) by more than CADENCE_MOVED; silent on an unflagged step of a session without a note naming them."""
    a = clean.steps["contact_time_s"].to_numpy(dtype=float)[ci]
    b = run.steps["contact_time_s"].to_numpy(dtype=float)[dj]
    ok = np.isfinite(a) & np.isfinite(b)
    moved = ok & (np.abs(b - a) > CT_MOVED_S)
    says = any("contact time" in n for n in new_notes)
    tally.ct_moved += int(moved.sum())
    tally.ct_silent += 0 if says else int((moved & ~flagged[dj]).sum())
    pairs = {int(i): int(j) for i, j in zip(ci, dj, strict=True)}
    consecutive = np.array([pairs.get(int(i) - 1) == int(j) - 1 for i, j in zip(ci, dj, strict=True)])
    ca = clean.steps["cadence_spm"].to_numpy(dtype=float)[ci]
    cb = run.steps["cadence_spm"].to_numpy(dtype=float)[dj]
    ok = consecutive & np.isfinite(ca) & np.isfinite(cb) & (ca > 0)
    moved = ok & (np.abs(cb / np.where(ok, ca, 1.0) - 1.0) > CADENCE_MOVED)
    says = any(w in n for n in new_notes for w in ("cadence", "step time", "timestamps", "clock"))
    tally.cad_moved += int(moved.sum())
    tally.cad_silent += 0 if says else int((moved & ~flagged[dj]).sum())


def _summary_moved(clean: Run, run: Run, tally: Tally, new_notes: list[str], any_flag: bool) -> None:
    """The summary's cadence, contact time and impact medians moved beyond SUMMARY_MOVED with neither a new
    note nor a flagged step."""
    if new_notes or any_flag:
        return
    for key, share in SUMMARY_MOVED.items():
        a, b = _summary_value(clean.summary, key), _summary_value(run.summary, key)
        if np.isfinite(a) and np.isfinite(b) and a > 0 and abs(b / a - 1.0) > share:
            tally.summary_silent.append(key)


def _summary_value(summary: dict, key: str) -> float:
    item = summary.get(key) or {}
    value = item.get("value", item.get("median")) if isinstance(item, dict) else None
    return float(value) if value is not None else float("nan")


def _note_key(note: str) -> str:
    """A note without its numbers, so that notes of the same kind pool across recordings."""
    words = [
        w for w in note.replace("(", " ").replace(")", " ").replace(",", " ").split() if not any(c.isdigit() for c in w)
    ]
    return " ".join(words[:9])


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f} %" if whole else "-"


def row(dataset: str, name: str, tally: Tally, note_ids: dict[str, int]) -> tuple[str, ...]:
    """One table row."""
    if tally.errors and tally.kept == 0:
        return (
            dataset,
            name,
            "refused",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "; ".join(sorted(tally.errors))[:40],
            "-",
        )
    rel = np.asarray(tally.impact_rel)
    silent = (
        tally.lost_silent
        + tally.moved_silent
        + tally.flips_silent
        + tally.ct_silent
        + tally.cad_silent
        + len(tally.summary_silent)
    )
    cad = f"{100 * np.median(tally.cadence_rel):+.1f} %" if tally.cadence_rel else "-"
    notes = ",".join(str(note_ids.setdefault(n, len(note_ids) + 1)) for n in sorted(tally.notes))
    return (
        dataset,
        name,
        f"{f1(*tally.ref):.3f}",
        f"{_pct(tally.kept, tally.clean_steps)} ({tally.clean_steps - tally.kept} lost)"
        + (f", {sum(tally.errors.values())} refused" if tally.errors else ""),
        f"{100 * np.median(rel):.1f} %" if rel.size else "-",
        f"{tally.moved} ({tally.moved_silent})",
        f"{_pct(tally.dir_same, tally.dir_known)} ({tally.flips} ({tally.flips_silent}))",
        _pct(tally.strike_same, tally.strike_known),
        f"{tally.ct_moved} ({tally.ct_silent})",
        f"{tally.cad_moved} ({tally.cad_silent})",
        cad,
        " ".join(f"{k} {v}" for k, v in sorted(tally.flags.items())) or "-",
        notes or "-",
        str(silent) if silent else "-",
    )


COLUMNS = (
    "data",
    "degradation",
    "ref F1",
    "kept (lost)",
    "|d impact|",
    ">10 % (silent)",
    "dir same (flips (silent))",
    "strike same",
    "ct >20 ms (silent)",
    "cad >5 % (silent)",
    "cad",
    "flags",
    "notes",
    "silent",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.environ.get("RETROGAIT_SHARED_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    parser.add_argument("--only", default="", help="comma-separated degradation names (substrings) to run")
    parser.add_argument("--dataset", default="", help="only the datasets whose name holds this")
    args = parser.parse_args()
    root = Path(args.data)
    if not root.is_dir():
        raise SystemExit(f"validate_messy: no data folder at {root} (set RETROGAIT_SHARED_DATA)")
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    names = [n for n in DEGRADATIONS if n == "clean" or not wanted or any(w in n for w in wanted)]
    rows: list[tuple[str, ...]] = []
    note_ids: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        groups = [sacral_recordings(root), lowerback_recordings(root), foot_recordings(root), simulated_recordings()]
        if args.dataset:
            groups = [g for g in groups if args.dataset in g[0].dataset]
        for recordings in groups:
            tallies = {name: Tally() for name in names}
            for rec in recordings:
                clean = analysed(rec, DEGRADATIONS["clean"](rec, np.random.default_rng(0)), folder)
                native = Degraded(rec.t_s, rec.acc, rec.gyr, header={"native": 1.0})
                clean_native: Run | None = None  # a native file's degradations against the clean native file
                for name in names:
                    seed = zlib.crc32(f"{rec.dataset}/{rec.name}/{name}".encode())
                    deg = DEGRADATIONS[name](rec, np.random.default_rng(seed))
                    if deg is None:
                        continue
                    base = clean
                    if deg.header is not None:
                        clean_native = clean_native or analysed(rec, native, folder)
                        base = clean_native
                    run = clean if name == "clean" else analysed(rec, deg, folder, base)
                    compare(base, run, tallies[name], rec.score)
            for name, tally in tallies.items():
                if tally.recordings:
                    rows.append(row(recordings[0].dataset, name, tally, note_ids))
    table = Table(title="retrogait on messy input (pooled per dataset; silent = moved without a flag or note)")
    for column in COLUMNS:
        table.add_column(column)
    for r in rows:
        table.add_row(*r)
    Console(width=260).print(table)
    for note, i in sorted(note_ids.items(), key=lambda x: x[1]):
        print(f"  note {i}: {note} ...")
    silent = {(r[0], r[1]): int(r[-1]) if r[-1] != "-" else 0 for r in rows if r[1] != "clean"}
    added = {k: v for k, v in silent.items() if k[1] in ADDED or k[0] == "simulated running"}
    print(
        f"silent {sum(silent.values())} over {len(silent)} rows (dataset x degradation); of them the rows "
        f"HONEST-13 added (its degradations, simulated foot and shank running) {sum(added.values())} over {len(added)}"
    )
    for (dataset, name), count in silent.items():
        if count:
            print(f"  silent {count}: {dataset} / {name}")


if __name__ == "__main__":
    main()
