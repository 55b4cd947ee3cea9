"""``BaseTextFilter``: text in, text out, one chunk at a time.

A filter transforms each chunk it is given and returns the result at once; it
never holds text back (that is what aggregators are for). It may keep state
between chunks — whether it is inside a code block, say — which
:meth:`BaseTextFilter.handle_interruption` discards.

TTS services apply their ``text_filters`` to each aggregated sentence before
synthesis. Filters written for Pipecat declare their methods ``async``; code
that calls filters should go through :func:`apply_text_filter`, which accepts
both kinds.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

__all__ = ["BaseTextFilter", "apply_text_filter"]


class BaseTextFilter(ABC):
    """Base class for text filters; subclasses implement :meth:`filter`."""

    @abstractmethod
    def filter(self, text: str) -> str:
        """Return ``text`` transformed; called once per chunk, in order."""

    def update_settings(self, settings: Mapping[str, Any]) -> None:  # noqa: B027 - optional hook
        """Change settings at runtime; keys that are not settings of this filter are ignored."""

    def handle_interruption(self) -> None:  # noqa: B027 - optional hook
        """The bot was interrupted: drop any state carried between chunks."""

    def reset_interruption(self) -> None:  # noqa: B027 - optional hook
        """The next response starts: filtering resumes normally."""


async def apply_text_filter(text_filter: Any, text: str) -> str:
    """Run ``text_filter.filter(text)``, awaiting it when the filter's method is async.

    Args:
        text_filter: A :class:`BaseTextFilter`, or any object with a ``filter``
            method (plain or ``async``) taking and returning a string.
        text: The chunk to filter.

    Returns:
        The filtered text.
    """
    result = text_filter.filter(text)
    if inspect.isawaitable(result):
        result = await result
    return result
