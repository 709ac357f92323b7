"""validate_reliability's simulated people in their `stepturn` scenario, as its true-contact set scores them (for the
direction tests that remove or damage one contact)."""

from __future__ import annotations

import numpy as np

from retrogait.simulate import SimulationConfig, simulate
from script_module import load_script


def stepturn(seed: int, placement: str = "foot") -> tuple[object, np.ndarray]:
    """validate_reliability's person ``seed`` (in-sample, 1-35), `stepturn`, foot (or ``placement``), v1, 200 Hz, true
    contacts: the scored item and its contacts' times (s)."""
    vr = load_script("validate_reliability")
    rng = np.random.default_rng(1000 + seed)  # validate_reliability's draws, scenario by scenario
    for scenario, bouts_of in vr.SCENARIOS.items():
        bouts = bouts_of(rng)
        mounting = tuple(float(v) for v in rng.uniform(-8.0, 8.0, 3))
        if scenario == "stepturn":
            break
    side = ("left", "right")[seed % 2]
    config = SimulationConfig(
        placement, bouts, sample_rate_hz=200.0, side=side, mounting_rotation_deg=mounting, seed=seed, version=1
    )
    result = simulate(config)
    truth = result.truth[result.truth["side"] == side].reset_index(drop=True)
    scored = vr._with_true_contacts("pivot", "sim", result.session, truth, placement)
    return scored, scored.signals.t_s[scored.contacts.ic_idx]
