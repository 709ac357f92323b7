"""User text made safe to print: terminal control bytes shown as ``\\xNN`` (never obeyed) and, for
rich output, markup escaped so ``[/b]`` in a header value prints as text instead of crashing.

Everything that comes from a file or a folder name (header values, column names, paths, error
lines quoting them) goes through :func:`safe` before it is printed.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any

from retrogait.outfiles import writable_text

if TYPE_CHECKING:
    from rich.console import Console

#: rich's markup tag pattern (rich.markup.escape), here so this module imports nothing heavy.
_MARKUP = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
#: C0 and C1 control characters, DEL and the line/paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe(text: object, *, markup: bool = True) -> str:
    """``text`` as one printable line: control characters shown as ``\\xNN`` (tab kept), and with
    ``markup`` (for rich) every ``[tag]`` escaped so rich prints it verbatim."""
    line = writable_text(str(text))  # a file name that is not UTF-8: its bytes as \xNN (BATCH-18)
    shown = _CONTROL.sub(lambda m: "\t" if m.group(0) == "\t" else f"\\x{ord(m.group(0)):02x}", line)
    if not markup:
        return shown
    shown = _MARKUP.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", shown)
    return shown + "\\" if shown.endswith("\\") and not shown.endswith("\\\\") else shown


def line_console(*, stderr: bool = False, **kwargs: Any) -> Console:
    """A rich console for the command's lines (notes, summaries, paths). Off a terminal (a pipe, a file, a CI log)
    rich cannot ask for a width and, with ``COLUMNS`` unset, wraps at 80 columns, folding a long path into pieces:
    a line a user greps for (a file's name, "counted once") was split over several (EDGE-220). There a line is
    printed whole (``soft_wrap``), colours kept where asked for (``FORCE_COLOR``); on a terminal rich wraps it at the
    terminal's width as before. Tables are printed with ``soft_wrap=False`` (their columns fit the width)."""
    from rich.console import Console

    console = Console(stderr=stderr, **kwargs)
    console.soft_wrap = not _a_terminal(console.file)
    return console


def _a_terminal(file: Any) -> bool:
    """True when ``file`` is a terminal, asked of the file itself: rich's ``is_terminal`` is also true off one with
    ``FORCE_COLOR`` or ``TTY_COMPATIBLE=1`` set (coloured CI logs), where a line must stay whole too (REVIEW-100)."""
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or closed
        return False


#: The environment variables by which rich takes a console for a terminal whatever its file is (or is not).
RICH_TERMINAL_VARIABLES = ("FORCE_COLOR", "TTY_COMPATIBLE")


def stderr_surely_no_terminal() -> bool:
    """True only where rich's ``Console(stderr=True).is_terminal`` is surely False, asked without importing rich:
    neither of :data:`RICH_TERMINAL_VARIABLES` is set and standard error (the file a rich proxy stands for) says it
    is no terminal, as rich asks it (``isatty``; none, or a closed file, is none). Anything else (a terminal, a
    variable set to any value, an ``isatty`` that fails otherwise) is left to rich: False. ``analyze`` then draws
    no progress bar, which rich would have disabled there, and imports rich beside the read (PERF-84)."""
    if any(name in os.environ for name in RICH_TERMINAL_VARIABLES):
        return False
    file = getattr(sys.stderr, "rich_proxied_file", sys.stderr)
    isatty = getattr(file, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # closed: rich says no terminal too
        return True
    except Exception:  # rich would raise it: left to rich
        return False
