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
from array import array

import numpy as np
from numpy.typing import NDArray

from retrogait.analysis.stepwindows import FloatArray, IntArray

#: The travel states, in the column order of every evidence array here.
STATES = ("plus_x", "minus_x", "lateral")
#: Switch probability that makes the next state independent of the last (uniform over three).
FORGET = 2.0 / 3.0
#: The smallest switch probability the recursion uses: with 0, a state that many steps' evidence ruled
#: out underflows to probability 0 and its log is undefined (EDGE-70); 1e-300 changes no probability.
MIN_SWITCH = 1e-300


def vector_evidence(
    dx: FloatArray, dy: FloatArray, scale: float, cap: float, facing_spread_rad: FloatArray | float = 0.0
) -> FloatArray:
    """(k, 3) log-likelihoods of (+x, -x, lateral) from horizontal travel vectors (dx, dy) in the unit
    of ``scale``; each row shifted so its best state is 0 and clipped at ``-cap``. NaN vectors give
    zeros (no evidence).

    ``facing_spread_rad`` (scalar or (k,), rad): how far the wearer's facing may lie from the vector's
    x axis (a turning stride: half its heading change). Each state then gets its best case within
    that spread -- ``L cos(max(delta - spread, 0))`` with L the vector's length and delta its angle
    to the state's direction (0, pi, and the nearer of +-pi/2) -- a profile likelihood that reduces
    to ``(d_x, -d_x, |d_y|)`` without spread. A stride that turned round says nothing about forward
    or sideways, but a long one still rules out the direction it did not go."""
    x = np.asarray(dx, dtype=np.float64) / scale
    y = np.asarray(dy, dtype=np.float64) / scale
    spread = np.broadcast_to(np.asarray(facing_spread_rad, dtype=np.float64), x.shape)
    spread = np.clip(np.nan_to_num(spread), 0.0, np.pi)
    if np.any(spread > 0):
        length, angle = np.hypot(x, y), np.abs(np.arctan2(y, x))
        delta = np.column_stack([angle, np.pi - angle, np.abs(angle - 0.5 * np.pi)])
        ll = length[:, None] * np.cos(np.maximum(delta - spread[:, None], 0.0))
    else:
        ll = np.column_stack([x, -x, np.abs(y)])
    ll = ll - np.max(ll, axis=1, keepdims=True)
    ll = np.clip(ll, -cap, 0.0)
    return np.where(np.isfinite(ll), ll, 0.0)


def chained_switch_probability(p: float, steps: IntArray | int) -> FloatArray:
    """Switch probability across ``steps`` links of switch probability ``p`` each (stay 1 - p, move to
    each other state p / 2): the state is the same after n of them with probability 1/3 + 2/3 (1 - 3p/2)^n,
    so the switch probability is 2/3 (1 - (1 - 3p/2)^n); p for one link, FORGET in the limit."""
    n = np.asarray(steps, dtype=np.float64)
    return np.asarray(FORGET * (1.0 - (1.0 - 1.5 * p) ** n), dtype=np.float64)


def axis_evidence(x_log_odds: FloatArray) -> FloatArray:
    """(m, 3) log-likelihoods from a signed log-odds ``x`` of +x over -x alone (NaN: none): the
    lateral state is ruled out as much as the less likely sagittal one, ``(max(x, 0), max(-x, 0), 0)``."""
    x = np.nan_to_num(np.asarray(x_log_odds, dtype=np.float64))
    return np.column_stack([np.maximum(x, 0.0), np.maximum(-x, 0.0), np.zeros_like(x)])


def smooth_states(log_likelihood: FloatArray, switch: FloatArray) -> FloatArray:
    """(m, 3) posterior probabilities of the three states given per-step log-likelihoods (m, 3) and
    per-link switch probabilities (m - 1,) in [0, 2/3] (2/3: the next step is independent).

    Forward-backward recursion on log-probabilities normalised to a maximum of 0 after every step, so
    nothing overflows; the prediction through a link of switch probability p maps probabilities
    e_s to (1 - 3p/2) e_s + (p/2) sum(e). One O(1) scalar update per step (plain floats: three
    states make numpy's per-call overhead the cost)."""
    if log_likelihood.shape[0] == 0:
        return np.zeros((0, 3))
    fwd, bwd = _recursions(log_likelihood, switch)
    return _normalised(fwd + bwd)


