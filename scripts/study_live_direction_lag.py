"""How much look-ahead the online direction needs to equal the offline one (issue 14, LIVE-18).

    python scripts/study_live_direction_lag.py [placement]   # default lower_back

On bench_live's simulated sessions (seeds 1-2 in-sample, 3-6 held out), the offline travel evidence and
switch probabilities of each contact (measured on the whole session, as ``analyze`` does) are smoothed
with a fixed lag: contact k sees the evidence of contacts 0..k+lag only (travel.smooth_states), and its
label (direction.label_arrays, after direction.facing_and_conflict over the session's cues) is compared
with the offline label (every later contact seen) and with the simulated truth. This separates what the
look-ahead costs from what measuring the evidence on 4 s windows costs: the live detector has a lag of one
stride (one-leg placements 1 contact, both legs 2) and its own windows' evidence.
"""

from __future__ import annotations

import sys

import numpy as np

import retrogait
from bench_live import HELD_OUT_SEEDS, TUNED_SEEDS, sim_sessions, true_directions
from retrogait.analysis.direction import (
    direction_cues,
    facing_and_conflict,
    label_arrays,
    link_switch_probability,
    travel_evidence,
)
from retrogait.analysis.settings import AnalysisSettings
from retrogait.analysis.transient import LandingTransients
from retrogait.analysis.travel import smooth_states

LAGS = (0, 1, 2, 3, 4, 6, 8, 12)


def lagged_labels(session: retrogait.Session, placement: str) -> tuple[dict[int, np.ndarray], np.ndarray, np.ndarray]:
    """Labels with each lag (contacts), the offline labels, and the contacts' times (s)."""
    result = retrogait.analyze(session)
    signals, contacts = result.signals, result.contacts
    settings = AnalysisSettings.for_placement(placement)
    d = settings.direction
    cues = direction_cues(signals, contacts, d, LandingTransients(signals, contacts, settings.transient))
    evidence, relative = travel_evidence(cues, signals, d)
    switch = link_switch_probability(signals, contacts, cues, d)

    def labels(post: np.ndarray) -> np.ndarray:
        return label_arrays(facing_and_conflict(post, cues, relative, signals.anterior_sign_known, d), placement, d)[0]

    m = len(contacts)
    out = {}
    for lag in LAGS:
        rows = [smooth_states(evidence[: k + lag + 1], switch[: k + lag])[k] for k in range(m)]
        out[lag] = labels(np.asarray(rows).reshape(m, 3))
    return out, labels(smooth_states(evidence, switch)), result.steps["ic_time_s"].to_numpy()


def main() -> None:
    placement = sys.argv[1] if len(sys.argv) > 1 else "lower_back"
    for name, seeds in (("seeds 1-2, in-sample", TUNED_SEEDS), ("seeds 3-6, held out", HELD_OUT_SEEDS)):
        equal = dict.fromkeys(LAGS, 0)
        true = dict.fromkeys(LAGS, 0)
        n = n_true = off_true = 0
        for session, truth in sim_sessions(placement, seeds):
            by_lag, offline, ic = lagged_labels(session, placement)
            n += offline.size
            k, matched = true_directions(truth, ic, offline.tolist())
            off_true, n_true = off_true + k, n_true + matched
            for lag, labels in by_lag.items():
                equal[lag] += int(np.sum(labels == offline))
                true[lag] += true_directions(truth, ic, labels.tolist())[0]
        print(f"simulator {placement} ({name}): {n} contacts, offline = truth {100 * off_true / n_true:.1f} %")
        for lag in LAGS:
            print(
                f"   lag {lag:>2} contacts: equal to offline {100 * equal[lag] / n:5.1f} %,"
                f" = truth {100 * true[lag] / n_true:5.1f} %"
            )


if __name__ == "__main__":
    main()
