"""``retrogait simulate``: write a synthetic session and its ground truth (see docs/simulator.md)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from retrogait.cli.app import app
from retrogait.cli.display import line_console, safe
from retrogait.conventions import ONE_LEG_PLACEMENTS
from retrogait.errors import RetrogaitError


def _parse_rotation(text: str) -> tuple[float, float, float]:
    parts = [p.strip() for p in text.split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise RetrogaitError(f"--mount-rotation-deg {text!r}: expected three numbers 'rx,ry,rz'") from None
    if len(values) != 3:
        raise RetrogaitError(f"--mount-rotation-deg {text!r}: expected three numbers 'rx,ry,rz'")
    return values[0], values[1], values[2]


@app.command("simulate")
def simulate_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Session file to write (PATH.csv); truth goes to PATH_truth.csv.")
    ],
    placement: Annotated[str, typer.Option(help="foot, shank or lower_back.")] = "shank",
    bouts: Annotated[
        str,
        typer.Option(
            # rich markup: an unescaped [@S] or [xSTEPS] is taken for a style tag and vanishes from the help (EDGE-80)
            help="Comma-separated direction:activity:speed_ms:duration_s\\[:foot_strike\\[+hard]\\[+turnDEG\\[@S]"
            "\\[xSTEPS]]\\[:cadence_spm]] (direction forward, backward, left or right; turnDEG: a stepping turn); "
            "still::0:SECONDS stands, turn::DEGREES:SECONDS pivots (positive to the left), remount::RX/RY/RZ:SECONDS "
            "re-mounts the sensor while standing (its new mounting rotation, deg).",
        ),
    ] = "still::0:3,forward:running:3.0:60,still::0:3,backward:running:2.5:60,still::0:3",
    side: Annotated[str, typer.Option(help="Leg wearing a foot or shank sensor (left/right).")] = "left",
    rate: Annotated[float, typer.Option("--rate", help="Output sample rate (Hz).")] = 500.0,
    seed: Annotated[int, typer.Option(help="Random seed, 0 or more (same seed, same file).")] = 0,
    no_gyro: Annotated[bool, typer.Option("--no-gyro", help="Accelerometer only.")] = False,
    acc_range_g: Annotated[float, typer.Option("--acc-range-g", help="Accelerometer range (+/- g).")] = 16.0,
    gyr_range_dps: Annotated[float, typer.Option("--gyr-range-dps", help="Gyroscope range (+/- deg/s).")] = 2000.0,
    acc_noise_ms2: Annotated[
        float, typer.Option("--acc-noise-ms2", help="Accelerometer white noise per axis (m/s^2 rms).")
    ] = 0.025,
    mount_rotation_deg: Annotated[
        str, typer.Option("--mount-rotation-deg", help="Mounting error as Euler angles 'rx,ry,rz' (deg).")
    ] = "0,0,0",
    simulator_version: Annotated[
        int | None,
        typer.Option(
            "--simulator-version",
            help="Simulator version: 2 (the default: walking force tied to the double supports, trunk momentum) or 1 "
            "(as before SIM-17, bit-identical); default: the library's (SimulationConfig.version).",
        ),
    ] = None,
) -> None:
    """Simulate forward/backward running and walking at the foot, shank or lower back (SYNTHETIC data)."""
    from rich.table import Table

    from retrogait.outfiles import refuse_replacing_a_recording, refuse_replacing_a_truth_table
    from retrogait.simulate import SimulationConfig, parse_bouts, simulate, write_simulation
    from retrogait.simulate.assemble import simulation_paths
    from retrogait.simulate.nominal import nominal_timing

    # a folder (it wrote FOLDER.csv beside it), then the file: EDGE-4; the folder first: `--out .` (or "") has no
    # name to add .csv to and was an internal error (EDGE-86)
    refuse_replacing_a_recording(out, remade_by="simulate")
    refuse_replacing_a_recording(simulation_paths(out)[0], remade_by="simulate")
    refuse_replacing_a_truth_table(simulation_paths(out)[1])  # (EDGE-268)

    config = SimulationConfig(
        placement=placement,
        bouts=parse_bouts(bouts),
        sample_rate_hz=rate,
        side=side,
        with_gyro=not no_gyro,
        acc_range_g=acc_range_g,
        gyr_range_dps=gyr_range_dps,
        acc_noise_ms2=acc_noise_ms2,
        mounting_rotation_deg=_parse_rotation(mount_rotation_deg),
        seed=seed,
    )
    if simulator_version is not None:
        config = dataclasses.replace(config, version=simulator_version)
    result = simulate(config)
    session_path, truth_path = write_simulation(result, out)

    console = line_console()
    one_leg = placement in ONE_LEG_PLACEMENTS
    table = Table(
        title=f"simulated {placement} ({'acc+gyro' if config.with_gyro else 'acc only'}, {rate:g} Hz)",
        caption=f"steps: landings of both legs; contacts: landings of the {side} leg, the one a {placement} sensor "
        "sees; cadence: steps of both legs per minute"
        if one_leg
        else "steps: landings of both legs; cadence: steps per minute",
        caption_justify="left",
    )
    counts = ("steps", "contacts") if one_leg else ("steps",)
    for column in ("bout", "what", "duration", *counts, "cadence", "contact time"):
        table.add_column(column, justify="left" if column == "what" else "right")
    truth = result.truth
    for bout_id, bout in enumerate(config.bouts):
        rows = truth[truth["bout_id"] == bout_id]
        n = (str(len(rows)), str(int((rows["side"] == side).sum()))) if one_leg else (str(len(rows)),)
        if bout.is_still:
            what = f"turn {bout.turn_deg:g} deg" if bout.turn_deg else "still"
            table.add_row(str(bout_id), what, f"{bout.duration_s:g} s", *n, "-", "-")
            continue
        cadence = float(rows["cadence_spm"].iloc[0]) if len(rows) else nominal_timing(bout).cadence_spm
        # median: the landing on which a bout stops may stand on until the next bout's first toe-off
        contact = f"{1000 * rows['contact_time_s'].median():.0f} ms" if len(rows) else "-"
        what = f"{bout.direction} {bout.activity} {bout.speed_ms:g} m/s {bout.resolved_foot_strike}"
        what += " (hard landing)" if bout.hard_landing else ""
        what += f", stepping turn {bout.turn_deg:g} deg" if bout.turn_deg else ""
        table.add_row(str(bout_id), what, f"{bout.duration_s:g} s", *n, f"{cadence:.1f} spm", contact)
    console.print(table, soft_wrap=False)
    console.print(
        f"wrote {safe(session_path)} ({result.session.n_samples} samples) and {safe(truth_path)} "
        f"({len(truth)} steps of both legs)"  # a name like run[/b].csv was markup: an internal error (EDGE-72)
    )
