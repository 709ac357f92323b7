"""Travel direction relative to the facing: forward, backward or sideways, per step, and its smoothing.

Evidence is a log-likelihood per step for each of the three travel states (+x, -x, lateral; only
differences matter). Where a placement measures the horizontal direction of travel -- the stride
vector of a foot or shank (stride_vectors.py), the braking direction of the trunk in walking --
the evidence is its projection on each state's direction: ``(d_x, -d_x, |d_y|) / scale``, a von
Mises-like model whose concentration grows with the length of the measured vector, so a long
stride along x is firm evidence and a short shuffle is none. Where only an x cue exists (a signed
log-odds ``x`` of +x over -x), the step says nothing about sideways beyond ruling it out as much as
the less likely sagittal direction: ``(x, 0, 0)`` for x > 0, ``(0, -x, -x)`` otherwise (up to a
common constant).

The sequence is smoothed by a three-state hidden Markov model (forward-backward recursion in the
log domain, one O(1) update per step): the state stays with probability 1 - p and moves to each
other state with p / 2; p is small within gait, larger across standing, and the chain forgets
(p = 2/3, uniform) across a pause or a turn (turns.py).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import FloatArray

#: The travel states, in the column order of every evidence array here.
STATES = ("plus_x", "minus_x", "lateral")
#: Switch probability that makes the next state independent of the last (uniform over three).
FORGET = 2.0 / 3.0


def vector_evidence(dx: FloatArray, dy: FloatArray, scale: float, cap: float) -> FloatArray:
    """(k, 3) log-likelihoods of (+x, -x, lateral) from horizontal travel vectors (dx, dy) in the unit
    of ``scale``; each row shifted so its best state is 0 and clipped at ``-cap``. NaN vectors give
    zeros (no evidence)."""
    x = np.asarray(dx, dtype=np.float64) / scale
    y = np.abs(np.asarray(dy, dtype=np.float64)) / scale
    ll = np.column_stack([x, -x, y])
    ll = ll - np.max(ll, axis=1, keepdims=True)
    ll = np.clip(ll, -cap, 0.0)
    return np.where(np.isfinite(ll), ll, 0.0)


def axis_evidence(x_log_odds: FloatArray) -> FloatArray:
    """(m, 3) log-likelihoods from a signed log-odds ``x`` of +x over -x alone (NaN: none): the
    lateral state is ruled out as much as the less likely sagittal one, ``(max(x, 0), max(-x, 0), 0)``."""
    x = np.nan_to_num(np.asarray(x_log_odds, dtype=np.float64))
    return np.column_stack([np.maximum(x, 0.0), np.maximum(-x, 0.0), np.zeros_like(x)])


def smooth_states(log_likelihood: FloatArray, switch: FloatArray) -> FloatArray:
    """(m, 3) posterior probabilities of the three states given per-step log-likelihoods (m, 3) and
    per-link switch probabilities (m - 1,) in [0, 2/3] (2/3: the next step is independent)."""
    m = log_likelihood.shape[0]
    if m == 0:
        return np.zeros((0, 3))
    ev = np.nan_to_num(np.asarray(log_likelihood, dtype=np.float64)).tolist()
    pl = np.clip(np.asarray(switch, dtype=np.float64), 0.0, FORGET).tolist()
    fwd = [[0.0, 0.0, 0.0]] * m
    a = _normalised(ev[0])
    fwd[0] = a
    for i in range(1, m):
        a = _normalised([p + e for p, e in zip(_predict(a, pl[i - 1]), ev[i], strict=True)])
        fwd[i] = a
    post = np.empty((m, 3))
    b = [0.0, 0.0, 0.0]
    for i in range(m - 1, -1, -1):
        if i < m - 1:
            b = _normalised(_predict([x + e for x, e in zip(b, ev[i + 1], strict=True)], pl[i]))
        post[i] = [f + x for f, x in zip(fwd[i], b, strict=True)]
    post -= post.max(axis=1, keepdims=True)
    prob: NDArray[np.float64] = np.exp(post)
    return prob / prob.sum(axis=1, keepdims=True)


def _normalised(v: list[float]) -> list[float]:
    top = max(v)
    return [x - top for x in v]


def _predict(log_p: list[float], p: float) -> list[float]:
    """Log-probabilities (up to a constant) after one step of the symmetric three-state chain."""
    e = [math.exp(x) for x in log_p]
    total = e[0] + e[1] + e[2]
    stay = 1.0 - 1.5 * p
    return [math.log(max(stay * x + 0.5 * p * total, 1e-300)) for x in e]
