"""Fuzz ``retrogait analyze --settings S.toml``: random in-bounds values, values at the bounds, and a few
broken settings files, on short simulated recordings of every placement and on sample_data/ (EDGE-70).

Every case writes a settings TOML text, reads it as ``--settings`` does (``parse_settings_toml``, then the
placement's preset with the overrides), analyses a recording with it and writes the outputs. It must end
as ``accepted`` (the outputs are written and hold no NaN/inf where a column never holds one) or
``refused`` (one RetrogaitError line); anything else (an uncaught exception, a numpy warning, which is
turned into an error, a refusal of more than one line, a NaN/inf that leaked) is ``uncaught`` and is
printed with its reproducer: the recording and the TOML text.

    python scripts/fuzz_settings.py [--cases 400] [--seed 1] [--report-every 0] [--show 5]

``--report-every N`` also writes report.html every N-th accepted case. tests/test_settings_fuzz.py runs a
short slice of :func:`run` with a fixed seed.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import Field, dataclass, fields, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from retrogait.analysis.pipeline import AnalysisResult, analyze, write_outputs  # noqa: E402
from retrogait.analysis.settings import AnalysisSettings, stage_of  # noqa: E402
from retrogait.analysis.settings_fields import format_value  # noqa: E402
from retrogait.analysis.settings_toml import parse_settings_toml  # noqa: E402
from retrogait.errors import RetrogaitError  # noqa: E402
from retrogait.session import Session  # noqa: E402

#: steps.csv columns that are never NaN (every row has them); no numeric column is ever +-inf.
NEVER_NAN = ("ic_time_s", "direction_confidence", "bout_id")
#: steps.csv columns that hold a probability (NaN allowed where documented).
PROBABILITIES = ("direction_confidence", "foot_strike_confidence")


@dataclass(frozen=True)
class Recording:
    """A recording a case analyses: its name (for the reproducer) and how to make the session."""

    name: str
    make: Callable[[], Session]


def simulated(placement: str, rate_hz: float, bouts: str, gyro: bool = True, seed: int = 1) -> Recording:
    """A short simulated recording (retrogait.simulate; below its 50 Hz: simulated at 100 Hz and resampled)."""

    def make() -> Session:
        from scipy.signal import resample_poly

        from retrogait.simulate import SimulationConfig, parse_bouts, simulate

        config = SimulationConfig(
            placement=placement,
            bouts=parse_bouts(bouts),
            sample_rate_hz=max(rate_hz, 100.0),
            side="left",
            with_gyro=gyro,
            seed=seed,
        )
        session = simulate(config).session
        if rate_hz >= 100.0:
            return session
        ratio = Fraction(rate_hz / 100.0).limit_denominator(100)
        acc = resample_poly(session.acc, ratio.numerator, ratio.denominator, axis=0)
        gyr = None if session.gyr is None else resample_poly(session.gyr, ratio.numerator, ratio.denominator, axis=0)
        meta = replace(session.meta, sample_rate_hz=rate_hz)
        return replace(session, t_s=np.arange(acc.shape[0]) / rate_hz, acc=acc, gyr=gyr, meta=meta, extra={})

    name = f"simulate --placement {placement} --rate {rate_hz:g} --bouts {bouts}{'' if gyro else ' --no-gyro'}"
    return Recording(name, make)


def pocket(fs_hz: float) -> Recording:
    """A phone in a trouser pocket (placement thigh; retrogait.simulate.nongait.pocket_walk)."""

    def make() -> Session:
        from retrogait.simulate.nongait import pocket_walk

        return pocket_walk(duration_s=16.0, fs_hz=fs_hz).session

    return Recording(f"pocket_walk(duration_s=16, fs_hz={fs_hz:g})", make)


def sample_file(path: Path) -> Recording:
    """A file of sample_data/ read as ``analyze`` reads it."""

    def make() -> Session:
        from retrogait.analysis.load import load_input

        return load_input(path)

    return Recording(str(path.relative_to(ROOT)), make)


RUN = "still::0:2,forward:running:3.0:6,backward:running:2.5:6,still::0:2"
WALK = "still::0:2,forward:walking:1.3:6,backward:walking:0.8:6,still::0:2"


def recordings(with_samples: bool = True) -> list[Recording]:
    """The recordings: each simulator placement at a low and a high rate, running and walking, one without
    gyroscope; a phone placement; the sample files."""
    out = [
        simulated(placement, rate, bouts)
        for placement in ("foot", "shank", "lower_back")
        for rate, bouts in ((50.0, RUN), (400.0, RUN), (100.0, WALK))
    ]
    out += [simulated("foot", 200.0, RUN, gyro=False), simulated("lower_back", 20.0, RUN), pocket(25.0), pocket(100.0)]
    if with_samples:
        out += [sample_file(p) for p in sorted((ROOT / "sample_data").glob("*.csv")) if "_truth" not in p.name]
    return out


def _fields() -> list[tuple[str, Field[Any]]]:
    defaults = AnalysisSettings()
    return [(table.name, f) for table in fields(defaults) for f in fields(stage_of(defaults, table.name))]  # type: ignore[arg-type]


def legal_value(f: Field[Any], rng: random.Random) -> Any:
    """A value within the field's bounds: a bound (40 %) or a random value between them (log-uniform over
    a wide positive range)."""
    lo, hi, default = f.metadata["min"], f.metadata["max"], f.default
    lo = lo if lo is not None else default - 10 * abs(default) - 1
    hi = hi if hi is not None else default + 10 * abs(default) + 1
    if isinstance(default, (bool, str)):
        return default
    pick = rng.random()
    if isinstance(default, int):
        if pick < 0.2:
            return int(lo)
        if pick < 0.4:
            return int(hi)
        if lo > 0 and hi / lo > 100:
            return round(math.exp(rng.uniform(math.log(lo), math.log(hi))))
        return rng.randint(int(lo), int(hi))
    if pick < 0.2:
        return float(lo)
    if pick < 0.4:
        return float(hi)
    if lo > 0 and hi / lo > 100:
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))
    return rng.uniform(lo, hi)


def bad_document(rng: random.Random, all_fields: list[tuple[str, Field[Any]]]) -> str:
    """A settings text that must be refused in one line: out of bounds, wrong type, NaN/inf, unknown key or
    table, a key outside a table, malformed TOML, an order broken."""
    table, f = rng.choice(all_fields)
    lo, hi = f.metadata["min"], f.metadata["max"]
    kind = rng.choice(["below", "above", "type", "nan", "inf", "key", "table", "outside", "malformed", "order"])
    if kind == "below" and lo is not None:
        value = format_value(type(f.default)(lo - max(1, abs(lo))))
    elif kind == "above" and hi is not None:
        value = format_value(type(f.default)(hi * 2 + 1))
    elif kind == "nan":
        value = "nan"
    elif kind == "inf":
        value = rng.choice(["inf", "-inf"])
    elif kind == "key":
        return f"[{table}]\nno_such_key = 1\n"
    elif kind == "table":
        return "[no_such_table]\nx = 1\n"
    elif kind == "outside":
        return f"{f.name} = {format_value(f.default)}\n"
    elif kind == "malformed":
        return rng.choice([f"[{table}\n", f"[{table}]\n{f.name} = \n", f"[{table}]\n{f.name} = 1 2\n", "\x00", "= 1"])
    elif kind == "order":
        return "[contacts]\nmin_step_s = 0.9\nmax_step_s = 0.4\n"
    else:
        value = rng.choice(['"abc"', "true", "[1, 2]", "{a = 1}", "1979-05-27"])
    return f"[{table}]\n{f.name} = {value}\n"


def good_document(rng: random.Random, all_fields: list[tuple[str, Field[Any]]]) -> str:
    """A settings text of 1-8 in-bounds values, or of 10-60 (a quarter of the cases); of an ordered pair,
    both drawn are put in order, one drawn gives the other its value in 30 % of the cases."""
    chosen: dict[str, dict[str, Any]] = {}
    many = rng.random() < 0.25
    for table, f in rng.sample(all_fields, rng.randint(10, 60) if many else rng.randint(1, 8)):
        chosen.setdefault(table, {})[f.name] = legal_value(f, rng)
    defaults = AnalysisSettings()
    for table, values in chosen.items():
        stage = stage_of(defaults, table)
        for first, second in (*stage.ORDERED, *getattr(stage, "BELOW", ())):  # BELOW: EDGE-70, runs before it too
            if (first in values) != (second in values) and rng.random() < 0.3:  # a pair at one value
                values[first] = values[second] = values.get(first, values.get(second))
            if first in values and second in values and values[first] > values[second]:
                values[first], values[second] = values[second], values[first]
    lines = []
    for table, values in chosen.items():
        lines += [f"[{table}]", *(f"{key} = {format_value(value)}" for key, value in values.items())]
    return "\n".join(lines) + "\n"


def leaks(result: AnalysisResult) -> str | None:
    """What is wrong in the outputs' numbers (a NaN or inf where none belongs), or None."""
    steps = result.steps
    numbers = steps.select_dtypes(include="number")
    if np.isinf(numbers.to_numpy(dtype=float)).any():
        return f"inf in steps columns {[c for c in numbers if np.isinf(numbers[c].to_numpy(dtype=float)).any()]}"
    for column in NEVER_NAN:
        if steps[column].isna().any():
            return f"NaN in steps column {column}"
    for column in PROBABILITIES:
        values = steps[column].dropna()
        if ((values < 0) | (values > 1)).any():
            return f"steps column {column} outside 0..1"
    if len(steps) and not (np.diff(steps["ic_time_s"].to_numpy()) > 0).all():
        return "ic_time_s not strictly increasing"
    bouts = result.bouts.select_dtypes(include="number")
    if np.isinf(bouts.to_numpy(dtype=float)).any():
        return "inf in bouts.csv"
    return None


