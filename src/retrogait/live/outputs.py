"""Where cues and steps go: system audio (sounddevice, optional extra ``live``), the terminal bell,
Open Sound Control (python-osc) and the ``NAME.feedback.csv`` log. A cue is sounded when it fires
(within the landing's stride); the contact it belongs to is logged and sent when it is final. An
output that cannot start (no library, no audio device, a bad OSC address) is left out with a one-line
note; the others go on."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np

from retrogait.analysis.leg_rhythm import LegRhythm
from retrogait.errors import RetrogaitError
from retrogait.live.feedback import Cue
from retrogait.live.online import LiveStep
from retrogait.live.trigger import ImpactWindow
from retrogait.outfiles import restore_if_removed

OUTPUT_NAMES = ("audio", "bell", "osc")
#: OSC address of every cue as it fires: sensor, cue_impact_g, pitch_hz, landing_t_s (recording clock).
OSC_CUE_ADDRESS = "/retrogait/cue"
#: OSC address of every committed contact: sensor, impact_peak_g, direction, cadence_spm, ic_time_s,
#: cued (0/1), pitch_hz (0 when quiet).
OSC_STEP_ADDRESS = "/retrogait/step"
#: OSC address of what a sensor's contacts are analysed as (LIVE-54), sent before its first ``/retrogait/step`` and
#: again where a foot or shank without gyroscope is read as both legs' steps (LIVE-46/50): sensor, placement,
#: declared placement, from_t_s (recording clock), contacts_before, note (empty, or the log's LIVE-50 note).
OSC_PLACEMENT_ADDRESS = "/retrogait/placement"
FEEDBACK_HEADER = (
    "t_s,sensor,ic_time_s,peak_time_s,impact_peak_g,direction,direction_confidence,cadence_spm,"
    "landing_t_s,cue_t_s,cue_impact_g,target_g,excess_pct,pitch_hz,cued,latency_ms,peak_latency_ms,placement,note\n"
)


class OutputUnavailable(RetrogaitError):
    """An output cannot be used here (missing library or device); the recording goes on without it."""


@dataclass(frozen=True)
class Judged:
    """A committed contact and the cue its landing gave (if any), or a cue that matched no contact.

    Attributes:
        step: the contact (None: a cue whose landing the online detector did not confirm).
        cue: the cue (None: the contact stayed quiet).
        window: the trigger's window of this landing (None when the trigger did not recognise it).
        cue_time_s: when the cue was handed to the outputs (``time.monotonic``, NaN without a cue).
    """

    step: LiveStep | None
    cue: Cue | None
    window: ImpactWindow | None
    cue_time_s: float = float("nan")

    @property
    def latency_s(self) -> float:
        """Arrival of the packet that decided the cue -> cue handed to the outputs (s; NaN without)."""
        return self.cue_time_s - self.window.cue_arrival_s if self.window is not None else float("nan")

    @property
    def peak_latency_s(self) -> float:
        """Arrival of the packet holding the window's peak -> cue (s; negative: the cue came first)."""
        return self.cue_time_s - self.window.max_arrival_s if self.window is not None else float("nan")


class CueOutput(Protocol):
    """Sounds or sends each cue as it fires, and each committed contact when it is final."""

    name: str

    def cue(self, sensor: str, cue: Cue, landing_s: float) -> None: ...

    def step(self, sensor: str, judged: Judged) -> None: ...

    def placement(self, sensor: str, placement: str, declared: str, from_s: float, after: int, note: str) -> None:
        """What ``sensor``'s contacts are analysed as from ``from_s`` (host clock s) on, after ``after`` contacts."""

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

    def cue(self, sensor: str, cue: Cue, landing_s: float) -> None:
        self._sd.play(self.tone(cue.pitch_hz), self.rate, blocking=False)

    def step(self, sensor: str, judged: Judged) -> None:
        pass

    def placement(self, sensor: str, placement: str, declared: str, from_s: float, after: int, note: str) -> None:
        pass

    def close(self) -> None:
        self._sd.stop()


class BellOutput:
    """The terminal bell (BEL to stderr) per cue: no pitch, but works everywhere."""

    name = "bell"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr

    def cue(self, sensor: str, cue: Cue, landing_s: float) -> None:
        self.stream.write("\a")
        self.stream.flush()

    def step(self, sensor: str, judged: Judged) -> None:
        pass

    def placement(self, sensor: str, placement: str, declared: str, from_s: float, after: int, note: str) -> None:
        pass

    def close(self) -> None:
        pass


