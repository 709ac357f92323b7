"""Fast session writing (issue 16 item 4): every float is written exactly as Python's repr spells it."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrogait.csvtext import _PLACES_FROM, _decimal, csv_lines, float_matrix
from retrogait.session import Session, SessionMeta, SessionWriter, format_header, read_session, write_session


def texts(values: np.ndarray) -> list[str]:
    return [row[row != 0].tobytes().decode() for row in float_matrix(values)]


def expected(value: float) -> str:
    return "" if math.isnan(value) else repr(value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50))
def test_every_float_is_spelled_like_repr(values: list[float]) -> None:
    assert texts(np.array(values)) == [expected(v) for v in values]
    long = np.resize(np.array(values), _PLACES_FROM)  # long columns try the common decimal places first
    assert texts(long) == [expected(v) for v in long.tolist()]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=-2000, max_value=2000, places=4, allow_nan=False), min_size=1, max_size=60))
def test_logger_decimals_take_the_fast_path_and_read_back(values: list[object]) -> None:
    x = np.array([float(v) for v in values])  # type: ignore[arg-type]
    assert texts(x) == [repr(v) for v in x.tolist()]
    long = np.resize(x, _PLACES_FROM)  # long columns try the common decimal places first
    assert texts(long) == [repr(v) for v in long.tolist()]
    back = pd.read_csv(io.BytesIO(b"x\n" + csv_lines([x])), dtype=np.float64)["x"].to_numpy()  # type: ignore[operator]
    assert np.array_equal(back, x)


def test_edge_values() -> None:
    values = [0.0, -0.0, 3.0, 9.8066, 0.0001, 9.999999999999999e-05, 1e16, 9999999999999998.0, 0.1 + 0.2,
              123456789012345.6, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan]  # fmt: skip
    assert texts(np.array(values)) == [expected(v) for v in values]


def test_integer_and_text_columns_are_written_as_pandas_writes_them(small_session: Session, tmp_path: object) -> None:
    n = small_session.n_samples
    session = Session(
        small_session.t_s,
        small_session.acc,
        small_session.gyr,
        small_session.meta,
        extra={"count": np.arange(n) - 5, "marker": np.where(np.arange(n) % 3, "a", "b, quoted")},
    )
    for extra in ({"count": session.extra["count"]}, session.extra):
        s = Session(session.t_s, session.acc, session.gyr, session.meta, extra=dict(extra))
        path = write_session(s, f"{tmp_path}/s.csv")
        reference = format_header(s.meta) + s.to_frame().to_csv(index=False, lineterminator="\n")
        assert path.read_text(encoding="utf-8") == reference
        assert np.array_equal(read_session(path).acc, s.acc)


def test_live_writer_appends_the_same_text(tmp_path: object) -> None:
    meta = SessionMeta("shank", 100.0)
    t = np.arange(200) / 100.0
    acc = np.round(np.random.default_rng(1).normal(0, 3, (200, 3)), 4) + [0, 0, 9.81]
    with SessionWriter(f"{tmp_path}/live.csv", meta, has_gyro=False) as writer:
        for chunk in (slice(0, 50), slice(50, 200)):
            writer.append({"t_s": t[chunk], "acc_x": acc[chunk, 0], "acc_y": acc[chunk, 1], "acc_z": acc[chunk, 2]})
    back = read_session(f"{tmp_path}/live.csv")
    assert np.array_equal(back.acc, acc) and np.array_equal(back.t_s, t)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(allow_nan=True, allow_infinity=True), st.decimals(-500, 500, places=3, allow_nan=False)),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=1, max_value=7),
)
def test_rows_written_a_chunk_at_a_time_are_the_same_text(rows: list[tuple[float, object]], chunk: int) -> None:
    """Chunk boundaries anywhere (also between values that need repr) change no byte."""
    import retrogait.csvtext as csvtext

    a = np.array([r[0] for r in rows])
    b = np.array([float(r[1]) for r in rows])  # type: ignore[arg-type]
    counts = np.arange(len(rows)) - 3
    lines = zip(a.tolist(), b.tolist(), counts.tolist(), strict=True)
    expected_text = "".join(f"{expected(x)},{expected(y)},{k}\n" for x, y, k in lines)
    original = csvtext.CHUNK
    csvtext.CHUNK = chunk
    try:
        text = csv_lines([a, b, counts])
    finally:
        csvtext.CHUNK = original
    assert text is not None and text.decode() == expected_text


def test_long_integer_and_fraction_parts_and_any_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers longer than one 4-digit group, mixed decimal places, the same text on 1 to 4 threads."""
    import retrogait.csvtext as csvtext

    values = [12345.5, 100000000.25, 0.000123456789, 99999999.0, 10000.0, 1234567890123.5, 0.1000000002,
              5.000001, -20000.0001, 3.0, 0.00012, 987654321.123456]  # fmt: skip
    x = np.array(values * 7)
    expected_text = "".join(f"{v!r},{k}\n" for k, v in enumerate(x.tolist()))
    for threads in (1, 2, 3, 4):
        monkeypatch.setattr(csvtext, "CHUNK", 5)
        monkeypatch.setattr(csvtext, "_threads", lambda threads=threads: threads)
        text = csv_lines([x, np.arange(x.size)])
        assert text is not None and text.decode() == expected_text


