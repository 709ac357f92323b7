"""Expand the user's INPUT arguments (files, folders, globs) into a sorted list of recordings."""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable
from pathlib import Path

from retrogait.batch.store import MANIFEST, RESULTS_DIR
from retrogait.errors import RetrogaitError
from retrogait.recordings import is_recording, not_found_text

#: A folder holding both is the output of an earlier `retrogait batch` (``store.py``): nothing in it is a
#: recording. A manifest alone may be anything a user keeps beside recordings.
BATCH_MARK = (MANIFEST, RESULTS_DIR)


def _is_batch_output(manifest: Path) -> bool:
    """True when ``manifest`` is the manifest of an earlier batch's output folder (BATCH_MARK)."""
    name, results = BATCH_MARK
    return manifest.name == name and (manifest.parent / results).is_dir()


def discover_inputs(inputs: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Recordings named by ``inputs``: files as given, folders searched recursively, globs expanded.

    Args:
        inputs: paths, folders or glob patterns (``runs/**/*.csv``).
        exclude: folders whose contents are never inputs (the batch output folder).

    Raises:
        RetrogaitError: when an input matches nothing.
    """
    excluded = [p.resolve() for p in exclude]
    found: dict[Path, None] = {}
    for item in inputs:
        text = str(item)
        if any(ch in text for ch in "*?["):
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))]
        else:
            matches = [Path(text)]
        if not matches or not any(m.exists() for m in matches):
            raise RetrogaitError(f"{text}: {not_found_text(text)}")
        for match in matches:
            candidates = sorted(match.rglob("*")) if match.is_dir() else [match]
            earlier_batches = [m.parent for m in candidates if _is_batch_output(m)] if match.is_dir() else []
            for path in candidates:
                resolved = _resolved_file(path)
                if (
                    resolved
                    and (is_recording(path) or _unnamed_recording(path))
                    and not any(resolved.is_relative_to(e) for e in excluded)
                    and not any(path.is_relative_to(b) for b in earlier_batches)
                ):
                    found[resolved] = None
    return without_export_companions(sorted(found))


def _unnamed_recording(path: Path) -> bool:
    """A file without an ending (``run2``: a name typed by hand, an ending lost in a copy) that a format's
    sniffer claims from its first bytes (EDGE-45); by its name alone it was passed over without a word."""
    if path.suffix or path.name.startswith("."):
        return False
    from retrogait.imports.registry import claimed

    return claimed(path)


#: Per-sensor files that the reader of an export reads with its accelerometer file, by the name before
#: the numbering phyphox adds (``Gyroscope_2.csv`` goes with ``Accelerometer_2.csv``): phyphox, Sensor
#: Logger. Given as inputs of their own, each was the same session again (EDGE-15).
_COMPANIONS = (
    "gyroscope",
    "gyroscopeuncalibrated",
    "totalacceleration",
    "accelerometeruncalibrated",
    "gravity",
    "magnetometer",
    "magnetometeruncalibrated",
    "orientation",
    "metadata",
    "annotation",
)
_NUMBERED = re.compile(r"^([a-z]+)(_\d+)?\.csv$")
#: Polar Sensor Logger: ``PREFIX_GYRO.txt`` (and the other streams) go with ``PREFIX_ACC.txt``.
_POLAR = re.compile(r"^(.*)_(acc|gyro|magn|hr|ppg|ppi|ecg)\.txt$")
#: MetaBase (MetaWear): ``..._Gyroscope_100.000Hz_1.4.5.csv`` goes with ``..._Accelerometer_...csv``.
_METABASE = re.compile(r"^(.*)_(accelerometer|gyroscope|magnetometer)_.*\.csv$")


def without_export_companions(paths: list[Path]) -> list[Path]:
    """``paths`` without the files that an accelerometer file beside them, also in ``paths``, reads as part
    of its export (EDGE-15): a phyphox or Sensor Logger folder's ``Gyroscope.csv``, ``Metadata.csv``...,
    a Polar ``*_GYRO.txt`` beside its ``*_ACC.txt``, a MetaBase gyroscope file. Found file by file, each
    was analysed as a session of its own: the same recording two to four times in the tables and the
    cohort comparison."""
    names: dict[Path, set[str]] = {}
    for path in paths:
        names.setdefault(path.parent, set()).add(path.name.lower())
    return [
        path
        for path in paths
        if not _companion(path.name.lower(), names[path.parent])
        and not _phyphox_meta(path, names)
        and not _sensor_logger_table(path, names[path.parent])
    ]


#: The tables a Sensor Logger export is read from (its reader's choice among them; a watch's WristMotion is a
#: recording of its own).
_SENSOR_LOGGER_PRIMARY = ("accelerometer", "totalacceleration", "accelerometeruncalibrated", "wristmotion")


def _sensor_logger_table(path: Path, beside: set[str]) -> bool:
    """A table of another of the ~30 sensors Sensor Logger writes one CSV each for (Location, Barometer, Battery,
    Network, Pedometer, WatchLocation ...), or an empty one (a sensor that gave nothing), beside the export's
    accelerometer table: its reader reads what it needs of them with that table. Found one by one, each failed as a
    session of its own ("a Sensor Logger Barometer table without acceleration", "no three acceleration columns"),
    so a batch of Sensor Logger exports ended with exit 1 (EDGE-166). Told by the tables' header
    (``time,seconds_elapsed``), so another file put in the folder is still a recording, and a table of x, y, z named
    other than the app's tables is too: a user's renamed one (EDGE-171)."""
    match = _NUMBERED.match(path.name.lower())
    if match is None or match.group(1) in _SENSOR_LOGGER_PRIMARY:
        return False
    number = match.group(2) or ""
    primaries = [f"{name}{number}.csv" for name in _SENSOR_LOGGER_PRIMARY[:3] if f"{name}{number}.csv" in beside]
    if not primaries:
        return False
    from retrogait.imports.common import first_line, head_bytes
    from retrogait.imports.sensorlogger import another_sensor, is_table

    def header(name: str) -> str | None:
        found = next((p for p in path.parent.iterdir() if p.name.lower() == name), None)
        return None if found is None else first_line(head_bytes(found))

    own = first_line(head_bytes(path))
    primary = next((h for h in map(header, primaries) if h is not None), None)
    if primary is None or not is_table(primary):
        return False
    return not own.strip() or (is_table(own) and another_sensor(match.group(1), own))


#: phyphox writes these into ``meta/`` beside the sensor tables of every export (EDGE-88).
_PHYPHOX_META = ("device.csv", "time.csv")


def _phyphox_meta(path: Path, names: dict[Path, set[str]]) -> bool:
    """``meta/device.csv`` or ``meta/time.csv`` of a phyphox export whose accelerometer table is also found:
    each failed as "format not recognised", so a batch of phyphox exports always ended with exit 1 (EDGE-88)."""
    if path.parent.name.lower() != "meta" or path.name.lower() not in _PHYPHOX_META:
        return False
    beside = names.get(path.parent.parent, set())
    return any(_NUMBERED.match(n) is not None and n.startswith("accelerometer") for n in beside)


def export_companions(path: Path) -> list[Path]:
    """The files beside ``path``, an export's accelerometer file, that its reader reads with it (its
    ``Gyroscope.csv``, ``*_GYRO.txt``, ...; :func:`without_export_companions`), sorted; [] for any other file.
    Part of the batch's job key: a re-exported gyroscope beside an unchanged accelerometer file was skipped
    as unchanged (EDGE-87)."""
    name = path.name.lower()
    numbered, polar, metabase = _NUMBERED.match(name), _POLAR.match(name), _METABASE.match(name)
    primary = (
        (numbered is not None and numbered.group(1) in ("accelerometer", "totalacceleration"))
        or (polar is not None and polar.group(2) == "acc")
        or (metabase is not None and metabase.group(2) == "accelerometer")
    )
    if not primary:
        return []
    try:
        beside = sorted(p for p in path.parent.iterdir() if p != path and p.is_file())
    except OSError:
        return []
    names = {p.name.lower() for p in beside} | {name}
    meta = [path.parent / "meta" / n for n in _PHYPHOX_META] if numbered is not None else []
    return [p for p in beside if _companion(p.name.lower(), names)] + [p for p in meta if p.is_file()]


def _companion(name: str, beside: set[str]) -> bool:
    if m := _NUMBERED.match(name):
        sensor, number = m.group(1), m.group(2) or ""
        if sensor not in _COMPANIONS:
            return False
        primaries = {f"accelerometer{number}.csv"}
        if sensor != "totalacceleration":
            primaries.add(f"totalacceleration{number}.csv")
        return bool(primaries & beside)
    if name == "marker.txt":
        return any(other.endswith("_acc.txt") for other in beside)
    if (m := _POLAR.match(name)) and m.group(2) != "acc":
        return f"{m.group(1)}_acc.txt" in beside
    if (m := _METABASE.match(name)) and m.group(2) != "accelerometer":
        return any(other.startswith(f"{m.group(1)}_accelerometer_") for other in beside)
    return False


def _resolved_file(path: Path) -> Path | None:
    """The real path of a regular file, or None for folders, dangling links and link loops (issue 12
    item 12: a link to itself in an input folder used to abort the whole batch before any work)."""
    try:
        return path.resolve(strict=True) if path.is_file() else None
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" on Python < 3.13
        return None
