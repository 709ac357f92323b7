"""A script that runs ``retrogait`` as the program and prints at exit whether a module was imported when the read
began (``SEEN {label: bool}`` on standard error): the start-up tests' probe (PERF-84, PERF-88)."""

from __future__ import annotations


def modules_at_read_probe(label: str, module: str) -> str:
    """The probe's source: ``python -c`` it with the command line after it."""
    return f"""
import atexit, sys
import retrogait.analysis.load as load
seen = {{}}
original = load.load_input
def load_input(*args, **kwargs):
    seen[{label!r}] = {module!r} in sys.modules
    return original(*args, **kwargs)
load.load_input = load_input
atexit.register(lambda: print("SEEN", seen, file=sys.stderr))
from retrogait.cli import main
sys.argv = ["retrogait", *sys.argv[1:]]
main()
"""
