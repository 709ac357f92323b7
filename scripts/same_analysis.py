"""Check: does `retrogait analyze` of this tree write the same files as another tree's code?

Usage: python scripts/same_analysis.py BASE_SRC [FILE ...] [--bench-hour] [--data DIR] [--options "..."]
BASE_SRC is the ``src`` folder of the code to compare with (``git archive COMMIT src | tar -x -C DIR``, then
DIR/src; put first on ``PYTHONPATH`` for its runs). Without files it takes ``sample_data/*.csv`` (the
truth tables left out); ``--bench-hour`` adds ``bench_analyze.py``'s simulated 1 h shank session;
``--options`` are passed on to ``analyze`` (one string, e.g. ``"--placement foot"``). For each
input both trees run ``retrogait analyze FILE --out ...`` as processes; steps.csv and bouts.csv must be
equal byte for byte, summary.json equal but for ``analysis_version`` (a digest of the analysis' source
files, which any edit changes) and ``input_provenance`` (how the input was read, EDGE-77), report.html
equal but for the text of that version; an input both refuse must be refused with the same status and message.
Prints one line per input and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_analyze import simulated_shank
from benchproc import RETROGAIT

ROOT = Path(__file__).resolve().parent.parent


def outputs(src: str, recording: Path, out: Path, options: list[str]) -> dict[str, bytes]:
    """The files ``retrogait analyze recording`` of the tree ``src`` ('' = this one) writes into ``out``; a
    refused input gives its exit status and message as the file ``refused``."""
    env = {**os.environ, "PYTHONPATH": src} if src else dict(os.environ)
    command = [RETROGAIT, "analyze", str(recording), "--out", str(out), *options]
    done = subprocess.run(command, env=env, capture_output=True)
    if done.returncode != 0:
        return {"refused": f"{done.returncode} {done.stderr.decode(errors='replace')}".encode()}
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def differences(base: dict[str, bytes], this: dict[str, bytes]) -> list[str]:
    """Names of the files that differ beyond the analysis version."""
    if base.keys() != this.keys():
        return [f"files {sorted(base)} vs {sorted(this)}"]
    if "refused" in base:
        return [] if base == this else ["refused differently"]
    summaries = [json.loads(files["summary.json"]) for files in (base, this)]
    versions = [s.pop("analysis_version") for s in summaries]
    for summary in summaries:
        summary.pop("input_provenance", None)  # how the input was read: provenance, as the version
    found = [] if summaries[0] == summaries[1] else ["summary.json"]
    for name in sorted(base):
        if name == "summary.json":
            continue
        a, b = base[name], this[name]
        if name == "report.html":
            a, b = a.replace(versions[0].encode(), b"VERSION"), b.replace(versions[1].encode(), b"VERSION")
        if a != b:
            found.append(name)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_src", type=Path)
    parser.add_argument("files", type=Path, nargs="*")
    parser.add_argument("--bench-hour", action="store_true", help="add bench_analyze.py's 1 h session")
    parser.add_argument("--options", default="", help="options passed on to analyze (one string)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "retrogait-bench-analyze")
    args = parser.parse_intermixed_args()  # files on either side of the options (REVIEW-247)
    files = list(args.files) or sorted(p for p in (ROOT / "sample_data").glob("*.csv") if "_truth" not in p.name)
    if args.bench_hour:
        files.append(simulated_shank(60.0, args.data))
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for i, recording in enumerate(files):
            options = args.options.split()
            base = outputs(str(args.base_src.resolve()), recording, Path(tmp) / f"base{i}", options)
            this = outputs("", recording, Path(tmp) / f"this{i}", options)
            found = differences(base, this)
            failed |= bool(found)
            verdict = "DIFFERENT " + ", ".join(found) if found else "same"
            print(f"{recording.name}: {verdict} ({', '.join(sorted(this))})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
