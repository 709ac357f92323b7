"""Any delimited table, mapped by the user: time column and unit, acceleration and gyroscope
columns and units, delimiter (see :class:`~retrogait.imports.base.GenericCsvOptions`).

Never detected automatically: chosen with ``--format generic_csv`` or by giving mapping flags.
Columns are named by header text or by 0-based position. Acceleration must include gravity.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrogait.errors import InputFileError, RetrogaitError
from retrogait.imports.base import GenericCsvOptions, ImportFormat, ImportOptions, ImportReport, ImportResult
from retrogait.imports.common import (
    ACC_TO_MS2,
    GYR_TO_DPS,
    Source,
    Stream,
    clean_rows,
    csv_layout,
    finish,
    first_line,
    header_fields,
    parse_datetime_s,
    read_table,
)

NAME = "generic_csv"
MAPPING_FLAGS = (
    "--time-column NAME --time-unit s|ms|us|ns|epoch_s|epoch_ms|epoch_us|epoch_ns|datetime "
    "--acc-columns X,Y,Z --acc-unit ms2|g|mg [--gyr-columns X,Y,Z --gyr-unit dps|rads] [--delimiter ';']"
)
_TIME_FACTORS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def sniff(path: Path) -> float:
    return 0.0


def _resolve(source: Source, fields: list[str], wanted: str, sep: str) -> str:
    if wanted in fields:
        return wanted
    stripped = {f.strip().lower(): f for f in fields}
    if wanted.strip().lower() in stripped:
        return stripped[wanted.strip().lower()]
    if wanted.isdigit() and int(wanted) < len(fields):
        return fields[int(wanted)]
    problem = f"column {wanted!r} not found (columns: {', '.join(fields)[:200]})"
    if len(fields) == 1:
        others = [d for d in (",", ";", "\t") if d != sep and d in fields[0]]
        named = {",": "','", ";": "';'", "\t": "tab"}
        hint = f"; the header does not split on {named.get(sep, repr(sep))}"
        problem += hint + (f": pass --delimiter {named[others[0]]}" if others else "")
    raise InputFileError(source.display, problem)


def read(path: Path, options: ImportOptions) -> ImportResult:
    mapping = options.generic or GenericCsvOptions()
    problem = mapping.problem()
    if problem:
        raise RetrogaitError(problem)
    if mapping.time_column is None or mapping.acc_columns is None:
        raise RetrogaitError(f"the generic CSV reader needs the column mapping: {MAPPING_FLAGS}")
    source = Source(str(path), path=path)
    fields, sep, decimal = csv_layout(source)
    if mapping.delimiter is not None:
        sep = mapping.delimiter
        decimal = decimal if sep == ";" else "."
        fields = header_fields(first_line(source.head()), sep)
    if not fields or fields == [""]:
        raise InputFileError(path, "is empty (no header line)")
    time_col = _resolve(source, fields, mapping.time_column, sep)
    acc_cols = [_resolve(source, fields, c, sep) for c in mapping.acc_columns]
    gyr_cols = [_resolve(source, fields, c, sep) for c in mapping.gyr_columns] if mapping.gyr_columns else []
    datetime_text = mapping.time_unit == "datetime"
    report = ImportReport(format=NAME, files=[str(path)])
    table = read_table(
        source,
        sep=sep,
        decimal=decimal,
        numeric=[*acc_cols, *gyr_cols] + ([] if datetime_text else [time_col]),
        text=[time_col] if datetime_text else [],
        report=report,
    )
    report.rows_read = len(table) + report.dropped_total
    if datetime_text:
        t = parse_datetime_s(table[time_col])
    else:
        t = table[time_col].to_numpy(dtype=np.float64) * _TIME_FACTORS[mapping.time_unit.removeprefix("epoch_")]
    values = table[[*acc_cols, *gyr_cols]].to_numpy(dtype=np.float64)
    t, values = clean_rows(t, values, report, "row")
    acc = Stream(t, values[:, :3] * ACC_TO_MS2[mapping.acc_unit])
    gyr = values[:, 3:6] * GYR_TO_DPS[mapping.gyr_unit] if gyr_cols else None
    start = float(t[0]) if mapping.time_unit.startswith("epoch_") and t.size else None
    return finish(str(path), acc, gyr, options, report, start_epoch_s=start)


FORMAT = ImportFormat(
    name=NAME,
    description="any CSV with a column mapping (" + MAPPING_FLAGS + ")",
    sniff=sniff,
    read=read,
)
