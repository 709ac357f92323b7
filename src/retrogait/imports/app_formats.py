"""The app and device export formats, and the hint every "not read" refusal ends with.

The generic reader (``generic_csv``) comes after these in detection and names them in its refusals;
keeping them here lets it do so without importing the registry that imports it.
"""

from __future__ import annotations

from retrogait.imports import (
    geneactiv,
    metabase,
    movesense,
    native,
    phyphox,
    physics_toolbox,
    polar_logger,
    sensorlog,
    sensorlogger,
)
from retrogait.imports.base import ImportFormat

APP_FORMATS: tuple[ImportFormat, ...] = (
    native.FORMAT,
    phyphox.FORMAT,
    sensorlogger.FORMAT,
    polar_logger.FORMAT,
    metabase.FORMAT,
    movesense.FORMAT,
    physics_toolbox.FORMAT,
    geneactiv.FORMAT,
    sensorlog.FORMAT,
)
#: Name of the generic reader, last in detection order.
GENERIC_NAME = "generic_csv"
#: The options that read a table the generic reader cannot read on its own.
MAPPING_FLAGS = (
    "--rate HZ (no time column), "
    "--time-column NAME --time-unit s|ms|us|ns|epoch_s|epoch_ms|epoch_us|epoch_ns|datetime, "
    "--acc-columns X,Y,Z --acc-unit ms2|g|mg, --gyr-columns X,Y,Z --gyr-unit dps|rads, --delimiter ';'|tab|space"
)


def format_names() -> list[str]:
    """Every supported format name, in detection order."""
    return [fmt.name for fmt in APP_FORMATS] + [GENERIC_NAME]


def not_read_hint() -> str:
    """The options that read a recording no format recognises: one clause for every refusal."""
    return (
        f"supported formats: {', '.join(format_names())} (force one with --format NAME); "
        f"any CSV reads with {MAPPING_FLAGS}"
    )
