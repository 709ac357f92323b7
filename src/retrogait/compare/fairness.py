"""Fair comparisons: like with like (placement and sensor), quality flags, matching on cadence or speed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from retrogait.compare.inputs import SourceInfo
from retrogait.compare.metrics import QUALITY_FLAGS
from retrogait.errors import RetrogaitError

#: What each placement's impact numbers measure, for messages and caveats.
PLACEMENT_MEANING: Final = {
    "shank": "tibial acceleration (the shock reaching the shin, along the tibia)",
    "foot": "foot acceleration (the shoe meeting the ground, the least damped signal)",
    "lower_back": "acceleration at the sacrum (after the leg has damped the impact; used to estimate the ground force)",
    "thigh": "a phone in a trouser pocket (good for steps and cadence only)",
    "arm": "a phone in an armband (good for steps and cadence only)",
    "hand": "a phone in the hand (good for steps and cadence only)",
    "chest": "a phone in a neck pouch (good for steps and cadence only)",
    "bag": "a phone in a bag (good for steps and cadence only)",
    "wrist": "wrist motion (arm swing; good for cadence only)",
    "other": "motion at an unspecified place (good for cadence only)",
}

#: Bin widths for matching: cadence (steps/min) and speed (m/s).
MATCH_BIN_WIDTH: Final = {"cadence": 5.0, "speed": 0.2}
MATCH_COLUMN: Final = {"cadence": "cadence_spm", "speed": "speed_ms"}
MatchOn = Literal["cadence", "speed"]


def check_comparable(sources: Sequence[SourceInfo], *, placement: str | None = None) -> list[SourceInfo]:
    """Refuse to mix placements or sensors; returns the sources with unknown placements filled in.

    ``placement`` (from ``--placement``) names the placement of inputs that do not state one (a bare
    steps.csv without summary.json); it must agree with those that do. Raises :class:`RetrogaitError`
    with the reason when inputs are not like with like.
    """
    filled = [replace(s, placement=s.placement or placement) for s in sources]
    for s in filled:
        if placement and s.placement != placement:
            raise RetrogaitError(f"{s.path}: placement is {s.placement}, but --placement says {placement}")
    known = [s for s in filled if s.placement]
    unknown = [s for s in filled if not s.placement]
    if known and unknown:
        raise RetrogaitError(
            f"{unknown[0].path}: placement unknown (no summary.json beside it) while {known[0].path} is "
            f"{known[0].placement}; only the same placement can be compared, so state it with --placement"
        )
    if known:
        first = known[0]
        for s in known[1:]:
            if s.placement != first.placement:
                a = PLACEMENT_MEANING.get(first.placement or "", first.placement)
                b = PLACEMENT_MEANING.get(s.placement or "", s.placement)
                raise RetrogaitError(
                    f"cannot compare {first.path} ({first.placement}) with {s.path} ({s.placement}): "
                    f"{first.placement} measures {a}, {s.placement} measures {b}; the same stride gives very "
                    "different values at the two places, so a difference would be the placement, not the run "
                    "direction. Compare each placement on its own"
                )
    sensors = [s for s in filled if s.sensor]
    for s in sensors[1:]:
        if s.sensor != sensors[0].sensor:
            raise RetrogaitError(
                f"cannot compare {sensors[0].path} ({sensors[0].sensor}) with {s.path} ({s.sensor}): different "
                "sensors differ in range, sample rate, filtering and mass, which changes impact values; "
                "compare sessions recorded with the same sensor"
            )
    return filled


def _named(sessions: Sequence[str], at_most: int = 3) -> str:
    shown = ", ".join(sessions[:at_most])
    return shown + (f" and {len(sessions) - at_most} more" if len(sessions) > at_most else "")


def rate_note(sources: Sequence[SourceInfo], steps: pd.DataFrame | None = None) -> str | None:
    """A sentence when the inputs were sampled at different rates (COMPARE-13): a short impact peak sampled
    at a lower rate reads lower, so impact values are not measured alike across them; when each direction's
    steps come from inputs of other rates than the other's (``steps`` tells which session holds which
    direction), an impact difference may be the rate. None when one rate (or none) is known."""
    groups: dict[float, list[str]] = {}
    for s in sources:
        if s.sample_rate_hz:
            groups.setdefault(s.sample_rate_hz, []).append(s.session)
    if len(groups) < 2:
        return None
    listed = "; ".join(f"{rate:g} Hz: {_named(names)}" for rate, names in sorted(groups.items()))
    text = (
        f"The inputs were sampled at different rates ({listed}): a lower rate misses more of the top of a short "
        "impact peak, so impact peaks and loading rates are not measured alike across them"
    )
    if steps is not None and len(steps) and "session" in steps.columns:
        rate_of = {s.session: s.sample_rate_hz for s in sources if s.sample_rate_hz}
        rates = {
            d: {rate_of.get(str(x)) for x in steps.loc[steps["direction"] == d, "session"].unique()} - {None}
            for d in ("forward", "backward")
        }
        if rates["forward"] and rates["backward"] and not rates["forward"] & rates["backward"]:
            shown = {d: " and ".join(f"{r:g} Hz" for r in sorted(v)) for d, v in rates.items()}  # type: ignore[type-var]
            text += (
                f"; the forward steps were all recorded at {shown['forward']} and the backward steps at "
                f"{shown['backward']}, so an impact difference between them may be the sample rate, not the run "
                "direction"
            )
    return text + ". Cadence and contact time are much less affected; for impact, compare inputs of one rate."


def provenance_notes(sources: Sequence[SourceInfo], steps: pd.DataFrame | None = None) -> list[str]:
    """Sentences for inputs whose steps were made differently (USER-1): analysed with other settings
    (``settings_hash``) or by another version of the analysis (``analysis_version``), or with that not
    recorded while it is for others; sampled at different rates (:func:`rate_note`, with ``steps`` the
    compared steps). Empty when every input was made the same way (or none says how)."""
    out: list[str] = []
    rates = rate_note(sources, steps)
    if rates:
        out.append(rates)
    kinds = (
        ("settings_hash", "analysis settings (settings hash", "the settings", "with one settings file"),
        ("analysis_version", "versions of the analysis (version", "the analysis version", "with this version"),
    )
    for attr, what, cause, again in kinds:
        groups: dict[str, list[str]] = {}
        for s in sources:
            value = getattr(s, attr)
            if value:
                groups.setdefault(value, []).append(s.session)
        if len(groups) > 1:
            listed = "; ".join(f"{value}: {_named(names)}" for value, names in groups.items())
            out.append(
                f"The inputs were analysed with different {what} {listed}): their steps were found and measured "
                f"differently, so a difference between them may be {cause}, not the run direction; analyse the "
                f"recordings again {again}."
            )
    known = [s for s in sources if s.settings_hash or s.analysis_version]
    unknown = [s.session for s in sources if not (s.settings_hash and s.analysis_version)]
    if known and unknown:
        out.append(
            f"How {_named(unknown)} {'was' if len(unknown) == 1 else 'were'} analysed (settings, analysis version) "
            "is not recorded (a steps table without summary.json, or an analysis from an older version), so "
            "whether the inputs were analysed alike cannot be checked."
        )
    return out


def flag_bits(steps: pd.DataFrame) -> NDArray[np.uint8]:
    """Each step's quality flags as bits, bit ``i`` for ``QUALITY_FLAGS[i]``, from ``quality_flags`` (``;``-separated;
    a flag counts where it is one exact token, as ``str.split(";")`` gives them).

    Made from the distinct texts (a table holds a handful: "", "gap", "clipped;gap", ...), each split once, and spread
    to the steps by their codes: the per-step split and a Python lookup per flag took 4 s per million steps (BATCH-53).
    """
    texts = steps["quality_flags"].astype("string").fillna("")  # an all-clean column may be read as NaN floats
    codes, uniques = pd.factorize(texts)
    per_text = np.array(
        [sum(1 << i for i, flag in enumerate(QUALITY_FLAGS) if flag in str(text).split(";")) for text in uniques],
        dtype=np.uint8,
    )
    return per_text[codes] if per_text.size else np.zeros(len(steps), dtype=np.uint8)


def flags_of(bits: NDArray[np.uint8], index: pd.Index) -> pd.DataFrame:
    """One boolean column per quality flag of :data:`QUALITY_FLAGS` from :func:`flag_bits`, on ``index``."""
    return pd.DataFrame({flag: (bits & (1 << i)) != 0 for i, flag in enumerate(QUALITY_FLAGS)}, index=index)


def flag_matrix(steps: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per quality flag of :data:`QUALITY_FLAGS` (``clipped``, ``low_rate``, ``gap``, ``bridged``,
    ``no_gyro``, ``quantised``, ``remounted``) from ``quality_flags``."""
    return flags_of(flag_bits(steps), steps.index)