def one_case(session: Session, text: str, out: Path, report: bool) -> tuple[str, str]:
    """(outcome, detail) of analysing ``session`` with settings ``text`` and writing the outputs."""

    def analysed() -> AnalysisResult:
        overrides = parse_settings_toml(text, "fuzz.toml")
        return analyze(session, settings=overrides.for_placement(session.meta.placement))

    return judge(analysed, out, report)


def judge(analysed: Callable[[], AnalysisResult], out: Path, report: bool) -> tuple[str, str]:
    """(outcome, detail) of ``analysed()`` and writing its outputs (and, with ``report``, report.html) into ``out``,
    numpy warnings turned into errors: ``accepted``, ``refused`` (one RetrogaitError line) or ``uncaught``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = analysed()
            problem = leaks(result)
            if problem:
                return "uncaught", problem
            write_outputs(result, out)
            if report:
                from retrogait.report.analysis_report import write_analysis_report

                write_analysis_report(result, out / "report.html")
    except RetrogaitError as exc:
        message = str(exc)
        if "\n" in message or not message.strip():
            return "uncaught", f"refusal not one line: {message!r}"
        return "refused", message
    except Exception as exc:  # what the fuzz is for
        lines = traceback.format_exception(exc)
        return "uncaught", f"{type(exc).__name__}: {exc}\n" + "".join(lines[-4:])
    return "accepted", f"{len(result.steps)} steps"


def run(
    cases: int, seed: int, report_every: int = 0, with_samples: bool = True, bad_share: float = 0.15
) -> tuple[Counter[str], list[tuple[str, str, str]]]:
    """Run ``cases`` cases; returns the counts and, for each uncaught case, (recording, TOML, detail)."""
    rng = random.Random(seed)
    pool = recordings(with_samples)
    sessions: dict[str, Session] = {}
    all_fields = _fields()
    counts: Counter[str] = Counter()
    uncaught: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(cases):
            recording = pool[i % len(pool)]
            if recording.name not in sessions:
                sessions[recording.name] = recording.make()
            bad = rng.random() < bad_share
            text = bad_document(rng, all_fields) if bad else good_document(rng, all_fields)
            report = bool(report_every) and not bad and counts["accepted"] % report_every == 0
            outcome, detail = one_case(sessions[recording.name], text, Path(tmp) / f"case{i}", report)
            counts[outcome] += 1
            if bad and outcome == "accepted":  # a broken settings file must be refused
                counts["accepted"] -= 1
                counts["uncaught"] += 1
                outcome, detail = "uncaught", "a broken settings file was accepted"
            if outcome == "uncaught":
                uncaught.append((recording.name, text, detail))
    return counts, uncaught


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report-every", type=int, default=0, help="also write report.html every N accepted cases")
    parser.add_argument("--show", type=int, default=5, help="print this many uncaught cases")
    args = parser.parse_args()
    counts, uncaught = run(args.cases, args.seed, args.report_every)
    print(
        f"cases {sum(counts.values())}: accepted {counts['accepted']}, refused {counts['refused']}, "
        f"uncaught {counts['uncaught']}"
    )
    kinds = Counter(detail.splitlines()[0][:100] for _, _, detail in uncaught)
    for kind, n in kinds.most_common():
        print(f"  {n:4d} x {kind}")
    for name, text, detail in uncaught[: args.show]:
        print(f"--- {name}\n{text}{detail}")
    return 1 if uncaught else 0


if __name__ == "__main__":
    sys.exit(main())
