"""How often the rule for a last row without a line end (``imports.common.without_cut_last_line``, EDGE-12,
EDGE-17, EDGE-26) leaves a whole last row out, and how often it reads a cut one.

Every real export under ../shared/data/formats (when present) and two generated Sensor Logger tables
(JavaScript's shortest round trip of float32 values widened to doubles, as Android writes, and of
doubles, as iOS writes) are ended at each of their rows from the 60th on: once whole without a line end
(as phyphox and MetaWear write their last row; left out = "whole dropped"), and once cut at each
character of that row (read = "cuts kept"; "wrong value": the row's last value as read differs from the
written one by more than 1e-6 of it, or an earlier field was cut).

    python scripts/cut_last_row_rates.py
    PYTHONPATH=/path/to/other/checkout/src python scripts/cut_last_row_rates.py   # another version's rule
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrogait.imports.common import without_cut_last_line

SHARED = Path(os.environ.get("RETROGAIT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

Judge = Callable[[bytes, str], "bytes | None"]


def javascript(value: float) -> str:
    """``String(value)`` in JavaScript for the magnitudes a sensor gives."""
    if value == int(value):
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{'+' if int(exponent) > 0 else '-'}{abs(int(exponent))}"
    return text


def sensorlogger_lines(platform: str, seed: int = 1, n: int = 3000) -> list[str]:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 100.0
    axes = [
        amp * np.sin(2 * np.pi * 1.8 * t + phase) + rng.normal(0, 0.3, n) for phase, amp in ((0, 3), (1, 2), (2, 5))
    ]
    xyz = np.stack(axes, axis=1)
    if platform == "android":
        xyz = xyz.astype(np.float32).astype(np.float64)
        xyz[rng.random(xyz.shape) < 0.003] = 0.0  # a quantized axis crossing zero reads exactly 0 (TotalAcceleration)
    ns = 1_700_000_000_000_000_000 + np.round(t * 1e9).astype(np.int64)
    rows = [
        f"{stamp},{javascript(float(s))},{javascript(z)},{javascript(y)},{javascript(x)}"
        for stamp, s, (x, y, z) in zip(ns.tolist(), (t + 0.05).tolist(), xyz.tolist(), strict=True)
    ]
    return ["time,seconds_elapsed,z,y,x", *rows]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def rates(
    lines: list[str], sep: str, judge: Judge = without_cut_last_line, every: int = 1
) -> tuple[float, float, float]:
    """(% whole rows dropped, % cuts kept, % cuts kept with a wrong value)."""
    whole = dropped = cuts = kept = wrong = 0
    for k in range(60, len(lines), every):
        line = lines[k]
        if not line.strip():
            continue
        before = "\n".join(lines[k - 55 : k]) + "\n"
        whole += 1
        dropped += judge((before + line).encode(), sep) is not None
        written = line.split(sep) if sep != r"\s+" else line.split()
        value = _number(written[-1])
        for at in range(1, len(line)):
            cut = line[:at]
            cuts += 1
            if judge((before + cut).encode(), sep) is not None:
                continue
            kept += 1
            fields = cut.split(sep) if sep != r"\s+" else cut.split()
            read = _number(fields[-1]) if len(fields) == len(written) else None
            wrong += value is None or read is None or abs(read - value) > 1e-6 * max(abs(value), 1e-3)
    return 100 * dropped / max(whole, 1), 100 * kept / max(cuts, 1), 100 * wrong / max(cuts, 1)


def cases() -> list[tuple[str, list[str], str, int]]:
    found = []
    formats = SHARED / "formats"
    for path in sorted(formats.rglob("*")) if formats.is_dir() else []:
        if path.suffix not in (".csv", ".txt") or path.stat().st_size > 60e6:
            continue
        lines = [line.rstrip("\r") for line in path.read_text(encoding="latin-1").splitlines()]
        if len(lines) < 100:
            continue
        middle = lines[len(lines) // 2]
        sep = max([",", ";", "\t"], key=middle.count)
        found.append(
            (str(path.relative_to(formats)), lines, sep if middle.count(sep) else r"\s+", max(1, len(lines) // 400))
        )
    for platform in ("android", "ios"):
        found.append((f"generated Sensor Logger ({platform})", sensorlogger_lines(platform), ",", 1))
    return found


def main() -> None:
    print(f"{'export':62s} whole dropped  cuts kept  (wrong value)")
    for name, lines, sep, every in cases():
        dropped, kept, wrong = rates(lines, sep, every=every)
        print(f"{name:62s} {dropped:10.2f} % {kept:8.2f} % ({wrong:5.2f} %)", flush=True)


if __name__ == "__main__":
    main()
