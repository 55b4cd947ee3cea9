"""``BaseTextAggregator``: turns streamed text chunks into speakable units.

Contract: call :meth:`BaseTextAggregator.aggregate` with each chunk; it returns
an :class:`Aggregation` when a complete unit (a sentence, a tagged span ...)
is buffered, else None. One chunk may complete several units: call
``aggregate("")`` again until it returns None to drain them. :meth:`flush`
returns whatever is left (e.g. at the end of an LLM response);
:meth:`handle_interruption` and :meth:`reset` drop the buffer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum

__all__ = ["Aggregation", "AggregationType", "BaseTextAggregator"]


class AggregationType(str, Enum):
    """Built-in kinds of aggregation; custom aggregators may use any string."""

    SENTENCE = "sentence"
    WORD = "word"
    TOKEN = "token"

    def __str__(self) -> str:
        return self.value


@dataclass
class Aggregation:
    """A unit of aggregated text.

    Attributes:
        text: The text.
        type: What it is: an :class:`AggregationType` or a custom name such as
            ``"json"``; TTS ``skip_aggregator_types`` and ``text_transforms``
            select on it.
    """

    text: str
    type: AggregationType | str = AggregationType.SENTENCE


class BaseTextAggregator(ABC):
    """Base class for text aggregators; see the module docstring for the contract."""

    @property
    @abstractmethod
    def text(self) -> str:
        """The text buffered so far and not yet returned."""

    @abstractmethod
    def aggregate(self, text: str) -> Aggregation | None:
        """Add ``text`` and return the next complete unit, or None if none is ready."""

    @abstractmethod
    def flush(self) -> Aggregation | None:
        """Return all buffered text as one unit (None if empty) and clear the buffer."""

    def handle_interruption(self) -> None:
        """Drop buffered text: the bot was interrupted."""
        self.reset()

    @abstractmethod
    def reset(self) -> None:
        """Drop buffered text."""
