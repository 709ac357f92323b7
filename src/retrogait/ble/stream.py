"""From notification payloads to timestamped samples for one sensor: reorder, de-duplicate, decode,
map sensor time to the shared host clock and count what was lost."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from retrogait.ble.profiles.base import Arrival, Decoded, Profile, StreamInfo
from retrogait.ble.sidefile import PlacedUnpaired
from retrogait.ble.timing import ClockMap, StreamStats, Timed

__all__ = ["Arrival", "StreamAssembler"]


class StreamAssembler:
    """Turns batches of ``(host time s, payload)`` into strictly increasing timestamped samples.

    Devices with packet keys (sensor time or counter) get a reorder window: packets are held for
    ``reorder_window_s`` of host time, sorted by key, and packets whose key was already written are
    dropped (duplicates, or replays after a reconnect). A packet that starts where the last one
    released of its stream ended (``Profile.sample_span_s``) leaves no hole and is released at once.
    Devices without a clock get a virtual clock (sample count / rate); after a reconnect the lateness
    of the first packet gives the samples lost while the link was down, and the clock skips them.

    Paired profiles hand acceleration without a gyroscope partner over as rows with NaN gyroscope
    (REC-20); samples that cannot become rows (gyroscope without acceleration,
    :meth:`Profile.take_unpaired`) are placed on the same host clock and collected for :meth:`take_unpaired`.
    """

    def __init__(self, profile: Profile, info: StreamInfo, reorder_window_s: float = 0.3) -> None:
        self.profile = profile
        self.info = info
        self.period_s = 1.0 / info.rate_hz
        self.reorder_window_s = reorder_window_s
        # crystal clocks drift by ppm; a counted sample clock is as good as the sensor's data rate (±10 %)
        self.clock = ClockMap(max_drift=2e-3 if info.has_clock else 0.1)
        self.stats = StreamStats()
        self._held: list[tuple[float, bytes, int]] = []
        self._last_keys: dict[int, int] = {}  # newest key written, per stream of the device
        self._last_sensor_s: float | None = None  # sensor time of the last packet's first sample
        self._last_first_grid = 0
        self._last_n = 0
        self._grid_next = 0  # grid index of the next sample to write
        self._last_host_s = -np.inf
        self._virtual_count = 0
        self._reconnected = False
        self._unpaired: list[PlacedUnpaired] = []
        self._newest_arrival_s = -np.inf
        # sensor time where the last packet released of each stream ended, and how far the next may be off
        self._span_end_s: dict[int, float] = {}
        self._span_tolerance_s = max(profile.clock_resolution_s, 0.5 * self.period_s)
        # samples of clock jitter: a packet's first sample this far from where the count puts it is on time
        self._jitter = max(int(np.ceil(profile.clock_resolution_s * info.rate_hz - 1e-3)), 0)
        # a damaged sensor timestamp (BLE-21): sensor minus host time of the most prompt packet, the host
        # time it was seen, and the packets since whose timestamps disagree with it (held back)
        self._offset_s: float | None = None
        self._offset_host_s = 0.0
        self._suspects: list[tuple[float, bytes, int]] = []

    def on_reconnect(self) -> Timed | None:
        """The link was lost: decoder state restarts, a sensor clock reset is recognised. Returns the
        rows decided by the loss (acceleration whose gyroscope twin was lost with the link, REC-20):
        they follow every row returned before and precede every row returned after."""
        self.stats.reconnects += 1
        self._span_end_s = {}  # a new connection's first packet waits for the reorder window
        self._offset_s, self._suspects = None, []  # the sensor clock may restart: judged again (BLE-21)
        lost = self.profile.link_lost_packets()
        rows = None
        if lost:  # profiles without a sensor clock: the samples right after the newest row
            self.stats.packets += len(lost)
            rows = self._unclocked(lost)
        self.profile.reset_stream_state()
        self._place_unpaired()
        self._reconnected = True
        return rows

    def take_unpaired(self) -> list[PlacedUnpaired]:
        """Unpaired samples placed on the host clock since the last call."""
        out, self._unpaired = self._unpaired, []
        return out

    def _place_unpaired(self) -> None:
        """Put the profile's unpaired samples on the host clock the rows use.

        With a sensor clock: relative to the newest row's grid place. Without one: they are the
        samples right after the newest row (a twin is only lost at the end of a connection), so
        they take the next virtual counts. Before any row exists, their arrival time stands in.
        """
        rate = self.info.rate_hz
        for u in self.profile.take_unpaired():
            if u.n_samples == 0:
                continue
            if u.sensor_time_s is not None:
                s = u.sensor_time_s
                if self._last_sensor_s is not None and self.clock.started:
                    t = self.clock.map((self._last_first_grid + (s - self._last_sensor_s) * rate) / rate)
                else:
                    t = self._newest_arrival_s - (s[-1] - s)
            elif self.clock.started:
                counts = self._virtual_count + np.arange(u.n_samples)
                self._virtual_count += u.n_samples
                t = self.clock.map(counts / rate)
            else:
                t = np.asarray(u.arrival_s, dtype=np.float64)
            self._unpaired.append(PlacedUnpaired(u.stream, np.asarray(t, dtype=np.float64), u.values))
            self.stats.unpaired_kept += u.n_samples

    def push(self, items: Sequence[Arrival], now_s: float, final: bool = False) -> Timed | None:
        """Feed newly arrived packets; returns the samples now ready (or None)."""
        arrivals = self.profile.reassemble(items)
        if final:
            arrivals += self.profile.flush_pending()
        self.stats.packets += len(arrivals)
        if items:
            self._newest_arrival_s = max(self._newest_arrival_s, max(t for t, _ in items))
        payloads = [p for _, p in arrivals]
        keys = self.profile.packet_keys(payloads) if arrivals else None
        if keys is None and not self.info.has_clock:
            timed = self._unclocked(arrivals) if arrivals else None
        else:
            restarted = None
            if keys is not None:
                packets, restarted = self._plausible([(t, p, int(k)) for (t, p), k in zip(arrivals, keys, strict=True)])
                self._held.extend(packets)
            timed = Timed.join(restarted, self._release(now_s, final))
        self._place_unpaired()
        return timed

    #: A packet whose sensor time runs ahead of the host clock by more than this (s, plus the drift a
    #: crystal can have), or behind by more than ``_BEHIND_S``, has a damaged timestamp (BLE-21).
    _AHEAD_S = 2.0
    _BEHIND_S = 60.0
    #: Packets in a row that agree with each other and not with the clock: the clock itself jumped.
    _SUSPECTS_TO_TRUST = 3

    def _plausible(
        self, packets: list[tuple[float, bytes, int]]
    ) -> tuple[list[tuple[float, bytes, int]], Timed | None]:
        """Refuse packets whose sensor timestamp cannot be true (BLE-21).

        Sensor time and host arrival advance together: a packet's ``sensor - host`` offset is at most
        the most prompt packet's (plus drift), and lower by the latency of the link. A timestamp far
        ahead of it (a damaged high byte) would put rows hours away and drop every packet after it as a
        duplicate; far behind, it would be taken for a replay. Such a packet is marked unreadable (key
        -1: counted as malformed) -- unless ``_SUSPECTS_TO_TRUST`` packets in a row agree with each other:
        then the reference was the damaged one (or the sensor clock jumped), the held packets are
        written, the clock restarts (as after a sensor reset, BLE-13) and the suspects are kept.
        Returns the packets to hold and the rows written by such a restart.
        """
        out: list[tuple[float, bytes, int]] = []
        restarted: Timed | None = None
        for t, p, k in packets:
            if k < 0:
                out.append((t, p, k))
                continue
            offset = self._sensor_s_of_key(k) - t
            if self._offset_s is None:
                self._offset_s, self._offset_host_s = offset, t
                out.append((t, p, k))
                continue
            ahead = self._AHEAD_S + 1e-3 * max(t - self._offset_host_s, 0.0)
            if -self._BEHIND_S <= offset - self._offset_s <= ahead:
                self._suspects = []
                if offset > self._offset_s:
                    self._offset_s, self._offset_host_s = offset, t
                out.append((t, p, k))
                continue
            agree = (
                not self._suspects
                or abs(offset - (self._sensor_s_of_key(self._suspects[-1][2]) - self._suspects[-1][0])) <= ahead
            )
            self._suspects = [*self._suspects, (t, p, k)] if agree else [(t, p, k)]
            if len(self._suspects) < self._SUSPECTS_TO_TRUST:
                out.append((t, p, -1))
                continue
            # the reference was wrong: write what is held on the old clock, then start a new one
            held = sorted([*self._held, *out], key=lambda h: h[2])
            self._held = []
            restarted = Timed.join(restarted, Timed.join(self._write_ready(held), self._restart_clock()))
            self.stats.malformed += sum(1 for h in held if h[2] < 0)
            self.stats.malformed -= len(self._suspects) - 1  # counted as malformed above, kept after all
            self._span_end_s = {}
            out = list(self._suspects)
            self._offset_s = max(self._sensor_s_of_key(h[2]) - h[0] for h in self._suspects)
            self._offset_host_s = t
            self._suspects = []
        return out, restarted

    # ------------------------------------------------------------------------ devices with keys

    def _release(self, now_s: float, final: bool) -> Timed | None:
        timed = self._release_held(now_s, final)
        if final and self.profile.has_pending():
            # let the decoder finish pairing: nothing was held, or what was released at the end was only
            # duplicates and damaged packets, which never reach the decoder (LIVE-20)
            timed = Timed.join(timed, self._clocked(self.profile.decode([]), np.array([now_s])))
        return timed

    def _release_held(self, now_s: float, final: bool) -> Timed | None:
        if not self._held:
            return None
        # a jitter buffer: in key order, release packets until the first one younger than the window
        # that does not continue its stream where the last one written ended (BLE-17)
        cutoff = np.inf if final else now_s - self.reorder_window_s
        self._held.sort(key=lambda h: h[2])
        n_ready = 0
        while n_ready < len(self._held):
            arrived, payload, key = self._held[n_ready]
            span = self.profile.sample_span_s(payload, key) if key >= 0 else None
            stream = key % self.profile.key_streams
            end = self._span_end_s.get(stream)
            continues = span is not None and end is not None and abs(span[0] - end) <= self._span_tolerance_s
            if not (arrived <= cutoff or continues or key < 0):
                break
            if span is not None:
                self._span_end_s[stream] = max(span[1], end if end is not None else -np.inf)
            n_ready += 1
        if n_ready == 0:
            return None
        ready, self._held = self._held[:n_ready], self._held[n_ready:]
        n_bad = sum(1 for h in ready if h[2] < 0)
        self.stats.malformed += n_bad
        if self._reconnected and self._last_keys and n_bad < len(ready):
            self._reconnected = False
            newest_s = self._sensor_s_of_key(max(self._last_keys.values()))
            restarted = [h[2] >= 0 and self._sensor_s_of_key(h[2]) < newest_s - 10.0 for h in ready]
            if any(restarted):  # the sensor clock restarted: finish the old clock, then start the new one
                old = [h for h, r in zip(ready, restarted, strict=True) if not r]  # held from before the loss
                before = Timed.join(self._write_ready(old), self._restart_clock())
                new = [h for h, r in zip(ready, restarted, strict=True) if r]
                return Timed.join(before, self._write_ready(new))
        return self._write_ready(ready)

    def _write_ready(self, ready: list[tuple[float, bytes, int]]) -> Timed | None:
        """Drop duplicates and replays (per-stream key floors), decode and place the rest (in key order).

        A loop over the packets: a batch is one to a few packets, where numpy's calls cost more than
        the work."""
        # keys interleave the device's streams (key % n_streams); each stream has its own floor, and of
        # equal keys in a row only the first is written
        n_streams = self.profile.key_streams
        floors = dict(self._last_keys)
        chosen: list[tuple[float, bytes, int]] = []
        previous: int | None = None
        for packet in ready:
            key, first_of_equal, previous = packet[2], packet[2] != previous, packet[2]
            if key < 0:
                continue  # counted as malformed
            if key > floors.get(key % n_streams, -1) and first_of_equal:
                chosen.append(packet)
                self._last_keys[key % n_streams] = key
            else:
                self.stats.duplicates += 1
        if not chosen:
            return None
        decoded = self.profile.decode([p for _, p, _ in chosen], keys=np.asarray([k for _, _, k in chosen]))
        return self._clocked(decoded, np.asarray([t for t, _, _ in chosen]))

    def _restart_clock(self) -> Timed | None:
        """The sensor clock restarted: samples still waiting in the decoder (a paired profile's
        half-decided pairs) are decided and placed with the OLD clock, then the clock is forgotten."""
        decoded = self.profile.drain_pending()
        timed = None
        if decoded is not None:
            timed = self._clocked(decoded, np.array([self._newest_arrival_s]))
            self._place_unpaired()
        self._last_keys, self._last_sensor_s = {}, None
        return timed

    def _sensor_s_of_key(self, key: int) -> float:
        return key // self.profile.key_streams * self.profile.key_unit_s

    def _clocked(self, d: Decoded, host_per_packet: NDArray[np.float64]) -> Timed | None:
        """Place samples on the nominal sample grid using the sensor clock to find gaps and overlaps.

        Sample j of the stream gets grid index g_j (virtual time g_j / rate); the step between the
        first samples of consecutive packets is read from the sensor clock in whole samples, with
        the clock's resolution as tolerance, so jitter never creates false gaps and time never
        goes backwards. Samples whose grid index was already written are duplicates.
        """
        self.stats.malformed += d.malformed
        if d.n_samples == 0 or d.sensor_time_s is None:
            return None
        n = d.samples_per_packet
        first = np.cumsum(n) - n
        rate = self.info.rate_hz
        arrival = host_per_packet[d.packet_index]
        last_s = self._last_sensor_s
        restart = last_s is None  # first packet ever, or after the sensor clock restarted
        if last_s is None:
            if self.clock.started:
                late = float(arrival[0] - self.clock.map(np.array([(self._grid_next - 1) / rate]))[0])
                start = self._grid_next + max(int(np.rint(late * rate)) - int(n[0]), 0)
            else:
                start = 0
            prev_s, prev_g, prev_n = float(d.sensor_time_s[0]), start, 0
        else:
            prev_s, prev_g, prev_n = last_s, self._last_first_grid, self._last_n
        # per packet (a loop: one to a few packets): the step from the previous packet's first sample, in
        # whole samples of the sensor clock, on time within the clock's resolution; what a longer step lost
        grid_first = []
        for j, (s_first, count) in enumerate(zip(d.sensor_time_s[first].tolist(), n.tolist(), strict=True)):
            step = 0 if j == 0 and restart else round((s_first - prev_s) * rate)
            if abs(step - prev_n) <= self._jitter:
                step = prev_n
            elif step > prev_n and not (j == 0 and restart):
                self.stats.gaps += 1
                self.stats.lost_samples += step - prev_n
            prev_g += step
            grid_first.append(prev_g)
            prev_s, prev_n = s_first, count
        self._last_sensor_s, self._last_first_grid, self._last_n = prev_s, prev_g, prev_n
        grid = np.repeat(grid_first, n) + (np.arange(int(n.sum())) - np.repeat(first, n))
        keep = grid >= np.maximum.accumulate(np.concatenate([[self._grid_next], grid + 1]))[:-1]
        self.stats.duplicates += int((~keep).sum())
        if not keep.any():
            return None
        s = grid / rate
        if not self.clock.started:  # at the smallest delay (latency is never negative): a paired profile's rows
            ends = first + n - 1  # decided late share the batch's arrival with rows sent much earlier (REC-20)
            k = int(np.argmin(arrival - s[ends]))
            self.clock.start(float(s[ends[k]]), float(arrival[k]))
        t = self.clock.map(s[keep])  # map with the current map; what this batch teaches applies from here on
        self.clock.observe(s[first + n - 1], arrival)
        self._grid_next = int(grid[keep][-1]) + 1
        gyr = d.gyr_dps[keep] if d.gyr_dps is not None else None
        return self._finish(t, d.acc_ms2[keep], gyr, np.repeat(arrival, n)[keep])

    # --------------------------------------------------------------------- devices without a clock

    def _unclocked(self, arrivals: list[Arrival]) -> Timed | None:
        d = self.profile.decode([p for _, p in arrivals])
        self.stats.malformed += d.malformed
        if d.n_samples == 0:
            return None
        n = d.samples_per_packet
        arrival = np.asarray([arrivals[i][0] for i in d.packet_index])
        rate = self.info.rate_hz
        end_count = self._virtual_count + np.cumsum(n)  # virtual sample count after each packet
        if not self.clock.started:
            self.clock.start(float(end_count[0] - 1) / rate, float(arrival[0]))
            if self.clock.anchor_host_s - float(n[0] - 1) / rate <= self._last_host_s:
                self.clock.anchor_host_s = self._last_host_s + float(n[0]) / rate
        skip = np.zeros(n.size, dtype=np.int64)  # samples lost before each packet
        if self._reconnected:
            # BLE acknowledges every notification within a connection, so samples go missing only
            # while the link is down: the first packet after a reconnect tells how long that was
            self._reconnected = False
            late = float(arrival[0] - self.clock.map(np.array([(end_count[0] - 1) / rate]))[0])
            missing = max(int(np.rint(late * rate)), 0)
            if missing:
                skip[0] = missing
                self.stats.gaps += 1
                self.stats.lost_samples += missing
        start_count = end_count - n + skip.cumsum()
        counts = np.repeat(start_count, n) + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))
        self._virtual_count = int(counts[-1]) + 1
        s = counts / rate
        t = self.clock.map(s)
        self.clock.observe(s[np.cumsum(n) - 1], arrival)
        per_sample = np.repeat(arrival, n)
        if d.gyr_dps is None:
            return self._finish(t, d.acc_ms2, None, per_sample)
        # half samples (NaN in one stream: the twin was lost or malformed) keep their place in time:
        # acceleration is a row with NaN gyro (REC-20), a gyro half is unpaired, neither only held the slot
        no_acc = np.isnan(d.acc_ms2).any(axis=1)
        gyr_only = no_acc & ~np.isnan(d.gyr_dps).any(axis=1)
        if gyr_only.any():
            self._unpaired.append(PlacedUnpaired("gyr", t[gyr_only], d.gyr_dps[gyr_only]))
            self.stats.unpaired_kept += int(gyr_only.sum())
        row = ~no_acc
        return self._finish(t[row], d.acc_ms2[row], d.gyr_dps[row], per_sample[row])

    # ------------------------------------------------------------------------------------ common

    def _finish(
        self,
        t: NDArray[np.float64],
        acc: NDArray[np.float64],
        gyr: NDArray[np.float64] | None,
        arrival_s: NDArray[np.float64],
    ) -> Timed | None:
        """Samples whose host time goes forward, with the arrival of the packet each came from."""
        keep = t > np.maximum.accumulate(np.concatenate([[self._last_host_s], t]))[:-1]
        if not keep.all():
            self.stats.duplicates += int((~keep).sum())
            t, acc, arrival_s = t[keep], acc[keep], arrival_s[keep]
            gyr = gyr[keep] if gyr is not None else None
        if t.size == 0:
            return None
        self._last_host_s = float(t[-1])
        self.stats.samples_written += int(t.size)
        if gyr is not None:
            self.stats.acc_without_gyro += int(np.isnan(gyr).any(axis=1).sum())
        return Timed(t, acc, gyr, float(arrival_s.max()), arrival_s)
