"""Fuzz ``retrogait compare`` on the inputs users give it: real ``analyze`` outputs of simulated sessions,
copied and damaged the way people do (COMPARE-11).

A few sessions are simulated and analysed once (``retrogait.simulate`` -> ``retrogait analyze``: foot, shank and
lower back, several sample rates, one analysed with other settings) and cached in a temporary folder. Each
case copies one or more of those analysis folders, applies 1-3 mutations (a steps table saved again by Excel:
semicolons, decimal commas, a BOM, CRLF, columns reordered/renamed/dropped/added, blank rows; a file cut off;
a folder without its steps table or its summary.json; a damaged summary; placements, sample rates, versions
and settings mixed; one direction only; 0, 1 or 2 steps in a group; every step unknown, sideways or flagged;
NaN, inf and huge values; the same session twice or under two names; many small sessions; a zipped folder; a
directory where a file belongs; a binary file) and runs ``retrogait compare`` on it through
``retrogait.cli.main([...])`` in this process, with the command's options at odd values now and then.

A case ends as ``ok`` (status 0 and a readable compare.json without NaN), ``refused`` (status 2 and one
``retrogait: error:`` line on stderr) or ``usage`` (a Typer usage error, status 2). Anything else is a BUG:
an internal error (status 70), a traceback, a Python warning, a refusal of more than one line, a case over
``--timeout`` seconds (a hang), an ``ok`` that counted one session twice (the same steps under two names), or a
refusal of one input changed only as a user's copy is (saved again by a spreadsheet, columns reordered or added,
moved, zipped).

    python scripts/fuzz_compare.py [--cases 200] [--seed 1] [--timeout 120] [--show 5]

Prints the counts per outcome and per mutation, the slowest case, and each bug with its reproducer (the
mutations and the command line).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import pandas as pd

from retrogait.cli import main as cli_main

#: The sessions analysed once and mutated: name -> (placement, sample rate Hz, bouts, settings TOML or "").
BASES: dict[str, tuple[str, float, str, str]] = {
    "shank400": ("shank", 400.0, "forward:running:3.0:14,backward:running:2.5:14", ""),
    "shank400b": ("shank", 400.0, "forward:running:3.2:10,backward:running:2.4:10", ""),
    "shank100": ("shank", 100.0, "forward:running:3.0:10,backward:running:2.5:10", ""),
    "foot200": ("foot", 200.0, "forward:running:3.0:10,backward:running:2.5:10", ""),
    "back500": ("lower_back", 500.0, "forward:running:3.0:10,backward:running:2.5:10", ""),
    "shank400alt": (
        "shank",
        400.0,
        "forward:running:3.0:10,backward:running:2.5:10",
        "[contacts]\nimpact_cutoff_hz = 60\n",
    ),
    "shankfwd": ("shank", 400.0, "forward:running:3.0:12", ""),
}


class Hang(BaseException):
    """Raised by the interval timer: a case ran over its time (not an Exception, so nothing catches it)."""


@dataclass
class Case:
    """One case: its inputs (paths), the command-line options, what was done, and what should happen."""

    inputs: list[str]
    options: list[str]
    done: list[str] = field(default_factory=list)
    same_session_twice: bool = False  # an ok result would have counted one session twice
    out: str | None = None  # --out when not the case's own fresh folder
    should_read: bool = False  # one input changed only as a user's copy is: it must be compared, not refused


def make_bases(cache: Path) -> dict[str, Path]:
    """Simulate and analyse each base session once (kept in ``cache``); name -> analysis folder."""
    out: dict[str, Path] = {}
    for i, (name, (placement, rate, bouts, settings)) in enumerate(BASES.items()):
        folder = cache / name
        out[name] = folder
        if (folder / "steps.csv").is_file():
            continue
        recording = cache / f"{name}.csv"
        argv = ["simulate", "--out", str(recording), "--placement", placement, "--rate", f"{rate:g}"]
        argv += ["--bouts", bouts, "--seed", str(i + 1)]
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli_main(argv) == 0, argv
            analyse = ["analyze", str(recording), "--out", str(folder), "--no-report"]
            if settings:
                toml = cache / f"{name}.toml"
                toml.write_text(settings)
                analyse += ["--settings", str(toml)]
            assert cli_main(analyse) == 0, analyse
    return out


# ---------------------------------------------------------------------------------------------- mutations
# Each takes (folder, rng) of a copied analysis folder and returns the path to give compare (usually the
# folder) and a word for the report; a table mutation reads and writes steps.csv.


def _steps(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "steps.csv", comment="#", dtype=str, keep_default_na=False)


def _write(folder: Path, table: pd.DataFrame, *, sep: str = ",", decimal: str = ".", bom: bool = False) -> None:
    text = table.to_csv(index=False, sep=sep, lineterminator="\n")
    if decimal != ".":
        text = "\n".join(
            sep.join(cell.replace(".", decimal) if _numeric(cell) else cell for cell in line.split(sep))
            for line in text.split("\n")
        )
    (folder / "steps.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _forget_count(folder: Path) -> None:
    """An edited table no longer has the rows summary.json counts: the user removed summary.json or not."""
    summary = folder / "summary.json"
    if summary.is_file():
        data = json.loads(summary.read_text())
        if isinstance(data, dict) and isinstance(data.get("all"), dict):
            data["all"].pop("n_steps", None)
        summary.write_text(json.dumps(data))


def m_excel(folder: Path, rng: random.Random) -> str:
    """Saved again by Excel: semicolons and decimal commas (European), or a BOM and CRLF."""
    table = _steps(folder)
    kind = rng.choice(["semicolon", "semicolon_comma", "bom", "crlf", "tab"])
    if kind == "semicolon":
        _write(folder, table, sep=";")
    elif kind == "semicolon_comma":
        _write(folder, table, sep=";", decimal=",")
    elif kind == "bom":
        _write(folder, table, bom=True)
    elif kind == "tab":
        _write(folder, table, sep="\t")
    else:
        raw = (folder / "steps.csv").read_bytes()
        (folder / "steps.csv").write_bytes(raw.replace(b"\n", b"\r\n"))
    return f"excel:{kind}"


def m_columns(folder: Path, rng: random.Random) -> str:
    """Columns reordered, renamed, dropped, added or duplicated."""
    table = _steps(folder)
    kind = rng.choice(["reorder", "rename", "drop", "drop_required", "extra", "upper", "duplicate"])
    cols = list(table.columns)
    if kind == "reorder":
        rng.shuffle(cols)
        table = table[cols]
    elif kind == "rename":
        col = rng.choice(cols)
        table = table.rename(columns={col: rng.choice([col + " ", col.replace("_", " "), "Impact (g)", ""])})
    elif kind == "drop":
        table = table.drop(columns=rng.sample(cols, rng.randint(1, max(1, len(cols) // 2))))
    elif kind == "drop_required":
        table = table.drop(columns=[rng.choice(["ic_time_s", "direction"])])
    elif kind == "extra":
        table["notes"] = rng.choice(["", "ok", "a,b", "=1+1"])
        table["Unnamed: 0"] = range(len(table))
    elif kind == "upper":
        table.columns = [c.upper() for c in cols]
    else:
        table = pd.concat([table, table[[rng.choice(cols)]]], axis=1)
    _write(folder, table)
    _forget_count(folder)
    return f"columns:{kind}"


def m_rows(folder: Path, rng: random.Random) -> str:
    """Rows: blank lines, empty rows, rows sorted otherwise, duplicated, a comment line."""
    raw = (folder / "steps.csv").read_text()
    lines = raw.splitlines()
    kind = rng.choice(["blank", "empty_cells", "shuffle", "duplicate_rows", "comment", "header_again"])
    header, body = lines[0], lines[1:]
    if kind == "blank":
        for _ in range(rng.randint(1, 5)):
            body.insert(rng.randint(0, len(body)), "")
    elif kind == "empty_cells":
        for _ in range(rng.randint(1, 5)):
            body.insert(rng.randint(0, len(body)), "," * header.count(","))
    elif kind == "shuffle":
        rng.shuffle(body)
    elif kind == "duplicate_rows":
        body = body + body[: rng.randint(1, max(1, len(body)))]
    elif kind == "comment":
        body.insert(rng.randint(0, len(body)), "# edited by hand")
    else:
        body.insert(rng.randint(0, len(body)), header)
    (folder / "steps.csv").write_text("\n".join([header, *body]) + "\n")
    _forget_count(folder)
    return f"rows:{kind}"


def m_truncate(folder: Path, rng: random.Random) -> str:
    """A file cut off: steps.csv or summary.json, anywhere (also to nothing)."""
    victim = folder / rng.choice(["steps.csv", "steps.csv", "summary.json"])
    raw = victim.read_bytes()
    victim.write_bytes(raw[: rng.randint(0, len(raw))])
    return f"truncate:{victim.name}"


def m_missing(folder: Path, rng: random.Random) -> str:
    """The folder lost its steps table or its summary.json, or one is a folder, empty, binary."""
    kind = rng.choice(["no_steps", "no_summary", "steps_is_dir", "summary_is_dir", "binary_steps", "empty_steps"])
    if kind == "no_steps":
        (folder / "steps.csv").unlink()
    elif kind == "no_summary":
        (folder / "summary.json").unlink()
    elif kind == "steps_is_dir":
        (folder / "steps.csv").unlink()
        (folder / "steps.csv").mkdir()
    elif kind == "summary_is_dir":
        (folder / "summary.json").unlink()
        (folder / "summary.json").mkdir()
    elif kind == "binary_steps":
        (folder / "steps.csv").write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
    else:
        (folder / "steps.csv").write_bytes(b"")
    return f"missing:{kind}"


def m_summary(folder: Path, rng: random.Random) -> str:
    """summary.json edited: other placement, sample rate, sensor, version, settings; values of odd types."""
    path = folder / "summary.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):  # an earlier mutation removed it, made it a folder or broke its JSON
        return "summary:already_broken"
    if not isinstance(data, dict):  # an earlier mutation made it a list, a string or a number
        return "summary:already_not_object"
    kind = rng.choice(
        [
            "placement",
            "rate",
            "version",
            "settings",
            "sensor",
            "subject",
            "odd_types",
            "not_object",
            "bad_json",
            "n_steps",
        ]
    )
    if kind == "placement":
        data["placement"] = rng.choice(["foot", "lower_back", "wrist", "nowhere", None, 3])
    elif kind == "rate":
        data["sample_rate_hz"] = rng.choice([25, 52.0, 1000, 0, -5, "abc", None, 1e308, float("nan")])
    elif kind == "version":
        data["analysis_version"] = rng.choice(["0.1.0", "9.9.9", "", 7])
    elif kind == "settings":
        data["settings_hash"] = rng.choice(["deadbeef", "", None, 1])
    elif kind == "sensor":
        data["sensor"] = rng.choice(["polar_verity", "phone", "", 5])
    elif kind == "subject":
        data["subject"] = rng.choice(["alice", "bob", "", "a\nb", 42, None])
    elif kind == "odd_types":
        data[rng.choice(["all", "placement", "acc_range_g", "source_digest", "side"])] = rng.choice(
            [[1, 2], {"x": 1}, "text", 1e300, True]
        )
    elif kind == "not_object":
        data = rng.choice([[1, 2, 3], "summary", 3, None])
    elif kind == "bad_json":
        path.write_text('{"placement": "shank", ')
        return f"summary:{kind}"
    else:
        data.setdefault("all", {})
        if isinstance(data["all"], dict):
            data["all"]["n_steps"] = rng.choice([0, -1, "12", 1e9, True, None])
    path.write_text(json.dumps(data))
    return f"summary:{kind}"


def m_direction(folder: Path, rng: random.Random) -> str:
    """One direction only, 0/1/2 steps in a group, every step unknown/sideways, labels in other spelling."""
    table = _steps(folder)
    kind = rng.choice(["only_forward", "only_backward", "few", "all_unknown", "all_sideways", "spelling", "empty"])
    d = table["direction"]
    if kind == "only_forward":
        table = table[d == "forward"]
    elif kind == "only_backward":
        table = table[d == "backward"]
    elif kind == "few":
        keep_f, keep_b = rng.choice([0, 1, 2, 3]), rng.choice([0, 1, 2, 3])
        table = pd.concat([table[d == "forward"].head(keep_f), table[d == "backward"].head(keep_b)])
    elif kind == "all_unknown":
        table["direction"] = "unknown"
    elif kind == "all_sideways":
        table["direction"] = "sideways"
    elif kind == "spelling":
        table["direction"] = d.map(lambda v: rng.choice([v.upper(), f" {v} ", v.capitalize(), v]))
    else:
        table = table.head(0)
    _write(folder, table)
    _forget_count(folder)
    return f"direction:{kind}"


def m_values(folder: Path, rng: random.Random) -> str:
    """Metric cells: NaN, inf, huge, negative, zero, text, all flagged, all one value."""
    table = _steps(folder)
    metric_cols = [
        c
        for c in ("impact_peak_g", "step_time_s", "contact_time_s", "vgrf_peak_bw", "effort_g_per_min", "cadence_spm")
        if c in table.columns
    ]
    kind = rng.choice(["nan", "inf", "huge", "negative", "zero", "text", "flagged", "constant", "empty_col"])
    if not metric_cols or not len(table):
        return f"values:{kind}(nothing)"
    col = rng.choice(metric_cols)
    rows = rng.sample(range(len(table)), rng.randint(1, len(table)))
    value = {
        "nan": "nan",
        "inf": rng.choice(["inf", "-inf", "Infinity"]),
        "huge": rng.choice(["1e300", "9e6", "1e12"]),
        "negative": "-3.5",
        "zero": "0",
        "text": rng.choice(["n/a", "#DIV/0!", "--", "1,5"]),
    }.get(kind)
    if value is not None:
        table.loc[table.index[rows], col] = value
    elif kind == "flagged":
        table["quality_flags"] = rng.choice(["clipped", "gap", "low_rate", "clipped|gap"])
    elif kind == "constant":
        table[col] = "1.0"
    else:
        table[col] = ""
    _write(folder, table)
    return f"values:{kind}:{col}"


def m_cells(folder: Path, rng: random.Random) -> str:
    """Other columns: bout_id, times, foot strike, activity, flags and speed with odd values."""
    table = _steps(folder)
    if not len(table):
        return "cells:(nothing)"
    kind = rng.choice(["bout_id", "ic_time", "foot_strike", "activity", "flags", "speed", "subject"])
    rows = table.index[rng.sample(range(len(table)), rng.randint(1, len(table)))]
    if kind == "bout_id":
        table.loc[rows, "bout_id"] = rng.choice(["", "nan", "1.5", "-1", "x", "99999999999999999999"])
    elif kind == "ic_time":
        table.loc[rows, "ic_time_s"] = rng.choice(["0", "", "1e12", "-5", table["ic_time_s"].iloc[0]])
    elif kind == "foot_strike":
        table.loc[rows, "foot_strike"] = rng.choice(["HEEL", "", "Rearfoot", "forefoot ", "nan"])
    elif kind == "activity":
        table.loc[rows, "activity"] = rng.choice(["walking", "", "Running", "standing", "nan"])
    elif kind == "flags":
        table.loc[rows, "quality_flags"] = rng.choice(["x", "clipped;gap", "CLIPPED", " ", "low_rate|"])
    elif kind == "speed":
        table["speed_ms"] = [rng.choice(["", "2.5", "3.1", "-1", "0"]) for _ in range(len(table))]
    else:
        table["subject"] = rng.choice(["bob", ""])
    _write(folder, table)
    return f"cells:{kind}"


def m_zip(folder: Path, rng: random.Random) -> str:
    """The folder zipped (with or without its folder inside), given as the zip."""
    target = folder.with_suffix(".zip")
    inner = rng.choice([True, False])
    with zipfile.ZipFile(target, "w") as archive:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                archive.write(f, (f.relative_to(folder.parent) if inner else f.relative_to(folder)).as_posix())
    return f"zip:{'folder' if inner else 'flat'}"


def m_table_only(folder: Path, rng: random.Random) -> str:
    """Only the steps table is given (by its path), possibly renamed and moved away from its summary."""
    kind = rng.choice(["path", "renamed", "moved"])
    if kind == "renamed":
        (folder / "steps.csv").rename(folder / "run_steps.csv")
    elif kind == "moved":
        shutil.move(folder / "steps.csv", folder.parent / f"{folder.name}_steps.csv")
    return f"table:{kind}"


MUTATIONS: dict[str, Callable[[Path, random.Random], str]] = {
    "excel": m_excel,
    "columns": m_columns,
    "rows": m_rows,
    "truncate": m_truncate,
    "missing": m_missing,
    "summary": m_summary,
    "direction": m_direction,
    "values": m_values,
    "cells": m_cells,
    "zip": m_zip,
    "table": m_table_only,
}


def given_path(folder: Path, done: list[str]) -> Path:
    """What compare is given for a mutated copy: its zip, its table, or the folder."""
    if any(d.startswith("zip:") for d in done):
        return folder.with_suffix(".zip")
    if "table:renamed" in done:
        return folder / "run_steps.csv"
    if "table:moved" in done:
        return folder.parent / f"{folder.name}_steps.csv"
    if "table:path" in done:
        return folder / "steps.csv"
    return folder


def odd_options(rng: random.Random) -> list[str]:
    """Options of compare, mostly usual, at odd values now and then."""
    opts = ["--n-boot", "200"]
    if rng.random() < 0.3:
        opts += ["--unit", rng.choice(["auto", "steps", "sessions", "subjects"])]
    if rng.random() < 0.2:
        opts += ["--match", rng.choice(["cadence", "speed"])]
    if rng.random() < 0.2:
        opts += ["--flagged", "separate"]
    if rng.random() < 0.15:
        opts += ["--activity", rng.choice(["any", "walking", "", "RUNNING", "swimming"])]
    if rng.random() < 0.1:
        opts += ["--placement", rng.choice(["shank", "foot", "lower_back"])]
    if rng.random() < 0.1:
        opts += ["--subject", rng.choice(["", "x", "a\nb", "é"])]
    if rng.random() < 0.1:
        opts += ["--seed", rng.choice(["-1", "0", str(2**64), str(2**31)])]
    if rng.random() < 0.1:
        opts[1] = rng.choice(["199", "200", "-5", "0", "abc", "100001", "10000000000"])
    return opts


#: Changes after which a table must still be compared: a copy saved again by a spreadsheet, moved or zipped.
HARMLESS = {
    "clean",
    *(f"excel:{k}" for k in ("semicolon", "semicolon_comma", "bom", "crlf", "tab")),
    *(f"columns:{k}" for k in ("reorder", "extra", "upper")),
    *(f"rows:{k}" for k in ("blank", "comment", "shuffle")),
    *(f"table:{k}" for k in ("path", "renamed", "moved")),
    "zip:folder",
    "zip:flat",
}


def build_case(rng: random.Random, bases: dict[str, Path], work: Path) -> Case:
    """Copies of 1-8 base analyses (mostly of one placement), mutated, and the options."""
    pick = rng.random()
    names = list(bases)
    shank = [n for n in names if BASES[n][0] == "shank"]
    if pick < 0.35:
        chosen = [rng.choice(names)]
    elif pick < 0.88:
        chosen = rng.sample(shank, rng.randint(2, len(shank)))
    else:
        chosen = rng.sample(names, rng.randint(2, 4))
    case = Case(inputs=[], options=odd_options(rng))
    special = rng.random()
    for i, name in enumerate(chosen):
        folder = work / f"{i}_{name}"
        shutil.copytree(bases[name], folder)
        done: list[str] = []
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
            mutation = rng.choice(list(MUTATIONS))
            if any(d.startswith(("zip:", "table:", "missing:")) for d in done) or not (folder / "steps.csv").is_file():
                break
            if not (folder / "summary.json").is_file() and mutation == "summary":
                continue
            try:
                done.append(MUTATIONS[mutation](folder, rng))
            except (pd.errors.ParserError, UnicodeDecodeError, json.JSONDecodeError, KeyError, IndexError):
                done.append(f"{mutation}:skipped")  # an earlier mutation made the file unreadable for pandas
        case.done += [f"{folder.name}:{d}" for d in done] or [f"{folder.name}:clean"]
        case.inputs.append(str(given_path(folder, done)))
    changes = {d.split(":", 1)[1] for d in case.done}
    both_directions = len(chosen) == 1 and "backward" in BASES[chosen[0]][2]  # one direction: nothing to compare
    case.should_read = both_directions and changes <= HARMLESS and case.options == ["--n-boot", "200"]
    if special < 0.06:  # the same input twice
        case.inputs.append(case.inputs[0])
        case.done.append("same_input_twice")
    elif special < 0.12:  # the same session copied under another name (no summary.json to link it)
        first = Path(case.inputs[0])
        table = first / "steps.csv" if first.is_dir() else first
        if table.is_file() and table.suffix == ".csv":
            for k, new in enumerate((work / "copy_a.csv", work / "copy_b.csv")):
                shutil.copy(table, new)
                if k == 1:
                    case.inputs.append(str(new))
            case.inputs[0] = str(work / "copy_a.csv")
            case.done.append("same_session_two_names")
            case.same_session_twice = True
    elif special < 0.16:  # a folder of analysis folders, and an empty folder, and a path that is not there
        case.inputs.append(rng.choice([str(work), str(work / "nothing_here"), str(work / "empty")]))
        (work / "empty").mkdir(exist_ok=True)
        case.done.append("odd_path")
    elif special < 0.20:  # the recording an input was analysed from, given beside it (or alone)
        name = chosen[0]
        recording = bases[name].parent / f"{name}.csv"
        case.inputs.append(str(recording))
        case.done.append("recording_beside")
        case.same_session_twice = "0_" + name + ":clean" in case.done and len(case.inputs) == 2
    elif special < 0.24:  # --out an input, a file, or a folder inside an input
        first = Path(case.inputs[0])
        (work / "a_file.txt").write_text("x")
        case.out = rng.choice(
            [str(first), str(work / "a_file.txt"), str(first / "out"), str(work / "a_file.txt" / "o")]
        )
        case.done.append("odd_out")
        case.should_read = False  # an --out that is an input or a file is refused, whatever the input is
    return case


def many_sessions_case(rng: random.Random, bases: dict[str, Path], work: Path, count: int) -> Case:
    """``count`` small sessions cut from one base analysis (bare steps tables, one subject)."""
    table = pd.read_csv(bases["shank400"] / "steps.csv", comment="#")
    inputs = []
    for i in range(count):
        part = table.sample(n=min(len(table), rng.randint(6, 20)), random_state=rng.randrange(2**31))
        part = part.sort_values("ic_time_s").assign(ic_time_s=lambda f, i=i: f["ic_time_s"] + 0.001 * i)
        path = work / f"s{i:03d}.csv"
        part.to_csv(path, index=False)
        inputs.append(str(path))
    return Case(inputs=inputs, options=["--n-boot", "200", "--placement", "shank"], done=[f"many_sessions:{count}"])


# ---------------------------------------------------------------------------------------------- running


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def _raise(signum: int, frame: FrameType | None) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(case: Case, out: Path, timeout: float) -> tuple[str, str, float]:
    """(outcome, detail, seconds) of ``retrogait compare`` on the case."""
    argv = ["compare", *case.inputs, "--out", case.out or str(out), *case.options]
    stdout, stderr = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with time_limit(timeout), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                rc = cli_main(argv)
        except Hang:
            return "BUG", f"hang: over {timeout:g} s", time.perf_counter() - start
        except BaseException as exc:
            lines = traceback.format_exception(exc)
            return "BUG", f"escaped {type(exc).__name__}: {exc}\n" + "".join(lines[-4:]), time.perf_counter() - start
    seconds = time.perf_counter() - start
    err = stderr.getvalue()
    if caught:
        w = caught[0]
        return "BUG", f"warning {w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})", seconds
    if "Traceback" in err or "Traceback" in stdout.getvalue():
        return "BUG", "traceback printed", seconds
    if rc == 70 or "internal error" in err:
        return "BUG", err.strip().splitlines()[0] if err.strip() else "status 70", seconds
    if rc == 0:
        try:
            data = json.loads((Path(case.out or out) / "compare.json").read_text(), parse_constant=_no_constant)
        except (OSError, ValueError) as exc:
            return "BUG", f"status 0 but compare.json unreadable: {exc}", seconds
        if case.same_session_twice:
            return "BUG", "one session counted twice (the same steps under two names)", seconds
        return "ok", f"{data['level']}", seconds
    if rc == 2 and err.startswith("retrogait: error:"):
        lines = [line for line in err.splitlines() if line.strip()]
        if len(lines) != 1:
            return "BUG", f"refusal of {len(lines)} lines: {err[:300]!r}", seconds
        if case.should_read and not case.same_session_twice and len(case.inputs) == 1:
            return "BUG", f"refused a copy a user made: {lines[0][:200]}", seconds
        return "refused", lines[0], seconds
    if rc == 2 and ("Usage:" in err or "Invalid value" in err or "No such option" in err):
        return "usage", " ".join(err.split())[:200], seconds
    return "BUG", f"status {rc}: {err[:300]!r}", seconds


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} in compare.json")


#: (case, message) of every refused case of the last :func:`run` (``--refusals`` prints them).
refusals: list[tuple[Case, str]] = []


def run(
    cases: int, seed: int, timeout: float = 120.0, many: int = 300
) -> tuple[Counter[str], list[tuple[Case, str]], Counter[str], tuple[float, str]]:
    """Run ``cases`` cases (the first, when ``many``, is ``many`` small sessions); returns the outcome counts,
    the bugs (case, detail), the mutations seen and the slowest case."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    bugs: list[tuple[Case, str]] = []
    refusals.clear()
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="fuzz_compare_") as tmp:
        root = Path(tmp)
        bases = make_bases(root / "bases")
        for i in range(cases):
            work = root / f"case{i}"
            work.mkdir()
            case = many_sessions_case(rng, bases, work, many) if i == 0 and many else build_case(rng, bases, work)
            outcome, detail, seconds = run_case(case, work / "out", timeout)
            counts[outcome] += 1
            seen.update(d.split(":", 2)[1] if ":" in d else d for d in case.done)
            if seconds > slowest[0]:
                slowest = (seconds, f"case {i}: {', '.join(case.done)[:120]}")
            if outcome == "BUG":
                bugs.append((case, detail))
            elif outcome in ("refused", "usage"):
                refusals.append((case, detail))
            shutil.rmtree(work, ignore_errors=True)
    return counts, bugs, seen, slowest


