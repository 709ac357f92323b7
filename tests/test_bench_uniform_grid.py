"""scripts/bench_uniform_grid.py: an input ``analyze`` refuses is a row of its own, not a traceback that loses every
other input's times; the row says whether the samples took their own slots (PERF-138; REVIEW-214)."""

from __future__ import annotations

from pathlib import Path

from script_module import FOOT, load_script, refused_input

BENCH = load_script("bench_uniform_grid")
ROOT = Path(__file__).resolve().parents[1]


def test_a_refused_input_is_a_row_and_the_others_are_timed(tmp_path: Path) -> None:
    refused, good = refused_input(tmp_path), FOOT
    rows = BENCH.run(str(ROOT / "src"), [str(refused), str(good)])
    assert [row[0] for row in rows] == [str(refused), str(good)]
    assert rows[0][3] == "refused"
    _, grid_ms, slots_ms, placed, samples, own = rows[1]
    assert placed == "uniform" and int(samples) > 0 and float(grid_ms) >= 0.0 <= float(slots_ms) and own == "-"


def test_samples_on_their_own_slots_are_counted(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(5)
    n = 3_000
    t = np.arange(n) / 100.0 + rng.uniform(-0.2, 0.2, n) / 100.0
    acc = np.c_[rng.normal(0.0, 1.0, (n, 2)), 9.81 + rng.normal(0.0, 1.0, n)]
    gyr = rng.normal(0.0, 50.0, (n, 3))
    table = np.c_[t, acc, gyr]
    path = tmp_path / "jittered.csv"
    np.savetxt(path, table, delimiter=",", fmt="%.6f", header="time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z", comments="")
    rows = BENCH.run(str(ROOT / "src"), [str(path)])
    assert [(row[3], row[5]) for row in rows] == [("slots", "own")]
    table[1_500, 1] = 1e30  # a row the range check drops: a slot without its sample (PERF-149)
    np.savetxt(path, table, delimiter=",", fmt="%.6f", header="time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z", comments="")
    rows = BENCH.run(str(ROOT / "src"), [str(path)])
    assert [(row[3], row[4], row[5]) for row in rows] == [("slots", str(n - 1), "holes")]
