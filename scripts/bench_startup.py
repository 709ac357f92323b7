"""Start-up of every command: whole-process time and peak memory, and which imports cost the most.

Usage: python scripts/bench_startup.py [--repeats 5] [--top 8] [--base BASE/src]
Prints, per command, the median wall time of the whole process next to a bare ``python -c pass`` of the
same interpreter, its peak RSS, and whether scipy, matplotlib or pandas were loaded; then the slowest
imports of each command from ``python -X importtime``. Goals (issue 16): ``retrogait --version`` <= 0.3 s;
``--version``, ``--help``, ``info`` and ``convert`` never load scipy or matplotlib; a 1-minute recording
analysed with its report in <= 1.5 s. With ``--base BASE/src`` it times only the help screens, this tree's
``src`` and BASE's in turn (A B A B ...), each run as the ``retrogait`` program (``main()``, its own argv).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchproc import RETROGAIT, compile_package, load, python, run, run_in_turn

#: Runs a command in-process and reports the top-level packages it loaded (on stderr, as JSON).
_PROBE = (
    "import sys, json; from retrogait.cli import main; rc = main(sys.argv[1:]); "
    "print('MODULES ' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)"
)
HEAVY = ("scipy", "matplotlib", "pandas")


def loaded(args: list[str]) -> list[str]:
    """The heavy packages a command loads."""
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False)
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return [m for m in json.loads(line[8:]) if m in HEAVY]


def slowest_imports(args: list[str], top: int) -> list[tuple[float, str]]:
    """(cumulative s, module) of the ``top`` slowest top-level-or-first-level imports of a command."""
    code = "import sys; from retrogait.cli import main; main(sys.argv[1:])"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 3:  # the command's own imports and their first level
            rows.append((int(m.group(1)) / 1e6, m.group(3)))
    return sorted(rows, reverse=True)[:top]


#: The help screens ``--base`` pairs.
HELP_SCREENS = (["--help"], ["analyze", "--help"], ["batch", "--help"], ["record", "--help"])


def from_source(src: Path) -> list[str]:
    """A command running the ``retrogait`` program from the package under ``src`` (its arguments follow)."""
    return python(f"import sys; sys.path.insert(0, {str(src)!r}); from retrogait.cli import main; sys.exit(main())")


def paired_help(base: Path, repeats: int) -> None:
    """Median wall time of each help screen from this tree's src and from ``base``, run in turn."""
    import compileall

    here = Path(__file__).resolve().parents[1] / "src"
    for src in (here, base):
        compileall.compile_dir(src / "retrogait", quiet=2)
    print(load())
    for argv in HELP_SCREENS:
        runs = run_in_turn({"this": [*from_source(here), *argv], "base": [*from_source(base), *argv]}, repeats)
        this, then = runs["this"], runs["base"]
        label = " ".join(argv)
        print(f"{label:16s} this {this.seconds:6.3f} s  base {then.seconds:6.3f} s  ratio {this.ratio(then):.3f}")
    print(load())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--base", type=Path, help="BASE/src: pair the help screens' start-up with this tree's")
    args = parser.parse_args()
    if args.base is not None:
        paired_help(args.base, args.repeats)
        return
    print(compile_package())
    with tempfile.TemporaryDirectory() as tmp:
        minute = Path(tmp) / "minute.csv"
        sim = [RETROGAIT, "simulate", "--out", str(minute), "--rate", "200"]
        subprocess.run([*sim, "--bouts", "still::0:3,forward:running:3.0:27,backward:running:2.5:27,still::0:3"],
                       check=True, capture_output=True)  # fmt: skip
        # convert reads an export, a table without the session header: it may write its own output again,
        # while a converted session file has no import_format and is refused as a recording (EDGE-4)
        export = Path(tmp) / "minute_export.csv"
        export.write_text("".join(line for line in minute.open() if not line.startswith("#")))
        commands = {
            "--version": ["--version"],
            "--help": ["--help"],
            "analyze --help": ["analyze", "--help"],
            "info (1 min)": ["info", str(minute)],
            "convert (1 min)": [
                "convert",
                str(export),
                "--acc-unit",
                "ms2",
                "--gyr-unit",
                "dps",
                "--out",
                str(Path(tmp) / "converted.csv"),
            ],
            "analyze 1 min --no-report": ["analyze", str(minute), "--out", str(Path(tmp) / "a"), "--no-report"],
            "analyze 1 min (with report)": ["analyze", str(minute), "--out", str(Path(tmp) / "b")],
        }
        print(load())
        bare = run(python("pass"), args.repeats)
        print(f"{'python -c pass':32s} {bare.seconds:6.3f} s  {bare.peak_mib:5.0f} MiB  (reference)")
        for label, argv in commands.items():
            r = run([RETROGAIT, *argv], args.repeats)
            goal = {"--version": "  goal <= 0.3 s", "analyze 1 min (with report)": "  goal <= 1.5 s"}.get(label, "")
            heavy = ", ".join(loaded(argv)) or "none"
            print(
                f"{label:32s} {r.seconds:6.3f} s  {r.peak_mib:5.0f} MiB  (start-up +{r.seconds - bare.seconds:.3f} s)"
                f"  loads: {heavy}{goal}"
            )
        print(load())
        for label, argv in commands.items():
            top = ", ".join(f"{name} {s:.3f}" for s, name in slowest_imports(argv, args.top))
            print(f"slowest imports, {label}: {top}")


if __name__ == "__main__":
    main()