def flag_counts(steps: pd.DataFrame, bits: NDArray[np.uint8] | None = None) -> pd.DataFrame:
    """Steps per direction: total, clean (no flag at all) and carrying each flag (a step can carry several);
    ``bits``: the steps' :func:`flag_bits`, when already made."""
    bits = flag_bits(steps) if bits is None else bits
    # by direction, sorted, a missing direction left out (as pandas' groupby): counted with bincount, not a groupby
    # of a boolean frame (0.5 s per million steps)
    codes, directions = pd.factorize(steps["direction"], sort=True)
    kept = codes >= 0
    codes, bits = codes[kept], bits[kept]
    k = len(directions)
    counts = pd.DataFrame({"direction": np.asarray(directions, dtype=object)})
    counts["steps"] = np.bincount(codes, minlength=k).astype(int)
    for i, flag in enumerate(QUALITY_FLAGS):
        counts[flag] = np.bincount(codes[(bits & (1 << i)) != 0], minlength=k).astype(int)
    counts["clean"] = counts["steps"] - np.bincount(codes[bits != 0], minlength=k).astype(int)
    return counts


@dataclass(frozen=True)
class MatchInfo:
    """How steps were matched: on what, in bins of which width, and the steps kept per direction."""

    on: str
    column: str
    bin_width: float
    before: dict[str, int]
    after: dict[str, int]