def _kind(detail: str) -> str:
    """The kind of a bug: internal error, traceback (an exception escaped or was printed), warning, hang, other."""
    if "internal error" in detail:
        return "internal error"
    if detail.startswith(("escaped", "traceback")):
        return "traceback"
    return next((k for k in ("warning", "hang") if detail.startswith(k)), "other")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a case may take before it is a hang")
    parser.add_argument("--many", type=int, default=300, help="sessions of the first case (0: none)")
    parser.add_argument("--show", type=int, default=5, help="print this many bugs with their reproducer")
    parser.add_argument("--refusals", action="store_true", help="also print every refusal with its mutations")
    args = parser.parse_args()
    counts, bugs, seen, slowest = run(args.cases, args.seed, args.timeout, args.many)
    kinds_of_bug = Counter(_kind(detail) for _, detail in bugs)
    print(
        f"cases {sum(counts.values())}: ok {counts['ok']}, refused {counts['refused']}, usage {counts['usage']}, "
        f"BUG {counts['BUG']} ("
        + ", ".join(f"{k} {kinds_of_bug[k]}" for k in ("internal error", "traceback", "warning", "hang", "other"))
        + ")"
    )
    print(f"slowest: {slowest[0]:.1f} s ({slowest[1]})")
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    kinds = Counter(detail.splitlines()[0][:110] for _, detail in bugs)
    for kind, n in kinds.most_common():
        print(f"  {n:4d} x {kind}")
    for case, detail in bugs[: args.show]:
        print(f"--- {'; '.join(case.done)}\n    compare {' '.join(case.inputs[:6])} {' '.join(case.options)}\n{detail}")
    if args.refusals:
        for case, detail in refusals:
            print(f"refused: {'; '.join(case.done)[:160]}\n    {re.sub(r'/tmp/fuzz_compare_[^/]+/', '', detail)[:240]}")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
