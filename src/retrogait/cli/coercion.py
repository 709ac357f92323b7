"""Typer's option values without pydantic where the outcome is known (PERF-17).

Typer >= 0.29 turns every command-line value into its annotated type through a pydantic ``TypeAdapter``
built, per option of the invoked command, the first time that option is processed: an option left out
(value ``None``) builds one too, only to return ``None`` before using it. Importing pydantic and building
the adapters cost ``retrogait analyze`` 0.06-0.09 s before the recording is opened (PERF-15).

:func:`install` makes each parameter's coercion lazy: an option left out is ``None`` (or ``()``) as in
Typer's own ``RuntimeParam.coerce``, a ``str`` option's text is that text (Typer's ``_parse_cli_str`` and
pydantic's ``str`` give it back unchanged), a ``pathlib.Path`` option's text goes through Typer's own
``coerce_cli_path`` with ``Path(text)`` (what pydantic's ``Path`` validator returns for any text), an
``int`` option's plain digits are that number when in its range, and a ``list[str]`` argument's texts are
that list (BATCH-22: ``retrogait batch DIR --jobs 2`` loads no pydantic); every other value (other
numbers, choices, a parser, files, other lists, a path check that fails, a number out of range) is handed
to the adapter Typer builds, so its results and error messages are Typer's. A Typer without these private
names is left as it is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_NOT_HANDLED = object()

#: Text that is an int to pydantic and to Python alike: ASCII digits, no sign, space, "_" or leading zero.
_PLAIN_INT = re.compile(r"0|[1-9][0-9]{0,17}")


#: Typer releases (major, minor) whose private coercion this module was checked against
#: (tests/test_cli_coercion.py compares every parameter with Typer's own): any other keeps Typer's own.
CHECKED_TYPER = frozenset({(0, 29)})


def applies() -> bool:
    """True when the installed Typer is one of :data:`CHECKED_TYPER`."""
    import typer

    parts = typer.__version__.split(".")
    try:
        return (int(parts[0]), int(parts[1])) in CHECKED_TYPER
    except (IndexError, ValueError):
        return False


def install() -> bool:
    """Make Typer's parameters coerce lazily; False (and nothing changed) when this Typer differs or was
    not checked (:data:`CHECKED_TYPER`): its private names could mean something else there."""
    if not applies():
        return False
    try:
        from typer import _coercion, _param_types, core
    except ImportError:
        return False
    parameter: Any = getattr(core, "_TyperParameter", None)
    runtime_param: Any = getattr(_coercion, "RuntimeParam", None)
    build: Any = getattr(_coercion, "build_runtime_param", None)
    coerce_path: Any = getattr(_param_types, "coerce_cli_path", None)
    bad_parameter: Any = getattr(_coercion, "BadParameter", None)
    if (
        parameter is None
        or runtime_param is None
        or build is None
        or coerce_path is None
        or bad_parameter is None
        or not callable(getattr(parameter, "get_runtime_param", None))
        or getattr(parameter, "_retrogait_lazy", False)
    ):
        return bool(getattr(parameter, "_retrogait_lazy", False))

    class LazyRuntimeParam(runtime_param):
        """Typer's coercion of one parameter, its adapter built only for a value that needs it."""

        def __init__(self, descriptor: Any) -> None:
            super().__init__(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
            object.__setattr__(self, "_descriptor", descriptor)
            object.__setattr__(self, "_built", None)

        # coerce() is Typer's own: None gives () or None, text for a multi-value option is refused; the
        # rest comes here
        def _typer(self) -> Any:
            if self._built is None:
                object.__setattr__(self, "_built", build(self._descriptor))
            return self._built

        def _fast(self, value: Any, param: Any, ctx: Any) -> Any:
            descriptor = self._descriptor
            info = descriptor.parameter_info
            if descriptor.file_annotation is not None or info.parser is not None:
                return _NOT_HANDLED
            if type(value) is tuple and descriptor.annotation == list[str] and param.nargs == -1:
                if all(type(item) is str for item in value):  # several texts (BATCH-22: batch's inputs)
                    return list(value)
                return _NOT_HANDLED
            if type(value) is tuple and descriptor.annotation == list[Path] and param.nargs == -1:
                if not all(type(item) is str for item in value) or info.path_type is not None:
                    return _NOT_HANDLED
                try:  # several paths (info's and compare's inputs), each as a single path option's
                    return [coerce_path(Path(item), info, path_type=Path, param=param, ctx=ctx) for item in value]
                except Exception:  # Typer's adapter refuses it again, in its own words (as below)
                    return _NOT_HANDLED
            if type(value) is not str or param.multiple or param.nargs != 1:
                return _NOT_HANDLED
            if descriptor.annotation is str:
                return value
            if descriptor.annotation is int and _PLAIN_INT.fullmatch(value) and not info.clamp:
                number = int(value)  # pydantic's lax int of plain digits (BATCH-22: --jobs)
                low, high = info.min, info.max  # out of range: Typer's adapter refuses it in its words
                if (low is None or number >= low) and (high is None or number <= high):
                    return number
                return _NOT_HANDLED
            if descriptor.annotation is Path and info.path_type is None:
                try:
                    return coerce_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
                except Exception:  # Typer's adapter refuses it again, in its own words: a failed check, and
                    # text no file name can hold (a NUL, a lone surrogate: ValueError from os.stat), which
                    # pydantic turns into a usage error (REVIEW-3)
                    return _NOT_HANDLED
            return _NOT_HANDLED

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            fast = self._fast(value, param, ctx)
            return self._typer()._coerce_value(value, param=param, ctx=ctx) if fast is _NOT_HANDLED else fast

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = LazyRuntimeParam(self.type_descriptor)
        return self._runtime_param

    parameter.get_runtime_param = get_runtime_param
    parameter._retrogait_lazy = True
    return True
