"""Mutations of export files for the import fuzz harness (tests/test_imports_fuzz.py in CI,
scripts/fuzz_import.py for long runs): byte noise, broken lines, and the hostile inputs of issue 12
(very wide rows, thousands of duplicate header names, one-line files, rich markup and terminal
escapes in headers, numbers that overflow, gzip bombs, other encodings and line ends).

An operation is a tuple ``(name, *parameters)``; :func:`mutate` applies it to the bytes of a file and
returns the new bytes and the file-name suffix to add (``.gz`` when the result is compressed).
"""

from __future__ import annotations

import gzip
import io
import random
from typing import Any

from hypothesis import strategies as st

Op = tuple[Any, ...]

_HOSTILE_TEXT = ("[/b]", "[bold red]", "\x1b[31m", "\x1b]0;title\x07", "\x00", "\u202e", "=HYPERLINK(x)", "\\")
_NUMBERS = ("1e308", "-1e308", "1" * 5000, "nan", "inf", "-0", "1e-320", "0x1F", "1,5", "")

_unit = st.floats(min_value=0.0, max_value=1.0)
_lines = st.integers(min_value=0, max_value=600)
MUTATION = st.one_of(
    st.tuples(st.just("truncate"), _unit),
    st.tuples(st.just("flip"), st.lists(st.tuples(_unit, st.integers(0, 255)), min_size=1, max_size=8)),
    st.tuples(st.just("delete_line"), _lines),
    st.tuples(st.just("duplicate_line"), _lines),
    st.tuples(st.just("swap_lines"), _lines, _lines),
    st.tuples(st.just("junk"), _unit, st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("empty")),
    st.tuples(st.just("first_line_only")),
    st.tuples(st.just("wide_row"), _lines, st.integers(10, 60000)),
    st.tuples(st.just("long_line"), _lines, st.integers(1000, 300_000)),
    st.tuples(st.just("duplicate_header"), st.integers(10, 40000)),
    st.tuples(st.just("one_line")),
    st.tuples(st.just("hostile_text"), _unit, st.sampled_from(_HOSTILE_TEXT)),
    st.tuples(st.just("number"), _lines, st.integers(0, 8), st.sampled_from(_NUMBERS)),
    st.tuples(st.just("replace"), st.sampled_from([(b",", b";"), (b".", b","), (b",", b"\t"), (b"\n", b"\r")])),
    st.tuples(st.just("gzip")),
    st.tuples(st.just("gzip_bomb"), st.integers(17, 40)),
    st.tuples(st.just("utf16")),
)


def random_op(rng: random.Random) -> Op:
    """One operation drawn with ``rng`` (the long-run script's stand-in for :data:`MUTATION`)."""
    kind = rng.choice(
        [
            "truncate", "flip", "delete_line", "duplicate_line", "swap_lines", "junk", "empty", "first_line_only",
            "wide_row", "long_line", "duplicate_header", "one_line", "hostile_text", "number", "replace", "gzip",
            "gzip_bomb", "utf16",
        ]
    )  # fmt: skip
    line = rng.randrange(600)
    return {
        "truncate": (kind, rng.random()),
        "flip": (kind, [(rng.random(), rng.randrange(256)) for _ in range(rng.randint(1, 8))]),
        "delete_line": (kind, line),
        "duplicate_line": (kind, line),
        "swap_lines": (kind, line, rng.randrange(600)),
        "junk": (kind, rng.random(), bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))),
        "empty": (kind,),
        "first_line_only": (kind,),
        "wide_row": (kind, line, rng.randint(10, 60000)),
        "long_line": (kind, line, rng.randint(1000, 2_000_000)),
        "duplicate_header": (kind, rng.randint(10, 40000)),
        "one_line": (kind,),
        "hostile_text": (kind, rng.random(), rng.choice(_HOSTILE_TEXT)),
        "number": (kind, line, rng.randrange(9), rng.choice(_NUMBERS)),
        "replace": (kind, rng.choice([(b",", b";"), (b".", b","), (b",", b"\t"), (b"\n", b"\r")])),
        "gzip": (kind,),
        "gzip_bomb": (kind, rng.randint(17, 100)),
        "utf16": (kind,),
    }[kind]