def match_steps(
    steps: pd.DataFrame, *, on: MatchOn, bin_width: float | None = None, seed: int = 0
) -> tuple[pd.DataFrame, MatchInfo]:
    """Keep forward and backward steps with similar cadence (or speed), within each session.

    Steps are put into bins of ``bin_width`` (5 steps/min or 0.2 m/s by default) per session; in each
    bin the same number of forward and backward steps is kept (the smaller count), chosen at random
    with ``seed``. The result is a coarsened exact match: both directions then have the same
    cadence (speed) distribution, so a difference is not explained by running faster or slower.
    """
    column = MATCH_COLUMN[on]
    if column not in steps.columns or not steps[column].notna().any():
        hint = "; the analysis estimates no speed for this placement, use cadence" if on == "speed" else ""
        raise RetrogaitError(f"cannot match on {on}: the steps have no {column} values{hint}")
    width = bin_width or MATCH_BIN_WIDTH[on]
    directional = steps[steps["direction"].isin(["forward", "backward"])]
    before = directional["direction"].value_counts().to_dict()
    usable = directional[directional[column].notna()].copy()
    session = usable["session"] if "session" in usable.columns else pd.Series("", index=usable.index)
    usable["_bin"] = np.floor(usable[column].to_numpy() / width).astype(np.int64)
    usable["_session"] = session.to_numpy()
    usable["_key"] = np.random.default_rng(seed).random(len(usable))
    cell = ["_session", "_bin"]
    n_fwd = (usable["direction"] == "forward").groupby([usable[c] for c in cell]).transform("sum")
    n_bwd = (usable["direction"] == "backward").groupby([usable[c] for c in cell]).transform("sum")
    keep_n = np.minimum(n_fwd, n_bwd)
    rank = usable.groupby([*cell, "direction"])["_key"].rank(method="first")
    matched = usable[rank <= keep_n].drop(columns=["_bin", "_session", "_key"])
    matched = matched.sort_index()
    after = matched["direction"].value_counts().to_dict()
    info = MatchInfo(
        on=on,
        column=column,
        bin_width=float(width),
        before={str(k): int(v) for k, v in before.items()},
        after={str(k): int(v) for k, v in after.items()},
    )
    return matched, info
