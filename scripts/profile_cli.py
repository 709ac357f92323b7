"""Profile: one `retrogait` command under cProfile in this process, and the cumulative CPU of named functions.

Usage: python scripts/profile_cli.py [--out FILE] [--show NAME,NAME] -- analyze FILE --no-report [options]
Runs the CLI (``retrogait.cli.main``) with the arguments after ``--`` under cProfile (its main thread only), the
tree first on ``PYTHONPATH`` (``PYTHONPATH=TREE/src`` profiles another tree's code). The CLI ends by ``os._exit``
after its ``atexit`` handlers (``end_without_teardown``), so the profile is written by one: to ``--out`` (default a
file named by this process' id in the temp folder, never shared by two runs), its path and the cumulative seconds of
each function named in ``--show`` printed on stderr (default: the phone path's stages of PERF-133..136). Wall time
under a profiler is inflated; compare trees in alternation, in rounds (PERF-133, REVIEW-219).
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path

SHOWN = "gravity_estimate,windowed_periodicity,robust_clip,pearson_by_lag,step_signal,landings,phone_steps"


def report(profile: cProfile.Profile, out: Path, names: list[str]) -> None:
    """Stop ``profile``, write it to ``out`` and print the cumulative seconds of the functions ``names``."""
    profile.disable()
    profile.dump_stats(out)
    stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    sys.stderr.write(f"profile written to {out}\n")
    for name in names:
        found = [(where, value[3]) for where, value in stats.items() if where[2] == name]
        for (path, line, _), cumulative in sorted(found):
            sys.stderr.write(f"{name:>24} {cumulative:8.3f} s  {Path(path).name}:{line}\n")
        if not found:
            sys.stderr.write(f"{name:>24}        - (not called)\n")
    sys.stderr.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / f"profile_cli.{os.getpid()}.prof")
    parser.add_argument("--show", default=SHOWN, help="comma-separated function names")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- and the retrogait command's arguments")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no retrogait command given (after --)")
    from retrogait.cli import main as cli_main

    profile = cProfile.Profile()
    atexit.register(report, profile, args.out, [n for n in args.show.split(",") if n])
    profile.enable()
    code = cli_main(command)
    sys.exit(code)


if __name__ == "__main__":
    main()
