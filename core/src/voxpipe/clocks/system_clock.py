"""``SystemClock``: a :class:`BaseClock` on ``time.monotonic_ns``."""

from __future__ import annotations

import time

from voxpipe.clocks.base_clock import BaseClock

__all__ = ["SystemClock"]


class SystemClock(BaseClock):
    """Wall-clock-free monotonic time since :meth:`start`."""

    def __init__(self) -> None:
        self._start: int | None = None

    def get_time(self) -> int:
        """Nanoseconds since :meth:`start` (0 before it)."""
        return time.monotonic_ns() - self._start if self._start is not None else 0

    def start(self) -> None:
        """Start counting from now (later calls are ignored)."""
        if self._start is None:
            self._start = time.monotonic_ns()
