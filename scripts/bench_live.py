"""Live feedback goals (issue 14): online vs offline steps, latency, CPU, and fault runs without loss.

    python scripts/bench_live.py                 # everything (about 3 minutes; real-time runs included)
    python scripts/bench_live.py --skip-realtime # agreement only

1. Online vs offline on the same recording: share of offline contacts found online within 20 ms, of
   those with the impact within 5 % and the same direction; simulator sessions (a standing start, then
   forward/backward running and walking) per placement, and the real recordings in ../shared/data
   (running_sacral_grf: lower back, 11 trials of 5 s; foot_walking: both feet). Also the detection
   delay (newest sample needed, minus the initial contact) and the detector's CPU per second of data.
2. Real time through bleak and the emulated BlueZ, two sensors at once (a Movesense and a Polar Verity
   Sense replaying simulated shank running at 208 Hz) with feedback: processing latency (arrival of the
   newest packet the deciding analysis saw -> cue handed to the outputs), end to end (impact peak
   sample -> cue, including the sensor's batching, BLE, the reorder window and the detection delay)
   per profile, CPU of the recording process; and the emulated phyphox phone (poll every 50 ms).
3. Fault runs with the live settings lose no sample that arrived (BLE: duplicated, swapped, malformed
   packets and a link loss; phyphox: dropped connections, slow answers, a restart).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

import retrogait
from retrogait.ble.collector import RecordOptions, SensorSpec
from retrogait.ble.emulator.harness import emulated_bluez
from retrogait.ble.emulator.peripherals import ACC_G_PER_COUNT, index_from_counts
from retrogait.ble.profiles.base import StreamSettings
from retrogait.conventions import STANDARD_GRAVITY_MS2
from retrogait.live.online import OnlineStepDetector
from retrogait.live.outputs import feedback_path
from retrogait.live.phyphox_emulator import EmulatedPhyphox, PhyphoxFaults, index_of
from retrogait.live.runner import LiveFeedback, record_with_feedback
from retrogait.live.settings import FeedbackSettings
from retrogait.session import Session, SessionMeta, read_session
from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

TOLERANCE_S = 0.02
PACKET = 8
SHARED = Path(os.environ.get("RETROGAIT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
BOUTS = [
    Bout("still", "still", 0, 4),
    Bout("forward", "running", 3.0, 20),
    Bout("backward", "running", 2.5, 20),
    Bout("forward", "walking", 1.3, 10),
    Bout("backward", "walking", 0.8, 10),
]


# ------------------------------------------------------------------------------- 1. agreement


def agreement(session: Session) -> dict[str, float]:
    """Online (packets of 8 samples, only what has arrived) against offline on one session."""
    offline = retrogait.analyze(session).steps
    m = session.meta
    det = OnlineStepDetector(m.placement, m.sample_rate_hz, m.side, m.anterior_axis, m.acc_range_g)
    steps = []
    lag = []  # newest sample when committed minus the sample that made the contact final: scheduling
    cpu0 = time.process_time()
    for i in range(0, session.n_samples, PACKET):
        gyr = session.gyr[i : i + PACKET] if session.gyr is not None else None
        det.feed(session.t_s[i : i + PACKET], session.acc[i : i + PACKET], gyr)
        if det.due():
            new = det.step()
            lag += [det.newest_s - s.ready_time_s for s in new]
            steps += new
    steps += det.step(final=True)
    cpu = time.process_time() - cpu0
    ic = np.asarray([s.ic_time_s for s in steps])
    found = impact = impact_n = direction = 0
    for row in offline.itertuples():
        if ic.size == 0:
            break
        j = int(np.argmin(np.abs(ic - row.ic_time_s)))
        if abs(ic[j] - row.ic_time_s) > TOLERANCE_S:
            continue
        found += 1
        if np.isfinite(row.impact_peak_g):
            impact_n += 1
            impact += abs(steps[j].impact_peak_g - row.impact_peak_g) <= 0.05 * abs(row.impact_peak_g)
        direction += steps[j].direction == row.direction
    delays = [s.ready_time_s - s.ic_time_s for s in steps]
    return {
        "offline": len(offline),
        "online": len(steps),
        "found": found,
        "impact": impact,
        "impact_n": impact_n,
        "direction": direction,
        "cpu_s": cpu,
        "seconds": float(session.t_s[-1] - session.t_s[0]),
        "delay_med_s": float(np.median(delays)) if delays else float("nan"),
        "delay_max_s": float(np.max(delays)) if delays else float("nan"),
        "lag_med_s": float(np.median(lag)) if lag else float("nan"),
    }


def _row(name: str, parts: list[dict[str, float]]) -> str:
    t = {k: sum(p[k] for p in parts) for k in ("offline", "online", "found", "impact", "impact_n", "direction")}
    cpu = sum(p["cpu_s"] for p in parts) / sum(p["seconds"] for p in parts)
    found = t["found"] / max(t["offline"], 1)
    imp = t["impact"] / max(t["impact_n"], 1)
    dirn = t["direction"] / max(t["found"], 1)
    delay = np.median([p["delay_med_s"] for p in parts])
    lag = np.median([p["lag_med_s"] for p in parts])
    worst = max(p["delay_max_s"] for p in parts)
    return (
        f"{name:<34} {t['offline']:>5} {t['online']:>5} {100 * found:6.1f} {100 * imp:6.1f} {100 * dirn:6.1f}"
        f" {1000 * delay:7.0f} {1000 * worst:7.0f} {1000 * lag:5.0f} {100 * cpu:6.1f}"
    )


def real_sessions() -> dict[str, list[Session]]:
    out: dict[str, list[Session]] = {}
    folder = SHARED / "running_sacral_grf"
    if folder.exists():
        acc = np.loadtxt(folder / "Accelerometer_dev.csv", delimiter=",")
        n = acc.shape[1] // 2
        meta = SessionMeta("lower_back", 500.0, anterior_axis="+x", vertical_axis="+z")
        out["running_sacral_grf (lower back, 11 trials)"] = [
            Session(
                np.arange(n) / 500.0, np.column_stack([a[n:], np.zeros(n), a[:n]]) * STANDARD_GRAVITY_MS2, None, meta
            )
            for a in acc
        ]
    folder = SHARED / "foot_walking"
    if folder.exists():
        data = pd.read_csv(folder / "imu_sample_not_rotated.csv", header=[0, 1], index_col=0)
        fs = 204.8
        out["foot_walking (foot, 2 sensors)"] = [
            Session(
                np.arange(len(data)) / fs,
                data[f"{side}_sensor"][["acc_x", "acc_y", "acc_z"]].to_numpy(),
                data[f"{side}_sensor"][["gyr_x", "gyr_y", "gyr_z"]].to_numpy(),
                SessionMeta("foot", fs, side=side),
            )
            for side in ("left", "right")
        ]
    return out


def bench_agreement() -> None:
    print("1. online vs offline (contacts within 20 ms; impact within 5 %; same direction)")
    columns = f"{'off':>5} {'on':>5} {'found%':>6} {'imp%':>6} {'dir%':>6} {'delay':>7} {'worst':>7}"
    columns += f" {'lag':>5} {'cpu%':>6}"
    print(f"{'recording':<34} {columns}")
    for placement in ("shank", "foot", "lower_back"):
        parts = [
            agreement(simulate(SimulationConfig(placement, BOUTS, sample_rate_hz=200.0, seed=seed)).session)
            for seed in (1, 2)
        ]
        print(_row(f"simulator {placement} (2 x 64 s)", parts))
    for name, sessions in real_sessions().items():
        print(_row(name, [agreement(s) for s in sessions]))
    print("   delay: newest sample the commit needed minus initial contact, median / worst (ms);")
    print("   lag: newest sample when the contact was committed minus that sample, median (ms): scheduling;")
    print("   cpu%: detector CPU per second of 200 Hz data (one core; 500 Hz for running_sacral_grf)")


# ------------------------------------------------------------------------------- 2. real time


def _latency_rows(live: LiveFeedback, specs: list[SensorSpec], origin: float | None = None) -> list[str]:
    rows = []
    for spec, sensor in zip(specs, live.sensors.values(), strict=False):
        log = pd.read_csv(feedback_path(spec.out))
        proc = np.asarray(sensor.latencies_s) * 1000
        e2e = (log["t_s"] - log["peak_time_s"]).to_numpy() * 1000
        e2e = e2e[np.isfinite(e2e)]
        compute = np.median(sensor.analysis_cpu_s) * 1000
        rows.append(
            f"   {spec.profile:<10} {len(log):>4} contacts  processing median {np.median(proc):5.1f} ms, "
            f"p99 {np.percentile(proc, 99):5.1f} ms (of it analysis CPU, median {compute:4.1f} ms);  "
            f"peak -> cue median {np.median(e2e):5.0f} ms, p99 {np.percentile(e2e, 99):5.0f} ms"
        )
    return rows


async def _record_live(specs: list[SensorSpec], options: RecordOptions) -> LiveFeedback:
    live = LiveFeedback([], FeedbackSettings(target_g=3.0))
    await record_with_feedback(specs, options, live)
    return live


def bench_realtime(seconds: float) -> None:
    print(f"\n2. real time, {seconds:g} s, feedback on (target 3 g), live settings (30 ms reorder window)")
    bouts = [Bout("still", "still", 0, 4), Bout("forward", "running", 3.0, seconds)]
    sim = simulate(SimulationConfig("shank", bouts, sample_rate_hz=208.0, seed=7))
    with tempfile.TemporaryDirectory() as tmp:
        replay = Path(tmp) / "replay.csv"
        write_simulation(sim, replay)
        devices = [
            {"kind": "movesense", "address": "C0:FF:EE:00:0B:01", "name": "Movesense live", "replay": str(replay)},
            {"kind": "polar_verity", "address": "C0:FF:EE:00:0B:02", "name": "Polar Sense live", "replay": str(replay)},
        ]
        with emulated_bluez(Path(tmp) / "emu", {"devices": devices}) as emu:
            os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = emu.bus_address
            specs = [
                SensorSpec(
                    p,
                    "shank",
                    Path(tmp) / f"{p}.csv",
                    address=d["address"],
                    side=sim.config.side,
                    settings=StreamSettings(rate_hz=208.0),
                )
                for p, d in zip(("movesense", "polar"), devices, strict=True)
            ]
            options = RecordOptions(duration_s=seconds + 4, reorder_window_s=0.03, wake_on_arrival=True)
            proc = psutil.Process()
            cpu0, wall0 = sum(proc.cpu_times()[:2]), time.monotonic()
            live = asyncio.run(_record_live(specs, options))
            cpu = (sum(proc.cpu_times()[:2]) - cpu0) / (time.monotonic() - wall0)
            print("   two BLE sensors (208 Hz each) through bleak and the emulated BlueZ:")
            for line in _latency_rows(live, specs):
                print(line)
            print(f"   CPU of the recording process (collector + feedback, two sensors): {100 * cpu:.1f} % of one core")
        bench_phyphox(sim.session, seconds, Path(tmp))


def bench_phyphox(session: Session, seconds: float, tmp: Path) -> None:
    emu = EmulatedPhyphox(rate_hz=session.meta.sample_rate_hz, replay=session, realtime=True)
    url = emu.start()
    spec = SensorSpec("phyphox", "shank", tmp / "phone.csv", url=url, side=session.meta.side)
    options = RecordOptions(duration_s=seconds + 4, poll_every_s=0.05)
    threads0 = _thread_cpu()
    proc = psutil.Process()
    cpu0, wall0 = sum(proc.cpu_times()[:2]), time.monotonic()
    live = asyncio.run(_record_live([spec], options))
    wall = time.monotonic() - wall0
    server = _thread_cpu().get(emu._thread.native_id if emu._thread else -1, 0.0) - threads0.get(
        emu._thread.native_id if emu._thread else -1, 0.0
    )
    cpu = (sum(proc.cpu_times()[:2]) - cpu0 - server) / wall
    emu.stop()
    print("   emulated phyphox phone (208 Hz, poll every 50 ms), HTTP on this machine:")
    for line in _latency_rows(live, [spec]):
        print(line)
    print(f"   CPU of the recording (emulator thread excluded): {100 * cpu:.1f} % of one core")


def _thread_cpu() -> dict[int, float]:
    return {t.id: t.user_time + t.system_time for t in psutil.Process().threads()}


# ------------------------------------------------------------------------------- 3. faults


def bench_faults() -> None:
    print("\n3. fault runs with the live settings: samples that arrived and are missing from the files")
    with tempfile.TemporaryDirectory() as tmp:
        faults = {"duplicate_every": 7, "swap_every": 11, "malformed_every": 13, "short_every": 17,
                  "disconnect_every_s": 2.0, "disconnect_times": 2, "down_s": 0.4}  # fmt: skip
        devices = [
            {"kind": "movesense", "address": "C0:FF:EE:00:0C:01", "name": "Movesense faulty", "faults": faults},
            {"kind": "polar_h10", "address": "C0:FF:EE:00:0C:02", "name": "Polar H10 faulty", "faults": faults},
        ]
        with emulated_bluez(Path(tmp) / "emu", {"devices": devices}) as emu:
            os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = emu.bus_address
            specs = [
                SensorSpec(p, "shank", Path(tmp) / f"{p}.csv", address=d["address"])
                for p, d in zip(("movesense", "polar"), devices, strict=True)
            ]
            options = RecordOptions(duration_s=8.0, reorder_window_s=0.03, wake_on_arrival=True)
            asyncio.run(_record_live(specs, options))
            for spec, dev in zip(specs, devices, strict=True):
                rows = np.loadtxt(emu.sent_dir / f"{dev['name']}.sent", dtype=np.int64, ndmin=2)
                sent = np.concatenate([np.arange(k, k + n) for k, n in rows]) % 1_000_000
                s = read_session(spec.out)
                c = np.rint(s.acc / STANDARD_GRAVITY_MS2 / ACC_G_PER_COUNT[dev["kind"]]).astype(np.int64)
                got = index_from_counts(c[:, 0], c[:, 1])
                print(
                    f"   BLE {dev['kind']:<10} sent {sent.size}, missing {np.setdiff1d(sent, got).size}, "
                    f"twice {got.size - np.unique(got).size}"
                )
        emu2 = EmulatedPhyphox(
            realtime=True, faults=PhyphoxFaults(drop_every=6, slow_every=9, slow_s=0.4, restart_at_sample=1000)
        )
        url = emu2.start()
        out = Path(tmp) / "phone.csv"
        asyncio.run(_record_live([SensorSpec("phyphox", "shank", out, url=url)], RecordOptions(duration_s=10.0)))
        emu2.stop()
        got = index_of(pd.read_csv(out, comment="#")[["acc_x", "acc_y", "acc_z"]].to_numpy())
        side = out.with_name("phone.unpaired.csv")
        if side.exists():
            got = np.concatenate([got, index_of(pd.read_csv(side)[["acc_x_ms2", "acc_y_ms2", "acc_z_ms2"]].to_numpy())])
        served = np.asarray(sorted(emu2.served))
        print(
            f"   phyphox (drops, slow answers, a restart): served {served.size}, "
            f"missing {np.setdiff1d(served, got).size}, twice {got.size - np.unique(got).size}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the real-time runs (s)")
    parser.add_argument("--skip-realtime", action="store_true", help="only the online/offline agreement")
    args = parser.parse_args()
    bench_agreement()
    if not args.skip_realtime:
        bench_realtime(args.seconds)
        bench_faults()


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
