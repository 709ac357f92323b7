"""The direction of a simulated lower-back session at the simulator's own contacts (for the direction's limit tests)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.direction import step_directions
from retrogait.analysis.preprocess import preprocess
from retrogait.analysis.signals import Contacts
from retrogait.simulate import SimulationConfig, simulate


def labels_at_true_contacts(
    config: SimulationConfig,
) -> tuple[NDArray[np.float64], NDArray[np.str_], NDArray[np.str_], NDArray[np.float64]]:
    """Per true contact of the lower-back ``config``: its time (s), true direction, label and confidence. A sacral
    toe-off is a flight edge: none in walking (as ``validate_reliability.py`` scores them)."""
    result = simulate(config)
    signals = preprocess(result.session)
    truth = result.truth
    t = truth["ic_time_s"].to_numpy()
    ic = np.round((t - signals.t_s[0]) * signals.fs_hz).astype(np.int64)
    to_s = truth["to_time_s"].fillna(0.0).to_numpy()
    walking = truth["activity"].to_numpy() == "walking"
    to = np.where(walking, -1, np.round((to_s - signals.t_s[0]) * signals.fs_hz)).astype(np.int64)
    labelled = step_directions(signals, Contacts(ic, to, truth["side"].to_numpy().astype(str)))
    label = labelled["direction"].to_numpy(dtype=str)
    return t, truth["direction"].to_numpy().astype(str), label, labelled["direction_confidence"].to_numpy()
