"""Movesense JSON logs (Showcase app / DataLogger style).

``{"Meas": {"IMU9": [{"Timestamp": ms, "ArrayAcc": [{x,y,z}, ...], "ArrayGyro": [...], ...}, ...]}}``
(also ``IMU6``, ``Acc`` and lists of ``{"Body": packet}``). Each packet holds several samples and
the timestamp (sensor ms) of its first one. Sample times come from a least-squares clock fitted
to the packet timestamps within each run of packets that follow on without a gap (so packet
jitter does not become sample jitter, and a lost packet stays a gap). Acceleration m/s^2
(gravity included), gyroscope deg/s, on the same clock as the acceleration.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrogait.errors import InputFileError
from retrogait.imports.base import ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    FloatArray,
    Source,
    Stream,
    clean_rows,
    finish,
    head_bytes,
    head_text,
    snap_rate,
)
from retrogait.imports.limits import CUT_SHORT_KEY, MAX_JSON_BYTES

NAME = "movesense"
MOVESENSE_RATES_HZ = (13.0, 26.0, 52.0, 104.0, 208.0, 416.0, 833.0, 1666.0)
_STREAM_KEYS = ("IMU9", "IMU6", "IMU", "Acc", "data", "Data", "Samples", "samples")
#: A packet interval longer than this many expected intervals starts a new clock segment.
GAP_FACTOR = 1.5


def sniff(path: Path) -> float:
    text = head_text(head_bytes(path)).lstrip()
    if not text.startswith(("{", "[")):
        return 0.0
    if '"ArrayAcc"' in text:
        return 0.9
    if '"Meas"' not in text:
        return 0.0
    # a log whose packet list is empty (the sensor logged nothing) is still a Movesense log (EDGE-129)
    return 0.8 if any(f'"{key}"' in text for key in _STREAM_KEYS[:4]) else 0.3


def _packets(obj: Any) -> list[Any]:
    """The list of packets inside a Movesense JSON document ([] when none is found)."""
    for _ in range(4):
        if isinstance(obj, dict):
            if "Meas" in obj:
                obj = obj["Meas"]
                continue
            key = next((k for k in _STREAM_KEYS if k in obj), None)
            if key is None:
                return []
            obj = obj[key]
        if isinstance(obj, list):
            return [_unwrap(p) for p in obj]
    return []


def _empty_stream(document: Any) -> str | None:
    """``Meas/IMU9`` (the path) when a Movesense document's packet list is there but empty, else None."""
    meas = document.get("Meas") if isinstance(document, dict) else None
    if not isinstance(meas, dict):
        return None
    key = next((k for k in _STREAM_KEYS if k in meas), None)
    return f"Meas/{key}" if key is not None and meas[key] in ([], {}) else None


def _unwrap(packet: Any) -> Any:
    if isinstance(packet, dict) and "ArrayAcc" not in packet and len(packet) == 1:
        inner = next(iter(packet.values()))
        return inner if isinstance(inner, dict) else packet
    return packet


#: What a malformed packet raises while being read (a huge integer overflows a float).
_BAD_PACKET = (KeyError, TypeError, ValueError, IndexError, OverflowError)


def _xyz(samples: Any) -> FloatArray:
    """(n, 3) float array from a list of {x, y, z}; raises one of ``_BAD_PACKET`` when malformed (no samples, a
    key missing, a value that is no number). A ``null``, NaN or infinite value is kept as NaN or inf:
    :func:`clean_rows` reads it as a missing value, the packet's other samples kept (EDGE-198, REVIEW-76,
    EDGE-207)."""
    if not isinstance(samples, list) or not samples:
        raise ValueError("no samples")
    return np.array([[s["x"], s["y"], s["z"]] for s in samples], dtype=np.float64).reshape(-1, 3)


#: A JSON string (also one cut off at the end of the text) or a bracket outside strings.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\Z)|[\[\]{}]')


def _cut_log_repaired(text: str) -> tuple[Any, int] | None:
    """The document of a log cut off before its end (a copy or download interrupted, a logger stopped:
    EDGE-9): the text up to the last value completed inside the innermost unfinished container that has
    one, with the open containers closed, parsed; and the length of the text. None when ``text`` is not
    the beginning of a JSON document (a real syntax error: refused as before).

    A scalar at the cut is never kept (``12`` may be the start of ``1234``); the packet being written then
    lacks its ``Timestamp`` or some samples, and the caller leaves it out."""
    stack: list[int] = []  # positions of the open containers
    last_closed: dict[int, int] = {}  # depth after a closing bracket -> position of the last such bracket
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            stack.append(match.start())
        elif token in "]}":
            if not stack or "[{"["]}".index(token)] != text[stack[-1]]:
                return None
            stack.pop()
            last_closed[len(stack)] = match.start()
    if not stack:
        return None
    for depth in range(len(stack), 0, -1):  # the innermost unfinished container with a whole value in it
        end = last_closed.get(depth, -1)
        if end > stack[depth - 1]:
            kept = text[: end + 1]
            break
    else:
        return None
    closing = "".join("]" if text[i] == "[" else "}" for i in reversed(stack[:depth]))
    try:
        return json.loads(kept + closing), len(text)
    except (ValueError, RecursionError):
        return None


def _complete_packet(packet: Any) -> bool:
    """A packet as the sensor wrote it whole: acc samples, a timestamp, as many gyro samples as acc."""
    if not isinstance(packet, dict) or "Timestamp" not in packet or not isinstance(packet.get("ArrayAcc"), list):
        return False
    gyro = packet.get("ArrayGyro")
    return gyro is None or (isinstance(gyro, list) and len(gyro) == len(packet["ArrayAcc"]))