def full_precision(seed: int) -> np.ndarray:
    """Doubles as a converted export or a float sensor writes them: most need 16 or 17 significant digits."""
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [
            rng.normal(0.0, 3.0, 3000) + 9.81,  # m/s^2
            rng.normal(0.0, 1.0, 3000) * 9.80665,  # an export in g, converted
            rng.normal(0.0, 100.0, 3000),  # deg/s
            np.degrees(rng.normal(0.0, 0.05, 3000)),  # rad/s at rest, converted: many values below 0.01
            rng.choice([-1.0, 1.0], 6000) * 10.0 ** rng.uniform(-4.0, 11.0, 6000),  # every decade of a sensor
        ]
    )


def test_sixteen_and_seventeen_digit_values_are_spelled_by_numpy_like_repr() -> None:
    """Full-precision doubles no longer go through repr one by one (PERF-33), and the text stays repr's."""
    x = full_precision(33)
    digits = np.array([len(repr(abs(v)).replace(".", "").strip("0")) for v in x.tolist()])
    assert np.count_nonzero(digits == 16) > 5000 and np.count_nonzero(digits == 17) > 5000
    assert _decimal(x)[2].all()  # left to repr: ties (only with few fraction bits, >= 1e11) and powers of two
    assert texts(x) == [repr(v) for v in x.tolist()]
    assert texts(x[:500]) == [repr(v) for v in x[:500].tolist()]  # a short column: no common places tried


def near(values: list[float], steps: int = 3) -> list[float]:
    """Each value and its neighbouring doubles, ``steps`` each way."""
    out = []
    for v in values:
        below = above = v
        out.append(v)
        for _ in range(steps):
            below, above = math.nextafter(below, -math.inf), math.nextafter(above, math.inf)
            out += [below, above]
    return out


def test_values_at_the_edges_of_the_shortest_decimal_are_spelled_like_repr() -> None:
    """Powers of two (their interval is lopsided) and of ten (the decade changes), exact ties between two 16-
    or 17-digit decimals, the ends of the fixed-point range: the same text as repr, alone and in a long column."""
    powers = [2.0**k for k in range(-16, 56)] + [10.0**k for k in range(-5, 18)]
    ties = [248829219112449.375, 3894737190745.90625, 31039251056686.438, 192050917044766.88, 1e15 - 0.125]
    edges = [1e-4, 1e15, 1e16, 9999999999999998.0, 0.30000000000000004, 0.1 + 0.7, 2.0**53 + 2, 5e-324]
    special = [0.0, -0.0, math.nan, math.inf, -math.inf]
    values = near(powers + ties + edges) + special
    x = np.array(values + [-v for v in values])
    assert texts(x) == [expected(v) for v in x.tolist()]
    long = np.concatenate([x, full_precision(34)])  # a long column with one number of places nowhere
    assert texts(long) == [expected(v) for v in long.tolist()]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=1e-4, max_value=1e15, exclude_max=True), min_size=1, max_size=40),
    st.lists(st.decimals(min_value=-2000, max_value=2000, places=4, allow_nan=False), min_size=1, max_size=40),
)
def test_full_precision_and_logger_values_mixed_in_a_column_are_spelled_like_repr(
    floats: list[float], decimals: list[object]
) -> None:
    x = np.array(floats + [-float(v) for v in decimals])  # type: ignore[arg-type]
    assert texts(x) == [repr(v) for v in x.tolist()]
    long = np.resize(x, _PLACES_FROM)
    assert texts(long) == [repr(v) for v in long.tolist()]


def test_full_precision_session_reads_back_bit_for_bit(tmp_path: object) -> None:
    """A session of full-precision doubles (and an extra column of awkward values) written and read back by
    ``read_session`` gives the same float64 bits; its text is repr's."""
    rng = np.random.default_rng(35)
    n = 3000
    t = np.arange(n) / 100.0
    acc = rng.normal(0.0, 3.0, (n, 3)) + [0.0, 0.0, 9.81]
    gyr = np.degrees(rng.normal(0.0, 1.0, (n, 3)))
    acc[:5, 0] = [0.0, -0.0, 1e-5, 2.0**-10, 0.1 + 0.2]
    awkward = np.resize(np.array(near([1e-4, 0.5, 10.0, 2.0**40, 1e15, 1e16, 1e20]) + [math.nan, -math.inf]), n)
    session = Session(t, acc, gyr, SessionMeta("shank", 100.0), extra={"value": awkward})
    path = write_session(session, f"{tmp_path}/full.csv")
    back = read_session(path, check_units=False)
    for written, read in ((acc, back.acc), (gyr, back.gyr), (awkward, back.extra["value"])):
        assert np.array_equal(np.asarray(read, dtype=np.float64).view(np.uint64), written.view(np.uint64))
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines.index(next(line for line in lines if line.startswith("t_s,")))
    assert lines[first + 2].split(",")[1] == "-0.0" and lines[first + 5].split(",")[1] == "0.30000000000000004"
    assert lines[first + 1 + n - 1].split(",")[4] == repr(float(gyr[-1, 0]))
