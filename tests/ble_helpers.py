"""Helpers for the emulated-BlueZ tests: which samples were sent, which reached a file."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.emulator.peripherals import ACC_G_PER_COUNT, GYR_COUNTS_PER_DPS, gyr_counts, index_from_counts
from retrogait.ble.sidefile import UNPAIRED_HEADER, unpaired_path
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.session import read_session

CLI = [sys.executable, "-c", "import sys; from retrogait.cli import main; sys.exit(main())"]


def _log_indices(path: Path) -> NDArray[np.int64]:
    if not path.exists() or not path.read_text().strip():
        return np.zeros(0, dtype=np.int64)
    rows = np.loadtxt(path, dtype=np.int64, ndmin=2)
    return np.concatenate([np.arange(k, k + n) for k, n in rows]) % 1_000_000


def sent_by_stream(sent_dir: Path, name: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Sample indices a virtual device notified in its acc and in its gyro stream (paired devices)."""
    return _log_indices(sent_dir / f"{name}.sent"), _log_indices(sent_dir / f"{name}.gyro.sent")


def unpaired_indices(
    session_path: Path, kind: str, rate_hz: float, power_on_s: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Sample indices of the acc and the gyro rows of a session's ``.unpaired.csv`` (empty if none).

    Acc rows carry their index in the counts; a gyro sample is found among the indices within 40
    samples of where its ``t_s`` puts it (``power_on_s + k / rate_hz``), which also checks its time.
    """
    path = unpaired_path(session_path)
    if not path.exists():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    assert path.read_text().startswith(UNPAIRED_HEADER)
    table = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=None, encoding="utf-8", ndmin=1)
    t = np.asarray(table["f0"], dtype=np.float64)
    stream = np.asarray(table["f1"]).astype(str)
    values = np.column_stack([np.asarray(table[f"f{i}"], dtype=np.float64) for i in range(2, 8)])
    acc = stream == "acc"
    counts = np.rint(values[acc, :3] / STANDARD_GRAVITY_MS2 / ACC_G_PER_COUNT[kind]).astype(np.int64)
    acc_k = index_from_counts(counts[:, 0], counts[:, 1])
    k_est = np.rint((t - power_on_s) * rate_hz).astype(np.int64)
    assert np.all(np.abs(acc_k - k_est[acc]) <= 40), f"{path}: acc samples placed far from their time"
    lsb = GYR_COUNTS_PER_DPS[kind]
    gyr_counts_got = np.rint(values[~acc, 3:] * lsb).astype(np.int64)
    candidates = k_est[~acc, None] + np.arange(-40, 41)
    match = (gyr_counts(candidates.ravel(), lsb).reshape(*candidates.shape, 3) == gyr_counts_got[:, None, :]).all(-1)
    assert np.all(match.sum(axis=1) == 1), f"{path}: gyro samples not found near their time"
    gyr_k = candidates[match] % 1_000_000
    return acc_k, gyr_k


def sent_indices(sent_dir: Path, name: str) -> NDArray[np.int64]:
    """Sample indices a virtual device notified acceleration for, in send order (mod 1e6): each is a
    session row, also when its gyroscope twin (paired devices) never came (REC-20)."""
    path = sent_dir / f"{name}.sent"
    if not path.exists() or not path.read_text().strip():
        return np.zeros(0, dtype=np.int64)
    rows = np.loadtxt(path, dtype=np.int64, ndmin=2)
    return np.concatenate([np.arange(k, k + n) for k, n in rows]) % 1_000_000


def file_indices(path: Path, kind: str) -> NDArray[np.int64]:
    """Sample indices found in a session file (read with the native reader, so it must be valid)."""
    session = read_session(path)
    counts = np.rint(session.acc / STANDARD_GRAVITY_MS2 / ACC_G_PER_COUNT[kind]).astype(np.int64)
    return index_from_counts(counts[:, 0], counts[:, 1])


def assert_each_once(path: Path, kind: str, sent: NDArray[np.int64], allow_missing_tail: int = 0) -> NDArray[np.int64]:
    """Every sent sample is in the file exactly once (except up to ``allow_missing_tail`` of the last sent)."""
    got = file_indices(path, kind)
    assert np.unique(got).size == got.size, f"{path}: duplicated samples"
    assert np.all(np.diff(got) > 0) or np.all(np.diff(np.sort(got)) > 0)
    missing = np.setdiff1d(sent, got)
    extra = np.setdiff1d(got, sent)
    assert extra.size == 0, f"{path}: {extra.size} samples never sent, e.g. {extra[:5]}"
    if allow_missing_tail:
        tail = sent[-allow_missing_tail:]
        assert np.isin(missing, tail).all(), f"{path}: missing samples not at the end: {missing[:10]}"
    else:
        assert missing.size == 0, f"{path}: {missing.size} sent samples missing, e.g. {missing[:10]}"
    return got


def disconnect_count(sent_dir: Path, name: str) -> int:
    """Links a virtual device dropped (its fault schedule), from the emulator's ``NAME.disconnects`` log."""
    path = sent_dir / f"{name}.disconnects"
    return len(path.read_text().split()) if path.exists() else 0