def _claimed_samples(packet: Any) -> int:
    """How many samples a malformed packet says it holds (its ArrayAcc length), at least 1."""
    samples = packet.get("ArrayAcc") if isinstance(packet, dict) else None
    return len(samples) if isinstance(samples, list) and samples else 1


def _sample_times_ms(stamps: FloatArray, counts: NDArray[np.int64]) -> FloatArray:
    """Per-sample times (ms) from packet timestamps (ms of each packet's first sample) and counts."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    total = int(counts.sum())
    per_sample = np.diff(stamps) / counts[:-1]
    dt = float(np.median(per_sample))
    new_segment = np.concatenate([[True], (per_sample <= 0) | (per_sample > GAP_FACTOR * dt)])
    segment = np.cumsum(new_segment) - 1
    index = np.arange(total)
    sample_segment = np.repeat(segment, counts)
    times = np.empty(total)
    for seg in range(int(segment[-1]) + 1):
        packets = segment == seg
        rows = sample_segment == seg
        x, y = starts[packets].astype(np.float64), stamps[packets]
        if x.size >= 2:
            slope, intercept = np.polyfit(x, y, 1)
        else:
            slope, intercept = dt, y[0] - dt * x[0]
        times[rows] = intercept + slope * index[rows]
    return times


def read(path: Path, options: ImportOptions) -> ImportResult:
    source = Source(str(path), path=path)
    raw = source.read_bytes()
    if not raw.strip():
        raise InputFileError(path, "is empty")
    if len(raw) > MAX_JSON_BYTES:
        raise InputFileError(
            path,
            f"is {len(raw) / 1024**2:.0f} MiB of JSON, more than the {MAX_JSON_BYTES / 1024**2:.0f} MiB one log may be",
        )
    cut_at: int | None = None  # where the log was cut off (EDGE-9), in characters
    try:
        text = raw.decode("utf-8-sig")
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            repaired = _cut_log_repaired(text)
            if repaired is None:
                raise
            document, cut_at = repaired
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # ValueError: also integers beyond 4300 digits
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputFileError(path, f"is not valid JSON{where}; a Movesense log is one JSON document") from None
    packets = _packets(document)
    if not packets:
        stream = _empty_stream(document)
        if stream is not None:
            raise InputFileError(
                path, f"is a Movesense log with no samples ({stream} is an empty list): nothing was logged"
            )
        raise InputFileError(path, "holds no Movesense measurement packets (expected Meas/IMU9 or IMU6 with ArrayAcc)")
    report = ImportReport(format=NAME, files=[str(path)])
    header: dict[str, str] = {}
    if cut_at is not None:  # the last packet is unfinished (no Timestamp, or fewer gyro than acc samples)
        last = packets[-1]
        if not _complete_packet(last):
            packets = packets[:-1]
            report.drop("last_packet_cut_short", _claimed_samples(last))
        header[CUT_SHORT_KEY] = (
            f"{path.name}: the JSON log ends before its end (cut off after {len(text):,} characters): "
            f"the {len(packets):,} whole packets before the cut were read"
        )
        report.notes.append(header[CUT_SHORT_KEY])
    has_gyro = any(isinstance(p, dict) and "ArrayGyro" in p for p in packets)
    stamps, counts, accs, gyrs = [], [], [], []
    for packet in packets:
        try:
            acc_xyz = _xyz(packet["ArrayAcc"])
            gyr_xyz = _xyz(packet["ArrayGyro"]) if has_gyro else None
            stamp = float(packet["Timestamp"])
            if not np.isfinite(stamp):
                raise ValueError("timestamp is not a finite number")
            if gyr_xyz is not None and gyr_xyz.shape != acc_xyz.shape:
                raise ValueError("gyro and acc sample counts differ")
        except _BAD_PACKET:
            report.drop("bad_packet_samples", _claimed_samples(packet))
            continue
        stamps.append(stamp)
        counts.append(acc_xyz.shape[0])
        accs.append(acc_xyz)
        if gyr_xyz is not None:
            gyrs.append(gyr_xyz)
    if len(stamps) < 2:
        raise InputFileError(path, f"has no usable measurement packets ({len(stamps)} after dropping bad ones)")
    stamp_arr = np.asarray(stamps)
    order_ok = stamp_arr > np.concatenate([[-np.inf], np.maximum.accumulate(stamp_arr)[:-1]])
    if not order_ok.all():
        report.drop("packet_time_not_increasing", int(np.asarray(counts)[~order_ok].sum()))
        keep = np.flatnonzero(order_ok)
        stamp_arr = stamp_arr[keep]
        counts = [counts[i] for i in keep]
        accs = [accs[i] for i in keep]
        gyrs = [gyrs[i] for i in keep] if gyrs else []
    count_arr = np.asarray(counts, dtype=np.int64)
    report.rows_read = int(count_arr.sum()) + report.dropped_total
    t_ms = _sample_times_ms(stamp_arr, count_arr)
    values = np.hstack([np.vstack(accs), np.vstack(gyrs)]) if gyrs else np.vstack(accs)
    t_s, values = clean_rows(t_ms / 1000.0, values, report, "acc", gyro_from=3 if gyrs else None)
    acc = Stream(t_s, values[:, :3])
    gyr_dps = values[:, 3:6] if gyrs else None
    if gyrs:
        report.notes.append("gyroscope samples share the accelerometer's packets and clock")
    return finish(
        str(path),
        acc,
        gyr_dps,
        options,
        report,
        device="Movesense",
        stated_rate_hz=snap_rate(acc, MOVESENSE_RATES_HZ),
        header=header,
    )


FORMAT = ImportFormat(
    name=NAME,
    description="Movesense JSON log (Meas/IMU9, IMU6 or Acc packets): m/s^2, deg/s, packet timestamps",
    sniff=sniff,
    read=read,
)
