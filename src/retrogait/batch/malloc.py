"""The batch runner's import of the allocator setting, which lives in :mod:`retrogait.allocator` (PERF-12)."""

from __future__ import annotations

from retrogait.allocator import reuse_freed_memory

__all__ = ["reuse_freed_memory"]
