"""The machinery behind the analysis settings: a field is a physical quantity with a unit and bounds.

``quantity(default, unit, doc, lo, hi)`` declares one field of a stage's settings dataclass;
:class:`Stage` is the base of every stage's frozen dataclass and checks, when an instance is made,
that each value has the field's type and lies within its physical bounds, and that ordered pairs
(``ORDERED``: e.g. the shortest step below the longest) keep their order. A value that breaks a rule
raises :class:`SettingsError`, one line naming the stage table and the key.
"""

from __future__ import annotations

import math
from dataclasses import Field, field, fields
from typing import Any, ClassVar

from retrogait.errors import RetrogaitError

#: Types a settings value may have (TOML: float, integer, boolean, string).
VALUE_TYPES = (float, int, bool, str)


class SettingsError(RetrogaitError):
    """A settings value that is unknown, of the wrong type or outside its physical bounds (one line)."""


def quantity(default: Any, unit: str, doc: str, lo: float | None = None, hi: float | None = None) -> Any:
    """A settings field: ``default`` (its type is the field's type), ``unit`` (``"s"``, ``"g"``, ``"1"`` for a
    plain number), a short ``doc`` and inclusive physical bounds ``lo``..``hi`` (None: unbounded)."""
    if type(default) not in VALUE_TYPES:
        raise TypeError(f"a settings default must be float, int, bool or str, got {default!r}")
    return field(default=default, metadata={"unit": unit, "doc": doc, "min": lo, "max": hi})


def format_value(value: Any) -> str:
    """A value as TOML writes it (and as messages show it): shortest round-trip float, true/false, quoted text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def bounds_text(f: Field[Any]) -> str:
    """``[lo, hi]`` of a field (``-inf``/``inf`` where unbounded), empty for text and booleans."""
    lo, hi = f.metadata.get("min"), f.metadata.get("max")
    if lo is None and hi is None:
        return ""
    return f"[{'-inf' if lo is None else format_value(lo)}, {'inf' if hi is None else format_value(hi)}]"


def value_problem(f: Field[Any], value: Any) -> str | None:
    """What is wrong with ``value`` for field ``f`` (type, finiteness, bounds), or None."""
    kind: type = type(f.default)
    unit = f.metadata.get("unit", "")
    given: Any = value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        return f"must be {_kind_name(kind)}, got {format_value(value) if type(value) in VALUE_TYPES else repr(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    lo, hi = f.metadata.get("min"), f.metadata.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        shown = "" if unit in ("", "1") else f" {unit}"
        return f"= {format_value(given)}{shown} is outside its physical bounds {bounds_text(f)}"
    return None


def _kind_name(kind: type) -> str:
    return {float: "a number", int: "an integer", bool: "true or false", str: "text"}[kind]


class Stage:
    """Base of a stage's frozen settings dataclass: checks types, bounds and order on creation.

    Subclasses set ``TABLE`` (the TOML table and summary.json key, e.g. ``"contacts"``) and may set
    ``ORDERED``: pairs of field names whose values must satisfy ``first <= second``, ``BELOW``: pairs that
    must satisfy ``first < second`` (a band's edges, a ramp's ends), and ``AT_LEAST``:
    ``(first, factor, second, why)`` where ``first >= factor * second`` must hold (EDGE-70).
    """

    TABLE: ClassVar[str] = ""
    ORDERED: ClassVar[tuple[tuple[str, str], ...]] = ()
    BELOW: ClassVar[tuple[tuple[str, str], ...]] = ()
    AT_LEAST: ClassVar[tuple[tuple[str, float, str, str], ...]] = ()

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            problem = value_problem(f, value)
            if problem:
                raise SettingsError(f"[{self.TABLE}] {f.name}{_joined(problem)}")
            if type(f.default) is float and type(value) is int:
                object.__setattr__(self, f.name, float(value))  # 1 and 1.0 are the same setting
        for first, second in self.ORDERED:
            a, b = getattr(self, first), getattr(self, second)
            if a > b:
                raise SettingsError(
                    f"[{self.TABLE}] {first} = {format_value(a)} must not exceed {second} = {format_value(b)}"
                )
        for first, second in self.BELOW:
            a, b = getattr(self, first), getattr(self, second)
            if a >= b:
                raise SettingsError(
                    f"[{self.TABLE}] {first} = {format_value(a)} must be below {second} = {format_value(b)}"
                )
        for first, factor, second, why in self.AT_LEAST:
            a, b = getattr(self, first), getattr(self, second)
            if a < factor * b:
                raise SettingsError(
                    f"[{self.TABLE}] {first} = {format_value(a)} must be at least {factor:g} x {second} "
                    f"= {format_value(factor * b)} ({why})"
                )

    def to_dict(self) -> dict[str, Any]:
        """``{field: value}`` in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


def _joined(problem: str) -> str:
    """``= 5 g is outside ...`` reads after the key; ``must be ...`` after a colon."""
    return f" {problem}" if problem.startswith("=") else f": {problem}"
