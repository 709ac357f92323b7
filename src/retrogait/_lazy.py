"""Names of a package loaded on first use (PEP 562), so that importing the package stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_getattr(package: str, names: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``names[name]`` (a module path) when ``name`` is first used
    and keeps the value in the package's ``namespace`` so later look-ups are ordinary attribute reads."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        namespace[name] = value
        return value

    return __getattr__


def lazy_dir(names: Iterable[str], namespace: dict[str, Any]) -> Callable[[], list[str]]:
    """A module ``__dir__`` that lists the names loaded on first use too (``names``, the ``__all__``)."""
    public = tuple(names)

    def __dir__() -> list[str]:
        return sorted({*namespace, *public})

    return __dir__
