"""What a GENEActiv recording's two forms share: the header's meaning for the session and the timestamp text.

The PC software's CSV (``geneactiv``) and the device's own ``.bin`` (``geneactiv_bin``) carry the same header
keys and write time as ``YYYY-MM-DD HH:MM:SS:mmm`` (local wall clock); both readers use these, and neither
imports the other's module for them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrogait.conventions import PLACEMENT_WORDS, PLACEMENTS, SIDES, STEP_COUNT_PLACEMENTS
from retrogait.imports.base import ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import FloatArray, Stream, finish
from retrogait.imports.part import PART_KEY, Part, part_text


def _utc_offset_s(zone: str) -> float | None:
    match = re.search(r"([+-])\s*(\d{1,2})(?::?(\d{2}))?", zone)
    if not match:
        return 0.0 if zone.strip().upper() in ("GMT", "UTC") else None
    sign = 1.0 if match.group(1) == "+" else -1.0
    return sign * (int(match.group(2)) * 3600 + int(match.group(3) or 0) * 60)


#: Byte offsets of the digits in ``YYYY-MM-DD HH:MM:SS:mmm`` and of the separators between its fields.
_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22])
_SEPARATORS = {4: b"-", 7: b"-", 10: b" ", 13: b":", 16: b":", 19: b":"}


def stamps_s(buf: NDArray[np.uint8], starts: NDArray[np.int64], after: bytes) -> FloatArray:
    """Seconds since 1970 (wall clock, no zone) of the ``YYYY-MM-DD HH:MM:SS:mmm`` at each of ``starts`` in
    ``buf``, followed by one of the bytes ``after``; NaN where there is none (one value per start)."""
    width = 24
    out = np.full(starts.size, np.nan)
    whole = np.flatnonzero(starts <= buf.size - width)  # a shorter last line cannot hold a valid row
    block = buf[starts[whole, None] + np.arange(width)]
    digits = block[:, _DIGITS].astype(np.int32) - 48
    valid = ((digits >= 0) & (digits <= 9)).all(axis=1)
    for offset, char in _SEPARATORS.items():
        valid &= block[:, offset] == char[0]
    valid &= np.isin(block[:, width - 1], np.frombuffer(after, dtype=np.uint8))
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    valid &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    seconds_of_day = (
        (digits[:, 8] * 10 + digits[:, 9]) * 3600
        + (digits[:, 10] * 10 + digits[:, 11]) * 60
        + (digits[:, 12] * 10 + digits[:, 13])
        + (digits[:, 14] * 100 + digits[:, 15] * 10 + digits[:, 16]) / 1000.0
    )
    y = year - (month <= 2)  # days from the civil date (proleptic Gregorian), vectorised
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    seconds = days * 86400.0 + seconds_of_day
    seconds[~valid] = np.nan
    out[whole] = seconds
    return out


def finish_geneactiv(
    path: Path, acc: Stream, header: dict[str, str], options: ImportOptions, report: ImportReport
) -> ImportResult:
    """The session of a GENEActiv recording (its CSV or its ``.bin``): acceleration only, with what its header
    says (:func:`device_header`)."""
    device, stated, start_epoch_s, extra = device_header(header, acc)
    options, inferred = _worn_where(header.get("Device Location Code", ""), options, report)
    return finish(
        str(path),
        acc,
        None,
        options,
        report,
        inferred=inferred,
        device=device,
        stated_rate_hz=stated,
        start_epoch_s=start_epoch_s,
        header=extra,
    )


def on_recording_time_line(result: ImportResult, t_s: FloatArray, origin: float, part_s: Part) -> ImportResult:
    """The session of a part read alone (``t_s``: its samples' times on the device's clock, s) on the recording's
    time line, as the whole reading's (0 at the recording's first sample, at ``origin``; its start time that
    sample's) with the part in the header (``import_part_s``; LONG-2, LONG-6)."""
    session, shift_s = result.session, float(t_s[0]) - origin
    start = session.meta.start_time_utc
    if start is not None:  # the recording's first sample, as its whole reading says it
        moved = datetime.fromisoformat(start.replace("Z", "+00:00")) - timedelta(seconds=shift_s)
        start = moved.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    extra = {**session.meta.extra, PART_KEY: part_text(part_s)}
    result.report.part_read = True
    meta = replace(session.meta, start_time_utc=start, extra=extra)
    return replace(result, session=replace(session, t_s=t_s - origin, meta=meta))


def device_header(header: dict[str, str], acc: Stream) -> tuple[str, float | None, float | None, dict[str, str]]:
    """What a GENEActiv header (the CSV's or the ``.bin``'s: the same keys) says for the session: the device
    (``GENEActiv <model> <serial>``), the stated rate (Hz), the first sample's time as UTC (s since 1970: the
    local wall clock less the ``Time Zone``) and ``import_device_location``."""
    rate = re.match(r"\s*([0-9.]+)", header.get("Measurement Frequency", ""))
    try:
        stated = float(rate.group(1)) if rate else None
    except ValueError:
        stated = None
    offset_s = _utc_offset_s(header.get("Time Zone", ""))
    device = " ".join(
        p for p in ("GENEActiv", header.get("Device Model", ""), header.get("Device Unique Serial Code", "")) if p
    )
    extra = {"import_device_location": header["Device Location Code"]} if header.get("Device Location Code") else {}
    start = float(acc.t_s[0]) - offset_s if offset_s is not None and len(acc) else None
    return device, stated, start, extra


def _worn_where(code: str, options: ImportOptions, report: ImportReport) -> tuple[ImportOptions, dict[str, str]]:
    """The placement and side the device's ``Device Location Code`` (set in GENEActiv's software before the
    recording: ``left wrist``, ``right ankle``, ``chest`` ...) states, where the user gave none (IMPORT-22).

    A place whose analysis counts steps of both legs from |a| (wrist, chest ...: the preset of ``other``) is
    taken as said; a leg or trunk place (ankle, hip) is only noted with the option that analyses it so, since
    those analyses assume a sensor mounted as docs/conventions.md describes, which a strap may not be.
    """
    words = re.findall(r"[a-z0-9]+", code.lower())
    side = next((w for w in words if w in SIDES), None)
    named = [w for w in words if w not in SIDES]
    key = "_".join(named)
    place = key if key in PLACEMENTS else PLACEMENT_WORDS.get(key)
    if place is None and len(named) > 1:
        place = next((PLACEMENT_WORDS.get(w, w) for w in named if PLACEMENT_WORDS.get(w, w) in PLACEMENTS), None)
    if place is None or options.placement is not None:
        return options, {}
    said = f"Device Location Code {code.strip()!r}"
    if place not in STEP_COUNT_PLACEMENTS:
        report.notes.append(f"{said}: analysed as 'other' (steps of both legs); --placement {place} analyses it so")
        return options, {}
    inferred = {"inferred_placement": f"{place} ({said})"}
    if side is not None and options.side is None:
        options = replace(options, side=side)
        inferred["inferred_side"] = f"{side} ({said})"
    return replace(options, placement=place), inferred
