"""Where a GENEActiv was worn: its header's ``Device Location Code`` (set in the vendor's software before the
recording) gives the placement and side when the user gives none (IMPORT-22)."""

from __future__ import annotations

from pathlib import Path

import pytest

import import_samples as samples
from retrogait.imports import load_recording


def _with_location(path: Path, location: str) -> Path:
    """The sample file with its ``Device Location Code`` set to ``location`` (CSV: ``,``; .bin: ``:``)."""
    data = path.read_bytes()
    for sep in (b",", b":"):
        data = data.replace(
            b"Device Location Code" + sep + b"right wrist", b"Device Location Code" + sep + location.encode()
        )
    path.write_bytes(data)
    return path


@pytest.fixture(params=["csv", "bin"])
def writer(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    def write(tmp_path: Path, location: str) -> Path:
        if request.param == "csv":
            return _with_location(samples.geneactiv(tmp_path / "rec.csv"), location)
        return _with_location(samples.geneactiv_bin(tmp_path / "rec.bin"), location)

    return write


@pytest.mark.parametrize(
    ("location", "placement", "side"),
    [("right wrist", "wrist", "right"), ("Left Wrist", "wrist", "left"), ("chest", "chest", None)],
)
def test_a_stated_wrist_or_chest_is_the_placement(
    tmp_path: Path, writer, location: str, placement: str, side: str | None
) -> None:  # type: ignore[no-untyped-def]
    """Every GENEActiv session was placement ``other`` although the device said ``right wrist``."""
    meta = load_recording(writer(tmp_path, location)).session.meta
    assert (meta.placement, meta.side) == (placement, side)
    assert meta.extra["inferred_placement"] == f"{placement} (Device Location Code '{location}')"
    assert ("inferred_side" in meta.extra) == (side is not None)


def test_what_the_user_gives_wins(tmp_path: Path, writer) -> None:  # type: ignore[no-untyped-def]
    meta = load_recording(writer(tmp_path, "right wrist"), placement="hand", side="left").session.meta
    assert (meta.placement, meta.side) == ("hand", "left")
    assert "inferred_placement" not in meta.extra and "inferred_side" not in meta.extra


@pytest.mark.parametrize(
    ("location", "flag"), [("left ankle", "shank"), ("back", "lower_back"), ("Right Hip", "lower_back")]
)
def test_a_leg_or_trunk_place_is_noted_with_its_option_not_taken(
    tmp_path: Path, writer, location: str, flag: str
) -> None:  # type: ignore[no-untyped-def]
    """Those analyses assume a mounting a strap may not give: the option is named, the placement stays ``other``."""
    result = load_recording(writer(tmp_path, location))
    assert result.session.meta.placement == "other" and result.session.meta.side is None
    assert any(f"--placement {flag} analyses it so" in note and repr(location) in note for note in result.report.notes)


@pytest.mark.parametrize("location", ["", "other", "unknown place"])
def test_no_place_named_changes_nothing(tmp_path: Path, writer, location: str) -> None:  # type: ignore[no-untyped-def]
    result = load_recording(writer(tmp_path, location))
    assert result.session.meta.placement == "other"
    assert not any("Device Location Code" in note for note in result.report.notes)


@pytest.mark.shared_data
def test_the_real_lumbar_export_names_its_option(shared_data: Path) -> None:
    """gaitpy's real GENEActiv CSV says ``back`` (lumbar): analysed as before, with the option that reads it so."""
    result = load_recording(shared_data / "formats" / "geneactiv_gaitpy" / "demo_data.csv")
    assert result.session.meta.placement == "other"
    assert (
        "Device Location Code 'back': analysed as 'other' (steps of both legs); --placement lower_back analyses it so"
        in result.report.notes
    )
