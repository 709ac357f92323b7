"""A numpy function counted while a test runs: how many calls a path makes, not how long it takes (REVIEW-280)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest


class NumpyCalls:
    """``numpy.NAME`` patched for the test to count its calls in :attr:`n` (set it to 0 to count again)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.n = 0
        real = getattr(np, name)

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.n += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(np, name, counting)
