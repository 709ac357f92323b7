"""compare_directions on seeded steps tables with known built-in differences."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from retrogait.compare import (
    METRICS,
    MIN_STEPS_FOR_INFERENCE,
    CompareSettings,
    SourceInfo,
    check_comparable,
    compare_directions,
    match_steps,
    stats,
)
from retrogait.compare.metrics import METRICS_BY_NAME
from retrogait.errors import RetrogaitError
from steps_factory import make_steps

FAST = CompareSettings(n_boot=500)


def row(comparison: object, metric: str, subset: str = "usable steps") -> dict[str, object]:
    table = comparison.table  # type: ignore[attr-defined]
    sel = table[(table["metric"] == metric) & (table["subset"] == subset)]
    assert len(sel) == 1
    return sel.iloc[0].to_dict()  # type: ignore[no-any-return]


def test_known_difference_is_reported_with_an_interval_holding_the_truth() -> None:
    c = compare_directions(make_steps(impact_ratio=0.8, seed=3), settings=FAST)
    r = row(c, "impact_peak_g")
    assert c.level == "steps"
    assert r["ci_low"] <= -20.0 <= r["ci_high"]
    assert r["difference"] == pytest.approx(-20.0, abs=4.0)
    assert r["significant"] is True and r["test"] == "block-bootstrap test"
    assert r["design"] == "steps, unpaired, blocks of consecutive steps" and r["block_steps_forward"] >= 1
    assert r["effect_size"] < -0.5
    cad = row(c, "cadence_spm")
    truth = 100 * (182.0 / 170.0 - 1)
    assert cad["ci_low"] <= truth + 0.3 and truth - 0.3 <= cad["ci_high"]
    ff = row(c, "forefoot_share")
    assert ff["test"] == "block-bootstrap test" and ff["difference_unit"] == "percentage points"
    assert ff["ci_low"] <= 70.0 <= ff["ci_high"]
    assert "lower running backward" in str(r["summary"]) and "95 % CI" in str(r["summary"])


def test_steps_of_one_person_use_the_block_bootstrap_whatever_their_shape() -> None:
    c = compare_directions(make_steps(skewed=True, impact_sd_g=9.0, seed=4), settings=FAST)
    r = row(c, "impact_peak_g")
    assert r["test"] == "block-bootstrap test" and np.isfinite(r["p_value"])
    assert "One session of one person" in c.unit_reason and "blocks of consecutive steps" in c.unit_reason


def test_too_few_steps_gives_no_p_value() -> None:
    c = compare_directions(make_steps(n_backward=MIN_STEPS_FOR_INFERENCE - 1), settings=FAST)
    r = row(c, "impact_peak_g")
    assert np.isnan(r["p_value"]) and np.isnan(r["ci_low"]) and r["significant"] is None
    assert np.isfinite(r["difference"]) and r["n_backward"] == MIN_STEPS_FOR_INFERENCE - 1
    assert "at least 20" in str(r["note"]) and "not evidence" in str(r["summary"])
    two = compare_directions(make_steps(n_forward=2, n_backward=2), settings=FAST)
    assert two.table["p_value"].isna().all()


def test_no_backward_steps_is_said_plainly() -> None:
    steps = make_steps()
    c = compare_directions(steps[steps["direction"] == "forward"], settings=FAST)
    r = row(c, "impact_peak_g")
    assert "no usable backward steps" in str(r["note"]) and np.isnan(r["p_value"])
    assert "forward:" in str(r["summary"])


def test_flagged_steps_are_excluded_per_metric_and_counted() -> None:
    c = compare_directions(make_steps(clipped_every=10), settings=FAST)
    impact, cadence = row(c, "impact_peak_g"), row(c, "cadence_spm")
    assert (impact["n_forward"], impact["n_excluded_forward"]) == (180, 20)
    # clipping does not spoil timing; a bout's first step is timed from the bout before and not counted
    assert (cadence["n_forward"], cadence["n_excluded_forward"]) == (199, 0)
    counts = c.flag_counts.set_index("direction")
    assert counts.loc["backward", "clipped"] == 20 and counts.loc["backward", "clean"] == 180
    assert any("clipped: 20 forward, 20 backward" in text for text in c.caveats)
    separate = compare_directions(
        make_steps(clipped_every=10), settings=CompareSettings(n_boot=200, flagged="separate")
    )
    flagged = row(separate, "impact_peak_g", "flagged steps only")
    assert flagged["n_forward"] == 20 and flagged["n_backward"] == 20


def test_unknown_direction_and_other_activities_are_left_out() -> None:
    steps = make_steps()
    steps.loc[:9, "direction"] = "unknown"
    steps.loc[10:14, "activity"] = "walking"
    c = compare_directions(steps, settings=FAST)
    assert c.excluded == {"direction sideways": 0, "direction unknown": 10, "not running": 5}
    assert row(c, "cadence_spm")["n_forward"] == 185


def test_sideways_steps_are_in_neither_group_and_counted() -> None:
    steps = make_steps()
    steps.loc[:6, "direction"] = "sideways"
    steps.loc[7:9, "direction"] = "unknown"
    c = compare_directions(steps, settings=FAST)
    assert c.excluded["direction sideways"] == 7 and c.excluded["direction unknown"] == 3
    # the first step of each direction is timed from another direction (unknown, forward): no step time
    assert row(c, "cadence_spm")["n_forward"] + row(c, "cadence_spm")["n_backward"] == len(steps) - 10 - 2
    assert "7 (direction sideways)" in " ".join(c.caveats)


def _sessions(
    n_sessions: int, *, ratio: float, both: bool = True, session_sd_g: float = 1.5, seed: int = 0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(n_sessions):
        level = 10.0 + rng.normal(0, session_sd_g)
        steps = make_steps(n_forward=60, n_backward=60, impact_forward_g=level, impact_ratio=ratio, seed=seed * 100 + k)
        if not both:
            steps = steps[steps["direction"] == ("forward" if k % 2 == 0 else "backward")]
        parts.append(steps.assign(session=f"s{k}"))
    return pd.concat(parts, ignore_index=True)


def test_several_sessions_are_paired_per_session() -> None:
    c = compare_directions(_sessions(8, ratio=0.85), settings=FAST)
    r = row(c, "impact_peak_g")
    assert c.level == "sessions" and r["design"] == "sessions, paired"
    assert r["clusters_forward"] == 8 and r["effect_size_name"] == "Hedges' g_av"
    assert r["ci_low"] <= -15.0 <= r["ci_high"]
    assert "one mean per session and direction is one observation" in c.unit_reason
    assert c.caveats[0] == c.unit_reason


def test_several_subjects_are_the_unit() -> None:
    steps = _sessions(8, ratio=0.85)
    steps["subject"] = steps["session"].str.replace("s", "p")
    c = compare_directions(steps, settings=FAST)
    assert c.level == "subjects" and row(c, "impact_peak_g")["design"] == "subjects, paired"


def test_one_person_with_too_few_sessions_is_compared_on_steps() -> None:
    """Issue 12 item 16: a forward and a backward run of one person answer, on the steps, in blocks."""
    c = compare_directions(_sessions(2, ratio=0.8, both=False), settings=FAST)
    r = row(c, "impact_peak_g")
    assert c.level == "steps" and r["test"] == "block-bootstrap test" and r["significant"] is True
    assert r["ci_low"] <= -20.0 <= r["ci_high"]
    assert "One person, 2 sessions" in c.unit_reason and "its own session" in c.unit_reason
    assert "too few" not in " ".join(c.table["note"].astype(str))
    three = compare_directions(_sessions(3, ratio=0.8), settings=FAST)
    assert three.level == "steps" and "its own session" not in three.unit_reason


def test_the_sessions_counted_per_direction_are_said_to_be_those_of_five_steps_or_more() -> None:
    """HONEST-41: a forward run and a session holding 2 backward steps (`compare a_fwd one/steps.csv`) read "(1 with
    forward and 0 with backward steps; ...)" and "Each direction was run in its own session"; a session with 3 steps
    of each direction was also said to be run one way only."""
    two = _sessions(2, ratio=0.8, both=False)
    two = two[(two["session"] == "s0") | (two.groupby("session").cumcount() < 2)]
    c = compare_directions(two, settings=FAST)
    assert "(1 with 5 or more forward and 0 with 5 or more backward steps; 6 such per direction" in c.unit_reason
    assert "its own session" in c.unit_reason
    few = _sessions(2, ratio=0.8)
    few = few[(few["session"] == "s0") | (few.groupby(["session", "direction"]).cumcount() < 3)]
    mixed = compare_directions(few, settings=FAST)
    assert "its own session" not in mixed.unit_reason
    assert "No session holds 5 or more steps of each direction" not in mixed.unit_reason  # s0 holds 60 of each
    only_few = compare_directions(
        few[few["session"] == "s1"]
        .assign(session="s1")
        .pipe(lambda f: pd.concat([f, _sessions(1, ratio=0.8, both=False).assign(session="s2")])),
        settings=FAST,
    )
    assert "No session holds 5 or more steps of each direction" in only_few.unit_reason
    assert "its own session" not in only_few.unit_reason


def test_too_few_subjects_are_described_only() -> None:
    steps = _sessions(3, ratio=0.8)
    steps["subject"] = steps["session"].str.replace("s", "p")
    c = compare_directions(steps, settings=FAST)
    r = row(c, "impact_peak_g")
    assert c.level == "subjects" and np.isnan(r["p_value"]) and "too few subjects" in str(r["note"])


def _null_sessions(n_sessions: int, steps_per_session: int, session_sd_g: float, seed: int) -> pd.DataFrame:
    """Sessions holding one direction each (alternating), a per-session offset, no direction effect."""
    rng = np.random.default_rng(seed)
    session = np.repeat(np.arange(n_sessions), steps_per_session)
    level = 10.0 + rng.normal(0.0, session_sd_g, n_sessions)
    return pd.DataFrame(
        {
            "ic_time_s": np.tile(np.arange(steps_per_session) * 0.35, n_sessions),
            "direction": np.where(session % 2 == 0, "forward", "backward"),
            "impact_peak_g": level[session] + rng.normal(0.0, 2.0, session.size),
            "session": session.astype(str),
        }
    )


def test_sessions_not_steps_carry_the_error_rate() -> None:
    """Sessions differ (a session-level offset) but directions do not, and each session holds one
    direction. Treating pooled steps as independent (Welch's t) calls that 'significant' far too often;
    the session-level analysis stays near its 5 %, and so does the block bootstrap over the pooled steps
    (a session's offset is a long-lasting dependence between its consecutive steps)."""
    metric = (METRICS_BY_NAME["impact_peak_g"],)
    settings_sessions = CompareSettings(n_boot=200)
    settings_steps = CompareSettings(n_boot=200, unit="steps")
    hits_sessions = hits_blocks = hits_independent = 0
    n_seeds = 60
    bound = 0.05 + 3 * np.sqrt(0.05 * 0.95 / n_seeds)
    for seed in range(n_seeds):
        steps = _null_sessions(12, 60, session_sd_g=1.5, seed=seed)
        by_session = compare_directions(steps, settings=settings_sessions, metrics=metric)
        pooled = compare_directions(steps, settings=settings_steps, metrics=metric)
        assert by_session.level == "sessions" and row(by_session, "impact_peak_g")["design"] == "sessions, unpaired"
        hits_sessions += bool(row(by_session, "impact_peak_g")["significant"])
        hits_blocks += bool(row(pooled, "impact_peak_g")["significant"])
        fwd = steps.loc[steps["direction"] == "forward", "impact_peak_g"].to_numpy()
        bwd = steps.loc[steps["direction"] == "backward", "impact_peak_g"].to_numpy()
        hits_independent += bool(stats.welch_t(fwd, bwd)[1] < 0.05)
    assert hits_sessions / n_seeds <= bound
    assert hits_blocks / n_seeds <= bound
    assert hits_independent / n_seeds > 0.3


def test_matching_on_cadence_equalises_cadence() -> None:
    steps = make_steps(cadence_forward_spm=170.0, cadence_backward_spm=176.0, seed=8)
    matched, info = match_steps(steps, on="cadence", seed=1)
    fwd = matched[matched["direction"] == "forward"]
    bwd = matched[matched["direction"] == "backward"]
    assert len(fwd) == len(bwd) == info.after["forward"] and len(fwd) < 200
    assert abs(fwd["cadence_spm"].mean() - bwd["cadence_spm"].mean()) < 1.0
    c = compare_directions(steps, settings=CompareSettings(n_boot=200, match="cadence"))
    assert abs(row(c, "cadence_spm")["difference"]) < 1.0
    assert c.match is not None and any("Matched on cadence" in t for t in c.caveats)
    with pytest.raises(RetrogaitError, match="no speed_ms"):
        match_steps(steps, on="speed")


def _source(path: str, placement: str | None, sensor: str | None = "Movesense MD") -> SourceInfo:
    return SourceInfo(path, path, "unknown", "analysis output", placement, sensor, None, 500.0, 16.0, 10)


def test_placements_and_sensors_must_match() -> None:
    with pytest.raises(RetrogaitError, match=r"tibial acceleration.*not the run direction"):
        check_comparable([_source("a", "shank"), _source("b", "lower_back")])
    with pytest.raises(RetrogaitError, match="same sensor"):
        check_comparable([_source("a", "shank"), _source("b", "shank", "Polar Verity Sense")])
    with pytest.raises(RetrogaitError, match="--placement"):
        check_comparable([_source("a", "shank"), _source("b", None)])
    filled = check_comparable([_source("a", "shank"), _source("b", None)], placement="shank")
    assert [s.placement for s in filled] == ["shank", "shank"]
    assert check_comparable([_source("a", None), _source("b", None)])[0].placement is None


def test_json_has_no_nan_and_every_metric() -> None:
    c = compare_directions(make_steps(), sources=[_source("a", "shank")], settings=FAST)
    text = json.dumps(c.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert [m["metric"] for m in data["metrics"]] == [m.name for m in METRICS]
    assert data["level"] == "steps" and data["sources"][0]["placement"] == "shank"
    assert any("Tibial acceleration" in t for t in data["caveats"])


# ------------------------------------------- COMPARE-13: observations of several people pooled, rates mixed


def test_sessions_of_several_subjects_taken_as_independent_get_no_test() -> None:
    """`--unit sessions` over sessions of two runners took them as independent (a p-value on pseudo-replicated
    sessions) and called them "8 sessions of one person"."""
    steps = _sessions(8, ratio=0.85)
    steps["subject"] = np.where(steps["session"].isin(["s0", "s1", "s2", "s3"]), "ann", "bob")
    c = compare_directions(steps, settings=CompareSettings(n_boot=500, unit="sessions"))
    assert c.level == "sessions" and "8 sessions of 2 subjects" in c.unit_reason and "one person" not in c.unit_reason
    assert c.table["p_value"].isna().all() and c.table["ci_low"].isna().all()
    r = row(c, "impact_peak_g")
    assert "sessions of 2 subjects are taken as independent" in r["note"] and np.isfinite(r["difference"])
    assert "description, not evidence" in str(r["summary"])
    one_each = _sessions(8, ratio=0.85)  # one session per subject: sessions are subjects, compared as such
    one_each["subject"] = one_each["session"]
    c = compare_directions(one_each, settings=CompareSettings(n_boot=500, unit="sessions"))
    assert row(c, "impact_peak_g")["design"] == "sessions, paired"


def test_steps_of_several_subjects_pooled_get_no_test() -> None:
    steps = _sessions(2, ratio=0.8)
    steps["subject"] = steps["session"]
    c = compare_directions(steps, settings=CompareSettings(n_boot=500, unit="steps"))
    r = row(c, "impact_peak_g")
    assert c.level == "steps" and "of 2 subjects" in c.unit_reason
    assert not np.isfinite(r["p_value"]) and "steps of 2 subjects are pooled" in r["note"]


def test_inputs_naming_no_subject_beside_named_ones_are_said_to_be_one_subject() -> None:
    steps = _sessions(8, ratio=0.85)
    steps["subject"] = np.where(steps["session"].isin(["s6", "s7"]), "unknown", steps["session"])
    c = compare_directions(steps, settings=FAST)
    assert c.level == "subjects" and "The 2 inputs naming no subject are taken as one subject" in c.unit_reason


def _rated(session: str, rate: float) -> SourceInfo:
    return SourceInfo(f"{session}.csv", session, "unknown", "analysis output", "shank", None, None, rate, None, 60)


def test_inputs_sampled_at_different_rates_are_said_and_a_direction_per_rate_too() -> None:
    """Sessions at 100 and 400 Hz were pooled with no word of it in the console (the report listed the rates)."""
    steps = _sessions(2, ratio=0.8, both=False)  # s0 forward only, s1 backward only
    c = compare_directions(steps, sources=[_rated("s0", 100.0), _rated("s1", 400.0)], settings=FAST)
    note = next(n for n in c.caveats if n.startswith("The inputs were sampled at different rates"))
    assert "100 Hz: s0; 400 Hz: s1" in note and "may be the sample rate, not the run direction" in note
    both = _sessions(2, ratio=0.8)  # each session holds both directions: said, not called confounded
    c = compare_directions(both, sources=[_rated("s0", 100.0), _rated("s1", 400.0)], settings=FAST)
    note = next(n for n in c.caveats if n.startswith("The inputs were sampled at different rates"))
    assert "may be the sample rate" not in note
    same = compare_directions(both, sources=[_rated("s0", 400.0), _rated("s1", 400.0)], settings=FAST)
    assert not any("different rates" in n for n in same.caveats)
