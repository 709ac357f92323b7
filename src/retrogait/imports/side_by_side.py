"""Sensors side by side in one table: a line of sensor names above a header that writes each sensor's column names
again (``sensor,left,right,left,right,...`` over ``axis,acc_x,acc_x,acc_y,acc_y,...``; EDGE-296).

One recording is read at a time, and which of two same-named columns to read cannot be told from the names
(EDGE-289). Where the line above the header tells them apart, the refusal says, for each sensor it names, the
0-based positions that read it (``--acc-columns 1,3,5 --gyr-columns 7,9,11``) and ``--rate`` where the table has no
time column: options the user can paste.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Sensors spelled out in one refusal; more are said as a count (the line stays one readable line).
MAX_SENSORS_SAID = 8
#: The key of ``roles`` for columns no option names (gravity beside the acceleration, a date column): where one of
#: them is written twice, no option reads one sensor's, so no advice is given.
UNNAMED_ROLE = ""


@dataclass(frozen=True)
class SensorColumns:
    """One sensor of the table: its name in the line above the header and, per option, the 0-based positions that
    read its columns (``("--acc-columns", (1, 3, 5))``)."""

    label: str
    options: tuple[tuple[str, tuple[int, ...]], ...]

    def words(self, rate: str) -> str:
        """The options that read this sensor, as typed (``rate``: ``--rate HZ`` or empty)."""
        given = " ".join(f"{option} {','.join(str(p) for p in positions)}" for option, positions in self.options)
        return f"{given} {rate}".strip()


def sensors(written: Sequence[str], above: Sequence[str], roles: Mapping[str, Sequence[int]]) -> list[SensorColumns]:
    """The sensors the line ``above`` the header ``written`` tells apart, each with the positions that read it.

    ``roles``: per option (``--time-column``, ``--acc-columns``, ``--gyr-columns``, or :data:`UNNAMED_ROLE`) the
    0-based positions the reader would read. A role whose names are each written once is left to the reader (a
    time column the sensors share); one with a name written twice is given for every sensor, which must hold each
    of its names exactly once. Empty where the line does not tell every column read twice apart (no line, another
    width, a blank name over one, a sensor without one of the names, or an unnamed role read twice) or names fewer
    than two sensors: the caller then says what it said before."""
    if len(above) != len(written):
        return []
    above = [a.strip() for a in above]
    twice = [role for role, positions in roles.items() if any(written.count(written[p]) > 1 for p in positions)]
    if not twice or UNNAMED_ROLE in twice:
        return []
    spread = [j for role in twice for p in roles[role] for j in _same_name(written, p)]
    labels = list(dict.fromkeys(above[j] for j in spread))
    if len(labels) < 2 or "" in labels:
        return []
    found = []
    for label in labels:
        options = []
        for role in twice:
            at = [[j for j in _same_name(written, p) if above[j] == label] for p in roles[role]]
            if any(len(one) != 1 for one in at):
                return []
            options.append((role, tuple(one[0] for one in at)))
        shared = [p for role, positions in roles.items() if role not in twice for p in positions]
        if any(above[p] in labels and above[p] != label for p in shared):  # another sensor's column read by name
            return []
        found.append(SensorColumns(label, tuple(options)))
    return found


def _same_name(written: Sequence[str], p: int) -> list[int]:
    """The positions of the header ``written`` that write the name at position ``p``."""
    return [j for j, name in enumerate(written) if name == written[p]]


def refusal(found: Sequence[SensorColumns], rate: str) -> str:
    """The problem's words for a table of ``found`` sensors side by side (``rate``: ``--rate HZ``, ``--rate 204.8``
    or empty where the table has a time column)."""
    said = found[:MAX_SENSORS_SAID]
    reads = ", ".join(f"{s.label} with {s.words(rate)}" for s in said)
    more = f", and the {len(found) - len(said)} others likewise" if len(found) > len(said) else ""
    hz = "; HZ: its sampling rate, as the table has no time column" if rate == "--rate HZ" else ""
    return (
        f"holds {len(found)} sensors side by side under the same column names (the line above its header names "
        f"them: {', '.join(s.label for s in said)}{', ...' if more else ''}) and one recording is read at a time: "
        f"read {reads}{more} (0-based positions{hz})"
    )
