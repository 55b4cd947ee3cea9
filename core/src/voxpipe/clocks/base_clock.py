"""``BaseClock``: the time source a pipeline task hands to its processors."""

from __future__ import annotations

from abc import ABC, abstractmethod

__all__ = ["BaseClock"]


class BaseClock(ABC):
    """A monotonic clock in nanoseconds, started when its pipeline starts."""

    @abstractmethod
    def get_time(self) -> int:
        """Nanoseconds since :meth:`start` (0 before it)."""

    @abstractmethod
    def start(self) -> None:
        """Start counting from now."""
