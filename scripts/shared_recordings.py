"""Readers of the real recordings in ../shared/data that several validation scripts and tests use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from retrogait.session import Session, SessionMeta

#: The lower-back walking set's sample rate (Hz): the files count samples, not seconds.
LOWERBACK_WALKING_RATE_HZ = 100.0


def lowerback_walking_session(csv: Path) -> Session:
    """One trial of ``lowerback_walking/HA_001`` (mobgap lower-back IMU) as a session; acceleration as the
    file holds it (g: the analysis infers the unit), gyroscope deg/s."""
    data = pd.read_csv(csv)
    return Session(
        data["samples"].to_numpy() / LOWERBACK_WALKING_RATE_HZ,
        data[["acc_x", "acc_y", "acc_z"]].to_numpy(),
        data[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
        SessionMeta("lower_back", LOWERBACK_WALKING_RATE_HZ),
    )


def lowerback_walking_reference(csv: Path, system: str = "INDIP") -> pd.DataFrame:
    """The reference initial contacts (``ic_time_s``, walking bouts) of a ``lowerback_walking`` trial by
    ``system`` (INDIP or Stereophoto)."""
    folder = csv.parent.parent / "reference_initial_contacts"
    return pd.read_csv(folder / f"{csv.parent.name}_{csv.stem}_{system}_initial_contacts.csv")


#: The foot_walking set's sample rate (Hz).
FOOT_WALKING_RATE_HZ = 204.8


def foot_walking_sessions(folder: Path) -> dict[str, Session]:
    """``foot_walking`` (a sensor on each foot, one walk) as one session per side (``left``, ``right``)."""
    data = pd.read_csv(folder / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
    out = {}
    for side in ("left", "right"):
        sensor = data[f"{side}_sensor"]
        out[side] = Session(
            np.arange(len(sensor)) / FOOT_WALKING_RATE_HZ,
            sensor[["acc_x", "acc_y", "acc_z"]].to_numpy(),
            sensor[["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
            SessionMeta("foot", FOOT_WALKING_RATE_HZ, side=side),
        )
    return out
