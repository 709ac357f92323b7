"""A user's own file under a name a batch writes into `--out` (notes.csv, sessions.csv, settings_shank.toml...) is
not replaced or removed: only files an earlier batch wrote there, told by its manifest and their first line, are
(BATCH-52)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.batch import run_batch
from retrogait.cli import main
from retrogait.errors import RetrogaitError
from retrogait.session import write_session
from retrogait.simulate import Bout, SimulationConfig, simulate

MINE = "my own notes, kept by hand\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one short shank run."""
    folder = tmp_path_factory.mktemp("out_files") / "in"
    bouts = [Bout("still", "still", 0.0, 2.0), Bout("forward", "running", 3.0, 10.0)]
    write_session(simulate(SimulationConfig("shank", bouts, 200.0, seed=2)).session, folder / "r.csv")
    return folder


@pytest.mark.parametrize("name", ["notes.csv", "sessions.csv", "errors.csv", "steps.parquet", "settings_shank.toml"])
def test_a_users_file_in_a_new_out_folder_is_not_replaced(run: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text(MINE, encoding="utf-8")
    with pytest.raises(RetrogaitError) as caught:
        run_batch([run], out, jobs=1, compare=False)
    message = str(caught.value)
    assert message.startswith(f"{out / name}: ") and "\n" not in message and "not written by a batch" in message
    assert (out / name).read_text(encoding="utf-8") == MINE
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing written


def test_a_users_file_in_an_earlier_batchs_folder_is_not_replaced(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([run], out, jobs=1, compare=False)
    (out / "notes.csv").write_text(MINE, encoding="utf-8")
    with pytest.raises(RetrogaitError, match=r"notes\.csv: "):
        run_batch([run], out, jobs=1, compare=False)
    assert (out / "notes.csv").read_text(encoding="utf-8") == MINE
    (out / "notes.csv").unlink()
    again = run_batch([run], out, jobs=1, compare=False)  # its own tables are replaced as before
    assert (again.n_skipped, (out / "notes.csv").is_file()) == (1, True)
    assert run_batch([run], out, jobs=1, compare=False).n_skipped == 1


def test_a_users_settings_file_of_another_name_in_out_is_kept(run: Path, tmp_path: Path) -> None:
    """`settings_*.toml` of a placement no longer in the tables are removed (USER-3): a user's own `settings_lab.toml`
    in --out was removed with them."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "settings_lab.toml").write_text("[bouts]\nmax_contact_gap_s = 2.0\n", encoding="utf-8")
    run_batch([run], out, jobs=1, compare=False, overrides={"bouts": {"max_contact_gap_s": 2.0}})
    assert sorted(p.name for p in out.glob("settings_*.toml")) == ["settings_lab.toml", "settings_shank.toml"]


def test_the_cli_says_it_in_one_line(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.csv").write_text(MINE, encoding="utf-8")
    code = main(["batch", str(run), "--out", str(out), "--jobs", "1", "--no-compare"])
    captured = capsys.readouterr()
    assert code != 0 and "Traceback" not in captured.err + captured.out
    assert f"{out / 'notes.csv'}: " in captured.err
    assert (out / "notes.csv").read_text(encoding="utf-8") == MINE
