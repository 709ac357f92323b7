"""Mutated files fed to every reader (issue 12's fuzz harness, bounded for CI; scripts/fuzz_import.py
runs it longer): a valid session that survives write -> read, or a one-line RetrogaitError, never
anything else."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import import_samples as samples
from import_mutations import MUTATION, Op, check_import, mutate
from retrogait.imports import GenericCsvOptions, ImportOptions, get_format, load_recording

GENERIC = GenericCsvOptions(
    time_column="stamp_ms", time_unit="ms", acc_columns=("ax", "ay", "az"), acc_unit="mg",
    gyr_columns=("gx", "gy", "gz"), gyr_unit="rads",
)  # fmt: skip
SEEDS = {**samples.WRITERS, **samples.GENERIC_WRITERS}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("exports")
    return {name: writer(root / name) for name, writer in SEEDS.items()}


def _mutated_copy(original: Path, tmp: str, op: Op, which: int) -> Path:
    """A copy of the export's folder with one file mutated; returns the path to import."""
    folder = original if original.is_dir() else original.parent
    copy = Path(tmp) / folder.name
    shutil.copytree(folder, copy)
    path = copy / original.relative_to(folder) if original != folder else copy
    files = sorted(p for p in copy.rglob("*") if p.is_file() and p.stat().st_size > 0)
    target = path if path.is_file() and which % 2 == 0 else files[which % len(files)]
    data, suffix = mutate(target.read_bytes(), op)
    target.write_bytes(data)
    if suffix:
        renamed = target.with_name(target.name + suffix)
        target.rename(renamed)
        path = renamed if target == path else path
    return path


@pytest.mark.parametrize("name", sorted(SEEDS))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(op=MUTATION, which=st.integers(min_value=0, max_value=10))
def test_mutated_export_never_crashes(exports: dict[str, Path], name: str, op: Op, which: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _mutated_copy(exports[name], tmp, op, which)
        generic = GENERIC if name == "generic_csv" else None
        fmt = samples.format_of(name) if name in samples.WRITERS else "generic_csv"
        check_import(lambda: get_format(fmt).read(path, ImportOptions(generic=generic, rate_hz=100.0)))
        check_import(lambda: load_recording(path, generic=generic))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(op=MUTATION)
def test_mutated_zip_export_never_crashes(tmp_path_factory: pytest.TempPathFactory, op: Op) -> None:
    archive = samples.phyphox_zip(tmp_path_factory.mktemp("zip") / "export.zip")
    data, _ = mutate(archive.read_bytes(), op)
    archive.write_bytes(data)
    check_import(lambda: get_format("phyphox").read(archive, ImportOptions()))
    check_import(lambda: load_recording(archive))