def mutate(data: bytes, op: Op) -> tuple[bytes, str]:
    """``data`` changed by ``op``, and the suffix its file name gets (``.gz`` or '')."""
    kind = op[0]
    if kind == "gzip":
        return gzip.compress(data), ".gz"
    if kind == "gzip_bomb":  # a small file that unpacks to op[1] MiB of one repeated line (built a MiB at a time)
        lines = data.splitlines(keepends=True)
        line = (lines[1:2] or [b"0,0,0,9.8\n"])[0] or b"0\n"
        block = line * max(1, 1024 * 1024 // len(line))
        packed = io.BytesIO()
        with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=9) as fh:
            fh.write(b"".join(lines[:1]))
            for _ in range(op[1]):
                fh.write(block)
        return packed.getvalue(), ".gz"
    if kind == "utf16":
        return data.decode("utf-8", errors="replace").encode("utf-16"), ""
    if kind == "truncate":
        return data[: int(op[1] * len(data))], ""
    if kind == "flip":
        out = bytearray(data)
        for where, value in op[1]:
            if out:
                out[min(int(where * len(out)), len(out) - 1)] = value
        return bytes(out), ""
    if kind == "junk":
        at = int(op[1] * len(data))
        return data[:at] + op[2] + data[at:], ""
    if kind == "hostile_text":
        at = int(op[1] * min(len(data), 400))  # mostly into the header
        return data[:at] + op[2].encode("utf-8") + data[at:], ""
    if kind == "empty":
        return b"", ""
    if kind == "replace":
        return data.replace(*op[1]), ""
    if kind == "one_line":
        return data.replace(b"\r", b"").replace(b"\n", b" "), ""
    lines = data.splitlines(keepends=True)
    if not lines:
        return data, ""
    if kind == "first_line_only":
        return lines[0], ""
    if kind == "duplicate_header":
        sep = b";" if lines[0].count(b";") > lines[0].count(b",") else b","
        return sep.join([b"t"] + [b"x"] * op[1]) + b"\n" + b"".join(lines[1:]), ""
    i = op[1] % len(lines)
    if kind == "delete_line":
        del lines[i]
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        j = op[2] % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "wide_row":
        lines.insert(i, b",".join([b"1.5"] * op[2]) + b"\n")
    elif kind == "long_line":
        lines.insert(i, b"7" * op[2] + b"\n")
    elif kind == "number":
        sep = b";" if lines[i].count(b";") > lines[i].count(b",") else b","
        fields = lines[i].rstrip(b"\r\n").split(sep)
        fields[op[2] % len(fields)] = op[3].encode()
        lines[i] = sep.join(fields) + b"\n"
    return b"".join(lines), ""


def check_import(run: Any) -> str:
    """Run an import (``run() -> ImportResult``) and check the harness's rules: a refusal is one
    RetrogaitError line; an accepted session is valid and survives write -> read unchanged.
    Returns ``accepted`` or ``refused``; anything else raises (the harness counts it uncaught)."""
    import tempfile
    from pathlib import Path

    import numpy as np

    from retrogait.errors import RetrogaitError
    from retrogait.session import read_session, session_problem, write_session

    try:
        result = run()
    except RetrogaitError as exc:
        if "\n" in str(exc):
            raise AssertionError(f"refusal is not one line: {exc!r}") from None
        return "refused"
    session = result.session
    assert session.n_samples >= 2 and np.all(np.diff(session.t_s) > 0)
    # a row without a gyroscope value has all three gyroscope cells empty (EDGE-46)
    gyro_ok = session.gyr is None or (np.isfinite(session.gyr).all(axis=1) | session.gyro_missing).all()
    # an acceleration cell may be empty (NaN: no value recorded there, EDGE-197), never infinite
    assert not np.isinf(session.acc).any() and gyro_ok
    assert session_problem(session) is None
    with tempfile.TemporaryDirectory() as tmp:
        back = read_session(write_session(session, Path(tmp) / "s.csv"))
    assert np.array_equal(back.acc, session.acc, equal_nan=True) and back.meta == session.meta
    assert session.gyr is None or np.array_equal(back.gyr, session.gyr, equal_nan=True)
    return "accepted"
