"""A DIY sensor's firmware config (`retrogait record --sensor my.toml`) that is wrong is one line naming the file
and the key (EDGE-103): a value of the wrong type was an internal error, and no message named the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrogait.ble.profiles import make_profile
from retrogait.ble.profiles.base import configs_dir
from retrogait.cli import main

EXAMPLE = (configs_dir() / "diy_nrf52_example.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("time_unit_s = 1e-6", 'time_unit_s = "micro"', "header.time_unit_s"),
        ('format = "<6h"', "format = 6", "sample.format"),
        ('format = "<IH"', 'format = "IH"', "little-endian"),
        ("sample_rate_hz = 833", 'sample_rate_hz = "fast"', "sample_rate_hz"),
        ("sample_rate_hz = 833", "sample_rate_hz = -5", "sample_rate_hz"),
        ('data_uuid = "7e5a0002-4a3b-4c1d-9e2f-0123456789ab"', "", "data_uuid"),
        ('time_field = "t0_us"', 'time_field = "t0"', "header.time_field"),
        ('seq_field = "seq"', 'seq_field = "sq"', "header.seq_field"),
        ("acc_scale_g = 0.00048828125", 'acc_scale_g = "x"', "sample.acc_scale_g"),
        ("gyr_scale_dps = 0.06103515625", "", "sample.gyr_scale_dps"),
        ("[header]", "header = 3\n[head]", "header"),
        ("seq_wrap = 65536", "seq_wrap = 0.5", "header.seq_wrap"),  # int(0.5) = 0: a division by zero (review)
        ("time_wrap = 4294967296", "time_wrap = 0.5", "header.time_wrap"),
        ("time_wrap = 4294967296", "time_wrap = " + "9" * 400, "header.time_wrap"),  # was an OverflowError
    ],
)
def test_a_wrong_firmware_config_names_the_file_and_the_key(
    tmp_path: Path, old: str, new: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert old in EXAMPLE
    config = tmp_path / "mine.toml"
    config.write_text(EXAMPLE.replace(old, new, 1), encoding="utf-8")
    rc = main(["record", "--sensor", str(config), "--address", "AA:BB:CC:DD:EE:FF", "--placement", "shank",
               "--out", str(tmp_path / "run.csv")])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.count("\n") == 1 and err.startswith(f"retrogait: error: {config}: firmware config: "), err
    assert says in err, err
    assert not (tmp_path / "run.csv").exists()


def test_the_example_config_still_makes_its_profile(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(EXAMPLE, encoding="utf-8")
    profile = make_profile(str(config))
    assert profile.has_gyro and profile.time_unit_s == 1e-6  # type: ignore[attr-defined]


def test_a_firmware_config_that_is_not_text_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A picture saved as mine.toml was `internal error: UnicodeDecodeError` (EDGE-111)."""
    config = tmp_path / "mine.toml"
    config.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    rc = main(["record", "--sensor", str(config), "--address", "AA:BB:CC:DD:EE:FF", "--placement", "shank",
               "--out", str(tmp_path / "run.csv")])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2 and err == f"retrogait: error: {config}: the firmware config is not UTF-8 text (save it as UTF-8)\n"
