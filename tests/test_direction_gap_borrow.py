"""DIRECTION-48 (issue 17, REVIEW-67): a foot contact after a pause whose own swing holds a recording gap has no
stride of its own; the stride leaving it is the next contact's, no evidence about it. It carries none (the chain and
the own-bout cap decide it), where it read the next contact's stride -- at a turn into a backward walk, `backward`
1.000 for a forward contact."""

from __future__ import annotations

import numpy as np

from retrogait.analysis.direction import direction_cues, step_directions
from retrogait.analysis.settings import preset
from retrogait.analysis.signals import BodySignals, Contacts
from script_module import load_script


def _person_2_gapped(placement: str) -> tuple[BodySignals, Contacts, np.ndarray, float]:
    """Simulated person 2 (validate_reliability's `stepturn`, v1, 200 Hz, in-sample: people 1-35): the pivot
    contact at 47.62 s missed and 0.3 s of data lost up to 0.05 s before the next contact (48.70 s, the last forward
    stride before the backward walk), as ``validate_pivot_drop.py --rate 200 --gap-s 0.3 --gap-end-s 0.05`` does.
    The signals, the contacts left, their true directions and the time (s) of the contact after the gap."""
    drop = load_script("validate_pivot_drop")
    vr = drop.vr
    rng = np.random.default_rng(1000 + 2)  # validate_reliability's person 2, scenario by scenario
    for scenario, bouts_of in vr.SCENARIOS.items():
        bouts = bouts_of(rng)
        mounting = tuple(float(v) for v in rng.uniform(-8.0, 8.0, 3))
        if scenario == "stepturn":
            break
    config = vr.SimulationConfig(
        placement, bouts, sample_rate_hz=200.0, side="left", mounting_rotation_deg=mounting, seed=2, version=1
    )
    result = vr.simulate(config)
    truth = result.truth[result.truth["side"] == "left"].reset_index(drop=True)
    scored = vr._with_true_contacts("pivot", "sim", result.session, truth, placement)
    signals, c = scored.signals, scored.contacts
    t = signals.t_s[c.ic_idx]
    k = int(np.argmin(np.abs(t - 47.62)))
    assert abs(t[k] - 47.62) < 0.02 and scored.truth[k + 1] == "forward"
    keep = np.arange(len(c)) != k
    gapped = drop._lost(signals, c.ic_idx[k + 1], 0.3, 0.05)
    contacts = Contacts(c.ic_idx[keep], c.to_idx[keep], c.side[keep])
    return gapped, contacts, np.asarray(scored.truth)[keep], float(t[k + 1])


def test_a_contact_whose_own_swing_holds_a_gap_borrows_no_stride() -> None:
    """Before: the contact at 48.70 s took the first backward stride (-1.06 m) and read `backward` 1.000."""
    signals, contacts, truth, t_after = _person_2_gapped("foot")
    settings = preset("foot").direction
    cues = direction_cues(signals, contacts, settings)
    after = int(np.argmin(np.abs(signals.t_s[contacts.ic_idx] - t_after)))
    assert signals.gap[contacts.ic_idx[after] - 20]  # the gap lies in its own swing
    for cue in ("stride_dx_m", "stride_dy_m", "rotation_moment_deg"):
        assert np.isnan(cues[cue][after]), cue
    assert cues["x_log_odds"][after] == 0.0
    steps = step_directions(signals, contacts, settings, cues=cues)
    label, conf = steps["direction"].to_numpy(), steps["direction_confidence"].to_numpy()
    wrong = (label != truth) & (label != "unknown") & (conf >= 0.9)
    assert not wrong.any(), signals.t_s[contacts.ic_idx][wrong]
    # its neighbours keep their own strides: the next contact (the first backward stride) still reads backward
    assert truth[after + 1] == "backward" and label[after + 1] == "backward" and conf[after + 1] >= 0.9