def one_sided_states(log_likelihood: FloatArray, switch: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(m, 3) each: :func:`smooth_states`'s posterior, and per step the probabilities of the three states from its own
    evidence and that of the steps before it only (the forward filter: the chain forgetting the link after the step)
    and from its own and the steps' after it only (the backward one: forgetting the link before it); one run of the
    recursions, whose product is the posterior."""
    if log_likelihood.shape[0] == 0:
        return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 3))
    fwd, bwd = _recursions(log_likelihood, switch)
    own = np.nan_to_num(np.asarray(log_likelihood, dtype=np.float64))
    return _normalised(fwd + bwd), _normalised(fwd), _normalised(bwd + own)


def _normalised(log_p: FloatArray) -> FloatArray:
    """(m, 3) probabilities from unnormalised log-probabilities, row by row."""
    log_p = log_p - log_p.max(axis=1, keepdims=True)
    prob: NDArray[np.float64] = np.exp(log_p)
    return prob / prob.sum(axis=1, keepdims=True)


def _doubles(x: FloatArray) -> array[float]:
    """``x`` ((k,) float64) as an ``array('d')`` of the same doubles, copied as bytes."""
    return array("d", np.ascontiguousarray(x, dtype=np.float64).tobytes())


def _recursions(log_likelihood: FloatArray, switch: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The forward (with each step's own evidence) and backward (without it) log-messages of
    :func:`smooth_states`, (m, 3) each, every row normalised to a maximum of 0."""
    m = log_likelihood.shape[0]
    ev = np.nan_to_num(np.asarray(log_likelihood, dtype=np.float64))
    # doubles in arrays, read and written one Python float at a time: 8 bytes a value where a list holds a 24-byte
    # float and an 8-byte pointer (a slow recording's steps beside the contacts: PERF-67)
    e0, e1, e2 = _doubles(ev[:, 0]), _doubles(ev[:, 1]), _doubles(ev[:, 2])
    pl = np.clip(np.asarray(switch, dtype=np.float64)[: m - 1], MIN_SWITCH, FORGET)  # the m - 1 links
    # per link: 0.5 p and 1 - 1.5 p, the same products elementwise as one float at a time
    half, stays = _doubles(0.5 * pl), _doubles(1.0 - 1.5 * pl)
    exp, log = math.exp, math.log
    a0, a1, a2 = e0[0], e1[0], e2[0]
    top = max(a0, a1, a2)
    a0, a1, a2 = a0 - top, a1 - top, a2 - top
    fwd = array("d", (a0, a1, a2))  # flat, extended a step at a time: a numpy row assignment costs more than the step
    push = fwd.extend
    for h, stay, y0, y1, y2 in zip(half, stays, e0[1:], e1[1:], e2[1:], strict=True):
        x0, x1, x2 = exp(a0), exp(a1), exp(a2)
        share = h * (x0 + x1 + x2)
        a0 = log(stay * x0 + share) + y0
        a1 = log(stay * x1 + share) + y1
        a2 = log(stay * x2 + share) + y2
        top = a0  # max(a0, a1, a2), the first of equals, without the call
        if a1 > top:
            top = a1
        if a2 > top:
            top = a2
        a0, a1, a2 = a0 - top, a1 - top, a2 - top
        push((a0, a1, a2))
    bwd = array("d", (0.0, 0.0, 0.0))
    push = bwd.extend
    b0 = b1 = b2 = 0.0
    for h, stay, y0, y1, y2 in zip(half[::-1], stays[::-1], e0[:0:-1], e1[:0:-1], e2[:0:-1], strict=True):
        x0, x1, x2 = exp(b0 + y0), exp(b1 + y1), exp(b2 + y2)
        share = h * (x0 + x1 + x2)
        if share == 0.0:  # evidence against every state underflowed: the same, scaled by the largest (EDGE-70)
            top = max(b0 + y0, b1 + y1, b2 + y2)
            x0, x1, x2 = exp(b0 + y0 - top), exp(b1 + y1 - top), exp(b2 + y2 - top)
            share = h * (x0 + x1 + x2)  # at least h: every log below is finite
        b0, b1, b2 = log(stay * x0 + share), log(stay * x1 + share), log(stay * x2 + share)
        top = b0
        if b1 > top:
            top = b1
        if b2 > top:
            top = b2
        b0, b1, b2 = b0 - top, b1 - top, b2 - top
        push((b0, b1, b2))
    return np.frombuffer(fwd, dtype=np.float64).reshape(m, 3), np.frombuffer(bwd, dtype=np.float64).reshape(m, 3)[::-1]


def forget_states(
    log_likelihood: FloatArray, switch: FloatArray, forget: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """(m, 3) each: :func:`smooth_states` of ``switch``, and of ``switch`` with FORGET at the ``forget`` links (m - 1,),
    the same bits as two calls (PERF-69). The second chain's messages are the first's up to its first link that
    differs (forward) and after its last (backward), and they meet the first's again a few steps past each such
    link: the recursion is run from each differing link only until its message equals the first chain's, all three
    numbers (the messages are finite and never -0.0, so equal numbers are equal bits); from there the two get the same
    inputs, so the same numbers, up to the next differing link."""
    m = log_likelihood.shape[0]
    if m == 0:
        return np.zeros((0, 3)), np.zeros((0, 3))
    fwd, bwd = _recursions(log_likelihood, switch)
    smoothed = _normalised(fwd + bwd)
    sw = np.asarray(switch, dtype=np.float64)[: m - 1]
    pl = np.clip(sw, MIN_SWITCH, FORGET)
    own = np.clip(np.where(np.asarray(forget, dtype=bool)[: m - 1], FORGET, sw), MIN_SWITCH, FORGET)
    links = np.flatnonzero(own != pl)
    if links.size == 0:  # the same switch at every link: the same chain
        return smoothed, smoothed
    ev = np.nan_to_num(np.asarray(log_likelihood, dtype=np.float64))
    half, stays = _doubles(0.5 * own), _doubles(1.0 - 1.5 * own)
    e = _doubles(ev.ravel())
    own_fwd = _resumed_forward(_doubles(fwd.ravel()), e, half, stays, links.tolist())
    own_bwd = _resumed_backward(_doubles(bwd.ravel()), e, half, stays, links.tolist())
    return smoothed, _normalised(
        np.frombuffer(own_fwd, dtype=np.float64).reshape(m, 3) + np.frombuffer(own_bwd, dtype=np.float64).reshape(m, 3)
    )


def _resumed_forward(
    first: array[float], e: array[float], half: array[float], stays: array[float], links: list[int]
) -> array[float]:
    """The forward messages (flat, 3 a step) of the chain with links ``half``/``stays`` (its 0.5 p and 1 - 1.5 p per
    link), given those of a chain (``first``) that differs from it only at ``links`` (ascending): :func:`_recursions`'
    forward update, run from each of ``links`` until its message equals ``first``'s."""
    out = array("d", first)
    exp, log = math.exp, math.log
    last = len(e) // 3 - 1  # the last step
    k, t = links[0], 0
    while True:
        i = 3 * k
        x0, x1, x2 = exp(out[i]), exp(out[i + 1]), exp(out[i + 2])
        h, stay = half[k], stays[k]
        share = h * (x0 + x1 + x2)
        a0 = log(stay * x0 + share) + e[i + 3]
        a1 = log(stay * x1 + share) + e[i + 4]
        a2 = log(stay * x2 + share) + e[i + 5]
        top = a0
        if a1 > top:
            top = a1
        if a2 > top:
            top = a2
        a0, a1, a2 = a0 - top, a1 - top, a2 - top
        out[i + 3], out[i + 4], out[i + 5] = a0, a1, a2
        k += 1
        if k == last:
            return out
        if a0 == first[i + 3] and a1 == first[i + 4] and a2 == first[i + 5]:  # met: the same up to the next link
            while t < len(links) and links[t] < k:
                t += 1
            if t == len(links):
                return out
            k = links[t]


def _resumed_backward(
    first: array[float], e: array[float], half: array[float], stays: array[float], links: list[int]
) -> array[float]:
    """The backward messages (flat, 3 a step, in step order) as :func:`_resumed_forward`: :func:`_recursions`'
    backward update through each of ``links`` (descending) and on until its message equals ``first``'s."""
    out = array("d", first)
    exp, log = math.exp, math.log
    t = len(links) - 1
    k = links[t]  # the link: from step k + 1 to step k
    while True:
        i = 3 * k
        b0, b1, b2 = out[i + 3], out[i + 4], out[i + 5]
        y0, y1, y2 = e[i + 3], e[i + 4], e[i + 5]
        h, stay = half[k], stays[k]
        x0, x1, x2 = exp(b0 + y0), exp(b1 + y1), exp(b2 + y2)
        share = h * (x0 + x1 + x2)
        if share == 0.0:  # as _recursions (EDGE-70)
            top = max(b0 + y0, b1 + y1, b2 + y2)
            x0, x1, x2 = exp(b0 + y0 - top), exp(b1 + y1 - top), exp(b2 + y2 - top)
            share = h * (x0 + x1 + x2)
        b0, b1, b2 = log(stay * x0 + share), log(stay * x1 + share), log(stay * x2 + share)
        top = b0
        if b1 > top:
            top = b1
        if b2 > top:
            top = b2
        b0, b1, b2 = b0 - top, b1 - top, b2 - top
        out[i], out[i + 1], out[i + 2] = b0, b1, b2
        if k == 0:
            return out
        if b0 == first[i] and b1 == first[i + 1] and b2 == first[i + 2]:  # met: the same down to the next link
            while t >= 0 and links[t] >= k:
                t -= 1
            if t < 0:
                return out
            k = links[t]
        else:
            k -= 1
