"""``MediaClock``: the time source output transports pace media by.

Audio is written at its playback rate: chunk *k* goes out when the chunks
before it have had time to play. Every wait the output side does goes through
one :class:`MediaClock`, so a test can run media faster than real time with
``MediaClock(speed=20)`` — all durations, sleeps and timeouts shrink by the
same factor, so behaviour (ordering, bot-speaking detection, end silence) is
the same as in real time, only quicker.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["MediaClock"]


class MediaClock:
    """Monotonic media time in seconds, optionally running faster than real time.

    Args:
        speed: How many media seconds pass per real second (1.0 = real time).

    Raises:
        ValueError: ``speed`` is not positive.
    """

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"MediaClock speed must be positive, got {speed}")
        self._speed = float(speed)
        self._origin = time.monotonic()

    @property
    def speed(self) -> float:
        """Media seconds per real second."""
        return self._speed

    def now(self) -> float:
        """Media seconds since this clock was created."""
        return (time.monotonic() - self._origin) * self._speed

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of media time (returns at once when not positive)."""
        if seconds > 0:
            await asyncio.sleep(seconds / self._speed)
        else:
            await asyncio.sleep(0)

    async def wait(self, event: asyncio.Event, timeout: float | None) -> bool:
        """Wait until ``event`` is set or ``timeout`` media seconds passed.

        Returns:
            True if the event is set.
        """
        if event.is_set():
            return True
        if timeout is None:
            await event.wait()
            return True
        try:
            await asyncio.wait_for(event.wait(), max(timeout, 0.0) / self._speed)
        except asyncio.TimeoutError:
            return event.is_set()
        return True

    def real_seconds(self, media_seconds: float) -> float:
        """How long ``media_seconds`` take in real time."""
        return media_seconds / self._speed
