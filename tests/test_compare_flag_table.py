"""compare's flag table counts every quality flag a step can carry (docs/conventions.md `quality_flags`), and says what
the ones that spoil no metric mean (EDGE-206)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def _flag_matrix_per_step(steps: pd.DataFrame) -> pd.DataFrame:
    """The flag matrix as it was made before BATCH-53's vectorisation: each step's text split at `;` and each flag
    looked up in its tokens (exact tokens: `gap ` or `GAP` is no flag)."""
    flags = steps["quality_flags"].astype("string").fillna("")
    tokens = flags.str.split(";")
    return pd.DataFrame(
        {flag: tokens.map(lambda items, f=flag: f in items).astype(bool) for flag in QUALITY_FLAGS},
        index=steps.index,
    )


def test_the_flag_matrix_is_the_per_step_one_on_fuzzed_flag_texts() -> None:
    """BATCH-53 (issue 17): `flag_matrix` is made from the distinct texts, not step by step; the same booleans for
    every text a steps table can hold: empty, missing, flags in any order, repeated, unknown words, spaces, case,
    stray `;`, numbers read from an all-empty column."""
    from retrogait.compare.fairness import flag_counts, flag_matrix

    rng = np.random.default_rng(211)
    words = [*QUALITY_FLAGS, "", "gap ", " gap", "GAP", "clip", "no-gyro", "low_rate;", "impact", "x"]
    texts: list[object] = [";".join(rng.choice(words, size=rng.integers(0, 5))) for _ in range(3000)]
    texts += [None, np.nan, "", ";", ";;gap;;", 1.0]
    steps = pd.DataFrame(
        {
            "quality_flags": pd.Series(texts, dtype=object),
            "direction": rng.choice(np.array(["forward", "backward", "sideways", "unknown", None]), len(texts)),
        },
        index=rng.permutation(len(texts)) + 7,
    )
    expected = _flag_matrix_per_step(steps)
    pd.testing.assert_frame_equal(flag_matrix(steps), expected)
    numbers = pd.DataFrame({"quality_flags": [np.nan, np.nan], "direction": ["forward", "backward"]})
    pd.testing.assert_frame_equal(flag_matrix(numbers), _flag_matrix_per_step(numbers))
    flags = expected.assign(direction=steps["direction"].to_numpy(), any_flag=expected.any(axis=1))
    grouped = flags.groupby("direction", sort=True)  # the flag table as it was made before (a groupby)
    before = grouped[[*QUALITY_FLAGS, "any_flag"]].sum().astype(int)
    before.insert(0, "steps", grouped.size().astype(int))
    before["clean"] = before["steps"] - before["any_flag"]
    pd.testing.assert_frame_equal(flag_counts(steps), before.drop(columns="any_flag").reset_index())
    counts = flag_counts(steps).set_index("direction")
    for direction in ("forward", "backward"):
        mine = expected[steps["direction"] == direction]
        assert counts.loc[direction, list(QUALITY_FLAGS)].tolist() == mine.sum().tolist()
        assert counts.loc[direction, "clean"] == int((~mine.any(axis=1)).sum())


def test_a_comparison_reads_the_flags_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flag texts were split twice per comparison: for the flag table and for the metrics' exclusions."""
    import retrogait.compare.core as core
    import retrogait.compare.fairness as fairness

    calls: list[int] = []
    real = fairness.flag_bits

    def counted(steps: pd.DataFrame) -> np.ndarray:
        calls.append(len(steps))
        return real(steps)

    monkeypatch.setattr(fairness, "flag_bits", counted)
    monkeypatch.setattr(core, "flag_bits", counted)
    compare_directions(_steps({0: "gap", N: "clipped"}))
    assert calls == [2 * N]
