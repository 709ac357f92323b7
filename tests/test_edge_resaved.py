"""Exports saved again by other programs (EDGE-33 on): re-encoded, zipped, cut, padded.
Fixtures are generated here (tests/import_samples.py); nothing depends on ../shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import import_samples as samples
from retrogait.imports import load_recording

ENCODINGS = {
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-16-le": lambda text: text.encode("utf-16-le"),
    "utf-16-be": lambda text: text.encode("utf-16-be"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode(),
}


def _resave(original: Path, into: Path, encode: object) -> Path:
    """Every file of ``original``'s export (the file and its siblings, or the folder) saved again with
    ``encode``; the path in ``into`` that stands for ``original``."""
    folder = original if original.is_dir() else original.parent
    for file in folder.rglob("*"):
        if file.is_file():
            target = into / file.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(encode(file.read_bytes().decode("utf-8")))  # type: ignore[operator]
    return into if original.is_dir() else into / original.name


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("fmt", sorted(samples.WRITERS))
def test_an_export_saved_again_as_unicode_text_reads_as_its_format(fmt: str, encoding: str, tmp_path: Path) -> None:
    """Saved again as "Unicode text" (UTF-16) an app export was read by the generic reader only: a Polar,
    MetaBase or phyphox pair lost its gyroscope and device, Sensor Logger and Physics Toolbox were refused
    ("hold no gravity at rest"), GENEActiv and Movesense "format not recognised"; GENEActiv with a UTF-8 BOM
    "is not a GENEActiv CSV export" (EDGE-33)."""
    original = samples.WRITERS[fmt](tmp_path / "orig" / fmt)
    resaved = _resave(original, tmp_path / "resaved" / fmt, ENCODINGS[encoding])
    a, b = load_recording(original), load_recording(resaved)
    assert b.report.format == a.report.format == fmt
    assert np.array_equal(a.session.t_s, b.session.t_s) and np.array_equal(a.session.acc, b.session.acc)
    assert (a.session.gyr is None) == (b.session.gyr is None)
    if a.session.gyr is not None and b.session.gyr is not None:
        assert np.array_equal(a.session.gyr, b.session.gyr)
    assert a.session.meta.sensor == b.session.meta.sensor
    assert a.session.meta.start_time_utc == b.session.meta.start_time_utc
