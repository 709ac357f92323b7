"""A set of outputs stopped while it is renamed into place is never read as one run (EDGE-287): from its first rename
to its last removal a journal beside its files says what is left; the next set written there finishes it, a reader
refuses the folder meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

#: Writes the earlier set (a.txt, sub/b.txt, c.txt: "old") when asked, then the new one (a.txt, sub/b.txt, e.txt:
#: "new"; c.txt is the earlier set's and goes), and kills itself (SIGKILL, no clean-up of any kind) just before the
#: KILL_AT-th file operation under OUT of the new set: a rename, a removal, a folder removed.
_SET = """
import os, signal, sys
from pathlib import Path
from retrogait.outfiles import one_set, write_text
out, kill_at = Path(sys.argv[1]), int(sys.argv[2])
if kill_at == 0:
    with one_set():
        for name in ("a.txt", "sub/b.txt", "c.txt"):
            write_text(out / name, "old")
    sys.exit(0)
count = 0
def killing(real):
    def op(*args, **kwargs):
        global count
        if any(str(a).startswith(str(out)) for a in args[:2]):
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return op
for name in ("replace", "rename", "unlink", "rmdir", "remove"):
    setattr(os, name, killing(getattr(os, name)))
with one_set([out / "c.txt"]):
    for name in ("a.txt", "sub/b.txt", "e.txt"):
        write_text(out / name, "new")
print(count)
"""


def _files(out: Path) -> dict[str, str]:
    """The set's files by name with their text (temporary files and the journal aside)."""
    return {
        p.relative_to(out).as_posix(): p.read_text()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.endswith(".partial") and not p.name.startswith(".retrogait-set")
    }


JOURNAL = ".retrogait-set.journal"  # outfiles.JOURNAL, spelt out: the test runs on trees without it
OLD = {"a.txt": "old", "c.txt": "old", "sub/b.txt": "old"}
NEW = {"a.txt": "new", "e.txt": "new", "sub/b.txt": "new"}


