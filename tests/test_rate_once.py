"""The session's times measured once: the read's rate check, preprocessing and the effort share it (PERF-162)."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import retrogait.rate as rate
from retrogait.analysis import load, pipeline
from retrogait.analysis.effort import accumulated_change_g
from retrogait.session import Session, SessionMeta

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts rate.measured_rate's calls (every measured_rate_hz goes through it) on arrays of 1000 or more."""
    calls = [0]
    original = rate.measured_rate

    def counted(t_s: np.ndarray) -> rate.MeasuredRate:
        calls[0] += np.asarray(t_s).size >= 1000
        return original(t_s)

    monkeypatch.setattr(rate, "measured_rate", counted)
    return calls


@pytest.mark.parametrize("name", ["shank_forward_backward_forward.csv", "foot_mixed.csv"])
def test_a_native_file_s_times_are_measured_once_from_read_to_steps(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    session = load.load_input(SAMPLES / name)
    assert calls[0] == 1  # the read's rate check
    result = pipeline.analyze(session)
    assert len(result.steps) > 10
    assert calls[0] == 1  # preprocessing and the effort took the read's


def test_the_session_s_rate_is_the_measured_rate_of_the_array_it_holds() -> None:
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.004, 0.006, 5000))
    session = Session(t, np.zeros((t.size, 3)), None, SessionMeta("shank", 200.0))
    assert session.measured_rate_hz() == rate.measured_rate_hz(t)
    other = t * 2.0
    assert session.measured_rate_hz(other) == rate.measured_rate_hz(other)  # another array: measured, not the own
    assert session.measured_rate_hz(t) == rate.measured_rate_hz(t)
    session.t_s = other  # another array in t_s: measured anew, not the one remembered
    assert session.measured_rate_hz() == rate.measured_rate_hz(other)
    part = session.between(1.0, 5.0)  # a part's own times
    assert part.measured_rate_hz() == rate.measured_rate_hz(part.t_s)
    copy = replace(session, t_s=t)
    assert copy.measured_rate_hz() == rate.measured_rate_hz(t)


def test_the_effort_with_its_rate_given_is_the_effort_measuring_it() -> None:
    rng = np.random.default_rng(4)
    t = np.cumsum(rng.uniform(0.009, 0.011, 3000))
    acc = rng.normal(0.0, 3.0, (t.size, 3))
    own = accumulated_change_g(t, acc, cutoff_hz=20.0)
    given = accumulated_change_g(t, acc, cutoff_hz=20.0, fs_hz=rate.measured_rate_hz(t))
    assert own.tobytes() == given.tobytes()


def _fresh_rate(session: Session) -> float:
    return rate.measured_rate_hz(np.array(session.t_s, copy=True))


def test_times_changed_in_place_after_the_read_are_measured_anew() -> None:
    """The kept rate is of the times as they were measured: times changed in place afterwards (a clock corrected, a
    gap repaired through a view, a copy of the session sharing them) are measured again (REVIEW-276)."""
    session = load.load_input(SAMPLES / "shank_forward_backward_forward.csv")
    assert session.measured_rate_hz() == _fresh_rate(session)  # the read's
    session.t_s *= 1.1  # the clock corrected in place: the same array object, other times
    assert session.measured_rate_hz() == _fresh_rate(session)
    assert session.measured_rate_hz(session.t_s) == _fresh_rate(session)  # as preprocessing asks
    view = session.t_s[session.n_samples // 2 :]
    view += 0.25  # a gap put in through a view sharing the memory
    assert session.measured_rate_hz() == _fresh_rate(session)
    shallow = copy.copy(session)  # shares the array and what was kept of it
    np.multiply(shallow.t_s, 0.5, out=shallow.t_s)
    assert shallow.measured_rate_hz() == _fresh_rate(shallow)
    assert session.measured_rate_hz() == _fresh_rate(session)


def test_an_analysed_session_whose_times_change_in_place_is_analysed_on_its_new_times() -> None:
    """A session built from one's own arrays, analysed (its rate kept), its times then changed in place and analysed
    again: the same steps as a session of a copy of the new times (REVIEW-276; before, the first times' rate)."""
    read = load.load_input(SAMPLES / "shank_forward_backward_forward.csv")
    t = np.array(read.t_s, copy=True)
    session = Session(t, read.acc, read.gyr, read.meta)
    pipeline.analyze(session)
    t *= 1.1  # the caller's own array, which the session holds
    again = pipeline.analyze(session).steps
    fresh = pipeline.analyze(Session(np.array(t, copy=True), read.acc, read.gyr, read.meta)).steps
    assert again.equals(fresh)


@pytest.mark.parametrize("given", [{"placement": "shank"}, {"side": "right"}, {"placement": "shank", "side": "right"}])
def test_a_header_value_given_on_the_command_line_keeps_the_read_s_rate(
    given: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`analyze FILE --placement ...` (a header value replaced by the native reader, a new Session on the same times):
    still one measurement from the read to the steps (REVIEW-279; before, the replaced session measured again)."""
    calls = _counting(monkeypatch)
    session = load.load_input(SAMPLES / "shank_forward_backward_forward.csv", **given)  # type: ignore[arg-type]
    assert all(getattr(session.meta, key) == value for key, value in given.items())
    pipeline.analyze(session)
    assert calls[0] == 1


def test_a_session_s_fields_are_the_recording_s_not_its_kept_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    """EDGE-299: PERF-162's kept rate was a dataclass field (``_rate``): ``dataclasses.asdict(session)`` gave it as a
    seventh key beside the recording's (with a deep copy of ``t_s`` inside it) and ``fields(Session)`` listed it. Now
    it is an attribute: the fields are the recording's; the rate is still measured once, kept by ``with_meta``'s copy
    and by a pickle, and not by ``replace`` (another object)."""
    import dataclasses
    import pickle

    calls = _counting(monkeypatch)
    session = load.load_input(SAMPLES / "foot_mixed.csv")
    public = ["t_s", "acc", "gyr", "meta", "extra", "source"]
    assert [f.name for f in dataclasses.fields(Session)] == public
    assert list(dataclasses.asdict(session)) == public
    hz = session.measured_rate_hz()
    assert session.with_meta(side="left").measured_rate_hz() == hz
    assert pickle.loads(pickle.dumps(session)).measured_rate_hz() == hz
    assert calls[0] == 1
    assert replace(session, source="x").measured_rate_hz() == hz and calls[0] == 2
