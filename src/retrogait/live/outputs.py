"""Where cues and steps go: system audio (sounddevice, optional extra ``live``), the terminal bell,
Open Sound Control (python-osc) and the ``NAME.feedback.csv`` log. An output that cannot start (no
library, no audio device, a bad OSC address) is left out with a one-line note; the others go on."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np

from retrogait.errors import RetrogaitError
from retrogait.live.feedback import Cue
from retrogait.live.online import LiveStep

OUTPUT_NAMES = ("audio", "bell", "osc")
#: OSC address of every committed contact: sensor, impact_peak_g, direction, cadence_spm, ic_time_s,
#: cued (0/1), pitch_hz (0 when quiet).
OSC_STEP_ADDRESS = "/retrogait/step"
FEEDBACK_HEADER = (
    "t_s,sensor,ic_time_s,peak_time_s,impact_peak_g,direction,direction_confidence,cadence_spm,"
    "target_g,excess_pct,pitch_hz,cued,latency_ms\n"
)


class OutputUnavailable(RetrogaitError):
    """An output cannot be used here (missing library or device); the recording goes on without it."""


class CueOutput(Protocol):
    """Receives every committed contact and its cue (None when it stayed quiet)."""

    name: str

    def emit(self, sensor: str, step: LiveStep, cue: Cue | None) -> None: ...

    def close(self) -> None: ...


class AudioOutput:
    """A short sine tone per cue through the default output device (non-blocking ``sounddevice.play``).

    sounddevice wraps PortAudio (maintained, wheels for all desktop systems); simpleaudio, the other
    small choice, has had no release since 2019 (decision LIVE-3).
    """

    name = "audio"

    def __init__(self, duration_s: float = 0.08, sample_rate_hz: int = 44100) -> None:
        try:
            import sounddevice  # type: ignore[import-not-found,unused-ignore]

            sounddevice.query_devices(kind="output")
        except ImportError:
            raise OutputUnavailable("no audio output: install the extra 'retrogait[live]' (sounddevice)") from None
        except Exception as exc:  # PortAudio missing (OSError) or no device (PortAudioError, ValueError)
            raise OutputUnavailable(f"no audio output device ({' '.join(str(exc).split())})") from None
        self._sd: Any = sounddevice
        self.duration_s = duration_s
        self.rate = sample_rate_hz

    def tone(self, pitch_hz: float) -> np.ndarray:
        """The cue's samples: a sine with 5 ms fades (float32, -0.5..0.5)."""
        n = round(self.duration_s * self.rate)
        t = np.arange(n) / self.rate
        fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.005)
        return (0.5 * np.sin(2 * np.pi * pitch_hz * t) * fade).astype(np.float32)

    def emit(self, sensor: str, step: LiveStep, cue: Cue | None) -> None:
        if cue is not None:
            self._sd.play(self.tone(cue.pitch_hz), self.rate, blocking=False)

    def close(self) -> None:
        self._sd.stop()


class BellOutput:
    """The terminal bell (BEL to stderr) per cue: no pitch, but works everywhere."""

    name = "bell"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr

    def emit(self, sensor: str, step: LiveStep, cue: Cue | None) -> None:
        if cue is not None:
            self.stream.write("\a")
            self.stream.flush()

    def close(self) -> None:
        pass


class OscOutput:
    """Every contact as an OSC message ``/retrogait/step`` over UDP (python-osc)."""

    name = "osc"

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            raise OutputUnavailable(f"--osc {target!r}: give HOST:PORT, e.g. 127.0.0.1:9000")
        try:
            from pythonosc.udp_client import SimpleUDPClient
        except ImportError:
            raise OutputUnavailable("no OSC output: install the extra 'retrogait[live]' (python-osc)") from None
        try:
            self._client = SimpleUDPClient(host, int(port))
        except OSError as exc:
            raise OutputUnavailable(f"no OSC output to {target} ({exc.strerror or exc})") from None

    def emit(self, sensor: str, step: LiveStep, cue: Cue | None) -> None:
        values: list[Any] = [
            sensor,
            float(step.impact_peak_g),
            step.direction,
            float(np.nan_to_num(step.cadence_spm)),
            float(step.ic_time_s),
            int(cue is not None),
            float(cue.pitch_hz) if cue is not None else 0.0,
        ]
        with contextlib.suppress(OSError):  # UDP: a receiver that went away must not stop the recording
            self._client.send_message(OSC_STEP_ADDRESS, values)

    def close(self) -> None:
        self._client.close()


class FeedbackLog:
    """``NAME.feedback.csv``: one line per committed contact (``cued`` 1 for a cue), on the
    recording's clock (``t_s`` = when it was judged), flushed with each line."""

    name = "log"

    def __init__(self, path: Path, origin_s: float) -> None:
        self.path = path
        self.origin_s = origin_s
        self._fh: IO[str] = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115  (closed in close())
        self._fh.write(FEEDBACK_HEADER)
        self.cues = 0

    def write(self, sensor: str, step: LiveStep, cue: Cue | None, judged_s: float, latency_s: float) -> None:
        o = self.origin_s
        target = f"{cue.target_g:.4f}" if cue is not None else ""
        excess = f"{cue.excess_pct:.2f}" if cue is not None else ""
        pitch = f"{cue.pitch_hz:.1f}" if cue is not None else ""
        self._fh.write(
            f"{judged_s - o:.4f},{sensor},{step.ic_time_s - o:.4f},{step.peak_time_s - o:.4f},"
            f"{step.impact_peak_g:.4f},{step.direction},"
            f"{step.direction_confidence:.3f},{step.cadence_spm:.2f},{target},{excess},{pitch},"
            f"{int(cue is not None)},{1000 * latency_s:.2f}\n"
        )
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.cues += int(cue is not None)

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


def feedback_path(session_path: Path) -> Path:
    """``run.csv`` -> ``run.feedback.csv``."""
    return session_path.with_name(session_path.stem + ".feedback.csv")


def make_outputs(names: list[str], osc_target: str | None, duration_s: float) -> tuple[list[CueOutput], list[str]]:
    """The outputs asked for that can start here, and one note per output left out. Audio that cannot
    start falls back to the terminal bell (when no other sounding output was asked for)."""
    outputs: list[CueOutput] = []
    notes: list[str] = []
    for name in names:
        try:
            if name == "audio":
                outputs.append(AudioOutput(duration_s))
            elif name == "bell":
                outputs.append(BellOutput())
            elif name == "osc":
                if osc_target is None:
                    raise OutputUnavailable("--cue osc needs --osc HOST:PORT")
                outputs.append(OscOutput(osc_target))
            else:
                raise RetrogaitError(f"--cue must be one of {', '.join(OUTPUT_NAMES)}, got {name!r}")
        except OutputUnavailable as exc:
            if name == "audio" and "bell" not in names:
                outputs.append(BellOutput())
                notes.append(f"{exc}; cues ring the terminal bell instead")
            else:
                notes.append(f"{exc}; left out")
    return outputs, notes
