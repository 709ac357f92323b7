"""compare's flag table counts every quality flag a step can carry (docs/conventions.md `quality_flags`), and says what
the ones that spoil no metric mean (EDGE-206)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrogait.compare.core import compare_directions
from retrogait.compare.metrics import QUALITY_FLAGS
from retrogait.compare.sentences import caveats_for

N = 40


def _steps(flags: dict[int, str]) -> pd.DataFrame:
    rng = np.random.default_rng(6)
    steps = pd.DataFrame(
        {
            "direction": ["forward"] * N + ["backward"] * N,
            "ic_time_s": np.arange(2 * N) * 0.7,
            "step_time_s": rng.normal(0.36, 0.01, 2 * N),
            "contact_time_s": rng.normal(0.2, 0.01, 2 * N),
            "impact_peak_g": rng.normal(8.0, 1.0, 2 * N),
            "quality_flags": [""] * (2 * N),
        }
    )
    for row, flag in flags.items():
        steps.loc[row, "quality_flags"] = flag
    return steps


def test_the_flag_table_counts_quantised_and_remounted_steps() -> None:
    """A `quantised` step (its contact or impact moves with the acceleration's rounding, HONEST-8) or a `remounted`
    one (after a re-mount, MOUNT-1/2) was counted `clean` in compare.json's `quality_flags`: no column had them."""
    assert QUALITY_FLAGS == ("clipped", "low_rate", "gap", "bridged", "no_gyro", "quantised", "remounted")
    flags = {0: "quantised", 1: "quantised;gap", 2: "remounted", N: "quantised", N + 1: "remounted;no_gyro"}
    comparison = compare_directions(_steps(flags))
    counts = comparison.flag_counts.set_index("direction")
    assert counts.loc["forward", ["quantised", "remounted", "gap", "clean"]].tolist() == [2, 1, 1, N - 3]
    assert counts.loc["backward", ["quantised", "remounted", "no_gyro", "clean"]].tolist() == [1, 1, 1, N - 2]
    plain = compare_directions(_steps({1: "gap", N + 1: "no_gyro"}))  # the same steps without the two flags
    table, before = comparison.table.set_index("metric"), plain.table.set_index("metric")
    assert table[["n_forward", "n_backward"]].equals(before[["n_forward", "n_backward"]])  # they spoil no metric


def test_compare_says_what_quantised_steps_are() -> None:
    said = [c for c in caveats_for(compare_directions(_steps({0: "quantised", 1: "quantised", N: "quantised"})))]
    quantised = [c for c in said if "quantised" in c]
    assert len(quantised) == 1 and quantised[0].startswith("2 forward, 1 backward")
    assert "HONEST-8" in quantised[0] and "compared as the others" in quantised[0]
    assert not any("quantised" in c for c in caveats_for(compare_directions(_steps({}))))


def test_the_summary_counts_the_quantised_and_remounted_steps_compare_counts() -> None:
    """REVIEW-58: summary.json's `flagged_steps` (and so `analyze`'s "flags" column) counted clipped, low_rate, gap
    (no_gyro and bridged when present) and never `quantised` or `remounted`: a session with 5 backward steps flagged
    quantised in steps.csv and compare.json showed `flags -` for them. Counted when present, as no_gyro is; a summary
    without them is as before."""
    from dataclasses import replace

    from retrogait import analyze
    from retrogait.analysis.aggregate import flags_of
    from retrogait.conventions import STANDARD_GRAVITY_MS2
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate

    assert flags_of(pd.Series(["", "gap"])) == ("clipped", "low_rate", "gap")  # as before
    both = ("clipped", "low_rate", "gap", "quantised", "remounted")
    assert flags_of(pd.Series(["quantised", "gap;remounted"])) == both
    # scripts/compare_quantised_flags.py's 8 bits over +-8 g, seed 2: 5 backward steps quantised
    bouts = parse_bouts("still::0:2,forward:running:3.0:40,backward:running:2.5:40")
    session = simulate(SimulationConfig("shank", bouts, 200.0, seed=2)).session
    quantum = 2 * 8.0 / 2**8 * STANDARD_GRAVITY_MS2
    result = analyze(replace(session, acc=np.round(session.acc / quantum) * quantum))
    counts = compare_directions(result.steps).flag_counts.set_index("direction")
    assert counts["quantised"].sum() > 0
    for direction in ("forward", "backward"):
        summary = result.summary["per_direction"][direction]["flagged_steps"]
        assert {flag: int(counts.loc[direction, flag]) for flag in summary} == summary
        assert summary.get("quantised", 0) == counts.loc[direction, "quantised"]


def test_clean_means_one_thing_no_flag_at_all() -> None:
    """EDGE-211: compare.csv's `subset` said "clean steps" of the steps no flag of which spoils the metric (a `no_gyro`,
    `bridged`, `quantised` or `remounted` step among them), while compare.json's `clean` counts the steps without any
    flag. The subset is now "usable steps"; `clean` is only the flag table's."""
    from retrogait.compare.design import CompareSettings
    from retrogait.compare.output import readable_table

    flags = {0: "gap", 1: "no_gyro", N: "quantised"}
    comparison = compare_directions(_steps(flags), settings=CompareSettings(flagged="separate"))
    assert set(comparison.table["subset"]) == {"usable steps", "flagged steps only"}
    contact = comparison.table.set_index(["metric", "subset"]).loc["contact_time_s"]
    assert contact.loc["usable steps", ["n_forward", "n_backward"]].tolist() == [N - 1, N]  # no_gyro kept
    counts = comparison.flag_counts.set_index("direction")
    assert counts.loc["forward", "clean"] == N - 2 and counts.loc["backward", "clean"] == N - 1  # no flag at all
    shown = readable_table(comparison)["metric"].tolist()
    assert "contact_time_s" in shown and "contact_time_s (flagged steps)" in shown