class OscOutput:
    """Each cue as ``/retrogait/cue`` when it fires, each contact as ``/retrogait/step`` when it is final, and what
    a sensor's contacts are analysed as as ``/retrogait/placement`` (LIVE-54), over UDP (python-osc). ``origin_s``:
    the recording clock's zero (``time.monotonic``; the runner sets the recording's)."""

    name = "osc"

    def __init__(self, target: str, origin_s: float = 0.0) -> None:
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            raise OutputUnavailable(f"--osc {target!r}: give HOST:PORT, e.g. 127.0.0.1:9000")
        if not 1 <= int(port) <= 65535:  # a UDP port; beyond it every message raised OverflowError (EDGE-106)
            raise OutputUnavailable(f"--osc {target!r}: the port must be a number 1-65535, got {port}")
        if host.startswith("[") and host.endswith("]"):  # an IPv6 address as URLs write it: [::1]:9000
            host = host[1:-1]
        try:
            from pythonosc.udp_client import SimpleUDPClient
        except ImportError:
            raise OutputUnavailable("no OSC output: install the extra 'retrogait[live]' (python-osc)") from None
        try:
            self._client = SimpleUDPClient(host, int(port))
        except OSError as exc:
            raise OutputUnavailable(f"no OSC output to {target} ({exc.strerror or exc})") from None
        self.origin_s = origin_s

    def _send(self, address: str, values: list[Any]) -> None:
        with contextlib.suppress(OSError):  # UDP: a receiver that went away must not stop the recording
            self._client.send_message(address, values)

    def cue(self, sensor: str, cue: Cue, landing_s: float) -> None:
        self._send(OSC_CUE_ADDRESS, [sensor, float(cue.value_g), float(cue.pitch_hz), float(landing_s - self.origin_s)])

    def step(self, sensor: str, judged: Judged) -> None:
        step, cue = judged.step, judged.cue
        if step is None:
            return
        values: list[Any] = [
            sensor,
            float(step.impact_peak_g),
            step.direction,
            float(np.nan_to_num(step.cadence_spm)),
            float(step.ic_time_s - self.origin_s),
            int(cue is not None),
            float(cue.pitch_hz) if cue is not None else 0.0,
        ]
        self._send(OSC_STEP_ADDRESS, values)

    def placement(self, sensor: str, placement: str, declared: str, from_s: float, after: int, note: str) -> None:
        self._send(
            OSC_PLACEMENT_ADDRESS, [sensor, placement, declared, float(from_s - self.origin_s), int(after), note]
        )

    def close(self) -> None:
        self._client.close()


def both_legs_line(rhythm: LegRhythm, declared: str, decided_s: float, after: int) -> str:
    """The ``note`` of the log's line where a stream declared ``declared`` without gyroscope was read as both legs'
    steps (LIVE-46, LIVE-50): why (PHONE-17's reading), from when (``decided_s``, recording clock s: the end of the
    window whose check read so, after ``after`` contacts) and what follows. Without a comma: one CSV field unquoted."""
    return (
        f"read as other from here on: declared {declared} without a gyroscope but its acceleration shows both legs'"
        f" steps ({rhythm.cadence_spm:.0f} steps/min as one leg's strides; |a| SD {rhythm.std_g:.2f} g; at half a"
        f" contact r {rhythm.half_r:+.2f}); decided on the samples up to {decided_s:.2f} s after {after} contacts"
        " reported as one leg's; since: steps of both legs with no impact and no cue"
    )


def csv_field(text: str) -> str:
    """``text`` as one field of the log: as it is, or quoted (RFC 4180) where it holds a comma, a quote or a line end
    (a sensor named so, ``record --name "Polar H10, left"``; REVIEW-71): every line keeps its columns."""
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


class FeedbackLog:
    """``NAME.feedback.csv``: one line per committed contact and per cue that matched no contact, on the
    recording's clock (``t_s`` = when the line was written), flushed and fsynced with each line; and one line where
    the stream was read as both legs' steps (:meth:`write_both_legs`, LIVE-50). ``placement``: the declared one."""

    name = "log"

    def __init__(self, path: Path, origin_s: float, placement: str = "") -> None:
        self.path = path
        self.origin_s = origin_s
        self.placement = placement
        path.parent.mkdir(parents=True, exist_ok=True)  # opened before the session file, which makes it too (USER-5)
        self._fh: IO[str] = open(path, "w+", encoding="utf-8", newline="\n")  # noqa: SIM115  (closed in close())
        self._fh.write(FEEDBACK_HEADER)
        self._fh.flush()  # on disk before the first line, as the session file's header (REVIEW-73)
        os.fsync(self._fh.fileno())
        self.cues = 0
        #: where the lines were written again at close when ``path`` had been removed meanwhile (USER-4)
        self.restored_to: Path | None = None

    def write(self, sensor: str, judged: Judged, written_s: float) -> None:
        o = self.origin_s
        step, cue, window = judged.step, judged.cue, judged.window

        def num(value: float, digits: int, offset: float = 0.0) -> str:
            return f"{value - offset:.{digits}f}" if np.isfinite(value) else ""

        contact = (
            f"{num(step.ic_time_s, 4, o)},{num(step.peak_time_s, 4, o)},{num(step.impact_peak_g, 4)},{step.direction},"
            f"{step.direction_confidence:.3f},{num(step.cadence_spm, 2)}"
            if step is not None
            else ",,,,,"
        )
        landing = num(window.onset_s, 4, o) if window is not None else ""
        if cue is not None:
            sound = (
                f"{num(judged.cue_time_s, 4, o)},{cue.value_g:.4f},{cue.target_g:.4f},{cue.excess_pct:.2f},"
                f"{cue.pitch_hz:.1f},1,{num(1000 * judged.latency_s, 2)},{num(1000 * judged.peak_latency_s, 2)}"
            )
        else:
            sound = ",,,,,0,,"
        # the placement the contact was analysed as; a cue is only ever given while the declared one holds (LIVE-46)
        placement = step.placement if step is not None and step.placement else self.placement
        self._line(f"{written_s - o:.4f},{csv_field(sensor)},{contact},{landing},{sound},{csv_field(placement)},")
        self.cues += int(cue is not None)

    def write_both_legs(self, sensor: str, rhythm: LegRhythm, decided_s: float, after: int, written_s: float) -> str:
        """The line where the stream was read as both legs' steps (LIVE-46; ``decided_s`` host clock s, ``after``
        contacts committed): every line after it is ``placement`` ``other`` (LIVE-50). Returns its note."""
        note = both_legs_line(rhythm, self.placement, decided_s - self.origin_s, after)
        self._line(f"{written_s - self.origin_s:.4f},{csv_field(sensor)},,,,,,,,,,,,,0,,,other,{csv_field(note)}")
        return note

    def _line(self, text: str) -> None:
        self._fh.write(text + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if not self._fh.closed:
            try:
                self.restored_to = restore_if_removed(self._fh, self.path)  # its folder removed meanwhile (USER-4)
            finally:
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