def _run(out: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _SET, str(out), str(kill_at)], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_set_killed_at_any_file_operation_is_the_earlier_run_or_finished_as_the_new_one(tmp_path: Path) -> None:
    """``kill -9`` before each rename, removal and folder removal of a set: the folder holds the earlier set whole,
    or the new one whole, or the journal, which a reader refuses and the next set written there finishes. Before
    EDGE-287 a kill after the first rename left a.txt new beside sub/b.txt and c.txt old, unsaid."""
    from retrogait import outfiles

    kill_at, finished = 1, False
    while not finished:
        out = tmp_path / f"k{kill_at}"
        assert _run(out, 0).returncode == 0
        done = _run(out, kill_at)
        finished = done.returncode == 0
        if finished:  # the set ran to its end with fewer operations than kill_at
            assert _files(out) == NEW
            assert int(done.stdout) == kill_at - 1 and kill_at > 3
            break
        assert done.returncode == -9
        state = _files(out)
        if state not in (OLD, NEW):  # a mix: only with the journal, and no reader takes the folder then
            assert (out / JOURNAL).is_file(), (kill_at, state)
            with pytest.raises(RetrogaitError, match="stopped part way"):
                outfiles.refuse_unfinished_set(out / "sub" / "b.txt")
        if (out / JOURNAL).exists():  # finished by the next set written there, as the new one
            with outfiles.one_set():
                outfiles.write_text(out / "sub" / "f.txt", "next")
            assert _files(out) == {**NEW, "sub/f.txt": "next"}
        assert not list(out.glob(JOURNAL))
        kill_at += 1
    assert kill_at >= 5  # three renames, the journal's own and the stale file's removal were each killed at


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short simulated shank session with forward and backward running."""
    bouts = [Bout("forward", "running", 3.0, 8.0), Bout("backward", "running", 2.5, 8.0)]
    config = SimulationConfig(placement="shank", bouts=bouts, sample_rate_hz=200.0, seed=3)
    path, _ = write_simulation(simulate(config), tmp_path_factory.mktemp("rec") / "run.csv")
    return path


def _failing_second_rename(real: Callable[..., None]) -> Callable[..., None]:
    """``os.replace`` failing with EACCES at a set's second rename into place (the journal's own renames go through)."""
    calls: list[object] = []

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if not Path(dst).name.startswith(".retrogait-set"):
            calls.append(dst)
            if len(calls) == 2:
                raise PermissionError(13, "Permission denied", str(dst))
        real(src, dst)

    return failing


def test_an_analysis_whose_rename_failed_is_refused_by_compare_and_finished_by_the_next_analyze(
    recording: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error in the second rename of analyze's set (EACCES, say) left steps.csv new beside the earlier
    summary.json and report, and `compare` of the folder read them as one analysis. Now the journal stays: compare
    refuses the folder in one line naming it, and the next analyze into it finishes the set and writes its own."""
    out = tmp_path / "a"
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    real = os.replace
    monkeypatch.setattr(os, "replace", _failing_second_rename(real))
    assert main(["analyze", str(recording), "--out", str(out), "--placement", "shank", "--side", "right"]) != 0
    monkeypatch.setattr(os, "replace", real)
    capsys.readouterr()
    assert (out / ".retrogait-set.journal").is_file()
    assert main(["compare", str(out), "--out", str(tmp_path / "c"), "--n-boot", "200"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "stopped part way" in err and str(out) in err, err
    assert main(["analyze", str(recording), "--out", str(out)]) == 0
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert main(["compare", str(out), "--out", str(tmp_path / "c"), "--n-boot", "200"]) == 0


@pytest.mark.parametrize(
    "entries",
    [
        '{"renames": [], "stale": ["../victim.txt"]}',  # a file beside the folder
        '{"renames": [], "stale": ["VICTIM"]}',  # an absolute path (VICTIM: the file's, filled in below)
        '{"renames": [], "stale": ["sub/../../victim.txt"]}',
        '{"renames": [[".a.txt.1a2b3c4d.partial", "../victim.txt"]], "stale": []}',  # a rename over it
        '{"renames": [["../victim.txt", "a.txt"]], "stale": []}',  # a rename of it into the folder
        '{"renames": [["notes.txt", "a.txt"]], "stale": []}',  # a user's file is no temporary file of a set
        '{"renames": [], "stale": "notes.txt"}',  # a name, not a list: each of its letters a file
        '{"renames": 5, "stale": []}',
        '{"renames": [[1, 2]], "stale": []}',
        '{"renames": [["ab"]], "stale": []}',
        '{"version": 2, "moves": [["x", "y"]]}',  # a journal of another version: not taken as finished
        '{"renames": [], "stale": ["notes.txt", null]}',
    ],
)
def test_a_journal_naming_files_outside_its_folder_or_not_retrogait_s_is_refused_untouched(
    tmp_path: Path, entries: str
) -> None:
    """A journal is a file in a user's folder: one that names a path outside that folder (``..``, an absolute path),
    a file that is no set's temporary file, or is not in the journal's own shape (a crafted, damaged or other
    version's one) is refused in one line, and nothing is renamed or removed, there or elsewhere. Before REVIEW-260
    `finish_unfinished_set` removed `../victim.txt` (any file the journal named) and raised TypeError on a
    number (REVIEW-260)."""
    from retrogait import outfiles

    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "notes.txt").write_text("mine")
    (out / ".a.txt.1a2b3c4d.partial").write_text("new")
    (out / JOURNAL).write_text(entries.replace("VICTIM", victim.as_posix()), encoding="utf-8")
    with pytest.raises(RetrogaitError, match="is not the journal of a set"):
        outfiles.finish_unfinished_set(out)
    with pytest.raises(RetrogaitError, match="is not the journal of a set"), outfiles.one_set():
        outfiles.write_text(out / "sub" / "f.txt", "next")
    assert victim.read_text() == "precious"
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / ".a.txt.1a2b3c4d.partial").read_text() == "new" and not (out / "a.txt").exists()
    assert (out / JOURNAL).is_file() and not (out / "sub").exists()


