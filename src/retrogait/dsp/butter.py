"""Digital Butterworth filters as second-order sections, the same coefficients as ``scipy.signal.butter``.

``butter_sos(order, edges_hz, fs_hz, btype)`` follows scipy's design step for step (analog prototype,
pre-warped edges, low-pass or band-pass transform, bilinear transform, and ``zpk2sos`` with its
"nearest" pairing and section order), so the sections agree with ``butter(..., output="sos")`` to
rounding (tests/test_dsp.py checks 1e-12). Only what the analysis designs is here: low-pass and
band-pass, digital (docs/decisions.md PERF-8).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from retrogait.masks import true_runs

#: Poles and zeros: real or complex arrays, as scipy passes them from step to step.
Roots = NDArray[Any]


def butter_sos(
    order: int, edges_hz: float | tuple[float, float], fs_hz: float, btype: Literal["low", "band"]
) -> NDArray[np.float64]:
    """(sections, 6) Butterworth filter of ``order`` (band-pass: ``2 * order`` poles), each row
    ``b0, b1, b2, 1, a1, a2``; ``edges_hz`` one cut-off (low) or (low, high) edges (band), 0 < edge < fs/2."""
    wn = np.atleast_1d(np.asarray(edges_hz, dtype=np.float64)) / (fs_hz / 2)
    if order < 1 or int(order) != order:
        raise ValueError(f"filter order must be a positive integer, not {order}")
    if btype not in ("low", "band") or wn.size != (1 if btype == "low" else 2):
        raise ValueError(f"btype {btype!r} needs {'one cut-off' if btype == 'low' else 'two edges'}, got {edges_hz}")
    if np.any(wn <= 0) or np.any(wn >= 1) or (wn.size == 2 and not wn[0] < wn[1]):
        raise ValueError(f"filter edges must be increasing and within (0, {fs_hz / 2}) Hz, not {edges_hz}")
    poles: Roots = -np.exp(1j * np.pi * np.arange(-order + 1, order, 2, dtype=np.float64) / (2 * order))
    zeros: Roots = np.zeros(0)  # float, as scipy's prototype
    fs = 2.0  # scipy designs on the normalised rate
    warped = 2 * fs * np.tan(np.pi * wn / fs)
    if btype == "low":
        wo = float(warped[0])
        zeros, poles, gain = wo * zeros, wo * poles, 1.0 * wo ** (poles.size - zeros.size)
    else:
        zeros, poles, gain = _lowpass_to_bandpass(zeros, poles, float(np.sqrt(warped[0] * warped[1])), warped)
    degree = poles.size - zeros.size
    fs2 = 2.0 * fs
    gain = gain * np.real(np.prod(fs2 - zeros) / np.prod(fs2 - poles))
    zeros = np.concatenate(((fs2 + zeros) / (fs2 - zeros), -np.ones(degree)))
    poles = (fs2 + poles) / (fs2 - poles)
    return _zpk2sos(zeros, poles, float(gain))


def _lowpass_to_bandpass(
    zeros: Roots, poles: Roots, wo: float, warped: NDArray[np.float64]
) -> tuple[Roots, Roots, float]:
    """scipy's ``lp2bp_zpk``: each prototype root to a pair about ``wo``, the missing zeros at the origin."""
    bw = float(warped[1] - warped[0])
    degree = poles.size - zeros.size
    z_lp = (zeros * bw / 2).astype(np.complex128)
    p_lp = (poles * bw / 2).astype(np.complex128)
    z_bp = np.concatenate((z_lp + np.sqrt(z_lp**2 - wo**2), z_lp - np.sqrt(z_lp**2 - wo**2), np.zeros(degree)))
    p_bp = np.concatenate((p_lp + np.sqrt(p_lp**2 - wo**2), p_lp - np.sqrt(p_lp**2 - wo**2)))
    return z_bp, p_bp, 1.0 * bw**degree


def _zpk2sos(zeros: Roots, poles: Roots, gain: float) -> NDArray[np.float64]:
    """scipy's digital ``zpk2sos`` with ``pairing="nearest"``: the pole nearest the unit circle goes to
    the last section with the zero nearest to it, and so on; the gain goes into the first section."""
    n_sections = (max(poles.size, zeros.size) + 1) // 2
    if poles.size % 2 == 1:
        poles = np.concatenate((poles, [0.0]))
        zeros = np.concatenate((zeros, [0.0]))
    z = np.concatenate(_cplxreal(zeros))
    p = np.concatenate(_cplxreal(poles))
    sos = np.zeros((n_sections, 6))
    for si in range(n_sections - 1, -1, -1):
        p1_idx = _worst(p)
        p1 = p[p1_idx]
        p = np.delete(p, p1_idx)
        if np.isreal(p1) and np.isreal(p).sum() == 0:  # the last real pole
            z1_idx = _nearest(z, p1, "real")
            sos[si] = _section([z[z1_idx], 0], [p1, 0])
            z = np.delete(z, z1_idx)
        elif len(p) + 1 == len(z) and not np.isreal(p1) and np.isreal(p).sum() == 1 and np.isreal(z).sum() == 1:
            z1_idx = _nearest(z, p1, "complex")  # one real pole and zero left: this pole takes a complex zero
            z1 = z[z1_idx]
            z = np.delete(z, z1_idx)
            sos[si] = _section([z1, np.conj(z1)], [p1, np.conj(p1)])
        else:
            if np.isreal(p1):
                real_idx = np.flatnonzero(np.isreal(p))
                p2_idx = real_idx[_worst(p[real_idx])]
                p2 = p[p2_idx]
                p = np.delete(p, p2_idx)
            else:
                p2 = np.conj(p1)
            z1_idx = _nearest(z, p1, "any")
            z1 = z[z1_idx]
            z = np.delete(z, z1_idx)
            if not np.isreal(z1):
                sos[si] = _section([z1, np.conj(z1)], [p1, p2])
            elif len(z) > 0:
                z2_idx = _nearest(z, p1, "real")
                sos[si] = _section([z1, z[z2_idx]], [p1, p2])
                z = np.delete(z, z2_idx)
            else:
                sos[si] = _section([z1], [p1, p2])
    sos[0][:3] *= gain
    return sos


def _worst(p: Roots) -> int:
    """Index of the pole nearest the unit circle."""
    return int(np.argmin(np.abs(1 - np.abs(p))))


def _nearest(fro: Roots, to: Any, which: Literal["real", "complex", "any"]) -> int:
    """Index of the element of ``fro`` nearest ``to`` among the real ones, the complex ones or all."""
    order = np.argsort(np.abs(fro - to))
    if which == "any":
        return int(order[0])
    mask = np.isreal(fro[order])
    if which == "complex":
        mask = ~mask
    return int(order[np.flatnonzero(mask)[0]])


def _section(z: list[object], p: list[object]) -> NDArray[np.float64]:
    """One row ``b0, b1, b2, a0, a1, a2`` with unit gain from up to two zeros and two poles."""
    row = np.zeros(6)
    b, a = _poly(np.asarray(z)), _poly(np.asarray(p))
    row[3 - b.size : 3] = b
    row[6 - a.size : 6] = a
    return row


def _poly(roots: Roots) -> Roots:
    """Monic polynomial coefficients of ``roots`` (real when they come in conjugate pairs), as ``np.poly``."""
    a = np.ones(1, dtype=roots.dtype)
    for root in roots:
        a = np.convolve(a, np.stack((np.ones_like(roots[0]), -root)), mode="full")
    if np.iscomplexobj(a):
        r = roots.astype(np.complex128)
        if np.all(np.sort(r.imag) == np.sort(np.conj(r).imag)):
            a = a.real.copy()
    return np.asarray(a)


def _cplxreal(z: Roots) -> tuple[Roots, Roots]:
    """Split into complex roots (one of each conjugate pair, the positive imaginary part's) and real roots,
    each sorted as scipy's ``_cplxreal`` sorts them."""
    z = np.atleast_1d(z)
    if z.size == 0:
        return z, np.zeros(0)
    tol = 100 * np.finfo((1.0 * z).dtype).eps
    z = z[np.lexsort((abs(z.imag), z.real))]
    real = abs(z.imag) <= tol * abs(z)
    zr = z[real].real
    if zr.size == z.size:
        return np.array([]), zr
    z = z[~real]
    zp, zn = z[z.imag > 0], z[z.imag < 0]
    if zp.size != zn.size:
        raise ValueError("complex root without its conjugate")
    same_real = np.diff(zp.real) <= tol * abs(zp[:-1])
    starts, ends = true_runs(same_real)
    for start, stop in zip(starts, ends + 1, strict=True):
        for chunk in (zp[start:stop], zn[start:stop]):
            chunk[...] = chunk[np.lexsort([abs(chunk.imag)])]
    if np.any(abs(zp - zn.conj()) > tol * abs(zn)):
        raise ValueError("complex root without its conjugate")
    return (zp + zn.conj()) / 2, zr