def test_a_crafted_journal_in_an_output_folder_removes_nothing_beside_it(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`retrogait analyze --out OUT` where OUT holds a journal naming `../victim.txt`: refused in one line (exit 2),
    the file beside OUT kept; before REVIEW-260 the analysis removed it and exited 0."""
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / JOURNAL).write_text('{"renames": [], "stale": ["../victim.txt"]}', encoding="utf-8")
    assert main(["analyze", str(recording), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and JOURNAL in err, err
    assert victim.read_text() == "precious"


def test_a_file_the_finished_set_brought_back_that_the_next_one_does_not_write_goes_with_the_earlier_run(
    recording: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An analysis with a report stopped at its report's rename (the journal left), then one with --no-report: its
    stale list (an earlier report.html) was made before the journal was finished, when report.html was still only
    the stopped set's temporary file, so finishing it put that report in place beside the new tables, whose set had
    no journal left to tell it: two runs in one folder. Now a file of the finished set that the new set does not
    write is removed with the earlier run's (REVIEW-262)."""
    out = tmp_path / "a"
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0
    real = os.replace

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "report.html":
            raise PermissionError(13, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    assert main(["analyze", str(recording), "--out", str(out), "--placement", "shank", "--side", "right"]) != 0
    monkeypatch.setattr(os, "replace", real)
    assert (out / JOURNAL).is_file() and not (out / "report.html").exists()
    assert main(["analyze", str(recording), "--out", str(out), "--no-report"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["bouts.csv", "steps.csv", "summary.json"]


def test_an_analysis_in_a_folder_below_a_stopped_set_is_read_when_that_set_has_no_file_in_it(
    recording: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An analysis in runs/a1, and one into runs itself stopped at its second rename (the journal left in runs):
    runs/a1 holds no file of that set, and compare read it as before; it refused it, saying
    runs' outputs stopped part way, until an analysis was written into runs again. runs itself is still refused
    (REVIEW-263)."""
    runs = tmp_path / "runs"
    assert main(["analyze", str(recording), "--out", str(runs / "a1"), "--no-report"]) == 0
    assert main(["analyze", str(recording), "--out", str(runs), "--no-report"]) == 0
    real = os.replace
    monkeypatch.setattr(os, "replace", _failing_second_rename(real))
    assert main(["analyze", str(recording), "--out", str(runs), "--no-report", "--placement", "shank"]) != 0
    monkeypatch.setattr(os, "replace", real)
    assert (runs / JOURNAL).is_file()
    capsys.readouterr()
    args = ["--out", str(tmp_path / "c"), "--n-boot", "200"]
    assert main(["compare", str(runs / "a1"), *args]) == 0, capsys.readouterr().err
    assert main(["compare", str(runs / "a1" / "steps.csv"), *args]) == 0, capsys.readouterr().err
    assert main(["compare", str(runs), *args]) == 2
    assert "stopped part way" in capsys.readouterr().err


def test_a_stopped_set_two_folders_up_refuses_its_files_there_and_three_up_is_not_looked_for(tmp_path: Path) -> None:
    """REVIEW-263's "seen": no test held the refusal up to two folders above (a batch's set stopped while renaming
    `cohort/GROUP/compare.csv` leaves its journal in the batch's folder). A journal two folders above naming a file in
    the folder refuses it; one whose files are elsewhere does not; three folders above is beyond the rule's reach."""
    from retrogait.outfiles import refuse_unfinished_set

    batch = tmp_path / "batch"
    group = batch / "cohort" / "g"
    group.mkdir(parents=True)
    (group / "compare.csv").write_text("metric\n", encoding="utf-8")
    pair = [["cohort/g/.compare.csv.0123abcd.partial", "cohort/g/compare.csv"]]
    (batch / JOURNAL).write_text(json.dumps({"renames": pair, "stale": []}), encoding="utf-8")
    with pytest.raises(RetrogaitError, match="stopped part way"):
        refuse_unfinished_set(group)
    with pytest.raises(RetrogaitError, match="stopped part way"):
        refuse_unfinished_set(group / "compare.csv")
    elsewhere = [["cohort/h/.compare.csv.0123abcd.partial", "cohort/h/compare.csv"]]
    (batch / JOURNAL).write_text(json.dumps({"renames": elsewhere, "stale": []}), encoding="utf-8")
    refuse_unfinished_set(group)  # the stopped set has no file in cohort/g
    deeper = group / "x"
    deeper.mkdir()
    (batch / JOURNAL).write_text(json.dumps({"renames": [], "stale": ["cohort/g/x/old.csv"]}), encoding="utf-8")
    refuse_unfinished_set(deeper)  # three folders below the journal: not looked for (the rule's two levels)


def _partials(out: Path) -> list[str]:
    """The hidden temporary files under ``out``, relative to it."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.partial"))


def _aged(paths: list[Path], seconds: float = 2 * 3600.0) -> None:
    """Last changed ``seconds`` ago (the clean-up's age rule is met without waiting for it)."""
    when = time.time() - seconds
    for path in paths:
        os.utime(path, (when, when))


def test_a_dead_writer_s_temporary_files_go_with_a_later_set_and_a_user_s_own_files_stay(tmp_path: Path) -> None:
    """EDGE-290's reproduction: a set killed at its journal's rename leaves its files' temporaries and the journal's
    (`.a.txt.PID.RANDOM.partial`, `sub/.b.txt...`, `..retrogait-set.journal...`); the next set written there, an hour
    after, removes them (EDGE-298: its own targets' temporaries, an hour old, their writer's process gone). A user's
    files of other names stay, however old: `.notes.1a2b3c4d.partial` (another name), `a.txt.1a2b3c4d.partial` (not
    hidden), `.a.txt.bak`, `.a.txt.1a2b3c4d.partial.keep`, a folder `.a.txt.1a2b3c4d.partial`. On 21199662 the four
    temporaries stayed for ever."""
    from retrogait import outfiles

    out = tmp_path / "out"
    assert _run(out, 0).returncode == 0
    assert _run(out, 1).returncode == -9  # killed at the journal's rename: every file staged, no journal
    left = _partials(out)
    assert len(left) == 4 and not (out / JOURNAL).exists(), left
    own = [out / ".notes.1a2b3c4d.partial", out / "a.txt.1a2b3c4d.partial", out / ".a.txt.bak"]
    own += [out / ".a.txt.1a2b3c4d.partial.keep", out / "sub" / ".e.txt.1a2b3c4d.partial"]  # e.txt: not written there
    for path in own:
        path.write_text("the user's")
    (out / ".sub.1a2b3c4d.partial").mkdir()
    _aged([out / name for name in left] + own + [out / ".sub.1a2b3c4d.partial"])
    with outfiles.one_set([out / "c.txt"]):
        for name in ("a.txt", "sub/b.txt", "e.txt"):
            outfiles.write_text(out / name, "newer")
    assert not set(left) & set(_partials(out)), _partials(out)
    assert all(path.read_text() == "the user's" for path in own) and (out / ".sub.1a2b3c4d.partial").is_dir()
    assert {k: v for k, v in _files(out).items() if v != "the user's"} == {
        "a.txt": "newer",
        "e.txt": "newer",
        "sub/b.txt": "newer",
    }


_STAGED = """
import sys
import time
from pathlib import Path
from retrogait.outfiles import one_set, write_text
out = Path(sys.argv[1])
with one_set():
    for name in ("a.txt", "sub/b.txt"):
        write_text(out / name, "theirs")
    print("staged", flush=True)
    sys.stdin.readline()
print("done", flush=True)
"""


@contextmanager
def _staged_writer(code: str, out: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """Another writer (``code``, e.g. ``_STAGED``) with its set staged under ``out``: its temporaries made two hours
    old and handed to the block with the process; after the block, it finishes its set and ends cleanly."""
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "staged"
        theirs = _partials(out)
        _aged([out / name for name in theirs])
        yield child, theirs
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"
    finally:
        child.communicate(timeout=120)
    assert child.returncode == 0


def _ended_pid() -> int:
    """The id of a process that has ended (a writer whose process runs no more)."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(gone.stdout)


def test_a_live_writer_s_temporary_files_stay_however_old_and_a_young_one_s_stay_whatever_its_process(
    tmp_path: Path,
) -> None:
    """EDGE-298: a concurrent writer into the same folder, its set staged (its temporaries written, not renamed) and
    its files made two hours old: a set written there meanwhile leaves them (its process runs), and it then
    finishes its set. A temporary of a process that runs no more but made within the hour (a writer on another
    machine sharing the folder, whose process this one cannot see) stays too."""
    from retrogait import outfiles

    out = tmp_path / "out"
    with _staged_writer(_STAGED, out) as (child, theirs):
        assert len(theirs) == 2 and all(f".{child.pid}-" in name for name in theirs), theirs
        young = out / f".e.txt.{_ended_pid()}-{outfiles._host_tag()}.1a2b3c4d.partial"  # its process has ended
        young.write_text("another machine's, in flight")
        with outfiles.one_set():
            for name in ("a.txt", "sub/b.txt", "e.txt"):
                outfiles.write_text(out / name, "ours")
        assert set(theirs) <= set(_partials(out)) and young.exists()
    assert _files(out) == {"a.txt": "theirs", "e.txt": "ours", "sub/b.txt": "theirs"}


_ELSEWHERE = "import socket\nsocket.gethostname = lambda: 'another-machine'\n" + _STAGED


def test_an_hour_old_staged_set_of_a_writer_on_another_machine_stays_and_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REVIEW-290: a writer on another machine sharing the folder (its machine's name another; its process id not
    running here, as ``os.kill`` says by ProcessLookupError) has staged a set whose temporaries are two hours old (a
    long batch: each file waits for the set's last). A set written there meanwhile left them on edge61 (EDGE-298)
    only when the id ran here: it removed them, and the other writer's renames failed (its whole set lost). Now a
    temporary's name carries its machine's tag, and one of another machine stays."""
    from retrogait import outfiles

    out = tmp_path / "out"
    with _staged_writer(_ELSEWHERE, out) as (_, theirs):
        assert len(theirs) == 2, theirs

        def not_here(pid: int, sig: int) -> None:
            raise ProcessLookupError(3, "No such process")

        with monkeypatch.context() as patched:
            patched.setattr(os, "kill", not_here)
            with outfiles.one_set():
                for name in ("a.txt", "sub/b.txt"):
                    outfiles.write_text(out / name, "ours")
        assert set(theirs) <= set(_partials(out)), _partials(out)
    assert _files(out) == {"a.txt": "theirs", "sub/b.txt": "theirs"}


def test_on_windows_no_process_is_signalled_and_a_dead_writer_s_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EDGE-298 on Windows: ``os.kill(pid, 0)`` there is a CTRL_C_EVENT sent to the process group; the clean-up never
    calls it (a process is taken as running), so an hour-old temporary carrying a process id stays (REVIEW-290)."""
    from retrogait import outfiles

    left = tmp_path / f".a.txt.{_ended_pid()}-{outfiles._host_tag()}.1a2b3c4d.partial"
    left.write_text("a dead writer's")
    _aged([left])
    assert outfiles.remove_leftovers({tmp_path: {"a.txt"}}, time.time()) == [left]  # off Windows: it goes
    left.write_text("a dead writer's")
    _aged([left])

    def no_signal(pid: int, sig: int) -> None:
        raise AssertionError(f"os.kill({pid}, {sig}) called")

    with monkeypatch.context() as patched:
        patched.setattr(os, "name", "nt")
        patched.setattr(os, "kill", no_signal)
        assert outfiles.remove_leftovers({tmp_path: {"a.txt"}}, time.time()) == []
    assert left.exists()


def test_an_earlier_release_s_temporary_file_stays_until_a_week_old(tmp_path: Path) -> None:
    """EDGE-302 (REVIEW-292): a temporary named by a release before EDGE-298 (`.a.txt.RANDOM.partial`, no process id)
    may be a live writer's staged set (an earlier release running beside this one): two hours old it stays (EDGE-298
    removed it by its age alone), eight days old it goes."""
    from retrogait import outfiles

    left = tmp_path / ".a.txt.1a2b3c4d.partial"
    left.write_text("an earlier release's")
    _aged([left])
    assert outfiles.remove_leftovers({tmp_path: {"a.txt"}}, time.time()) == []
    assert left.read_text() == "an earlier release's"
    _aged([left], 8 * 86400.0)
    assert outfiles.remove_leftovers({tmp_path: {"a.txt"}}, time.time()) == [left]
    assert not left.exists()
